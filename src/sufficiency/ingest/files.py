"""Find the SSDA903 files of each collection year in a folder of returns as councils keep them.

Reading one table is :mod:`sufficiency.ingest.tables`; this module finds the files of each year.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..common.dates import year_ending_march
from ..common.errors import SchemaError
from .quality import QualityLog
from .tables import read_table

__all__ = ["TABLES", "SourceFile", "discover"]

TABLES = ("header", "episodes", "uasc")
_TABLE_WORDS = {"header": ("header",), "episodes": ("episode",), "uasc": ("uasc",)}
_SUFFIXES = {".csv", ".txt", ".xlsx", ".xlsm", ".xls"}
_SPAN = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-_/ ]\s*((?:19|20)?\d{2})(?!\d)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_SHORT_SPAN = re.compile(r"(?<!\d)(\d{2})\s*[-_/]\s*(\d{2})(?!\d)")


@dataclass(frozen=True)
class SourceFile:
    """One file of one collection year.

    Attributes
    ----------
    year : int
        Collection year [year ending 31 March].
    table : str
        ``"header"``, ``"episodes"`` or ``"uasc"``.
    path : pathlib.Path
    """

    year: int
    table: str
    path: Path


def _year_from_name(name: str) -> int | None:
    """Read a collection year from a file or folder name.

    ``"2015-16"``, ``"2015_16"``, ``"Returns 15-16"`` and ``"ssda903_2016"``
    all give ``2016``: a single year names the 31 March the return ends on
    (see :func:`sufficiency.common.dates.year_ending_march`), and a span of
    two-digit years (``15-16``, consecutive) is read in the 2000s.

    Parameters
    ----------
    name : str

    Returns
    -------
    int or None
    """
    span = _SPAN.search(name)
    if span:
        year = year_ending_march(span.group(0))
        if year is not None:
            return year
    years = _YEAR.findall(name)
    if years:
        return int(years[-1])
    short = _SHORT_SPAN.search(name)
    if short and (int(short.group(1)) + 1) % 100 == int(short.group(2)):
        return 2000 + int(short.group(2))
    return None


def _table_from_name(name: str) -> str | None:
    """Guess the SSDA903 table from a file name (``None`` if it says nothing).

    Social-worker episode files (``SWEpisodes``, from 2023-24) are not
    episodes of care and give ``None``.
    """
    lowered = name.lower()
    if re.search(r"sw[ _-]?episode|social[ _-]?worker", lowered):
        return None
    for table, words in _TABLE_WORDS.items():
        if any(w in lowered for w in words):
            return table
    return None


def _files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in _SUFFIXES)


def discover(
    source: str | Path | Mapping[int, str | Path | Sequence[str | Path] | Mapping[str, str | Path]],
    *,
    log: QualityLog,
) -> list[SourceFile]:
    """List the header, episodes and UASC files of each collection year.

    Parameters
    ----------
    source : path or mapping
        A folder of yearly sub-folders, a flat folder whose file names carry
        the year, or ``{year: folder | [files] | {table: file}}``.
    log : QualityLog
        Receives an ``info`` entry for every file that is not used.

    Returns
    -------
    list of SourceFile

    Raises
    ------
    SchemaError
        If the source does not exist, a file listed does not exist, or a
        mapping key is not a year.
    """
    found: list[SourceFile] = []
    if isinstance(source, Mapping):
        for key, value in source.items():
            year = year_ending_march(key)
            if year is None:
                raise SchemaError(
                    f"the key {key!r} is not a collection year: use the year the return ends on (2017) or its span "
                    "('2016-17')",
                    file="<mapping of returns>",
                    rule="bad_year",
                )
            if isinstance(value, Mapping):
                found += [SourceFile(year, str(t), Path(p)) for t, p in value.items()]
            elif isinstance(value, (str, Path)) and Path(value).is_dir():
                found += _classify(_files_in(Path(value)), year, log)
            else:
                paths = [value] if isinstance(value, (str, Path)) else list(value)
                found += _classify([Path(p) for p in paths], year, log)
    else:
        root = Path(source)
        if not root.exists():
            raise SchemaError("no such file or folder", file=str(root), rule="missing_source")
        if root.is_file():
            raise SchemaError(
                "pass a folder of returns or a {year: files} mapping, not a single file",
                file=str(root),
                rule="not_a_folder",
            )
        for folder in sorted(d for d in root.iterdir() if d.is_dir()):
            year = _year_from_name(folder.name)
            if year is None:
                inside = _files_in(folder)
                if inside:
                    log.summary(
                        file=str(folder),
                        column="",
                        rule="folder_ignored",
                        action=f"no collection year in the folder's name (write 2024-25); its {len(inside)} files "
                        "were not read",
                        n_rows=len(inside),
                        severity="warning",
                    )
                continue
            found += _classify(_files_in(folder), year, log)
        for path in _files_in(root):
            year = _year_from_name(path.name)
            if year is None:
                log.summary(
                    file=str(path),
                    column="",
                    rule="file_ignored",
                    action="no collection year in the file name; not read",
                    n_rows=0,
                    severity="warning" if _table_from_name(path.name) else "info",
                )
                continue
            found += _classify([path], year, log)
    for item in found:
        if item.table not in TABLES:
            raise SchemaError(
                f"unknown table {item.table!r}; use one of {TABLES}", file=str(item.path), rule="unknown_table"
            )
        if not item.path.is_file():
            raise SchemaError("no such file", file=str(item.path), rule="missing_source")
    return sorted(found, key=lambda f: (f.year, TABLES.index(f.table), str(f.path)))


def _classify(paths: list[Path], year: int, log: QualityLog) -> list[SourceFile]:
    out = []
    for path in paths:
        table = _table_from_name(path.name)
        if table is None:
            table = _table_from_columns(path)
        if table is None:
            log.summary(
                file=str(path),
                column="",
                rule="file_ignored",
                action="not a header, episodes or UASC table; not read",
                n_rows=0,
            )
            continue
        out.append(SourceFile(year, table, path))
    return out


def _table_from_columns(path: Path) -> str | None:
    try:
        columns = set(read_table(path, log=QualityLog()).columns)
    except SchemaError:
        return None
    if "DECOM" in columns:
        return "episodes"
    if "DUC" in columns:
        return "uasc"
    if {"SEX", "DOB"} <= columns:
        return "header"
    return None
