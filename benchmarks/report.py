"""Benchmark: the whole report on the bundled sample, step by step, beside one fit and projection.

Each measurement runs in a fresh process, after a warm-up in that process,
so its peak resident memory is its own:

* a fit plus a 1,000-path, 60-month projection of the sample;
* :func:`sufficiency.report.write_report` on the sample (its fees, places,
  four scenarios and a £2m target; 1,000 paths, 60 months), with the time of
  each step as the progress bar announces it.

Each part runs three times in turn (``--runs``): the times are the median
run's, the memory the highest peak; the ratio of the fastest runs is given
too (noise on a shared machine only ever adds time). Writes ``results/speed_report.md``.

Usage::

    python benchmarks/report.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _results import machine, markdown_table, write_result  # noqa: E402

import sufficiency as suf  # noqa: E402
from sufficiency.report import Progress, ReportOptions, write_report  # noqa: E402


class Timed(Progress):
    """A progress bar that records when each step starts."""

    def __init__(self) -> None:
        super().__init__(8, quiet=True)
        self.marks: list[tuple[str, float]] = []

    def step(self, what: str) -> None:
        self.marks.append((what, time.perf_counter()))

    def close(self) -> None:
        self.marks.append(("end", time.perf_counter()))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _projection() -> dict:
    data = suf.load_sample()
    suf.project(suf.fit(data), horizon=60, n_sims=50, seed=1)
    t0 = time.perf_counter()
    suf.project(suf.fit(data), horizon=60, n_sims=1000, seed=1)
    return {"seconds": time.perf_counter() - t0, "peak_mb": _peak_mb()}


def _report() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        write_report(None, Path(folder) / "warm-up", ReportOptions(n_sims=50, horizon=24))
        progress = Timed()
        t0 = time.perf_counter()
        report = write_report(None, Path(folder) / "report", ReportOptions(), progress=progress)
        total = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in report.files) / 1e6
        html = (Path(folder) / "report" / "report.html").stat().st_size / 1e6
    steps = [(what, end - start) for (what, start), (_, end) in zip(progress.marks, progress.marks[1:])]
    return {
        "seconds": total,
        "peak_mb": _peak_mb(),
        "steps": steps,
        "files": len(report.files),
        "mb": size,
        "html": html,
    }


def _run(part: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--part", part], check=True, capture_output=True, text=True
    ).stdout.strip()
    return json.loads(out.splitlines()[-1])


def _median(runs: list[dict]) -> dict:
    """The run of median time, with the highest peak memory of all runs."""
    chosen = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
    return {**chosen, "peak_mb": max(r["peak_mb"] for r in runs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=["projection", "report"], help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=3, help="runs of each part, taken in turn (default 3)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    if args.part:
        print(json.dumps(_projection() if args.part == "projection" else _report()))
        return
    ones, reps = [], []
    for _ in range(args.runs):  # in turn, so that a slow spell of the machine falls on both parts
        ones.append(_run("projection"))
        reps.append(_run("report"))
    one, rep = _median(ones), _median(reps)
    ratios = sorted(r["seconds"] / o["seconds"] for r, o in zip(reps, ones))
    fastest_one, fastest_rep = min(o["seconds"] for o in ones), min(r["seconds"] for r in reps)
    table = pd.DataFrame(rep["steps"] + [("whole report", rep["seconds"])], columns=["step", "seconds"])
    table["times one fit and projection"] = table["seconds"] / one["seconds"]
    text = (
        f"`python benchmarks/report.py` on {machine()}: the report on the sample (1,000 paths, 60 months, four "
        f"scenarios and their programme); {rep['files']} files, {rep['mb']:.1f} MB ({rep['html']:.1f} MB of it the "
        f"HTML page). Each part runs {args.runs} times in turn, each time in a process of its own; times are the "
        f"median run's, memory the highest peak of any run. One fit and 1,000-path, 60-month projection of the "
        f"sample: {one['seconds']:.2f} s, peak memory {one['peak_mb']:,.0f} MB; the report: {rep['seconds']:.1f} s "
        f"({rep['seconds'] / one['seconds']:.1f} times one fit and projection; run by run, "
        f"{' / '.join(f'{r:.1f}' for r in ratios)} times the projection run before it; fastest report over fastest "
        f"projection, {fastest_rep:.1f} s over {fastest_one:.2f} s, {fastest_rep / fastest_one:.1f} times), "
        f"peak memory {rep['peak_mb']:,.0f} MB:\n\n" + markdown_table(table.set_index("step"), digits=1)
    )
    print(write_result("speed_report", text))


if __name__ == "__main__":
    main()
