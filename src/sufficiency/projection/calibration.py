"""Intervals that hold from one to five years ahead: spread factors by horizon, read as data.

The simulation's spread leaves out sources of error that real councils meet
(a turn in entries, a backlog of exits clearing, a surge of unaccompanied
children ending), so on its own its 80% band held the outcome in only 61% to
82% of rolling-origin backtests one to five years ahead on synthetic
councils with such behaviour. Each projected month's paths are therefore
stretched about their mean by a factor for that horizon: ``total' = mean +
k(h) * (total - mean)``, and every path's categories and ages are scaled
with its total, so breakdowns still add up and the mean is unchanged.

The factors are data: they ship as ``sufficiency/data/horizon_calibration.csv``
and this module only reads and applies them; between the learned horizons
they are interpolated (from 1 at the start), beyond the last held. Learning
them needs backtests, so it lives above the projection, in
:mod:`sufficiency.accuracy.calibration` (run by ``benchmarks/calibrate.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

import numpy as np
import pandas as pd

from ..common.resources import packaged_table
from .result import Projection

__all__ = ["HorizonCalibration", "calibrate", "default_calibration", "months_ahead", "rescale_paths"]


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
    forecasts : numpy.ndarray or None
        Forecasts behind each factor, when known (written as -1 when not).
    """

    months: np.ndarray
    spread: np.ndarray
    source: str
    forecasts: np.ndarray | None = None

    def to_frame(self) -> pd.DataFrame:
        """The factors as the shipped table: ``months``, ``spread_factor``, ``forecasts``, ``source``."""
        forecasts = np.full(len(self.months), -1) if self.forecasts is None else self.forecasts
        return pd.DataFrame(
            {
                "months": self.months.astype(int),
                "spread_factor": self.spread,
                "forecasts": np.asarray(forecasts, dtype=int),
                "source": self.source,
            }
        )

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
        forecasts=table["forecasts"].astype(int).to_numpy() if "forecasts" in table.columns else None,
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
