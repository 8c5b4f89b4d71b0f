"""Compiled inner loop of the Monte Carlo projection (numba).

Simulations run in parallel (``prange``); each draws from its own random
stream (:mod:`._random`), so the paths for a seed do not depend on the number
of threads. Within a simulation every decision draws from a sub-stream keyed
by what it decides: a month's moves of one (category, age) cell, one child's
fate in a month, a month's number of entries, one entrant's placement and
birthday. A scenario that changes some decisions therefore leaves the random
numbers of all the others as they were in the baseline, and the two stay
closely coupled (common random numbers).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from ._random import binomial, integer, poisson, substream, uniform

__all__ = ["simulate_paths"]

# keys of the sub-streams (the first part of a key; see module notes)
_GRID, _CHILD, _ENTRY_COUNT, _ENTRANT = 1, 2, 3, 4


@njit(cache=True)
def _take_slots(
    x: np.ndarray, c: int, a: int, total: int, m: int, taken: np.ndarray, state: np.ndarray
) -> None:  # pragma: no cover - compiled
    """Draw ``m`` of the ``total`` children in cell (c, a) of grid ``x`` without replacement.

    ``taken`` receives how many come from each birthday slot; the cell is
    reduced accordingly. Children are picked one at a time (``m`` is small).
    """
    n_b = x.shape[2]
    for j in range(n_b):
        taken[j] = 0
    for _ in range(m):
        r = integer(state, total)
        for j in range(n_b):
            here = x[c, a, j]
            if r < here:
                x[c, a, j] = here - 1
                taken[j] += 1
                break
            r -= here
        total -= 1


@njit(cache=True)
def _adjusted(
    row: np.ndarray, c: int, a: int, m: int, levers: tuple, out: np.ndarray
) -> bool:  # pragma: no cover - compiled
    """Write into ``out`` the row of category ``c`` at age ``a`` in month ``m``, with a scenario's hazard levers.

    ``levers`` is (from, to, ages, factor, weight): lever ``l`` scales the
    probability of moving from ``from[l]`` to ``to[l]`` (the last state
    is leaving care) at ages ``ages[l]`` by ``1 + weight[l, m] *
    (factor[l] - 1)``; the probability of staying takes up the
    difference (to first order this scales the hazard, as months are short
    against the hazards). Returns whether a lever applied; when none does
    ``out`` is untouched and callers use ``row`` itself, so the baseline's
    arithmetic and random numbers are unchanged.
    """
    h_from, h_to, h_ages, h_factor, h_weight = levers
    changed = False
    for lv in range(h_from.shape[0]):
        if h_from[lv] == c and h_ages[lv, a] and h_weight[lv, m] > 0.0:
            if not changed:
                for k in range(row.shape[0]):
                    out[k] = row[k]
                changed = True
            out[h_to[lv]] *= 1.0 + h_weight[lv, m] * (h_factor[lv] - 1.0)
    if not changed:
        return False
    off = 0.0
    for k in range(out.shape[0]):
        if k != c:
            off += max(out[k], 0.0)
    if off > 1.0:  # more leaving than there are children: everyone leaves, in proportion
        for k in range(out.shape[0]):
            if k != c:
                out[k] = max(out[k], 0.0) / off
        off = 1.0
    out[c] = 1.0 - off
    return True


@njit(cache=True)
def _transition(
    x: np.ndarray,
    tot: np.ndarray,
    p: np.ndarray,
    exits: np.ndarray,
    exit_ages: np.ndarray,
    moved: np.ndarray,
    arrived: np.ndarray,
    taken: np.ndarray,
    base: np.uint64,
    state: np.ndarray,
    m: int,
    levers: tuple,
    buf: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Move the children of one grid one month, in place.

    ``x`` is (category, age, birthday slot) [children] and ``tot`` its
    (category, age) totals, kept in step; ``p`` the month's transition
    matrices (age, K, K), K = categories + 1 with leaving care last;
    ``exits`` (category), ``exit_ages`` (age) and ``moved`` (from, to
    category) are incremented. Each occupied cell draws how many
    stay (one binomial), sends the others to destinations by sequential
    binomials, and picks which birthday slots the movers come from without
    replacement, so every child keeps its own birthday. Each cell draws from
    its own sub-stream of ``base`` for month ``m`` (``state`` is scratch).
    ``levers`` adjust the rows of month ``m`` (see :func:`_adjusted`;
    ``buf`` is scratch).
    """
    n_c, n_a, n_b = x.shape
    k_all = n_c + 1
    for a in range(n_a):
        moved_any = False
        for c in range(n_c):
            n = tot[c, a]
            if n == 0:
                continue
            state[0] = substream(base, _GRID, m, c * 1000 + a)
            row = buf if _adjusted(p[a, c], c, a, m, levers, buf) else p[a, c]
            stay_p = min(max(row[c], 0.0), 1.0)
            leave = binomial(state, n, 1.0 - stay_p)
            if leave == 0:
                continue
            tot[c, a] = n - leave
            total = n
            rest = 1.0 - stay_p
            for k in range(k_all):
                if leave == 0:
                    break
                if k == c:
                    continue
                pk = row[k]
                if k == k_all - 1 or rest <= pk:
                    going = leave
                elif rest <= 0.0:
                    going = 0
                else:
                    going = binomial(state, leave, min(max(pk / rest, 0.0), 1.0))
                leave -= going
                rest -= pk
                if going == 0:
                    continue
                _take_slots(x, c, a, total, going, taken, state)
                total -= going
                if k < n_c:
                    moved_any = True
                    moved[c, k] += going
                    for j in range(n_b):
                        arrived[k, j] += taken[j]
                else:
                    exits[c] += going
                    exit_ages[a] += going
        if moved_any:
            for k in range(n_c):
                for j in range(n_b):
                    x[k, a, j] += arrived[k, j]
                    tot[k, a] += arrived[k, j]
                    arrived[k, j] = 0


@njit(cache=True)
def _age(
    x: np.ndarray, tot: np.ndarray, slot: int, exits: np.ndarray, exit_ages: np.ndarray
) -> None:  # pragma: no cover - compiled
    """Birthdays in ``slot`` for the grid: everyone moves up a year, 17-year-olds leave care."""
    n_c, n_a = tot.shape
    for c in range(n_c):
        exits[c] += x[c, n_a - 1, slot]
        exit_ages[n_a - 1] += x[c, n_a - 1, slot]
        for a in range(n_a - 1, 0, -1):
            tot[c, a] += x[c, a - 1, slot] - x[c, a, slot]
            x[c, a, slot] = x[c, a - 1, slot]
        tot[c, 0] -= x[c, 0, slot]
        x[c, 0, slot] = 0


@njit(cache=True)
def _destination(row: np.ndarray, c: int, u: float) -> int:  # pragma: no cover - compiled
    """The state a uniform ``u`` picks from ``row`` (K probabilities), leaving care (K - 1) by default."""
    k_all = row.shape[0]
    if u < row[c]:
        return c
    u -= row[c]
    for k in range(k_all):
        if k == c:
            continue
        if u < row[k]:
            return k
        u -= row[k]
    return k_all - 1


#: Columns of the recent-entrant arrays (one row per child): ``aged_at`` is the
#: step of a birthday already counted at entry (-1 if none), ``key`` the
#: child's sub-stream key.
_RECENT_COLUMNS = ("category", "age", "slot", "months", "aged_at", "key")


@njit(cache=True)
def _grow(recent: np.ndarray, n: int) -> np.ndarray:  # pragma: no cover - compiled
    bigger = np.empty((2 * recent.shape[0] + 16, recent.shape[1]), dtype=recent.dtype)
    bigger[:n] = recent[:n]
    return bigger


@njit(cache=True, parallel=True)
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
) -> None:  # pragma: no cover - compiled
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
        ``_RECENT_COLUMNS``).
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
    n_s = states.shape[0]
    keep_events = events.shape[0] > 0
    keep_moves = moves.shape[0] > 0
    n_c, n_a, n_b = grid0.shape
    followed = step_of_month.shape[0] - 1
    joins = max(followed, 1)  # whole months in care after which a child joins the grid
    n_steps = scale.shape[1]
    n_l = live_c.shape[0]
    cat, age, slot_col, months_col, aged_col, key_col = 0, 1, 2, 3, 4, 5  # _RECENT_COLUMNS
    for s in prange(n_s):
        base = states[s, 0]
        ps = s % step.shape[0]  # the path's draw of the rates (paths share draws in turn)
        state = np.empty(1, dtype=np.uint64)
        x = grid0.copy()
        tot = np.zeros((n_c, n_a), dtype=grid0.dtype)
        for c in range(n_c):
            for a in range(n_a):
                for j in range(n_b):
                    tot[c, a] += x[c, a, j]
        recent = np.empty((max(64, 2 * recent0.shape[0]), len(_RECENT_COLUMNS)), dtype=np.int64)
        n_recent = recent0.shape[0]
        recent[:n_recent] = recent0
        arrived = np.zeros((n_c, n_b), dtype=grid0.dtype)
        taken = np.zeros(n_b, dtype=grid0.dtype)
        buf = np.empty(n_c + 1)
        by_age = np.zeros((2, n_a), dtype=entries.dtype)  # the month's entries and exits by age
        moved = np.zeros((n_c, n_c), dtype=entries.dtype)  # the month's moves by (from, to)
        _count(tot, recent, n_recent, draws[s, 0])
        for m in range(n_steps):
            out = exits[s, m + 1]
            by_age[:] = 0
            moved[:] = 0
            _transition(
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
                if _adjusted(row, c, a, m, levers, buf):
                    row = buf
                state[0] = substream(base, _CHILD, m, recent[i, key_col])
                dest = _destination(row, c, uniform(state))
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
                    recent[i] = recent[n_recent]
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
                state[0] = substream(base, _ENTRY_COUNT, m, lo)
                n_new = poisson(state, cell_rate)
                for e in range(n_new):
                    state[0] = substream(base, _ENTRANT, m, lo * 100_000 + e)
                    c = live_c[lo]
                    a = live_a[lo]
                    entries[s, m + 1, c] += 1
                    by_age[0, a] += 1
                    dest = c
                    row = half[ps, 0, a, c]
                    stay_here = stay[ps, lo]
                    if _adjusted(row, c, a, m, levers, buf):
                        row = buf
                        stay_here = min(max(row[c], 0.0), 1.0)
                    if uniform(state) >= stay_here:  # moves or leaves within its first half-month
                        dest = _destination(row, c, row[c] + uniform(state) * (1.0 - row[c]))
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
                        recent = _grow(recent, n_recent)
                    recent[n_recent, cat] = dest
                    recent[n_recent, age] = a
                    recent[n_recent, slot_col] = (m + k) % n_b
                    recent[n_recent, months_col] = 0
                    recent[n_recent, aged_col] = m if k == 12 else -1
                    recent[n_recent, key_col] = ((m + 1) * 100_000 + lo) * 100_000 + e
                    n_recent += 1
            # birthdays: everyone in this month's slot moves up a year, 17-year-olds leave care
            slot = m % n_b
            _age(x, tot, slot, out, by_age[1])
            i = 0
            while i < n_recent:
                if recent[i, slot_col] == slot and recent[i, aged_col] != m:
                    recent[i, age] += 1
                    if recent[i, age] == n_a:
                        out[recent[i, cat]] += 1
                        by_age[1, n_a - 1] += 1
                        n_recent -= 1
                        recent[i] = recent[n_recent]
                        continue
                i += 1
            _count(tot, recent, n_recent, draws[s, m + 1])
            if keep_events:
                events[s, m + 1] = by_age
            if keep_moves:
                moves[s, m + 1] = moved


@njit(cache=True)
def _count(
    tot: np.ndarray, recent: np.ndarray, n_recent: int, counts: np.ndarray
) -> None:  # pragma: no cover - compiled
    """Children by (category, age): the grid's totals plus the recent entrants, added to ``counts``.

    ``counts`` with one column gets each category's children of all ages.
    """
    n_c, n_a = tot.shape
    by_age = counts.shape[1] > 1
    for c in range(n_c):
        for a in range(n_a):
            counts[c, a if by_age else 0] += tot[c, a]
    for i in range(n_recent):
        counts[recent[i, 0], recent[i, 1] if by_age else 0] += 1
