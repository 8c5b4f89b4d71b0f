"""Learn the spread factors that calibrate projections' bands by horizon (``sufficiency/data/horizon_calibration.csv``).

On 60 test-bed councils (seeds 101-160, ``_bed.py``; half with returns from
2012-13, half from 2015-16), the default model is fitted at 31 March 2019 and
2021 and projected five years with calibration off. For each forecast of the
total one to five years ahead, the stretch of the paths about their mean
that the 80% band needs to hold the outcome is recorded; the factor of each
horizon is the 82nd percentile of those stretches (a conformal quantile,
aiming a little above 80% so that councils unlike the bed stay inside 70-90%).
The councils used here are not those ``accuracy.py`` scores.

Usage::

    python benchmarks/calibrate.py [--sims 300] [--seeds 101 160]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bed import ORIGINS, bed_council  # noqa: E402

import sufficiency as suf  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "src" / "sufficiency" / "data" / "horizon_calibration.csv"
QUANTILE = 0.82


def stretches(data: suf.SSDA903Data, sims: int) -> list[dict]:
    """The stretch each forecast's 80% band needs to hold its outcome, one to five years ahead."""
    rows = []
    ends = [pd.Timestamp(f"{y}-03-31") for y in range(min(ORIGINS), max(ORIGINS) + 6)]
    truth = suf.stock(data, [d for d in ends if d <= data.censor_date], by=()).set_index("date")["children"]
    for year in ORIGINS:
        origin = pd.Timestamp(f"{year}-03-31")
        projection = suf.project(
            suf.fit(suf.truncate(data, origin)), start=origin, horizon=60, n_sims=sims, seed=1, calibrate=False
        )
        totals = projection.totals()
        for h in range(1, 6):
            when = pd.Timestamp(f"{year + h}-03-31")
            if when not in truth.index:
                continue
            paths = totals[:, 12 * h].astype(float)
            mean, (lo, hi) = paths.mean(), np.percentile(paths, [10, 90])
            actual = float(truth[when])
            need = (actual - mean) / max(hi - mean, 1e-9) if actual >= mean else (mean - actual) / max(mean - lo, 1e-9)
            rows.append({"months": 12 * h, "stretch": need})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sims", type=int, default=300)
    parser.add_argument("--seeds", type=int, nargs=2, default=[101, 160])
    args = parser.parse_args()
    rows = []
    seeds = range(args.seeds[0], args.seeds[1] + 1)
    for i, seed in enumerate(seeds):
        rows += stretches(bed_council(seed, first_year=2013 if i % 2 == 0 else 2016), args.sims)
    frame = pd.DataFrame(rows)
    table = (
        frame.groupby("months")["stretch"]
        .agg(spread_factor=lambda s: round(float(np.quantile(s, QUANTILE)), 3), forecasts="size")
        .reset_index()
    )
    table["source"] = (
        f"benchmarks/calibrate.py: {len(seeds)} test-bed councils (seeds {seeds.start}-{seeds.stop - 1}), origins {ORIGINS[0]} and {ORIGINS[1]}, "
        f"{args.sims} paths; the {QUANTILE} quantile of the stretch the 80% band needed"
    )
    table.to_csv(OUT, index=False, lineterminator="\n")
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
