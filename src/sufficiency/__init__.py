"""sufficiency: forecast looked-after children, placement demand and cost.

The public API is listed in ``__all__``. Importing the package never imports
matplotlib.
"""

from __future__ import annotations

from .accuracy.backtest import BacktestResult, backtest, choose_reference, truncate
from .accuracy.baselines import baseline_forecast
from .common import schema
from .common.ages import DFE_AGE_BANDS, age_band
from .common.errors import DataQualityWarning, SchemaError
from .counts.flows import Flows, flows
from .counts.stock import stock
from .datasets import (
    load_published,
    load_published_placements,
    load_published_spend,
    load_sample,
    sample_path,
    simulate_county,
    write_returns,
)
from .finance.costs import CostProjection, cost, spend_history
from .finance.fees import PlacementFees, read_placement_costs
from .finance.pressure import cost_pressure
from .finance.prices import default_inflation, default_route_shares, default_unit_costs
from .finance.readers import read_capacity, read_inflation, read_route_shares, read_scenarios, read_unit_costs
from .ingest.quality import summarise_quality
from .ingest.returns import SSDA903Data, read_ssda903
from .ingest.taxonomy import categories, categorise, coarsen, default_taxonomy
from .places.capacity import sufficiency_gap
from .projection.result import Projection
from .projection.run import project
from .projection.uasc import uasc_quota_arrivals
from .published.mix import backtest_published_placements, forecast_published_placements
from .published.readers import read_published, read_published_placements
from .published.totals import backtest_published, forecast_published
from .rates.fitted import FittedModel
from .rates.fitting import fit
from .scenarios.levers import (
    Scenario,
    add_capacity,
    change_entries,
    change_hazard,
    change_unit_cost,
    implementation_cost,
    shift_placements,
)
from .scenarios.scoring import ScenarioScores, score

__version__ = "0.1.0"

__all__ = [
    "DFE_AGE_BANDS",
    "BacktestResult",
    "CostProjection",
    "DataQualityWarning",
    "FittedModel",
    "Flows",
    "PlacementFees",
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
    "default_inflation",
    "default_route_shares",
    "default_taxonomy",
    "default_unit_costs",
    "fit",
    "flows",
    "forecast_published",
    "forecast_published_placements",
    "implementation_cost",
    "load_published",
    "load_published_placements",
    "load_published_spend",
    "load_sample",
    "project",
    "read_capacity",
    "read_inflation",
    "read_placement_costs",
    "read_published",
    "read_published_placements",
    "read_route_shares",
    "read_scenarios",
    "read_ssda903",
    "read_unit_costs",
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
    "write_returns",
]
