"""Learn the spread factors that calibrate bands by horizon (``sufficiency/data/horizon_calibration.csv``).

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

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bed import ORIGINS, bed_council  # noqa: E402

from sufficiency.accuracy.calibration import band_stretches, learn_calibration  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "src" / "sufficiency" / "data" / "horizon_calibration.csv"
QUANTILE = 0.82


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sims", type=int, default=300)
    parser.add_argument("--seeds", type=int, nargs=2, default=[101, 160])
    args = parser.parse_args()
    seeds = range(args.seeds[0], args.seeds[1] + 1)
    origins = [pd.Timestamp(f"{year}-03-31") for year in ORIGINS]
    frame = pd.concat(
        [
            band_stretches(bed_council(seed, first_year=2016 if i % 2 else 2013), origins=origins, n_sims=args.sims)
            for i, seed in enumerate(seeds)
        ],
        ignore_index=True,
    )
    source = (
        f"benchmarks/calibrate.py: {len(seeds)} test-bed councils (seeds {seeds.start}-{seeds.stop - 1}), "
        f"origins {ORIGINS[0]} and {ORIGINS[1]}, {args.sims} paths; "
        f"the {QUANTILE} quantile of the stretch the 80% band needed"
    )
    table = learn_calibration(frame, quantile=QUANTILE, source=source).to_frame()
    table.to_csv(OUT, index=False, lineterminator="\n")
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
