"""Random variates for the compiled kernels: one independent stream per simulation.

Each simulation owns a 64-bit SplitMix64 state (Steele, Lea and Flood,
"Fast splittable pseudorandom number generators", OOPSLA 2014), so paths can
be drawn on several threads and still be the same for a seed whatever the
number of threads. A state is a one-element ``uint64`` array, advanced in
place.

The samplers are exact (up to floating point):

- uniform on [0, 1) from the top 53 bits;
- standard normal by the Box-Muller transform;
- gamma by Marsaglia and Tsang (ACM TOMS 26(3), 2000), with the
  ``U ** (1 / a)`` boost for shapes below one;
- binomial by inversion (Kachitvichyanukul and Schmeiser, 1988, algorithm
  BINV) when ``n · min(p, 1 - p)`` is below ``_INVERSION_MEAN``, otherwise by
  splitting at the median order statistic, which is Beta distributed, until
  it is (Knuth, TAOCP vol. 2, 3.4.1);
- Poisson by inversion for means below ``_INVERSION_MEAN``, otherwise by
  splitting with gamma arrival times (Ahrens and Dieter, 1974).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..common.threads import in_chunks

__all__ = ["binomial", "gamma", "gamma_draws", "integer", "normal", "poisson", "streams", "substream", "uniform"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TWO_53 = 1.0 / 9007199254740992.0
#: Means at or above this use splitting instead of inversion; inversion's
#: first term ``(1 - p) ** n`` then stays above about 1e-18.
_INVERSION_MEAN = 30.0


def streams(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` independent stream states drawn from ``rng``: shape (n, 1), ``uint64``."""
    return rng.integers(0, np.iinfo(np.uint64).max, size=(n, 1), dtype=np.uint64, endpoint=True)


@njit(cache=True, inline="always")
def _next_u64(state: np.ndarray) -> np.uint64:  # pragma: no cover - compiled
    """Advance ``state`` and return 64 random bits (SplitMix64)."""
    z = state[0] + _GOLDEN
    state[0] = z
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


_KEY1 = np.uint64(0xD1B54A32D192ED03)
_KEY2 = np.uint64(0xAEF17502108EF2D9)
_KEY3 = np.uint64(0x8CB92BA72F3D8DD7)


@njit(cache=True, inline="always")
def substream(base: np.uint64, a: int, b: int, c: int) -> np.uint64:  # pragma: no cover - compiled
    """The state of the sub-stream keyed ``(a, b, c)`` of a simulation whose stream state is ``base``.

    Keyed streams let the same decision (a month's moves of one cell, one
    child's fate) draw the same random numbers in two runs even when other
    decisions differ, which is what keeps a scenario's paths coupled to the
    baseline's (common random numbers).
    """
    z = base ^ (np.uint64(a) * _KEY1) ^ (np.uint64(b) * _KEY2) ^ (np.uint64(c) * _KEY3)
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@njit(cache=True, inline="always")
def uniform(state: np.ndarray) -> float:  # pragma: no cover - compiled
    """Uniform on [0, 1)."""
    return float(_next_u64(state) >> _S11) * _TWO_53


@njit(cache=True, inline="always")
def integer(state: np.ndarray, n: int) -> int:  # pragma: no cover - compiled
    """Uniform on {0, ..., n - 1}."""
    return min(int(uniform(state) * n), n - 1)


@njit(cache=True)
def normal(state: np.ndarray) -> float:  # pragma: no cover - compiled
    """Standard normal (Box-Muller; one of the pair is used)."""
    u1 = 1.0 - uniform(state)  # (0, 1]
    u2 = uniform(state)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


@njit(cache=True)
def gamma(state: np.ndarray, shape: float) -> float:  # pragma: no cover - compiled
    """Gamma with unit scale (Marsaglia-Tsang)."""
    if shape <= 0.0:
        return 0.0
    boost = 1.0
    if shape < 1.0:
        boost = (1.0 - uniform(state)) ** (1.0 / shape)
        shape += 1.0
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = normal(state)
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        u = 1.0 - uniform(state)
        if u < 1.0 - 0.0331 * x**4 or math.log(u) < 0.5 * x * x + d * (1.0 - v + math.log(v)):
            return d * v * boost


@njit(cache=True)
def _power(x: float, n: int) -> float:  # pragma: no cover - compiled
    """``x ** n`` for a whole ``n >= 0`` by repeated squaring (far cheaper than ``pow``)."""
    result = 1.0
    while n > 0:
        if n & 1:
            result *= x
        x *= x
        n >>= 1
    return result


@njit(cache=True)
def _binomial_inversion(state: np.ndarray, n: int, p: float) -> int:  # pragma: no cover - compiled
    """Binomial by sequential search from zero (small ``n · min(p, 1 - p)``)."""
    flip = p > 0.5
    if flip:
        p = 1.0 - p
    q = 1.0 - p
    s = p / q
    a = (n + 1) * s
    first = _power(q, n)
    r = first
    u = uniform(state)
    x = 0
    while u > r:
        u -= r
        x += 1
        if x > n:  # rounding left u above the whole mass: draw again
            u = uniform(state)
            x = 0
            r = first
            continue
        r *= a / x - s
    return n - x if flip else x


@njit(cache=True, inline="always")
def binomial(state: np.ndarray, n: int, p: float) -> int:  # pragma: no cover - compiled
    """Binomial(n, p) successes (single trials inline, the rest by :func:`_binomial`)."""
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    if n == 1:
        return 1 if uniform(state) < p else 0
    return _binomial(state, n, p)


@njit(cache=True)
def _binomial(state: np.ndarray, n: int, p: float) -> int:  # pragma: no cover - compiled
    k = 0
    while True:
        if n <= 0 or p <= 0.0:
            return k
        if p >= 1.0:
            return k + n
        if n * min(p, 1.0 - p) < _INVERSION_MEAN:
            return k + _binomial_inversion(state, n, p)
        # the a-th smallest of n uniforms is Beta(a, n + 1 - a)
        a = n // 2 + 1
        b = n + 1 - a
        ga = gamma(state, a)
        x = ga / (ga + gamma(state, b))
        if x >= p:
            n = a - 1
            p = p / x
        else:
            k += a
            n = b - 1
            p = (p - x) / (1.0 - x)


@njit(cache=True)
def poisson(state: np.ndarray, mean: float) -> int:  # pragma: no cover - compiled
    """Poisson count with the given mean."""
    k = 0
    while mean >= _INVERSION_MEAN:
        m = int(mean * 0.875)
        arrival = gamma(state, m)  # time of the m-th event of a unit-rate process
        if arrival >= mean:
            return k + binomial(state, m - 1, mean / arrival)
        k += m
        mean -= arrival
    if mean <= 0.0:
        return k
    first = math.exp(-mean)
    while True:
        p = first
        total = p
        u = uniform(state)
        x = 0
        while u > total and x < 1000:
            x += 1
            p *= mean / x
            total += p
        if u <= total:
            return k + x


def gamma_draws(shape: np.ndarray, rate: np.ndarray, states: np.ndarray) -> np.ndarray:
    """Gamma(shape, rate) draws of every cell for each stream: (streams, cells), in threads.

    ``shape`` and ``rate`` are flat (cells,); a cell with shape 0 gives 0.
    """
    out = np.empty((states.shape[0], shape.shape[0]))
    in_chunks(states.shape[0], lambda first, last: _gamma_range(shape, rate, states, out, first, last))
    return out


@njit(cache=True, nogil=True)
def _gamma_range(
    shape: np.ndarray, rate: np.ndarray, states: np.ndarray, out: np.ndarray, first: int, last: int
) -> None:  # pragma: no cover - compiled
    for s in range(first, last):
        state = states[s]
        for i in range(shape.shape[0]):
            out[s, i] = gamma(state, shape[i]) / rate[i] if shape[i] > 0.0 else 0.0
