"""Placement-mix forecasts from published council tables (no child-level data).

Children looked after by placement group (read by
:func:`sufficiency.read_published_placements`) are forecast as the council's
total forecast (:func:`sufficiency.published.point_forecasts`) times each
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

from .published import empirical_intervals, point_forecasts
from .reorganisations import with_predecessors

MIX_METHODS = ("share", "naive")


def _latest(placements: pd.DataFrame, origin: int) -> pd.DataFrame:
    """Each council's and group's latest published count up to ``origin``, with the total of that year."""
    known = placements[(placements["year"] <= origin) & placements["children"].notna()]
    totals = known[known["placement"] == "total"].set_index(["la_code", "year"])["children"]
    groups = known[known["placement"] != "total"].sort_values("year")
    latest = groups.groupby(["la_code", "placement"]).tail(1)
    total = totals.reindex(pd.MultiIndex.from_frame(latest[["la_code", "year"]])).to_numpy()
    return latest.assign(total=total)[["la_code", "placement", "year", "children", "total"]]


def mix_point_forecasts(
    table: pd.DataFrame, placements: pd.DataFrame, *, origin: int, horizon: int, method: str = "share", total_method: str = "damped", damping: float = 0.5
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
        Method of the total forecast (see :func:`sufficiency.published.point_forecasts`).
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
    return out[["la_code", "placement", "h", "year", "point"]].sort_values(["la_code", "placement", "h"]).reset_index(drop=True)


def _log_errors(table: pd.DataFrame, placements: pd.DataFrame, *, origins: Sequence[int], horizon: int, method: str, damping: float) -> pd.DataFrame:
    actual = placements[placements["placement"] != "total"].dropna(subset=["children"])
    parts = []
    for origin in origins:
        fc = mix_point_forecasts(table, placements, origin=origin, horizon=horizon, method=method, damping=damping)
        fc = fc.merge(actual[["la_code", "year", "placement", "children"]], on=["la_code", "year", "placement"], how="inner")
        fc = fc[(fc["point"] > 0) & (fc["children"] > 0)]
        parts.append(fc.assign(origin=origin, log_error=np.log(fc["children"] / fc["point"])))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["placement", "h", "log_error"])


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
    last = int(table["year"].max()) if origin is None else int(origin)
    names = table.drop_duplicates("la_code", keep="last").set_index("la_code")["la_name"]
    if reorganised:
        table = with_predecessors(table[table["year"] <= last])
    fc = mix_point_forecasts(table, placements, origin=last, horizon=horizon, method=method, damping=damping)
    earlier = [o for o in sorted(placements["year"].unique()) if o < last]
    errors = _log_errors(table, placements[placements["year"] <= last], origins=earlier, horizon=horizon, method=method, damping=damping)
    fc = empirical_intervals(fc, errors, level, by=("placement",))
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
    actual = placements[placements["placement"] != "total"].dropna(subset=["children"])
    rows = []
    # what a council could see at each origin (the same for every method)
    seen = {origin: table[table["year"] <= origin] for origin in origins}
    if reorganised:
        seen = {origin: with_predecessors(visible) for origin, visible in seen.items()}
    for method in methods:
        for origin in origins:
            visible_t, visible_p = seen[origin], placements[placements["year"] <= origin]
            fc = mix_point_forecasts(visible_t, visible_p, origin=origin, horizon=horizon, method=method, damping=damping)
            known = [o for o in sorted(visible_p["year"].unique()) if o < origin]
            errors = _log_errors(visible_t, visible_p, origins=known, horizon=horizon, method=method, damping=damping)
            fc = empirical_intervals(fc, errors, level, by=("placement",))
            fc = fc.merge(actual[["la_code", "year", "placement", "children"]], on=["la_code", "year", "placement"], how="inner")
            rows.append(fc.assign(method=method, origin=origin))
    scored = pd.concat(rows, ignore_index=True)
    scored["abs_error"] = (scored["point"] - scored["children"]).abs()
    per_council = scored.groupby(["method", "h", "origin", "la_code"])[["abs_error", "children"]].sum()
    per_council = per_council[per_council["children"] > 0]
    wape = 100 * per_council["abs_error"] / per_council["children"]
    out = wape.groupby(["method", "h"]).agg(["size", "mean"]).rename(columns={"size": "forecasts", "mean": "wape"})
    big = scored[scored["children"] >= 10]
    out["mape_by_group"] = (100 * big["abs_error"] / big["children"]).groupby([big["method"], big["h"]]).mean()
    for lv in level:
        has = scored[f"lower_{lv}"].notna()
        inside = (scored["children"] >= scored[f"lower_{lv}"]) & (scored["children"] <= scored[f"upper_{lv}"])
        out[f"coverage_{lv}"] = 100 * inside[has].groupby([scored.loc[has, "method"], scored.loc[has, "h"]]).mean()
    return out
