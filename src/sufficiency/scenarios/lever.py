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
from ..finance.months import Months
from ..finance.pricing import Pricing
from ..finance.tables import normalise_route

__all__ = [
    "HazardChange",
    "Lever",
    "Shifted",
    "check_ages",
    "check_amount",
    "check_date",
    "check_fraction",
    "check_non_negative",
    "ramp_weights",
    "route_of",
]


def check_date(value: object, lever: str) -> str:
    """A lever's date as ``YYYY-MM-DD``; ValueError if it is not a date."""
    try:
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{lever}: start/end {value!r} is not a date") from exc


def check_ages(ages: Iterable[int] | None, lever: str) -> tuple[int, ...] | None:
    """Single years of age, sorted; ValueError outside 0-17."""
    if ages is None:
        return None
    out = tuple(sorted({int(a) for a in ages}))
    bad = [a for a in out if a not in AGES]
    if bad or not out:
        raise ValueError(f"{lever}: ages {list(ages)!r} must be single years from 0 to {AGES[-1]}")
    return out


def check_fraction(value: float, name: str, lever: str) -> float:
    """A number from 0 to 1; ValueError otherwise."""
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{lever}: {name} must be between 0 and 1, not {value}")
    return value


def check_non_negative(value: float | None, name: str, lever: str) -> float | None:
    """A finite number of 0 or more (or ``None``); ValueError otherwise."""
    if value is None:
        return None
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{lever}: {name} must be 0 or more, not {value}")
    return value


def check_amount(value: float, name: str, lever: str) -> float:
    """A finite number of 0 or more; ValueError otherwise."""
    out = check_non_negative(value, name, lever)
    if out is None:
        raise ValueError(f"{lever}: {name} is needed")
    return out


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
    """

    source: int
    source_routes: list[int]
    moved_days: np.ndarray
    target: tuple[int, int]
    price: np.ndarray
    moved: np.ndarray


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
        ValueError
        """
        for c in self.categories_named():
            if c not in categories:
                raise ValueError(f"{where}: unknown category {c!r}; the model's categories are {', '.join(categories)}")

    def routes_added(self) -> tuple[str, ...]:
        """Purchasing routes the lever brings in (a partner's, say)."""
        return ()

    def check_routes(self, pricing: Pricing, *, where: str) -> None:
        """Refuse a lever that names a route its category has no placements by.

        Raises
        ------
        ValueError
        """

    def hazard(self, categories: Sequence[str], months: Months) -> HazardChange | None:
        """The lever's change to a hazard, or ``None``."""
        return None

    def entries(self, categories: Sequence[str], months: Months) -> np.ndarray | None:
        """(month, category, age) multiplier of entries, or ``None``."""
        return None

    def reprice(self, price: np.ndarray, pricing: Pricing, months: Months) -> None:
        """Change, in place, the (month, category, route) weekly prices [£/week]."""

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
    ValueError
        If the category has no placements by the named route.
    """
    used = pricing.routes_of(category)
    if route is None:
        return [pricing.routes.index(r) for r in used]
    name = normalise_route(route)
    if name not in used:
        raise ValueError(f"{where}: {category} has no placements by route {route!r}; its routes are {', '.join(used)}")
    return [pricing.routes.index(name)]
