"""Cost of placements by financial year, category and purchasing route: projected and past.

Cost = child-days in a (category, route) × weekly price ÷ 7, where the price
is the unit cost brought to the financial year by the category's inflation
(see :mod:`sufficiency.prices`). Financial years run April to March and are
labelled ``"2025-26"``.

Projected costs are computed for every simulated path, so their intervals
are those of the demand. With a placement cost file the price of each
category and route is the council's own recent fees: their mean sets the
price, and each path's cost also varies as the mean of the fees of as many
placements as the path has child-years there, drawn from the council's fee
distribution, so a heavy tail of very dear placements widens the intervals
of small categories.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import financial_year_label, financial_year_of
from ..counts.flows import flows
from ..counts.pieces import episodes_of
from ..ingest.taxonomy import categories as taxonomy_categories
from ..projection.result import Projection
from .fees import PlacementFees, fee_year
from .prices import (
    check_inflation,
    check_route_shares,
    check_unit_costs,
    default_route_shares,
    price_index,
    price_lookup,
    route_split,
)

DAYS_PER_WEEK = 7.0
#: Bootstrap draws kept per path, year and cell; larger numbers of child-years use the normal approximation.
_FEE_DRAWS = 200


@dataclass(frozen=True)
class Pricing:
    """Everything needed to price child-days: routes, shares, prices and inflation.

    Attributes
    ----------
    categories, routes : tuple of str
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
        ``{(category, route): fees}``: recent net weekly fees [£/week] of
        cells priced from a placement cost file.
    assumptions : pandas.DataFrame
        One row per (category, route) with a share: ``category``, ``route``,
        ``share``, ``weekly_cost`` [£/week], ``price_year``,
        ``annual_rate``, ``source``.
    """

    categories: tuple[str, ...]
    routes: tuple[str, ...]
    shares: np.ndarray
    price: np.ndarray
    price_year: np.ndarray
    rates: np.ndarray
    pools: dict[tuple[str, str], np.ndarray] = field(repr=False)
    assumptions: pd.DataFrame = field(repr=False)

    def weekly(self, years: np.ndarray) -> np.ndarray:
        """Weekly price of every cell in each financial year, (year, category, route) [£/week]."""
        return self.price[None] * price_index(np.asarray(years), self.price_year, self.rates)

    def with_routes(self, extra: Sequence[str]) -> Pricing:
        """The same pricing with further (empty) routes appended."""
        new = [r for r in extra if r not in self.routes]
        if not new:
            return self
        pad = np.zeros((len(self.categories), len(new)))
        return Pricing(
            categories=self.categories,
            routes=(*self.routes, *new),
            shares=np.concatenate([self.shares, pad], axis=1),
            price=np.concatenate([self.price, pad + np.nan], axis=1),
            price_year=np.concatenate([self.price_year, pad.astype(int)], axis=1),
            rates=self.rates,
            pools=self.pools,
            assumptions=self.assumptions,
        )


def pricing(
    categories: Sequence[str],
    unit_costs: pd.DataFrame,
    *,
    inflation: float | pd.DataFrame | None = None,
    route_shares: pd.DataFrame | None = None,
    fees: PlacementFees | None = None,
    extra_categories: Collection[str] = (),
) -> Pricing:
    """Check the price tables against the categories to price and combine them.

    Route shares come from ``route_shares`` where given, else from the
    placement cost file (each category's child-days by route in its last 12
    months), else from the category's only priced route, else from
    :func:`sufficiency.default_route_shares`. A cell with recent fees is
    priced by their mean, at the file's last financial year.

    Parameters
    ----------
    categories : sequence of str
        Categories to price (those of the projection or data).
    unit_costs : pandas.DataFrame
        See :func:`sufficiency.default_unit_costs`.
    inflation : float, pandas.DataFrame or None
        See :func:`sufficiency.prices.check_inflation`.
    route_shares : pandas.DataFrame, optional
        See :func:`sufficiency.default_route_shares`.
    fees : PlacementFees, optional
    extra_categories : collection of str
        Further categories tables may name (a scenario's destinations).

    Returns
    -------
    Pricing
    """
    categories = tuple(categories)
    known = set(taxonomy_categories()["category"]) | set(categories) | set(extra_categories)
    costs = check_unit_costs(unit_costs, known=known)
    shares = None if route_shares is None else check_route_shares(route_shares, known=known)
    pools: dict[tuple[str, str], np.ndarray] = {}
    if fees is not None:
        recent = fees.recent()
        label = financial_year_label(fee_year(fees))
        rows = []
        for (cat, route), group in recent.groupby(["category", "route"]):
            pools[(cat, route)] = group["net_weekly"].to_numpy(dtype=float)
            rows.append(
                {
                    "category": cat,
                    "route": route,
                    "weekly_cost": float(group["net_weekly"].mean()),
                    "price_year": label,
                    "source": f"placement cost file: mean of {len(group)} recent placements",
                }
            )
        if rows:
            from_fees = pd.DataFrame(rows)
            costs = pd.concat(
                [
                    costs.merge(from_fees[["category", "route"]], how="left", indicator=True)
                    .query("_merge == 'left_only'")
                    .drop(columns="_merge"),
                    from_fees,
                ],
                ignore_index=True,
            )
        if shares is None:
            shares = _fee_shares(fees)
    # each category's shares: given (or from the fees), else its only priced route, else the defaults
    defaults = default_route_shares()
    chosen = []
    for cat in categories:
        priced = set(costs.loc[costs["category"] == cat, "route"])
        if shares is not None and (shares["category"] == cat).any():
            chosen.append(shares[shares["category"] == cat])
        elif len(priced) > 1 and set(defaults.loc[defaults["category"] == cat, "route"]) <= priced:
            chosen.append(defaults.loc[defaults["category"] == cat, ["category", "route", "share"]])
    given = pd.concat(chosen, ignore_index=True) if chosen else None
    routes, matrix = route_split(costs, given, categories)
    price, year = price_lookup(costs, categories, routes)
    rates = check_inflation(inflation, categories=categories)
    assumption_rows = []
    sources = {(r.category, r.route): r.source for r in costs.itertuples()}
    for i, cat in enumerate(categories):
        for j, route in enumerate(routes):
            if matrix[i, j] > 0:
                assumption_rows.append(
                    {
                        "category": cat,
                        "route": route,
                        "share": matrix[i, j],
                        "weekly_cost": price[i, j],
                        "price_year": financial_year_label(year[i, j]),
                        "annual_rate": rates[i],
                        "source": sources.get((cat, route), sources.get((cat, "all"), "")),
                    }
                )
    return Pricing(
        categories=categories,
        routes=tuple(routes),
        shares=matrix,
        price=price,
        price_year=year,
        rates=rates,
        pools=pools,
        assumptions=pd.DataFrame(assumption_rows),
    )


def _fee_shares(fees: PlacementFees) -> pd.DataFrame:
    """Each category's share of child-days by route over the file's last 12 months."""
    recent = fees.recent()
    since = fees.end - pd.DateOffset(months=12) + pd.Timedelta(days=1)
    stop = fees.end + pd.Timedelta(days=1)
    start = recent["placement_start"].where(recent["placement_start"] > since, since)
    end = recent["placement_end"].fillna(stop).where(recent["placement_end"].fillna(stop) < stop, stop)
    days = (end - start).dt.days.clip(lower=0) + 0.0
    by = days.groupby([recent["category"], recent["route"]]).sum()
    by = by[by > 0]
    share = by / by.groupby(level=0).transform("sum")
    return share.rename("share").reset_index()


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
            frame = summarise_years(self.financial_years, group, values, draws, level)
            frame.insert(4, "child_days", days.mean(axis=0).ravel())
            parts.append(frame)
        out = pd.concat(parts, ignore_index=True)
        out.insert(1, "days", out["financial_year"].map(dict(zip(self.financial_years, self.days))).astype(int))
        out.insert(
            2, "complete", out["financial_year"].map(dict(zip(self.financial_years, self.complete))).astype(bool)
        )
        return out

    def table(self) -> pd.DataFrame:
        """Mean child-days, children and cost by financial year, category and route.

        Returns
        -------
        pandas.DataFrame
            ``financial_year``, ``category``, ``route``, ``child_days``
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
                "financial_year": np.asarray(self.financial_years, dtype=object)[f.ravel()],
                "category": np.asarray(self.categories, dtype=object)[c.ravel()],
                "route": np.asarray(self.routes, dtype=object)[r.ravel()],
                "child_days": days.ravel(),
                "children": (days / self.days[:, None, None]).ravel(),
                "weekly_price": self.weekly_price.ravel(),
                "cost": self.draws.mean(axis=0).ravel(),
            }
        )
        return out[out["child_days"] > 0].reset_index(drop=True)


def summarise_years(
    years: Sequence[str], group: str, values: list[str], draws: np.ndarray, level: Sequence[int]
) -> pd.DataFrame:
    """Long summary of (simulation, year, value) draws: mean, median and central intervals."""
    n_f, n_v = draws.shape[1], draws.shape[2]
    frame = pd.DataFrame(
        {
            "financial_year": np.repeat(np.asarray(years, dtype=object), n_v),
            "group": group,
            "value": np.tile(np.asarray(values, dtype=object), n_f),
            "mean": draws.mean(axis=0).reshape(n_f * n_v),
            "median": np.median(draws, axis=0).reshape(n_f * n_v),
        }
    )
    for lv in level:
        lo, hi = np.percentile(draws, [50 - lv / 2, 50 + lv / 2], axis=0)
        frame[f"lower_{lv}"] = lo.reshape(n_f * n_v)
        frame[f"upper_{lv}"] = hi.reshape(n_f * n_v)
    return frame


@dataclass(frozen=True)
class Months:
    """The months of a projection and the financial years they fall in.

    Attributes
    ----------
    ends : pandas.DatetimeIndex
        (M,) last day of each month.
    days : numpy.ndarray
        (M,) days in each month (the first may be partial) [days].
    year : numpy.ndarray
        (M,) index of the month's financial year in ``labels``.
    labels : tuple of str
        Financial years covered.
    fy : numpy.ndarray
        (F,) the years [year ending 31 March].
    """

    ends: pd.DatetimeIndex
    days: np.ndarray
    year: np.ndarray
    labels: tuple[str, ...]
    fy: np.ndarray

    @property
    def year_days(self) -> np.ndarray:
        """(F,) days of each financial year covered [days]."""
        return np.bincount(self.year, weights=self.days, minlength=len(self.labels)).astype(int)

    def to_years(self, monthly: np.ndarray, axis: int = 1) -> np.ndarray:
        """Sum a monthly array over the months of each financial year along ``axis``."""
        moved = np.moveaxis(monthly, axis, 0)
        out = np.zeros((len(self.labels),) + moved.shape[1:])
        np.add.at(out, self.year, moved)
        return np.moveaxis(out, 0, axis)


def months_of(dates: pd.DatetimeIndex) -> Months:
    """The months of a projection's count dates (its start, then each month end) and their financial years."""
    ends = dates[1:]
    days = np.diff(dates.to_numpy("datetime64[D]").astype(np.int64)).astype(float)
    years = financial_year_of(ends)
    fy = np.unique(years)
    return Months(
        ends=ends, days=days, year=np.searchsorted(fy, years), labels=tuple(financial_year_label(y) for y in fy), fy=fy
    )


def monthly_child_days(stock: np.ndarray, months: Months) -> np.ndarray:
    """Child-days in each month from month-end stock (trapezoid rule).

    Parameters
    ----------
    stock : numpy.ndarray
        (simulation, date, ...) children in care at the start date and each
        month end [children].
    months : Months

    Returns
    -------
    numpy.ndarray
        (simulation, month, ...): ``(stock at the month's start + stock at
        its end) / 2 × days in the month`` [child-days].
    """
    shape = (1, -1) + (1,) * (stock.ndim - 2)
    return (stock[:, :-1] + stock[:, 1:]) / 2.0 * months.days.reshape(shape)


def fee_factors(pr: Pricing, years: Sequence[str], child_days: np.ndarray, seed: int | None) -> np.ndarray:
    """Each path's mean fee relative to the pool's mean, for cells priced from fees.

    The fees of ``k`` placements, ``k`` = the path's child-years in the cell
    and year (at least 1), are drawn with replacement from the cell's pool;
    above ``_FEE_DRAWS`` the mean of ``_FEE_DRAWS`` draws is scaled to the
    spread of ``k`` (central limit). The draws of a (cell, year) depend only
    on ``seed`` and the cell's and year's names, so two cost calculations
    with one seed share them (common random numbers).

    Returns
    -------
    numpy.ndarray
        (simulation, year, category, route); 1 for cells without fees.
    """
    out = np.ones(child_days.shape)
    if not pr.pools:
        return out
    base = 0 if seed is None else int(seed)
    for (cat, route), pool in pr.pools.items():
        if cat not in pr.categories or route not in pr.routes:
            continue
        i, j = pr.categories.index(cat), pr.routes.index(route)
        mean = pool.mean()
        if mean <= 0:
            continue
        for f, label in enumerate(years):
            key = [base, zlib.crc32(cat.encode()), zlib.crc32(route.encode()), zlib.crc32(label.encode())]
            rng = np.random.default_rng(key)
            picks = pool[rng.integers(0, len(pool), size=(child_days.shape[0], _FEE_DRAWS))]
            running = np.cumsum(picks, axis=1) / np.arange(1, _FEE_DRAWS + 1)
            k = np.maximum(np.ceil(child_days[:, f, i, j] / 365.25), 1).astype(int)
            small = running[np.arange(len(k)), np.minimum(k, _FEE_DRAWS) - 1]
            scaled = mean + (running[:, -1] - mean) * np.sqrt(_FEE_DRAWS / k)
            out[:, f, i, j] = np.where(k <= _FEE_DRAWS, small, scaled) / mean
    return out


def cost(
    projection: Projection,
    unit_costs: pd.DataFrame,
    *,
    inflation: float | pd.DataFrame | None = None,
    route_shares: pd.DataFrame | None = None,
    fees: PlacementFees | None = None,
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
    unit_costs : pandas.DataFrame
        ``category``, optional ``route``, ``weekly_cost`` [£/week],
        ``price_year``, optional ``source`` (see
        :func:`sufficiency.default_unit_costs`).
    inflation : float, pandas.DataFrame or None
        ``None`` keeps prices at their ``price_year`` level; a number is one
        annual rate for every category; a frame has ``category``,
        ``annual_rate`` (see :func:`sufficiency.default_inflation`).
    route_shares : pandas.DataFrame, optional
        ``category``, ``route``, ``share``; default: from ``fees`` where
        given, else each category's only priced route, else
        :func:`sufficiency.default_route_shares`.
    fees : PlacementFees, optional
        The council's placement cost file
        (:func:`sufficiency.read_placement_costs`).

    Returns
    -------
    CostProjection

    Raises
    ------
    SchemaError
        If a table is malformed, a category in the projection has no price,
        or a share falls on a route with no price.
    """
    pr = pricing(projection.categories, unit_costs, inflation=inflation, route_shares=route_shares, fees=fees)
    months = months_of(projection.dates)
    stock = projection.draws.sum(axis=3, dtype=np.float64)  # (S, date, C)
    per_route = monthly_child_days(stock, months)[..., None] * pr.shares[None, None]  # (S, M, C, R)
    return assemble(pr, months, [(per_route, pr.weekly(months.fy)[months.year], True)], seed=projection.seed)


def assemble(
    pr: Pricing, months: Months, parts: Sequence[tuple[np.ndarray, np.ndarray, bool]], *, seed: int | None
) -> CostProjection:
    """Sum priced parts into a :class:`CostProjection`.

    Parameters
    ----------
    pr : Pricing
    months : Months
    parts : sequence of (child_days, price, fee_varied)
        ``child_days`` (simulation, month, category, route) [child-days],
        ``price`` (month, category, route) [£/week]; ``fee_varied`` applies
        the fee factors to cells priced from fees.
    seed : int or None
        Seed of the fee draws.

    Returns
    -------
    CostProjection
    """
    yearly_parts = []
    for child_days, price, varied in parts:
        yearly_days = months.to_years(child_days)
        yearly_cost = months.to_years(child_days * np.nan_to_num(price)[None] / DAYS_PER_WEEK)
        if varied and pr.pools:
            yearly_cost = yearly_cost * fee_factors(pr, months.labels, yearly_days, seed)
        yearly_parts.append((yearly_days, yearly_cost))
    days_total = sum(d for d, _ in yearly_parts)
    cost_total = sum(c for _, c in yearly_parts)
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


def spend_history(
    data: object,
    unit_costs: pd.DataFrame,
    *,
    inflation: float | pd.DataFrame | None = None,
    route_shares: pd.DataFrame | None = None,
    fees: PlacementFees | None = None,
) -> pd.DataFrame:
    """Actual child-days and their cost by financial year, category and route, from the episodes.

    This is what finance reconciles with its outturn. Child-days are the
    days each child was in care in each category (counted at the end of
    each day), by financial year. Without fees they are split between
    routes by the route shares and priced at the unit costs brought to the
    year by inflation (deflated for years before a price's year). With a
    placement cost file the child-days its placements cover are priced at
    their actual net fees (``priced_by = "fee"``); the rest of the
    category's child-days are priced as without fees.

    Parameters
    ----------
    data : SSDA903Data or pandas.DataFrame
    unit_costs, inflation, route_shares, fees
        As for :func:`cost`.

    Returns
    -------
    pandas.DataFrame
        ``financial_year``, ``days`` (days of the year the data cover),
        ``category``, ``route``, ``priced_by`` (``"unit_cost"`` or
        ``"fee"``), ``child_days`` [child-days], ``weekly_price``
        [£/week], ``spend`` [£].
    """
    episodes, coverage, censor = episodes_of(data)
    table = flows(data, freq="YS-APR", by=(S.PLACEMENT,)).table
    table = table.assign(fy=financial_year_of(table[S.PERIOD_START]))
    days_covered = (table.groupby("fy")[S.PERIOD_END].first() - table.groupby("fy")[S.PERIOD_START].first()).dt.days + 1
    exposure = table.groupby(["fy", S.PLACEMENT])[S.EXPOSURE_DAYS].sum()
    exposure = exposure[exposure > 0]
    cats = [c for c in table[S.PLACEMENT].drop_duplicates() if c in set(exposure.index.get_level_values(S.PLACEMENT))]
    pr = pricing(cats, unit_costs, inflation=inflation, route_shares=route_shares)
    years = np.array(sorted(exposure.index.get_level_values("fy").unique()))
    weekly = pr.weekly(years)
    rows = []
    covered = pd.Series(0.0, index=exposure.index)
    if fees is not None:
        fee_rows = _fee_days(fees, years, coverage, censor)
        rows.append(fee_rows)
        covered = covered.add(
            fee_rows.groupby(["fy", "category"])["child_days"].sum().rename_axis(["fy", S.PLACEMENT]), fill_value=0.0
        ).reindex(exposure.index, fill_value=0.0)
    rest = (exposure - covered).clip(lower=0.0)
    for (fy, cat), days in rest.items():
        i = cats.index(cat)
        f = int(np.searchsorted(years, fy))
        for j, route in enumerate(pr.routes):
            if pr.shares[i, j] > 0:
                rows.append(
                    pd.DataFrame(
                        {
                            "fy": [fy],
                            "category": [cat],
                            "route": [route],
                            "priced_by": ["unit_cost"],
                            "child_days": [days * pr.shares[i, j]],
                            "weekly_price": [weekly[f, i, j]],
                        }
                    )
                )
    out = pd.concat(rows, ignore_index=True)
    out["spend"] = out["child_days"] * out["weekly_price"] / DAYS_PER_WEEK
    out.insert(0, "financial_year", [financial_year_label(y) for y in out["fy"]])
    out.insert(1, "days", out["fy"].map(days_covered).astype(int))
    return (
        out.drop(columns="fy").sort_values(["financial_year", "category", "route", "priced_by"]).reset_index(drop=True)
    )


def _fee_days(
    fees: PlacementFees, years: np.ndarray, coverage: pd.Timestamp | None, censor: pd.Timestamp | None
) -> pd.DataFrame:
    """Child-days and actual net fees of each placement by financial year within the data's coverage."""
    f = fees.fees
    first = pd.Timestamp(coverage) if coverage is not None else f["placement_start"].min()
    stop = (pd.Timestamp(censor) if censor is not None else fees.end) + pd.Timedelta(days=1)
    rows = []
    for fy in years:
        lo = max(pd.Timestamp(year=int(fy) - 1, month=4, day=1), first)
        hi = min(pd.Timestamp(year=int(fy), month=4, day=1), stop)
        start = f["placement_start"].where(f["placement_start"] > lo, lo)
        end = f["placement_end"].fillna(stop).where(f["placement_end"].fillna(stop) < hi, hi)
        days = (end - start).dt.days.clip(lower=0).astype(float)
        spend = days * f["net_weekly"] / DAYS_PER_WEEK
        part = pd.DataFrame({"category": f["category"], "route": f["route"], "child_days": days, "spend": spend})
        part = (
            part[part["child_days"] > 0].groupby(["category", "route"], as_index=False)[["child_days", "spend"]].sum()
        )
        rows.append(part.assign(fy=fy))
    out = pd.concat(rows, ignore_index=True)
    out["weekly_price"] = out["spend"] / out["child_days"] * DAYS_PER_WEEK
    return out.drop(columns="spend").assign(priced_by="fee")[
        ["fy", "category", "route", "priced_by", "child_days", "weekly_price"]
    ]
