"""Baseline forecasts of monthly counts in the same shape as projections.

Each baseline forecasts every series (total, each placement category, each
age band) separately from its monthly history of month-end counts:

* ``naive``: the last value carried forward; intervals from the spread of
  past monthly changes, growing with the square root of the horizon (a
  random walk);
* ``drift``: the straight line from the first to the last value carried on,
  with the random-walk intervals;
* ``ets``: exponential smoothing with a damped additive trend
  (statsmodels ``ETSModel``) and its simulated intervals.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from statistics import NormalDist

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.ages import DFE_AGE_BANDS
from ..common.dates import DateLike, day
from ..counts.pieces import episodes_of
from ..counts.stock import stock
from ..ingest.returns import EpisodesLike

__all__ = ["METHODS", "baseline_forecast", "forecast_series", "history"]

METHODS = ("naive", "drift", "ets")


def history(data: EpisodesLike, *, start: DateLike | None = None, end: DateLike | None = None) -> pd.DataFrame:
    """Month-end counts for the total, each category and each age band.

    Parameters
    ----------
    data : SSDA903Data or pandas.DataFrame
    start, end : date, optional
        Default: the data's coverage.

    Returns
    -------
    pandas.DataFrame
        Index ``date`` (month ends), columns ``(group, value)`` [children].
    """
    episodes, coverage, censor = episodes_of(data)
    first = day(start, "start") if start is not None else (coverage or episodes[S.EPISODE_START].min())
    last = day(end, "end") if end is not None else (censor or episodes[S.EPISODE_START].max())
    dates = pd.date_range(first, last, freq="ME")
    by_cat = stock(episodes, dates, by=(S.PLACEMENT, S.AGE_BAND))
    cat = by_cat.pivot_table(index=S.DATE, columns=S.PLACEMENT, values=S.CHILDREN, aggfunc="sum", observed=True)
    band = by_cat.pivot_table(index=S.DATE, columns=S.AGE_BAND, values=S.CHILDREN, aggfunc="sum", observed=False)
    band = band.reindex(columns=list(DFE_AGE_BANDS), fill_value=0)
    total = cat.sum(axis=1).to_frame("total")
    frame = pd.concat({"total": total, "placement": cat, "age_band": band}, axis=1)
    frame.columns = pd.MultiIndex.from_tuples([(g, str(v)) for g, v in frame.columns], names=["group", "value"])
    return frame


def forecast_series(values: pd.Series, *, method: str, horizon: int, level: Sequence[int]) -> pd.DataFrame:
    """Forecast one monthly series.

    Parameters
    ----------
    values : pandas.Series
        Month-end counts, oldest first [children].
    method : {"naive", "drift", "ets"}
    horizon : int
        Months ahead.
    level : sequence of int
        Interval levels [%].

    Returns
    -------
    pandas.DataFrame
        ``h`` (1..horizon), ``mean``, ``median``, ``lower_<L>``, ``upper_<L>``.
    """
    y = values.to_numpy(dtype=float)
    h = np.arange(1, horizon + 1)
    out = pd.DataFrame({"h": h})
    if method in ("naive", "drift"):
        diffs = np.diff(y)
        slope = (y[-1] - y[0]) / (len(y) - 1) if method == "drift" and len(y) > 1 else 0.0
        centre = y[-1] + slope * h
        sd = np.std(diffs - (slope if method == "drift" else 0.0), ddof=1) if len(diffs) > 1 else 0.0
        spread = sd * np.sqrt(h)
        out["mean"] = centre
        out["median"] = centre
        for lv in level:
            z = NormalDist().inv_cdf(0.5 + lv / 200)
            out[f"lower_{lv}"] = np.maximum(centre - z * spread, 0)
            out[f"upper_{lv}"] = centre + z * spread
        return out
    if method == "ets":
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if np.ptp(y) == 0:
                return forecast_series(values, method="naive", horizon=horizon, level=level)
            model = ETSModel(pd.Series(y), error="add", trend="add", damped_trend=True).fit(disp=False)
            pred = model.get_prediction(start=len(y), end=len(y) + horizon - 1)
            mean = np.asarray(pred.predicted_mean)
            out["mean"] = mean
            out["median"] = mean
            for lv in level:
                interval = np.asarray(pred.pred_int(alpha=1 - lv / 100))
                out[f"lower_{lv}"] = np.maximum(interval[:, 0], 0)
                out[f"upper_{lv}"] = interval[:, 1]
        return out
    raise ValueError(f"unknown method {method!r}; use one of {METHODS}")


def baseline_forecast(
    data: EpisodesLike,
    *,
    method: str = "naive",
    start: DateLike | None = None,
    horizon: int = 60,
    level: Sequence[int] = (80, 95),
    history_start: DateLike | None = None,
) -> pd.DataFrame:
    """Baseline forecasts in the shape of :meth:`Projection.summary_frame`.

    Parameters
    ----------
    data : SSDA903Data or pandas.DataFrame
    method : {"naive", "drift", "ets"}
    start : date, optional
        Forecast origin (a month end); default the end of the data.
    horizon : int
        Months ahead.
    level : sequence of int
        Interval levels [%].
    history_start : date, optional
        First month of history used (default the data's coverage).

    Returns
    -------
    pandas.DataFrame
        ``date``, ``group``, ``value``, ``mean``, ``median``, ``lower_<L>``,
        ``upper_<L>`` [children], ``method``.

    Raises
    ------
    ValueError
        For a ``horizon`` below 1 or a level outside 0 to 100.
    """
    if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise ValueError(f"horizon must be a whole number of months, 1 or more, not {horizon!r}")
    if any(not 0 < float(lv) < 100 for lv in level):
        raise ValueError(f"level must be interval levels between 0 and 100 [%], not {tuple(level)!r}")
    hist = history(data, start=history_start, end=start)
    origin = hist.index[-1]
    dates = pd.date_range(origin + pd.Timedelta(days=1), periods=horizon, freq="ME")
    parts = []
    for (group, value), series in hist.items():
        fc = forecast_series(series, method=method, horizon=horizon, level=level)
        fc.insert(0, S.DATE, dates[fc["h"].to_numpy() - 1])
        fc.insert(1, "group", group)
        fc.insert(2, "value", value)
        parts.append(fc.drop(columns="h"))
    out = pd.concat(parts, ignore_index=True)
    out["method"] = method
    return out
