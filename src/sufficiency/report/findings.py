"""What a reader must be told about a run: the inputs' counted data-quality problems and the warnings it raised."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd

__all__ = ["quality_lines", "recorded_warnings"]


def quality_lines(what: str, quality: pd.DataFrame) -> list[str]:
    """One line per rule and column of a data-quality report's warnings and errors, with its count of rows.

    Parameters
    ----------
    what : str
        The input the report is of (``"returns"``, ``"placement cost file"``).
    quality : pandas.DataFrame
        A data-quality report (columns :data:`sufficiency.schema.QUALITY_COLUMNS`).

    Returns
    -------
    list of str
        E.g. ``"returns: invalid_date (DECOM): 1 rows"``; notes of severity
        ``info`` are left out.
    """
    counted = quality[quality["severity"].isin(["warning", "error"])]
    lines = []
    for (rule, column), n in counted.groupby(["rule", "column"], sort=False)["n_rows"].sum().items():
        lines.append(f"{what}: {rule}" + (f" ({column})" if column else "") + f": {int(n):,} rows")
    return lines


@contextmanager
def recorded_warnings(*categories: type[Warning]) -> Iterator[list[str]]:
    """Record the messages of warnings of ``categories`` raised inside the block, once each, in order.

    Warnings of other categories are raised again as they came, so nothing
    else is hidden.

    Parameters
    ----------
    *categories : Warning subclasses

    Yields
    ------
    list of str
        Filled with the messages when the block ends.
    """
    said: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield said
    for w in caught:
        if issubclass(w.category, categories):
            if str(w.message) not in said:
                said.append(str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
