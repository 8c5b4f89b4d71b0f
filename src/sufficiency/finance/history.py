"""Past spend: the child-days in the returns priced by financial year, category and route."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import financial_year_label, financial_year_of
from ..counts.flows import flows
from ..counts.pieces import episodes_of
from ..ingest.returns import EpisodesLike
from ..rates.fitted import FittedModel
from .fees import PlacementFees
from .months import DAYS_PER_WEEK
from .outturn import anchor_factors
from .prices import Prices, as_prices
from .pricing import Pricing

__all__ = ["ReturnsLike", "anchored", "anchored_pricing", "returns_of", "spend_history"]

#: What past spend is counted from: returns, episodes, or a fitted model (which carries its returns' episodes).
ReturnsLike = EpisodesLike | FittedModel


def spend_history(
    data: ReturnsLike,
    unit_costs: pd.DataFrame | Prices | None,
    *,
    inflation: float | pd.DataFrame | None = None,
    route_shares: pd.DataFrame | None = None,
    fees: PlacementFees | None = None,
    anchor: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Actual child-days and their cost by financial year, category and route, from the episodes.

    This is what finance reconciles with its outturn. Child-days are the
    days each child was in care in each category (counted at the end of
    each day), by financial year. Without fees they are split between
    routes by the route shares and priced at the unit costs brought to the
    year by inflation (deflated for years before a price's year). With a
    placement cost file the child-days its placements cover are priced at
    their actual net fees (``priced_by = "fee"``); the rest of the
    category's child-days are priced as without fees. Anchored to an
    outturn, each category the outturn names has its prices (fees
    included) scaled so that the latest year the outturn gives and the
    returns cover in full matches the ledger (see
    :mod:`sufficiency.finance.outturn`).

    Parameters
    ----------
    data : SSDA903Data, pandas.DataFrame or FittedModel
        The returns (a fitted model carries its returns' episodes).
    unit_costs, inflation, route_shares, fees, anchor
        As for :func:`sufficiency.cost`: a :class:`sufficiency.Prices`, or
        the tables it is made of.

    Returns
    -------
    pandas.DataFrame
        ``financial_year``, ``days`` (days of the year the data cover),
        ``placement``, ``route``, ``priced_by`` (``"unit_cost"`` or
        ``"fee"``), ``child_days`` [child-days], ``weekly_price``
        [£/week], ``spend`` [£].
    """
    prices = as_prices(unit_costs, inflation=inflation, route_shares=route_shares, fees=fees, anchor=anchor)
    episodes, coverage, censor = returns_of(data)
    out = _history(episodes, coverage, censor, prices.without_anchor())
    if prices.anchor is not None:
        factors = prices.anchor_factors
        if factors is None:
            _, factors = anchor_factors(out, prices.anchor)
        factor = out[S.PLACEMENT].map(lambda c: float(factors.get(c, 1.0)))
        out[S.WEEKLY_PRICE] = out[S.WEEKLY_PRICE] * factor
        out[S.SPEND] = out[S.SPEND] * factor
    return out


def returns_of(data: ReturnsLike) -> tuple[pd.DataFrame, pd.Timestamp | None, pd.Timestamp | None]:
    """The episodes, first day and last day of returns, episodes or a fitted model's returns (every stream).

    Parameters
    ----------
    data : SSDA903Data, pandas.DataFrame or FittedModel

    Returns
    -------
    episodes : pandas.DataFrame
    first, last : pandas.Timestamp or None
        The days the returns cover (``None`` for a bare episodes frame).
    """
    if isinstance(data, FittedModel):
        parts = [data.episodes] + ([data.uasc.episodes] if data.uasc is not None else [])
        return pd.concat(parts, ignore_index=True), data.data_start, data.data_end
    return episodes_of(data)


def anchored(prices: Prices, returns: ReturnsLike | None, *, history: pd.DataFrame | None = None) -> Prices:
    """The prices with their anchor's ratios worked out once for ``returns`` (unchanged when not anchored).

    Reconciling the returns with the outturn prices their whole past; doing
    it once and carrying the ratios in the :class:`Prices` lets every later
    cost, gap or score reuse them.

    Parameters
    ----------
    prices : Prices
    returns : SSDA903Data, pandas.DataFrame, FittedModel or None
    history : pandas.DataFrame, optional
        ``spend_history(returns, prices.without_anchor())`` when already
        worked out (it is what the ratios reconcile), so as not to price the
        past twice.

    Returns
    -------
    Prices

    Raises
    ------
    ValueError
        If the prices are anchored, their ratios are not yet known and no
        returns are given to reconcile.
    """
    if prices.anchor is None or prices.anchor_factors is not None:
        return prices
    if returns is None and history is None:
        raise ValueError(
            "anchoring prices to an outturn needs the returns the forecast was made from: project from a fitted "
            "model (its projection carries them) or pass the returns"
        )
    past = spend_history(returns, prices.without_anchor()) if history is None else history
    _, factors = anchor_factors(past, prices.anchor)
    return replace(prices, anchor_factors=dict(factors))


def anchored_pricing(
    prices: Prices, categories: Sequence[str], returns: ReturnsLike | None, *, extra_categories: Collection[str] = ()
) -> Pricing:
    """The prices resolved for ``categories``, scaled to the outturn when ``prices`` are anchored to one.

    Parameters
    ----------
    prices : Prices
    categories : sequence of str
        The categories to price.
    returns : SSDA903Data, pandas.DataFrame, FittedModel or None
        What the anchor reconciles, when its ratios are not yet in ``prices``.
    extra_categories : collection of str
        Further categories the tables may name.

    Returns
    -------
    Pricing

    Raises
    ------
    ValueError
        If the prices are anchored and neither their ratios nor the returns are given.
    """
    pricing = prices.resolve(categories, extra_categories=extra_categories)
    if prices.anchor is None:
        return pricing
    factors = anchored(prices, returns).anchor_factors
    return pricing.scaled(factors or {})


def _history(
    episodes: pd.DataFrame, coverage: pd.Timestamp | None, censor: pd.Timestamp | None, prices: Prices
) -> pd.DataFrame:
    """Past spend of the episodes (see :func:`spend_history`), unanchored."""
    table = flows(episodes, start=coverage, end=censor, freq="YS-APR", by=(S.PLACEMENT,)).table
    table = table.assign(fy=financial_year_of(table[S.PERIOD_START]))
    first = table.groupby("fy")
    days_covered = (first[S.PERIOD_END].first() - first[S.PERIOD_START].first()).dt.days + 1
    exposure = table.groupby(["fy", S.PLACEMENT])[S.EXPOSURE_DAYS].sum()
    exposure = exposure[exposure > 0]
    present = set(exposure.index.get_level_values(S.PLACEMENT))
    cats = [c for c in table[S.PLACEMENT].drop_duplicates() if c in present]
    pr = prices.without_fees().resolve(cats)
    years = np.array(sorted(exposure.index.get_level_values("fy").unique()))
    weekly = pr.weekly(years)
    rows = []
    covered = pd.Series(0.0, index=exposure.index)
    if prices.fees is not None:
        fee_rows = _fee_days(prices.fees, years, coverage, censor)
        rows.append(fee_rows)
        by_fee = fee_rows.groupby(["fy", S.PLACEMENT])[S.CHILD_DAYS].sum()
        covered = covered.add(by_fee, fill_value=0.0).reindex(exposure.index, fill_value=0.0)
    rest = (exposure - covered).clip(lower=0.0)
    priced = []
    for (fy, cat), days in rest.items():
        i = cats.index(cat)
        f = int(np.searchsorted(years, fy))
        for j, route in enumerate(pr.routes):
            if pr.shares[i, j] > 0:
                priced.append(
                    {
                        "fy": fy,
                        S.PLACEMENT: cat,
                        S.ROUTE: route,
                        "priced_by": "unit_cost",
                        S.CHILD_DAYS: days * pr.shares[i, j],
                        S.WEEKLY_PRICE: weekly[f, i, j],
                    }
                )
    columns = ["fy", S.PLACEMENT, S.ROUTE, "priced_by", S.CHILD_DAYS, S.WEEKLY_PRICE]
    rows.append(pd.DataFrame(priced, columns=columns))
    out = pd.concat([r for r in rows if len(r)], ignore_index=True)
    out[S.SPEND] = out[S.CHILD_DAYS] * out[S.WEEKLY_PRICE] / DAYS_PER_WEEK
    out.insert(0, S.FINANCIAL_YEAR, [financial_year_label(y) for y in out["fy"]])
    out.insert(1, "days", out["fy"].map(days_covered).astype(int))
    order = [S.FINANCIAL_YEAR, S.PLACEMENT, S.ROUTE, "priced_by"]
    return out.drop(columns="fy").sort_values(order).reset_index(drop=True)


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
        ends = f["placement_end"].fillna(stop)
        end = ends.where(ends < hi, hi)
        days = (end - start).dt.days.clip(lower=0).astype(float)
        spend = days * f["net_weekly"] / DAYS_PER_WEEK
        part = pd.DataFrame({S.PLACEMENT: f[S.PLACEMENT], S.ROUTE: f[S.ROUTE], S.CHILD_DAYS: days, S.SPEND: spend})
        part = part[part[S.CHILD_DAYS] > 0].groupby([S.PLACEMENT, S.ROUTE], as_index=False)[[S.CHILD_DAYS, S.SPEND]]
        rows.append(part.sum().assign(fy=fy))
    out = pd.concat(rows, ignore_index=True)
    out[S.WEEKLY_PRICE] = out[S.SPEND] / out[S.CHILD_DAYS] * DAYS_PER_WEEK
    columns = ["fy", S.PLACEMENT, S.ROUTE, "priced_by", S.CHILD_DAYS, S.WEEKLY_PRICE]
    return out.drop(columns=S.SPEND).assign(priced_by="fee")[columns]
