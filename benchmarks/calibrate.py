"""Learn the corrections every projection applies (``sufficiency/data/horizon_calibration.csv``).

On 40 councils of each of the four worlds of ``_worlds.py`` (seeds 101-140: not the councils
``accuracy.py`` scores; half with returns from 2012-13, half from 2015-16), the default model is fitted
at 31 March 2019 and 2021 and projected five years with calibration off (``_forecasts.py``). From
those 320 forecasts :func:`sufficiency.accuracy.calibration.learn_calibration` learns, by horizon,
the weight of no change in the blend (least regret in the worst world) and the stretch of every
group's band (the stretch whose worst world's 80% bands hold nearest 82% of outcomes; ``worlds.py``
checks them on whole worlds kept out).

``--reduced`` learns from a small configuration (one council of two worlds, the 2021 origin, 40
paths) and writes ``tests/data/calibration_reduced.csv``; the tests rerun it and check the file, so
the code that writes the shipped factors is checked on every run.

Usage::

    python benchmarks/calibrate.py [--sims 300] [--seeds 101 140] [--reduced]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _forecasts import world_forecasts  # noqa: E402
from _worlds import WORLDS  # noqa: E402

from sufficiency.accuracy.calibration import learn_calibration  # noqa: E402
from sufficiency.accuracy.records import BacktestForecast  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "src" / "sufficiency" / "data" / "horizon_calibration.csv"
REDUCED = ROOT / "tests" / "data" / "calibration_reduced.csv"
COVERAGE = 0.82


def learn(forecasts: list[BacktestForecast], source: str) -> pd.DataFrame:
    """The table of factors learned from ``forecasts``."""
    return learn_calibration(forecasts, coverage=COVERAGE, source=source).to_frame()


def reduced() -> pd.DataFrame:
    """The reduced configuration's table (recorded in ``tests/data``)."""
    forecasts, _ = world_forecasts(["backlog", "lengthening"], range(101, 102), 40, workers=1)
    forecasts = [f for f in forecasts if f.origin.year == 2021]
    return learn(forecasts, "benchmarks/calibrate.py --reduced")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sims", type=int, default=300)
    parser.add_argument("--seeds", type=int, nargs=2, default=[101, 140])
    parser.add_argument("--reduced", action="store_true", help="write the reduced configuration's table")
    parser.add_argument("--out", type=Path, help="where to write (default the shipped or recorded file)")
    args = parser.parse_args()
    if args.reduced:
        table, out = reduced(), args.out or REDUCED
    else:
        seeds = range(args.seeds[0], args.seeds[1] + 1)
        forecasts, _ = world_forecasts(list(WORLDS), seeds, args.sims)
        source = (
            f"benchmarks/calibrate.py: {len(forecasts)} backtest forecasts of {len(seeds)} councils in each of the "
            f"worlds {', '.join(WORLDS)} (seeds {seeds.start}-{seeds.stop - 1}), origins 2019 and 2021, "
            f"{args.sims} paths; blend: least regret in the worst world; stretches: the worst world's 80% bands "
            f"holding nearest {COVERAGE:.0%} of outcomes"
        )
        table, out = learn(forecasts, source), args.out or SHIPPED
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False, lineterminator="\n")
    print(table.drop(columns=["source", "settings"]).to_string(index=False))


if __name__ == "__main__":
    main()
