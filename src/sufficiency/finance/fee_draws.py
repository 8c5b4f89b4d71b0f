"""Each simulated path's fees: a heavy tail of very dear placements widens the intervals of small categories."""

from __future__ import annotations

import zlib

import numpy as np

from .pricing import Pricing

__all__ = ["fee_factors"]

#: Bootstrap draws kept per path and cell; larger numbers of placements use the normal approximation.
_FEE_DRAWS = 200


def fee_factors(pr: Pricing, child_days: np.ndarray, year_days: np.ndarray, seed: int | None) -> np.ndarray:
    """Each path's mean fee relative to the pool's mean, for cells priced from fees, carried across years.

    A fee follows its placement: a path that draws dear placements in a
    cell keeps them from year to year, so each path has one factor per cell
    for the whole projection. It is the mean fee of ``k`` placements drawn
    with replacement from the cell's pool, each placement as likely as its
    share of the pool's child-days, over the pool's day-weighted mean; ``k``
    is the path's mean number of children in the cell over the projection
    (child-days ÷ days, at least 1). Above ``_FEE_DRAWS`` the mean of
    ``_FEE_DRAWS`` draws is scaled to the spread of ``k`` (central limit).
    The draws of a cell depend only on ``seed`` and the cell's names, so two
    cost calculations with one seed share them (common random numbers).

    Parameters
    ----------
    pr : Pricing
    child_days : numpy.ndarray
        (simulation, year, category, route) [child-days].
    year_days : numpy.ndarray
        (year,) days of each financial year the projection covers [days].
    seed : int or None

    Returns
    -------
    numpy.ndarray
        (simulation, year, category, route); 1 for cells without fees.
    """
    out = np.ones(child_days.shape)
    if not pr.pools:
        return out
    base = 0 if seed is None else int(seed)
    total_days = float(np.sum(year_days))
    for (cat, route), pool in pr.pools.items():
        if cat not in pr.categories or route not in pr.routes:
            continue
        i, j = pr.categories.index(cat), pr.routes.index(route)
        mean = pool.mean
        if mean <= 0 or total_days <= 0:
            continue
        rng = np.random.default_rng([base, zlib.crc32(cat.encode()), zlib.crc32(route.encode())])
        picks = pool.fees[rng.choice(len(pool.fees), size=(child_days.shape[0], _FEE_DRAWS), p=pool.weights)]
        running = np.cumsum(picks, axis=1) / np.arange(1, _FEE_DRAWS + 1)
        k = np.maximum(np.ceil(child_days[:, :, i, j].sum(axis=1) / total_days), 1).astype(int)
        small = running[np.arange(len(k)), np.minimum(k, _FEE_DRAWS) - 1]
        scaled = mean + (running[:, -1] - mean) * np.sqrt(_FEE_DRAWS / k)
        out[:, :, i, j] = (np.where(k <= _FEE_DRAWS, small, scaled) / mean)[:, None]
    return out
