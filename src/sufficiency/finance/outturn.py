"""The ledger: a council's outturn (and budget) by financial year and placement, reconciled with the modelled spend.

An outturn table has one row per financial year and placement: a placement
category, a coarse group of them (``fostering``, ``residential``,
``supported``, ``other``) or ``all``, with ``spend`` [£] and an optional
``budget`` [£]. Rows of one year must not overlap (``fostering`` with
``inhouse_fostering``, or ``all`` with anything): each pound is in one row.

:func:`reconcile` sets the modelled spend (:func:`sufficiency.spend_history`)
beside it. :func:`anchor_factors` gives, for each category a row names, the
ratio of outturn to modelled spend in the latest year the outturn gives and
the returns cover in full: anchoring (``anchor=`` of
:class:`~sufficiency.Prices`, :func:`~sufficiency.cost`,
:func:`~sufficiency.spend_history`, :func:`~sufficiency.score` and
:func:`~sufficiency.sufficiency_gap`) multiplies those categories' prices by
it, in the past and in the forecast alike, so that the modelled year matches
the ledger and the forecast starts from it. Categories the outturn does not
name keep their prices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import financial_year_days, financial_year_label, year_ending_march
from ..common.errors import SchemaError
from ..common.sources import mark_source, source_of
from ..ingest.tables import read_named_table
from ..ingest.taxonomy import categories as taxonomy_categories
from .checks import number_column, require_columns, row_of

__all__ = ["ALL", "anchor_factors", "check_outturn", "group_members", "read_outturn", "reconcile"]

#: The outturn row that covers every placement.
ALL = "all"


def group_members(name: str, categories: Sequence[str] | None = None) -> tuple[str, ...]:
    """The placement categories an outturn row names: itself, a coarse group's members, or every one for ``all``.

    Parameters
    ----------
    name : str
    categories : sequence of str, optional
        The categories at hand (default the package's); ``all`` and a coarse
        group are cut to them.

    Returns
    -------
    tuple of str
        Empty when the name is none of these.
    """
    table = taxonomy_categories()
    known = list(table["category"]) if categories is None else list(categories)
    coarse = dict(zip(table["category"], table["coarse"]))
    if name == ALL:
        return tuple(known)
    if name in set(table["coarse"]):
        return tuple(c for c in known if coarse.get(c) == name)
    return (name,) if name in known or name in coarse else ()


def check_outturn(table: pd.DataFrame, *, where: str | None = None, lines: Sequence[int] | None = None) -> pd.DataFrame:
    """Check an outturn table held in memory.

    Parameters
    ----------
    table : pandas.DataFrame
        ``financial_year``, ``placement`` (or ``category``), ``spend`` [£]
        (blank for a year to come that has a budget), optional ``budget``
        [£].
    where : str, optional
        Name of the table in messages.
    lines : sequence of int, optional
        File line of each row.

    Returns
    -------
    pandas.DataFrame
        ``financial_year`` (``"2024-25"``), ``placement``, ``spend``,
        ``budget`` (NaN where not given) [£].

    Raises
    ------
    SchemaError
        Naming the row and column of a year that is not one, a placement
        that is no category, group or ``all``, a spend or budget that is
        missing or negative, a row given twice, or rows of one year that
        overlap.
    """
    where, lines = source_of(table, where=where or "<outturn>", lines=lines)
    frame, spelled = require_columns(table, (S.FINANCIAL_YEAR, S.PLACEMENT, S.SPEND), where, "outturn")
    years = []
    for i, label in enumerate(frame[S.FINANCIAL_YEAR]):
        year = year_ending_march(label)
        if year is None:
            name, row = row_of(where, lines, i)
            raise SchemaError(
                f"{label!r} is not a financial year (write '2024-25')",
                file=name,
                row=row,
                column=S.FINANCIAL_YEAR,
                rule="not_a_year",
            )
        years.append(financial_year_label(year))
    places = frame[S.PLACEMENT].fillna("").astype(str).str.strip()
    for i, name in enumerate(places):
        if not group_members(name):
            file, row = row_of(where, lines, i)
            groups = ", ".join(sorted(set(taxonomy_categories()["coarse"])))
            raise SchemaError(
                f"{name!r} is not a placement category, a group ({groups}) or {ALL!r}",
                file=file,
                row=row,
                column=spelled,
                rule="unknown_category",
            )
    budget = _optional(frame, "budget", where, lines)
    spend = _optional(frame, S.SPEND, where, lines)
    lacking = np.isnan(spend) & np.isnan(budget)
    if lacking.any():
        file, row = row_of(where, lines, int(np.flatnonzero(lacking)[0]))
        raise SchemaError(
            "the spend is missing (a row may leave it blank only for a year to come that has a budget)",
            file=file,
            row=row,
            column=S.SPEND,
            rule="missing_value",
        )
    out = pd.DataFrame({S.FINANCIAL_YEAR: years, S.PLACEMENT: places.to_numpy(), S.SPEND: spend, "budget": budget})
    _refuse_overlaps(out, where, lines)
    return mark_source(out, where=where, lines=lines)


def _optional(frame: pd.DataFrame, column: str, where: str, lines: Sequence[int] | None) -> np.ndarray:
    """A column of pounds 0 or more, NaN where blank; a SchemaError naming the first that is not a number."""
    out = np.full(len(frame), np.nan)
    if column not in frame.columns:
        return out
    given = (frame[column].notna() & (frame[column].astype(str).str.strip() != "")).to_numpy()
    if given.any():
        rows = np.flatnonzero(given)
        out[given] = number_column(
            frame[given], column, where, [lines[int(i)] for i in rows] if lines else None, low=0.0
        )
    return out


def _refuse_overlaps(out: pd.DataFrame, where: str, lines: Sequence[int] | None) -> None:
    """Refuse a row given twice in a year, or two rows of a year that share a category."""
    for year, rows in out.groupby(S.FINANCIAL_YEAR, sort=False):
        seen: dict[str, str] = {}
        for i, name in zip(rows.index, rows[S.PLACEMENT]):
            for member in group_members(name):
                if member in seen:
                    file, row = row_of(where, lines, int(i))
                    other = seen[member]
                    problem = (
                        f"{name!r} is given twice for {year}"
                        if other == name
                        else f"{name!r} and {other!r} both hold {member} in {year}: give each pound once (a group, "
                        "or its categories, not both)"
                    )
                    raise SchemaError(problem, file=file, row=row, column=S.PLACEMENT, rule="overlapping_rows")
                seen[member] = name


def read_outturn(path: str | Path) -> pd.DataFrame:
    """Read an outturn table (CSV or ``.xlsx``; see :func:`check_outturn`).

    Parameters
    ----------
    path : path

    Returns
    -------
    pandas.DataFrame
        ``financial_year``, ``placement``, ``spend``, ``budget`` [£].

    Raises
    ------
    SchemaError
        Naming the file, line, column and problem.
    """
    frame, lines = read_named_table(path, (S.FINANCIAL_YEAR, S.PLACEMENT, S.SPEND))
    return check_outturn(frame, where=str(path), lines=lines)


def reconcile(history: pd.DataFrame, outturn: pd.DataFrame) -> pd.DataFrame:
    """The modelled spend beside the ledger's, for the years and placements the outturn gives.

    Parameters
    ----------
    history : pandas.DataFrame
        From :func:`sufficiency.spend_history`.
    outturn : pandas.DataFrame
        From :func:`read_outturn` (or a table :func:`check_outturn` accepts).

    Returns
    -------
    pandas.DataFrame
        ``financial_year``, ``placement`` (the outturn's rows),
        ``days`` (days of the year the returns cover), ``modelled``,
        ``outturn``, ``difference`` (outturn − modelled), ``budget`` [£] and
        ``ratio`` (outturn ÷ modelled), for the years both cover.
    """
    ledger = check_outturn(outturn)
    modelled = history.groupby([S.FINANCIAL_YEAR, S.PLACEMENT])[S.SPEND].sum()
    days = history.groupby(S.FINANCIAL_YEAR)["days"].first()
    cats = list(modelled.index.get_level_values(S.PLACEMENT).unique())
    rows = []
    for r in ledger.itertuples(index=False):
        year, name = getattr(r, S.FINANCIAL_YEAR), getattr(r, S.PLACEMENT)
        if year not in days.index or np.isnan(getattr(r, S.SPEND)):
            continue
        members = [c for c in group_members(name, cats) if (year, c) in modelled.index]
        model = float(sum(modelled[(year, c)] for c in members))
        spend = float(getattr(r, S.SPEND))
        rows.append(
            {
                S.FINANCIAL_YEAR: year,
                S.PLACEMENT: name,
                "days": int(days[year]),
                "modelled": model,
                "outturn": spend,
                "difference": spend - model,
                "budget": float(r.budget),
                "ratio": spend / model if model > 0 else np.nan,
            }
        )
    columns = [S.FINANCIAL_YEAR, S.PLACEMENT, "days", "modelled", "outturn", "difference", "budget", "ratio"]
    return pd.DataFrame(rows, columns=columns)


def anchor_factors(history: pd.DataFrame, outturn: pd.DataFrame) -> tuple[str | None, Mapping[str, float]]:
    """Each named category's ratio of outturn to modelled spend in the latest year both cover in full.

    Parameters
    ----------
    history : pandas.DataFrame
        The modelled spend (:func:`sufficiency.spend_history`, unanchored).
    outturn : pandas.DataFrame
        Checked outturn (:func:`check_outturn`).

    Returns
    -------
    year : str or None
        The financial year anchored to (``None`` when no year of the outturn
        is covered in full by the returns).
    factors : mapping of str to float
        ``{category: ratio}`` for the categories the outturn names that
        year; a group's ratio applies to each of its categories.

    Raises
    ------
    SchemaError
        If the outturn gives spend for a group the returns have no modelled
        spend for in that year (there is nothing to scale).
    """
    table = reconcile(history, outturn)
    whole = table[table["days"] >= table[S.FINANCIAL_YEAR].map(financial_year_days)]
    if whole.empty:
        return None, {}
    year = max(whole[S.FINANCIAL_YEAR], key=lambda label: int(label[:4]))
    cats = list(history[S.PLACEMENT].unique())
    factors: dict[str, float] = {}
    for r in whole[whole[S.FINANCIAL_YEAR] == year].itertuples(index=False):
        name = getattr(r, S.PLACEMENT)
        if not r.modelled > 0:
            raise SchemaError(
                f"the outturn gives £{r.outturn:,.0f} for {name!r} in {year}, and the returns show no spend on it "
                "then: there is no modelled spend to anchor",
                file=source_of(outturn, where="<outturn>", lines=None)[0],
                column=S.PLACEMENT,
                rule="nothing_to_anchor",
            )
        for member in group_members(name, cats):
            factors[member] = float(r.ratio)
    return year, factors
