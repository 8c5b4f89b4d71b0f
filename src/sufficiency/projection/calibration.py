"""Corrections learned from backtests, read as data: a blend towards no change and band stretches by horizon.

The simulation alone is both too sure of where the stock is going and too
narrow about it: on synthetic councils with behaviour the model does not
assume (a turn in entries, a backlog of exits clearing, a surge of
unaccompanied children, stays that lengthen, a placement mix that drifts)
its forecast of the total was no better than carrying the stock forward,
and its 80% bands for supported accommodation held the outcome in under
half of the backtests. Two corrections, each learned by horizon from
rolling-origin backtests (:mod:`sufficiency.accuracy.calibration`, run by
``benchmarks/calibrate.py``), are therefore applied to every projection:

1. **Blend** (:mod:`~sufficiency.projection.blend`): each placement
   category's mean moves from the model's towards its count at the start,
   by a weight that grows with the horizon (a combination of the model and
   no change); every path of the category is scaled by the same factor.
2. **Stretch** (:mod:`~sufficiency.projection.stretch`): the paths of each
   group a user reads are stretched on the log scale about their mean log,
   ``log x' = c + k(h) * (log x - c)``, keeping their mean: first the
   placement groups (fostering, residential,
   supported accommodation, other), then the categories within each group,
   the DfE age bands, the unaccompanied children's stream, and last the
   total. After each step a path's children are rescaled so that the
   parent's count (the group, or the path's total) is unchanged, so
   breakdowns still add up.

The factors ship as ``sufficiency/data/horizon_calibration.csv``; between
the learned horizons they are interpolated (from no blend and no stretch at
the start), beyond the last held. They were learned for ``fit``'s default
settings (recorded in the table): a model fitted otherwise gets them with a
:class:`CalibrationWarning`.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache

import numpy as np
import pandas as pd

from ..common.resources import packaged_table
from ..rates.fitted import FittedModel
from .blend import blend_ratios
from .result import Projection
from .stretch import STRETCH_STEPS, float_parts, stretch_parts, with_parts

__all__ = [
    "BLEND",
    "POOLED",
    "CalibrationWarning",
    "HorizonCalibration",
    "STEPS",
    "calibrate",
    "check_settings",
    "default_calibration",
    "months_ahead",
    "rescale_paths",
]

#: The blend's step name in the table.
BLEND = "blend"
#: Every step of the table, in the order applied.
STEPS = (BLEND, *STRETCH_STEPS)
#: The group a step's factor falls back to for a group it was not learned for.
POOLED = "*"


class CalibrationWarning(UserWarning):
    """Calibration factors applied to a model fitted with settings other than those they were learned for."""


@dataclass(frozen=True)
class HorizonCalibration:
    """Blend weights and stretch factors by step, group and months ahead.

    Attributes
    ----------
    table : pandas.DataFrame
        ``step`` (one of :data:`STEPS`), ``group`` (a placement group,
        category, age band, stream, ``"total"``, or ``"*"`` for any group
        the step was not learned for), ``months`` [months], ``factor`` (the
        weight of no change for the blend, the stretch otherwise) and
        ``forecasts`` (backtest forecasts behind it, -1 when not known).
    source : str
        How the factors were learned.
    settings : mapping
        The ``fit`` settings they were learned for (:attr:`FittedModel.settings`).
    """

    table: pd.DataFrame = field(repr=False)
    source: str
    settings: Mapping[str, object] = field(default_factory=dict)

    def factor(self, step: str, group: str, months: np.ndarray) -> np.ndarray:
        """The factor of ``step`` for ``group`` at any months ahead.

        0 (blend) or 1 (stretches) at the start, interpolated linearly
        between learned horizons and held beyond the last; a group the step
        was not learned for takes the step's pooled factor, and a step
        without rows leaves the paths alone.
        """
        rows = self.table[(self.table["step"] == step) & (self.table["group"] == group)]
        if rows.empty:
            rows = self.table[(self.table["step"] == step) & (self.table["group"] == POOLED)]
        start = 0.0 if step == BLEND else 1.0
        if rows.empty:
            return np.full(np.shape(months), start)
        rows = rows.sort_values("months")
        return np.interp(
            np.asarray(months, dtype=float),
            np.r_[0.0, rows["months"].to_numpy(float)],
            np.r_[start, rows["factor"].to_numpy(float)],
        )

    @property
    def months(self) -> np.ndarray:
        """Horizons of the total's stretch [months]."""
        return self._total()["months"].to_numpy(float)

    @property
    def spread(self) -> np.ndarray:
        """The total's stretch at :attr:`months`."""
        return self._total()["factor"].to_numpy(float)

    def _total(self) -> pd.DataFrame:
        return self.table[self.table["step"] == "total"].sort_values("months")

    def to_frame(self) -> pd.DataFrame:
        """The shipped table: the factors with ``source`` and ``settings`` (JSON) on every row."""
        out = self.table[["step", "group", "months", "factor", "forecasts"]].copy()
        out["months"] = out["months"].astype(int)
        out["forecasts"] = out["forecasts"].astype(int)
        out["factor"] = out["factor"].astype(float)
        out["source"] = self.source
        out["settings"] = json.dumps(dict(self.settings), sort_keys=True)
        return out.reset_index(drop=True)

    @classmethod
    def from_frame(cls, table: pd.DataFrame) -> HorizonCalibration:
        """Read a table written by :meth:`to_frame`."""
        factors = pd.DataFrame(
            {
                "step": table["step"].astype(str),
                "group": table["group"].astype(str),
                "months": table["months"].astype(int),
                "factor": table["factor"].astype(float),
                "forecasts": table["forecasts"].astype(int),
            }
        )
        unknown = sorted(set(factors["step"]) - set(STEPS))
        if unknown:
            raise ValueError(f"calibration steps {unknown} are not known; use {list(STEPS)}")
        settings = json.loads(str(table["settings"].iloc[0])) if len(table) else {}
        return cls(table=factors, source=str(table["source"].iloc[0]) if len(table) else "", settings=settings)


@cache
def _default() -> HorizonCalibration:
    return HorizonCalibration.from_frame(packaged_table("horizon_calibration.csv"))


def default_calibration() -> HorizonCalibration:
    """The factors shipped with the package (see the module notes).

    Returns
    -------
    HorizonCalibration
    """
    return _default()


def check_settings(fitted: FittedModel, calibration: HorizonCalibration) -> None:
    """Warn when ``fitted`` was fitted with settings other than those ``calibration`` was learned for.

    Warns
    -----
    CalibrationWarning
        Naming each setting that differs; the factors are still applied
        (they are closer to right than none), but bands and blend were not
        checked for those settings.
    """
    learned = dict(calibration.settings)
    if not learned:
        return
    own = json.loads(json.dumps(dict(fitted.settings)))
    differ = [k for k in sorted(set(learned) | set(own)) if learned.get(k) != own.get(k)]
    if differ:
        said = "; ".join(f"{k}: {own.get(k)!r} here, {learned.get(k)!r} learned" for k in differ)
        warnings.warn(
            CalibrationWarning(
                f"the calibration was learned for fit's default settings and this model differs ({said}); its blend "
                "and band factors are applied as they are: learn factors for these settings with "
                "benchmarks/calibrate.py, or project with calibrate=False for the paths as simulated"
            ),
            stacklevel=4,
        )


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
    factor = factor.astype(np.float32)
    return replace(
        projection,
        draws=np.multiply(projection.draws, factor, dtype=np.float32),
        uasc=None if projection.uasc is None else np.multiply(projection.uasc, factor, dtype=np.float32),
        simulated=projection.simulated if projection.simulated is not None else projection.draws,
    )


def calibrate(
    projection: Projection, calibration: HorizonCalibration | None = None, *, reference: Projection | None = None
) -> Projection:
    """Blend each category's mean towards no change, then stretch the bands of every group.

    Parameters
    ----------
    projection : Projection
    calibration : HorizonCalibration, optional
        Default :func:`default_calibration`.
    reference : Projection, optional
        The projection whose expected path sets the blend (default
        ``projection``); a scenario's paths are blended by the baseline's
        factors so that its levers' effects are kept.

    Returns
    -------
    Projection
        ``draws`` are floats; ``simulated`` keeps the paths as simulated.
    """
    cal = calibration or default_calibration()
    months = months_ahead(projection.dates)
    ref = projection if reference is None else reference
    ratio = blend_ratios(
        ref.draws.sum(axis=3, dtype=np.float64).mean(axis=0), cal.factor(BLEND, "total", months)
    )  # (date, category)
    # blend and stretch one float32 copy of the paths in place (as sufficiency.projection.blend.blend, then stretch)
    parts = float_parts(projection)
    scale = ratio.astype(np.float32)[None, :, :, None]
    for part in parts:
        part *= scale
    stretch_parts(parts, projection.categories, lambda step, group: cal.factor(step, group, months))
    return replace(with_parts(projection, parts), expected=projection.expected * ratio[:, :, None])
