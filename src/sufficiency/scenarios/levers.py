"""Savings scenarios as data: a named list of levers a design team can keep with its brief.

A :class:`Scenario` is a name and a tuple of levers. Each lever is a small
frozen record made by one of the functions below, and a scenario saves to
and loads from a plain dict (:meth:`Scenario.to_dict`,
:meth:`Scenario.from_dict`) or JSON text, so it can be written down in a
brief, kept in a file and read back with :func:`sufficiency.read_scenarios`.

Levers start on a date and may be phased in linearly over ``ramp_months``:
in the month containing ``start`` a lever has ``1 / ramp_months`` of its
effect (scaled by the share of that month's days from ``start`` on), in the
next month ``2 / ramp_months``, and its full effect from the
``ramp_months``-th month on (at once when ``ramp_months`` is 0).

* :func:`shift_placements` moves a share of the children in a category (and
  route) to another route (and optionally category) at a new weekly cost,
  never more than ``capacity`` children at a time: the partner-services
  case. It changes routes, prices and places, not the children's chances of
  moving or leaving care (use :func:`change_hazard` for that).
* :func:`change_hazard` scales the hazard of a move between categories or
  of leaving care (step-down from residential care, reunification).
* :func:`change_entries` scales entries to care (edge-of-care prevention).
* :func:`change_unit_cost` changes a price from a date.
* :func:`add_capacity` adds places.
* :func:`implementation_cost` is what the scenario costs to run [£].

:func:`sufficiency.score` turns scenarios into savings against the
baseline, sharing its random numbers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ..common.ages import AGES


def _date(value: object, lever: str) -> str:
    try:
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{lever}: start/end {value!r} is not a date") from exc


def _ages(ages: Iterable[int] | None, lever: str) -> tuple[int, ...] | None:
    if ages is None:
        return None
    out = tuple(sorted({int(a) for a in ages}))
    bad = [a for a in out if a not in AGES]
    if bad or not out:
        raise ValueError(f"{lever}: ages {list(ages)!r} must be single years from 0 to {AGES[-1]}")
    return out


def _fraction(value: float, name: str, lever: str) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{lever}: {name} must be between 0 and 1, not {value}")
    return value


def _non_negative(value: float | None, name: str, lever: str) -> float | None:
    if value is None:
        return None
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{lever}: {name} must be 0 or more, not {value}")
    return value


@dataclass(frozen=True)
class ShiftPlacements:
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
    lever: str = "shift_placements"


@dataclass(frozen=True)
class ChangeHazard:
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


@dataclass(frozen=True)
class ChangeEntries:
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


@dataclass(frozen=True)
class ChangeUnitCost:
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


@dataclass(frozen=True)
class AddCapacity:
    """Add places of a category (and route) from a date.

    Attributes
    ----------
    category : str
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


@dataclass(frozen=True)
class ImplementationCost:
    """What a scenario costs to run [£].

    Attributes
    ----------
    one_off : float
        Paid in the financial year of ``start`` [£].
    running_per_year : float
        Paid evenly by day from ``start`` to ``end`` [£/year].
    start : str
    end : str or None
        Last day of the running cost; ``None`` runs to the horizon.
    """

    one_off: float
    running_per_year: float
    start: str
    end: str | None = None
    lever: str = "implementation_cost"


Lever = ShiftPlacements | ChangeHazard | ChangeEntries | ChangeUnitCost | AddCapacity | ImplementationCost
_LEVER_TYPES = (ShiftPlacements, ChangeHazard, ChangeEntries, ChangeUnitCost, AddCapacity, ImplementationCost)


def shift_placements(
    category: str,
    *,
    route: str | None = None,
    to_route: str,
    to_category: str | None = None,
    share: float,
    weekly_cost: float,
    start: object,
    ramp_months: int = 0,
    capacity: float | None = None,
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
        Route moved to (e.g. ``"partner"``).
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

    Returns
    -------
    ShiftPlacements

    Raises
    ------
    ValueError
        For a share outside 0-1, a negative price, ramp or capacity, or a
        start that is not a date.
    """
    name = "shift_placements"
    return ShiftPlacements(
        category=str(category),
        route=None if route is None else str(route),
        to_route=str(to_route),
        to_category=None if to_category is None else str(to_category),
        share=_fraction(share, "share", name),
        weekly_cost=float(_non_negative(weekly_cost, "weekly_cost", name)),  # type: ignore[arg-type]
        start=_date(start, name),
        ramp_months=int(_non_negative(ramp_months, "ramp_months", name)),  # type: ignore[arg-type]
        capacity=_non_negative(capacity, "capacity", name),
    )


def change_hazard(
    from_category: str,
    to: str,
    *,
    factor: float,
    ages: Iterable[int] | None = None,
    start: object,
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
        from_category=str(from_category),
        to=str(to),
        factor=float(_non_negative(factor, "factor", name)),  # type: ignore[arg-type]
        ages=_ages(ages, name),
        start=_date(start, name),
        ramp_months=int(_non_negative(ramp_months, "ramp_months", name)),  # type: ignore[arg-type]
    )


def change_entries(
    *,
    factor: float,
    ages: Iterable[int] | None = None,
    categories: Iterable[str] | None = None,
    start: object,
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
        factor=float(_non_negative(factor, "factor", name)),  # type: ignore[arg-type]
        ages=_ages(ages, name),
        categories=None if categories is None else tuple(str(c) for c in categories),
        start=_date(start, name),
        ramp_months=int(_non_negative(ramp_months, "ramp_months", name)),  # type: ignore[arg-type]
    )


def change_unit_cost(
    category: str,
    *,
    route: str | None = None,
    factor: float | None = None,
    weekly_cost: float | None = None,
    start: object,
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
        raise ValueError(f"{name}: give one of factor and weekly_cost")
    return ChangeUnitCost(
        category=str(category),
        route=None if route is None else str(route),
        factor=_non_negative(factor, "factor", name),
        weekly_cost=_non_negative(weekly_cost, "weekly_cost", name),
        start=_date(start, name),
    )


def add_capacity(category: str, *, route: str | None = None, places: float, start: object) -> AddCapacity:
    """Lever: add places of a category (and route) from a date.

    Parameters
    ----------
    category : str
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
        category=str(category),
        route=None if route is None else str(route),
        places=float(_non_negative(places, "places", name)),
        start=_date(start, name),
    )  # type: ignore[arg-type]


def implementation_cost(
    *, one_off: float = 0.0, running_per_year: float = 0.0, start: object, end: object | None = None
) -> ImplementationCost:
    """Lever: the cost of running a scenario, subtracted from its savings.

    Parameters
    ----------
    one_off : float
        Paid in the financial year of ``start`` [£].
    running_per_year : float
        Paid evenly from ``start`` to ``end`` [£/year].
    start : date
    end : date, optional
        Default: to the end of the projection.

    Returns
    -------
    ImplementationCost
    """
    name = "implementation_cost"
    return ImplementationCost(
        one_off=float(_non_negative(one_off, "one_off", name)),  # type: ignore[arg-type]
        running_per_year=float(_non_negative(running_per_year, "running_per_year", name)),  # type: ignore[arg-type]
        start=_date(start, name),
        end=None if end is None else _date(end, name),
    )


@dataclass(frozen=True)
class Scenario:
    """A named list of levers.

    Parameters
    ----------
    name : str
    levers : sequence of levers
        Made by :func:`shift_placements`, :func:`change_hazard`,
        :func:`change_entries`, :func:`change_unit_cost`,
        :func:`add_capacity` and :func:`implementation_cost`. A scenario
        with no levers is the baseline.
    description : str
        Optional words for the brief.
    """

    name: str
    levers: tuple[Lever, ...] = ()
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "levers", tuple(self.levers))
        if not str(self.name).strip():
            raise ValueError("a scenario needs a name")
        for lever in self.levers:
            if not isinstance(lever, _LEVER_TYPES):
                raise ValueError(
                    f"scenario {self.name!r}: {lever!r} is not a lever (make one with shift_placements, change_hazard, ...)"
                )

    def to_dict(self) -> dict:
        """The scenario as plain data: ``{"name", "description", "levers": [{"lever": kind, ...}]}``."""
        return {"name": self.name, "description": self.description, "levers": [_lever_dict(lv) for lv in self.levers]}

    def to_json(self) -> str:
        """The scenario as JSON text (see :meth:`to_dict`)."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping) -> Scenario:
        """Read a scenario from plain data (as :meth:`to_dict` writes it).

        Parameters
        ----------
        data : mapping

        Returns
        -------
        Scenario

        Raises
        ------
        ValueError
            For an unknown lever kind, an unknown or missing parameter, or
            a value a lever refuses.
        """
        if "name" not in data:
            raise ValueError("a scenario needs a 'name'")
        levers = []
        for i, item in enumerate(data.get("levers", [])):
            item = dict(item)
            kind = item.pop("lever", None)
            if kind not in _MAKERS:
                raise ValueError(
                    f"scenario {data['name']!r}, lever {i + 1}: unknown lever {kind!r} (use one of {', '.join(_MAKERS)})"
                )
            try:
                levers.append(_MAKERS[kind](**item))
            except TypeError as exc:
                raise ValueError(f"scenario {data['name']!r}, lever {i + 1} ({kind}): {exc}") from exc
        return cls(name=str(data["name"]), levers=tuple(levers), description=str(data.get("description", "")))

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        """Read a scenario from JSON text (see :meth:`from_dict`)."""
        return cls.from_dict(json.loads(text))


def _lever_dict(lever: Lever) -> dict:
    out = asdict(lever)
    kind = out.pop("lever")
    for key, value in list(out.items()):
        if isinstance(value, tuple):
            out[key] = list(value)
    return {"lever": kind, **out}


_MAKERS = {
    "shift_placements": lambda category, **kw: shift_placements(category, **kw),
    "change_hazard": lambda from_category, to, **kw: change_hazard(from_category, to, **kw),
    "change_entries": lambda **kw: change_entries(**kw),
    "change_unit_cost": lambda category, **kw: change_unit_cost(category, **kw),
    "add_capacity": lambda category, **kw: add_capacity(category, **kw),
    "implementation_cost": lambda **kw: implementation_cost(**kw),
}


def scenarios_from_data(data: object) -> list[Scenario]:
    """Scenarios from plain data: one scenario dict, a list of them, or ``{"scenarios": [...]}``.

    Parameters
    ----------
    data : dict or list

    Returns
    -------
    list of Scenario
    """
    if isinstance(data, Mapping) and "scenarios" in data:
        data = data["scenarios"]
    items = [data] if isinstance(data, Mapping) else list(data)  # type: ignore[arg-type]
    out = [Scenario.from_dict(item) for item in items]
    names = [s.name for s in out]
    if len(set(names)) != len(names):
        raise ValueError(f"scenario names must differ: {names}")
    return out


def month_weights(start: str, ramp_months: int, ends: pd.DatetimeIndex, days: Sequence[float]) -> np.ndarray:
    """Strength of a lever in each month, 0 to 1 (see the module notes).

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
