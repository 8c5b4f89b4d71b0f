"""Intervals that hold from one to five years ahead, and forecasts combined by horizon.

**Calibration.** The simulation's spread leaves out sources of error that
real councils meet (a turn in entries, a backlog of exits clearing, a surge
of unaccompanied children ending), so on its own its 80% band held the
outcome in only 61% to 82% of rolling-origin backtests one to five years
ahead on synthetic councils with such behaviour. Each projected month's
paths are therefore stretched about their mean by a factor for that horizon:
``total' = mean + k(h) * (total - mean)``, and every path's categories and
ages are scaled with its total, so breakdowns still add up and the mean is
unchanged. The factors are learned by ``benchmarks/calibrate.py`` as the
82nd percentile, over backtests on 60 synthetic councils (origins 2019 and
2021, outcomes one to five years on), of how far the model's 80% band had
to be stretched to hold the outcome (a conformal quantile), and ship as
``sufficiency/data/horizon_calibration.csv``; between the learned horizons
they are interpolated (from 1 at the start), beyond the last held.

**Combination.** :func:`combine` moves each horizon's mean to a weighted
mean of the multi-state model, exponential smoothing and no change, by
scaling each path, so breakdowns still add up. :func:`combination_weights`
learns the weights by horizon from the council's own rolling-origin
backtest. On the synthetic councils the best pooled weights gave the model
all the weight at every horizon, so projections are not combined by
default.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..common.resources import packaged_table

if TYPE_CHECKING:
    from .run import Projection


@dataclass(frozen=True)
class HorizonCalibration:
    """Spread factors by months ahead.

    Attributes
    ----------
    months : numpy.ndarray
        Horizons the factors were learned at [months].
    spread : numpy.ndarray
        Stretch of the paths about their mean at each horizon.
    source : str
        How the factors were learned.
    """

    months: np.ndarray
    spread: np.ndarray
    source: str

    def spread_at(self, months: np.ndarray) -> np.ndarray:
        """Factors at any months ahead: 1 at 0, interpolated linearly, held beyond the last."""
        return np.interp(np.asarray(months, dtype=float), np.r_[0.0, self.months], np.r_[1.0, self.spread])


@cache
def _default() -> HorizonCalibration:
    table = packaged_table("horizon_calibration.csv")
    return HorizonCalibration(
        months=table["months"].astype(float).to_numpy(),
        spread=table["spread_factor"].astype(float).to_numpy(),
        source=str(table["source"].iloc[0]),
    )


def default_calibration() -> HorizonCalibration:
    """The spread factors shipped with the package (see the module notes).

    Returns
    -------
    HorizonCalibration
    """
    return _default()


def months_ahead(dates: pd.DatetimeIndex) -> np.ndarray:
    """Months from the first date to each date [months]."""
    return np.asarray((dates.year - dates[0].year) * 12 + (dates.month - dates[0].month), dtype=float)


def rescale_paths(projection: Projection, totals: np.ndarray) -> Projection:
    """Scale each path's children so its total at each date becomes ``totals`` (simulation, date).

    Categories, ages and the unaccompanied children's stream keep their
    shares of the path's total; a path with no children stays empty.
    """
    old = projection.totals()
    factor = np.divide(totals, old, out=np.ones_like(totals, dtype=float), where=old > 0)[:, :, None, None]
    return replace(
        projection,
        draws=projection.draws * factor,
        uasc=None if projection.uasc is None else projection.uasc * factor,
        simulated=projection.simulated if projection.simulated is not None else projection.draws,
    )


def calibrate(projection: Projection, calibration: HorizonCalibration | None = None) -> Projection:
    """Stretch each horizon's paths about their mean by the calibration's spread factor.

    Parameters
    ----------
    projection : Projection
    calibration : HorizonCalibration, optional
        Default :func:`default_calibration`.

    Returns
    -------
    Projection
        Same mean total at every date; ``draws`` are floats and
        ``simulated`` keeps the paths as simulated.
    """
    k = (calibration or default_calibration()).spread_at(months_ahead(projection.dates))
    totals = projection.totals().astype(float)
    mean = totals.mean(axis=0)
    stretched = np.maximum(mean[None, :] + k[None, :] * (totals - mean[None, :]), 0.0)
    return rescale_paths(projection, stretched)


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
    from ..accuracy.baselines import forecast_series

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
    data: object,
    *,
    origins: Sequence[object],
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
    from ..accuracy.backtest import backtest

    result = backtest(
        data, origins=origins, horizon=max(horizons), methods=("multistate", "ets", "naive"), n_sims=n_sims, seed=seed
    )
    s = result.scores
    s = s[(s["group"] == "total") & s["h"].isin(horizons)]
    wide = s.pivot_table(index=["origin", "h"], columns="method", values="mean").rename(columns={"multistate": "model"})
    wide["actual"] = s.groupby(["origin", "h"])["actual"].first()
    return best_weights(wide.reset_index().rename(columns={"h": "months"}))
