"""Clean the stacked returns: codes checked, dates parsed, children joined, placements categorised.

Every row repaired or removed is counted in the quality log with its file,
line, column and rule.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..common import schema as S
from ..common.dates import parse_dates, times_of_day
from ..common.errors import SchemaError
from ..common.text import map_unique
from .codes import LOADER_CLOSED, code_validity
from .quality import QualityLog
from .taxonomy import categorise, coarsen

__all__ = ["attach_children", "categorise_episodes", "children_table", "clean_episodes", "unify_child_ids"]

_CODE_FIELDS = ("RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "REC", "REASON_PLACE_CHANGE")
_CHECKED_FIELDS = ("RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "REC")
_SEX = {"1": "M", "2": "F", "M": "M", "F": "F", "U": "U", "0": "U", "9": "U"}
_TRUE = {"1", "Y", "YES", "TRUE", "T"}
_NEEDS_PROVIDER = {"U4", "U5", "U6", "K2", "Q2"}


def _strip(frame: pd.DataFrame, column: str, *, upper: bool, log: QualityLog) -> pd.Series:
    raw = frame[column] if column in frame.columns else pd.Series("", index=frame.index)
    clean = map_unique(raw, lambda u: u.str.strip().str.upper() if upper else u.str.strip())
    changed = (clean != raw) & (clean != "")
    if changed.any():
        for name, n in changed.groupby(frame[S.SOURCE_FILE]).sum().items():
            if n == 0:
                continue
            log.summary(
                file=str(name),
                column=column,
                rule="code_normalised",
                action="stripped spaces / upper-cased",
                n_rows=int(n),
            )
    return clean


def unify_child_ids(tables: dict[str, list[pd.DataFrame]], log: QualityLog) -> None:
    """Give one spelling to child ids that differ only by case, spaces or leading zeros, in every table (in place).

    Councils' systems and exports drop leading zeros (``0123`` and ``123``)
    or change case from one year to the next; read as different children,
    one child would count twice. Each id is read as its most common spelling
    across the returns, and every row changed is counted (``child_id_variants``).

    Parameters
    ----------
    tables : dict of str to list of pandas.DataFrame
        The raw tables by kind, each with ``CHILD``, ``source_file`` and
        ``source_row``.
    log : QualityLog
    """
    frames = [f for kind in tables.values() for f in kind if "CHILD" in f.columns and len(f)]
    if not frames:
        return
    ids = pd.concat([map_unique(f["CHILD"], lambda u: u.str.strip()) for f in frames], ignore_index=True)
    ids = ids[ids != ""]
    key = ids.str.upper().str.lstrip("0").replace("", "0")
    spellings = pd.DataFrame({"key": key, "id": ids}).value_counts().rename("n").reset_index()
    shared = spellings["key"].duplicated(keep=False)
    if not shared.any():
        return
    chosen = spellings[shared].sort_values(["key", "n", "id"], ascending=[True, False, True])
    canonical = chosen.drop_duplicates("key").set_index("key")["id"]
    to = dict(zip(chosen["id"], chosen["key"].map(canonical)))
    for frame in frames:
        raw = map_unique(frame["CHILD"], lambda u: u.str.strip())
        new = raw.map(to).fillna(raw)
        changed = new != raw
        if changed.any():
            records = frame.loc[changed, [S.SOURCE_FILE, S.SOURCE_ROW]].assign(**{S.CHILD_ID: new[changed]})
            log.rows(
                records,
                column="CHILD",
                rule="child_id_variants",
                action="read as the id's most common spelling (ids differing only by case, spaces or leading zeros "
                "are one child)",
                value=frame.loc[changed, "CHILD"],
            )
            frame["CHILD"] = new.where(changed, frame["CHILD"])


def clean_episodes(raw: pd.DataFrame, log: QualityLog, *, strict: bool) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            S.SOURCE_FILE: raw[S.SOURCE_FILE],
            S.SOURCE_ROW: raw[S.SOURCE_ROW],
            S.RETURN_YEAR: raw[S.RETURN_YEAR].astype(int),
            S.CHILD_ID: map_unique(raw["CHILD"], lambda u: u.str.strip()),
        }
    )
    for field in _CODE_FIELDS:
        out[S.RAW_TO_CANONICAL[field]] = _strip(raw, field, upper=True, log=log)
    out[S.URN] = _strip(raw, "URN", upper=True, log=log)
    no_child = out[S.CHILD_ID] == ""
    log.rows(
        out[no_child], column="CHILD", rule="missing_child_id", action="row dropped", severity="error", removed=True
    )
    out = out[~no_child]
    start, bad_start = parse_dates(raw.loc[out.index, "DECOM"])
    end, bad_end = parse_dates(raw.loc[out.index, "DEC"])
    for column in ("DECOM", "DEC"):
        timed = times_of_day(raw.loc[out.index, column])
        log.rows(
            out[timed],
            column=column,
            rule="time_of_day",
            action="time of day dropped; the date kept",
            value=raw.loc[out.index[timed], column],
        )
    log.rows(
        out[bad_start | start.isna()],
        column="DECOM",
        rule="invalid_date",
        action="row dropped (no usable start date)",
        severity="error",
        value=raw.loc[out.index[bad_start | start.isna()], "DECOM"],
        removed=True,
    )
    log.rows(
        out[bad_end],
        column="DEC",
        rule="invalid_date",
        action="end date blanked; episode closed by the next episode or return",
        value=raw.loc[out.index[bad_end], "DEC"],
    )
    out[S.EPISODE_START] = start
    out[S.EPISODE_END] = end
    out = out[out[S.EPISODE_START].notna()].copy()
    out.loc[out[S.EPISODE_END].isna(), S.REASON_CEASED] = ""

    year_end = pd.to_datetime(out[S.RETURN_YEAR].astype(str) + "-03-31")
    year_start = pd.to_datetime((out[S.RETURN_YEAR] - 1).astype(str) + "-04-01")
    future = out[S.EPISODE_START] > year_end
    log.rows(
        out[future],
        column="DECOM",
        rule="date_outside_return_year",
        action="row dropped (starts after the return's 31 March)",
        severity="error",
        value=out.loc[future, S.EPISODE_START].dt.strftime("%d/%m/%Y"),
        removed=True,
    )
    out = out[~future]
    year_end = year_end[~future]
    year_start = year_start[~future]
    late = out[S.EPISODE_END] > year_end
    log.rows(
        out[late],
        column="DEC",
        rule="date_outside_return_year",
        action="end date after the return's 31 March blanked (open at year end)",
        value=out.loc[late, S.EPISODE_END].dt.strftime("%d/%m/%Y"),
    )
    out.loc[late, [S.EPISODE_END]] = pd.NaT
    out.loc[late, S.REASON_CEASED] = ""
    early = out[S.EPISODE_END] < year_start
    log.rows(
        out[early],
        column="DEC",
        rule="date_outside_return_year",
        action="kept (episode ended before the return year)",
        severity="info",
        value=out.loc[early, S.EPISODE_END].dt.strftime("%d/%m/%Y"),
    )

    no_rec = out[S.EPISODE_END].notna() & (out[S.REASON_CEASED] == "")
    log.rows(
        out[no_rec], column="REC", rule="end_without_reason", action=f"reason set to {LOADER_CLOSED} (not recorded)"
    )
    out.loc[no_rec, S.REASON_CEASED] = LOADER_CLOSED

    for field in _CHECKED_FIELDS:
        col = S.RAW_TO_CANONICAL[field]
        codes = out[col]
        if field == "REC":
            codes = codes.where(codes != LOADER_CLOSED, "")
        status = code_validity(field, codes, out[S.RETURN_YEAR])
        unknown = status == "unknown"
        if strict and unknown.any():
            first = out[unknown].iloc[0]
            raise SchemaError(
                f"code {first[col]!r} is in no SSDA903 code list ({int(unknown.sum())} rows in all)",
                file=first[S.SOURCE_FILE],
                row=int(first[S.SOURCE_ROW]),
                column=field,
                rule="unknown_code",
            )
        log.rows(
            out[unknown],
            column=field,
            rule="unknown_code",
            action="kept; placement category 'unknown'" if field in ("PLACE", "PLACE_PROVIDER") else "kept",
            value=out.loc[unknown, col],
        )
        odd = status == "out_of_year"
        log.rows(
            out[odd],
            column=field,
            rule="code_not_valid_that_year",
            action="kept",
            value=out.loc[odd, col] + " in " + out.loc[odd, S.RETURN_YEAR].astype(str),
        )
        if field in ("RNE", "LS", "PLACE"):
            blank = status == "blank"
            log.rows(
                out[blank],
                column=field,
                rule="missing_code",
                action="kept" + ("; placement category 'unknown'" if field == "PLACE" else ""),
            )
    return out


def children_table(headers: list[pd.DataFrame], uascs: list[pd.DataFrame], log: QualityLog) -> pd.DataFrame:
    cols = [S.CHILD_ID, S.DATE_OF_BIRTH, S.SEX, S.ETHNICITY, S.UASC, S.RETURN_YEAR, S.SOURCE_FILE, S.SOURCE_ROW]
    parts = []
    for frame in headers:
        part = pd.DataFrame(
            {
                S.CHILD_ID: map_unique(frame["CHILD"], lambda u: u.str.strip()),
                S.SOURCE_FILE: frame[S.SOURCE_FILE],
                S.SOURCE_ROW: frame[S.SOURCE_ROW],
                S.RETURN_YEAR: frame[S.RETURN_YEAR],
            }
        )
        dob, bad = parse_dates(frame["DOB"])
        log.rows(
            part[bad],
            column="DOB",
            rule="invalid_date",
            action="date of birth treated as missing",
            value=frame.loc[bad, "DOB"],
        )
        blank = dob.isna() & ~bad & (part[S.CHILD_ID] != "")
        log.rows(part[blank], column="DOB", rule="missing_dob", action="no date of birth: age unknown")
        part[S.DATE_OF_BIRTH] = dob
        sex = map_unique(frame["SEX"], lambda u: u.str.strip().str.upper())
        part[S.SEX] = sex.map(_SEX)
        odd = part[S.SEX].isna()
        log.rows(
            part[odd & (sex != "")],
            column="SEX",
            rule="unknown_code",
            action="sex set to 'U'",
            value=sex[odd & (sex != "")],
        )
        part[S.SEX] = part[S.SEX].fillna("U")
        part[S.ETHNICITY] = (
            map_unique(frame["ETHNIC"], lambda u: u.str.strip().str.upper()) if "ETHNIC" in frame else ""
        )
        part[S.UASC] = frame["UASC"].str.strip().str.upper().isin(_TRUE) if "UASC" in frame else False
        parts.append(part[cols])
    header = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    header = header[header[S.CHILD_ID] != ""]
    header = header.sort_values([S.RETURN_YEAR, S.SOURCE_ROW])

    n_dob = header.dropna(subset=[S.DATE_OF_BIRTH]).groupby(S.CHILD_ID)[S.DATE_OF_BIRTH].nunique()
    conflicted = n_dob[n_dob > 1].index
    if len(conflicted):
        rows = header[header[S.CHILD_ID].isin(conflicted)].drop_duplicates(S.CHILD_ID, keep="last")
        values = (
            header[header[S.CHILD_ID].isin(conflicted)]
            .groupby(S.CHILD_ID)[S.DATE_OF_BIRTH]
            .agg(lambda s: " / ".join(sorted(s.dropna().dt.strftime("%d/%m/%Y").unique())))
        )
        log.rows(
            rows,
            column="DOB",
            rule="conflicting_dob",
            action="kept the latest return's date of birth",
            value=rows[S.CHILD_ID].map(values),
        )
    latest = header.dropna(subset=[S.DATE_OF_BIRTH]).groupby(S.CHILD_ID).last()
    children = header.groupby(S.CHILD_ID).agg(
        **{S.SEX: (S.SEX, "last"), S.ETHNICITY: (S.ETHNICITY, "last"), S.UASC: (S.UASC, "any")}
    )
    children[S.DATE_OF_BIRTH] = latest[S.DATE_OF_BIRTH].reindex(children.index)

    uasc_parts = []
    for frame in uascs:
        part = pd.DataFrame({S.CHILD_ID: map_unique(frame["CHILD"], lambda u: u.str.strip())})
        part[S.DATE_OF_BIRTH], bad_dob = parse_dates(frame["DOB"])
        log.rows(
            frame[bad_dob].assign(**{S.CHILD_ID: part.loc[bad_dob, S.CHILD_ID]}),
            column="DOB",
            rule="invalid_date",
            action="date of birth treated as missing",
            value=frame.loc[bad_dob, "DOB"],
        )
        duc = frame["DUC"] if "DUC" in frame else pd.Series("", index=frame.index)
        part[S.UASC_CEASED], bad = parse_dates(duc)
        log.rows(
            frame[bad].assign(**{S.CHILD_ID: part.loc[bad, S.CHILD_ID]}),
            column="DUC",
            rule="invalid_date",
            action="treated as missing",
            value=duc[bad],
        )
        part[S.RETURN_YEAR] = frame[S.RETURN_YEAR]
        uasc_parts.append(part)
    children[S.UASC_CEASED] = pd.Series(pd.NaT, index=children.index, dtype="datetime64[ns]")
    if uasc_parts:
        uasc = pd.concat(uasc_parts, ignore_index=True).sort_values(S.RETURN_YEAR)
        uasc = uasc[uasc[S.CHILD_ID] != ""]
        last = uasc.groupby(S.CHILD_ID).agg(
            **{S.UASC_CEASED: (S.UASC_CEASED, "last"), "dob_uasc": (S.DATE_OF_BIRTH, "last")}
        )
        children = children.reindex(children.index.union(last.index))
        children[S.UASC] = children[S.UASC].fillna(False).astype(bool) | children.index.isin(last.index)
        children[S.UASC_CEASED] = last[S.UASC_CEASED].reindex(children.index)
        children[S.DATE_OF_BIRTH] = children[S.DATE_OF_BIRTH].fillna(last["dob_uasc"].reindex(children.index))
    children.index.name = S.CHILD_ID
    children = children.reset_index()
    children[S.SEX] = children[S.SEX].fillna("U")
    children[S.ETHNICITY] = children[S.ETHNICITY].fillna("")
    children[S.UASC] = children[S.UASC].fillna(False).astype(bool)
    children[S.DATE_OF_BIRTH] = pd.to_datetime(children[S.DATE_OF_BIRTH]).astype("datetime64[ns]")
    return children[[S.CHILD_ID, S.DATE_OF_BIRTH, S.SEX, S.ETHNICITY, S.UASC, S.UASC_CEASED]]


def attach_children(episodes: pd.DataFrame, children: pd.DataFrame, log: QualityLog) -> pd.DataFrame:
    known = episodes[S.CHILD_ID].isin(children[S.CHILD_ID])
    orphans = episodes[~known].drop_duplicates(S.CHILD_ID)
    log.rows(orphans, column="CHILD", rule="child_without_header", action="kept; date of birth and sex unknown")
    out = episodes.merge(
        children[[S.CHILD_ID, S.DATE_OF_BIRTH, S.SEX, S.UASC, S.UASC_CEASED]], on=S.CHILD_ID, how="left"
    )
    out[S.SEX] = out[S.SEX].fillna("U")
    out[S.UASC] = out[S.UASC].fillna(False).astype(bool)
    first_start = out.groupby(S.CHILD_ID)[S.EPISODE_START].transform("min")
    born_late = out[S.DATE_OF_BIRTH] > first_start
    bad_children = out.loc[born_late, S.CHILD_ID].unique()
    rows = out[out[S.CHILD_ID].isin(bad_children)].sort_values(S.EPISODE_START).drop_duplicates(S.CHILD_ID)
    log.rows(
        rows,
        column="DOB",
        rule="dob_after_start",
        action="date of birth treated as missing (age unknown); episodes kept",
        value=rows[S.DATE_OF_BIRTH].dt.strftime("%d/%m/%Y"),
    )
    out.loc[out[S.CHILD_ID].isin(bad_children), S.DATE_OF_BIRTH] = pd.NaT
    ageless = out.loc[out[S.DATE_OF_BIRTH].isna(), S.CHILD_ID].nunique()
    if ageless:
        log.summary(
            file="",
            column="DOB",
            rule="no_date_of_birth",
            action=f"{ageless} of {out[S.CHILD_ID].nunique()} children in the episodes have no usable date of birth: "
            "their ages are unknown",
            n_rows=int(ageless),
            severity="warning",
        )
    return out


def categorise_episodes(
    episodes: pd.DataFrame,
    log: QualityLog,
    *,
    mapping: pd.DataFrame | None,
    coarse: Mapping[str, str] | None,
    carry_forward: bool,
) -> pd.DataFrame:
    out = episodes.copy()
    mapped = categorise(out[S.PLACEMENT_CODE], out[S.PROVIDER_CODE], out[S.RETURN_YEAR], mapping=mapping)
    out[S.PLACEMENT] = mapped["category"].to_numpy()
    unmapped = (mapped["match"] == "unmapped") & (out[S.PLACEMENT_CODE] != "")
    log.rows(
        out[unmapped],
        column="PLACE",
        rule="unmapped_placement",
        action="placement category 'unknown'",
        value=out.loc[unmapped, S.PLACEMENT_CODE] + "/" + out.loc[unmapped, S.PROVIDER_CODE],
    )
    needs = out[S.PLACEMENT_CODE].isin(_NEEDS_PROVIDER) & (out[S.PROVIDER_CODE] == "")
    log.rows(
        out[needs],
        column="PLACE_PROVIDER",
        rule="missing_provider",
        action="mapped by the taxonomy's any-provider row",
        value=out.loc[needs, S.PLACEMENT_CODE],
    )
    if carry_forward:
        out = _carry_temporary(out, log)
    out[S.PLACEMENT_COARSE] = coarsen(out[S.PLACEMENT], coarse=coarse).to_numpy()
    return out


def _carry_temporary(episodes: pd.DataFrame, log: QualityLog) -> pd.DataFrame:
    """Give temporary placements the category of the placement around them.

    The placement before a temporary move (same period of care) is used;
    where the history starts with the temporary move, the placement the
    child returns to is used instead.
    """
    out = episodes.sort_values([S.CHILD_ID, S.EPISODE_START]).reset_index(drop=True)
    temp = out[S.PLACEMENT] == "temporary"
    if not temp.any():
        return out
    child = out[S.CHILD_ID]
    cat = out[S.PLACEMENT].where(~temp)
    same_prev = child.shift(1) == child
    joined_prev = (
        same_prev & (out[S.EPISODE_END].shift(1) == out[S.EPISODE_START]) & (out[S.REASON_CEASED].shift(1) == "X1")
    )
    run = (~joined_prev).cumsum()  # chains of episodes joined by X1
    before = cat.groupby(run).ffill()
    after = cat.groupby(run).bfill()
    filled = before.fillna(after)
    use = temp & filled.notna()
    out.loc[use, S.PLACEMENT] = filled[use]
    if use.any():
        log.summary(
            file="",
            column="PLACE",
            rule="temporary_carried_forward",
            action="temporary placement given the category of the placement around it",
            n_rows=int(use.sum()),
        )
    return out
