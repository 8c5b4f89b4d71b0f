"""Lever: change a category's (and route's) weekly price from a date (a renegotiated fee, a new framework)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..common.dates import DateLike
from ..finance.months import Months
from ..finance.pricing import Pricing
from .lever import Lever, LeverError, check_date, check_non_negative, check_text, ramp_weights, route_of

__all__ = ["ChangeUnitCost", "change_unit_cost"]


@dataclass(frozen=True)
class ChangeUnitCost(Lever):
    """Change the weekly price of a category (and route) from a date.

    Attributes
    ----------
    category : str
    route : str or None
        ``None`` for every route of the category.
    factor : float or None
        Multiplier of the price.
    weekly_cost : float or None
        New price at ``start``'s financial year [£/week] (instead of a factor).
    start : str
    """

    category: str
    route: str | None
    factor: float | None
    weekly_cost: float | None
    start: str
    lever: str = "change_unit_cost"

    def categories_named(self) -> tuple[str, ...]:
        return (self.category,)

    def check_routes(self, pricing: Pricing, *, where: str) -> None:
        route_of(self.category, self.route, pricing, where=where)

    def reprice(self, price: np.ndarray, pricing: Pricing, months: Months) -> None:
        c = pricing.categories.index(self.category)
        cols = list(range(len(pricing.routes))) if self.route is None else [pricing.route_index(self.route)]
        weight = ramp_weights(self.start, 0, months.ends, months.days)[:, None]
        if self.factor is not None:
            new = price[:, c, cols] * self.factor
        else:
            new = float(self.weekly_cost or 0.0) * pricing.index_from(self.start, c, months.fy[months.year])[:, None]
        price[:, c, cols] = price[:, c, cols] * (1 - weight) + new * weight

    def agreed_price(self, pricing: Pricing, months: Months) -> np.ndarray | None:
        if self.weekly_cost is None:
            return None  # a factor scales every fee: they vary as before
        out = np.zeros((len(months.ends), len(pricing.categories), len(pricing.routes)))
        c = pricing.categories.index(self.category)
        cols = list(range(len(pricing.routes))) if self.route is None else [pricing.route_index(self.route)]
        out[:, c, cols] = ramp_weights(self.start, 0, months.ends, months.days)[:, None]
        return out


def change_unit_cost(
    category: str,
    *,
    route: str | None = None,
    factor: float | None = None,
    weekly_cost: float | None = None,
    start: DateLike,
) -> ChangeUnitCost:
    """Lever: change a category's (and route's) weekly price from a date.

    Parameters
    ----------
    category : str
    route : str, optional
    factor : float, optional
        Multiplier of the price.
    weekly_cost : float, optional
        New price in ``start``'s financial year [£/week]; give one of
        ``factor`` and ``weekly_cost``.
    start : date

    Returns
    -------
    ChangeUnitCost
    """
    name = "change_unit_cost"
    if (factor is None) == (weekly_cost is None):
        raise LeverError(f"{name}: give one of factor and weekly_cost", field="factor", rule="bad_value")
    return ChangeUnitCost(
        category=str(check_text(category, "category", name)),
        route=check_text(route, "route", name, optional=True),
        factor=check_non_negative(factor, "factor", name),
        weekly_cost=check_non_negative(weekly_cost, "weekly_cost", name),
        start=check_date(start, name),
    )
