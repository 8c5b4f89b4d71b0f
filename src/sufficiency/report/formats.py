"""The report's formats: the kind of each column, how a cell reads, and suppression of small counts.

Used by the report's tables (:mod:`sufficiency.report.tables`), its page
(:mod:`sufficiency.report.html`) and its workbook
(:mod:`sufficiency.report.workbook`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..common.money import pounds

__all__ = [
    "Table",
    "band",
    "format_value",
    "input_folders",
    "label",
    "named_files",
    "pounds",
    "second_cells",
    "suppress",
    "suppressed",
    "without_folders",
]

#: Kinds of column, for formats: money [£], counts of children (suppressed
#: below the threshold), other whole numbers (rows, files), shares, numbers.
MONEY, COUNT, INTEGER, SHARE, NUMBER = "money", "count", "integer", "share", "number"


@dataclass(frozen=True)
class Table:
    """A table of the report with the kind of each column (for formats and suppression).

    ``linked`` lists groups of count columns whose row adds up to a figure
    the table shows (its ``total``, or the stock at the end of a year given
    the stock at its start): a single hidden cell of such a group could be
    worked back, so :func:`suppressed` hides a second one.
    """

    name: str
    title: str
    frame: pd.DataFrame
    kinds: dict[str, str] = field(default_factory=dict)
    linked: tuple[tuple[str, ...], ...] = ()


def label(name: str) -> str:
    """A column or category name for readers: ``"external_residential"`` gives ``"external residential"``."""
    return str(name).replace("_", " ")


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
    """The table with its :data:`COUNT` columns passed through :func:`suppress`, then :func:`second_cells`."""
    counts = [c for c, k in table.kinds.items() if k == COUNT]
    frame = second_cells(suppress(table.frame, counts, below), table.linked)
    return Table(table.name, table.title, frame, table.kinds, table.linked)


def second_cells(frame: pd.DataFrame, linked: Sequence[Sequence[str]]) -> pd.DataFrame:
    """Hide a second cell wherever a group of linked columns hides only one in a row, as the DfE does.

    A row of parts that add up to a shown total gives back a part hidden
    alone; with the smallest other part of the group hidden too (above 0
    when one is, else a 0), it gives back only their sum.

    Parameters
    ----------
    frame : pandas.DataFrame
        After :func:`suppress` (hidden cells are ``"c"``).
    linked : sequence of sequence of str
        Groups of columns (see :class:`Table`).

    Returns
    -------
    pandas.DataFrame
        A copy when anything more is hidden.
    """
    out = frame
    for group in linked:
        cols = [c for c in group if c in out.columns]
        if len(cols) < 2:
            continue
        cells = out[cols]
        hidden = cells.astype(str).eq("c")
        lone = hidden.sum(axis=1) == 1
        if not lone.any():
            continue
        out = out.copy() if out is frame else out
        values = cells.apply(pd.to_numeric, errors="coerce").where(~hidden)
        for row in out.index[lone]:
            shown = values.loc[row].dropna()
            if shown.empty:
                continue
            positive = shown[shown > 0]
            col = positive.idxmin() if not positive.empty else shown.index[0]  # a 0 hidden leaves the sum unsolved too
            out[col] = out[col].astype(object)
            out.loc[row, col] = "c"
    return out


def input_folders(sources: Mapping[str, Path | None]) -> list[str]:
    """The folders of the report's inputs, as given and resolved, longest first: what must not be published.

    Parameters
    ----------
    sources : mapping of str to pathlib.Path or None
        The returns folder (``"returns"``) and each input file.

    Returns
    -------
    list of str
    """
    folders: set[str] = set()
    for key, path in sources.items():
        if path is None:
            continue
        where = Path(path) if key == "returns" else Path(path).parent
        for form in (where, where.resolve()):
            text = str(form)
            if text not in ("", "."):
                folders.add(text.rstrip(os.sep) + os.sep)
    return sorted(folders, key=len, reverse=True)


def without_folders(text: str, folders: Sequence[str]) -> str:
    """``text`` with every input folder cut from the paths in it, so files are named, not folders.

    Parameters
    ----------
    text : str
    folders : sequence of str
        From :func:`input_folders`.

    Returns
    -------
    str
    """
    for folder in folders:
        text = text.replace(folder, "")
    return text


def named_files(table: Table, folders: Sequence[str]) -> Table:
    """The table with input folders cut from every text cell and title (see :func:`without_folders`).

    Parameters
    ----------
    table : Table
    folders : sequence of str
        From :func:`input_folders`.

    Returns
    -------
    Table
        A copy.
    """
    frame = table.frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(lambda v: without_folders(v, folders) if isinstance(v, str) else v)
    return Table(table.name, without_folders(table.title, folders), frame, table.kinds, table.linked)
