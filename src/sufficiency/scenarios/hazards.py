"""Lever: scale the hazard of a move between categories or of leaving care (step-down, reunification)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..common.ages import AGES
from ..common.dates import DateLike
from ..finance.months import Months
from .lever import (
    HazardChange,
    Lever,
    LeverError,
    check_ages,
    check_amount,
    check_date,
    check_text,
    check_whole,
    ramp_weights,
)

__all__ = ["ChangeHazard", "change_hazard"]

#: Where a hazard lever sends children when they leave care.
_EXIT = "exit"


@dataclass(frozen=True)
class ChangeHazard(Lever):
    """Scale the hazard of moving from a category to another, or of leaving care.

    Attributes
    ----------
    from_category : str
    to : str
        A category, or ``"exit"`` for leaving care.
    factor : float
        Multiplier of the hazard at full strength.
    ages : tuple of int or None
        Ages it applies at [years]; ``None`` for all.
    start : str
    ramp_months : int
    """

    from_category: str
    to: str
    factor: float
    ages: tuple[int, ...] | None
    start: str
    ramp_months: int = 0
    lever: str = "change_hazard"

    changes_demand: ClassVar[bool] = True

    def categories_named(self) -> tuple[str, ...]:
        return (self.from_category,) + (() if self.to == _EXIT else (self.to,))

    def check(self, categories: Sequence[str], *, where: str) -> None:
        if self.to == self.from_category:
            raise LeverError(
                f"{where}: a move from {self.to} to itself is not a hazard (use 'exit' or another category)",
                field="to",
                rule="bad_value",
            )
        for c in self.categories_named():
            if c not in categories:
                raise LeverError(
                    f"{where}: unknown category {c!r}; the model's categories are {', '.join(categories)} (or 'exit')",
                    field="from_category" if c == self.from_category else "to",
                    rule="unknown_category",
                )

    def hazard(self, categories: Sequence[str], months: Months) -> HazardChange:
        ages = np.zeros(len(AGES), dtype=bool)
        ages[list(self.ages) if self.ages else slice(None)] = True
        return HazardChange(
            source=list(categories).index(self.from_category),
            target=len(categories) if self.to == _EXIT else list(categories).index(self.to),
            ages=ages,
            factor=self.factor,
            weight=ramp_weights(self.start, self.ramp_months, months.ends, months.days),
        )


def change_hazard(
    from_category: str,
    to: str,
    *,
    factor: float,
    ages: Iterable[int] | None = None,
    start: DateLike,
    ramp_months: int = 0,
) -> ChangeHazard:
    """Lever: scale the hazard of moving from a category to another (or of leaving care).

    Step-down from residential care to fostering:
    ``change_hazard("external_residential", "agency_fostering", factor=1.5,
    ages=range(10, 16), start=...)``; faster reunification:
    ``change_hazard(category, "exit", factor=1.2, ...)``.

    Parameters
    ----------
    from_category : str
    to : str
        A category, or ``"exit"``.
    factor : float
        Multiplier of the hazard at full strength (0 or more).
    ages : iterable of int, optional
        Ages it applies at [years]; default all.
    start : date
    ramp_months : int

    Returns
    -------
    ChangeHazard
    """
    name = "change_hazard"
    return ChangeHazard(
        from_category=str(check_text(from_category, "from_category", name)),
        to=str(check_text(to, "to", name)),
        factor=check_amount(factor, "factor", name),
        ages=check_ages(ages, name),
        start=check_date(start, name),
        ramp_months=check_whole(ramp_months, "ramp_months", name),
    )
