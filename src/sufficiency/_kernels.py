"""Compiled inner loop of the Monte Carlo projection (numba).

Simulations run in parallel (``prange``); each draws from its own random
stream (:mod:`._random`), so the paths for a seed do not depend on the number
of threads.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from ._random import binomial, integer, poisson, uniform


@njit(cache=True)
def _take_slots(x: np.ndarray, c: int, a: int, total: int, m: int, taken: np.ndarray, state: np.ndarray) -> None:  # pragma: no cover - compiled
    """Draw ``m`` of the ``total`` children in cell (c, a) without replacement.

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
def _transition(x: np.ndarray, p: np.ndarray, exits: np.ndarray, arrived: np.ndarray, taken: np.ndarray, state: np.ndarray) -> None:  # pragma: no cover - compiled
    """Move one simulation's children one month, in place.

    ``x`` is (category, age, birthday slot) [children]; ``p`` the month's
    transition matrices (age, K, K), K = categories + 1 with leaving care
    last; ``exits`` (category) is incremented. Each occupied cell draws how
    many stay (one binomial), sends the others to destinations by sequential
    binomials, and picks which birthday slots the movers come from without
    replacement, so every child keeps its own birthday.
    """
    n_c, n_a, n_b = x.shape
    k_all = n_c + 1
    for a in range(n_a):
        moved_any = False
        for c in range(n_c):
            n = 0
            for j in range(n_b):
                n += x[c, a, j]
            if n == 0:
                continue
            stay_p = min(max(p[a, c, c], 0.0), 1.0)
            leave = binomial(state, n, 1.0 - stay_p)
            if leave == 0:
                continue
            total = n
            rest = 1.0 - stay_p
            for k in range(k_all):
                if leave == 0:
                    break
                if k == c:
                    continue
                pk = p[a, c, k]
                if k == k_all - 1 or rest <= pk:
                    m = leave
                elif rest <= 0.0:
                    m = 0
                else:
                    m = binomial(state, leave, min(max(pk / rest, 0.0), 1.0))
                leave -= m
                rest -= pk
                if m == 0:
                    continue
                _take_slots(x, c, a, total, m, taken, state)
                total -= m
                if k < n_c:
                    moved_any = True
                    for j in range(n_b):
                        arrived[k, j] += taken[j]
                else:
                    exits[c] += m
        if moved_any:
            for k in range(n_c):
                for j in range(n_b):
                    x[k, a, j] += arrived[k, j]
                    arrived[k, j] = 0


@njit(cache=True)
def _enter(x: np.ndarray, c: int, a: int, stayers: int, movers: int, half: np.ndarray, exits: np.ndarray, state: np.ndarray) -> None:  # pragma: no cover - compiled
    """Add one cell's entrants: stayers keep their first placement ``c``,
    movers take a destination from the half-month matrix row (excluding
    ``c``); each gets a uniformly drawn birthday slot."""
    n_c, n_b = x.shape[0], x.shape[2]
    for _ in range(stayers):
        x[c, a, integer(state, n_b)] += 1
    for _ in range(movers):
        u = uniform(state) * (1.0 - half[a, c, c])
        dest = n_c
        for k in range(n_c + 1):
            if k == c:
                continue
            pk = half[a, c, k]
            if u < pk:
                dest = k
                break
            u -= pk
        if dest < n_c:
            x[dest, a, integer(state, n_b)] += 1
        else:
            exits[c] += 1


@njit(cache=True, parallel=True)
def simulate_paths(
    x0: np.ndarray,
    step: np.ndarray,
    half: np.ndarray,
    rate: np.ndarray,
    stay: np.ndarray,
    mix_z: np.ndarray,
    live_c: np.ndarray,
    live_a: np.ndarray,
    scale: np.ndarray,
    ahead: np.ndarray,
    sigma: float,
    states: np.ndarray,
    draws: np.ndarray,
    entries: np.ndarray,
    exits: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Run every simulated path month by month, filling the output arrays.

    Parameters
    ----------
    x0 : numpy.ndarray
        Stock at the start by (category, age, birthday slot) [children].
    step, half : numpy.ndarray
        Month and half-month transition matrices by (simulation, age, K, K).
    rate : numpy.ndarray
        Monthly entry rate of each live (category, age) cell by
        (simulation, cell) [children/month].
    stay : numpy.ndarray
        Probability an entrant stays in its first placement to the month end
        (half a month of hazards), by (simulation, cell).
    mix_z : numpy.ndarray
        Standard normal of each cell's entry-mix random walk by (simulation, cell).
    live_c, live_a : numpy.ndarray
        Category and age of each live cell.
    scale : numpy.ndarray
        Entry multiplier (trend, population, monthly shock) by (simulation, step).
    ahead : numpy.ndarray
        Years from the window's end to each step's middle.
    sigma : float
        Spread of the entry-mix random walk [log per sqrt(year)].
    states : numpy.ndarray
        Random stream of each simulation, (simulation, 1) ``uint64``; advanced.
    draws : numpy.ndarray
        Output stock by (simulation, date, category, age) [children].
    entries, exits : numpy.ndarray
        Output entries (by first placement) and exits (all reasons) by
        (simulation, date, category) [children].
    """
    n_s = states.shape[0]
    n_c, n_a, n_b = x0.shape
    n_steps = scale.shape[1]
    n_l = live_c.shape[0]
    for s in prange(n_s):
        state = states[s]
        x = x0.copy()
        arrived = np.zeros((n_c, n_b), dtype=x0.dtype)
        taken = np.zeros(n_b, dtype=x0.dtype)
        _count(x, draws[s, 0])
        for m in range(n_steps):
            out = exits[s, m + 1]
            _transition(x, step[s], out, arrived, taken, state)
            drift = sigma * math.sqrt(ahead[m])
            for i in range(n_l):
                lam = rate[s, i] * scale[s, m] * math.exp(drift * mix_z[s, i] - drift * drift / 2.0)
                stayers = poisson(state, lam * stay[s, i])
                movers = poisson(state, lam * (1.0 - stay[s, i]))
                c = live_c[i]
                entries[s, m + 1, c] += stayers + movers
                _enter(x, c, live_a[i], stayers, movers, half[s], out, state)
            slot = m % n_b  # the slot whose birthdays fall in this month
            for c in range(n_c):  # birthdays: 17-year-olds leave care
                out[c] += x[c, n_a - 1, slot]
                for a in range(n_a - 1, 0, -1):
                    x[c, a, slot] = x[c, a - 1, slot]
                x[c, 0, slot] = 0
            _count(x, draws[s, m + 1])


@njit(cache=True)
def _count(x: np.ndarray, counts: np.ndarray) -> None:  # pragma: no cover - compiled
    """Sum the birthday slots of ``x`` (category, age, slot) into ``counts`` (category, age)."""
    n_c, n_a, n_b = x.shape
    for c in range(n_c):
        for a in range(n_a):
            total = 0
            for j in range(n_b):
                total += x[c, a, j]
            counts[c, a] = total
