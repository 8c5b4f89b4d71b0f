"""Write benchmark tables to ``benchmarks/results/`` as Markdown, for the README to quote.

The README quotes each results file between ``<!-- begin benchmarks/results/NAME.md -->`` and
``<!-- end benchmarks/results/NAME.md -->``; ``tests/test_readme.py`` checks that the quotes equal the
files, so a figure in the README is always the one a benchmark script wrote.
"""

from __future__ import annotations

import platform
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
