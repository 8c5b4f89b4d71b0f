"""Each simulated path's fees: a heavy tail of very dear placements widens the intervals of small categories."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

from .pricing import Pricing

__all__ = ["fee_factors"]

#: Bootstrap draws kept per path, year and cell; larger numbers of child-years use the normal approximation.
_FEE_DRAWS = 200


def fee_factors(pr: Pricing, years: Sequence[str], child_days: np.ndarray, seed: int | None) -> np.ndarray:
    """Each path's mean fee relative to the pool's mean, for cells priced from fees.

    The fees of ``k`` placements, ``k`` = the path's child-years in the cell
    and year (at least 1), are drawn with replacement from the cell's pool;
    above ``_FEE_DRAWS`` the mean of ``_FEE_DRAWS`` draws is scaled to the
    spread of ``k`` (central limit). The draws of a (cell, year) depend only
    on ``seed`` and the cell's and year's names, so two cost calculations
    with one seed share them (common random numbers).

    Returns
    -------
    numpy.ndarray
        (simulation, year, category, route); 1 for cells without fees.
    """
    out = np.ones(child_days.shape)
    if not pr.pools:
        return out
    base = 0 if seed is None else int(seed)
    for (cat, route), pool in pr.pools.items():
        if cat not in pr.categories or route not in pr.routes:
            continue
        i, j = pr.categories.index(cat), pr.routes.index(route)
        mean = pool.mean()
        if mean <= 0:
            continue
        for f, label in enumerate(years):
            key = [base, zlib.crc32(cat.encode()), zlib.crc32(route.encode()), zlib.crc32(label.encode())]
            rng = np.random.default_rng(key)
            picks = pool[rng.integers(0, len(pool), size=(child_days.shape[0], _FEE_DRAWS))]
            running = np.cumsum(picks, axis=1) / np.arange(1, _FEE_DRAWS + 1)
            k = np.maximum(np.ceil(child_days[:, f, i, j] / 365.25), 1).astype(int)
            small = running[np.arange(len(k)), np.minimum(k, _FEE_DRAWS) - 1]
            scaled = mean + (running[:, -1] - mean) * np.sqrt(_FEE_DRAWS / k)
            out[:, f, i, j] = np.where(k <= _FEE_DRAWS, small, scaled) / mean
    return out
