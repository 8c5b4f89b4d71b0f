"""Projected cost of placements by simulated path, financial year, category and purchasing route.

Cost = child-days in a (category, route) × weekly price ÷ 7, where the price
is the one pricing path's (:class:`sufficiency.Prices`): the unit cost
brought to the financial year by the category's inflation. Financial years
run April to March and are labelled ``"2025-26"``.

Projected costs are computed for every simulated path, so their intervals
are those of the demand. With a placement cost file the price of each
category and route is the council's own recent fees: their mean sets the
price, and each path's cost also varies as the mean of the fees of as many
placements as the path has child-years there, drawn from the council's fee
distribution, so a heavy tail of very dear placements widens the intervals
of small categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.intervals import summarise_draws
from ..projection.result import Projection
from .fee_draws import fee_factors
from .fees import PlacementFees
from .history import anchored_pricing
from .months import DAYS_PER_WEEK, Months, monthly_child_days, months_of
from .prices import Prices, as_prices
from .pricing import Pricing

__all__ = ["CostProjection", "assemble", "cost", "priced_part"]


@dataclass(frozen=True)
class CostProjection:
    """Projected cost of placements by simulated path, financial year, category and route.

    Attributes
    ----------
    financial_years : tuple of str
        Labels such as ``"2025-26"``.
    days : numpy.ndarray
        (year,) days of each financial year the projection covers [days];
        a year with fewer days than the year has is partial (see
        :attr:`complete`).
    categories, routes : tuple of str
    child_days : numpy.ndarray
        (simulation, year, category, route) [child-days].
    draws : numpy.ndarray
        (simulation, year, category, route) cost [£].
    weekly_price : numpy.ndarray
        (year, category, route) mean price paid [£/week] (cost ÷ child-days
        × 7 over all paths; the unit price where there are no child-days).
    assumptions : pandas.DataFrame
        Routes, shares, prices, price years, inflation and sources used.
    """

    financial_years: tuple[str, ...]
    days: np.ndarray
    categories: tuple[str, ...]
    routes: tuple[str, ...]
    child_days: np.ndarray = field(repr=False)
    draws: np.ndarray = field(repr=False)
    weekly_price: np.ndarray = field(repr=False)
    assumptions: pd.DataFrame = field(repr=False)

    @property
    def complete(self) -> np.ndarray:
        """(year,) whether the projection covers the whole financial year."""
        ends = pd.to_datetime([f"{int(label[:4]) + 1}-03-31" for label in self.financial_years])
        return self.days >= (ends - (ends - pd.DateOffset(years=1))).days.to_numpy()

    def totals(self) -> np.ndarray:
        """(simulation, year) total cost [£]."""
        return self.draws.sum(axis=(2, 3))

    def summary_frame(self, level: Sequence[int] = (80, 95)) -> pd.DataFrame:
        """Mean, median and intervals of the cost by financial year: total, by category and by route.

        Parameters
        ----------
        level : sequence of int
            Central interval levels [%].

        Returns
        -------
        pandas.DataFrame
            ``financial_year``, ``days`` covered, ``complete`` (a partial
            year is marked ``False``), ``group`` (``"total"``,
            ``"placement"`` or ``"route"``), ``value``, ``child_days``
            (mean) [child-days], ``mean``, ``median``, ``lower_<L>``,
            ``upper_<L>`` [£].
        """
        groups = [
            ("total", ["total"], self.draws.sum(axis=(2, 3))[..., None], self.child_days.sum(axis=(2, 3))[..., None]),
            ("placement", list(self.categories), self.draws.sum(axis=3), self.child_days.sum(axis=3)),
            ("route", list(self.routes), self.draws.sum(axis=2), self.child_days.sum(axis=2)),
        ]
        parts = []
        for group, values, draws, days in groups:
            frame = summarise_draws(S.FINANCIAL_YEAR, self.financial_years, group, values, draws, level)
            frame.insert(4, S.CHILD_DAYS, days.mean(axis=0).ravel())
            parts.append(frame)
        out = pd.concat(parts, ignore_index=True)
        year = out[S.FINANCIAL_YEAR]
        out.insert(1, "days", year.map(dict(zip(self.financial_years, self.days))).astype(int))
        out.insert(2, "complete", year.map(dict(zip(self.financial_years, self.complete))).astype(bool))
        return out

    def table(self) -> pd.DataFrame:
        """Mean child-days, children and cost by financial year, category and route.

        Returns
        -------
        pandas.DataFrame
            ``financial_year``, ``placement``, ``route``, ``child_days``
            [child-days], ``children`` (child-days ÷ days covered)
            [children], ``weekly_price`` [£/week], ``cost`` [£]; cells with
            no child-days are left out.
        """
        f, c, r = np.meshgrid(
            np.arange(len(self.financial_years)),
            np.arange(len(self.categories)),
            np.arange(len(self.routes)),
            indexing="ij",
        )
        days = self.child_days.mean(axis=0)
        out = pd.DataFrame(
            {
                S.FINANCIAL_YEAR: np.asarray(self.financial_years, dtype=object)[f.ravel()],
                S.PLACEMENT: np.asarray(self.categories, dtype=object)[c.ravel()],
                S.ROUTE: np.asarray(self.routes, dtype=object)[r.ravel()],
                S.CHILD_DAYS: days.ravel(),
                S.CHILDREN: (days / self.days[:, None, None]).ravel(),
                S.WEEKLY_PRICE: self.weekly_price.ravel(),
                "cost": self.draws.mean(axis=0).ravel(),
            }
        )
        return out[out[S.CHILD_DAYS] > 0].reset_index(drop=True)


def cost(
    projection: Projection,
    unit_costs: pd.DataFrame | Prices | None,
    *,
    inflation: float | pd.DataFrame | None = None,
    route_shares: pd.DataFrame | None = None,
    fees: PlacementFees | None = None,
    anchor: pd.DataFrame | None = None,
) -> CostProjection:
    """Cost every simulated path of a projection by financial year, category and route.

    Child-days are counted from the monthly paths by the trapezoid rule:
    the children in care at the start and the end of each month, averaged,
    times the days in the month (so a month's change in stock is spread
    evenly over it). Each month falls in the financial year of its last
    day; a year the projection covers only in part is marked (see
    :attr:`CostProjection.days` and :attr:`CostProjection.complete`), not
    scaled up. A category's child-days are split between routes by their
    shares, and each cell costs ``child-days × weekly price ÷ 7`` with the
    price at that financial year's level (plus each path's fee variation
    when ``fees`` are given; the draws use the projection's seed).

    Parameters
    ----------
    projection : Projection
    unit_costs : pandas.DataFrame, Prices or None
        The prices: a :class:`sufficiency.Prices` (which holds inflation,
        route shares and fees too), or the unit-cost table (``placement``,
        optional ``route``, ``weekly_cost`` [£/week], ``price_year``,
        optional ``source``; ``None`` for :func:`sufficiency.default_unit_costs`).
    inflation : float, pandas.DataFrame or None
        ``None`` keeps prices at their ``price_year`` level; a number is one
        annual rate for every category; a frame has ``placement``,
        ``annual_rate`` (see :func:`sufficiency.default_inflation`).
    route_shares : pandas.DataFrame, optional
        ``placement``, ``route``, ``share``; default: from ``fees`` where
        given, else each category's only priced route, else
        :func:`sufficiency.default_route_shares`.
    fees : PlacementFees, optional
        The council's placement cost file
        (:func:`sufficiency.read_placement_costs`).
    anchor : pandas.DataFrame, optional
        The council's outturn (:func:`sufficiency.read_outturn`): each
        category it names has its prices scaled by outturn ÷ modelled spend
        in the latest year it gives that the returns cover in full (see
        :mod:`sufficiency.finance.outturn`), so the forecast starts from the
        ledger. Needs a projection made from a fitted model.

    Returns
    -------
    CostProjection

    Raises
    ------
    SchemaError
        If a table is malformed, a category in the projection has no price,
        or a share falls on a route with no price.
    ValueError
        If a :class:`sufficiency.Prices` is given with separate tables.
    """
    prices = as_prices(unit_costs, inflation=inflation, route_shares=route_shares, fees=fees, anchor=anchor)
    pr = anchored_pricing(prices, projection.categories, projection.model)
    months = months_of(projection.dates)
    stock = projection.draws.sum(axis=3, dtype=np.float64)  # (S, date, C)
    per_route = monthly_child_days(stock, months)[..., None] * pr.shares[None, None]  # (S, M, C, R)
    return assemble(pr, months, [(per_route, pr.weekly(months.fy)[months.year], True)], seed=projection.seed)


def priced_part(
    pr: Pricing,
    months: Months,
    child_days: np.ndarray,
    price: np.ndarray,
    varied: bool | np.ndarray,
    *,
    seed: int | None,
) -> tuple[np.ndarray, np.ndarray]:
    """One part's child-days and cost by (simulation, financial year, category, route).

    Parameters
    ----------
    pr : Pricing
    months : Months
    child_days : numpy.ndarray
        (simulation, month, category, route) [child-days].
    price : numpy.ndarray
        (month, category, route) [£/week]; NaN where the part has none.
    varied : bool or numpy.ndarray
        Apply the fee factors to cells priced from fees: ``True``,
        ``False``, or the part of each (month, category, route) price that
        is the fees' (a price agreed by a scenario is not) [fraction].
    seed : int or None
        Seed of the fee draws (drawn once per seed for the prices they
        come from: see :class:`~sufficiency.finance.fee_draws.FeeDraws`).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Child-days [child-days] and cost [£] by (simulation, year, category, route).
    """
    yearly_days = months.to_years(child_days)
    weekly = np.nan_to_num(price) / DAYS_PER_WEEK  # [£/day]
    share = np.asarray(varied, dtype=float)
    if not pr.pools or not share.any():
        return yearly_days, _yearly_cost(months, child_days, weekly)
    factors = fee_factors(pr, yearly_days, months.year_days, seed)
    fee_part = _yearly_cost(months, child_days, weekly * share)
    return yearly_days, fee_part * factors + _yearly_cost(months, child_days, weekly * (1.0 - share))


def _yearly_cost(months: Months, child_days: np.ndarray, daily: np.ndarray) -> np.ndarray:
    """Child-days (simulation, month, category, route) priced at ``daily`` (month, category, route) [£/day], by year.

    A year at a time, so that the priced months are never all held at once.
    """
    out = np.empty((child_days.shape[0], len(months.labels)) + child_days.shape[2:])
    first = np.searchsorted(months.year, np.arange(len(months.labels) + 1))  # the months run in order
    for y in range(len(months.labels)):
        run = slice(first[y], first[y + 1])
        np.multiply(child_days[:, run], daily[None, run]).sum(axis=1, out=out[:, y])
    return out


def assemble(
    pr: Pricing,
    months: Months,
    parts: Sequence[tuple[np.ndarray, np.ndarray, bool | np.ndarray]],
    *,
    seed: int | None,
    idle: np.ndarray | None = None,
    priced: Sequence[tuple[np.ndarray, np.ndarray]] = (),
) -> CostProjection:
    """Sum priced parts into a :class:`CostProjection`.

    Parameters
    ----------
    pr : Pricing
    months : Months
    parts : sequence of (child_days, price, fee_varied)
        Each as :func:`priced_part` takes them.
    seed : int or None
        Seed of the fee draws (drawn once per seed for the prices they
        come from: see :class:`~sufficiency.finance.fee_draws.FeeDraws`).
    idle : numpy.ndarray, optional
        (simulation, month, category, route) paid for places left empty
        (a block contract's) [£]: cost without child-days.
    priced : sequence of (child_days, cost)
        Parts already priced (as :func:`priced_part` prices them), by (simulation, year,
        category, route) [child-days], [£].

    Returns
    -------
    CostProjection
    """
    yearly_parts = [priced_part(pr, months, d, p, v, seed=seed) for d, p, v in parts] + list(priced)
    days_total = np.sum([d for d, _ in yearly_parts], axis=0)
    cost_total = np.sum([c for _, c in yearly_parts], axis=0)
    if idle is not None:
        cost_total = cost_total + months.to_years(idle)
    all_days = days_total.sum(axis=0)
    paid = np.divide(cost_total.sum(axis=0) * DAYS_PER_WEEK, all_days, out=pr.weekly(months.fy), where=all_days > 0)
    return CostProjection(
        financial_years=months.labels,
        days=months.year_days,
        categories=pr.categories,
        routes=pr.routes,
        child_days=days_total,
        draws=cost_total,
        weekly_price=paid,
        assumptions=pr.assumptions,
    )
