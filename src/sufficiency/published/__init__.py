"""Beside stages 1-5, forecasts from published tables: the DfE's counts of children looked after by council.

For users without child-level data. Reads the published tables, joins
reorganised councils to their predecessors, forecasts totals and the
placement mix, and backtests them.
"""

from .mix import backtest_published_placements, forecast_published_placements
from .readers import read_published, read_published_placements
from .totals import backtest_published, forecast_published

__all__ = [
    "backtest_published",
    "backtest_published_placements",
    "forecast_published",
    "forecast_published_placements",
    "read_published",
    "read_published_placements",
]
