"""Placement-mix forecasts from published council tables (no child-level data).

Children looked after by placement group (read by
:func:`sufficiency.read_published_placements`) are forecast as the council's
total forecast (:func:`sufficiency.published.totals.point_forecasts`) times each
group's share of the total in the latest year, up to the origin, in which
the group was published (the placement tables skip 2018-2020, so an origin
in those years uses the 2017 mix). The comparison method ``naive`` carries
each group's latest count forward.

Intervals are empirical, as for totals: quantiles of the log errors the
same method made for the same group and horizon from every earlier origin
whose outcome was known, pooled over councils.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .empirical import PointForecaster, Setup, backtest_forecasts, coverage, forecast_with_intervals
from .reorganisations import with_predecessors
from .totals import check_origins, latest_common_year, point_forecasts

__all__ = ["MIX_METHODS", "backtest_published_placements", "forecast_published_placements"]

MIX_METHODS = ("share", "naive")


def _latest(placements: pd.DataFrame, origin: int) -> pd.DataFrame:
    """Each council's and group's latest published count up to ``origin``, with the total of that year."""
    known = placements[(placements["year"] <= origin) & placements["children"].notna()]
    totals = known[known["placement"] == "total"].set_index(["la_code", "year"])["children"]
    groups = known[known["placement"] != "total"].sort_values("year")
    latest = groups.groupby(["la_code", "placement"]).tail(1)
    total = totals.reindex(pd.MultiIndex.from_frame(latest[["la_code", "year"]])).to_numpy()
    return latest.assign(total=total)[["la_code", "placement", "year", "children", "total"]]


def _mix_point_forecasts(
    table: pd.DataFrame,
    placements: pd.DataFrame,
    *,
    origin: int,
    horizon: int,
    method: str = "share",
    total_method: str = "combined",
    damping: float = 0.5,
) -> pd.DataFrame:
    """Point forecasts of children looked after by placement group from one origin year.

    Parameters
    ----------
    table : pandas.DataFrame
        Council totals, as returned by :func:`sufficiency.read_published`.
    placements : pandas.DataFrame
        As returned by :func:`sufficiency.read_published_placements`.
    origin : int
        Last year of data [year ending 31 March].
    horizon : int
        Years ahead.
    method : {"share", "naive"}
        See the module notes.
    total_method : str
        Method of the total forecast (see :func:`sufficiency.published.totals.point_forecasts`).
    damping : float
        Yearly damping of growth of the total forecast.

    Returns
    -------
    pandas.DataFrame
        ``la_code``, ``placement``, ``h``, ``year``, ``point`` [children].
    """
    if method not in MIX_METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {MIX_METHODS}")
    latest = _latest(placements, origin)
    steps = pd.DataFrame({"h": np.arange(1, horizon + 1)})
    if method == "naive":
        out = latest.merge(steps, how="cross").assign(point=lambda f: f["children"])
    else:
        totals = point_forecasts(table, origin=origin, horizon=horizon, method=total_method, damping=damping)
        latest = latest[latest["total"] > 0]
        out = latest.merge(totals[["la_code", "h", "point"]], on="la_code", how="inner")
        out["point"] = out["point"] * out["children"] / out["total"]
    out["year"] = origin + out["h"]
    return (
        out[["la_code", "placement", "h", "year", "point"]]
        .sort_values(["la_code", "placement", "h"])
        .reset_index(drop=True)
    )


def _actual(placements: pd.DataFrame) -> pd.DataFrame:
    """Published group counts: ``la_code``, ``placement``, ``year``, ``actual``."""
    groups = placements[placements["placement"] != "total"].dropna(subset=["children"])
    return groups[["la_code", "placement", "year", "children"]].rename(columns={"children": "actual"})


def _setup(table: pd.DataFrame, placements: pd.DataFrame, *, horizon: int, damping: float, reorganised: bool) -> Setup:
    """Forecasts at an origin use only the totals and placement tables visible then."""

    def setup(method: str, origin: int) -> tuple[PointForecaster, pd.DataFrame, list[int]]:
        totals, groups = table[table["year"] <= origin], placements[placements["year"] <= origin]
        if reorganised:
            totals = with_predecessors(totals)
        earlier = [o for o in sorted(groups["year"].unique()) if o < origin]
        return (
            (lambda o: _mix_point_forecasts(totals, groups, origin=o, horizon=horizon, method=method, damping=damping)),
            _actual(groups),
            earlier,
        )

    return setup


def forecast_published_placements(
    table: pd.DataFrame,
    placements: pd.DataFrame,
    *,
    horizon: int = 3,
    level: Sequence[int] = (80,),
    method: str = "share",
    origin: int | None = None,
    damping: float = 0.5,
    reorganised: bool = True,
) -> pd.DataFrame:
    """Forecast every council's children looked after by placement group, 1 to ``horizon`` years ahead.

    Parameters
    ----------
    table : pandas.DataFrame
        Council totals, as returned by :func:`sufficiency.read_published`.
    placements : pandas.DataFrame
        As returned by :func:`sufficiency.read_published_placements`.
    horizon : int
        Years ahead.
    level : sequence of int
        Interval levels [%].
    method : {"share", "naive"}
        See the module notes; :func:`backtest_published_placements` compares them.
    origin : int, optional
        Last year used; default the last year of ``table``.
    damping : float
        Yearly damping of the total's growth.
    reorganised : bool
        Forecast the totals of reorganised councils from their
        predecessors' history too (as :func:`sufficiency.forecast_published`).

    Returns
    -------
    pandas.DataFrame
        ``la_code``, ``la_name``, ``placement``, ``year``, ``h``, ``mean``,
        ``lower_<L>``, ``upper_<L>`` [children], ``method``. Intervals are
        NaN when no earlier origin could be scored.
    """
    (last,) = check_origins(table, [latest_common_year(table) if origin is None else origin], horizon)
    names = table.drop_duplicates("la_code", keep="last").set_index("la_code")["la_name"]
    point_at, actual, earlier = _setup(table, placements, horizon=horizon, damping=damping, reorganised=reorganised)(
        method, last
    )
    fc = forecast_with_intervals(point_at, actual, origin=last, earlier=earlier, level=level, keys=("placement",))
    fc.insert(1, "la_name", fc["la_code"].map(names))
    fc["method"] = method
    return fc.rename(columns={"point": "mean"})


def backtest_published_placements(
    table: pd.DataFrame,
    placements: pd.DataFrame,
    *,
    origins: Sequence[int],
    horizon: int = 3,
    methods: Sequence[str] = MIX_METHODS,
    level: Sequence[int] = (80,),
    damping: float = 0.5,
    reorganised: bool = True,
) -> pd.DataFrame:
    """Rolling-origin backtest of placement-mix forecasts across councils, with only past years visible.

    Parameters
    ----------
    table, placements : pandas.DataFrame
        Council totals and placement groups.
    origins : sequence of int
        Origin years.
    horizon : int
        Years ahead.
    methods : sequence of str
    level : sequence of int
        Interval levels [%].
    damping : float
    reorganised : bool
        As for :func:`forecast_published_placements`.

    Returns
    -------
    pandas.DataFrame
        Index (method, h): ``forecasts`` (council-years scored), ``wape``
        (absolute errors summed over the groups published for the council
        and year ÷ their actual total, averaged over council-years) [%],
        ``mape_by_group`` (mean absolute percentage error over group
        forecasts of 10 or more children) [%] and ``coverage_<L>`` [%]
        (where intervals could be formed).
    """
    origins = check_origins(table, origins, horizon)
    setup = _setup(table, placements, horizon=horizon, damping=damping, reorganised=reorganised)
    scored = backtest_forecasts(
        setup, _actual(placements), methods=methods, origins=origins, level=level, keys=("placement",)
    )
    scored["abs_error"] = (scored["point"] - scored["actual"]).abs()
    per_council = scored.groupby(["method", "h", "origin", "la_code"])[["abs_error", "actual"]].sum()
    per_council = per_council[per_council["actual"] > 0]
    wape = 100 * per_council["abs_error"] / per_council["actual"]
    out = wape.groupby(["method", "h"]).agg(["size", "mean"]).rename(columns={"size": "forecasts", "mean": "wape"})
    big = scored[scored["actual"] >= 10]
    out["mape_by_group"] = (100 * big["abs_error"] / big["actual"]).groupby([big["method"], big["h"]]).mean()
    for lv, cov in coverage(scored, level).items():
        out[f"coverage_{lv}"] = cov
    return out
