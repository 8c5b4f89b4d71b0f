"""Forecasts combined by horizon: the multi-state model, exponential smoothing and no change.

:func:`combine` moves each horizon's mean to a weighted mean of the
multi-state model, exponential smoothing and no change, by scaling each
path, so breakdowns still add up. :func:`combination_weights` learns the
weights by horizon from the council's own rolling-origin backtest. On the
synthetic councils the best pooled weights gave the model all the weight at
every horizon, so projections are not combined by default.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..common.dates import DateLike
from ..ingest.returns import SSDA903Data
from ..projection.calibration import months_ahead, rescale_paths
from ..projection.result import Projection
from .backtest import backtest
from .baselines import forecast_series

__all__ = ["best_weights", "combination_weights", "combine"]


def combine(projection: Projection, history: pd.Series, weights: pd.DataFrame) -> Projection:
    """Move each horizon's mean total to a weighted mean of the model, exponential smoothing and no change.

    Parameters
    ----------
    projection : Projection
    history : pandas.Series
        Children in care at each month end up to the projection's start
        [children], oldest first (e.g. ``stock(data, month_ends, by=())``).
    weights : pandas.DataFrame
        ``months`` and weights ``model``, ``ets``, ``naive`` adding up to
        1 (see :func:`combination_weights`); interpolated between rows.

    Returns
    -------
    Projection
        Every path scaled by the ratio of the combined mean to the model's
        mean at each date, so its categories and ages still add up.
    """
    horizon = len(projection.dates) - 1
    months = months_ahead(projection.dates)
    w = {
        name: np.interp(
            months,
            np.r_[0.0, weights["months"].to_numpy(float)],
            np.r_[1.0 if name == "model" else 0.0, weights[name].to_numpy(float)],
        )
        for name in ("model", "ets", "naive")
    }
    totals = projection.totals().astype(float)
    model = totals.mean(axis=0)
    ets = (
        np.r_[history.iloc[-1], forecast_series(history, method="ets", horizon=horizon, level=())["mean"].to_numpy()]
        if horizon
        else np.array([history.iloc[-1]])
    )
    naive = np.full(len(months), float(history.iloc[-1]))
    target = w["model"] * model + w["ets"] * ets + w["naive"] * naive
    ratio = np.divide(target, model, out=np.ones_like(target), where=model > 0)
    return rescale_paths(projection, totals * ratio[None, :])


def best_weights(errors: pd.DataFrame, *, step: float = 0.1) -> pd.DataFrame:
    """Weights of the model, smoothing and no change by horizon with the least mean absolute percentage error.

    Parameters
    ----------
    errors : pandas.DataFrame
        One row per forecast: ``months``, ``actual``, ``model``, ``ets``,
        ``naive`` [children].
    step : float
        Grid step of the weights.

    Returns
    -------
    pandas.DataFrame
        ``months``, ``model``, ``ets``, ``naive``, ``forecasts``.
    """
    grid = [(a, b, 1 - a - b) for a in np.arange(0, 1 + 1e-9, step) for b in np.arange(0, 1 - a + 1e-9, step)]
    rows = []
    for months, g in errors.groupby("months"):
        actual = g["actual"].to_numpy(float)
        ok = actual > 0
        scores = [
            (np.mean(np.abs(a * g["model"] + b * g["ets"] + c * g["naive"] - actual)[ok] / actual[ok]), (a, b, c))
            for a, b, c in grid
        ]
        a, b, c = min(scores)[1]
        rows.append(
            {
                "months": int(months),
                "model": round(a, 10),
                "ets": round(b, 10),
                "naive": round(max(c, 0.0), 10),
                "forecasts": int(ok.sum()),
            }
        )
    return pd.DataFrame(rows)


def combination_weights(
    data: SSDA903Data,
    *,
    origins: Sequence[DateLike],
    horizons: Sequence[int] = (12, 24, 36, 48, 60),
    n_sims: int = 200,
    seed: int = 0,
) -> pd.DataFrame:
    """Learn combination weights by horizon from the council's own rolling-origin backtest.

    Parameters
    ----------
    data : SSDA903Data
    origins : sequence of dates
        Forecast origins; a horizon is learned from the origins whose
        outcome the data hold, and left out otherwise.
    horizons : sequence of int
        [months]
    n_sims : int
    seed : int

    Returns
    -------
    pandas.DataFrame
        As :func:`best_weights`, for the horizons the backtest reached.
    """
    result = backtest(
        data, origins=origins, horizon=max(horizons), methods=("multistate", "ets", "naive"), n_sims=n_sims, seed=seed
    )
    s = result.scores
    s = s[(s["group"] == "total") & s["h"].isin(horizons)]
    wide = s.pivot_table(index=["origin", "h"], columns="method", values="mean").rename(columns={"multistate": "model"})
    wide["actual"] = s.groupby(["origin", "h"])["actual"].first()
    return best_weights(wide.reset_index().rename(columns={"h": "months"}))
