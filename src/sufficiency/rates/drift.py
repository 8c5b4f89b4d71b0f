"""Year-to-year drift of rates beyond Poisson noise.

Real councils' rates move from year to year by more than the sampling noise
of their counts (practice changes, court delays, surges of unaccompanied
children). The spreads are estimated from the reference window's whole
years by the method of moments and carried into projections.

The level of a council's own entries strays from its usual level and comes
back: on the DfE's starts by council (2018-2022) the change over three or
four years varies about twice as much as the change over one, where a random
walk would make it three or four times as much
(:func:`sufficiency.published.totals.starts_variation`). So the level of
entries is projected as a stationary first-order autoregression about the
window's rate (``FittedModel.entry_level_spread``, with
:data:`LEVEL_PERSISTENCE`), not as a walk. Arrivals of unaccompanied children
follow national events that do not come back of themselves (crossings,
quotas), and their level is still a random walk (``entry_level_drift``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.ages import band_index
from ..counts.flows import Flows
from .entries import in_states

__all__ = [
    "LEVEL_DRIFT_PRIOR",
    "LEVEL_DRIFT_PRIOR_WEIGHT",
    "LEVEL_PERSISTENCE",
    "LEVEL_SPREAD_PRIOR",
    "NATIONAL_UASC_STARTS",
    "UASC_LEVEL_DRIFT",
    "drifts",
    "level_drift",
    "level_spread",
]


def _extra_spread(counts: np.ndarray, expected: np.ndarray) -> float:
    """Method-of-moments spread of log rates beyond Poisson noise, pooled over groups.

    ``counts`` and ``expected`` are (group, year); Var(n) = m + sigma^2 m^2.
    """
    excess = float(((counts - expected) ** 2 - expected).sum())
    scale = float((expected**2).sum())
    return float(np.sqrt(max(excess, 0.0) / scale)) if scale > 0 else 0.0


#: Random-walk spread of councils' log starts [1/sqrt(year)]: the value of
#: ``sufficiency.published.totals.starts_drift(sufficiency.load_published())`` (DfE
#: starts by council, 2018-2022; checked by the tests).
LEVEL_DRIFT_PRIOR = 0.212
#: Weight of that prior, and of :data:`LEVEL_SPREAD_PRIOR` [yearly changes].
LEVEL_DRIFT_PRIOR_WEIGHT = 2.0
#: Spread of a year's log starts about a council's own level beyond Poisson noise [log]: the first value of
#: ``sufficiency.published.totals.starts_variation(sufficiency.load_published())`` (DfE starts by council,
#: 2018-2022, less each year's national change; checked by the tests).
LEVEL_SPREAD_PRIOR = 0.177
#: Share of a year's deviation of starts from the council's level still there a year later [1/year]: the second
#: value of the same call.
LEVEL_PERSISTENCE = 0.46

#: Unaccompanied asylum-seeking children who started to be looked after in England in the years ending 31 March
#: 2020 to 2025 [children] (DfE, Children looked after in England including adoptions, 2024 and 2025 releases:
#: national starts by characteristics).
NATIONAL_UASC_STARTS = (3490, 2800, 5400, 7210, 7270, 6950)
#: Least random-walk spread of the log level of unaccompanied children's arrivals [1/sqrt(year)]: the standard
#: deviation of the yearly changes of log national starts above (0.34). Their arrivals follow national events
#: (crossings, the National Transfer Scheme's quotas), not the council's own past, so a council whose arrivals were
#: steady in its window is given at least the drift the country saw.
UASC_LEVEL_DRIFT = float(np.std(np.diff(np.log(np.asarray(NATIONAL_UASC_STARTS, dtype=float))), ddof=1))


def _yearly_excess(totals: np.ndarray, dispersion: float) -> tuple[float, int]:
    """Squared yearly changes of log ``totals`` about their mean beyond the counts' noise, summed, and how many."""
    n = totals[totals > 0]
    if len(n) < 3:
        return 0.0, 0
    change = np.diff(np.log(n))
    k = len(change)
    return float((((change - change.mean()) ** 2) * k / (k - 1) - dispersion * (1 / n[1:] + 1 / n[:-1])).sum()), k


def level_drift(totals: np.ndarray, dispersion: float) -> float:
    """Random-walk spread of the log level of yearly entry ``totals`` (consecutive years), shrunk to the prior."""
    excess, k = _yearly_excess(totals, dispersion)
    w = LEVEL_DRIFT_PRIOR_WEIGHT
    return float(np.sqrt(max((w * LEVEL_DRIFT_PRIOR**2 + excess) / (w + k), 0.0)))


def level_spread(totals: np.ndarray, dispersion: float) -> float:
    """Spread of the log level of yearly entry ``totals`` (consecutive years) about their trend, shrunk to the prior.

    With a stationary autoregression of persistence :data:`LEVEL_PERSISTENCE`
    the change between consecutive years has variance ``2 s² (1 - phi)``
    beyond the counts' own noise; ``s²`` from the council's changes (centred
    on their mean, the trend's) is weighed with :data:`LEVEL_SPREAD_PRIOR`
    as :func:`level_drift` weighs its prior.

    Parameters
    ----------
    totals : numpy.ndarray
        Entries of consecutive whole years, oldest first [children].
    dispersion : float
        Variance ÷ mean of the counts (1 for Poisson).

    Returns
    -------
    float
        ``s`` [log].
    """
    excess, k = _yearly_excess(totals, dispersion)
    own = max(excess, 0.0) / (2 * (1 - LEVEL_PERSISTENCE))
    w = LEVEL_DRIFT_PRIOR_WEIGHT
    return float(np.sqrt((w * LEVEL_SPREAD_PRIOR**2 + own) / (w + k)))


def drifts(fl: Flows, cats: list[str], end: pd.Timestamp, dispersion: float) -> tuple[float, float, float, float]:
    """Yearly drift of entry composition, the entry level's spread and walk, and the drift of hazards.

    Returns ``(entry_drift, level_spread, level_walk, hazard_drift)`` (see
    :class:`sufficiency.FittedModel`; ``level_walk`` is :func:`level_drift`'s
    random-walk spread, which :func:`sufficiency.fit` uses for unaccompanied
    children's arrivals).
    """
    band = band_index()
    table = in_states(fl.table, cats)
    if table.empty:
        return 0.0, LEVEL_SPREAD_PRIOR, LEVEL_DRIFT_PRIOR, 0.0
    months_back = (end.year - table[S.PERIOD_START].dt.year) * 12 + (end.month - table[S.PERIOD_START].dt.month)
    year = (months_back // 12).to_numpy()
    periods = fl.table[S.PERIOD_START].drop_duplicates()
    per_year = (((end.year - periods.dt.year) * 12 + (end.month - periods.dt.month)) // 12).value_counts()
    full = sorted(int(y) for y, n in per_year.items() if n == 12)
    if len(full) < 2:
        return 0.0, LEVEL_SPREAD_PRIOR, LEVEL_DRIFT_PRIOR, 0.0
    c_idx = {c: i for i, c in enumerate(cats)}
    n_years = int(year.max()) + 1
    ci = table[S.PLACEMENT].map(c_idx).to_numpy()
    bi = band[table[S.AGE].astype(int).to_numpy()]
    entries = np.zeros((band.max() + 1, len(cats), n_years))
    np.add.at(entries, (bi, ci, year), table[S.ENTRIES].to_numpy(dtype=float))
    exposure = np.zeros((len(cats), n_years))
    np.add.at(exposure, (ci, year), table[S.EXPOSURE_DAYS].to_numpy(dtype=float))
    out = np.zeros((len(cats), n_years))
    np.add.at(out, (ci, year), (table[S.EXITS] + table[S.MOVES_OUT]).to_numpy(dtype=float))
    # composition: each group's share of the year's total entries (the total's own changes are the trend's)
    e = entries[:, :, full].reshape(-1, len(full))
    share = e.sum(axis=1, keepdims=True) / max(e.sum(), 1.0)
    entry_drift = _extra_spread(e, share * e.sum(axis=0)[None, :])
    x, o = exposure[:, full], out[:, full]
    rate = np.divide(o.sum(axis=1), x.sum(axis=1), out=np.zeros(len(cats)), where=x.sum(axis=1) > 0)
    hazard_drift = _extra_spread(o, rate[:, None] * x)
    # the level: consecutive whole years, oldest first
    run: list[int] = []
    while len(run) in full:  # years back 0, 1, 2, ... while whole
        run.append(len(run))
    run = run[::-1]
    totals = entries.sum(axis=(0, 1))[run]
    spread = level_spread(totals, dispersion) if len(run) >= 3 else LEVEL_SPREAD_PRIOR
    walk = level_drift(totals, dispersion) if len(run) >= 3 else LEVEL_DRIFT_PRIOR
    return entry_drift, spread, walk, hazard_drift
