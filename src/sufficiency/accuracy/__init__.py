"""Stage 5, how good the forecasts are: rolling-origin backtests, baselines, combinations and calibration learned.

In: the returns, and the model's fit and projection. Out:
:class:`BacktestResult`, baseline forecasts, combination weights, and the
calibration factors the projection reads.
"""

from .backtest import BacktestResult, backtest, choose_reference, truncate
from .baselines import baseline_forecast

__all__ = ["BacktestResult", "backtest", "baseline_forecast", "choose_reference", "truncate"]
