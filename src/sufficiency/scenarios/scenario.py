"""Savings scenarios as data: a named list of levers a design team can keep with its brief.

A :class:`Scenario` is a name and a tuple of levers. Each lever is a small
frozen record made by a maker function, and a scenario saves to and loads
from a plain dict (:meth:`Scenario.to_dict`, :meth:`Scenario.from_dict`) or
JSON text, so it can be written down in a brief, kept in a file and read
back with :func:`read_scenarios`. The levers (:data:`LEVERS`):

* :func:`~sufficiency.shift_placements` moves a share of the children in a
  category (and route) to another route (and optionally category) at a new
  weekly cost, never more than ``capacity`` children at a time: the
  partner-services case;
* :func:`~sufficiency.change_hazard` scales the hazard of a move between
  categories or of leaving care (step-down from residential care,
  reunification);
* :func:`~sufficiency.change_entries` scales entries to care (edge-of-care
  prevention);
* :func:`~sufficiency.change_unit_cost` changes a price from a date;
* :func:`~sufficiency.add_capacity` adds places;
* :func:`~sufficiency.implementation_cost` is what the scenario costs to run [£].

:func:`sufficiency.score` turns scenarios into savings against the
baseline, sharing its random numbers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..common.errors import SchemaError
from .added_places import AddCapacity, add_capacity
from .entries import ChangeEntries, change_entries
from .hazards import ChangeHazard, change_hazard
from .lever import Lever
from .running_costs import ImplementationCost, implementation_cost
from .shifts import ShiftPlacements, shift_placements
from .unit_costs import ChangeUnitCost, change_unit_cost

__all__ = ["LEVERS", "Scenario", "read_scenarios", "scenarios_from_data"]

#: Every lever a scenario may hold: kind -> (record class, maker function). A new lever is added here.
LEVERS: Mapping[str, tuple[type[Lever], Callable[..., Lever]]] = MappingProxyType(
    {
        "shift_placements": (ShiftPlacements, shift_placements),
        "change_hazard": (ChangeHazard, change_hazard),
        "change_entries": (ChangeEntries, change_entries),
        "change_unit_cost": (ChangeUnitCost, change_unit_cost),
        "add_capacity": (AddCapacity, add_capacity),
        "implementation_cost": (ImplementationCost, implementation_cost),
    }
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
            if not isinstance(lever, Lever):
                raise ValueError(
                    f"scenario {self.name!r}: {lever!r} is not a lever "
                    "(make one with shift_placements, change_hazard, ...)"
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
        makers = {kind: maker for kind, (_, maker) in LEVERS.items()}
        levers = []
        for i, item in enumerate(data.get("levers", [])):
            item = dict(item)
            kind = item.pop("lever", None)
            if kind not in makers:
                raise ValueError(
                    f"scenario {data['name']!r}, lever {i + 1}: unknown lever {kind!r} (use one of {', '.join(makers)})"
                )
            try:
                levers.append(makers[kind](**item))
            except TypeError as exc:
                raise ValueError(f"scenario {data['name']!r}, lever {i + 1} ({kind}): {exc}") from exc
        return cls(name=str(data["name"]), levers=tuple(levers), description=str(data.get("description", "")))

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        """Read a scenario from JSON text (see :meth:`from_dict`)."""
        return cls.from_dict(json.loads(text))


def _lever_dict(lever: Lever) -> dict[str, object]:
    out = asdict(lever)
    kind = out.pop("lever")
    for key, value in list(out.items()):
        if isinstance(value, tuple):
            out[key] = list(value)
    return {"lever": kind, **out}


def scenarios_from_data(data: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> list[Scenario]:
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
    items = [data] if isinstance(data, Mapping) else list(data)
    out = [Scenario.from_dict(item) for item in items]
    names = [s.name for s in out]
    if len(set(names)) != len(names):
        raise ValueError(f"scenario names must differ: {names}")
    return out


def read_scenarios(path: str | Path) -> list[Scenario]:
    """Read scenarios from a JSON file: one scenario, a list of them, or ``{"scenarios": [...]}``.

    Each scenario is ``{"name": ..., "description": ..., "levers": [{"lever":
    "shift_placements", ...}, ...]}`` as :meth:`Scenario.to_dict` writes it.

    Parameters
    ----------
    path : path

    Returns
    -------
    list of Scenario

    Raises
    ------
    SchemaError
        If the file is missing, is not JSON, or a lever is not valid.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise SchemaError(f"cannot be read ({exc.strerror or exc})", file=name, rule="missing_source") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemaError(
            f"not JSON: {exc.msg} at column {exc.colno}", file=name, row=exc.lineno, rule="not_json"
        ) from exc
    try:
        return scenarios_from_data(data)
    except (ValueError, TypeError) as exc:
        raise SchemaError(str(exc), file=name, rule="bad_scenario") from exc
