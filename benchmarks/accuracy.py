"""Accuracy: rolling-origin backtests on synthetic counties and on the published council tables.

Writes two results files that the README quotes:

* ``results/accuracy_counties.md``: for the bundled sample and further synthetic counties read from
  their own messy SSDA903 returns (``--counties`` seeds; generated with
  :func:`sufficiency.datasets.build.build_sample`), the multi-state model against naive, drift and
  exponential smoothing, 12 and 24 months ahead, from nine origins (March 2019 to March 2023, every six
  months), pooled over the counties: errors and 80% interval coverage;
* ``results/accuracy_published.md``: every English council's published figures: naive, straight-line
  trend, damped growth and stock-flow forecasts 1-3 years ahead from origins 2014-2021 with only past
  years visible; and placement mix (latest shares times the damped total, against each group carried
  forward) from origins 2012-2019 (the placement tables skip 2018-2020).

Usage::

    python benchmarks/accuracy.py [--sims 500] [--counties 11 23 37 41 53 67 79 97] [--published-only]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import warnings
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _results import markdown_table, write_result  # noqa: E402

import sufficiency as suf  # noqa: E402
from sufficiency.datasets.build import build_sample  # noqa: E402

COUNTY_ORIGINS = pd.date_range("2019-03-31", "2023-03-31", freq="6ME")
PUBLISHED_ORIGINS = range(2014, 2022)
MIX_ORIGINS = range(2012, 2020)


def published_text() -> str:
    """The published-table backtests as Markdown (deterministic; recomputed by the tests)."""
    totals = suf.backtest_published(suf.load_published(), origins=PUBLISHED_ORIGINS, horizon=3)
    mix = suf.backtest_published_placements(suf.load_published(), suf.load_published_placements(), origins=MIX_ORIGINS, horizon=3)
    return "\n\n".join(
        [
            f"Children looked after at 31 March, every English council (DfE tables 2011-2022), origins {PUBLISHED_ORIGINS.start}-{PUBLISHED_ORIGINS.stop - 1}, "
            "1 to 3 years ahead; `mape`, `median_ape` and `bias` in %, `coverage_80` = % of outcomes inside the 80% interval:",
            markdown_table(totals),
            f"Placement mix (DfE tables 2011-2017 and 2021-2022), origins {MIX_ORIGINS.start}-{MIX_ORIGINS.stop - 1}; `wape` = absolute errors summed over a "
            "council's groups ÷ its children, %:",
            markdown_table(mix),
        ]
    )


def counties_text(sims: int, seeds: list[int]) -> str:
    """Backtests of the synthetic counties as Markdown."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", suf.DataQualityWarning)
        counties = {"sample (seed 903)": suf.load_sample()}
        with tempfile.TemporaryDirectory() as tmp:
            for seed in seeds:
                build_sample(Path(tmp) / str(seed), seed=seed)
                counties[f"seed {seed}"] = suf.read_ssda903(Path(tmp) / str(seed) / "returns")
    scores = []
    for i, data in enumerate(counties.values()):
        result = suf.backtest(data, origins=COUNTY_ORIGINS, horizon=24, n_sims=sims)
        # each county's origins are kept apart when pooled
        scores.append(result.scores.assign(origin=result.scores["origin"] + pd.Timedelta(days=i)))
    pooled = suf.BacktestResult(scores=pd.concat(scores, ignore_index=True), levels=(80,))
    table = pooled.table()
    table["origins"] = table["origins"].astype(int)
    return "\n\n".join(
        [
            f"{len(counties)} synthetic counties (the sample and seeds {', '.join(map(str, seeds))}), each read from its own SSDA903 returns; "
            f"{len(COUNTY_ORIGINS)} origins from {COUNTY_ORIGINS[0].date()} to {COUNTY_ORIGINS[-1].date()}; {sims} simulations. "
            "`mape_total`, `bias_total`, `wape_placement`, `wape_age_band` and `coverage_80` in %:",
            markdown_table(table),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sims", type=int, default=500)
    parser.add_argument("--counties", type=int, nargs="*", default=[11, 23, 37, 41, 53, 67, 79, 97], help="seeds of further synthetic counties")
    parser.add_argument("--published-only", action="store_true", help="only the published-table backtests (seconds, not minutes)")
    args = parser.parse_args()
    print(write_result("accuracy_published", published_text()))
    if not args.published_only:
        print(write_result("accuracy_counties", counties_text(args.sims, args.counties)))


if __name__ == "__main__":
    main()
