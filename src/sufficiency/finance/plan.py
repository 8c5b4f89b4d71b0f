"""Tables for a finance plan: the medium-term plan by placement group, spend against budget, a monthly profile.

Every figure is a statistic of the simulated paths (the forecast's own
uncertainty), by coarse placement group (``fostering``, ``residential``,
``supported``, ``other``) and for ``all`` placements. A prudent figure is a
high percentile of the paths: the spend that is exceeded in only one year
in ten at the default 90th percentile.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import financial_year_days
from ..ingest.taxonomy import categories as taxonomy_categories
from ..projection.result import Projection
from .costs import CostProjection
from .fee_draws import fee_factors
from .history import anchored_pricing
from .months import DAYS_PER_WEEK, monthly_child_days, months_of
from .outturn import ALL, check_outturn, group_members
from .prices import Prices, as_prices

__all__ = ["against_budget", "financial_plan", "spend_profile"]


def _groups(categories: Sequence[str]) -> dict[str, list[int]]:
    """Positions of each coarse group's categories among ``categories``, then every one for ``all``."""
    coarse = dict(zip(taxonomy_categories()["category"], taxonomy_categories()["coarse"]))
    out: dict[str, list[int]] = {}
    for i, c in enumerate(categories):
        out.setdefault(coarse.get(c, "other"), []).append(i)
    order = ["fostering", "residential", "supported", "other"]
    ranked = {g: out[g] for g in sorted(out, key=lambda g: order.index(g) if g in order else len(order))}
    ranked[ALL] = list(range(len(categories)))
    return ranked


def financial_plan(
    costs: CostProjection,
    history: pd.DataFrame | None = None,
    *,
    level: int = 80,
    prudent: int = 90,
) -> pd.DataFrame:
    """The medium-term plan: past spend and the forecast by financial year (columns) and placement group.

    Parameters
    ----------
    costs : CostProjection
        The forecast (:func:`sufficiency.cost`).
    history : pandas.DataFrame, optional
        Past spend (:func:`sufficiency.spend_history`, anchored to the
        ledger if the costs were): its whole years are the ``actual`` rows.
    level : int
        Central band [%].
    prudent : int
        Percentile of the prudent figure [%].

    Returns
    -------
    pandas.DataFrame
        Index (``placement``, ``figure``), one column per financial year
        (whole years only, past then forecast) [£]. Figures: ``actual`` for
        past years; ``mean``, ``median``, ``lower_<level>``,
        ``upper_<level>`` and ``p<prudent>`` for forecast years.
    """
    if not 0 < level < 100 or not 0 < prudent < 100:
        raise ValueError(f"level and prudent are percentages between 0 and 100, not {level} and {prudent}")
    groups = _groups(costs.categories)
    figures = ["mean", "median", f"lower_{level}", f"upper_{level}", f"p{prudent}"]
    years = [y for y, ok in zip(costs.financial_years, costs.complete) if ok]
    by_cat = costs.draws.sum(axis=3)  # (S, F, C)
    rows: dict[tuple[str, str], dict[str, float]] = {}
    past: list[str] = []
    if history is not None and len(history):
        whole = history[history["days"] >= history[S.FINANCIAL_YEAR].map(financial_year_days)]
        past = sorted(set(whole[S.FINANCIAL_YEAR]) - set(years), key=lambda y: int(y[:4]))
        spent = whole.groupby([S.FINANCIAL_YEAR, S.PLACEMENT])[S.SPEND].sum()
        spent_cats = list(spent.index.get_level_values(S.PLACEMENT).unique())
        for group in groups:
            members = set(group_members(group, spent_cats))
            rows[(group, "actual")] = {
                y: float(spent[y][spent[y].index.isin(members)].sum()) if y in spent.index else np.nan for y in past
            }
    for group, idx in groups.items():
        values = by_cat[:, :, idx].sum(axis=2)  # (S, F)
        for fig in figures:
            row = rows.setdefault((group, fig), {})
            for y in years:
                v = values[:, costs.financial_years.index(y)]
                row[y] = float(_statistic(v, fig, level, prudent))
    frame = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=[*past, *years])
    frame.index = pd.MultiIndex.from_tuples(frame.index, names=[S.PLACEMENT, "figure"])
    order = ["actual", *figures]
    keys = sorted(frame.index, key=lambda k: (list(groups).index(k[0]), order.index(k[1])))
    return frame.loc[keys]


def _statistic(values: np.ndarray, figure: str, level: int, prudent: int) -> float:
    if figure == "mean":
        return float(values.mean())
    if figure == "median":
        return float(np.median(values))
    if figure == f"lower_{level}":
        return float(np.percentile(values, 50 - level / 2))
    if figure == f"upper_{level}":
        return float(np.percentile(values, 50 + level / 2))
    return float(np.percentile(values, prudent))


def against_budget(costs: CostProjection, outturn: pd.DataFrame, *, level: Sequence[int] = (80,)) -> pd.DataFrame:
    """The forecast against each budget the outturn table gives for a year the forecast covers.

    Parameters
    ----------
    costs : CostProjection
    outturn : pandas.DataFrame
        With a ``budget`` column (:func:`sufficiency.read_outturn`).
    level : sequence of int
        Central interval levels [%].

    Returns
    -------
    pandas.DataFrame
        ``financial_year``, ``placement`` (the outturn's row), ``budget``,
        ``mean``, ``lower_<L>``, ``upper_<L>`` [£], ``p_overspend`` (share
        of paths above the budget) and ``complete`` (the forecast covers
        the whole year).
    """
    ledger = check_outturn(outturn)
    ledger = ledger[ledger["budget"].notna() & ledger[S.FINANCIAL_YEAR].isin(costs.financial_years)]
    by_cat = costs.draws.sum(axis=3)
    rows = []
    for r in ledger.itertuples(index=False):
        year, name = getattr(r, S.FINANCIAL_YEAR), getattr(r, S.PLACEMENT)
        f = costs.financial_years.index(year)
        idx = [i for i, c in enumerate(costs.categories) if c in set(group_members(name, costs.categories))]
        values = by_cat[:, f, idx].sum(axis=1)
        row = {
            S.FINANCIAL_YEAR: year,
            S.PLACEMENT: name,
            "budget": float(r.budget),
            "mean": float(values.mean()),
        }
        for lv in level:
            row[f"lower_{lv}"], row[f"upper_{lv}"] = np.percentile(values, [50 - lv / 2, 50 + lv / 2])
        row["p_overspend"] = float((values > r.budget).mean())
        row["complete"] = bool(costs.complete[f])
        rows.append(row)
    columns = [S.FINANCIAL_YEAR, S.PLACEMENT, "budget", "mean"]
    columns += [f"{side}_{lv}" for lv in level for side in ("lower", "upper")] + ["p_overspend", "complete"]
    return pd.DataFrame(rows, columns=columns)


def spend_profile(
    projection: Projection,
    unit_costs: pd.DataFrame | Prices | None,
    *,
    level: Sequence[int] = (80,),
    months: int | None = 12,
) -> pd.DataFrame:
    """Spend month by month, for in-year monitoring against the ledger.

    Each month's spend is its child-days times the month's prices (the
    same prices and per-path fees as :func:`sufficiency.cost`, so twelve
    months of a financial year add up to its cost in every path).

    Parameters
    ----------
    projection : Projection
    unit_costs : pandas.DataFrame or Prices or None
        The prices, as for :func:`sufficiency.cost`.
    level : sequence of int
        Central interval levels [%].
    months : int or None
        The first ``months`` months of the projection (default 12; ``None``
        for all).

    Returns
    -------
    pandas.DataFrame
        ``month_end``, ``financial_year``, ``placement`` (each coarse group
        and ``all``), ``mean``, ``lower_<L>``, ``upper_<L>`` [£].
    """
    prices = as_prices(unit_costs)
    pr = anchored_pricing(prices, projection.categories, projection.model)
    m = months_of(projection.dates)
    stock = projection.draws.sum(axis=3, dtype=np.float64)
    days = monthly_child_days(stock, m)[..., None] * pr.shares[None, None]  # (S, M, C, R)
    spend = days * np.nan_to_num(pr.weekly(m.fy)[m.year])[None] / DAYS_PER_WEEK
    if pr.pools:
        factors = fee_factors(pr, m.to_years(days), m.year_days, projection.seed)  # constant across years
        spend = spend * factors[:, :1]
    by_cat = spend.sum(axis=3)  # (S, M, C)
    keep = len(m.ends) if months is None else min(int(months), len(m.ends))
    rows = []
    for group, idx in _groups(projection.categories).items():
        values = by_cat[:, :keep, idx].sum(axis=2)
        for t in range(keep):
            row = {
                "month_end": m.ends[t],
                S.FINANCIAL_YEAR: m.labels[m.year[t]],
                S.PLACEMENT: group,
                "mean": float(values[:, t].mean()),
            }
            for lv in level:
                row[f"lower_{lv}"], row[f"upper_{lv}"] = np.percentile(values[:, t], [50 - lv / 2, 50 + lv / 2])
            rows.append(row)
    return pd.DataFrame(rows)
