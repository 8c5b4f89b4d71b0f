"""A scenario's levers applied: to the projection's rates, the prices and routes of its child-days, places and costs.

Each function asks every lever of a scenario for its part (see
:class:`~sufficiency.scenarios.lever.Lever`) and puts the parts together;
none knows what kinds of lever there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..common.ages import AGES
from ..finance.costs import CostProjection, assemble
from ..finance.months import DAYS_PER_WEEK, Months, monthly_child_days
from ..finance.pricing import Pricing
from ..projection.levers import DemandLevers
from .lever import Lever

__all__ = ["ScenarioCost", "demand_levers", "running_costs", "scenario_cost", "with_places"]


def demand_levers(levers: Sequence[Lever], categories: Sequence[str], months: Months) -> DemandLevers | None:
    """The levers' changes to hazards and entries, month by month, or ``None`` when none changes demand.

    Parameters
    ----------
    levers : sequence of Lever
    categories : sequence of str
        The model's categories.
    months : Months
        The projection's months.

    Returns
    -------
    DemandLevers or None
    """
    if not any(lv.changes_demand for lv in levers):
        return None
    hazards = [h for lv in levers if (h := lv.hazard(categories, months)) is not None]
    factors = [f for lv in levers if (f := lv.entries(categories, months)) is not None]
    n_steps = len(months.ends)
    return DemandLevers(
        hazard_from=np.array([h.source for h in hazards], dtype=np.int64),
        hazard_to=np.array([h.target for h in hazards], dtype=np.int64),
        hazard_ages=np.array([h.ages for h in hazards], dtype=bool).reshape(len(hazards), len(AGES)),
        hazard_factor=np.array([h.factor for h in hazards], dtype=float),
        hazard_weight=np.array([h.weight for h in hazards]).reshape(len(hazards), n_steps),
        entry_factor=np.prod(factors, axis=0) if factors else None,
    )


@dataclass(frozen=True)
class ScenarioCost:
    """A projection costed under a scenario's levers.

    Attributes
    ----------
    costs : CostProjection
    shifted : numpy.ndarray
        (simulation, month, shift) children in each shifting lever's new
        placements, monthly mean [children].
    stock : numpy.ndarray
        (simulation, date, category) children in care after shifts between
        categories [children].
    """

    costs: CostProjection
    shifted: np.ndarray
    stock: np.ndarray


def scenario_cost(
    pricing: Pricing, months: Months, stock: np.ndarray, levers: Sequence[Lever], seed: int | None
) -> ScenarioCost:
    """Cost a projection under a scenario's price, route and shift levers.

    Every lever first reprices the (month, category, route) prices; then each
    shifting lever, in order, moves child-days to its route (and category)
    at its own price. A scenario with no levers costs exactly as
    :func:`sufficiency.cost` does.

    Parameters
    ----------
    pricing : Pricing
        Resolved for the model's categories and every route a lever adds.
    months : Months
    stock : numpy.ndarray
        Children in care by (path, date, category) [children]: a
        projection's paths added up over ages.
    levers : sequence of Lever
    seed : int or None
        Seed of the fee draws (the baseline's, for common random numbers:
        the prices keep the picks of a seed, so every scenario pays the
        baseline's).

    Returns
    -------
    ScenarioCost
    """
    per_route = monthly_child_days(stock, months)[..., None] * pricing.shares[None, None]  # (S, M, C, R)
    price = pricing.weekly(months.fy)[months.year]  # (M, C, R)
    fee_paid = price.copy()  # the part of each price that is the placement cost file's fees (where it priced one)
    for lever in levers:
        before = price.copy()
        lever.reprice(price, pricing, months)
        agreed = lever.agreed_price(pricing, months)
        if agreed is None:
            fee_paid *= np.divide(price, before, out=np.ones_like(price), where=np.nan_to_num(before) > 0)
        else:
            fee_paid *= 1.0 - agreed
    fee_share = np.divide(fee_paid, price, out=np.zeros_like(price), where=np.nan_to_num(price) > 0)
    parts: list[tuple[np.ndarray, np.ndarray]] = []
    moved = []
    idle = None  # (S, M, C, R) paid for empty places [£], once a lever leaves some
    shifted_stock = stock.copy()
    for lever in levers:
        shift = lever.shift(per_route, pricing, months)
        if shift is None:
            continue
        c, src = shift.source, shift.source_routes
        to_c, to_r = shift.target
        per_route[:, :, c, src] -= shift.moved_days
        # the lever's own child-days, all in one cell, priced there at its price (no fees: its price is agreed)
        moved_days = shift.moved_days.sum(axis=2)  # (S, M)
        yearly_days = np.zeros((len(stock), len(months.labels)) + per_route.shape[2:])
        yearly_cost = np.zeros_like(yearly_days)
        yearly_days[:, :, to_c, to_r] = months.to_years(moved_days)
        yearly_cost[:, :, to_c, to_r] = months.to_years(
            moved_days * (np.nan_to_num(shift.price) / DAYS_PER_WEEK)[None, :]
        )
        parts.append((yearly_days, yearly_cost))
        if shift.idle_days is not None:
            idle = np.zeros_like(per_route) if idle is None else idle
            idle[:, :, to_c, to_r] += shift.idle_days * shift.price[None, :] / DAYS_PER_WEEK
        moved.append(shift.moved)
        if to_c != c:
            # children moved to another category are counted there (month-end stock moves by the month's mean)
            step = np.concatenate([np.zeros((shift.moved.shape[0], 1)), shift.moved], axis=1)
            shifted_stock[:, :, c] -= step
            shifted_stock[:, :, to_c] += step
    shifted = np.stack(moved, axis=2) if moved else np.zeros(per_route.shape[:2] + (0,))
    costs = assemble(pricing, months, [(per_route, price, fee_share)], seed=seed, idle=idle, priced=parts)
    return ScenarioCost(costs=costs, shifted=shifted, stock=shifted_stock)


def running_costs(levers: Sequence[Lever], months: Months) -> np.ndarray:
    """(financial year,) what the scenario costs to run [£]: one-off costs in the start's year, running costs by day."""
    out = np.zeros(len(months.labels))
    for lever in levers:
        cost = lever.running_cost(months)
        if cost is not None:
            out += cost
    return out


def with_places(capacity: pd.DataFrame, levers: Sequence[Lever]) -> pd.DataFrame:
    """Capacity plus the places the levers add (their own places, and the capacity of a shift)."""
    rows = [row for lever in levers if (row := lever.added_places()) is not None]
    if not rows:
        return capacity
    return pd.concat([capacity, pd.DataFrame(rows)], ignore_index=True)
