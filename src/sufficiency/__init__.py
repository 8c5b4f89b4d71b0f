"""sufficiency: forecast looked-after children, placement demand and cost.

The public API is listed in ``__all__``. Importing the package never imports
matplotlib.
"""

from __future__ import annotations

from . import schema
from .ages import DFE_AGE_BANDS, age_band
from .backtest import BacktestResult, backtest, choose_reference, truncate
from .baselines import baseline_forecast
from .datasets import (
    load_published,
    load_published_placements,
    load_sample,
    sample_path,
    simulate_county,
    write_returns,
)
from .errors import DataQualityWarning, SchemaError
from .flows import Flows, flows
from .ingest import SSDA903Data, read_ssda903
from .projection import Projection, project
from .published import backtest_published, forecast_published
from .published_ingest import read_published, read_published_placements
from .published_mix import backtest_published_placements, forecast_published_placements
from .quality import summarise_quality
from .rates import FittedModel, fit
from .stock import stock
from .taxonomy import categories, categorise, coarsen, default_taxonomy

__version__ = "0.1.0"

__all__ = [
    "DFE_AGE_BANDS",
    "BacktestResult",
    "DataQualityWarning",
    "FittedModel",
    "Flows",
    "Projection",
    "SSDA903Data",
    "SchemaError",
    "__version__",
    "age_band",
    "backtest",
    "backtest_published",
    "backtest_published_placements",
    "baseline_forecast",
    "categories",
    "categorise",
    "choose_reference",
    "coarsen",
    "default_taxonomy",
    "fit",
    "flows",
    "forecast_published",
    "forecast_published_placements",
    "load_published",
    "load_published_placements",
    "load_sample",
    "project",
    "read_published",
    "read_published_placements",
    "read_ssda903",
    "sample_path",
    "schema",
    "simulate_county",
    "stock",
    "summarise_quality",
    "truncate",
    "write_returns",
]
