"""Forecasts of published tables with empirical intervals: the path totals and placement mix share.

A forecast from published tables is a point forecast from the years visible
at its origin plus an interval from the errors the same method made from
every earlier origin whose outcome was known then (log of actual ÷ point,
pooled over councils, by horizon and optionally by group). A backtest
repeats that at each origin with only the years visible then, and scores
the forecasts against the published outcomes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "PointForecaster",
    "Setup",
    "backtest_forecasts",
    "coverage",
    "empirical_intervals",
    "forecast_with_intervals",
    "log_errors",
]

#: Point forecasts from one origin year: ``la_code``, the group keys, ``h``, ``year``, ``point`` [children].
PointForecaster = Callable[[int], pd.DataFrame]
#: What a forecast made at an origin with one method needs: its point forecaster (of the data visible at the
#: origin), the outcomes known then (``la_code``, keys, ``year``, ``actual``) and the earlier origins to learn
#: errors from.
Setup = Callable[[str, int], tuple[PointForecaster, pd.DataFrame, Sequence[int]]]


def log_errors(
    point_at: PointForecaster, actual: pd.DataFrame, *, origins: Sequence[int], keys: Sequence[str]
) -> pd.DataFrame:
    """Log errors (log of actual ÷ point) of the forecasts made from each of ``origins``.

    Parameters
    ----------
    point_at : callable
        Origin year -> point forecasts.
    actual : pandas.DataFrame
        Outcomes: ``la_code``, ``keys``, ``year``, ``actual`` [children].
    origins : sequence of int
    keys : sequence of str
        Group columns besides ``la_code`` (e.g. ``("placement",)``).

    Returns
    -------
    pandas.DataFrame
        The forecasts with ``actual``, ``origin`` and ``log_error``; positive
        forecasts and outcomes only.
    """
    on = ["la_code", *keys, "year"]
    parts = []
    for origin in origins:
        fc = point_at(origin).merge(actual[[*on, "actual"]], on=on, how="inner")
        fc = fc[(fc["point"] > 0) & (fc["actual"] > 0)]
        parts.append(fc.assign(origin=origin, log_error=np.log(fc["actual"] / fc["point"])))
    if not parts:
        return pd.DataFrame(columns=[*on, "h", "point", "actual", "origin", "log_error"])
    return pd.concat(parts, ignore_index=True)


def forecast_with_intervals(
    point_at: PointForecaster,
    actual: pd.DataFrame,
    *,
    origin: int,
    earlier: Sequence[int],
    level: Sequence[int],
    keys: Sequence[str] = (),
) -> pd.DataFrame:
    """Point forecasts from ``origin`` with intervals from the errors of the ``earlier`` origins.

    Parameters
    ----------
    point_at : callable
        Origin year -> point forecasts.
    actual : pandas.DataFrame
        Outcomes known at ``origin`` (see :func:`log_errors`).
    origin : int
    earlier : sequence of int
        Earlier origins whose errors set the intervals.
    level : sequence of int
        Interval levels [%].
    keys : sequence of str
        Group columns; each group gets its own error quantiles.

    Returns
    -------
    pandas.DataFrame
        The point forecasts with ``lower_<L>`` and ``upper_<L>`` (see :func:`empirical_intervals`).
    """
    errors = log_errors(point_at, actual, origins=earlier, keys=keys)
    return empirical_intervals(point_at(origin), errors, level, by=keys)


def backtest_forecasts(
    setup: Setup,
    actual: pd.DataFrame,
    *,
    methods: Sequence[str],
    origins: Sequence[int],
    level: Sequence[int],
    keys: Sequence[str] = (),
) -> pd.DataFrame:
    """Forecasts with intervals made at each origin from what was visible then, joined to the outcomes.

    Parameters
    ----------
    setup : callable
        ``(method, origin) -> (point_at, actual known then, earlier origins)``.
    actual : pandas.DataFrame
        Every outcome: ``la_code``, ``keys``, ``year``, ``actual`` [children].
    methods : sequence of str
    origins : sequence of int
    level : sequence of int
        Interval levels [%].
    keys : sequence of str
        Group columns.

    Returns
    -------
    pandas.DataFrame
        One row per forecast with an outcome: the forecast columns,
        ``actual``, ``method`` and ``origin``.
    """
    on = ["la_code", *keys, "year"]
    rows = []
    for method in methods:
        for origin in origins:
            point_at, known, earlier = setup(method, origin)
            fc = forecast_with_intervals(point_at, known, origin=origin, earlier=earlier, level=level, keys=keys)
            rows.append(fc.merge(actual[[*on, "actual"]], on=on, how="inner").assign(method=method, origin=origin))
    return pd.concat(rows, ignore_index=True)


def coverage(scored: pd.DataFrame, level: Sequence[int]) -> dict[int, pd.Series]:
    """Share of outcomes inside each level's interval by (method, h) [%], where intervals could be formed."""
    out = {}
    for lv in level:
        has = scored[f"lower_{lv}"].notna()
        inside = (scored["actual"] >= scored[f"lower_{lv}"]) & (scored["actual"] <= scored[f"upper_{lv}"])
        out[lv] = 100 * inside[has].groupby([scored.loc[has, "method"], scored.loc[has, "h"]]).mean()
    return out


def empirical_intervals(
    fc: pd.DataFrame, errors: pd.DataFrame, level: Sequence[int], *, by: Sequence[str] = ()
) -> pd.DataFrame:
    """Intervals around point forecasts from the quantiles of past log errors.

    Parameters
    ----------
    fc : pandas.DataFrame
        Point forecasts: ``point`` [children], ``h`` [years] and the ``by`` columns.
    errors : pandas.DataFrame
        Past errors: ``log_error`` (log of actual ÷ point), ``h`` and the
        ``by`` columns.
    level : sequence of int
        Interval levels [%].
    by : sequence of str
        Columns whose groups get their own quantiles (e.g. ``("placement",)``).

    Returns
    -------
    pandas.DataFrame
        ``fc`` with ``lower_<L>`` and ``upper_<L>`` [children]. A horizon no
        past origin reached borrows its group's longest known horizon,
        scaled by ``sqrt(h / known)``; a group with no past errors gets NaN.
    """
    keys = [*by, "h"]
    wanted = fc[keys].drop_duplicates()
    out = fc.copy()
    for lv in level:
        lo_q, hi_q = 0.5 - lv / 200, 0.5 + lv / 200
        quantiles = errors.groupby(keys)["log_error"].quantile([lo_q, hi_q]).unstack() if len(errors) else None
        bounds = []
        for key in wanted.itertuples(index=False):
            group, h = tuple(key[:-1]), int(key[-1])
            lo = hi = np.nan
            known = quantiles
            if quantiles is not None and by:
                try:
                    known = quantiles.xs(group, level=list(by))
                except KeyError:
                    known = None
            if known is not None and len(known):
                k = h if h in known.index else int(known.index.max())
                lo, hi = known.loc[k, lo_q] * np.sqrt(h / k), known.loc[k, hi_q] * np.sqrt(h / k)
            bounds.append((*key, lo, hi))
        table = pd.DataFrame(bounds, columns=[*keys, "_lo", "_hi"])
        merged = out[keys].merge(table, on=keys, how="left")
        out[f"lower_{lv}"] = out["point"].to_numpy() * np.exp(merged["_lo"].to_numpy())
        out[f"upper_{lv}"] = out["point"].to_numpy() * np.exp(merged["_hi"].to_numpy())
    return out
