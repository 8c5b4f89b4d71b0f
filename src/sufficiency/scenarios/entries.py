"""Lever: scale entries to care by age and first placement (edge-of-care prevention)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..common.ages import AGES
from ..common.dates import DateLike
from ..finance.months import Months
from .lever import Lever, LeverError, check_ages, check_amount, check_date, check_text, check_whole, ramp_weights

__all__ = ["ChangeEntries", "change_entries"]


@dataclass(frozen=True)
class ChangeEntries(Lever):
    """Scale entries to care (by age and first placement).

    Attributes
    ----------
    factor : float
        Multiplier of entries at full strength.
    ages : tuple of int or None
        Ages at entry it applies to [years]; ``None`` for all.
    categories : tuple of str or None
        First placements it applies to; ``None`` for all.
    start : str
    ramp_months : int
    """

    factor: float
    ages: tuple[int, ...] | None
    categories: tuple[str, ...] | None
    start: str
    ramp_months: int = 0
    lever: str = "change_entries"

    changes_demand: ClassVar[bool] = True

    def categories_named(self) -> tuple[str, ...]:
        return tuple(self.categories or ())

    def entries(self, categories: Sequence[str], months: Months) -> np.ndarray:
        n_steps, n_c = len(months.ends), len(categories)
        weight = ramp_weights(self.start, self.ramp_months, months.ends, months.days)
        cats = [list(categories).index(c) for c in self.categories] if self.categories else list(range(n_c))
        ages = list(self.ages) if self.ages else list(range(len(AGES)))
        factor = np.ones((n_steps, n_c, len(AGES)))
        factor[np.ix_(range(n_steps), cats, ages)] *= (1.0 + weight * (self.factor - 1.0))[:, None, None]
        return factor


def _names(categories: Iterable[str], lever: str) -> tuple[str, ...]:
    if isinstance(categories, (str, bytes)) or not isinstance(categories, Iterable):
        raise LeverError(
            f"{lever}: categories {categories!r} must be a list of placement categories",
            field="categories",
            rule="bad_value",
        )
    return tuple(str(check_text(c, "categories", lever)) for c in categories)


def change_entries(
    *,
    factor: float,
    ages: Iterable[int] | None = None,
    categories: Iterable[str] | None = None,
    start: DateLike,
    ramp_months: int = 0,
) -> ChangeEntries:
    """Lever: scale entries to care, e.g. an edge-of-care service for 16-17-year-olds.

    Parameters
    ----------
    factor : float
        Multiplier of entries at full strength (``0.85`` avoids 15%).
    ages : iterable of int, optional
        Ages at entry [years]; default all.
    categories : iterable of str, optional
        First placements; default all.
    start : date
    ramp_months : int

    Returns
    -------
    ChangeEntries
    """
    name = "change_entries"
    return ChangeEntries(
        factor=check_amount(factor, "factor", name),
        ages=check_ages(ages, name),
        categories=None if categories is None else _names(categories, name),
        start=check_date(start, name),
        ramp_months=check_whole(ramp_months, "ramp_months", name),
    )
