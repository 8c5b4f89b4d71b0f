"""Accuracy: rolling-origin backtests on synthetic counties and on the published council tables.

Prints:

1. for the bundled sample, and for further synthetic counties read from
   their own messy SSDA903 returns (``--counties`` seeds; generated with
   :func:`sufficiency.datasets.build.build_sample`), the multi-state model
   against naive, drift and exponential smoothing, 12 and 24 months ahead,
   from nine origins (March 2019 to March 2023, every six months): errors
   and 80% interval coverage overall and by group;
2. every English council's published figures: naive, straight-line trend,
   damped growth and stock-flow forecasts 1-3 years ahead from origins
   2014-2021, with only past years visible; and placement mix (latest
   shares times the damped total, against each group carried forward) from
   origins 2012-2019 (the placement tables skip 2018-2020).

Usage::

    python benchmarks/accuracy.py [--sims 500] [--counties 11 23 37 41 53 67 79 97]
"""

from __future__ import annotations

import argparse
import tempfile
import warnings
from pathlib import Path

import pandas as pd

import sufficiency as suf
from sufficiency.datasets.build import build_sample


def county_backtest(data: suf.SSDA903Data, sims: int) -> suf.BacktestResult:
    origins = pd.date_range("2019-03-31", "2023-03-31", freq="6ME")
    return suf.backtest(data, origins=origins, horizon=24, n_sims=sims)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sims", type=int, default=500)
    parser.add_argument("--counties", type=int, nargs="*", default=[11, 23, 37, 41, 53, 67, 79, 97], help="seeds of further synthetic counties")
    args = parser.parse_args()
    pd.set_option("display.width", 200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", suf.DataQualityWarning)
        counties = {"sample (seed 903)": suf.load_sample()}
        with tempfile.TemporaryDirectory() as tmp:
            for seed in args.counties:
                build_sample(Path(tmp) / str(seed), seed=seed)
                counties[f"seed {seed}"] = suf.read_ssda903(Path(tmp) / str(seed) / "returns")
    scores = []
    for name, data in counties.items():
        result = county_backtest(data, args.sims)
        print(f"{name}: % errors and 80% interval coverage")
        print(result.table().round(1).to_string())
        print(result.coverage().round(1).to_string(), end="\n\n")
        scores.append(result.scores.assign(origin=result.scores["origin"] + pd.Timedelta(days=len(scores))))
    if len(counties) > 1:
        pooled = suf.BacktestResult(scores=pd.concat(scores, ignore_index=True), levels=(80,))
        print(f"All {len(counties)} counties pooled")
        print(pooled.table().round(1).to_string())
        print(pooled.coverage().round(1).to_string(), end="\n\n")
    print("Published council tables (DfE, 2011-2022)")
    print(suf.backtest_published(suf.load_published(), origins=range(2014, 2022), horizon=3).round(1).to_string())
    print("\nPublished placement mix (DfE, 2011-2017 and 2021-2022)")
    mix = suf.backtest_published_placements(suf.load_published(), suf.load_published_placements(), origins=range(2012, 2020), horizon=3)
    print(mix.round(1).to_string())


if __name__ == "__main__":
    main()
