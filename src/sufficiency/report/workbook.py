"""The report's Excel workbook for finance: one sheet per table, formats, frozen headers, no formulas."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .formats import COUNT, INTEGER, MONEY, NUMBER, SHARE, Table, format_value

__all__ = ["sheet_name", "write_workbook"]


def sheet_name(table: Table) -> str:
    """The sheet of a table, named in words: ``spend_by_year`` gives ``spend by year`` (31 characters at most).

    Parameters
    ----------
    table : Table

    Returns
    -------
    str
    """
    return table.name.replace("_", " ")[:31]


def write_workbook(
    path: Path,
    all_tables: list[Table],
    stamp: list[tuple[str, str]] | None = None,
    *,
    created: datetime.date | None = None,
) -> None:
    """Write the tables as an Excel workbook: a contents sheet, then a sheet per table with formats and filters.

    The first sheet (``contents``) holds the run stamp and, for every other
    sheet, its title and the units of its money columns. Each table's sheet
    is named in words (``spend by year``), has the table's title in its
    first row and a frozen bold header with filters in its second, and £,
    count, share and date formats. Cells hold values only (no formulas:
    text is always written as text); a missing value is an empty cell and
    an infinite one Excel's ``#NUM!``. Written with XlsxWriter.

    Parameters
    ----------
    path : pathlib.Path
        The ``.xlsx`` file to write.
    all_tables : list of Table
        Each becomes a sheet named after it in words (first 31 characters).
    stamp : list of (str, str), optional
        The run stamp (:func:`sufficiency.report.stamp.run_stamp`).
    created : datetime.date, optional
        The day the workbook's properties say it was made (the run's date):
        with it, the same tables give the same bytes. Default: now.
    """
    import xlsxwriter

    options = {"strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": True}
    with xlsxwriter.Workbook(str(path), options) as book:
        if created is not None:
            book.set_properties({"created": datetime.datetime.combine(created, datetime.time())})
        bold = book.add_format({"bold": True})
        title = book.add_format({"bold": True, "font_size": 12})
        header = book.add_format({"bold": True, "bg_color": "#EEF3F8", "text_wrap": True, "valign": "top"})
        formats = {kind: book.add_format({"num_format": code}) for kind, code in _NUMBER_FORMATS.items()}
        day = book.add_format({"num_format": "dd/mm/yyyy"})
        contents = book.add_worksheet("contents")
        row = 0
        for label, value in stamp or []:
            contents.write_string(row, 0, str(label))
            contents.write_string(row, 1, str(value))
            row += 1
        row += 1
        for j, name in enumerate(["sheet", "what it holds", "units"]):
            contents.write_string(row, j, name, bold)
        for table in all_tables:
            row += 1
            money = [str(c) for c in table.frame.columns if table.kinds.get(c) == MONEY]
            for j, text in enumerate([sheet_name(table), table.title, _money_columns(money)]):
                contents.write_string(row, j, text)
        for j, width in enumerate((28, 100, 40)):
            contents.set_column(j, j, width)
        for table in all_tables:
            sheet = book.add_worksheet(sheet_name(table))
            frame = table.frame
            columns = list(frame.columns)
            sheet.write_string(0, 0, table.title, title)
            for j, col in enumerate(columns):
                kind = table.kinds.get(col)
                sheet.write_string(1, j, str(col).replace("_", " "), header)
                dated = pd.api.types.is_datetime64_any_dtype(frame[col])
                chosen = formats.get(kind or "", day if dated else None)
                for i, value in enumerate(frame[col].tolist(), start=2):
                    _write_value(sheet, i, j, value, chosen, day)
                width = max([len(str(col))] + [len(format_value(v, kind or "")) for v in frame[col].head(200)])
                sheet.set_column(j, j, min(max(10, width + 2), 60))
            sheet.freeze_panes(2, 0)
            if columns:
                sheet.autofilter(1, 0, max(len(frame) + 1, 1), len(columns) - 1)


#: Excel number formats of the table column kinds.
_NUMBER_FORMATS = {
    MONEY: '"£"#,##0;-"£"#,##0',
    COUNT: "#,##0",
    INTEGER: "#,##0",
    SHARE: "0.0%",
    NUMBER: "#,##0.0",
}


def _write_value(sheet: Any, row: int, col: int, value: object, number: Any, day: Any) -> None:
    """Write one value with its type: numbers as numbers, days as dates, the rest as text; missing values not at all."""
    if value is None or value is pd.NA or value is pd.NaT:
        return
    if isinstance(value, (bool, np.bool_)):
        sheet.write_boolean(row, col, bool(value), number)
    elif isinstance(value, (int, np.integer)):
        sheet.write_number(row, col, int(value), number)
    elif isinstance(value, (float, np.floating)):
        if not np.isnan(value):
            sheet.write_number(row, col, float(value), number)
    elif isinstance(value, datetime.date):  # and so datetime and pandas' Timestamp
        stamp = pd.Timestamp(value)
        sheet.write_datetime(row, col, stamp.to_pydatetime().replace(tzinfo=None), number or day)
    else:
        sheet.write_string(row, col, str(value), number)


def _money_columns(names: list[str], width: int = 200) -> str:
    """The units of a sheet's money columns, ``£ (a, b, c)``: whole names, and a count of those that do not fit."""
    if not names:
        return ""
    shown: list[str] = []
    for name in names:
        if shown and len(", ".join(shown + [name])) > width:
            break
        shown.append(name)
    more = len(names) - len(shown)
    return "£ (" + ", ".join(shown) + (f" and {more} more" if more else "") + ")"
