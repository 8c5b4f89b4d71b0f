"""A small Markov generator with known hazards, for parameter-recovery tests.

Two placement categories, constant hazards (no dependence on age), Poisson
entries at uniform ages; children leave care at 18. Optionally, an extra exit
hazard during the first ``EARLY_DAYS`` of each period of care gives the
duration dependence that time-in-care bands capture.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency import schema as S
from sufficiency.dates import birthday

CATEGORIES = ("inhouse_fostering", "external_residential")
#: True hazards [per child-year]: moves between the two categories and exits.
MOVE = np.array([[0.0, 0.5], [1.0, 0.0]])
EXIT = np.array([0.4, 0.8])
FIRST = np.array([0.8, 0.2])
#: Length of the early phase with the extra exit hazard [days] (about 3 months).
EARLY_DAYS = 91


def simulate(*, seed: int, entries_per_year: float, years: int, start: str = "2010-01-01", early_exit: float = 0.0) -> pd.DataFrame:
    """Canonical episodes of a constant-hazard county (integer-day dates).

    ``early_exit`` [per child-year] is added to the exit hazard during the
    first ``EARLY_DAYS`` days of each period of care.
    """
    rng = np.random.default_rng(seed)
    origin = np.datetime64(start, "D")
    horizon = int(years * 365.25)
    n = rng.poisson(entries_per_year * years)
    entry_day = np.sort(rng.integers(0, horizon, n))
    age_days = rng.integers(0, 18 * 365, n)
    dob = origin + (entry_day - age_days).astype("timedelta64[D]")
    eighteen = ((birthday(dob.astype("datetime64[ns]"), 18) - origin.astype("datetime64[ns]")) // np.timedelta64(1, "D")).astype(np.int64)
    state = (rng.random(n) > FIRST[0]).astype(int)
    out_rate = (MOVE.sum(axis=1) + EXIT) / 365.25
    extra = early_exit / 365.25
    idx = np.arange(n)
    t = entry_day.astype(float)
    first = np.ones(n, dtype=bool)
    rows = []
    while idx.size:
        # piecewise-constant hazard: the early rate until the phase ends, then the base rate (memoryless)
        boundary = entry_day[idx] + EARLY_DAYS
        early = t < boundary
        wait = rng.exponential(1 / (out_rate[state] + extra * early))
        if extra > 0:
            late = early & (t + wait > boundary)
            wait[late] = boundary[late] - t[late] + rng.exponential(1 / out_rate[state[late]])
        t_next = t + wait
        in_early = t_next < boundary
        end = np.minimum(np.round(t_next), eighteen[idx]).astype(np.int64)
        start_day = np.round(t).astype(np.int64)
        end = np.maximum(end, start_day)
        at18 = end >= eighteen[idx]
        move = rng.random(idx.size) < MOVE[state].sum(axis=1) / (MOVE[state].sum(axis=1) + EXIT[state] + early_exit * in_early)
        move &= ~at18
        rows.append(pd.DataFrame({"i": idx, "start": start_day, "end": end, "state": state, "first": first, "move": move}))
        state = np.where(move, 1 - state, state)
        keep = move
        idx, t, state, first = idx[keep], end[keep].astype(float), state[keep], np.zeros(keep.sum(), dtype=bool)
    ep = pd.concat(rows, ignore_index=True).sort_values(["i", "start", "end"])
    ep = ep[ep["start"] < horizon]
    still = ep["end"] >= horizon
    out = pd.DataFrame(
        {
            S.CHILD_ID: "M" + ep["i"].astype(str).str.zfill(7),
            S.DATE_OF_BIRTH: pd.to_datetime(dob[ep["i"].to_numpy()]),
            S.EPISODE_START: pd.to_datetime(origin + ep["start"].to_numpy().astype("timedelta64[D]")),
            S.EPISODE_END: pd.to_datetime(origin + ep["end"].to_numpy().astype("timedelta64[D]")).where(~still.to_numpy()),
            S.PLACEMENT: np.asarray(CATEGORIES, dtype=object)[ep["state"].to_numpy()],
            S.IS_ENTRY: ep["first"].to_numpy(),
            S.IS_EXIT: (~ep["move"] & ~still).to_numpy(),
        }
    )
    out[S.EXIT_REASON] = np.where(out[S.IS_EXIT], "other", "")
    return out.reset_index(drop=True)
