"""Why spend changes between two financial years: volume, price and mix.

Two views, both adding up exactly to the change in every path and every
category:

* ``"budget"`` (the default): the budget-variance view finance reads. Each
  category's **volume** is its own change in child-weeks at last year's
  average price of the category; its **price** is the change in each
  route's price at this year's child-weeks; its **mix** is the shift
  between its routes (framework to spot, say) at last year's route prices.
  A category whose children do not change shows no volume, however much
  another category grows. For category ``k`` with child-weeks ``q``, route
  shares ``s_r`` of them and route prices ``p_r`` (``a`` last year, ``b``
  this year)::

      volume = (q_b - q_a) * sum_r s_ar p_ar
      price  = q_b * sum_r s_br (p_br - p_ar)
      mix    = q_b * sum_r (s_br - s_ar) p_ar

* ``"shapley"``: the cost of each year as ``C = Q × Σ s_i p_i`` over every
  (category, route) cell ``i`` with ``Q`` all child-weeks of care, split by
  the Shapley value of the three factors (each factor's change averaged
  over the six orders of changing them one at a time). Here **mix** is the
  shift between categories as well as routes, so a category's own growth
  shows partly as mix; the whole council's split is the one to read.

A cell's price is its cost ÷ child-weeks (the year's unit price for a cell
with no children). Both years must be whole financial years: a part year's
spend is not comparable with a full year's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..common import schema as S
from .costs import CostProjection
from .months import DAYS_PER_WEEK

__all__ = ["EFFECTS", "PRESSURE_VIEWS", "cost_pressure", "pressure_draws"]

EFFECTS = ("volume", "price", "mix", "total")
#: The ways :func:`cost_pressure` splits a change (see the module notes).
PRESSURE_VIEWS = ("budget", "shapley")


def pressure_draws(
    costs: CostProjection, from_year: str, to_year: str, *, view: str = "budget"
) -> dict[str, np.ndarray]:
    """Each path's volume, price and mix effects by category.

    Parameters
    ----------
    costs : CostProjection
    from_year, to_year : str
        Financial year labels such as ``"2025-26"``, each covered in full.
    view : {"budget", "shapley"}
        See the module notes.

    Returns
    -------
    dict of str to numpy.ndarray
        ``{effect: (simulation, category)}`` [£] for the effects in
        :data:`EFFECTS`; ``volume + price + mix == total`` exactly.

    Raises
    ------
    ValueError
        If a year is not in the projection or is covered only in part,
        ``to_year`` is not after ``from_year``, or the view is unknown.
    """
    if view not in PRESSURE_VIEWS:
        raise ValueError(f"unknown view {view!r}; use one of {', '.join(PRESSURE_VIEWS)}")
    years = list(costs.financial_years)
    for label in (from_year, to_year):
        if label not in years:
            raise ValueError(f"financial year {label!r} is not in the cost projection (it has {', '.join(years)})")
    part = [label for label in (from_year, to_year) if not costs.complete[years.index(label)]]
    if part:
        whole = [y for y, ok in zip(years, costs.complete) if ok]
        raise ValueError(
            f"{' and '.join(part)} {'is' if len(part) == 1 else 'are'} covered only in part "
            f"({', '.join(str(int(costs.days[years.index(y)])) + ' days' for y in part)}): a part year's spend is not "
            f"comparable with a whole year's; compare whole years ({', '.join(whole) or 'none in this projection'})"
        )
    a, b = years.index(from_year), years.index(to_year)
    if b <= a:
        raise ValueError(
            f"to_year {to_year} must come after from_year {from_year}: the pressure is how spend grows from the one to "
            "the other"
        )
    q = costs.child_days[:, [a, b]] / DAYS_PER_WEEK  # (S, 2, C, R) child-weeks
    c = costs.draws[:, [a, b]]
    unit = np.nan_to_num(costs.weekly_price[[a, b]])[None]  # cells with no price have no children either
    p = np.divide(c, q, out=np.broadcast_to(unit, c.shape).copy(), where=q > 0)
    total = c[:, 1] - c[:, 0]
    if view == "budget":
        return _budget_view(q, p, total)
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
    return {
        "volume": volume.sum(axis=2),
        "price": price.sum(axis=2),
        "mix": mix.sum(axis=2),
        "total": total.sum(axis=2),
    }


def _budget_view(q: np.ndarray, p: np.ndarray, total: np.ndarray) -> dict[str, np.ndarray]:
    """Budget-variance effects by category from child-weeks ``q`` and prices ``p``, each (S, 2, C, R)."""
    qk = q.sum(axis=3)  # (S, 2, C) each category's child-weeks
    share = np.divide(q, qk[..., None], out=np.zeros_like(q), where=qk[..., None] > 0)  # route shares in the category
    # a category with no children last year takes this year's route mix for last year's average price
    share_a = np.where(qk[:, 0, :, None] > 0, share[:, 0], share[:, 1])
    volume = (qk[:, 1] - qk[:, 0]) * (share_a * p[:, 0]).sum(axis=2)
    price = qk[:, 1] * (share[:, 1] * (p[:, 1] - p[:, 0])).sum(axis=2)
    mix = qk[:, 1] * ((share[:, 1] - share_a) * p[:, 0]).sum(axis=2)
    return {"volume": volume, "price": price, "mix": mix, "total": total.sum(axis=2)}


def cost_pressure(
    costs: CostProjection,
    from_year: str,
    to_year: str,
    *,
    level: Sequence[int] = (80,),
    view: str = "budget",
) -> pd.DataFrame:
    """Split the change in spend between two financial years into volume, price and mix effects.

    Parameters
    ----------
    costs : CostProjection
        From :func:`sufficiency.cost` (or a scenario's costs).
    from_year, to_year : str
        Financial years, e.g. ``"2025-26"`` and ``"2028-29"``.
    level : sequence of int
        Central interval levels [%].
    view : {"budget", "shapley"}
        How the change is split (see the module notes): by default each
        category's own volume at its price, then price, then its route mix.

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
        If a year is not in the projection or is covered only in part.
    """
    draws = pressure_draws(costs, from_year, to_year, view=view)
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
