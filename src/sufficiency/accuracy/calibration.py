"""Learn the spread factors that calibrate projections' bands, by backtest.

For each forecast made from an origin with the data of that time (the
model fitted on :func:`~sufficiency.truncate`'s data, projected with
calibration off), the *stretch* is how far the paths would have had to be
stretched about their mean for the central band to hold the outcome: 1 when
the outcome sits on the band's edge, below 1 inside, above 1 outside. A
horizon's factor is a high quantile of the stretches over many councils and
origins (a conformal quantile), so that the stretched band holds the outcome
about as often as it says. The projection reads the factors as data
(:mod:`sufficiency.projection.calibration`); ``benchmarks/calibrate.py``
learns the shipped ones with these functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import DateLike
from ..counts.stock import stock
from ..ingest.returns import SSDA903Data
from ..projection.calibration import HorizonCalibration
from ..projection.run import project
from ..rates.fitting import fit
from .backtest import truncate

__all__ = ["band_stretches", "learn_calibration"]


def band_stretches(
    data: SSDA903Data,
    *,
    origins: Sequence[DateLike],
    horizons: Sequence[int] = (12, 24, 36, 48, 60),
    level: int = 80,
    n_sims: int = 300,
    seed: int = 1,
    fit_options: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """The stretch each forecast of the total needed for its central band to hold the outcome.

    Parameters
    ----------
    data : SSDA903Data
        The full returns (outcomes are counted from them).
    origins : sequence of dates
        Forecast origins (month ends).
    horizons : sequence of int
        Months ahead scored; those whose outcome the data do not reach are
        left out.
    level : int
        The band [%].
    n_sims : int
        Paths of each projection.
    seed : int
        Seed of every projection.
    fit_options : mapping, optional
        Passed to :func:`sufficiency.fit`.

    Returns
    -------
    pandas.DataFrame
        ``origin``, ``months`` [months], ``actual``, ``mean`` [children]
        and ``stretch``: ``(actual - mean) / (upper - mean)`` above the mean,
        ``(mean - actual) / (mean - lower)`` below it.
    """
    rows = []
    for origin in origins:
        when = pd.Timestamp(origin)
        projection = project(
            fit(truncate(data, when), **dict(fit_options or {})),
            start=when,
            horizon=max(horizons),
            n_sims=n_sims,
            seed=seed,
            calibrate=False,
        )
        totals = projection.totals()
        dates = [projection.dates[h] for h in horizons if h < len(projection.dates)]
        reached = [d for d in dates if d <= data.censor_date]
        if not reached:
            continue
        truth = stock(data, reached, by=()).set_index(S.DATE)[S.CHILDREN]
        for h in horizons:
            if h >= len(projection.dates) or projection.dates[h] not in truth.index:
                continue
            paths = totals[:, h].astype(float)
            mean = paths.mean()
            lo, hi = np.percentile(paths, [50 - level / 2, 50 + level / 2])
            actual = float(truth[projection.dates[h]])
            if actual >= mean:
                need = (actual - mean) / max(hi - mean, 1e-9)
            else:
                need = (mean - actual) / max(mean - lo, 1e-9)
            rows.append({"origin": when, "months": int(h), "actual": actual, "mean": mean, "stretch": need})
    return pd.DataFrame(rows, columns=["origin", "months", "actual", "mean", "stretch"])


def learn_calibration(stretches: pd.DataFrame, *, quantile: float = 0.82, source: str = "") -> HorizonCalibration:
    """Spread factors by horizon: the ``quantile`` of the stretches at each horizon, rounded to 0.001.

    Parameters
    ----------
    stretches : pandas.DataFrame
        ``months`` and ``stretch``, as :func:`band_stretches` gives (pooled
        over councils).
    quantile : float
        Aim a little above the band's level so that councils unlike those
        learned from stay near it.
    source : str
        How the factors were learned, for the report's assumptions.

    Returns
    -------
    HorizonCalibration
        With the number of forecasts behind each factor.
    """
    table = stretches.groupby("months")["stretch"].agg(
        spread=lambda s: round(float(np.quantile(s, quantile)), 3), forecasts="size"
    )
    return HorizonCalibration(
        months=table.index.to_numpy(dtype=float),
        spread=table["spread"].to_numpy(dtype=float),
        source=source,
        forecasts=table["forecasts"].to_numpy(dtype=int),
    )
