"""Read SSDA903 returns into one validated, canonical episodes table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

import pandas as pd

from ..common import schema as S
from ..common.dates import collection_year_start, financial_year_label, march_31
from ..common.errors import SchemaError
from .cleaning import attach_children, categorise_episodes, children_table, clean_episodes, unify_child_ids
from .files import SourceFile, discover
from .quality import QualityLog, summarise_quality, warn_about
from .stacking import build_periods, combine_returns, repair_chains
from .tables import read_table

__all__ = ["EpisodesLike", "SSDA903Data", "read_ssda903"]


@dataclass(frozen=True)
class SSDA903Data:
    """Validated SSDA903 data.

    Attributes
    ----------
    episodes : pandas.DataFrame
        One row per episode, columns :data:`sufficiency.schema.EPISODE_COLUMNS`,
        sorted by child and start date. ``episode_end`` is ``NaT`` for
        episodes still open at ``censor_date``.
    children : pandas.DataFrame
        One row per child: ``child_id``, ``date_of_birth``, ``sex``,
        ``ethnicity``, ``uasc``, ``uasc_ceased``.
    quality : pandas.DataFrame
        Data-quality report, columns :data:`sufficiency.schema.QUALITY_COLUMNS`.
    years : tuple of int
        Collection years read [year ending 31 March].
    coverage_start : pandas.Timestamp
        First day the returns describe completely (1 April of the first year).
    censor_date : pandas.Timestamp
        Last day the returns describe (31 March of the last year).
    files : pandas.DataFrame
        The files read: ``file``, ``year`` (collection year), ``table``
        (``header``, ``episodes`` or ``uasc``) and ``rows`` [rows]. Folders
        and files found but not read are in :attr:`quality`
        (``folder_ignored``, ``file_ignored``).
    """

    episodes: pd.DataFrame
    children: pd.DataFrame
    quality: pd.DataFrame
    years: tuple[int, ...]
    coverage_start: pd.Timestamp
    censor_date: pd.Timestamp
    files: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["file", "year", "table", "rows"]))

    def quality_summary(self) -> pd.DataFrame:
        """Count the data-quality report by rule (see :func:`summarise_quality`)."""
        return summarise_quality(self.quality)


#: What the counting and fitting functions take: read returns, or a canonical episodes table.
EpisodesLike: TypeAlias = SSDA903Data | pd.DataFrame


def read_ssda903(
    source: str | Path | Mapping[int, str | Path | Sequence[str | Path] | Mapping[str, str | Path]],
    *,
    mapping: pd.DataFrame | None = None,
    coarse: Mapping[str, str] | None = None,
    include_short_breaks: bool = False,
    carry_forward_temporary: bool = True,
    strict: bool = False,
    warn: bool = True,
) -> SSDA903Data:
    """Read several years of SSDA903 returns.

    Parameters
    ----------
    source : path or mapping
        A folder of yearly sub-folders (``2016/``, ``2015-16/``, ...), a flat
        folder whose file names carry the year, or a mapping ``{year: folder
        | [files] | {"header": file, "episodes": file, "uasc": file}}``. A
        single year names the 31 March the return ends on. Files are CSV
        (UTF-8 with or without BOM, or Windows-1252) or ``.xlsx``; tables are
        told apart by ``header``/``episode``/``uasc`` in the file name, or by
        their columns.
    mapping : pandas.DataFrame, optional
        Placement mapping (see :func:`sufficiency.categorise`).
    coarse : mapping, optional
        ``{category: coarse group}`` for your own categories.
    include_short_breaks : bool
        Keep episodes under legal status V3/V4 (agreed series of short
        breaks) and the legacy V1 (short breaks, to 2009-10), which DfE excludes
        from children-looked-after counts. Default ``False``.
    carry_forward_temporary : bool
        Give temporary placements (T0-T4) the category of the placement
        before them in the same period of care, so a week's respite is not
        counted as two moves. Default ``True``.
    strict : bool
        Raise :class:`SchemaError` on codes that are in no year's code list
        instead of mapping them to ``"unknown"`` with a warning.
    warn : bool
        Emit one :class:`DataQualityWarning` summarising survived problems.

    Returns
    -------
    SSDA903Data

    Raises
    ------
    SchemaError
        When a file cannot be used (it is not a table, or lacks a required
        column), when there are episodes but no header files (so no dates of
        birth), or when no episode is left once unusable rows are removed.
    """
    log = QualityLog()
    files = discover(source, log=log)
    tables: dict[str, list[pd.DataFrame]] = {"header": [], "episodes": [], "uasc": []}
    read = []
    for item in files:
        frame = _read_one(item, log)
        tables[item.table].append(frame)
        read.append({"file": str(item.path), "year": item.year, "table": item.table, "rows": len(frame)})
    unify_child_ids(tables, log)
    where = str(source) if not isinstance(source, Mapping) else "<mapping of returns>"
    if not tables["episodes"]:
        raise SchemaError("no episodes files found", file=where, rule="no_episodes")
    _refuse_without_headers(files, tables, where)
    raw = pd.concat(tables["episodes"], ignore_index=True)
    if raw.empty:
        raise SchemaError(
            "the episodes files hold no rows",
            file=", ".join(sorted({str(f.path) for f in files if f.table == "episodes"})),
            rule="no_episodes",
        )
    years = tuple(sorted({f.year for f in files}))
    episode_years = sorted(int(y) for y in raw[S.RETURN_YEAR].unique())
    _check_years(files, episode_years, log)
    _check_uasc(tables, episode_years, log)

    episodes = clean_episodes(raw, log, strict=strict)
    _refuse_if_empty(episodes, log, where)
    children = children_table(tables["header"], tables["uasc"], log)
    episodes = combine_returns(episodes, log=log)
    if not include_short_breaks:
        short = episodes[S.LEGAL_STATUS].isin(["V3", "V4", "V1"])
        log.rows(
            episodes[short],
            column="LS",
            rule="short_breaks",
            action="excluded from looked-after counts (short breaks, V1/V3/V4)",
            severity="info",
            value=episodes.loc[short, S.LEGAL_STATUS],
            removed=True,
        )
        episodes = episodes[~short]
    episodes = attach_children(episodes, children, log)
    censor = march_31(max(episode_years))
    episodes = repair_chains(episodes, censor_date=censor, log=log)
    episodes = categorise_episodes(episodes, log, mapping=mapping, coarse=coarse, carry_forward=carry_forward_temporary)
    episodes = build_periods(episodes, coverage_start=collection_year_start(min(episode_years)), log=log)
    _refuse_if_empty(episodes, log, where)
    episodes = episodes[list(S.EPISODE_COLUMNS)].sort_values([S.CHILD_ID, S.EPISODE_START]).reset_index(drop=True)
    report = log.frame()
    if warn:
        warn_about(report)
    return SSDA903Data(
        episodes=episodes,
        children=children,
        quality=report,
        years=years,
        coverage_start=collection_year_start(min(episode_years)),
        censor_date=censor,
        files=pd.DataFrame(read, columns=["file", "year", "table", "rows"]),
    )


def _refuse_without_headers(files: list[SourceFile], tables: dict[str, list[pd.DataFrame]], where: str) -> None:
    """Refuse a return year that holds episodes but no header rows, naming its episodes files.

    The header gives every child's date of birth; a UASC file covers only
    unaccompanied children, so it does not stand in for it.
    """
    with_rows = {
        table: {int(f[S.RETURN_YEAR].iloc[0]) for f in tables[table] if len(f)} for table in ("header", "episodes")
    }
    missing = sorted(with_rows["episodes"] - with_rows["header"])
    if not missing:
        return
    names = ", ".join(str(f.path) for f in files if f.table == "episodes" and f.year in missing)
    labels = ", ".join(financial_year_label(y) for y in missing)
    raise SchemaError(
        f"the header file is missing (or empty) for {labels}, beside {names}: the header holds each child's date of "
        "birth, which ages, ageing out at 18 and every forecast need (a UASC file lists only unaccompanied "
        "children); add each year's header file (CHILD, SEX, DOB)",
        file=where,
        rule="no_header",
    )


def _check_years(files: list[SourceFile], episode_years: list[int], log: QualityLog) -> None:
    """Warn about years in the middle with no episodes, and years whose files hold no episodes (the data end sooner)."""
    missing = sorted(set(range(min(episode_years), max(episode_years) + 1)) - set(episode_years))
    if missing:
        labels = ", ".join(financial_year_label(y) for y in missing)
        log.summary(
            file="",
            column="",
            rule="missing_return_year",
            action=f"no episodes for {labels}; the gap is bridged from neighbouring returns",
            n_rows=len(missing),
            severity="warning",
        )
    for year in sorted({f.year for f in files} - set(episode_years)):
        if year in missing:
            continue
        names = ", ".join(str(f.path) for f in files if f.year == year)
        span = (
            f"the data begin on 1 April {min(episode_years) - 1}"
            if year < min(episode_years)
            else f"the data end on 31 March {max(episode_years)}"
        )
        log.summary(
            file=names,
            column="",
            rule="return_year_without_episodes",
            action=f"the {financial_year_label(year)} files hold no episodes: {span}",
            n_rows=0,
            severity="warning",
        )


def _check_uasc(tables: dict[str, list[pd.DataFrame]], episode_years: list[int], log: QualityLog) -> None:
    """Warn about years with no unaccompanied children listed when other years list some, and about unknown children."""
    listed = {int(f[S.RETURN_YEAR].iloc[0]) for f in tables["uasc"] if len(f)}
    if not listed:
        return
    for year in sorted(set(episode_years) - listed):
        log.summary(
            file="",
            column="",
            rule="missing_uasc_file",
            action=f"no unaccompanied children listed for {financial_year_label(year)} (no UASC file, or an empty one) "
            "though other years list them: children unaccompanied only then are fitted with the others",
            n_rows=0,
            severity="warning",
        )
    known = set()
    for kind in ("header", "episodes"):
        for frame in tables[kind]:
            known |= set(frame["CHILD"].astype(str).str.strip())
    for frame in tables["uasc"]:
        ids = frame["CHILD"].astype(str).str.strip()
        unknown = ~ids.isin(known)
        log.rows(
            frame[unknown].assign(**{S.CHILD_ID: ids[unknown]}),
            column="CHILD",
            rule="uasc_child_unknown",
            action="not used: the child is in no header or episodes file",
            value=ids[unknown],
        )


def _refuse_if_empty(episodes: pd.DataFrame, log: QualityLog, where: str) -> None:
    """Raise when every episode row has been removed, saying by which rules."""
    if len(episodes):
        return
    report = log.frame()
    removed = (
        report[report["removed"]].groupby(["rule", "column"], sort=False)["n_rows"].sum().sort_values(ascending=False)
    )
    reasons = (
        "; ".join(f"{rule} ({column or 'row'}): {n}" for (rule, column), n in removed.items()) or "no rule recorded"
    )
    raise SchemaError(
        f"no usable episodes: every row was removed ({reasons}); see the files' rows for the values",
        file=where,
        rule="no_usable_episodes",
    )


def _read_one(item: SourceFile, log: QualityLog) -> pd.DataFrame:
    frame = read_table(item.path, log=log)
    for col in S.REQUIRED_RAW[item.table]:
        if col not in frame.columns:
            raise SchemaError(
                f"required {item.table} column is missing (found: "
                f"{', '.join(c for c in frame.columns if c not in (S.SOURCE_ROW, S.SOURCE_FILE))})",
                file=str(item.path),
                column=col,
                rule="missing_column",
            )
    frame[S.RETURN_YEAR] = item.year
    return frame
