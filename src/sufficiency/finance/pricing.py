"""The resolved price of every placement category and purchasing route, year by year.

A :class:`Pricing` is what :meth:`sufficiency.Prices.resolve` makes of the
price tables for the categories at hand: each category's share of
placements by route, the weekly price of every (category, route) cell at its
own price year, each category's inflation, and the council's own fees where
a placement cost file priced a cell. Every pound the library computes (the
cost of a forecast, past spend, a scenario's prices, the cost of a shortfall
of places) is priced through it, so a price is computed the same way
everywhere.

Prices move each April by the category's annual inflation rate: the price in
financial year ``f`` is ``weekly_cost * (1 + rate) ** (f - price_year)``
(years ending 31 March), so a price from an earlier year is brought forward
and spend in earlier years is deflated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import DateLike, financial_year_of, year_ending_march
from ..common.errors import SchemaError
from .tables import ANY_ROUTE, ROUTES, normalise_route

__all__ = ["FeePool", "Pricing", "ordered_routes", "price_index", "price_lookup", "route_split"]


def price_index(years: np.ndarray, price_years: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Price level of each year relative to each price's own year.

    Parameters
    ----------
    years : numpy.ndarray
        (F,) financial years [year ending 31 March].
    price_years : numpy.ndarray
        (C, R) year each price is at.
    rates : numpy.ndarray
        (C,) annual inflation [1/year].

    Returns
    -------
    numpy.ndarray
        (F, C, R): ``(1 + rate) ** (year - price_year)``.
    """
    steps = np.asarray(years, dtype=float)[:, None, None] - price_years[None, :, :]
    return (1.0 + rates)[None, :, None] ** steps


def price_lookup(
    unit_costs: pd.DataFrame, categories: Sequence[str], routes: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Weekly price and price year of every (category, route) cell that has a price.

    A route-specific row wins over the category's ``"all"`` row.

    Parameters
    ----------
    unit_costs : pandas.DataFrame
        Canonical unit costs (:func:`sufficiency.finance.checks.check_unit_costs`).
    categories, routes : sequence of str

    Returns
    -------
    price : numpy.ndarray
        (category, route) [£/week]; NaN where there is no price.
    year : numpy.ndarray
        (category, route) price year [year ending 31 March]; 0 where there is no price.
    """
    price = np.full((len(categories), len(routes)), np.nan)
    year = np.zeros((len(categories), len(routes)), dtype=int)
    exact = {
        (c, r): (float(w), p)
        for c, r, w, p in zip(
            unit_costs[S.PLACEMENT], unit_costs[S.ROUTE], unit_costs[S.WEEKLY_COST], unit_costs[S.PRICE_YEAR]
        )
    }
    for i, c in enumerate(categories):
        for j, r in enumerate(routes):
            found = exact.get((c, r)) or exact.get((c, ANY_ROUTE))
            if found is not None:
                price[i, j] = found[0]
                year[i, j] = year_ending_march(found[1])
    return price, year


def route_split(
    unit_costs: pd.DataFrame,
    route_shares: pd.DataFrame | None,
    categories: Sequence[str],
    *,
    where: str = "<route shares>",
    costs_where: str = "<unit costs>",
) -> tuple[list[str], np.ndarray]:
    """Routes and each category's share of placements by route.

    A category with shares takes them; one without takes its only priced
    route (or ``"all"``). Every share must fall on a priced route.

    Parameters
    ----------
    unit_costs : pandas.DataFrame
        Canonical unit costs.
    route_shares : pandas.DataFrame or None
        Canonical route shares.
    categories : sequence of str
    where, costs_where : str
        Names of the route shares and the unit costs in error messages.

    Returns
    -------
    routes : list of str
        Routes with a share anywhere, in the order of :data:`ROUTES`, then
        others sorted.
    shares : numpy.ndarray
        (category, route) [fraction]; rows add up to 1.

    Raises
    ------
    SchemaError
        If a category has no price, or several priced routes and no
        shares, or a share falls on a route with no price.
    """
    chosen: dict[str, dict[str, float]] = {}
    given = (
        {}
        if route_shares is None
        else {c: dict(zip(g[S.ROUTE], g[S.SHARE])) for c, g in route_shares.groupby(S.PLACEMENT, sort=False)}
    )
    for c in categories:
        priced = list(unit_costs.loc[unit_costs[S.PLACEMENT] == c, S.ROUTE])
        if not priced:
            raise SchemaError(
                f"category {c!r} is in the data but has no unit cost: add a row for it",
                file=costs_where,
                column=S.PLACEMENT,
                rule="no_price",
            )
        if c in given:
            unpriced = [r for r, s in given[c].items() if s > 0 and r not in priced and ANY_ROUTE not in priced]
            if unpriced:
                raise SchemaError(
                    f"{c} has a share by route {unpriced[0]!r} but no price for it (priced routes: "
                    f"{', '.join(priced)})",
                    file=where,
                    column=S.ROUTE,
                    rule="no_price",
                )
            chosen[c] = given[c]
        elif len(priced) == 1:
            chosen[c] = {priced[0]: 1.0}
        else:
            raise SchemaError(
                f"{c} has prices for routes {', '.join(priced)} but no route shares: "
                "give route_shares or a placement cost file",
                file=where,
                column=S.ROUTE,
                rule="no_route_shares",
            )
    seen = {r for shares in chosen.values() for r, s in shares.items() if s > 0}
    routes = ordered_routes(seen)
    matrix = np.zeros((len(categories), len(routes)))
    for i, c in enumerate(categories):
        for r, s in chosen[c].items():
            if s > 0:
                matrix[i, routes.index(r)] = s
    return routes, matrix


def ordered_routes(routes: set[str] | Sequence[str]) -> list[str]:
    """Routes in the order of :data:`ROUTES` and ``"all"``, then others sorted."""
    seen = set(routes)
    return [r for r in (*ROUTES, ANY_ROUTE) if r in seen] + sorted(seen - set(ROUTES) - {ANY_ROUTE})


@dataclass(frozen=True)
class FeePool:
    """The recent fees of one (category, route) cell of a placement cost file, with the days they were paid for.

    Attributes
    ----------
    fees : numpy.ndarray
        Net weekly fee of each placement open in the file's last 12 months
        [£/week].
    days : numpy.ndarray
        Its child-days in those months [days]: a placement counts as much
        as it was paid for.
    """

    fees: np.ndarray
    days: np.ndarray

    @property
    def weights(self) -> np.ndarray:
        """Each placement's share of the cell's child-days (equal shares when none has a day)."""
        total = float(self.days.sum())
        return self.days / total if total > 0 else np.full(len(self.fees), 1.0 / len(self.fees))

    @property
    def mean(self) -> float:
        """The day-weighted mean fee [£/week]: what the cell cost per week over the file's last 12 months."""
        return float(self.weights @ self.fees)


@dataclass(frozen=True)
class Pricing:
    """Everything needed to price child-days: routes, shares, prices and inflation.

    Made by :meth:`sufficiency.Prices.resolve`.

    Attributes
    ----------
    categories, routes : tuple of str
        The categories priced and the routes they have placements by.
    shares : numpy.ndarray
        (category, route) share of placements [fraction].
    price : numpy.ndarray
        (category, route) weekly price at its own price year [£/week]; NaN
        where there is none.
    price_year : numpy.ndarray
        (category, route) [year ending 31 March].
    rates : numpy.ndarray
        (category,) annual inflation [1/year].
    pools : dict
        ``{(category, route): FeePool}``: the recent net weekly fees of
        cells priced from a placement cost file, with their child-days.
    assumptions : pandas.DataFrame
        One row per (category, route) with a share: ``placement``,
        ``route``, ``share``, ``weekly_cost`` [£/week], ``price_year``,
        ``annual_rate``, ``source``.
    offered_routes : tuple of str
        Every route with a price for any category (whether or not the
        category places children by it).
    offered_price, offered_year : numpy.ndarray
        (category, offered route) weekly price [£/week] (NaN where none)
        and its price year: what a place would cost bought by each route.
    """

    categories: tuple[str, ...]
    routes: tuple[str, ...]
    shares: np.ndarray
    price: np.ndarray
    price_year: np.ndarray
    rates: np.ndarray
    pools: dict[tuple[str, str], FeePool] = field(repr=False)
    assumptions: pd.DataFrame = field(repr=False)
    offered_routes: tuple[str, ...] = ()
    offered_price: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False)
    offered_year: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=int), repr=False)
    # the fee picks of each seed (FeeDraws), shared by every Pricing of one Prices: drawn once per seed
    fee_draws: dict = field(default_factory=dict, repr=False, compare=False)

    def weekly(self, years: np.ndarray) -> np.ndarray:
        """Weekly price of every cell in each financial year, (year, category, route) [£/week]."""
        return self.price[None] * price_index(np.asarray(years), self.price_year, self.rates)

    def route_index(self, route: str) -> int:
        """Position of a route (any spelling) in :attr:`routes`.

        Raises
        ------
        ValueError
            If no category of this pricing places children by it.
        """
        name = normalise_route(route)
        if name not in self.routes:
            raise ValueError(f"route {route!r} is not one of {', '.join(self.routes)}")
        return self.routes.index(name)

    def routes_of(self, category: str) -> list[str]:
        """The routes a category places children by (those with a share)."""
        i = self.categories.index(category)
        return [r for j, r in enumerate(self.routes) if self.shares[i, j] > 0]

    def index_from(self, start: DateLike, category: int, years: np.ndarray) -> np.ndarray:
        """Price level of each year relative to the financial year of ``start``, with category ``category``'s inflation.

        A new price agreed at ``start`` (a scenario's) moves with it.

        Parameters
        ----------
        start : date
        category : int
            Position in :attr:`categories`.
        years : numpy.ndarray
            (F,) financial years [year ending 31 March].

        Returns
        -------
        numpy.ndarray
            (F,)
        """
        base = int(financial_year_of(pd.DatetimeIndex([pd.Timestamp(start)]))[0])
        return price_index(np.asarray(years), np.full((1, 1), base), self.rates[[category]])[:, 0, 0]

    def place_price(self, years: np.ndarray, categories: Sequence[int]) -> np.ndarray:
        """Weekly price of a place bought spot (off-framework) for one of ``categories``, in each year [£/week].

        The dearest spot price of the categories that have one; when none
        has, the dearest price of any route. A cell the placement cost file
        priced is at the council's own fees.

        Parameters
        ----------
        years : numpy.ndarray
            (F,) financial years [year ending 31 March].
        categories : sequence of int
            Positions in :attr:`categories` (one, or a coarse group's).

        Returns
        -------
        numpy.ndarray
            (F,); NaN where no route of any of the categories is priced.
        """
        levels = self.offered_price[None] * price_index(np.asarray(years), self.offered_year, self.rates)
        cells = levels[:, list(categories), :]  # (F, c, R)
        spot = [self.offered_routes.index("spot")] if "spot" in self.offered_routes else []
        chosen = cells[:, :, spot] if spot and np.isfinite(cells[:, :, spot]).any() else cells
        flat = np.where(np.isfinite(chosen), chosen, -np.inf).reshape(len(levels), -1)
        out = flat.max(axis=1) if flat.shape[1] else np.full(len(levels), -np.inf)
        return np.where(np.isfinite(out), out, np.nan)

    def scaled(self, factors: Mapping[str, float]) -> Pricing:
        """The same pricing with each named category's prices (every route, and places bought) times its factor.

        Parameters
        ----------
        factors : mapping of str to float
            ``{category: factor}``; categories not named keep their prices.

        Returns
        -------
        Pricing
        """
        f = np.array([float(factors.get(c, 1.0)) for c in self.categories])
        if np.all(f == 1.0):
            return self
        assumptions = self.assumptions.copy()
        if len(assumptions):
            factor = assumptions[S.PLACEMENT].map(lambda c: float(factors.get(c, 1.0)))
            assumptions[S.WEEKLY_COST] = assumptions[S.WEEKLY_COST] * factor
            named = factor != 1.0
            assumptions.loc[named, S.SOURCE] = assumptions.loc[named, S.SOURCE].astype(str) + factor[named].map(
                lambda x: f"; scaled by {x:.3f} to the outturn"
            )
        return replace(
            self,
            price=self.price * f[:, None],
            offered_price=self.offered_price * f[:, None] if self.offered_price.size else self.offered_price,
            assumptions=assumptions,
        )

    def with_routes(self, extra: Sequence[str]) -> Pricing:
        """The same pricing with further (empty) routes appended (a scenario's new routes)."""
        new = [r for r in dict.fromkeys(normalise_route(r) for r in extra) if r not in self.routes]
        if not new:
            return self
        pad = np.zeros((len(self.categories), len(new)))
        return replace(
            self,
            routes=(*self.routes, *new),
            shares=np.concatenate([self.shares, pad], axis=1),
            price=np.concatenate([self.price, pad + np.nan], axis=1),
            price_year=np.concatenate([self.price_year, pad.astype(int)], axis=1),
        )
