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
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from ..common.errors import SchemaError
from .added_places import AddCapacity, add_capacity
from .entries import ChangeEntries, change_entries
from .hazards import ChangeHazard, change_hazard
from .lever import Lever, LeverError
from .running_costs import ImplementationCost, implementation_cost
from .shifts import ShiftPlacements, shift_placements
from .unit_costs import ChangeUnitCost, change_unit_cost

__all__ = ["LEVERS", "Scenario", "ScenarioError", "read_scenarios", "scenarios_from_data"]

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


class ScenarioError(ValueError):
    """A scenario that cannot be read: where in the scenarios it is, and the rule it breaks.

    Attributes
    ----------
    scenario : int or None
        Position of the scenario (0-based) in what was read.
    lever : int or None
        Position of the lever in the scenario (0-based), when the problem is a lever's.
    field : str
        The setting (``"name"``, ``"levers"``, a lever's ``"start"``, ...).
    rule : str
    """

    def __init__(self, message: str, *, scenario: int | None, lever: int | None, field: str, rule: str) -> None:
        super().__init__(message)
        self.scenario, self.lever, self.field, self.rule = scenario, lever, field, rule


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
    source : str, optional
        The file the scenario was read from (set by :func:`read_scenarios`).
    lines : tuple of int
        Its line in that file, then each lever's.
    """

    name: str
    levers: tuple[Lever, ...] = ()
    description: str = ""
    source: str | None = field(default=None, compare=False, repr=False)
    lines: tuple[int, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "levers", tuple(self.levers))
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"a scenario needs a name, not {self.name!r}")
        for lever in self.levers:
            if not isinstance(lever, Lever):
                raise ValueError(
                    f"scenario {self.name!r}: {lever!r} is not a lever "
                    "(make one with shift_placements, change_hazard, ...)"
                )

    def line_of(self, lever: int | None = None) -> int | None:
        """The file line of the scenario (``lever=None``) or of one of its levers, when known."""
        position = 0 if lever is None else lever + 1
        return self.lines[position] if position < len(self.lines) else None

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
        ScenarioError
            For data that is not a scenario, a missing or empty name, levers
            that are not a list of levers, an unknown lever kind, an unknown
            or missing setting, or a value a lever refuses.
        """
        return _scenario(data, 0)

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        """Read a scenario from JSON text (see :meth:`from_dict`)."""
        return cls.from_dict(json.loads(text))


#: The settings of a scenario in a file (as :meth:`Scenario.to_dict` writes them).
_SCENARIO_KEYS = ("name", "description", "levers")


def _scenario(data: object, position: int) -> Scenario:
    """One scenario from plain data; a ScenarioError saying where and why."""
    if not isinstance(data, Mapping):
        raise ScenarioError(
            f"scenario {position + 1} is {type(data).__name__} {data!r:.60}, not an object with a name and levers",
            scenario=position,
            lever=None,
            field="",
            rule="not_a_scenario",
        )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError(
            f"scenario {position + 1} needs a name (text), not {name!r}",
            scenario=position,
            lever=None,
            field="name",
            rule="bad_value",
        )
    description = data.get("description", "")
    if description is not None and not isinstance(description, str):
        raise ScenarioError(
            f"scenario {name!r}: the description must be text",
            scenario=position,
            lever=None,
            field="description",
            rule="bad_value",
        )
    unknown = sorted(str(k) for k in data if k not in _SCENARIO_KEYS)
    if unknown:
        raise ScenarioError(
            f"scenario {name!r}: unknown setting {', '.join(repr(k) for k in unknown)} (a scenario has "
            f"{', '.join(_SCENARIO_KEYS)})",
            scenario=position,
            lever=None,
            field=unknown[0],
            rule="unknown_setting",
        )
    if "levers" not in data:
        raise ScenarioError(
            f"scenario {name!r} has no 'levers' list (give [] for a scenario with none)",
            scenario=position,
            lever=None,
            field="levers",
            rule="missing_value",
        )
    items = data["levers"]
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Sequence):
        raise ScenarioError(
            f"scenario {name!r}: levers must be a list", scenario=position, lever=None, field="levers", rule="bad_value"
        )
    makers = {kind: maker for kind, (_, maker) in LEVERS.items()}
    levers = []
    for i, item in enumerate(items):
        where = f"scenario {name!r}, lever {i + 1}"
        if not isinstance(item, Mapping):
            raise ScenarioError(
                f"{where} is {type(item).__name__} {item!r:.60}, not an object",
                scenario=position,
                lever=i,
                field="",
                rule="not_a_lever",
            )
        settings = dict(item)
        kind = settings.pop("lever", None)
        if not isinstance(kind, str) or kind not in makers:
            what = (
                f'has no "lever" naming its kind (its keys: {", ".join(map(str, item)) or "none"})'
                if kind is None
                else f"unknown lever {kind!r}"
            )
            raise ScenarioError(
                f"{where}: {what} (use one of {', '.join(makers)})",
                scenario=position,
                lever=i,
                field="lever",
                rule="unknown_lever",
            )
        try:
            levers.append(makers[kind](**settings))
        except LeverError as exc:
            raise ScenarioError(f"{where}: {exc}", scenario=position, lever=i, field=exc.field, rule=exc.rule) from exc
        except TypeError as exc:
            raise ScenarioError(
                f"{where} ({kind}): {exc}", scenario=position, lever=i, field="", rule="bad_setting"
            ) from exc
    return Scenario(name=name.strip(), levers=tuple(levers), description=description or "")


def _lever_dict(lever: Lever) -> dict[str, object]:
    out = asdict(lever)
    kind = out.pop("lever")
    for key, value in list(out.items()):
        if isinstance(value, tuple):
            out[key] = list(value)
    return {"lever": kind, **out}


def scenarios_from_data(data: object) -> list[Scenario]:
    """Scenarios from plain data: one scenario dict, a list of them, or ``{"scenarios": [...]}``.

    Parameters
    ----------
    data : dict or list

    Returns
    -------
    list of Scenario

    Raises
    ------
    ScenarioError
        For data that holds no scenarios, a scenario that cannot be read, or
        two scenarios with one name.
    """
    if isinstance(data, Mapping) and "scenarios" in data:
        data = data["scenarios"]
    if isinstance(data, Mapping):
        items: list[object] = [data]
    elif isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        items = list(data)
    else:
        raise ScenarioError(
            f"scenarios must be an object or a list of them, not {type(data).__name__}",
            scenario=None,
            lever=None,
            field="scenarios",
            rule="not_a_scenario",
        )
    if not items:
        raise ScenarioError("there are no scenarios", scenario=None, lever=None, field="scenarios", rule="no_scenarios")
    out = [_scenario(item, i) for i, item in enumerate(items)]
    names = [s.name for s in out]
    repeated = next((i for i, n in enumerate(names) if n in names[:i]), None)
    if repeated is not None:
        raise ScenarioError(
            f"scenario names must differ: {names[repeated]!r} is used twice",
            scenario=repeated,
            lever=None,
            field="name",
            rule="duplicate_name",
        )
    return out


_KEY = re.compile(r'(?<!\\)"(name|lever)"\s*:')


def _key_lines(text: str) -> dict[str, list[int]]:
    """The line of every ``"name":`` and ``"lever":`` key in JSON text, in document order."""
    found: dict[str, list[int]] = {"name": [], "lever": []}
    for match in _KEY.finditer(text):
        found[match.group(1)].append(text.count("\n", 0, match.start()) + 1)
    return found


def _lines(text: str, scenarios: list[Scenario]) -> list[tuple[int, ...]]:
    """Each scenario's line and its levers' lines in the JSON text."""
    found = _key_lines(text)
    out, lever = [], 0
    for i, scenario in enumerate(scenarios):
        own = found["name"][i] if i < len(found["name"]) else 0
        levers = found["lever"][lever : lever + len(scenario.levers)]
        lever += len(scenario.levers)
        out.append((own, *levers))
    return out


def _decode(raw: bytes, name: str) -> str:
    """The file's text (UTF-8, with or without BOM); a SchemaError naming the line of the first byte that is not."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise SchemaError(
            f"not UTF-8 text (byte {raw[exc.start : exc.start + 1]!r}): save the file as UTF-8",
            file=name,
            row=line,
            rule="not_utf8",
        ) from exc


def read_scenarios(path: str | Path) -> list[Scenario]:
    """Read scenarios from a JSON file: one scenario, a list of them, or ``{"scenarios": [...]}``.

    Each scenario is ``{"name": ..., "description": ..., "levers": [{"lever":
    "shift_placements", ...}, ...]}`` as :meth:`Scenario.to_dict` writes it.
    Dates are ``2025-07-01`` or ``01/07/2025``, as in the returns. Each
    scenario read keeps the file and its lines (:attr:`Scenario.source`),
    so a problem found when it is scored names them too.

    Parameters
    ----------
    path : path

    Returns
    -------
    list of Scenario

    Raises
    ------
    SchemaError
        If the file is missing, is not UTF-8 JSON, holds no scenarios, or a
        scenario or lever is not valid (naming the line and the setting).
    """
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise SchemaError(f"cannot be read ({exc.strerror or exc})", file=name, rule="missing_source") from exc
    text = _decode(raw, name)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemaError(
            f"not JSON: {exc.msg} at column {exc.colno}", file=name, row=exc.lineno, rule="not_json"
        ) from exc
    except RecursionError as exc:
        raise SchemaError("not JSON a reader can take: nested too deeply", file=name, rule="not_json") from exc
    try:
        scenarios = scenarios_from_data(data)
    except ScenarioError as exc:
        lines = _problem_line(text, data, exc)
        raise SchemaError(str(exc), file=name, row=lines, column=exc.field or None, rule=exc.rule) from exc
    return [replace(s, source=name, lines=lines) for s, lines in zip(scenarios, _lines(text, scenarios))]


def _problem_line(text: str, data: object, error: ScenarioError) -> int | None:
    """The line of the scenario or lever a problem is in, when it can be found."""
    if error.scenario is None:
        return None
    found = _key_lines(text)
    if error.lever is None:
        return found["name"][error.scenario] if error.scenario < len(found["name"]) else None
    items = data.get("scenarios", data) if isinstance(data, Mapping) else data
    listed = [items] if isinstance(items, Mapping) else list(items) if isinstance(items, Sequence) else []
    before = sum(
        len(item["levers"]) if isinstance(item, Mapping) and isinstance(item.get("levers"), list) else 0
        for item in listed[: error.scenario]
    )
    index = before + error.lever
    return found["lever"][index] if index < len(found["lever"]) else None
