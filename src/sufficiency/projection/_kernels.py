"""Compiled inner loop of the Monte Carlo projection (numba).

Simulations run in parallel threads (:mod:`sufficiency.common.threads`);
each draws from its own random stream (:mod:`._random`), so the paths for a
seed do not depend on the number of threads. Within a simulation every decision draws from a sub-stream keyed
by what it decides: a month's moves of one (category, age) cell, one child's
fate in a month, a month's number of entries, one entrant's placement and
birthday. A scenario that changes some decisions therefore leaves the random
numbers of all the others as they were in the baseline, and the two stay
closely coupled (common random numbers).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..common.threads import in_chunks
from ._random import poisson, substream, uniform
from ._steps import (
    CHILD,
    ENTRANT,
    ENTRY_COUNT,
    RECENT_COLUMNS,
    adjusted,
    birthdays,
    copy_rows,
    count_in_care,
    destination,
    grow,
    transition,
)

__all__ = ["band_sums", "scale_by_band", "simulate_paths"]


def simulate_paths(
    grid0: np.ndarray,
    recent0: np.ndarray,
    birthday_cdf: np.ndarray,
    step_of_month: np.ndarray,
    step: np.ndarray,
    half: np.ndarray,
    rate: np.ndarray,
    stay: np.ndarray,
    mix_z: np.ndarray,
    live_c: np.ndarray,
    live_a: np.ndarray,
    live_band: np.ndarray,
    scale: np.ndarray,
    ahead: np.ndarray,
    sigma: float,
    entry_factor: np.ndarray,
    levers: tuple,
    states: np.ndarray,
    draws: np.ndarray,
    entries: np.ndarray,
    exits: np.ndarray,
    events: np.ndarray,
    moves: np.ndarray,
) -> None:
    """Run every simulated path month by month, filling the output arrays.

    With ``W = len(step_of_month) - 1`` months of time in care followed,
    children in care under ``max(W, 1)`` whole months are kept one by one
    (category, age, birthday slot, months in care); they are few, and each
    month one uniform draw moves each of them. Everyone in care longer is
    kept as counts in a grid by (category, age, birthday slot), moved by
    binomial draws. Each month's steps: the grid moves, the recent entrants
    move (joining the grid once long enough in care), new entrants arrive,
    then the month's birthdays.

    Parameters
    ----------
    grid0 : numpy.ndarray
        Children in care ``W`` months or more at the start by (category,
        age, birthday slot) [children].
    recent0 : numpy.ndarray
        Children in care under ``W`` months at the start, one row each (see
        ``RECENT_COLUMNS``).
    birthday_cdf : numpy.ndarray
        (age, k) cumulative share of entrants whose next birthday is ``k``
        months after the entry month (k = 0 .. 12; 12 means the birthday came
        earlier in the entry month).
    step_of_month : numpy.ndarray
        Month matrix used by each whole number of months in care ``0 .. W``
        (``W`` meaning ``W`` or more).
    step : numpy.ndarray
        Month transition matrices by (rate draw, matrix, age, K, K), K =
        categories + 1 with leaving care last. Path ``s`` uses rate draw
        ``s % draws`` (here and in ``half``, ``rate`` and ``stay``).
    half : numpy.ndarray
        Half-month transition matrices by (rate draw, time-in-care band, age, K, K).
    rate : numpy.ndarray
        Monthly entry rate of each live (category, age) cell by
        (rate draw, cell) [children/month].
    stay : numpy.ndarray
        Probability an entrant stays in its first placement to the month end
        (half a month of hazards), by (rate draw, cell).
    mix_z : numpy.ndarray
        Standard normal of each cell's entry-mix random walk by (simulation, cell).
    live_c, live_a, live_band : numpy.ndarray
        Category, age and age band of each live cell.
    scale : numpy.ndarray
        Entry multiplier (trend, population, monthly shock) by (simulation,
        step, age band).
    ahead : numpy.ndarray
        Years from the window's end to each step's middle.
    sigma : float
        Spread of the entry-mix random walk [log per sqrt(year)].
    entry_factor : numpy.ndarray
        A scenario's multiplier of each live cell's entries by (step,
        cell); empty (0, 0) for none.
    levers : tuple
        A scenario's hazard levers (from, to, ages, factor, weight by
        step); see :func:`_adjusted`. Empty arrays for none.
    states : numpy.ndarray
        Random stream of each simulation, (simulation, 1) ``uint64``; its
        sub-streams are keyed from it (see the module notes).
    draws : numpy.ndarray
        Stock by (simulation, date, category, age) [children], added to
        what the array holds (zeros, or another stream's paths); with one
        age column, each category's children of all ages.
    entries, exits : numpy.ndarray
        Output entries (by first placement) and exits (all reasons) by
        (simulation, date, category) [children].
    events : numpy.ndarray
        Output entries (by age at entry) and exits (by age at leaving) by
        (simulation, date, 2, age) [children]; an empty (0, 0, 0, 0) array
        records none.
    moves : numpy.ndarray
        Output moves between categories by (simulation, date, from, to)
        [children]; an empty (0, 0, 0, 0) array records none.
    """
    in_chunks(
        states.shape[0],
        lambda first, last: _simulate_range(
            first,
            last,
            grid0,
            recent0,
            birthday_cdf,
            step_of_month,
            step,
            half,
            rate,
            stay,
            mix_z,
            live_c,
            live_a,
            live_band,
            scale,
            ahead,
            sigma,
            entry_factor,
            levers,
            states,
            draws,
            entries,
            exits,
            events,
            moves,
        ),
    )


@njit(cache=True, nogil=True)
def _simulate_range(
    first: int,
    last: int,
    grid0: np.ndarray,
    recent0: np.ndarray,
    birthday_cdf: np.ndarray,
    step_of_month: np.ndarray,
    step: np.ndarray,
    half: np.ndarray,
    rate: np.ndarray,
    stay: np.ndarray,
    mix_z: np.ndarray,
    live_c: np.ndarray,
    live_a: np.ndarray,
    live_band: np.ndarray,
    scale: np.ndarray,
    ahead: np.ndarray,
    sigma: float,
    entry_factor: np.ndarray,
    levers: tuple,
    states: np.ndarray,
    draws: np.ndarray,
    entries: np.ndarray,
    exits: np.ndarray,
    events: np.ndarray,
    moves: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Paths ``first`` to ``last - 1`` of :func:`simulate_paths`, without the interpreter lock."""
    keep_events = events.shape[0] > 0
    keep_moves = moves.shape[0] > 0
    n_c, n_a, n_b = grid0.shape
    followed = step_of_month.shape[0] - 1
    joins = max(followed, 1)  # whole months in care after which a child joins the grid
    n_steps = scale.shape[1]
    n_l = live_c.shape[0]
    cat, age, slot_col, months_col, aged_col, key_col = 0, 1, 2, 3, 4, 5  # RECENT_COLUMNS
    for s in range(first, last):
        base = states[s, 0]
        ps = s % step.shape[0]  # the path's draw of the rates (paths share draws in turn)
        state = np.empty(1, dtype=np.uint64)
        x = grid0.copy()
        tot = np.zeros((n_c, n_a), dtype=grid0.dtype)
        for c in range(n_c):
            for a in range(n_a):
                for j in range(n_b):
                    tot[c, a] += x[c, a, j]
        recent = np.empty((max(64, 2 * recent0.shape[0]), len(RECENT_COLUMNS)), dtype=np.int64)
        n_recent = recent0.shape[0]
        copy_rows(recent0, n_recent, recent)
        arrived = np.zeros((n_c, n_b), dtype=grid0.dtype)
        taken = np.zeros(n_b, dtype=grid0.dtype)
        buf = np.empty(n_c + 1)
        by_age = np.zeros((2, n_a), dtype=entries.dtype)  # the month's entries and exits by age
        moved = np.zeros((n_c, n_c), dtype=entries.dtype)  # the month's moves by (from, to)
        count_in_care(tot, recent, n_recent, draws[s, 0])
        for m in range(n_steps):
            out = exits[s, m + 1]
            by_age[:] = 0
            moved[:] = 0
            transition(
                x,
                tot,
                step[ps, step_of_month[followed]],
                out,
                by_age[1],
                moved,
                arrived,
                taken,
                base,
                state,
                m,
                levers,
                buf,
            )
            i = 0
            while i < n_recent:
                c = recent[i, cat]
                a = recent[i, age]
                d = recent[i, months_col]
                row = step[ps, step_of_month[min(d, followed)], a, c]
                if adjusted(row, c, a, m, levers, buf):
                    row = buf
                state[0] = substream(base, CHILD, m, recent[i, key_col])
                dest = destination(row, c, uniform(state))
                gone = dest == n_c
                if gone:
                    out[c] += 1
                    by_age[1, a] += 1
                else:
                    if dest != c:
                        moved[c, dest] += 1
                    if d + 1 >= joins:  # long enough in care to join the grid
                        x[dest, a, recent[i, slot_col]] += 1
                        tot[dest, a] += 1
                        gone = True
                if gone:
                    n_recent -= 1
                    for col in range(recent.shape[1]):
                        recent[i, col] = recent[n_recent, col]
                    continue
                recent[i, cat] = dest
                recent[i, months_col] = d + 1
                i += 1
            # entries: a Poisson count per cell, each from the cell's own sub-stream
            drift = sigma * math.sqrt(ahead[m])
            for lo in range(n_l):
                cell_rate = (
                    rate[ps, lo] * scale[s, m, live_band[lo]] * math.exp(drift * mix_z[s, lo] - drift * drift / 2.0)
                )
                if entry_factor.shape[0] > 0:
                    cell_rate *= entry_factor[m, lo]
                state[0] = substream(base, ENTRY_COUNT, m, lo)
                n_new = poisson(state, cell_rate)
                for e in range(n_new):
                    state[0] = substream(base, ENTRANT, m, lo * 100_000 + e)
                    c = live_c[lo]
                    a = live_a[lo]
                    entries[s, m + 1, c] += 1
                    by_age[0, a] += 1
                    dest = c
                    row = half[ps, 0, a, c]
                    stay_here = stay[ps, lo]
                    if adjusted(row, c, a, m, levers, buf):
                        row = buf
                        stay_here = min(max(row[c], 0.0), 1.0)
                    if uniform(state) >= stay_here:  # moves or leaves within its first half-month
                        dest = destination(row, c, row[c] + uniform(state) * (1.0 - row[c]))
                    if dest == n_c:
                        out[c] += 1
                        by_age[1, a] += 1
                        continue
                    if dest != c:
                        moved[c, dest] += 1
                    u = uniform(state)
                    k = 0
                    while k < 12 and u >= birthday_cdf[a, k]:
                        k += 1
                    if n_recent == recent.shape[0]:
                        recent = grow(recent, n_recent)
                    recent[n_recent, cat] = dest
                    recent[n_recent, age] = a
                    recent[n_recent, slot_col] = (m + k) % n_b
                    recent[n_recent, months_col] = 0
                    recent[n_recent, aged_col] = m if k == 12 else -1
                    recent[n_recent, key_col] = ((m + 1) * 100_000 + lo) * 100_000 + e
                    n_recent += 1
            # birthdays: everyone in this month's slot moves up a year, 17-year-olds leave care
            slot = m % n_b
            birthdays(x, tot, slot, out, by_age[1])
            i = 0
            while i < n_recent:
                if recent[i, slot_col] == slot and recent[i, aged_col] != m:
                    recent[i, age] += 1
                    if recent[i, age] == n_a:
                        out[recent[i, cat]] += 1
                        by_age[1, n_a - 1] += 1
                        n_recent -= 1
                        for col in range(recent.shape[1]):
                            recent[i, col] = recent[n_recent, col]
                        continue
                i += 1
            count_in_care(tot, recent, n_recent, draws[s, m + 1])
            if keep_events:
                copy_rows(by_age, by_age.shape[0], events[s, m + 1])
            if keep_moves:
                copy_rows(moved, moved.shape[0], moves[s, m + 1])


@njit(cache=True, nogil=True)
def band_sums(
    part: np.ndarray, lows: np.ndarray, highs: np.ndarray, atoms: np.ndarray, stream: int, first: int, last: int
) -> None:  # pragma: no cover - compiled
    """Children of each age band, for the calibration's stretch: paths ``first`` to ``last - 1``.

    ``atoms[s, t, stream, c, b]`` becomes the sum of ``part[s, t, c, a]``
    over the band's ages ``lows[b]`` to ``highs[b]``, added in float32 age
    by age in order (as numpy adds so few numbers, so the sums are the same
    to the bit).
    """
    for s in range(first, last):
        for t in range(part.shape[1]):
            for c in range(part.shape[2]):
                for b in range(lows.shape[0]):
                    total = part[s, t, c, lows[b]]
                    for a in range(lows[b] + 1, highs[b] + 1):
                        total += part[s, t, c, a]
                    atoms[s, t, stream, c, b] = total


@njit(cache=True, nogil=True)
def scale_by_band(
    part: np.ndarray, scale: np.ndarray, band_of_age: np.ndarray, stream: int, first: int, last: int
) -> None:  # pragma: no cover - compiled
    """``part[s, t, c, a] *= scale[s, t, stream, c, band_of_age[a]]`` in place, for paths ``first`` to ``last - 1``."""
    for s in range(first, last):
        for t in range(part.shape[1]):
            for c in range(part.shape[2]):
                for a in range(part.shape[3]):
                    part[s, t, c, a] *= scale[s, t, stream, c, band_of_age[a]]
