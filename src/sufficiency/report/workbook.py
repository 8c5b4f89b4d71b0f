"""The report's Excel workbook for finance: one sheet per table, formats, frozen headers, no formulas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .formats import COUNT, INTEGER, MONEY, NUMBER, SHARE, Table, format_value

__all__ = ["write_workbook"]


def write_workbook(path: Path, all_tables: list[Table]) -> None:
    """Write the tables as an Excel workbook: a sheet per table, frozen bold header, £, count, share and date formats.

    Cells hold values only (no formulas).

    Parameters
    ----------
    path : pathlib.Path
        The ``.xlsx`` file to write.
    all_tables : list of Table
        Each becomes a sheet named after it (first 31 characters).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    formats = {MONEY: '"£"#,##0;-"£"#,##0', COUNT: "#,##0", INTEGER: "#,##0", SHARE: "0.0%", NUMBER: "#,##0.0"}
    book = Workbook()
    book.remove(book.active)
    for table in all_tables:
        sheet = book.create_sheet(table.name[:31])
        columns = list(table.frame.columns)
        sheet.append([str(c).replace("_", " ") for c in columns])
        for cell in sheet[1]:
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
                for cell in sheet[letter][1:]:
                    cell.number_format = formats[kind]
            elif pd.api.types.is_datetime64_any_dtype(table.frame[col]):
                for cell in sheet[letter][1:]:
                    cell.number_format = "dd/mm/yyyy"
            width = max([len(str(col))] + [len(format_value(v, kind or "")) for v in table.frame[col].head(200)])
            sheet.column_dimensions[letter].width = min(max(10, width + 2), 60)
        sheet.freeze_panes = "A2"
    book.save(path)
