"""Move each placement category's mean part of the way from the model's path towards its count at the start.

A combination of the model with no change whose weight grows with the
horizon: ``target_c(t) = (1 - w(t)) * M_c(t) + w(t) * M_c(0)`` for each
category ``c``, with ``M`` the mean of the simulated paths (``M_c(0)`` is
the count at the start). Every path's children in the category (all ages,
both streams) are scaled by ``target_c(t) / M_c(t)``, so breakdowns still
add up and the paths keep their spread about the mean. (The mean of the
paths, not the expected path with the rates' posterior means: drift in the
rates makes the two differ, and the paths' mean is the forecast users
read.)
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .result import Projection

__all__ = ["blend", "blend_ratios"]


def blend_ratios(mean: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Scale of each category at each date that moves its mean ``weight`` of the way to the start.

    Parameters
    ----------
    mean : numpy.ndarray
        Mean children by (date, category) [children], the start first.
    weight : numpy.ndarray
        Weight of no change at each date, 0 to 1.

    Returns
    -------
    numpy.ndarray
        (date, category); 1 where the mean is 0.
    """
    e = np.asarray(mean, dtype=float)
    w = np.asarray(weight, dtype=float)[:, None]
    target = (1.0 - w) * e + w * e[0][None, :]
    return np.divide(target, e, out=np.ones_like(e), where=e > 0)


def blend(projection: Projection, weight: np.ndarray, *, reference: Projection | None = None) -> Projection:
    """Scale each category's paths so its mean moves ``weight`` of the way to its count at the start.

    Parameters
    ----------
    projection : Projection
    weight : numpy.ndarray
        Weight of no change at each of the projection's dates.
    reference : Projection, optional
        Whose paths' mean sets the factors (default ``projection``); a
        scenario takes the baseline's, so its levers' effects are scaled
        alike and a scenario with no levers stays the baseline.

    Returns
    -------
    Projection
        ``expected``, ``draws`` and ``uasc`` scaled (the paths as float32
        [children]); ``simulated`` keeps the paths as simulated.
    """
    ref = projection if reference is None else reference
    ratio = blend_ratios(ref.draws.sum(axis=3, dtype=np.float64).mean(axis=0), weight)[None, :, :, None]
    if np.all(ratio == 1.0):
        return projection
    scale = ratio.astype(np.float32)  # paths are kept as float32 counts: half the memory, ample precision
    return replace(
        projection,
        expected=projection.expected * ratio[0],
        draws=np.multiply(projection.draws, scale, dtype=np.float32),
        uasc=None if projection.uasc is None else np.multiply(projection.uasc, scale, dtype=np.float32),
        simulated=projection.simulated if projection.simulated is not None else projection.draws,
    )
