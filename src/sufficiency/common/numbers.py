"""Numbers as councils write them in tables: pounds, commas, blanks, and what is refused.

One way of reading numbers for every table the library reads (unit costs,
inflation, route shares, places, placement fees, published tables):

* a blank cell is missing;
* ``£`` and spaces are ignored;
* a comma is a thousands separator and must group three digits
  (``1,050`` and ``12,500.50`` are read); any other comma (a decimal comma
  such as ``532,58`` or ``1.234,56``) is refused rather than guessed, since
  ``532,58`` could as well be 53,258;
* text that is not a finite number (``NaN``, ``inf``, ``1e400``) is refused.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .text import map_unique

__all__ = ["NUMBER_PROBLEMS", "parse_numbers"]

#: What :func:`parse_numbers` says of a cell it cannot read, with the reason in words.
NUMBER_PROBLEMS = {
    "not_a_number": "is not a number",
    "not_finite": "is not a finite number",
    "decimal_comma": "has a decimal comma (write 532.58; a comma may only separate thousands, as in 1,050)",
}
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})*,\d+$|^[+-]?\d+,\d+$")


def _read_one(text: str) -> tuple[float, str]:
    cell = text.replace("£", "").replace("\u00a0", "").replace(" ", "").strip()
    if cell == "":
        return np.nan, ""
    if _THOUSANDS.match(cell):
        cell = cell.replace(",", "")
    elif "," in cell:
        return np.nan, "decimal_comma" if _DECIMAL_COMMA.match(cell) else "not_a_number"
    if not _PLAIN.match(cell):
        lowered = cell.lower().lstrip("+-")
        return np.nan, "not_finite" if lowered in ("nan", "inf", "infinity") else "not_a_number"
    value = float(cell)
    if not np.isfinite(value):
        return np.nan, "not_finite"
    return value, ""


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Read a column of numbers (see the module notes for what is read and refused).

    Parameters
    ----------
    values : pandas.Series
        Cells as text (numbers are read through their text).

    Returns
    -------
    numbers : pandas.Series
        ``float``; NaN where the cell is blank or cannot be read.
    problems : pandas.Series
        ``""`` where the cell is blank or read, else a key of
        :data:`NUMBER_PROBLEMS`.
    """
    text = values.astype(object).where(values.notna(), "").astype(str)
    text = text.where(~text.isin(["None", "<NA>"]), "")
    read = map_unique(text, lambda u: pd.Series([_read_one(v) for v in u], dtype=object))
    numbers = pd.Series([r[0] for r in read], index=values.index, dtype=float)
    problems = pd.Series([r[1] for r in read], index=values.index, dtype=object)
    return numbers, problems
