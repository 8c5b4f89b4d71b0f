"""Lever: move a share of a category's children to another route (and category) at a new price.

The partner-services case: placements bought spot move to a partner's homes
at an agreed weekly price, never more than the partner's places at a time.
Bought spot (the default), the new placements are paid for the days they are
filled; bought as a block, every one of the contract's places is paid for
from its start, filled or not, so empty beds cost what full ones do.
The lever changes routes, prices and places, not the children's chances of
moving or leaving care (use :func:`sufficiency.change_hazard` for that).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import DateLike
from ..finance.months import Months
from ..finance.pricing import Pricing
from ..finance.tables import ROUTES, normalise_route
from .lever import (
    Lever,
    LeverError,
    Shifted,
    check_amount,
    check_date,
    check_fraction,
    check_non_negative,
    check_text,
    check_whole,
    ramp_weights,
    route_of,
)

__all__ = ["ShiftPlacements", "shift_placements"]


@dataclass(frozen=True)
class ShiftPlacements(Lever):
    """Move a share of a category's (and route's) children to another route and category at a new price.

    Attributes
    ----------
    category : str
    route : str or None
        Route moved from; ``None`` moves from every route of the category.
    to_route : str
    to_category : str or None
        Category moved to; ``None`` keeps the category.
    share : float
        Share of the eligible children moved at full strength [fraction].
    weekly_cost : float
        Price of the new placements at ``start``'s financial year [£/week],
        inflated thereafter as the destination category.
    start : str
    ramp_months : int
    capacity : float or None
        Most children in the new placements at any time [children].
    contract : {"spot", "block"}
        ``"spot"`` pays for filled days; ``"block"`` pays for all
        ``capacity`` places from ``start``.
    new_route : bool
        ``to_route`` is a route of the council's own.
    """

    category: str
    route: str | None
    to_route: str
    to_category: str | None
    share: float
    weekly_cost: float
    start: str
    ramp_months: int = 0
    capacity: float | None = None
    contract: str = "spot"
    new_route: bool = False
    lever: str = "shift_placements"

    def categories_named(self) -> tuple[str, ...]:
        return (self.category,) + ((self.to_category,) if self.to_category else ())

    def routes_added(self) -> tuple[str, ...]:
        return (self.to_route,)

    def check_routes(self, pricing: Pricing, *, where: str) -> None:
        route_of(self.category, self.route, pricing, where=where)

    def shift(self, child_days: np.ndarray, pricing: Pricing, months: Months) -> Shifted:
        c = pricing.categories.index(self.category)
        src = route_of(self.category, self.route, pricing, where=self.lever)
        to_c = pricing.categories.index(self.to_category) if self.to_category else c
        to_r = pricing.routes.index(normalise_route(self.to_route))
        weight = ramp_weights(self.start, self.ramp_months, months.ends, months.days)
        available = child_days[:, :, c, src].sum(axis=2) / months.days[None, :]  # children, monthly mean
        moved = self.share * weight[None, :] * available
        if self.capacity is not None:
            moved = np.minimum(moved, self.capacity)
        fraction = np.divide(moved, available, out=np.zeros_like(moved), where=available > 0)
        moved_days = child_days[:, :, c, src] * fraction[..., None]
        idle = None
        if self.contract == "block" and self.capacity is not None:
            # every place is paid for from the start (the part of the start month from it on), filled or not
            paid = self.capacity * months.days * ramp_weights(self.start, 0, months.ends, months.days)
            idle = np.maximum(paid[None, :] - moved_days.sum(axis=2), 0.0)
        return Shifted(
            source=c,
            source_routes=src,
            moved_days=moved_days,
            target=(to_c, to_r),
            price=self.weekly_cost * pricing.index_from(self.start, to_c, months.fy[months.year]),
            moved=moved,
            idle_days=idle,
        )

    def added_places(self) -> dict[str, object] | None:
        if self.capacity is None:
            return None
        return {
            S.PLACEMENT: self.to_category or self.category,
            S.ROUTE: self.to_route,
            S.PLACES: self.capacity,
            "start": pd.Timestamp(self.start),
            "end": pd.NaT,
        }


def shift_placements(
    category: str,
    *,
    route: str | None = None,
    to_route: str,
    to_category: str | None = None,
    share: float,
    weekly_cost: float,
    start: DateLike,
    ramp_months: int = 0,
    capacity: float | None = None,
    contract: str = "spot",
    new_route: bool = False,
) -> ShiftPlacements:
    """Lever: move a share of a category's children (in care and new) to another route at a new weekly cost.

    The partner case: "half of spot residential to the partner's homes at
    £X a week over 18 months, 12 places" is
    ``shift_placements("external_residential", route="spot",
    to_route="partner", share=0.5, weekly_cost=X, start=..., ramp_months=18,
    capacity=12)``.

    Parameters
    ----------
    category : str
        Category moved from.
    route : str, optional
        Route moved from (default every route of the category).
    to_route : str
        Route moved to: one of ``in_house``, ``framework``, ``spot``,
        ``block``, ``partner`` (or their spellings), or a route of the
        council's own declared with ``new_route=True`` (so a misspelt route
        is not taken for a new one).
    to_category : str, optional
        Category moved to (default the same).
    share : float
        Share of the eligible children moved at full strength, 0 to 1.
    weekly_cost : float
        Price of the new placements in the financial year of ``start``
        [£/week]; later years add the destination category's inflation.
    start : date
    ramp_months : int
        Months to reach full strength (0: at once).
    capacity : float, optional
        Most children in the new placements at any time [children]; also
        counted as places in :func:`sufficiency.sufficiency_gap`.
    contract : {"spot", "block"}
        How the new placements are bought: ``"spot"`` (default) pays
        ``weekly_cost`` for the days children are in them; ``"block"`` pays
        it for every one of the ``capacity`` places from ``start``, filled
        or not (the ramp fills them gradually; a block needs a
        ``capacity``).
    new_route : bool
        ``to_route`` is a route of the council's own, not one of the
        library's.

    Returns
    -------
    ShiftPlacements

    Raises
    ------
    ValueError
        For a share outside 0-1, a negative price, ramp or capacity, a
        start that is not a date, a contract other than spot or block, or a
        block contract without a capacity.
    """
    name = "shift_placements"
    target = check_text(to_route, "to_route", name)
    if not new_route and normalise_route(str(target)) not in ROUTES:
        raise LeverError(
            f"{name}: to_route {to_route!r} is not one of {', '.join(ROUTES)}; declare a route of your own with "
            "new_route=True",
            field="to_route",
            rule="unknown_route",
        )
    if contract not in ("spot", "block"):
        raise LeverError(f"{name}: contract {contract!r}: use 'spot' or 'block'", field="contract", rule="bad_value")
    if contract == "block" and capacity is None:
        raise LeverError(
            f"{name}: a block contract pays for a number of places: give its capacity",
            field="capacity",
            rule="missing_value",
        )
    return ShiftPlacements(
        category=str(check_text(category, "category", name)),
        route=check_text(route, "route", name, optional=True),
        to_route=str(target),
        to_category=check_text(to_category, "to_category", name, optional=True),
        share=check_fraction(share, "share", name),
        weekly_cost=check_amount(weekly_cost, "weekly_cost", name),
        start=check_date(start, name),
        ramp_months=check_whole(ramp_months, "ramp_months", name),
        capacity=check_non_negative(capacity, "capacity", name),
        contract=contract,
        new_route=bool(new_route),
    )
