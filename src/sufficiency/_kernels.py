"""Compiled inner loop of the Monte Carlo projection (numba)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def seed_kernels(seed: int) -> None:  # pragma: no cover - compiled
    """Seed the random stream the compiled kernels draw from."""
    np.random.seed(seed)


@njit(cache=True)
def _take_slots(x: np.ndarray, s: int, c: int, a: int, total: int, m: int, taken: np.ndarray) -> None:  # pragma: no cover - compiled
    """Draw ``m`` of the ``total`` children in cell (s, c, a) without replacement.

    ``taken`` receives how many come from each birthday slot; the cell is
    reduced accordingly. Children are picked one at a time (``m`` is small).
    """
    n_b = x.shape[3]
    for j in range(n_b):
        taken[j] = 0
    for _ in range(m):
        r = np.random.randint(total)
        for j in range(n_b):
            here = x[s, c, a, j]
            if r < here:
                x[s, c, a, j] = here - 1
                taken[j] += 1
                break
            r -= here
        total -= 1


@njit(cache=True)
def transition_step(x: np.ndarray, p: np.ndarray, exits: np.ndarray) -> None:  # pragma: no cover - compiled
    """Move every simulated child one month, in place.

    Parameters
    ----------
    x : numpy.ndarray
        Counts (simulation, category, age, birthday slot) [children]; updated.
    p : numpy.ndarray
        Transition matrices (simulation, age, K, K), K = categories + 1 with
        leaving care last.
    exits : numpy.ndarray
        (simulation, category) exits; incremented.

    Each occupied (simulation, category, age) cell draws how many stay (one
    binomial), sends the others to destinations by sequential binomials, and
    picks which birthday slots the movers come from without replacement, so
    every child keeps its own birthday.
    """
    n_s, n_c, n_a, n_b = x.shape
    k_all = n_c + 1
    arrived = np.zeros((n_c, n_b), dtype=x.dtype)
    taken = np.zeros(n_b, dtype=x.dtype)
    for s in range(n_s):
        for a in range(n_a):
            moved_any = False
            for c in range(n_c):
                n = 0
                for j in range(n_b):
                    n += x[s, c, a, j]
                if n == 0:
                    continue
                stay_p = min(max(p[s, a, c, c], 0.0), 1.0)
                leave = n - np.random.binomial(n, stay_p)
                if leave == 0:
                    continue
                total = n
                rest = 1.0 - stay_p
                for k in range(k_all):
                    if leave == 0:
                        break
                    if k == c:
                        continue
                    pk = p[s, a, c, k]
                    if k == k_all - 1 or rest <= pk:
                        m = leave
                    elif rest <= 0.0:
                        m = 0
                    else:
                        m = np.random.binomial(leave, min(max(pk / rest, 0.0), 1.0))
                    leave -= m
                    rest -= pk
                    if m == 0:
                        continue
                    _take_slots(x, s, c, a, total, m, taken)
                    total -= m
                    if k < n_c:
                        moved_any = True
                        for j in range(n_b):
                            arrived[k, j] += taken[j]
                    else:
                        exits[s, c] += m
            if moved_any:
                for k in range(n_c):
                    for j in range(n_b):
                        x[s, k, a, j] += arrived[k, j]
                        arrived[k, j] = 0


@njit(cache=True)
def add_entries(
    x: np.ndarray,
    stayers: np.ndarray,
    movers: np.ndarray,
    live_c: np.ndarray,
    live_a: np.ndarray,
    half: np.ndarray,
    entries: np.ndarray,
    exits: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Add a month's entrants to ``x`` (simulation, category, age, slot), in place.

    ``stayers`` and ``movers`` (simulation, live cell) count entrants who
    stay in their first placement to the month end and those who move or
    leave within it; each entrant gets a uniformly drawn birthday slot, and
    each mover a destination from the half-month matrices ``half``
    (simulation, age, K, K) excluding its first placement. ``entries``
    (simulation, category of first placement) and ``exits`` (simulation,
    category) are incremented.
    """
    n_s, n_l = stayers.shape
    n_c, n_b = x.shape[1], x.shape[3]
    for s in range(n_s):
        for i in range(n_l):
            c = live_c[i]
            a = live_a[i]
            for _ in range(stayers[s, i]):
                x[s, c, a, np.random.randint(n_b)] += 1
            entries[s, c] += stayers[s, i] + movers[s, i]
            for _ in range(movers[s, i]):
                rest = 1.0 - half[s, a, c, c]
                u = np.random.random() * rest
                dest = n_c
                for k in range(n_c + 1):
                    if k == c:
                        continue
                    pk = half[s, a, c, k]
                    if u < pk:
                        dest = k
                        break
                    u -= pk
                if dest < n_c:
                    x[s, dest, a, np.random.randint(n_b)] += 1
                else:
                    exits[s, c] += 1


@njit(cache=True)
def age_and_count(x: np.ndarray, slot: int, aged_out: np.ndarray, counts: np.ndarray) -> None:  # pragma: no cover - compiled
    """Age the children in birthday ``slot`` (17-year-olds leave) and count by age.

    ``x`` (simulation, category, age, slot) is updated in place;
    ``aged_out`` (simulation, category) is incremented and ``counts``
    (simulation, category, age) receives the new stock.
    """
    n_s, n_c, n_a, n_b = x.shape
    for s in range(n_s):
        for c in range(n_c):
            aged_out[s, c] += x[s, c, n_a - 1, slot]
            for a in range(n_a - 1, 0, -1):
                x[s, c, a, slot] = x[s, c, a - 1, slot]
            x[s, c, 0, slot] = 0
            for a in range(n_a):
                total = 0
                for j in range(n_b):
                    total += x[s, c, a, j]
                counts[s, c, a] = total
