"""Benchmark: read, validate and count a national-scale set of SSDA903 returns.

Simulates a synthetic "England" (about 80,000 children in care, ten yearly
returns) with the package's generator, writes it as SSDA903 CSVs, then in a
fresh process times ``read_ssda903``, monthly ``stock`` and monthly
``flows`` by placement and age, and reports wall time and peak memory
(maximum resident set size of that process), in ``results/speed_ingest.md``.

Usage::

    python benchmarks/ingest_national.py [--scale 115] [--seed 1] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _results import generate_returns, machine, markdown_table, write_result  # noqa: E402


def measure(folder: Path) -> dict:
    import warnings

    import pandas as pd

    import sufficiency as suf

    timings = {}
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", suf.DataQualityWarning)
        data = suf.read_ssda903(folder)
    timings["read_and_validate_s"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    month_ends = pd.date_range(data.coverage_start, data.censor_date, freq="ME")
    st = suf.stock(data, month_ends, by=("placement", "age"))
    timings["monthly_stock_s"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    fl = suf.flows(data, freq="MS", by=("placement", "age"))
    timings["monthly_flows_s"] = time.perf_counter() - t2
    timings["total_s"] = time.perf_counter() - t0
    timings["episodes"] = len(data.episodes)
    timings["children"] = int(data.episodes["child_id"].nunique())
    timings["in_care_at_end"] = int(st.loc[st["date"] == month_ends[-1], "children"].sum())
    timings["flow_rows"] = len(fl.table)
    timings["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=115.0, help="multiplies the sample county's entry rates")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the generated returns here")
    parser.add_argument("--measure-only", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_only:
        print(json.dumps(measure(args.measure_only)))
        return
    work = args.workdir or Path(tempfile.mkdtemp(prefix="sufficiency-bench-"))
    returns = work / "returns"
    if not returns.exists():
        t = time.perf_counter()
        generate_returns(work, seed=args.seed, scale=args.scale)
        print(f"generated returns in {time.perf_counter() - t:.1f} s at {returns}")
    size = sum(p.stat().st_size for p in returns.rglob("*.csv")) / 1e6
    run = subprocess.run(
        [sys.executable, __file__, "--measure-only", str(returns)], capture_output=True, text=True, check=True
    )
    result = json.loads(run.stdout.strip().splitlines()[-1])
    result["csv_mb"] = round(size, 1)
    table = pd.DataFrame({"value": pd.Series(result, dtype=object)}).rename_axis("measure")
    text = (
        f"`python benchmarks/ingest_national.py --scale {args.scale:g}` on {machine()}; seconds, MB and counts:\n\n"
        + markdown_table(table, digits=2)
    )
    print(write_result("speed_ingest", text))


if __name__ == "__main__":
    main()
