"""Where a table came from: its file and each row's line, carried on the table so later errors can name them.

A reader records the file and the line of each row on the table it returns
(in ``DataFrame.attrs``, keyed by the row's index label, so a table the user
filters still names the right lines). A check made later, when the table is
used (pricing a projection, say), names that file and line instead of a
placeholder such as ``<unit costs>``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

__all__ = ["mark_source", "source_of"]

_KEY = "sufficiency_source"


def mark_source(frame: pd.DataFrame, *, where: str, lines: Sequence[int] | None) -> pd.DataFrame:
    """Record on ``frame`` (in place, and returned) the file it came from and the line of each row.

    Parameters
    ----------
    frame : pandas.DataFrame
    where : str
        The file (or a name such as ``"<unit costs>"``).
    lines : sequence of int, optional
        Line of each row, in order; ``None`` when not from a file.
    """
    by_label = None if lines is None else dict(zip(frame.index, (int(x) for x in lines)))
    frame.attrs[_KEY] = {"where": str(where), "lines": by_label}
    return frame


def source_of(table: pd.DataFrame, *, where: str | None, lines: Sequence[int] | None) -> tuple[str, list[int] | None]:
    """The name and the lines (one per row, in order) to name in errors about ``table``.

    What the caller gives wins; otherwise what the table's reader recorded;
    otherwise ``where`` (or ``"<table>"``) and no lines.

    Parameters
    ----------
    table : pandas.DataFrame
    where : str or None
        The name the caller gives.
    lines : sequence of int or None
        The lines the caller gives.

    Returns
    -------
    where : str
    lines : list of int or None
        ``None`` unless every row's line is known.
    """
    recorded = table.attrs.get(_KEY) if isinstance(table, pd.DataFrame) else None
    if lines is not None:
        return where or (recorded or {}).get("where") or "<table>", list(lines)
    if recorded and (where is None or where.startswith("<")):
        by_label = recorded.get("lines")
        found = None if by_label is None else [by_label.get(label) for label in table.index]
        return recorded["where"], found if found is not None and None not in found else None
    return where or "<table>", None
