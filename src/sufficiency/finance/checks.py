"""Checks of the price tables: unit costs, route shares and inflation, into canonical form.

Each check names the table (the file a reader took it from, even when the
check runs later), the row (the file's line, or the 1-based row of a
frame), the column and the rule of the first thing wrong, as a
:class:`~sufficiency.SchemaError`. Numbers are read as
:mod:`sufficiency.common.numbers` says, and must lie in plausible ranges:

* a weekly cost from £0 to £100,000 (above that it is an annual or total
  figure typed as weekly); above £30,000 a week it is kept with a
  :class:`~sufficiency.DataQualityWarning`, since bespoke placements do cost
  that much;
* an annual inflation rate from -50% to under 100%; above 25% it is kept
  with a warning;
* a price year from 1990-91 to 2049-50.

Checked tables carry their source, so a later check names the file.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import financial_year_label, year_ending_march
from ..common.errors import DataQualityWarning, SchemaError
from ..common.numbers import NUMBER_PROBLEMS, parse_numbers
from ..common.sources import mark_source, source_of
from .tables import ANY_ROUTE, normalise_routes, with_placement_column

__all__ = [
    "INFLATION_LIMITS",
    "PRICE_YEARS",
    "WEEKLY_COST_LIMITS",
    "check_inflation",
    "check_route_shares",
    "check_unit_costs",
    "inflation_rates",
    "number_column",
    "require_columns",
    "row_of",
]

#: Weekly costs above the first are kept with a warning; above the second they are refused [£/week].
WEEKLY_COST_LIMITS = (30_000.0, 100_000.0)
#: Annual inflation rates below the first or at or above the second are refused; above the warning level
#: (the middle) they are kept with a warning [1/year].
INFLATION_LIMITS = (-0.5, 0.25, 1.0)
#: First and last price year accepted [year ending 31 March].
PRICE_YEARS = (1991, 2050)


def row_of(where: str, lines: Sequence[int] | None, i: int) -> tuple[str, int]:
    """The name and row (file line, or 1-based row of a frame) of row position ``i``.

    Parameters
    ----------
    where : str
        The table's file or name.
    lines : sequence of int or None
        File line of each row.
    i : int
        Row position.

    Returns
    -------
    (str, int)
    """
    return where, int(lines[i]) if lines is not None else i + 1


def require_columns(table: object, columns: Sequence[str], where: str, what: str) -> tuple[pd.DataFrame, str]:
    """The table with its placement column named ``placement``, and that column's name as the table spells it.

    Parameters
    ----------
    table : object
        What was given as the table.
    columns : sequence of str
        Columns it must have.
    where : str
        Its file or name, for errors.
    what : str
        What the table is (``"unit costs"``), for errors.

    Returns
    -------
    (pandas.DataFrame, str)

    Raises
    ------
    SchemaError
        If it is not a DataFrame, lacks a column, or has no rows.
    """
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
    if frame.empty:
        raise SchemaError(f"the {what} table has no rows", file=where, rule="empty_table")
    return frame.reset_index(drop=True), spelled


def number_column(
    table: pd.DataFrame,
    column: str,
    where: str,
    lines: Sequence[int] | None,
    *,
    low: float | None = None,
    high: float | None = None,
    open_high: bool = False,
    hint: str = "",
) -> np.ndarray:
    """A numeric column; a SchemaError naming the first missing, unreadable or out-of-range value.

    Parameters
    ----------
    table : pandas.DataFrame
    column : str
    where : str
        The table's file or name, for errors.
    lines : sequence of int or None
        File line of each row.
    low, high : float, optional
        Limits (``high`` excluded with ``open_high``).
    open_high : bool
    hint : str
        Added to an out-of-range message (``" (write 0.06 for 6%)"``).

    Returns
    -------
    numpy.ndarray
        The values.

    Raises
    ------
    SchemaError
    """
    raw = table[column]
    values, problems = parse_numbers(raw)
    for i in range(len(values)):
        v = values.iloc[i]
        problem, rule = None, "out_of_range"
        if problems.iloc[i]:
            rule = "not_a_number" if problems.iloc[i] == "not_a_number" else str(problems.iloc[i])
            problem = f"{raw.iloc[i]!r} {NUMBER_PROBLEMS[str(problems.iloc[i])]}"
        elif pd.isna(v):
            problem, rule = "is missing", "missing_value"
        elif low is not None and v < low:
            problem = f"{raw.iloc[i]!r} is below {low:g}{hint}"
        elif high is not None and (v >= high if open_high else v > high):
            problem = f"{raw.iloc[i]!r} is {'at or ' if open_high else ''}above {high:g}{hint}"
        if problem:
            name, row = row_of(where, lines, i)
            raise SchemaError(problem, file=name, row=row, column=column, rule=rule)
    return values.to_numpy(dtype=float)


def _warn_above(values: np.ndarray, limit: float, where: str, lines: Sequence[int] | None, what: str) -> None:
    """One counted warning for values kept although above ``limit``."""
    high = np.flatnonzero(values > limit)
    if len(high):
        rows = ", ".join(str(row_of(where, lines, int(i))[1]) for i in high[:5]) + (", ..." if len(high) > 5 else "")
        warnings.warn(
            f"{where}: {len(high)} {what} above {limit:,g} (rows {rows}); kept [high_value]",
            DataQualityWarning,
            stacklevel=4,
        )


def _warn_single_years(labels: pd.Series, where: str, lines: Sequence[int] | None) -> None:
    """One counted warning for price years written as one year (``2025``), saying how they were read."""
    written = [str(label).strip().removesuffix(".0") for label in labels]
    single = [i for i, text in enumerate(written) if text.isdigit() and len(text) == 4]
    if single:
        year = int(written[single[0]])
        rows = ", ".join(str(row_of(where, lines, i)[1]) for i in single[:5]) + (", ..." if len(single) > 5 else "")
        warnings.warn(
            f"{where}: {len(single)} price years written as one year (rows {rows}) were read as the financial year "
            f"ending 31 March of it: {written[single[0]]} is {financial_year_label(year)}; "
            f"write the financial year ('{financial_year_label(year)}') to say which is meant [single_year]",
            DataQualityWarning,
            stacklevel=4,
        )


def _placements(
    table: pd.DataFrame, where: str, lines: Sequence[int] | None, known: Collection[str] | None, spelled: str
) -> pd.Series:
    cats = table[S.PLACEMENT].fillna("").astype(str).str.strip()
    for i, c in enumerate(cats):
        if c == "" or (known is not None and c not in known):
            name, row = row_of(where, lines, i)
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
        name, row = row_of(where, lines, i)
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
    where: str | None = None,
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
    where : str, optional
        Name of the table in error messages; default the file its reader
        recorded, else ``"<unit costs>"``.
    lines : sequence of int, optional
        File line of each row (default: as recorded, else 1-based rows).

    Returns
    -------
    pandas.DataFrame
        ``placement``, ``route``, ``weekly_cost`` (float) [£/week],
        ``price_year`` (label such as ``"2024-25"``), ``source``.

    Raises
    ------
    SchemaError
        For a missing column, no rows, an unknown or missing category, a
        missing, unreadable or out-of-range cost (see the module notes), a
        price year that is not a plausible year, or two rows for one
        category and route.
    """
    where, lines = source_of(table, where=where or "<unit costs>", lines=lines)
    table, spelled = require_columns(table, (S.PLACEMENT, S.WEEKLY_COST, S.PRICE_YEAR), where, "unit costs")
    cats = _placements(table, where, lines, known, spelled)
    routes = normalise_routes(table[S.ROUTE]) if S.ROUTE in table.columns else pd.Series(ANY_ROUTE, index=table.index)
    hint = ": a weekly price, not an annual or total one?"
    cost = number_column(table, S.WEEKLY_COST, where, lines, low=0.0, high=WEEKLY_COST_LIMITS[1], hint=hint)
    _warn_above(cost, WEEKLY_COST_LIMITS[0], where, lines, "weekly costs (£/week)")
    years = []
    for i, label in enumerate(table[S.PRICE_YEAR]):
        year = year_ending_march(label)
        if year is None or not PRICE_YEARS[0] <= year <= PRICE_YEARS[1]:
            name, row = row_of(where, lines, i)
            problem = "is not a financial year (write '2024-25')" if year is None else "is not a plausible price year"
            raise SchemaError(f"{label!r} {problem}", file=name, row=row, column=S.PRICE_YEAR, rule="not_a_year")
        years.append(financial_year_label(year))
    _warn_single_years(table[S.PRICE_YEAR], where, lines)
    source = table[S.SOURCE].fillna("").astype(str) if S.SOURCE in table.columns else ""
    out = pd.DataFrame({S.PLACEMENT: cats, S.ROUTE: routes, S.WEEKLY_COST: cost, S.PRICE_YEAR: years, S.SOURCE: source})
    _refuse_duplicates(out, [S.PLACEMENT, S.ROUTE], where, lines, "price", S.ROUTE)
    return mark_source(out, where=where, lines=lines)


def check_route_shares(
    table: pd.DataFrame,
    *,
    known: Collection[str] | None = None,
    where: str | None = None,
    lines: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Validate route shares and return them in canonical form.

    Parameters
    ----------
    table : pandas.DataFrame
        ``placement`` (or ``category``), ``route``, ``share`` [fraction].
    known : collection of str, optional
        Categories a row may name.
    where : str, optional
        Name of the table in error messages (default as for
        :func:`check_unit_costs`).
    lines : sequence of int, optional
        File line of each row.

    Returns
    -------
    pandas.DataFrame
        ``placement``, ``route``, ``share``.

    Raises
    ------
    SchemaError
        For a missing column, no rows, an unknown category, a share outside
        0-1, a repeated category and route, or shares of a category that do
        not add up to 1 (within 0.001).
    """
    where, lines = source_of(table, where=where or "<route shares>", lines=lines)
    table, spelled = require_columns(table, (S.PLACEMENT, S.ROUTE, S.SHARE), where, "route shares")
    cats = _placements(table, where, lines, known, spelled)
    share = number_column(table, S.SHARE, where, lines, low=0.0, high=1.0)
    out = pd.DataFrame({S.PLACEMENT: cats, S.ROUTE: normalise_routes(table[S.ROUTE]), S.SHARE: share})
    _refuse_duplicates(out, [S.PLACEMENT, S.ROUTE], where, lines, "share", S.ROUTE)
    totals = out.groupby(S.PLACEMENT, sort=False)[S.SHARE].sum()
    for cat, total in totals.items():
        if abs(total - 1.0) > 1e-3:
            i = int(np.flatnonzero((out[S.PLACEMENT] == cat).to_numpy())[0])
            name, row = row_of(where, lines, i)
            raise SchemaError(
                f"the shares of {cat} add up to {total:.4g}, not 1",
                file=name,
                row=row,
                column=S.SHARE,
                rule="shares_do_not_add_up",
            )
    return mark_source(out, where=where, lines=lines)


def _check_rate(rate: float, where: str) -> float:
    low, warn, high = INFLATION_LIMITS
    if not np.isfinite(rate) or not low <= rate < high:
        raise SchemaError(
            f"an inflation rate of {rate!r} a year is outside {low:g} to under {high:g} (write 0.06 for 6%)",
            file=where,
            rule="out_of_range",
        )
    if rate > warn:
        warnings.warn(
            f"{where}: an inflation rate of {rate:.0%} a year is kept [high_value]", DataQualityWarning, stacklevel=4
        )
    return float(rate)


def check_inflation(
    inflation: float | pd.DataFrame | None,
    *,
    known: Collection[str] | None = None,
    where: str | None = None,
    lines: Sequence[int] | None = None,
) -> float | pd.DataFrame | None:
    """Validate inflation and return it in canonical form.

    Parameters
    ----------
    inflation : float, pandas.DataFrame or None
        ``None``: prices stay at their ``price_year`` level; a number: that
        rate for every category [1/year]; a frame: ``placement`` (or
        ``category``), ``annual_rate`` and optionally ``source``, one row per
        category.
    known : collection of str, optional
        Categories a row may name.
    where : str, optional
        Name of the table in error messages (default as for
        :func:`check_unit_costs`).
    lines : sequence of int, optional
        File line of each row.

    Returns
    -------
    float, pandas.DataFrame or None
        The rate, or ``placement``, ``annual_rate`` [1/year], ``source``.

    Raises
    ------
    SchemaError
        For a rate that is missing, unreadable or outside the limits of the
        module notes, an unknown or repeated category, or a table with no
        rows.
    """
    if inflation is None:
        return None
    if isinstance(inflation, (int, float, np.floating, np.integer)) and not isinstance(inflation, bool):
        return _check_rate(float(inflation), where or "<inflation>")
    where, lines = source_of(inflation, where=where or "<inflation>", lines=lines)
    table, spelled = require_columns(inflation, (S.PLACEMENT, S.ANNUAL_RATE), where, "inflation rates")
    cats = _placements(table, where, lines, known, spelled)
    low, warn, high = INFLATION_LIMITS
    rate = number_column(
        table, S.ANNUAL_RATE, where, lines, low=low, high=high, open_high=True, hint=" (write 0.06 for 6%)"
    )
    _warn_above(rate, warn, where, lines, "inflation rates (a year)")
    source = table[S.SOURCE].fillna("").astype(str) if S.SOURCE in table.columns else ""
    out = pd.DataFrame({S.PLACEMENT: cats, S.ANNUAL_RATE: rate, S.SOURCE: source})
    _refuse_duplicates(out, [S.PLACEMENT], where, lines, "rate", spelled)
    return mark_source(out, where=where, lines=lines)


def inflation_rates(
    inflation: float | pd.DataFrame | None,
    categories: Sequence[str],
    *,
    known: Collection[str] | None = None,
    where: str | None = None,
) -> np.ndarray:
    """Annual inflation rate of each category [1/year].

    Parameters
    ----------
    inflation : float, pandas.DataFrame or None
        As for :func:`check_inflation`.
    categories : sequence of str
        Categories that need a rate.
    known : collection of str, optional
        Categories a row may name.
    where : str, optional
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
    checked = check_inflation(inflation, known=known, where=where)
    if checked is None:
        return np.zeros(len(categories))
    if isinstance(checked, float):
        return np.full(len(categories), checked)
    name, _ = source_of(checked, where=where or "<inflation>", lines=None)
    lookup = dict(zip(checked[S.PLACEMENT], checked[S.ANNUAL_RATE]))
    missing = [c for c in categories if c not in lookup]
    if missing:
        raise SchemaError(
            f"no inflation rate for {', '.join(missing)}: add a row for each category in the data",
            file=name,
            column=S.PLACEMENT,
            rule="missing_category",
        )
    return np.array([lookup[c] for c in categories])
