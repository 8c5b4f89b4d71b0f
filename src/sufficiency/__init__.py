"""sufficiency: forecast looked-after children, placement demand and cost.

The public API is listed in ``__all__``. Importing the package never imports
matplotlib.
"""

from __future__ import annotations

from .accuracy import BacktestResult, backtest, baseline_forecast, choose_reference, truncate
from .common import DataQualityWarning, SchemaError, schema
from .common.ages import DFE_AGE_BANDS, age_band
from .counts import Flows, flows, stock
from .datasets import (
    load_published,
    load_published_placements,
    load_published_spend,
    load_sample,
    sample_path,
    simulate_county,
    write_returns,
)
from .evaluation import Evaluation, EvaluationWarning, evaluate, plan_evaluation
from .finance import (
    CostProjection,
    PlacementFees,
    Prices,
    cost,
    cost_pressure,
    default_inflation,
    default_route_shares,
    default_unit_costs,
    read_inflation,
    read_outturn,
    read_placement_costs,
    read_route_shares,
    read_unit_costs,
    reconcile,
    spend_history,
)
from .ingest import SSDA903Data, categories, categorise, coarsen, default_taxonomy, read_ssda903, summarise_quality
from .places import read_capacity, sufficiency_gap
from .projection import CalibrationWarning, Projection, project, uasc_quota_arrivals
from .published import (
    backtest_published,
    backtest_published_placements,
    forecast_published,
    forecast_published_placements,
    read_published,
    read_published_placements,
)
from .rates import FittedModel, fit
from .report import ReportOptions, write_report
from .scenarios import (
    Scenario,
    ScenarioScores,
    add_capacity,
    change_entries,
    change_hazard,
    change_unit_cost,
    implementation_cost,
    programme,
    read_scenarios,
    score,
    shift_placements,
)

__version__ = "0.1.0"

__all__ = [
    "DFE_AGE_BANDS",
    "BacktestResult",
    "CalibrationWarning",
    "CostProjection",
    "DataQualityWarning",
    "Evaluation",
    "EvaluationWarning",
    "FittedModel",
    "Flows",
    "PlacementFees",
    "Prices",
    "ReportOptions",
    "Projection",
    "SSDA903Data",
    "Scenario",
    "ScenarioScores",
    "SchemaError",
    "__version__",
    "add_capacity",
    "age_band",
    "backtest",
    "backtest_published",
    "backtest_published_placements",
    "baseline_forecast",
    "categories",
    "categorise",
    "change_entries",
    "change_hazard",
    "change_unit_cost",
    "choose_reference",
    "coarsen",
    "cost",
    "cost_pressure",
    "evaluate",
    "default_inflation",
    "default_route_shares",
    "default_taxonomy",
    "default_unit_costs",
    "fit",
    "flows",
    "forecast_published",
    "forecast_published_placements",
    "implementation_cost",
    "plan_evaluation",
    "programme",
    "load_published",
    "load_published_placements",
    "load_published_spend",
    "load_sample",
    "project",
    "read_capacity",
    "read_inflation",
    "read_outturn",
    "read_placement_costs",
    "read_published",
    "read_published_placements",
    "read_route_shares",
    "read_scenarios",
    "read_ssda903",
    "read_unit_costs",
    "reconcile",
    "sample_path",
    "schema",
    "score",
    "shift_placements",
    "simulate_county",
    "spend_history",
    "stock",
    "sufficiency_gap",
    "summarise_quality",
    "truncate",
    "uasc_quota_arrivals",
    "write_report",
    "write_returns",
]
