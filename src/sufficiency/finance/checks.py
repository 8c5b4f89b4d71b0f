"""Checks of the price tables: unit costs, route shares and inflation, into canonical form.

Each check names the table (its file when read from one), the row (the
file's line, or the 1-based row of a frame), the column and the rule of the
first thing wrong, as a :class:`~sufficiency.SchemaError`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import financial_year_label, year_ending_march
from ..common.errors import SchemaError
from .tables import ANY_ROUTE, normalise_routes, with_placement_column

__all__ = ["check_inflation", "check_route_shares", "check_unit_costs", "inflation_rates"]


def _row(where: str, lines: Sequence[int] | None, i: int) -> tuple[str, int]:
    """The name and row (file line, or 1-based row of a frame) of row position ``i``."""
    return where, int(lines[i]) if lines is not None else i + 1


def _require(table: object, columns: Sequence[str], where: str, what: str) -> tuple[pd.DataFrame, str]:
    """The table with its placement column named ``placement``, and that column's name as the table spells it."""
    if not isinstance(table, pd.DataFrame):
        raise SchemaError(f"{what} must be a DataFrame, not {type(table).__name__}", file=where, rule="not_a_table")
    spelled = next((a for a in S.PLACEMENT_ALIASES if a in table.columns), S.PLACEMENT)
    frame = with_placement_column(table, where=where)
    for col in columns:
        if col not in frame.columns:
            found = ", ".join(map(str, frame.columns)) or "none"
            raise SchemaError(
                f"{what} need a {col!r} column (found: {found})", file=where, column=col, rule="missing_column"
            )
    return frame.reset_index(drop=True), spelled


def _numbers(
    table: pd.DataFrame,
    column: str,
    where: str,
    lines: Sequence[int] | None,
    *,
    low: float | None = None,
    high: float | None = None,
) -> np.ndarray:
    """A numeric column; a SchemaError naming the first missing, non-numeric or out-of-range value."""
    raw = table[column]
    text = raw.astype(str).str.replace(",", "", regex=False).str.replace("£", "", regex=False).str.strip()
    values = pd.to_numeric(text.replace("", np.nan), errors="coerce")
    for i in range(len(values)):
        v = values.iloc[i]
        problem, rule = None, "out_of_range"
        if pd.isna(v):
            blank = pd.isna(raw.iloc[i]) or str(raw.iloc[i]).strip() == ""
            problem, rule = (
                ("is missing", "missing_value") if blank else (f"{raw.iloc[i]!r} is not a number", "not_a_number")
            )
        elif low is not None and v < low:
            problem = f"{raw.iloc[i]!r} is below {low:g}"
        elif high is not None and v > high:
            problem = f"{raw.iloc[i]!r} is above {high:g}"
        if problem:
            name, row = _row(where, lines, i)
            raise SchemaError(problem, file=name, row=row, column=column, rule=rule)
    return values.to_numpy(dtype=float)


def _placements(
    table: pd.DataFrame, where: str, lines: Sequence[int] | None, known: Collection[str] | None, spelled: str
) -> pd.Series:
    cats = table[S.PLACEMENT].fillna("").astype(str).str.strip()
    for i, c in enumerate(cats):
        if c == "" or (known is not None and c not in known):
            name, row = _row(where, lines, i)
            problem = (
                "the placement category is missing"
                if c == ""
                else f"unknown category {c!r} (known: {', '.join(sorted(known or ()))})"
            )
            raise SchemaError(problem, file=name, row=row, column=spelled, rule="unknown_category")
    return cats


def _refuse_duplicates(
    out: pd.DataFrame, keys: list[str], where: str, lines: Sequence[int] | None, what: str, column: str
) -> None:
    dup = out.duplicated(keys)
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        name, row = _row(where, lines, i)
        by = f" by route {out[S.ROUTE].iloc[i]}" if S.ROUTE in keys else ""
        raise SchemaError(
            f"a second {what} for {out[S.PLACEMENT].iloc[i]}{by}",
            file=name,
            row=row,
            column=column,
            rule="duplicate_row",
        )


def check_unit_costs(
    table: pd.DataFrame,
    *,
    known: Collection[str] | None = None,
    where: str = "<unit costs>",
    lines: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Validate a unit-cost table and return it in canonical form.

    Parameters
    ----------
    table : pandas.DataFrame
        ``placement`` (or ``category``), ``weekly_cost`` [£/week],
        ``price_year`` and optionally ``route`` and ``source``.
    known : collection of str, optional
        Categories a row may name.
    where : str
        Name of the table in error messages (a file path when read from one).
    lines : sequence of int, optional
        File line of each row (default: 1-based row numbers).

    Returns
    -------
    pandas.DataFrame
        ``placement``, ``route``, ``weekly_cost`` (float) [£/week],
        ``price_year`` (label such as ``"2024-25"``), ``source``.

    Raises
    ------
    SchemaError
        For a missing column, an unknown or missing category, a missing,
        non-numeric or negative cost, a price year that is not a year, or
        two rows for one category and route.
    """
    table, spelled = _require(table, (S.PLACEMENT, S.WEEKLY_COST, S.PRICE_YEAR), where, "unit costs")
    cats = _placements(table, where, lines, known, spelled)
    routes = normalise_routes(table[S.ROUTE]) if S.ROUTE in table.columns else pd.Series(ANY_ROUTE, index=table.index)
    cost = _numbers(table, S.WEEKLY_COST, where, lines, low=0.0)
    years = []
    for i, label in enumerate(table[S.PRICE_YEAR]):
        year = year_ending_march(label)
        if year is None:
            name, row = _row(where, lines, i)
            raise SchemaError(
                f"{label!r} is not a financial year (write '2024-25')",
                file=name,
                row=row,
                column=S.PRICE_YEAR,
                rule="not_a_year",
            )
        years.append(financial_year_label(year))
    source = table[S.SOURCE].fillna("").astype(str) if S.SOURCE in table.columns else ""
    out = pd.DataFrame({S.PLACEMENT: cats, S.ROUTE: routes, S.WEEKLY_COST: cost, S.PRICE_YEAR: years, S.SOURCE: source})
    _refuse_duplicates(out, [S.PLACEMENT, S.ROUTE], where, lines, "price", S.ROUTE)
    return out


def check_route_shares(
    table: pd.DataFrame,
    *,
    known: Collection[str] | None = None,
    where: str = "<route shares>",
    lines: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Validate route shares and return them in canonical form.

    Parameters
    ----------
    table : pandas.DataFrame
        ``placement`` (or ``category``), ``route``, ``share`` [fraction].
    known : collection of str, optional
        Categories a row may name.
    where : str
        Name of the table in error messages.
    lines : sequence of int, optional
        File line of each row.

    Returns
    -------
    pandas.DataFrame
        ``placement``, ``route``, ``share``.

    Raises
    ------
    SchemaError
        For a missing column, an unknown category, a share outside 0-1, a
        repeated category and route, or shares of a category that do not
        add up to 1 (within 0.001).
    """
    table, spelled = _require(table, (S.PLACEMENT, S.ROUTE, S.SHARE), where, "route shares")
    cats = _placements(table, where, lines, known, spelled)
    share = _numbers(table, S.SHARE, where, lines, low=0.0, high=1.0)
    out = pd.DataFrame({S.PLACEMENT: cats, S.ROUTE: normalise_routes(table[S.ROUTE]), S.SHARE: share})
    _refuse_duplicates(out, [S.PLACEMENT, S.ROUTE], where, lines, "share", S.ROUTE)
    totals = out.groupby(S.PLACEMENT, sort=False)[S.SHARE].sum()
    for cat, total in totals.items():
        if abs(total - 1.0) > 1e-3:
            i = int(np.flatnonzero((out[S.PLACEMENT] == cat).to_numpy())[0])
            name, row = _row(where, lines, i)
            raise SchemaError(
                f"the shares of {cat} add up to {total:.4g}, not 1",
                file=name,
                row=row,
                column=S.SHARE,
                rule="shares_do_not_add_up",
            )
    return out


def check_inflation(
    inflation: float | pd.DataFrame | None, *, where: str = "<inflation>", lines: Sequence[int] | None = None
) -> float | pd.DataFrame | None:
    """Validate inflation and return it in canonical form.

    Parameters
    ----------
    inflation : float, pandas.DataFrame or None
        ``None``: prices stay at their ``price_year`` level; a number: that
        rate for every category [1/year]; a frame: ``placement`` (or
        ``category``), ``annual_rate`` and optionally ``source``, one row per
        category.
    where : str
        Name of the table in error messages.
    lines : sequence of int, optional
        File line of each row.

    Returns
    -------
    float, pandas.DataFrame or None
        The rate, or ``placement``, ``annual_rate`` [1/year], ``source``.

    Raises
    ------
    SchemaError
        For a rate that is missing, not a number or at or below -100%, or a
        repeated category.
    """
    if inflation is None:
        return None
    if isinstance(inflation, (int, float, np.floating, np.integer)) and not isinstance(inflation, bool):
        if not np.isfinite(inflation) or inflation <= -1:
            raise SchemaError(
                f"an inflation rate of {inflation!r} is not a yearly rate above -1", file=where, rule="out_of_range"
            )
        return float(inflation)
    table, spelled = _require(inflation, (S.PLACEMENT, S.ANNUAL_RATE), where, "inflation rates")
    cats = _placements(table, where, lines, None, spelled)
    rate = _numbers(table, S.ANNUAL_RATE, where, lines, low=-0.999999)
    source = table[S.SOURCE].fillna("").astype(str) if S.SOURCE in table.columns else ""
    out = pd.DataFrame({S.PLACEMENT: cats, S.ANNUAL_RATE: rate, S.SOURCE: source})
    _refuse_duplicates(out, [S.PLACEMENT], where, lines, "rate", spelled)
    return out


def inflation_rates(
    inflation: float | pd.DataFrame | None, categories: Sequence[str], *, where: str = "<inflation>"
) -> np.ndarray:
    """Annual inflation rate of each category [1/year].

    Parameters
    ----------
    inflation : float, pandas.DataFrame or None
        As for :func:`check_inflation`.
    categories : sequence of str
        Categories that need a rate.
    where : str
        Name of the table in error messages.

    Returns
    -------
    numpy.ndarray
        Rate of each of ``categories``; zeros for ``None``.

    Raises
    ------
    SchemaError
        As :func:`check_inflation`, and for a category with no rate.
    """
    checked = check_inflation(inflation, where=where)
    if checked is None:
        return np.zeros(len(categories))
    if isinstance(checked, float):
        return np.full(len(categories), checked)
    lookup = dict(zip(checked[S.PLACEMENT], checked[S.ANNUAL_RATE]))
    missing = [c for c in categories if c not in lookup]
    if missing:
        raise SchemaError(
            f"no inflation rate for {', '.join(missing)}: add a row for each category in the data",
            file=where,
            column=S.PLACEMENT,
            rule="missing_category",
        )
    return np.array([lookup[c] for c in categories])
