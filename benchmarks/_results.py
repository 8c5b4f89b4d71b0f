"""Write benchmark tables to ``benchmarks/results/`` as Markdown, for the README to quote.

The README quotes each results file between ``<!-- begin benchmarks/results/NAME.md -->`` and
``<!-- end benchmarks/results/NAME.md -->``; ``tests/test_readme.py`` checks that the quotes equal the
files, so a figure in the README is always the one a benchmark script wrote.
"""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results"


def markdown_table(frame: pd.DataFrame, *, digits: int = 1, index: bool = True) -> str:
    """A GitHub Markdown table of ``frame`` with numbers rounded to ``digits`` decimals."""
    table = frame.reset_index() if index else frame

    def cell(value: object) -> str:
        if isinstance(value, float):
            return "" if pd.isna(value) else f"{value:,.{digits}f}"
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        return str(value)

    lines = ["| " + " | ".join(str(c) for c in table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join(lines)


def machine() -> str:
    """One line describing where a timing was taken."""
    import os

    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def write_result(name: str, text: str) -> Path:
    """Write ``text`` to ``benchmarks/results/<name>.md`` and return the path."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.md"
    path.write_text(text.rstrip() + "\n", encoding="utf-8")
    return path


def generate_returns(work: Path, *, seed: int, scale: float) -> None:
    """Write a synthetic county's returns (and its tables) into ``work``, in a process of its own.

    A measuring process started later from the calling one would otherwise report the generator's memory as its
    own peak: Linux carries the peak resident set of the process that starts it across ``exec``.
    """
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from sufficiency.datasets.build import build_sample; "
            "build_sample(Path(sys.argv[1]), seed=int(sys.argv[2]), scale=float(sys.argv[3]))",
            str(work),
            str(seed),
            str(scale),
        ],
        check=True,
    )
