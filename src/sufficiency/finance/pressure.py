"""Why spend changes between two financial years: volume, price and mix.

For every simulated path the cost of year ``a`` and year ``b`` is written
as ``C = Q × Σ s_i p_i`` over the (category, route) cells ``i``: ``Q`` the
child-weeks of care, ``s_i`` each cell's share of them and ``p_i`` its
price per child-week (cost ÷ child-weeks; the year's unit price for a cell
with no children). The change ``C_b - C_a`` is split into

* **volume**: more or fewer children (``Q``),
* **mix**: a shift between cells, such as from fostering to residential
  care or from framework to spot purchase (``s``),
* **price**: inflation and changes in the fees paid (``p``),

by the Shapley value of the three factors: each factor's effect is its
change's contribution averaged over the six orders in which the factors
can be changed one at a time. The three effects add up exactly to the
change in every path and in every category (the split is linear, so a
category's effects are those of its own cells), and unlike a log-mean
Divisia index it needs no special case for cells with no cost, such as
placements with parents.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..common import schema as S
from .costs import CostProjection
from .months import DAYS_PER_WEEK

__all__ = ["EFFECTS", "cost_pressure", "pressure_draws"]

EFFECTS = ("volume", "price", "mix", "total")


def pressure_draws(costs: CostProjection, from_year: str, to_year: str) -> dict[str, np.ndarray]:
    """Each path's volume, price and mix effects by category.

    Parameters
    ----------
    costs : CostProjection
    from_year, to_year : str
        Financial year labels such as ``"2025-26"``.

    Returns
    -------
    dict of str to numpy.ndarray
        ``{effect: (simulation, category)}`` [£] for the effects in
        :data:`EFFECTS`; ``volume + price + mix == total`` exactly.
    """
    years = list(costs.financial_years)
    for label in (from_year, to_year):
        if label not in years:
            raise ValueError(f"financial year {label!r} is not in the cost projection (it has {', '.join(years)})")
    a, b = years.index(from_year), years.index(to_year)
    q = costs.child_days[:, [a, b]] / DAYS_PER_WEEK  # (S, 2, C, R) child-weeks
    c = costs.draws[:, [a, b]]
    unit = np.nan_to_num(costs.weekly_price[[a, b]])[None]  # cells with no price have no children either
    p = np.divide(c, q, out=np.broadcast_to(unit, c.shape).copy(), where=q > 0)
    big_q = q.sum(axis=(2, 3))  # (S, 2)
    s = np.divide(q, big_q[:, :, None, None], out=np.zeros_like(q), where=big_q[:, :, None, None] > 0)

    def f(x: int, y: int, z: int) -> np.ndarray:
        """Cell costs with volume from year x, mix from year y and prices from year z: (S, C, R)."""
        return big_q[:, x, None, None] * s[:, y] * p[:, z]

    def shapley(vary: int) -> np.ndarray:
        """Contribution of factor ``vary`` (0 volume, 1 mix, 2 price), Shapley-weighted over the other two."""
        total = np.zeros(c.shape[:1] + c.shape[2:])
        for others, weight in (((0, 0), 2), ((1, 0), 1), ((0, 1), 1), ((1, 1), 2)):
            hi, lo = [0, 0, 0], [0, 0, 0]
            rest = [k for k in range(3) if k != vary]
            for k, level in zip(rest, others):
                hi[k] = lo[k] = level
            hi[vary], lo[vary] = 1, 0
            total += weight * (f(*hi) - f(*lo))
        return total / 6.0

    volume, mix, price = shapley(0), shapley(1), shapley(2)
    total = c[:, 1] - c[:, 0]
    return {
        "volume": volume.sum(axis=2),
        "price": price.sum(axis=2),
        "mix": mix.sum(axis=2),
        "total": total.sum(axis=2),
    }


def cost_pressure(costs: CostProjection, from_year: str, to_year: str, *, level: Sequence[int] = (80,)) -> pd.DataFrame:
    """Split the change in spend between two financial years into volume, price and mix effects.

    Parameters
    ----------
    costs : CostProjection
        From :func:`sufficiency.cost` (or a scenario's costs).
    from_year, to_year : str
        Financial years, e.g. ``"2025-26"`` and ``"2028-29"``.
    level : sequence of int
        Central interval levels [%].

    Returns
    -------
    pandas.DataFrame
        ``from_year``, ``to_year``, ``effect`` (``"volume"``, ``"price"``,
        ``"mix"``, ``"total"``), ``placement`` (each category, and
        ``"all"``), ``mean``, ``median``, ``lower_<L>``, ``upper_<L>`` [£].
        The effects add up to the total in every path, so their means add
        up to the mean total (intervals do not add up).

    Raises
    ------
    ValueError
        If a year is not in the projection.
    """
    draws = pressure_draws(costs, from_year, to_year)
    rows = []
    for effect in EFFECTS:
        by_cat = draws[effect]
        for name, values in [*zip(costs.categories, by_cat.T), ("all", by_cat.sum(axis=1))]:
            row = {
                "from_year": from_year,
                "to_year": to_year,
                "effect": effect,
                S.PLACEMENT: name,
                "mean": values.mean(),
                "median": np.median(values),
            }
            for lv in level:
                row[f"lower_{lv}"], row[f"upper_{lv}"] = np.percentile(values, [50 - lv / 2, 50 + lv / 2])
            rows.append(row)
    return pd.DataFrame(rows)
