"""Compiled steps of a simulated month (numba): moves of the grid's counts, birthdays, one child's fate.

Used by :func:`sufficiency.projection._kernels.simulate_paths`, which holds
the notes on the random streams: each decision draws from a sub-stream keyed
by what it decides (the keys below).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._random import binomial, integer, substream

__all__ = [
    "CHILD",
    "ENTRANT",
    "ENTRY_COUNT",
    "RECENT_COLUMNS",
    "adjusted",
    "birthdays",
    "copy_rows",
    "count_in_care",
    "destination",
    "grow",
    "transition",
]

# keys of the sub-streams (the first part of a key; see module notes)
_GRID, CHILD, ENTRY_COUNT, ENTRANT = 1, 2, 3, 4


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
def adjusted(
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
def transition(
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
            row = buf if adjusted(p[a, c], c, a, m, levers, buf) else p[a, c]
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
def birthdays(
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
def destination(row: np.ndarray, c: int, u: float) -> int:  # pragma: no cover - compiled
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
RECENT_COLUMNS = ("category", "age", "slot", "months", "aged_at", "key")


@njit(cache=True)
def copy_rows(source: np.ndarray, rows: int, target: np.ndarray) -> None:  # pragma: no cover - compiled
    """``target[:rows] = source[:rows]`` for 2-d arrays, element by element.

    The kernels copy arrays in loops: an array assignment makes numba compile
    its shape-mismatch error messages, which took about half of the first
    run's compile time.
    """
    for i in range(rows):
        for j in range(source.shape[1]):
            target[i, j] = source[i, j]


@njit(cache=True)
def grow(recent: np.ndarray, n: int) -> np.ndarray:  # pragma: no cover - compiled
    bigger = np.empty((2 * recent.shape[0] + 16, recent.shape[1]), dtype=recent.dtype)
    copy_rows(recent, n, bigger)
    return bigger


@njit(cache=True)
def count_in_care(
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
