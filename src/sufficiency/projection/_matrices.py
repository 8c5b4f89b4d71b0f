"""Transition matrices from generators, compiled: matrix exponentials of many small matrices.

The exponential uses scaling and squaring with a degree-8 Taylor polynomial
(Horner form): each matrix is scaled by ``2**-s`` until its infinity norm
is at most 1/8, where the truncation error is below ``(1/8)**9 / 9!``
(about 4e-14), then squared ``s`` times. It agrees with
:func:`scipy.linalg.expm` to about 1e-12 on the generators met here.
Matrices are processed in parallel, in threads (:mod:`sufficiency.common.threads`).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..common.threads import in_chunks

__all__ = ["expm_many", "products"]

_TAYLOR_DEGREE = 8
_TARGET_NORM = 0.125


@njit(cache=True)
def _matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover - compiled
    k = a.shape[0]
    for i in range(k):
        for j in range(k):
            out[i, j] = 0.0
        for m in range(k):
            aim = a[i, m]
            if aim == 0.0:
                continue
            for j in range(k):
                out[i, j] += aim * b[m, j]


@njit(cache=True)
def _expm_into(
    a: np.ndarray, scale: float, out: np.ndarray, x: np.ndarray, work: np.ndarray
) -> None:  # pragma: no cover - compiled
    """``out = expm(scale * a)`` for one square matrix; ``x`` and ``work`` are scratch of the same shape."""
    k = a.shape[0]
    norm = 0.0
    for i in range(k):
        row = 0.0
        for j in range(k):
            row += abs(a[i, j])
        norm = max(norm, row * abs(scale))
    squarings = max(0, math.ceil(math.log2(norm / _TARGET_NORM))) if norm > 0.0 else 0
    factor = scale / 2.0**squarings
    for i in range(k):
        for j in range(k):
            x[i, j] = a[i, j] * factor
            out[i, j] = 1.0 if i == j else 0.0
    for degree in range(_TAYLOR_DEGREE, 0, -1):
        _matmul(x, out, work)
        for i in range(k):
            for j in range(k):
                out[i, j] = (1.0 if i == j else 0.0) + work[i, j] / degree
    for _ in range(squarings):
        _matmul(out, out, work)
        for i in range(k):  # element by element: an array assignment would compile numba's shape-error messages
            for j in range(k):
                out[i, j] = work[i, j]


def expm_many(a: np.ndarray, scale: float) -> np.ndarray:
    """``expm(scale * a[i])`` for a stack ``a`` of shape (n, K, K), in threads."""
    out = np.empty_like(a)
    in_chunks(a.shape[0], lambda first, last: _expm_range(a, scale, out, first, last))
    return out


@njit(cache=True, nogil=True)
def _expm_range(
    a: np.ndarray, scale: float, out: np.ndarray, first: int, last: int
) -> None:  # pragma: no cover - compiled
    k = a.shape[1]
    x = np.empty((k, k))
    work = np.empty((k, k))
    for i in range(first, last):
        _expm_into(a[i], scale, out[i], x, work)


def products(half: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """``half[i, first[j], a] @ half[i, second[j], a]`` for every i, j, a, in threads.

    ``half`` has shape (n, bands, ages, K, K); the result (n, len(first), ages, K, K).
    """
    n, _, n_a, k, _ = half.shape
    out = np.empty((n, first.shape[0], n_a, k, k))
    in_chunks(n, lambda lo, hi: _products_range(half, first, second, out, lo, hi))
    return out


@njit(cache=True, nogil=True)
def _products_range(
    half: np.ndarray, first: np.ndarray, second: np.ndarray, out: np.ndarray, lo: int, hi: int
) -> None:  # pragma: no cover - compiled
    n_a = half.shape[2]
    for i in range(lo, hi):
        for j in range(first.shape[0]):
            for a in range(n_a):
                _matmul(half[i, first[j], a], half[i, second[j], a], out[i, j, a])
