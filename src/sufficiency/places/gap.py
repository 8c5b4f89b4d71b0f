"""Placement sufficiency: projected demand against the places the council can get.

Demand is every child in a category (or coarse group) in each simulated
path. Where demand exceeds the places, the shortfall must be bought
placement by placement, and its cost is priced through the one pricing path
(:class:`sufficiency.Prices`) at the price of a place bought spot
(:meth:`~sufficiency.finance.pricing.Pricing.place_price`): the council's own
spot fees when a placement cost file gives them, else the unit costs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import financial_year_days, financial_year_label, financial_year_of
from ..finance.fees import PlacementFees
from ..finance.history import anchored_pricing
from ..finance.months import DAYS_PER_WEEK
from ..finance.prices import Prices, as_prices
from ..finance.pricing import Pricing
from ..projection.result import Projection
from .capacity import capacity_keys, check_capacity, places_at

__all__ = ["gap_frame", "shortfall_by_year", "shortfall_prices", "sufficiency_gap"]


def shortfall_prices(
    pricing: Pricing, keys: dict[str, list[int]], names: Sequence[str], dates: pd.DatetimeIndex
) -> np.ndarray:
    """Weekly price of a place bought spot, by (date, name) [£/week], at each date's financial-year prices.

    Parameters
    ----------
    pricing : Pricing
        Resolved for the projection's categories.
    keys : dict
        From :func:`~sufficiency.places.capacity.capacity_keys`.
    names : sequence of str
        Categories or groups with places.
    dates : pandas.DatetimeIndex

    Returns
    -------
    numpy.ndarray
        (date, name); NaN where nothing covered has a price.
    """
    years = financial_year_of(dates)
    return np.stack([pricing.place_price(years, keys[name]) for name in names], axis=1).reshape(len(dates), len(names))


def gap_frame(
    stock: np.ndarray,
    dates: pd.DatetimeIndex,
    keys: dict[str, list[int]],
    places: np.ndarray,
    names: Sequence[str],
    *,
    confidence: float,
    spot_price: np.ndarray | None = None,
) -> pd.DataFrame:
    """The sufficiency table from simulated stock.

    Parameters
    ----------
    stock : numpy.ndarray
        (simulation, date, category) children in care [children].
    dates : pandas.DatetimeIndex
    keys : dict
        From :func:`~sufficiency.places.capacity.capacity_keys`.
    places : numpy.ndarray
        (date, name) [places].
    names : sequence of str
        Categories or groups with places.
    confidence : float
    spot_price : numpy.ndarray, optional
        (date, name) weekly price of a place bought spot [£/week].

    Returns
    -------
    pandas.DataFrame
        See :func:`sufficiency_gap`.
    """
    parts = []
    days = np.r_[0, np.diff(dates.to_numpy("datetime64[D]").astype(np.int64))].astype(float)
    years = [financial_year_label(y) for y in financial_year_of(dates)]
    for j, name in enumerate(names):
        demand = stock[:, :, keys[name]].sum(axis=2).astype(float)  # (S, T)
        cap = places[:, j]
        short = np.maximum(demand - cap[None, :], 0.0)
        quantile = np.quantile(demand, confidence, axis=0)
        frame = pd.DataFrame(
            {
                S.DATE: dates,
                S.FINANCIAL_YEAR: years,
                S.PLACEMENT: name,
                "demand_mean": demand.mean(axis=0),
                f"demand_{round(100 * confidence)}": quantile,
                "capacity": cap,
                "expected_shortfall": short.mean(axis=0),
                "p_shortfall": (demand > cap[None, :]).mean(axis=0),
                "places_needed": np.maximum(np.ceil(quantile - cap - 1e-9), 0.0),
            }
        )
        if spot_price is not None:
            frame["shortfall_cost"] = frame["expected_shortfall"] * spot_price[:, j] * days / DAYS_PER_WEEK
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def sufficiency_gap(
    projection: Projection,
    capacity: pd.DataFrame,
    *,
    confidence: float = 0.8,
    unit_costs: pd.DataFrame | Prices | None = None,
    inflation: float | pd.DataFrame | None = None,
    route_shares: pd.DataFrame | None = None,
    fees: PlacementFees | None = None,
    anchor: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Projected demand against places, month by month, with the shortfall and its price.

    Parameters
    ----------
    projection : Projection
    capacity : pandas.DataFrame
        ``placement`` (a category or coarse group), ``places``, optional
        ``route``, ``start``, ``end`` (see :mod:`sufficiency.places.capacity`).
    confidence : float
        Probability with which ``places_needed`` meets demand.
    unit_costs, inflation, route_shares, fees, anchor
        The prices, as for :func:`sufficiency.cost` (a
        :class:`sufficiency.Prices`, or the tables it is made of); with any
        of them the shortfall is costed at the price of a place bought spot.

    Returns
    -------
    pandas.DataFrame
        One row per date and category with places: ``date``,
        ``financial_year``, ``placement``, ``demand_mean`` and
        ``demand_<confidence>`` (that quantile) [children], ``capacity``
        [places], ``expected_shortfall`` (mean over paths of demand above
        capacity) [children], ``p_shortfall`` (share of paths where demand
        exceeds capacity), ``places_needed`` (places to add so that demand
        is met with probability ``confidence``) [places] and, with prices,
        ``shortfall_cost`` (the expected shortfall bought spot for the
        month ending on the date) [£].

    Raises
    ------
    SchemaError
        For a malformed capacity table or price tables.
    ValueError
        For a confidence outside (0, 1).
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    keys = capacity_keys(projection.categories)
    table = check_capacity(capacity, known=set(keys))
    names = list(dict.fromkeys(table[S.PLACEMENT]))
    places = places_at(table, names, projection.dates)
    stock = projection.draws.sum(axis=3, dtype=np.float64)
    spot = None
    if any(x is not None for x in (unit_costs, inflation, route_shares, fees, anchor)):
        prices = as_prices(unit_costs, inflation=inflation, route_shares=route_shares, fees=fees, anchor=anchor)
        pricing = anchored_pricing(prices, projection.categories, projection.model)
        spot = shortfall_prices(pricing, keys, names, projection.dates)
    return gap_frame(stock, projection.dates, keys, places, names, confidence=confidence, spot_price=spot)


def shortfall_by_year(
    projection: Projection,
    capacity: pd.DataFrame,
    *,
    unit_costs: pd.DataFrame | Prices | None = None,
    inflation: float | pd.DataFrame | None = None,
    route_shares: pd.DataFrame | None = None,
    fees: PlacementFees | None = None,
    anchor: pd.DataFrame | None = None,
    level: Sequence[int] = (80,),
) -> pd.DataFrame:
    """The cost of buying each financial year's shortfall of places spot: the sum of its months, path by path.

    Each month's shortfall (demand above the places, in each path) is priced
    as in :func:`sufficiency_gap`; a year's cost is the sum of its months in
    each path, so its band is that of the year, not of one month.

    Parameters
    ----------
    projection : Projection
    capacity : pandas.DataFrame
        As for :func:`sufficiency_gap`.
    unit_costs, inflation, route_shares, fees, anchor
        The prices, as for :func:`sufficiency.cost`.
    level : sequence of int
        Central interval levels [%].

    Returns
    -------
    pandas.DataFrame
        ``financial_year``, ``days`` (days of the year the projection
        covers), ``complete``, ``placement``, ``mean``, ``lower_<L>``,
        ``upper_<L>`` [£].
    """
    keys = capacity_keys(projection.categories)
    table = check_capacity(capacity, known=set(keys))
    names = list(dict.fromkeys(table[S.PLACEMENT]))
    places = places_at(table, names, projection.dates)
    prices = as_prices(unit_costs, inflation=inflation, route_shares=route_shares, fees=fees, anchor=anchor)
    pricing = anchored_pricing(prices, projection.categories, projection.model)
    spot = shortfall_prices(pricing, keys, names, projection.dates)
    dates = projection.dates
    days = np.r_[0, np.diff(dates.to_numpy("datetime64[D]").astype(np.int64))].astype(float)
    fy = financial_year_of(dates)
    years = sorted(set(fy[1:]))
    stock = projection.draws.sum(axis=3, dtype=np.float64)
    rows = []
    for j, name in enumerate(names):
        demand = stock[:, :, keys[name]].sum(axis=2).astype(float)
        monthly = np.maximum(demand - places[None, :, j], 0.0) * spot[None, :, j] * days[None, :] / DAYS_PER_WEEK
        for year in years:
            in_year = fy == year
            values = monthly[:, in_year].sum(axis=1)
            covered = int(days[in_year].sum())
            row = {
                S.FINANCIAL_YEAR: financial_year_label(year),
                "days": covered,
                "complete": covered == financial_year_days(year),
                S.PLACEMENT: name,
                "mean": float(values.mean()),
            }
            for lv in level:
                row[f"lower_{lv}"], row[f"upper_{lv}"] = np.percentile(values, [50 - lv / 2, 50 + lv / 2])
            rows.append(row)
    return pd.DataFrame(rows)
