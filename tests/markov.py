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
from sufficiency.common.dates import birthday

CATEGORIES = ("inhouse_fostering", "external_residential")
#: True hazards [per child-year]: moves between the two categories and exits.
MOVE = np.array([[0.0, 0.5], [1.0, 0.0]])
EXIT = np.array([0.4, 0.8])
FIRST = np.array([0.8, 0.2])
#: Length of the early phase with the extra exit hazard [days] (about 3 months).
EARLY_DAYS = 91


def simulate(
    *,
    seed: int,
    entries_per_year: float,
    years: int,
    start: str = "2010-01-01",
    early_exit: float = 0.0,
    entry_step: tuple[str, float] | None = None,
    exit_step: tuple[str, float] | None = None,
) -> pd.DataFrame:
    """Canonical episodes of a constant-hazard county (integer-day dates).

    ``early_exit`` [per child-year] is added to the exit hazard during the
    first ``EARLY_DAYS`` days of each period of care. ``entry_step = (date,
    factor)`` multiplies the entry rate by ``factor`` from ``date`` on;
    ``exit_step`` does the same to the exit hazard.
    """
    rng = np.random.default_rng(seed)
    origin = np.datetime64(start, "D")
    horizon = int(years * 365.25)
    n = rng.poisson(entries_per_year * years)
    entry_day = np.sort(rng.integers(0, horizon, n))
    if entry_step is not None:
        step = int((np.datetime64(entry_step[0], "D") - origin) / np.timedelta64(1, "D"))
        extra = rng.poisson(entries_per_year * (entry_step[1] - 1) * max(horizon - step, 0) / 365.25)
        entry_day = np.sort(np.r_[entry_day, rng.integers(step, horizon, extra)])
        n = len(entry_day)
    age_days = rng.integers(0, 18 * 365, n)
    dob = origin + (entry_day - age_days).astype("timedelta64[D]")
    eighteen = (
        (birthday(dob.astype("datetime64[ns]"), 18) - origin.astype("datetime64[ns]")) // np.timedelta64(1, "D")
    ).astype(np.int64)
    state = (rng.random(n) > FIRST[0]).astype(int)
    move_rate = MOVE.sum(axis=1) / 365.25
    exit_day, exit_factor = (
        (np.inf, 1.0)
        if exit_step is None
        else (float((np.datetime64(exit_step[0], "D") - origin) / np.timedelta64(1, "D")), exit_step[1])
    )

    def leaving(state: np.ndarray, t: np.ndarray, boundary: np.ndarray) -> np.ndarray:
        """Exit hazard [per day] at time ``t``: the early extra before ``boundary``, the step's factor after it."""
        return (EXIT[state] * np.where(t >= exit_day, exit_factor, 1.0) + early_exit * (t < boundary)) / 365.25

    idx = np.arange(n)
    t = entry_day.astype(float)
    first = np.ones(n, dtype=bool)
    rows = []
    while idx.size:
        # piecewise-constant hazards: draw a wait at the current rate; a wait that crosses the next change of rate
        # restarts there (memoryless) until every child's next event falls before its next change
        boundary = entry_day[idx] + EARLY_DAYS
        t_next = t.copy()
        pending = np.ones(idx.size, dtype=bool)
        while pending.any():
            now = t_next[pending]
            rate = move_rate[state[pending]] + leaving(state[pending], now, boundary[pending])
            wait = rng.exponential(1 / rate)
            change = np.where(now < boundary[pending], boundary[pending], np.inf)
            change = np.minimum(change, np.where(now < exit_day, exit_day, np.inf))
            crossed = now + wait > change
            t_next[pending] = np.where(crossed, change, now + wait)
            pending[np.flatnonzero(pending)[~crossed]] = False
        end = np.minimum(np.round(t_next), eighteen[idx]).astype(np.int64)
        start_day = np.round(t).astype(np.int64)
        end = np.maximum(end, start_day)
        at18 = end >= eighteen[idx]
        move = rng.random(idx.size) < move_rate[state] / (move_rate[state] + leaving(state, t_next, boundary))
        move &= ~at18
        rows.append(
            pd.DataFrame({"i": idx, "start": start_day, "end": end, "state": state, "first": first, "move": move})
        )
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
            S.EPISODE_END: pd.to_datetime(origin + ep["end"].to_numpy().astype("timedelta64[D]")).where(
                ~still.to_numpy()
            ),
            S.PLACEMENT: np.asarray(CATEGORIES, dtype=object)[ep["state"].to_numpy()],
            S.IS_ENTRY: ep["first"].to_numpy(),
            S.IS_EXIT: (~ep["move"] & ~still).to_numpy(),
        }
    )
    out[S.EXIT_REASON] = np.where(out[S.IS_EXIT], "other", "")
    return out.reset_index(drop=True)


def as_data(episodes: pd.DataFrame, *, start: str, end: str):
    """Wrap simulated episodes as an ``SSDA903Data`` covering ``start`` to ``end`` (for backtests)."""
    from sufficiency import SSDA903Data
    from sufficiency.ingest.quality import QualityLog

    children = episodes.drop_duplicates(S.CHILD_ID)[[S.CHILD_ID, S.DATE_OF_BIRTH]]
    years = tuple(range(pd.Timestamp(start).year + 1, pd.Timestamp(end).year + 1))
    return SSDA903Data(
        episodes=episodes.assign(**{S.REASON_CEASED: np.where(episodes[S.IS_EXIT], "E8", "")}),
        children=children,
        quality=QualityLog().frame(),
        years=years,
        coverage_start=pd.Timestamp(start),
        censor_date=pd.Timestamp(end),
    )
