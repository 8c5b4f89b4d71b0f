"""Read one table as councils keep them: CSV in any of the encodings Excel writes, or ``.xlsx``, every cell as text.

Encodings (UTF-8 with or without BOM, UTF-16, Windows-1252), separators
(comma, tab, semicolon), ragged rows, NUL bytes, NULL-like tokens, unnamed
and duplicated columns and blank rows are handled here and counted in the
quality log.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.errors import DataQualityWarning, SchemaError
from .quality import QualityLog

__all__ = ["NULL_TOKENS", "read_named_table", "read_table"]

#: Cell values that database and spreadsheet exports write for "no value".
NULL_TOKENS = frozenset({"NULL", "NA", "N/A", "NAN", "NONE", "NAT", "#N/A"})


def _decode(raw: bytes, path: Path, log: QualityLog) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), UTF-16 (as Excel's "Unicode text" writes it) or Windows-1252."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(raw[:4096]):
        encoding = (
            "utf-16"
            if raw.startswith((b"\xff\xfe", b"\xfe\xff"))
            else ("utf-16-le" if raw[1:2] == b"\x00" else "utf-16-be")
        )
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise SchemaError(
                f"looks like UTF-16 text but does not decode ({exc.reason} at byte {exc.start})",
                file=str(path),
                rule="not_a_table",
            ) from exc
        log.summary(
            file=str(path),
            column="",
            rule="encoding",
            action="UTF-16 text (as Excel saves 'Unicode text'); decoded",
            n_rows=0,
            severity="info",
        )
        return text.lstrip("\ufeff")
    if b"\x00" in raw[:4096]:
        kind = (
            "a zip archive (an .xlsx workbook saved under another name?)"
            if raw.startswith(b"PK\x03\x04")
            else "binary content"
        )
        raise SchemaError(f"{kind}: not a CSV text table", file=str(path), rule="not_a_table")
    if b"\x00" in raw:
        log.summary(
            file=str(path),
            column="",
            rule="nul_bytes",
            action="NUL bytes (left by a truncated copy or export) removed",
            n_rows=raw.count(b"\x00"),
            severity="warning",
        )
        raw = raw.replace(b"\x00", b"")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        log.summary(
            file=str(path),
            column="",
            rule="encoding",
            action="not UTF-8; decoded as Windows-1252 (cp1252)",
            n_rows=0,
            severity="info",
        )
        return raw.decode("cp1252", errors="replace")


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a byte-order mark: every other byte of mostly-ASCII text is zero."""
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    return max(even.count(0) / len(even), odd.count(0) / max(len(odd), 1)) > 0.4 and min(
        even.count(0), odd.count(0)
    ) < 0.05 * len(odd)


def _parse_csv(text: str, name: str, log: QualityLog) -> pd.DataFrame:
    """Parse CSV text with every cell as ``str`` and ``source_row`` set to each row's line in the file.

    A column-name line with tabs (or semicolons, as Excel writes CSV where
    the comma is the decimal mark) and no commas is read with that
    separator. Rows with more fields than the column-name line are set aside: with
    only empty extra fields (a trailing comma) the extras are ignored;
    otherwise the row is dropped and recorded (file, row, its content), and
    the rest of the file is read.
    """
    first = text.split("\n", 1)[0]
    sep = next((c for c in ("\t", ";") if c in first and "," not in first), ",")
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            quoting=csv.QUOTE_MINIMAL,
            skip_blank_lines=False,
        )
        frame[S.SOURCE_ROW] = range(2, len(frame) + 2)
        return frame
    except pd.errors.ParserError:
        pass  # ragged rows: read line by line below
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    header = next(reader)
    width = len(header)
    rows, lines, trailing = [], [], 0
    for fields in reader:
        line = reader.line_num
        if len(fields) > width:
            extra = fields[width:]
            if any(f.strip() for f in extra):
                child = fields[0].strip() if header and header[0].strip().upper() == "CHILD" else ""
                log.record(
                    file=name,
                    row=line,
                    child_id=child,
                    column="",
                    rule="ragged_row",
                    value=",".join(fields)[:200],
                    action=(
                        f"row dropped ({len(fields)} fields where the column names give {width}); "
                        "the rest of the file was read"
                    ),
                    severity="error",
                    removed=True,
                )
                continue
            trailing += 1
            fields = fields[:width]
        rows.append(fields + [""] * (width - len(fields)))
        lines.append(line)
    if trailing:
        log.summary(
            file=name,
            column="",
            rule="trailing_empty_fields",
            action="empty fields after the last column ignored",
            n_rows=trailing,
            severity="info",
        )
    frame = pd.DataFrame(rows, columns=header, dtype=str) if rows else pd.DataFrame(columns=header, dtype=str)
    frame[S.SOURCE_ROW] = lines
    return frame


def read_table(path: Path, *, log: QualityLog) -> pd.DataFrame:
    """Read one CSV or Excel table as text.

    Column names are stripped and upper-cased; empty unnamed columns (Excel
    exports) and blank rows are dropped and logged.

    Parameters
    ----------
    path : pathlib.Path
    log : QualityLog

    Returns
    -------
    pandas.DataFrame
        All columns as ``str`` (``""`` for blanks) plus ``source_file`` and
        ``source_row`` (1-based line in the file; the column-name line is 1).

    Raises
    ------
    SchemaError
        If the file cannot be read as a table.
    """
    name = str(path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise SchemaError(
            "old Excel (.xls) files are not read: save the sheet as .xlsx or CSV", file=name, rule="unsupported_format"
        )
    try:
        if suffix in {".xlsx", ".xlsm"}:
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
            frame[S.SOURCE_ROW] = range(2, len(frame) + 2)
        else:
            text = _decode(path.read_bytes(), path, log)
            if not text.strip():
                raise SchemaError("the file is empty", file=name, rule="not_a_table")
            frame = _parse_csv(text, name, log)
    except SchemaError:
        raise
    except Exception as exc:  # pandas raises many types for unreadable input
        raise SchemaError(
            f"cannot be read as a table ({type(exc).__name__}: {exc})", file=name, rule="not_a_table"
        ) from exc
    rows = frame.pop(S.SOURCE_ROW).to_numpy()
    if frame.shape[1] == 0:
        raise SchemaError("no columns found", file=name, rule="not_a_table")
    frame = frame.astype(str)
    # each distinct cell value is looked at once, over the whole table: codes and dates repeat a great deal
    cells = frame.to_numpy(dtype=object)
    codes, distinct = pd.factorize(cells.ravel(), use_na_sentinel=False)
    stripped = pd.Series(np.asarray(distinct, dtype=object), dtype=object).str.strip()
    null_distinct = stripped.str.upper().isin(NULL_TOKENS).to_numpy()
    nulls = null_distinct[codes].reshape(cells.shape)
    empty = (null_distinct | (stripped == "").to_numpy())[codes].reshape(cells.shape)
    for j in np.flatnonzero(nulls.any(axis=0)):
        frame.iloc[np.flatnonzero(nulls[:, j]), j] = ""
        log.summary(
            file=name,
            column=str(frame.columns[j]).strip().upper(),
            rule="null_token",
            action="NULL / N/A style values read as blank",
            n_rows=int(nulls[:, j].sum()),
        )
    frame.columns = [str(c).replace("\ufeff", "").strip().upper() for c in frame.columns]
    upper = list(frame.columns)
    frame[S.SOURCE_ROW] = rows
    unnamed = [c for c in frame.columns if c == "" or c.startswith("UNNAMED:")]
    for col in unnamed:
        filled = int((frame[col] != "").sum())
        log.summary(
            file=name,
            column=col,
            rule="unnamed_column",
            action="dropped" + ("" if filled == 0 else f" ({filled} non-empty cells ignored)"),
            n_rows=max(filled, 1),
            severity="info" if filled == 0 else "warning",
        )
    frame = frame.drop(columns=unnamed)
    names = list(frame.columns)
    mangled = [c for c in names if (m := re.fullmatch(r"(.+)\.\d+", c)) is not None and m.group(1) in names]
    if frame.columns.duplicated().any() or mangled:
        dup = mangled[0].rsplit(".", 1)[0] if mangled else frame.columns[frame.columns.duplicated()][0]
        raise SchemaError("the column appears more than once", file=name, column=dup, rule="duplicate_column")
    kept = [j for j, c in enumerate(upper) if c not in unnamed]
    blank = pd.Series(empty[:, kept].all(axis=1) if kept else True, index=frame.index)
    if blank.any():
        log.summary(file=name, column="", rule="blank_row", action="dropped", n_rows=int(blank.sum()), removed=True)
        frame = frame[~blank]
    frame[S.SOURCE_FILE] = name
    return frame.reset_index(drop=True)


def read_named_table(path: str | Path, required: Sequence[str]) -> tuple[pd.DataFrame, list[int]]:
    """Read a small user table (CSV or ``.xlsx``) with lower-case column names and every cell as text.

    Parameters
    ----------
    path : path
    required : sequence of str
        Lower-case column names the table must have (``placement`` may be
        spelled ``category``).

    Returns
    -------
    frame : pandas.DataFrame
        The table's columns (lower-case, stripped); blank rows dropped.
    lines : list of int
        File line of each row (the column-name line is 1).

    Raises
    ------
    SchemaError
        If the file cannot be read, a required column is missing, or a row
        has more fields than the column names (such a table is refused
        rather than read without the row).
    """
    log = QualityLog()
    frame = read_table(Path(path), log=log)
    report = log.frame()
    dropped = report[report["removed"] & (report["rule"] != "blank_row")]
    if len(dropped):
        first = dropped.iloc[0]
        raise SchemaError(
            f"the row cannot be read ({first['action']})",
            file=str(path),
            row=None if pd.isna(first["row"]) else int(first["row"]),
            rule=str(first["rule"]),
        )
    nulls = report[report["rule"] == "null_token"]
    if len(nulls):
        columns = ", ".join(sorted(set(nulls["column"].str.lower())))
        warnings.warn(
            f"{path}: {int(nulls['n_rows'].sum())} cells such as NULL, N/A or NaN were read as blank "
            f"(columns {columns}) [null_token]",
            DataQualityWarning,
            stacklevel=3,
        )
    lines = [int(line) for line in frame[S.SOURCE_ROW]]
    frame = frame.drop(columns=[S.SOURCE_ROW, S.SOURCE_FILE])
    frame.columns = [c.lower() for c in frame.columns]
    for col in required:
        spelled_otherwise = col == S.PLACEMENT and any(a in frame.columns for a in S.PLACEMENT_ALIASES)
        if col not in frame.columns and not spelled_otherwise:
            raise SchemaError(
                f"required column is missing (found: {', '.join(frame.columns)})",
                file=str(path),
                column=col,
                rule="missing_column",
            )
    return frame.reset_index(drop=True), lines
