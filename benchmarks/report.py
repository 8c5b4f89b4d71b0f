"""Benchmark: the whole report on the bundled sample, step by step.

Times :func:`sufficiency.report.write_report` on the sample (its fees,
places, four scenarios and a £2m target; 1,000 paths, 60 months), the time
of each step as the progress bar announces it, and the peak resident memory
of the process. Writes ``results/speed_report.md``.

Usage::

    python benchmarks/report.py
"""

from __future__ import annotations

import argparse
import resource
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args()
    warnings.simplefilter("ignore", suf.DataQualityWarning)
    with tempfile.TemporaryDirectory() as folder:
        write_report(None, Path(folder) / "warm-up", ReportOptions(n_sims=50, horizon=24))
        progress = Timed()
        t0 = time.perf_counter()
        report = write_report(None, Path(folder) / "report", ReportOptions(), progress=progress)
        total = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in report.files) / 1e6
        html = (Path(folder) / "report" / "report.html").stat().st_size / 1e6
    steps = [(what, end - start) for (what, start), (_, end) in zip(progress.marks, progress.marks[1:])]
    table = pd.DataFrame(steps + [("whole report", total)], columns=["step", "seconds"]).set_index("step")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    text = (
        f"`python benchmarks/report.py` on {machine()}: the report on the sample (1,000 paths, 60 months, four "
        "scenarios); "
        f"{len(report.files)} files, {size:.1f} MB ({html:.1f} MB of it the HTML page); peak memory {peak:,.0f} MB:\n\n"
        + markdown_table(table, digits=1)
    )
    print(write_result("speed_report", text))


if __name__ == "__main__":
    main()
