"""The report's formats: the kind of each column, how a cell reads, and suppression of small counts.

Used by the report's tables (:mod:`sufficiency.report.tables`), its page
(:mod:`sufficiency.report.html`) and its workbook
(:mod:`sufficiency.report.workbook`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Table", "band", "format_value", "label", "pounds", "suppress", "suppressed"]

#: Kinds of column, for formats: money [£], counts of children (suppressed
#: below the threshold), other whole numbers (rows, files), shares, numbers.
MONEY, COUNT, INTEGER, SHARE, NUMBER = "money", "count", "integer", "share", "number"


@dataclass(frozen=True)
class Table:
    """A table of the report with the kind of each column (for formats and suppression)."""

    name: str
    title: str
    frame: pd.DataFrame
    kinds: dict[str, str] = field(default_factory=dict)


def label(name: str) -> str:
    """A column or category name for readers: ``"external_residential"`` gives ``"external residential"``."""
    return str(name).replace("_", " ")


def pounds(value: float) -> str:
    """An amount [£] as finance writes it: ``-900000`` gives ``"-£0.9m"``, ``450`` gives ``"£450"``."""
    sign = "-" if value < 0 else ""
    size = abs(value)
    return f"{sign}£{size / 1e6:,.1f}m" if size >= 1e5 else f"{sign}£{size:,.0f}"


def band(mean: float, lo: float, hi: float, *, money: bool = False) -> str:
    """A figure with its interval, ``"723 (662 to 785)"``; amounts [£] with ``money=True``."""
    fmt = pounds if money else (lambda v: f"{v:,.0f}")
    return f"{fmt(mean)} ({fmt(lo)} to {fmt(hi)})"


def suppress(frame: pd.DataFrame, columns: Sequence[str], below: int | None) -> pd.DataFrame:
    """Show counts from 1 to ``below - 1`` (after rounding) as ``"c"`` in ``columns``, as the DfE publishes.

    Parameters
    ----------
    frame : pandas.DataFrame
    columns : sequence of str
        Count columns [children].
    below : int or None
        ``None`` or 0 suppresses nothing.

    Returns
    -------
    pandas.DataFrame
        A copy; suppressed columns become text.
    """
    if not below:
        return frame
    out = frame.copy()
    for col in columns:
        if col not in out.columns:
            continue
        values = pd.to_numeric(out[col], errors="coerce")
        small = values.round().between(1, below - 1)
        if small.any():
            out[col] = out[col].astype(object).where(~small, "c")
    return out


def format_value(value: Any, kind: str) -> str:
    """One cell as the page shows it.

    Parameters
    ----------
    value : Any
        A cell.
    kind : str
        The column's kind: :data:`MONEY` [£, sign before the pound],
        :data:`SHARE` (a fraction, shown as %), :data:`COUNT` or
        :data:`INTEGER` (whole numbers), :data:`NUMBER` (one decimal below
        100), or anything else for text. Dates read ``31 Mar 2025``.

    Returns
    -------
    str
    """
    if isinstance(value, pd.Timestamp):
        return f"{value:%d %b %Y}"
    if isinstance(value, str) or value is None or (isinstance(value, float) and np.isnan(value)):
        return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if not isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    number = float(value)
    if kind == MONEY:
        return f"-£{-number:,.0f}" if number < -0.5 else f"£{abs(number):,.0f}"
    if kind == SHARE:
        return f"{number:.1%}"
    if kind in (COUNT, INTEGER, NUMBER):
        return f"{number:,.0f}" if kind != NUMBER or abs(number) >= 100 else f"{number:,.1f}"
    return str(value)


def suppressed(table: Table, below: int | None) -> Table:
    """The table with its :data:`COUNT` columns passed through :func:`suppress`."""
    counts = [c for c, k in table.kinds.items() if k == COUNT]
    return Table(table.name, table.title, suppress(table.frame, counts, below), table.kinds)
