"""Stage 7, savings scenarios: levers a brief describes, scored against the baseline with common random numbers.

One module per lever (``shifts``, ``hazards``, ``entries``, ``unit_costs``,
``added_places``, ``running_costs``), each a frozen record that knows what
it changes (:class:`~sufficiency.scenarios.lever.Lever`); a
:class:`Scenario` holds levers and reads and writes JSON; scoring projects,
costs and checks places for each scenario. In: a
:class:`~sufficiency.FittedModel`, the prices, places. Out:
:class:`ScenarioScores`.
"""

from .added_places import add_capacity
from .entries import change_entries
from .hazards import change_hazard
from .programme import programme
from .running_costs import implementation_cost
from .scenario import Scenario, read_scenarios
from .scores import ScenarioScores
from .scoring import score
from .shifts import shift_placements
from .unit_costs import change_unit_cost

__all__ = [
    "Scenario",
    "ScenarioScores",
    "add_capacity",
    "change_entries",
    "change_hazard",
    "change_unit_cost",
    "implementation_cost",
    "programme",
    "read_scenarios",
    "score",
    "shift_placements",
]
