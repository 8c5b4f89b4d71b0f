"""Placement sufficiency: projected demand against the places the council can get.

A capacity table has one row per block of places: ``category`` (a
placement category, or a coarse group such as ``"fostering"`` for all
foster placements), optional ``route`` (in-house, block, partner, ...; it
labels the places and does not split demand), ``places`` and optional
``start`` and ``end`` dates between which the places exist. The places of a
category add up over its rows; demand is every child in the category (or
group) in each simulated path. Where demand exceeds the places, the
shortfall must be bought placement by placement, and its cost is priced at
the category's spot (off-framework) price.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

from ..common.dates import financial_year_label, financial_year_of, parse_dates
from ..common.errors import SchemaError
from ..finance.prices import check_inflation, check_unit_costs, normalise_routes, price_index, price_lookup
from ..ingest.taxonomy import coarse_map
from ..projection.result import Projection


def check_capacity(
    table: pd.DataFrame, *, known: Collection[str] | None, where: str = "<capacity>", lines: Sequence[int] | None = None
) -> pd.DataFrame:
    """Validate a capacity table and return it in canonical form.

    Parameters
    ----------
    table : pandas.DataFrame
        ``category``, ``places`` and optionally ``route``, ``start``, ``end``.
    known : collection of str or None
        Categories and groups a row may name (``None``: any).
    where : str
        Name of the table in messages.
    lines : sequence of int, optional
        File line of each row.

    Returns
    -------
    pandas.DataFrame
        ``category``, ``route``, ``places`` [places], ``start``, ``end``
        (NaT for open-ended).

    Raises
    ------
    SchemaError
        For a missing column, an unknown category, missing, non-numeric or
        negative places, an unreadable date or an end before the start.
    """
    if not isinstance(table, pd.DataFrame):
        raise SchemaError(f"capacity must be a DataFrame, not {type(table).__name__}", file=where, rule="not_a_table")
    for col in ("category", "places"):
        if col not in table.columns:
            raise SchemaError(
                f"capacity needs a {col!r} column (found: {', '.join(map(str, table.columns))})",
                file=where,
                column=col,
                rule="missing_column",
            )
    table = table.reset_index(drop=True)
    rows = list(lines) if lines is not None else list(range(1, len(table) + 1))
    cats = table["category"].fillna("").astype(str).str.strip()
    for i, c in enumerate(cats):
        if c == "" or (known is not None and c not in known):
            problem = (
                "the category is missing"
                if c == ""
                else f"unknown category {c!r} (known: {', '.join(sorted(known or ()))})"
            )
            raise SchemaError(problem, file=where, row=rows[i], column="category", rule="unknown_category")
    raw = table["places"].astype(str).str.replace(",", "", regex=False).str.strip()
    places = pd.to_numeric(raw.replace("", np.nan), errors="coerce")
    for i, v in enumerate(places):
        if pd.isna(v) or v < 0:
            problem = (
                "places are missing"
                if raw.iloc[i] in ("", "nan", "None")
                else (f"{raw.iloc[i]!r} is not a number" if pd.isna(v) else f"a negative capacity ({v:g} places)")
            )
            raise SchemaError(problem, file=where, row=rows[i], column="places", rule="bad_places")
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
    routes = normalise_routes(table["route"]) if "route" in table.columns else pd.Series("all", index=table.index)
    return pd.DataFrame(
        {
            "category": cats,
            "route": routes,
            "places": places.to_numpy(dtype=float),
            "start": dates["start"],
            "end": dates["end"],
        }
    )


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
    for row in capacity.itertuples():
        on = np.ones(len(dates), dtype=bool)
        if pd.notna(row.start):
            on &= when >= np.datetime64(row.start, "ns")
        if pd.notna(row.end):
            on &= when <= np.datetime64(row.end, "ns")
        out[on, list(names).index(row.category)] += row.places
    return out


def gap_frame(
    stock: np.ndarray,
    dates: pd.DatetimeIndex,
    keys: dict[str, list[int]],
    places: np.ndarray,
    names: Sequence[str],
    *,
    confidence: float,
    spot_price: np.ndarray | None = None,
) -> pd.DataFrame:
    """The sufficiency table from simulated stock.

    Parameters
    ----------
    stock : numpy.ndarray
        (simulation, date, category) children in care [children].
    dates : pandas.DatetimeIndex
    keys : dict
        From :func:`capacity_keys`.
    places : numpy.ndarray
        (date, name) [places].
    names : sequence of str
        Categories or groups with places.
    confidence : float
    spot_price : numpy.ndarray, optional
        (date, name) weekly price of a place bought spot [£/week].

    Returns
    -------
    pandas.DataFrame
        See :func:`sufficiency_gap`.
    """
    parts = []
    days = np.r_[0, np.diff(dates.to_numpy("datetime64[D]").astype(np.int64))].astype(float)
    for j, name in enumerate(names):
        demand = stock[:, :, keys[name]].sum(axis=2).astype(float)  # (S, T)
        cap = places[:, j]
        short = np.maximum(demand - cap[None, :], 0.0)
        frame = pd.DataFrame(
            {
                "date": dates,
                "financial_year": [financial_year_label(y) for y in financial_year_of(dates)],
                "category": name,
                "demand_mean": demand.mean(axis=0),
                f"demand_{round(100 * confidence)}": np.quantile(demand, confidence, axis=0),
                "capacity": cap,
                "expected_shortfall": short.mean(axis=0),
                "p_shortfall": (demand > cap[None, :]).mean(axis=0),
                "places_needed": np.maximum(np.ceil(np.quantile(demand, confidence, axis=0) - cap - 1e-9), 0.0),
            }
        )
        if spot_price is not None:
            frame["shortfall_cost"] = frame["expected_shortfall"] * spot_price[:, j] * days / 7.0
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def spot_prices(
    unit_costs: pd.DataFrame,
    categories: Sequence[str],
    keys: dict[str, list[int]],
    names: Sequence[str],
    dates: pd.DatetimeIndex,
    inflation: float | pd.DataFrame | None,
) -> np.ndarray:
    """Weekly price of a place bought spot, by (date, name): the spot price, else the dearest route's, of the dearest category covered."""
    table = check_unit_costs(unit_costs)
    routes = sorted(set(table["route"]))
    price, year = price_lookup(table, categories, routes)
    rates = check_inflation(inflation, categories=categories)
    years = financial_year_of(dates)
    levels = price * price_index(years, year, rates)  # (date, C, R)
    spot = [routes.index("spot")] if "spot" in routes else []
    out = np.zeros((len(dates), len(names)))
    for j, name in enumerate(names):
        cells = levels[:, keys[name], :]
        chosen = cells[:, :, spot] if spot and np.isfinite(cells[:, :, spot]).any() else cells
        out[:, j] = np.nanmax(np.where(np.isfinite(chosen), chosen, -np.inf).reshape(len(dates), -1), axis=1)
    return np.where(np.isfinite(out), out, np.nan)


def sufficiency_gap(
    projection: Projection,
    capacity: pd.DataFrame,
    *,
    confidence: float = 0.8,
    unit_costs: pd.DataFrame | None = None,
    inflation: float | pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Projected demand against places, month by month, with the shortfall and its price.

    Parameters
    ----------
    projection : Projection
    capacity : pandas.DataFrame
        ``category`` (a category or coarse group), ``places``, optional
        ``route``, ``start``, ``end`` (see the module notes).
    confidence : float
        Probability with which ``places_needed`` meets demand.
    unit_costs : pandas.DataFrame, optional
        Prices; with them the shortfall is costed at the spot price.
    inflation : float, pandas.DataFrame or None
        As for :func:`sufficiency.cost`.

    Returns
    -------
    pandas.DataFrame
        One row per date and category with places: ``date``,
        ``financial_year``, ``category``, ``demand_mean`` and
        ``demand_<confidence>`` (that quantile) [children], ``capacity``
        [places], ``expected_shortfall`` (mean over paths of demand above
        capacity) [children], ``p_shortfall`` (share of paths where demand
        exceeds capacity), ``places_needed`` (places to add so that demand
        is met with probability ``confidence``) [places] and, with prices,
        ``shortfall_cost`` (the expected shortfall bought spot for the
        month ending on the date) [£].

    Raises
    ------
    SchemaError
        For a malformed capacity table or unit costs.
    ValueError
        For a confidence outside (0, 1).
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    keys = capacity_keys(projection.categories)
    table = check_capacity(capacity, known=set(keys))
    names = list(dict.fromkeys(table["category"]))
    places = places_at(table, names, projection.dates)
    stock = projection.draws.sum(axis=3)
    spot = (
        None
        if unit_costs is None
        else spot_prices(unit_costs, projection.categories, keys, names, projection.dates, inflation)
    )
    return gap_frame(stock, projection.dates, keys, places, names, confidence=confidence, spot_price=spot)
