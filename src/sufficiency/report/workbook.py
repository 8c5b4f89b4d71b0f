"""The report's Excel workbook for finance: one sheet per table, formats, frozen headers, no formulas."""

from __future__ import annotations

from pathlib import Path

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


def write_workbook(path: Path, all_tables: list[Table], stamp: list[tuple[str, str]] | None = None) -> None:
    """Write the tables as an Excel workbook: a contents sheet, then a sheet per table with formats and filters.

    The first sheet (``contents``) holds the run stamp and, for every other
    sheet, its title and the units of its money columns. Each table's sheet
    is named in words (``spend by year``), has the table's title in its
    first row and a frozen bold header with filters in its second, and £,
    count, share and date formats. Cells hold values only (no formulas).

    Parameters
    ----------
    path : pathlib.Path
        The ``.xlsx`` file to write.
    all_tables : list of Table
        Each becomes a sheet named after it in words (first 31 characters).
    stamp : list of (str, str), optional
        The run stamp (:func:`sufficiency.report.stamp.run_stamp`).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    formats = {MONEY: '"£"#,##0;-"£"#,##0', COUNT: "#,##0", INTEGER: "#,##0", SHARE: "0.0%", NUMBER: "#,##0.0"}
    book = Workbook()
    contents = book.active
    contents.title = "contents"
    for label, value in stamp or []:
        contents.append([label, value])
    contents.append([])
    contents.append(["sheet", "what it holds", "units"])
    for cell in contents[contents.max_row]:
        cell.font = Font(bold=True)
    for table in all_tables:
        money = [str(c) for c in table.frame.columns if table.kinds.get(c) == MONEY]
        contents.append([sheet_name(table), table.title, _money_columns(money)])
    contents.column_dimensions["A"].width = 28
    contents.column_dimensions["B"].width = 100
    contents.column_dimensions["C"].width = 40
    for table in all_tables:
        sheet = book.create_sheet(sheet_name(table))
        columns = list(table.frame.columns)
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append([str(c).replace("_", " ") for c in columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="EEF3F8")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.frame.itertuples(index=False):
            values: list[object] = []
            for v in row:
                if isinstance(v, (np.bool_, bool)):
                    values.append(bool(v))
                elif isinstance(v, (np.integer,)):
                    values.append(int(v))
                elif isinstance(v, (np.floating, float)):
                    values.append(None if np.isnan(v) else float(v))
                elif isinstance(v, pd.Timestamp):
                    values.append(None if pd.isna(v) else v.to_pydatetime().date())
                else:
                    values.append(None if v is None else str(v) if not isinstance(v, (int, float)) else v)
            sheet.append(values)
        for j, col in enumerate(columns, start=1):
            kind = table.kinds.get(col)
            letter = get_column_letter(j)
            if kind in formats:
                for cell in sheet[letter][2:]:
                    cell.number_format = formats[kind]
            elif pd.api.types.is_datetime64_any_dtype(table.frame[col]):
                for cell in sheet[letter][2:]:
                    cell.number_format = "dd/mm/yyyy"
            width = max([len(str(col))] + [len(format_value(v, kind or "")) for v in table.frame[col].head(200)])
            sheet.column_dimensions[letter].width = min(max(10, width + 2), 60)
        sheet.freeze_panes = "A3"
        if len(columns):
            sheet.auto_filter.ref = f"A2:{get_column_letter(len(columns))}{max(sheet.max_row, 2)}"
    book.save(path)


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
