"""What a lever is: a small frozen record that knows what it changes, and when.

Every lever is a frozen dataclass holding only plain values (so a scenario
saves to JSON and reads back) and subclasses :class:`Lever`, whose methods
say what the lever does to each part of a scenario's scoring:

* :meth:`Lever.hazard` and :meth:`Lever.entries`: the projection's rates
  (a scenario with either is projected again with the baseline's random
  numbers);
* :meth:`Lever.reprice` and :meth:`Lever.shift`: the prices and routes its
  child-days are costed at;
* :meth:`Lever.added_places`: the places counted against demand;
* :meth:`Lever.running_cost`: what the scenario costs to run.

The base class does nothing in each, so a lever implements only what it
changes: a new lever is one class in a module of this package, with its
maker function, listed in :data:`sufficiency.scenarios.scenario.LEVERS`.

Levers start on a date and may be phased in linearly over ``ramp_months``
(see :func:`ramp_weights`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..common.ages import AGES
from ..common.dates import day_of
from ..finance.months import Months
from ..finance.pricing import Pricing
from ..finance.tables import normalise_route

__all__ = [
    "HazardChange",
    "Lever",
    "Shifted",
    "LIMITS",
    "MAX_POUNDS",
    "LeverError",
    "check_ages",
    "check_amount",
    "check_date",
    "check_fraction",
    "check_non_negative",
    "check_text",
    "check_whole",
    "ramp_weights",
    "route_of",
]


class LeverError(ValueError):
    """A lever's setting that cannot be used: which setting, and the rule it breaks.

    Parameters
    ----------
    message : str
    field : str
        The lever's setting (``"start"``, ``"share"``, ...).
    rule : str
        Short rule identifier (``"bad_value"``, ``"unknown_category"``, ...).
    """

    def __init__(self, message: str, *, field: str, rule: str) -> None:
        super().__init__(message)
        self.field = field
        self.rule = rule


#: Largest settings a lever accepts; larger ones are typing slips (a price per year as per week, say).
LIMITS = {"factor": 100.0, "weekly_cost": 100_000.0, "places": 100_000.0, "capacity": 100_000.0, "ramp_months": 120.0}
#: Largest one-off or yearly running cost of a scenario [£].
MAX_POUNDS = 1e9


def check_date(value: object, lever: str, name: str = "start") -> str:
    """A lever's date as ``YYYY-MM-DD``, read as the returns' dates are (``dd/mm/yyyy`` or ISO ``yyyy-mm-dd``).

    Raises
    ------
    LeverError
        For a number, or text that is not such a date.
    """
    day = day_of(value)
    if day is not None:
        return day.strftime("%Y-%m-%d")
    raise LeverError(
        f"{lever}: {name} {value!r} is not a date (write 2025-07-01 or 01/07/2025)", field=name, rule="bad_date"
    )


def _number(value: object, name: str, lever: str) -> float:
    """A finite number (not a bool, not text)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise LeverError(f"{lever}: {name} must be a number, not {value!r}", field=name, rule="bad_value")
    number = float(value)
    if not np.isfinite(number):
        raise LeverError(f"{lever}: {name} must be a finite number, not {value!r}", field=name, rule="bad_value")
    return number


def check_ages(ages: Iterable[int] | None, lever: str) -> tuple[int, ...] | None:
    """Single years of age, sorted.

    Raises
    ------
    LeverError
        For text (``"12"``), a number that is not a whole year, or an age outside 0-17.
    """
    if ages is None:
        return None
    if isinstance(ages, (str, bytes)) or not isinstance(ages, Iterable):
        raise LeverError(
            f"{lever}: ages {ages!r} must be a list of single years, e.g. [16, 17]", field="ages", rule="bad_value"
        )
    values = [_number(a, "ages", lever) for a in ages]
    out = tuple(sorted({int(a) for a in values}))
    bad = [a for a in values if a != round(a) or int(a) not in AGES]
    if bad or not out:
        raise LeverError(
            f"{lever}: ages {list(ages)!r} must be whole years from 0 to {AGES[-1]}", field="ages", rule="bad_value"
        )
    return out


def check_fraction(value: float, name: str, lever: str) -> float:
    """A number from 0 to 1; LeverError otherwise."""
    number = _number(value, name, lever)
    if not 0.0 <= number <= 1.0:
        raise LeverError(f"{lever}: {name} must be between 0 and 1, not {number}", field=name, rule="bad_value")
    return number


def check_non_negative(value: float | None, name: str, lever: str) -> float | None:
    """A finite number of 0 or more, up to its limit in :data:`LIMITS` (or ``None``); LeverError otherwise."""
    if value is None:
        return None
    number = _number(value, name, lever)
    high = LIMITS.get(name, MAX_POUNDS)
    if number < 0 or number > high:
        raise LeverError(f"{lever}: {name} must be from 0 to {high:,g}, not {number:g}", field=name, rule="bad_value")
    return number


def check_amount(value: float, name: str, lever: str) -> float:
    """A finite number of 0 or more up to its limit; LeverError otherwise."""
    out = check_non_negative(value, name, lever)
    if out is None:
        raise LeverError(f"{lever}: {name} is needed", field=name, rule="bad_value")
    return out


def check_whole(value: float, name: str, lever: str) -> int:
    """A whole number of 0 or more up to its limit (months, say); LeverError otherwise."""
    number = check_amount(value, name, lever)
    if number != round(number):
        raise LeverError(f"{lever}: {name} must be a whole number, not {number:g}", field=name, rule="bad_value")
    return int(number)


def check_text(value: object, name: str, lever: str, *, optional: bool = False) -> str | None:
    """A name (a category, a route): text, not a number; LeverError otherwise."""
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise LeverError(f"{lever}: {name} must be a name, not {value!r}", field=name, rule="bad_value")
    return value.strip()


def ramp_weights(
    start: str, ramp_months: int, ends: pd.DatetimeIndex, days: Sequence[float] | np.ndarray
) -> np.ndarray:
    """Strength of a lever in each month, 0 to 1.

    In the month containing ``start`` a lever has ``1 / ramp_months`` of its
    effect (scaled by the share of that month's days from ``start`` on), in
    the next month ``2 / ramp_months``, and its full effect from the
    ``ramp_months``-th month on (at once when ``ramp_months`` is 0).

    Parameters
    ----------
    start : str
        Date the lever starts.
    ramp_months : int
    ends : pandas.DatetimeIndex
        Last day of each month.
    days : sequence of float
        Days in each month [days].

    Returns
    -------
    numpy.ndarray
        (month,) [fraction].
    """
    when = pd.Timestamp(start)
    first = ends.searchsorted(when)  # the month containing the start
    out = np.zeros(len(ends))
    if first >= len(ends):
        return out
    k = np.arange(len(ends)) - first
    ramp = np.ones(len(ends)) if ramp_months <= 0 else np.minimum(1.0, (k + 1) / ramp_months)
    out[first:] = ramp[first:]
    # only the days from the start count in its month
    covered = (ends[first] - when).days + 1
    out[first] *= min(covered / float(days[first]), 1.0)
    return out


@dataclass(frozen=True)
class HazardChange:
    """A lever's change to one hazard, month by month.

    Attributes
    ----------
    source, target : int
        Category index moved from; category index moved to, or the number
        of categories for leaving care.
    ages : numpy.ndarray
        (age,) ages it applies at [bool].
    factor : float
        Multiplier of the hazard at full strength.
    weight : numpy.ndarray
        (month,) strength, 0 to 1.
    """

    source: int
    target: int
    ages: np.ndarray
    factor: float
    weight: np.ndarray


@dataclass(frozen=True)
class Shifted:
    """Child-days a lever moves to another route (and category), and what they cost there.

    Attributes
    ----------
    source : int
        Category index moved from.
    source_routes : list of int
        Route indices moved from.
    moved_days : numpy.ndarray
        (simulation, month, source route) child-days moved [child-days].
    target : tuple of int
        (category, route) indices moved to.
    price : numpy.ndarray
        (month,) weekly price of the new placements [£/week].
    moved : numpy.ndarray
        (simulation, month) children moved, monthly mean [children].
    idle_days : numpy.ndarray or None
        (simulation, month) days of places paid for and empty (a block
        contract's) [place-days], priced at ``price``; ``None`` when only
        filled places are paid for.
    """

    source: int
    source_routes: list[int]
    moved_days: np.ndarray
    target: tuple[int, int]
    price: np.ndarray
    moved: np.ndarray
    idle_days: np.ndarray | None = None


class Lever:
    """A lever of a scenario. Subclasses are frozen dataclasses of plain values with a ``lever`` field (their kind).

    Each method is a part of scoring the lever may change; the base class
    changes nothing.
    """

    #: The lever's kind, as written in a scenario file (e.g. ``"shift_placements"``); a field of each subclass.
    lever: str
    #: The date the lever starts (``YYYY-MM-DD``); a field of each subclass.
    start: str
    #: Whether the lever changes the projection's rates (the scenario is projected again).
    changes_demand: ClassVar[bool] = False
    #: Subclasses are dataclasses (their fields are the lever's settings).
    __dataclass_fields__: ClassVar[dict[str, Any]]

    def categories_named(self) -> tuple[str, ...]:
        """The placement categories the lever names (checked against the model's)."""
        return ()

    def check(self, categories: Sequence[str], *, where: str) -> None:
        """Refuse a lever that names a category the model does not have.

        Raises
        ------
        LeverError
        """
        for c in self.categories_named():
            if c not in categories:
                raise LeverError(
                    f"{where}: unknown category {c!r}; the model's categories are {', '.join(categories)}",
                    field="category",
                    rule="unknown_category",
                )

    def routes_added(self) -> tuple[str, ...]:
        """Purchasing routes the lever brings in (a partner's, say)."""
        return ()

    def check_routes(self, pricing: Pricing, *, where: str) -> None:
        """Refuse a lever that names a route its category has no placements by.

        Raises
        ------
        LeverError
        """

    def hazard(self, categories: Sequence[str], months: Months) -> HazardChange | None:
        """The lever's change to a hazard, or ``None``."""
        return None

    def entries(self, categories: Sequence[str], months: Months) -> np.ndarray | None:
        """(month, category, age) multiplier of entries, or ``None``."""
        return None

    def reprice(self, price: np.ndarray, pricing: Pricing, months: Months) -> None:
        """Change, in place, the (month, category, route) weekly prices [£/week]."""

    def agreed_price(self, pricing: Pricing, months: Months) -> np.ndarray | None:
        """(month, category, route) weight of a price of the lever's own in :meth:`reprice`'s prices, or ``None``.

        A price the lever agrees (a negotiated fee) does not vary from path
        to path with the placement cost file's fees; ``None`` (the default)
        means the lever scales the prices it changes, fees and all.
        """
        return None

    def shift(self, child_days: np.ndarray, pricing: Pricing, months: Months) -> Shifted | None:
        """Child-days moved to another route, from (simulation, month, category, route) child-days, or ``None``."""
        return None

    def added_places(self) -> dict[str, object] | None:
        """A row of places the lever adds, or ``None``.

        The row has the columns :func:`sufficiency.places.capacity.check_capacity` returns.
        """
        return None

    def running_cost(self, months: Months) -> np.ndarray | None:
        """(financial year,) cost of running the scenario [£], or ``None``."""
        return None


def route_of(category: str, route: str | None, pricing: Pricing, *, where: str) -> list[int]:
    """Route indices a lever acts on: every route of the category, or the one it names.

    Raises
    ------
    LeverError
        If the category has no placements by the named route.
    """
    used = pricing.routes_of(category)
    if route is None:
        return [pricing.routes.index(r) for r in used]
    name = normalise_route(route)
    if name not in used:
        raise LeverError(
            f"{where}: {category} has no placements by route {route!r}; its routes are {', '.join(used)}",
            field="route",
            rule="unknown_route",
        )
    return [pricing.routes.index(name)]
