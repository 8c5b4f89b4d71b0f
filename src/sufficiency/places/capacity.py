"""Capacity tables: the places a council can get, by category or coarse group, route and dates.

A capacity table has one row per block of places: ``placement`` (a
placement category, or a coarse group such as ``"fostering"`` for all
foster placements; ``category`` is read as the same column), optional
``route`` (in-house, block, partner, ...; it labels the places and does not
split demand), ``places`` and optional ``start`` and ``end`` dates between
which the places exist. The places of a category add up over its rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import parse_dates
from ..common.errors import DataQualityWarning, SchemaError
from ..common.numbers import NUMBER_PROBLEMS, parse_numbers
from ..common.sources import mark_source, source_of
from ..finance.tables import ANY_ROUTE, normalise_routes, with_placement_column
from ..ingest.tables import read_named_table
from ..ingest.taxonomy import coarse_map

__all__ = ["MAX_PLACES", "capacity_keys", "check_capacity", "places_at", "read_capacity"]

#: Most places one row may hold [places]: more is a count of something else.
MAX_PLACES = 100_000


def check_capacity(
    table: pd.DataFrame,
    *,
    known: Collection[str] | None,
    where: str | None = None,
    lines: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Validate a capacity table and return it in canonical form.

    Parameters
    ----------
    table : pandas.DataFrame
        ``placement`` (or ``category``), ``places`` and optionally
        ``route``, ``start``, ``end``.
    known : collection of str or None
        Categories and groups a row may name (``None``: any).
    where : str, optional
        Name of the table in messages; default the file its reader recorded,
        else ``"<capacity>"``.
    lines : sequence of int, optional
        File line of each row (default as recorded).

    Returns
    -------
    pandas.DataFrame
        ``placement``, ``route``, ``places`` [places], ``start``, ``end``
        (NaT for open-ended).

    Raises
    ------
    SchemaError
        For a missing column, a table with no rows, an unknown category,
        places that are missing, not a whole number from 0 to
        :data:`MAX_PLACES`, or unreadable (see
        :mod:`sufficiency.common.numbers`), an unreadable date or an end
        before the start.
    """
    where, lines = source_of(table, where=where or "<capacity>", lines=lines)
    if not isinstance(table, pd.DataFrame):
        raise SchemaError(f"capacity must be a DataFrame, not {type(table).__name__}", file=where, rule="not_a_table")
    spelled = next((a for a in S.PLACEMENT_ALIASES if a in table.columns), S.PLACEMENT)
    table = with_placement_column(table, where=where)
    for col in (S.PLACEMENT, S.PLACES):
        if col not in table.columns:
            raise SchemaError(
                f"capacity needs a {col!r} column (found: {', '.join(map(str, table.columns))})",
                file=where,
                column=col,
                rule="missing_column",
            )
    if table.empty:
        raise SchemaError("the capacity table has no rows", file=where, rule="empty_table")
    table = table.reset_index(drop=True)
    rows = list(lines) if lines is not None else list(range(1, len(table) + 1))
    cats = table[S.PLACEMENT].fillna("").astype(str).str.strip()
    for i, c in enumerate(cats):
        if c == "" or (known is not None and c not in known):
            problem = (
                "the placement category is missing"
                if c == ""
                else f"unknown category {c!r} (known: {', '.join(sorted(known or ()))})"
            )
            raise SchemaError(problem, file=where, row=rows[i], column=spelled, rule="unknown_category")
    raw = table[S.PLACES]
    places, problems = parse_numbers(raw)
    for i, v in enumerate(places):
        fault: str | None = None
        if problems.iloc[i]:
            fault = f"{raw.iloc[i]!r} {NUMBER_PROBLEMS[str(problems.iloc[i])]}"
        elif pd.isna(v):
            fault = "places are missing"
        elif v < 0:
            fault = f"a negative capacity ({v:g} places)"
        elif v != round(v):
            fault = f"{v:g} is not a whole number of places"
        elif v > MAX_PLACES:
            fault = f"{v:,.0f} places is more than {MAX_PLACES:,} (a count of places, not of bed-nights or pounds?)"
        if fault:
            raise SchemaError(fault, file=where, row=rows[i], column=S.PLACES, rule="bad_places")
    dates = {}
    for col in ("start", "end"):
        values = table[col].astype(object) if col in table.columns else pd.Series("", index=table.index, dtype=object)
        text = values.where(values.notna(), "").astype(str).str.strip()
        text = text.where(~text.isin(["NaT", "None", "nan"]), "")
        parsed, bad = parse_dates(text)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise SchemaError(
                f"{text.iloc[i]!r} is not a date", file=where, row=rows[i], column=col, rule="invalid_date"
            )
        dates[col] = parsed
    backwards = dates["end"].notna() & dates["start"].notna() & (dates["end"] < dates["start"])
    if backwards.any():
        i = int(np.flatnonzero(backwards.to_numpy())[0])
        raise SchemaError(
            "the places end before they start", file=where, row=rows[i], column="end", rule="end_before_start"
        )
    routes = normalise_routes(table[S.ROUTE]) if S.ROUTE in table.columns else pd.Series(ANY_ROUTE, index=table.index)
    out = pd.DataFrame(
        {
            S.PLACEMENT: cats,
            S.ROUTE: routes,
            S.PLACES: places.to_numpy(dtype=float),
            "start": dates["start"],
            "end": dates["end"],
        }
    )
    repeated = out.duplicated(keep="first")
    if repeated.any():
        again = ", ".join(str(rows[i]) for i in np.flatnonzero(repeated.to_numpy())[:5])
        warnings.warn(
            f"{where}: {int(repeated.sum())} rows repeat an earlier row exactly (rows {again}); their places are added "
            "[duplicate_row]",
            DataQualityWarning,
            stacklevel=3,
        )
    return mark_source(out, where=where, lines=rows)


def capacity_keys(categories: Sequence[str]) -> dict[str, list[int]]:
    """Names a capacity row may use: each category, and each coarse group of the default categories present.

    Returns
    -------
    dict of str to list of int
        Name -> indices of the categories it covers.
    """
    keys = {c: [i] for i, c in enumerate(categories)}
    groups: dict[str, list[int]] = {}
    for i, c in enumerate(categories):
        group = coarse_map().get(c)
        if group is not None and group not in keys:
            groups.setdefault(group, []).append(i)
    return {**keys, **groups}


def places_at(capacity: pd.DataFrame, names: Sequence[str], dates: pd.DatetimeIndex) -> np.ndarray:
    """Places of each name at the end of each date.

    Parameters
    ----------
    capacity : pandas.DataFrame
        Canonical capacity (:func:`check_capacity`).
    names : sequence of str
    dates : pandas.DatetimeIndex

    Returns
    -------
    numpy.ndarray
        (date, name) [places].
    """
    out = np.zeros((len(dates), len(names)))
    when = dates.to_numpy("datetime64[ns]")
    for name, places, start, end in zip(capacity[S.PLACEMENT], capacity[S.PLACES], capacity["start"], capacity["end"]):
        on = np.ones(len(dates), dtype=bool)
        if pd.notna(start):
            on &= when >= np.datetime64(start, "ns")
        if pd.notna(end):
            on &= when <= np.datetime64(end, "ns")
        out[on, list(names).index(name)] += places
    return out


def read_capacity(path: str | Path, *, categories: Sequence[str] | None = None) -> pd.DataFrame:
    """Read a capacity table (``placement``, ``places``, optional ``route``, ``start``, ``end``).

    Parameters
    ----------
    path : path
    categories : sequence of str, optional
        The placement categories of the data (``FittedModel.categories``):
        a row naming anything else (other than a coarse group of them) is
        refused here, with the file's line, rather than later.

    Returns
    -------
    pandas.DataFrame
        Checked, canonical (:func:`check_capacity`).

    Raises
    ------
    SchemaError
    """
    frame, lines = read_named_table(path, (S.PLACEMENT, S.PLACES))
    known = None if categories is None else set(capacity_keys(list(categories)))
    return check_capacity(frame, known=known, where=str(path), lines=lines)
