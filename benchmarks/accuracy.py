"""Accuracy: rolling-origin backtests on the sample and on the published council tables.

Prints two tables:

1. the bundled sample: the multi-state model against naive, drift and
   exponential smoothing, 12 and 24 months ahead, from nine origins
   (March 2019 to March 2023, every six months);
2. every English council's published figures: naive, straight-line trend,
   damped growth and stock-flow forecasts 1-3 years ahead from origins
   2014-2021, with only past years visible.

Usage::

    python benchmarks/accuracy.py [--sims 500]
"""

from __future__ import annotations

import argparse
import warnings

import pandas as pd

import sufficiency as suf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sims", type=int, default=500)
    args = parser.parse_args()
    pd.set_option("display.width", 200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", suf.DataQualityWarning)
        data = suf.load_sample()
    origins = pd.date_range("2019-03-31", "2023-03-31", freq="6ME")
    result = suf.backtest(data, origins=origins, horizon=24, n_sims=args.sims)
    print("Sample county: % errors and 80% interval coverage")
    print(result.table().round(1).to_string())
    print("\nPublished council tables (DfE, 2011-2022)")
    print(suf.backtest_published(suf.load_published(), origins=range(2014, 2022), horizon=3).round(1).to_string())


if __name__ == "__main__":
    main()
