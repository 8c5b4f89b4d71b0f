"""Charts of the library's results, drawn with matplotlib (a leaf: nothing in the core imports it).

This is the only package that imports matplotlib, and it does so inside each
function, so ``import sufficiency`` never does. Every function takes the
library's result objects (or their frames), draws on ``ax`` (a new figure
when ``None``), returns the Axes (or an array of Axes for small multiples),
never calls ``show()``, and labels its axes with units and dates or
financial years. Charts of children are in :mod:`~sufficiency.plotting.children`,
of pounds and places in :mod:`~sufficiency.plotting.money`, of the model in
:mod:`~sufficiency.plotting.model`, of an evaluation in
:mod:`~sufficiency.plotting.evaluation`; colours in :mod:`~sufficiency.plotting.style`.
"""

from .children import demand_by_age, demand_by_category, fan, fans, flows, stock_history
from .evaluation import evaluation, evaluation_plan
from .model import backtest, rates
from .money import cost_pressure, costs_by_year, scenarios, sufficiency_gap
from .style import CATEGORY_COLOURS, GROUP_COLOURS, METHOD_COLOURS, category_colour

__all__ = [
    "CATEGORY_COLOURS",
    "GROUP_COLOURS",
    "METHOD_COLOURS",
    "backtest",
    "category_colour",
    "cost_pressure",
    "costs_by_year",
    "demand_by_age",
    "demand_by_category",
    "evaluation",
    "evaluation_plan",
    "fan",
    "fans",
    "flows",
    "rates",
    "scenarios",
    "stock_history",
    "sufficiency_gap",
]
