"""Lever: add places of a category or coarse group (and route) from a date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ..common import schema as S
from ..common.dates import DateLike
from ..finance.tables import ANY_ROUTE
from ..places.capacity import capacity_keys
from .lever import Lever, LeverError, check_date, check_text, check_whole

__all__ = ["AddCapacity", "add_capacity"]


@dataclass(frozen=True)
class AddCapacity(Lever):
    """Add places of a category (and route) from a date.

    Attributes
    ----------
    category : str
        A placement category, or a coarse group such as ``"fostering"``.
    route : str or None
    places : float
        [places]
    start : str
    """

    category: str
    route: str | None
    places: float
    start: str
    lever: str = "add_capacity"

    def categories_named(self) -> tuple[str, ...]:
        return (self.category,)

    def check(self, categories: Sequence[str], *, where: str) -> None:
        if self.category not in capacity_keys(list(categories)):
            raise LeverError(
                f"{where}: unknown category {self.category!r}; the model's categories are {', '.join(categories)}",
                field="category",
                rule="unknown_category",
            )

    def added_places(self) -> dict[str, object] | None:
        return {
            S.PLACEMENT: self.category,
            S.ROUTE: self.route or ANY_ROUTE,
            S.PLACES: self.places,
            "start": pd.Timestamp(self.start),
            "end": pd.NaT,
        }


def add_capacity(category: str, *, route: str | None = None, places: float, start: DateLike) -> AddCapacity:
    """Lever: add places of a category (and route) from a date.

    Parameters
    ----------
    category : str
        A placement category, or a coarse group (``"fostering"``).
    route : str, optional
    places : float
        [places], 0 or more.
    start : date

    Returns
    -------
    AddCapacity
    """
    name = "add_capacity"
    return AddCapacity(
        category=str(check_text(category, "category", name)),
        route=check_text(route, "route", name, optional=True),
        places=float(check_whole(places, "places", name)),
        start=check_date(start, name),
    )
