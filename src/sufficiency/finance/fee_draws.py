"""Each simulated path's fees: a heavy tail of very dear placements widens the intervals of small categories."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from .pricing import FeePool, Pricing

__all__ = ["FeeDraws", "fee_factors"]

#: Bootstrap draws kept per path and cell; larger numbers of placements use the normal approximation.
_FEE_DRAWS = 200


@dataclass(frozen=True)
class FeeDraws:
    """The fee picks of a seed, drawn once and reused by every cost that shares the seed.

    The picks of a cell depend only on the seed, the cell's names, its pool
    and the number of paths, so a baseline and its scenarios (priced with
    one seed for common random numbers) can share one ``FeeDraws`` rather
    than draw the same picks again for each.

    Attributes
    ----------
    seed : int or None
    """

    seed: int | None
    _picks: dict[tuple[str, str, int], tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _means: dict[tuple[str, str, int], tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def running_means(
        self, category: str, route: str, pool: FeePool, n_paths: int, *, picks: int = _FEE_DRAWS
    ) -> np.ndarray:
        """(path, pick) mean of each path's first 1, 2, ... ``picks`` picks from the pool [£/week].

        Which placements are picked depends on the pool's weights only, so
        it is drawn once and serves the pool scaled (to an outturn) as well.
        A cell whose paths hold few children needs only their first few
        picks' means (``picks``, at most ``_FEE_DRAWS``).
        """
        key = (category, route, int(n_paths))
        kept = self._picks.get(key)
        if kept is None or not np.array_equal(kept[0], pool.weights):
            base = 0 if self.seed is None else int(self.seed)
            rng = np.random.default_rng([base, zlib.crc32(category.encode()), zlib.crc32(route.encode())])
            kept = (pool.weights, rng.choice(len(pool.fees), size=(n_paths, _FEE_DRAWS), p=pool.weights))
            self._picks[key] = kept
            self._means.pop(key, None)
        # a baseline and its scenarios price with the same pools: the means are worked out once (the first
        # picks' means of a longer run are the same numbers)
        means = self._means.get(key)
        if means is None or means[1].shape[1] < picks or not np.array_equal(means[0], pool.fees):
            means = (pool.fees, np.cumsum(pool.fees[kept[1][:, :picks]], axis=1) / np.arange(1, picks + 1))
            self._means[key] = means
        return means[1][:, :picks]


def fee_factors(pr: Pricing, child_days: np.ndarray, year_days: np.ndarray, seed: int | None | FeeDraws) -> np.ndarray:
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
    seed : int, None or FeeDraws
        The seed, or the picks already drawn for it.

    Returns
    -------
    numpy.ndarray
        (simulation, year, category, route); 1 for cells without fees.
    """
    out = np.ones(child_days.shape)
    if not pr.pools:
        return out
    draws = seed if isinstance(seed, FeeDraws) else pr.fee_draws.setdefault(seed, FeeDraws(seed))
    total_days = float(np.sum(year_days))
    for (cat, route), pool in pr.pools.items():
        if cat not in pr.categories or route not in pr.routes:
            continue
        i, j = pr.categories.index(cat), pr.routes.index(route)
        mean = pool.mean
        if mean <= 0 or total_days <= 0:
            continue
        k = np.maximum(np.ceil(child_days[:, :, i, j].sum(axis=1) / total_days), 1).astype(int)
        # the means up to the most children any path holds: all the picks only when some path holds more
        running = draws.running_means(cat, route, pool, child_days.shape[0], picks=min(int(k.max()), _FEE_DRAWS))
        small = running[np.arange(len(k)), np.minimum(k, _FEE_DRAWS) - 1]
        scaled = mean + (running[:, -1] - mean) * np.sqrt(_FEE_DRAWS / k)
        out[:, :, i, j] = (np.where(k <= _FEE_DRAWS, small, scaled) / mean)[:, None]
    return out
