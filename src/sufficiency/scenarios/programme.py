"""A savings programme: several scenarios run together, so that levers on the same children do not both save.

A programme is one scenario holding every lever of its members, in order.
Scored together, the levers act on one set of paths: an entry lever's
factors multiply (two services that each prevent 15% of entries prevent
about 28%, not 30%), a second shift moves a share of the children the first
left, hazard changes compound, and every implementation cost is paid. The
programme's saving less the sum of its members' savings is their overlap.
"""

from __future__ import annotations

from collections.abc import Sequence

from .scenario import Scenario

__all__ = ["programme"]


def programme(scenarios: Sequence[Scenario], *, name: str = "programme", description: str | None = None) -> Scenario:
    """The scenarios' levers together, as one scenario to score beside them.

    Parameters
    ----------
    scenarios : sequence of Scenario
        Two or more, with different names.
    name : str
        The programme's name.
    description : str, optional
        Default: the members' names.

    Returns
    -------
    Scenario

    Raises
    ------
    ValueError
        For fewer than two scenarios, two with one name, or a programme
        named like one of its members.

    Examples
    --------
    >>> together = programme([partner, step_down], name="partner and step-down")  # doctest: +SKIP
    >>> scores = score(fitted, [partner, step_down, together], unit_costs=prices)  # doctest: +SKIP
    """
    chosen = list(scenarios)
    names = [s.name for s in chosen]
    if len(chosen) < 2:
        raise ValueError(f"a programme runs two or more scenarios together, not {len(chosen)}")
    if len(set(names)) != len(names) or name in names:
        raise ValueError(f"a programme's scenarios need different names, and its own name another: {names}, {name!r}")
    text = description if description is not None else "Together: " + "; ".join(names) + "."
    return Scenario(name=name, levers=tuple(lv for s in chosen for lv in s.levers), description=text)
