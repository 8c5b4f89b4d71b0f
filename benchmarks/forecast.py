"""Benchmark: fit plus a 1,000-path, 5-year monthly projection.

Writes ``results/speed_forecast.md``. Runs on the bundled sample, and on a national-scale synthetic dataset
(about 80,000 children in care) when ``--national`` is given (the returns
are generated first, as in ``ingest_national.py``). Each measurement runs in
a fresh process and reports wall time (best of ``--repeat`` runs, after one
warm-up run) and peak memory (maximum resident set size). On the sample it
also times the first fit and projection a new installation makes, in a
process whose numba cache is empty, so the compiled kernels are compiled
first (``first_run_s``).

Usage::

    python benchmarks/forecast.py [--national] [--workdir DIR] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _results import generate_returns, machine, markdown_table, write_result  # noqa: E402


def measure(source: str, repeat: int) -> dict:
    import warnings

    import sufficiency as suf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", suf.DataQualityWarning)
        data = suf.load_sample() if source == "sample" else suf.read_ssda903(source)
    times = []
    for i in range(repeat + 1):
        t0 = time.perf_counter()
        fitted = suf.fit(data)
        t1 = time.perf_counter()
        proj = suf.project(fitted, horizon=60, n_sims=1000, seed=i)
        t2 = time.perf_counter()
        if i:  # the first run warms caches
            times.append((t1 - t0, t2 - t1))
    best = min(times, key=lambda t: t[0] + t[1])
    total = proj.totals()
    return {
        "children_at_start": int(total[0, 0]),
        "fit_s": best[0],
        "project_s": best[1],
        "fit_plus_project_s": best[0] + best[1],
        "mean_total_at_60_months": float(total[:, -1].mean()),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def first_run(source: str) -> float:
    """Seconds of one fit and projection in this process, the first it makes (with ``NUMBA_CACHE_DIR`` empty)."""
    import warnings

    import sufficiency as suf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", suf.DataQualityWarning)
        data = suf.load_sample() if source == "sample" else suf.read_ssda903(source)
    t0 = time.perf_counter()
    suf.project(suf.fit(data), horizon=60, n_sims=1000, seed=0)
    return time.perf_counter() - t0


def run(source: str, repeat: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--measure-only", source, "--repeat", str(repeat)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_first(source: str) -> float:
    """:func:`first_run` in a new process with an empty numba cache of its own."""
    with tempfile.TemporaryDirectory(prefix="sufficiency-numba-") as cache:
        out = subprocess.run(
            [sys.executable, __file__, "--first-only", source],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "NUMBA_CACHE_DIR": cache},
        )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--national", action="store_true", help="also run on a national-scale synthetic dataset")
    parser.add_argument("--workdir", type=Path, default=None, help="where the national returns are (or are written)")
    parser.add_argument("--scale", type=float, default=115.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--measure-only", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--first-only", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_only:
        print(json.dumps(measure(args.measure_only, args.repeat)))
        return
    if args.first_only:
        print(first_run(args.first_only))
        return
    results = {"sample": {**run("sample", args.repeat), "first_run_s": run_first("sample")}}
    if args.national:
        work = args.workdir or Path(tempfile.mkdtemp(prefix="sufficiency-bench-"))
        if not (work / "returns").exists():
            generate_returns(work, seed=1, scale=args.scale)
        results["national"] = run(str(work / "returns"), max(1, args.repeat - 2))
    table = pd.DataFrame.from_dict(results, orient="index").rename_axis("data")
    text = (
        f"`python benchmarks/forecast.py{' --national' if args.national else ''}` on {machine()}; best of "
        f"{args.repeat} runs after a warm-up, seconds and MB; `first_run_s`: the first fit and projection of a new "
        "installation, in a process whose numba cache is empty (the kernels are compiled first):\n\n"
        + markdown_table(table, digits=2)
    )
    print(write_result("speed_forecast", text))


if __name__ == "__main__":
    main()
