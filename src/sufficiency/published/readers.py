"""Read published council tables of children looked after."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..common.dates import year_ending_march
from ..common.errors import DataQualityWarning, SchemaError
from ..common.numbers import NUMBER_PROBLEMS, parse_numbers
from ..common.resources import packaged_table
from ..ingest.tables import read_named_table

__all__ = [
    "MAX_COUNT",
    "PUBLISHED_PLACEMENT_GROUPS",
    "SPEND_LINES",
    "read_published",
    "read_published_placements",
    "read_published_spend",
]

_REQUIRED = ("la_code", "la_name", "year", "cla_31_march")
#: Largest count a published table may hold [children]: no council, nor England, has more children.
MAX_COUNT = 20_000_000
_NUMERIC = ("cla_31_march", "starts", "ceases", "population_0_17")


def _years(labels: pd.Series, lines: pd.Series, name: str) -> pd.Series:
    """Years ending 31 March from labels such as ``2011``, ``"2010-11"`` or ``"201011"``.

    A SchemaError names the first row that is not a year.
    """
    distinct = {label: year_ending_march(label) for label in labels.unique()}
    year = labels.map(distinct)
    bad = year.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise SchemaError(
            f"{labels.iloc[i]!r} is not a year (write 2011 or '2010-11' for the year to 31 March 2011)",
            file=name,
            row=int(lines.iloc[i]),
            column="year",
            rule="not_a_year",
        )
    return year.astype(int)


def _counts(values: pd.Series, lines: pd.Series, name: str, column: str) -> pd.Series:
    """Published numbers: suppression marks and blanks are NaN; anything else must be a finite number of 0 or more."""
    text = values.fillna("").astype(str).str.strip()
    suppressed = text.str.lower().isin(_SUPPRESSED)
    number, problem = parse_numbers(text.where(~suppressed, ""))
    for i in np.flatnonzero(((problem != "") | (number < 0) | (number > MAX_COUNT)).to_numpy()):
        if problem.iloc[i]:
            fault, rule = NUMBER_PROBLEMS[str(problem.iloc[i])], str(problem.iloc[i])
        elif number.iloc[i] < 0:
            fault, rule = "is negative", "negative"
        else:
            fault, rule = f"is more than {MAX_COUNT:,} (England has about 12 million children)", "out_of_range"
        raise SchemaError(f"{text.iloc[i]!r} {fault}", file=name, row=int(lines.iloc[i]), column=column, rule=rule)
    return number


def _codes(raw: pd.DataFrame, name: str) -> pd.Series:
    """Council codes, stripped and upper-cased (``e10000018`` is ``E10000018``), with a counted warning if changed."""
    text = raw["la_code"].fillna("").astype(str).str.strip()
    codes = text.str.upper()
    changed = int((codes != text).sum())
    if changed:
        warnings.warn(
            f"{name}: {changed} council codes in lower case were read in upper case [la_code_case]",
            DataQualityWarning,
            stacklevel=3,
        )
    return codes


def _refuse_empty(raw: pd.DataFrame, name: str) -> None:
    if raw.empty:
        raise SchemaError("the table has no rows", file=name, rule="empty_table")


def read_published(path: str | Path) -> pd.DataFrame:
    """Read a DfE council table of children looked after.

    Parameters
    ----------
    path : path
        CSV with columns ``la_code``, ``la_name``, ``year`` (the year ending
        31 March: ``2011``, ``"2010-11"`` and the DfE's ``"201011"`` all
        mean the year to 31 March 2011), ``cla_31_march`` and optionally ``region_name``, ``starts``,
        ``ceases``, ``population_0_17``. Blank cells are suppressed values.

    Returns
    -------
    pandas.DataFrame
        One row per council and year: ``la_code``, ``la_name``,
        ``region_name``, ``year`` (int), ``cla_31_march``, ``starts``,
        ``ceases`` [children], ``population_0_17`` [children aged 0-17].

    Raises
    ------
    SchemaError
        If a required column is missing, a year or value does not parse, a
        value is negative, or a council has two rows for one year.
    """
    name = str(path)
    raw, line_numbers = read_named_table(path, _REQUIRED)
    _refuse_empty(raw, name)
    out = pd.DataFrame({"la_code": _codes(raw, name), "la_name": raw["la_name"].str.strip()})
    out["region_name"] = raw["region_name"].str.strip() if "region_name" in raw.columns else ""
    lines = pd.Series(line_numbers, index=raw.index)
    out["year"] = _years(raw["year"].str.strip(), lines, name)
    for col in _NUMERIC:
        values = raw[col] if col in raw.columns else pd.Series("", index=raw.index)
        out[col] = _counts(values, lines, name, col)
    dup = out.duplicated(["la_code", "year"])
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise SchemaError(
            f"council {out['la_code'].iloc[i]} has two rows for {out['year'].iloc[i]}",
            file=name,
            row=int(lines.iloc[i]),
            column="year",
            rule="duplicate_row",
        )
    return out.sort_values(["la_code", "year"]).reset_index(drop=True)


#: Harmonised groups of the published placement types, in display order.
PUBLISHED_PLACEMENT_GROUPS = ("fostering", "residential_and_semi_independent", "with_parents", "adoption", "other")
_SUPPRESSED = ("", "c", "x", "z", "k", ":", "..")


def read_published_placements(path: str | Path) -> pd.DataFrame:
    """Read a DfE council table of children looked after by placement type.

    The long format of the DfE release files: one row per council, year and
    placement type. Placement-type labels changed between 2017 and 2021, so
    they are grouped (:data:`PUBLISHED_PLACEMENT_GROUPS`; the label-to-group
    table is the package file ``data/published_placements.csv``):
    fostering; residential and semi-independent (secure units, children's
    homes and semi-independent living, which 2021 splits in two); placed
    with parents; placed for adoption; and ``other``, which is the total
    less the four named groups, so it also holds suppressed small cells.

    Parameters
    ----------
    path : path
        CSV with columns ``la_code``, ``la_name``, ``year`` (the year ending
        31 March, written as for :func:`read_published`), ``placement`` (the published label, ``"Total"`` for all
        children) and ``number``; if a ``dimension`` column is present only
        its ``"placement type"`` rows are read. Blank, ``c``, ``x``, ``z``,
        ``k``, ``:`` and ``..`` cells are suppressed values.

    Returns
    -------
    pandas.DataFrame
        One row per council, year and group: ``la_code``, ``la_name``,
        ``year`` (int), ``placement`` (a group or ``"total"``), ``children``
        [children]; NaN where a value needed was suppressed.

    Raises
    ------
    SchemaError
        If a required column is missing, a year or number does not parse,
        or a placement label is not one the DfE has published.
    """
    name = str(path)
    raw, line_numbers = read_named_table(path, ("la_code", "la_name", "year", "placement", "number"))
    line = pd.Series(line_numbers, index=raw.index)
    if "dimension" in raw.columns:
        keep = raw["dimension"].str.strip().str.lower() == "placement type"
        raw, line = raw[keep], line[keep]
    _refuse_empty(raw, name)
    year = _years(raw["year"].str.strip(), line, name)
    number = _counts(raw["number"], line, name, "number")
    groups = packaged_table("published_placements.csv").set_index("label")["group"]
    label = raw["placement"].str.strip()
    group = label.map(groups).where(label.str.lower() != "total", "total")
    unknown = group.isna()
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        raise SchemaError(
            f"placement {label.iloc[i]!r} is not a published placement type (known: {', '.join(groups.index)})",
            file=name,
            row=int(line.iloc[i]),
            column="placement",
            rule="unknown_code",
        )
    codes = _codes(raw, name)
    long = pd.DataFrame(
        {
            "la_code": codes.to_numpy(),
            "year": year.astype(int).to_numpy(),
            "placement": group.to_numpy(),
            "children": number.to_numpy(),
        }
    )
    # a group is known only when every label in it is (min_count: all-suppressed stays NaN)
    wide = (
        long.groupby(["la_code", "year", "placement"])["children"]
        .agg(lambda v: v.sum() if v.notna().all() else np.nan)
        .unstack("placement")
    )
    wide = wide.reindex(columns=["total", *PUBLISHED_PLACEMENT_GROUPS])
    wide["other"] = wide["total"] - wide[list(PUBLISHED_PLACEMENT_GROUPS[:-1])].sum(
        axis=1, min_count=len(PUBLISHED_PLACEMENT_GROUPS) - 1
    )
    out = wide.stack(future_stack=True).rename("children").reset_index()
    names = (
        raw.assign(la_code=codes).drop_duplicates("la_code", keep="last").set_index("la_code")["la_name"].str.strip()
    )
    out.insert(1, "la_name", out["la_code"].map(names))
    order = {g: i for i, g in enumerate(["total", *PUBLISHED_PLACEMENT_GROUPS])}
    return out.sort_values(
        ["la_code", "year", "placement"], key=lambda c: c.map(order) if c.name == "placement" else c
    ).reset_index(drop=True)


#: Lines of a council's children-looked-after expenditure in the published outturn tables.
SPEND_LINES = (
    "total CLA",
    "residential care",
    "fostering services",
    "other CLA services",
    "UASC / asylum-seeking children services",
    "secure accommodation (welfare)",
    "total children's social care",
)


def read_published_spend(path: str | Path) -> pd.DataFrame:
    """Read a table of councils' published children-looked-after expenditure.

    Parameters
    ----------
    path : path
        CSV with columns ``la_code``, ``la_name``, ``financial_year``
        (``"2023-24"``), ``line`` (see :data:`SPEND_LINES`),
        ``gross_expenditure_gbp`` and optionally ``net_expenditure_gbp``,
        ``scope`` and ``source``. Blank cells are values not published.

    Returns
    -------
    pandas.DataFrame
        ``la_code``, ``la_name``, ``financial_year`` (label),
        ``line``, ``gross`` and ``net`` [£], ``source``.

    Raises
    ------
    SchemaError
        If a required column is missing, a year is not a financial year or
        an amount is not a number.
    """
    name = str(path)
    raw, line_numbers = read_named_table(
        path, ("la_code", "la_name", "financial_year", "line", "gross_expenditure_gbp")
    )
    _refuse_empty(raw, name)
    lines = pd.Series(line_numbers, index=raw.index)
    years = _years(raw["financial_year"].str.strip(), lines, name)
    out = pd.DataFrame(
        {
            "la_code": _codes(raw, name),
            "la_name": raw["la_name"].str.strip(),
            "financial_year": [f"{y - 1}-{y % 100:02d}" for y in years],
            "line": raw["line"].str.strip(),
        }
    )
    for src, col in (("gross_expenditure_gbp", "gross"), ("net_expenditure_gbp", "net")):
        values = raw[src] if src in raw.columns else pd.Series("", index=raw.index)
        number, problem = parse_numbers(values.fillna("").astype(str).str.strip())
        bad = problem != ""
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise SchemaError(
                f"{values.iloc[i]!r} {NUMBER_PROBLEMS[str(problem.iloc[i])]}",
                file=name,
                row=int(lines.iloc[i]),
                column=src,
                rule=str(problem.iloc[i]),
            )
        out[col] = number
    out["source"] = raw["source"].str.strip() if "source" in raw.columns else ""
    return out
