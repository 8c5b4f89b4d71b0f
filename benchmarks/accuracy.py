"""Accuracy one to five years ahead: rolling-origin backtests on synthetic councils and on the published council tables.

Writes two results files that the README quotes:

* ``results/accuracy_counties.md``: 60 test-bed councils (``_bed.py``, seeds 1-60: half with returns from
  2012-13, half from 2015-16; not the councils ``calibrate.py`` learns from), each read from its own SSDA903
  returns, with behaviour the model does not assume: spells of slow exits that recover, surges of
  unaccompanied children that start and end, steps and turns in entries. At 31 March 2019 and 2021 each
  method sees only the data of that time and forecasts the children in care at each 31 March one to five
  years on: the default ``fit`` + ``project``; no change; exponential smoothing of the monthly totals
  (damped trend); and a peer model's set-up (a one-year window, no trend, the mean path). Mean absolute
  percentage error (MAPE), bias and 80% interval coverage by horizon;
* ``results/accuracy_published.md``: every English council's published figures: naive, straight-line
  trend, damped growth, stock-flow and their combination 1-3 years ahead from origins 2014-2021 with only
  past years visible; and placement mix (latest shares times the combined total, against each group
  carried forward) from origins 2012-2019 (the placement tables skip 2018-2020).

Usage::

    python benchmarks/accuracy.py [--sims 300] [--seeds 1 60] [--published-only]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bed import ORIGINS, bed_council  # noqa: E402
from _results import markdown_table, write_result  # noqa: E402

import sufficiency as suf  # noqa: E402
from sufficiency.accuracy.baselines import baseline_forecast  # noqa: E402
from sufficiency.rates.fitting import default_reference  # noqa: E402

PUBLISHED_ORIGINS = range(2014, 2022)
#: Origins with two years of starts, ceases and population (the stock-flow method's own inputs).
FLOW_ORIGINS = range(2019, 2022)
MIX_ORIGINS = range(2012, 2020)
HORIZONS = (1, 2, 3, 4, 5)


def published_text() -> str:
    """The published-table backtests as Markdown (deterministic; recomputed by the tests)."""
    totals = suf.backtest_published(suf.load_published(), origins=PUBLISHED_ORIGINS, horizon=3)
    with_flows = suf.backtest_published(suf.load_published(), origins=FLOW_ORIGINS, horizon=3)
    by_period = pd.concat(
        {
            f"{PUBLISHED_ORIGINS.start}-{FLOW_ORIGINS.start - 1}": suf.backtest_published(
                suf.load_published(), origins=range(PUBLISHED_ORIGINS.start, FLOW_ORIGINS.start), horizon=3
            )["mape"],
            f"{FLOW_ORIGINS.start}-{FLOW_ORIGINS.stop - 1}": with_flows["mape"],
        },
        names=["origins"],
    )
    by_period = by_period.unstack("h").rename(columns=lambda h: f"mape_{h}y")
    mix = suf.backtest_published_placements(
        suf.load_published(), suf.load_published_placements(), origins=MIX_ORIGINS, horizon=3
    )
    return "\n\n".join(
        [
            "Children looked after at 31 March, every English council (DfE tables 2011-2022), origins "
            f"{PUBLISHED_ORIGINS.start}-{PUBLISHED_ORIGINS.stop - 1}, "
            "1 to 3 years ahead; `mape`, `median_ape` and `bias` in %, `coverage_80` = % of outcomes inside the 80% "
            "interval:",
            markdown_table(totals),
            "The same by origins: the tables hold starts, ceases and population from 2018, and `stock_flow` needs two "
            f"years of them, so before {FLOW_ORIGINS.start} it falls back to `damped` and `combined` is "
            "(naive + 2 × damped) / 3; mean absolute % error by years ahead:",
            markdown_table(by_period),
            "Placement mix (DfE tables 2011-2017 and 2021-2022), origins "
            f"{MIX_ORIGINS.start}-{MIX_ORIGINS.stop - 1}; `wape` = absolute errors summed over a "
            "council's groups ÷ its children, %:",
            markdown_table(mix),
        ]
    )


def _paths(projection: suf.Projection, h: int) -> np.ndarray:
    return projection.totals()[:, 12 * h].astype(float)


def council_forecasts(data: suf.SSDA903Data, sims: int) -> list[dict]:
    """Each method's forecast of the total one to five years after each origin, with the outcome."""
    ends = [pd.Timestamp(f"{y}-03-31") for y in range(min(ORIGINS), max(ORIGINS) + 6)]
    truth = suf.stock(data, [d for d in ends if d <= data.censor_date], by=()).set_index("date")["children"]
    rows = []
    for year in ORIGINS:
        origin = pd.Timestamp(f"{year}-03-31")
        past = suf.truncate(data, origin)
        model = suf.project(suf.fit(past), start=origin, horizon=60, n_sims=sims, seed=1)
        peer = suf.project(
            suf.fit(past, reference=default_reference(origin, years=1.0), entry_years=None, uasc="together"),
            start=origin,
            horizon=60,
            n_sims=1,
            seed=1,
            calibrate=False,
        )
        ets, naive = (
            baseline_forecast(past, method=m, start=origin, horizon=60, level=(80,)) for m in ("ets", "naive")
        )
        ets, naive = (f[f["group"] == "total"].reset_index(drop=True) for f in (ets, naive))
        for h in HORIZONS:
            when = pd.Timestamp(f"{year + h}-03-31")
            if when not in truth.index:
                continue
            paths = _paths(model, h)
            base = {"origin": year, "h": h, "actual": float(truth[when])}
            rows.append(
                {
                    **base,
                    "method": "fit + project (defaults)",
                    "point": paths.mean(),
                    "lower": np.percentile(paths, 10),
                    "upper": np.percentile(paths, 90),
                }
            )
            for name, fc in (("no change", naive), ("exponential smoothing", ets)):
                rows.append(
                    {
                        **base,
                        "method": name,
                        "point": fc.loc[12 * h - 1, "mean"],
                        "lower": fc.loc[12 * h - 1, "lower_80"],
                        "upper": fc.loc[12 * h - 1, "upper_80"],
                    }
                )
            rows.append(
                {
                    **base,
                    "method": "1-year window, no trend, mean path",
                    "point": float(peer.expected[12 * h].sum()),
                    "lower": np.nan,
                    "upper": np.nan,
                }
            )
    return rows


def counties_text(sims: int, seeds: range) -> str:
    """Backtests of the test-bed councils as Markdown."""
    rows = []
    for i, seed in enumerate(seeds):
        rows += [
            dict(r, council=seed)
            for r in council_forecasts(bed_council(seed, first_year=2013 if i % 2 == 0 else 2016), sims)
        ]
    frame = pd.DataFrame(rows)
    frame["pe"] = 100 * (frame["point"] - frame["actual"]) / frame["actual"]
    inside = (frame["actual"] >= frame["lower"]) & (frame["actual"] <= frame["upper"])
    frame["covered"] = inside.astype(float).where(frame["lower"].notna())
    order = ["fit + project (defaults)", "no change", "exponential smoothing", "1-year window, no trend, mean path"]
    mape = (
        frame.assign(ape=frame["pe"].abs())
        .pivot_table(index="method", columns="h", values="ape", aggfunc="mean")
        .reindex(order)
    )
    bias = frame.pivot_table(index="method", columns="h", values="pe", aggfunc="mean").reindex(order)
    cover = 100 * frame.pivot_table(index="method", columns="h", values="covered", aggfunc="mean").reindex(order[:3])
    cover["pooled"] = 100 * frame.groupby("method")["covered"].mean().reindex(order[:3])
    years = {h: f"{h} year{'s' if h > 1 else ''}" for h in HORIZONS}
    n = frame[frame["method"] == order[0]].groupby("h").size()
    return "\n\n".join(
        [
            f"{len(seeds)} test-bed councils (seeds {seeds.start}-{seeds.stop - 1}), origins 31 March {ORIGINS[0]} "
            f"and {ORIGINS[1]}, {sims} paths; "
            f"forecasts scored per horizon: {', '.join(str(int(n[h])) for h in HORIZONS)}. Mean absolute percentage "
            "error of the total, %:",
            markdown_table(mape.rename(columns=years), digits=1),
            "Bias (mean percentage error), %:",
            markdown_table(bias.rename(columns=years), digits=1),
            "Share of outcomes inside the 80% interval, %:",
            markdown_table(cover.rename(columns=years), digits=0),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sims", type=int, default=300)
    parser.add_argument("--seeds", type=int, nargs=2, default=[1, 60])
    parser.add_argument(
        "--published-only", action="store_true", help="only the published-table backtests (seconds, not minutes)"
    )
    args = parser.parse_args()
    print(write_result("accuracy_published", published_text()))
    if not args.published_only:
        print(write_result("accuracy_counties", counties_text(args.sims, range(args.seeds[0], args.seeds[1] + 1))))


if __name__ == "__main__":
    main()
