"""Unit costs, purchasing routes, route shares and inflation: tables, their checks and the price index.

Prices are data. A unit-cost table has one row per placement category and
purchasing route: ``category``, ``route``, ``weekly_cost`` [£/week],
``price_year`` (the financial year the price is at, e.g. ``"2024-25"``) and
``source``. ``route`` may be omitted or ``"all"`` for one price for every
route of a category. Routes are ``in_house``, ``framework``, ``spot``
(off-framework), ``block``, ``partner`` or any other name a council uses
(spellings such as ``"in-house"`` and ``"off-framework"`` are understood).

SSDA903 has no framework flag, so the route of a category's placements
comes from route shares (``category``, ``route``, ``share``; the shares of
a category add up to 1) or from a placement cost file
(:func:`sufficiency.read_placement_costs`).

Prices move each April by the category's annual inflation rate: the price in
financial year ``f`` is ``weekly_cost * (1 + rate) ** (f - price_year)``
(years ending 31 March), so a price from an earlier year is brought forward
and spend in earlier years is deflated. ``inflation=None`` keeps every price
at its ``price_year`` level.

The defaults (:func:`default_unit_costs`, :func:`default_inflation`,
:func:`default_route_shares`) ship with the package with a source for every
figure; where no published figure exists the source says the value is an
assumption.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

from ..common.dates import financial_year_label, year_ending_march
from ..common.errors import SchemaError
from ..common.resources import packaged_table

#: Purchasing routes the library knows by name; councils may name others.
ROUTES = ("in_house", "framework", "spot", "block", "partner")
#: Route of a unit-cost row that prices every route of its category.
ANY_ROUTE = "all"
_ALIASES = {
    "inhouse": "in_house",
    "in_house_provision": "in_house",
    "own": "in_house",
    "own_provision": "in_house",
    "off_framework": "spot",
    "offframework": "spot",
    "spot_purchase": "spot",
    "any": ANY_ROUTE,
    "": ANY_ROUTE,
}


def normalise_routes(values: pd.Series) -> pd.Series:
    """Canonical route names: lower case, words joined by ``_``, common spellings mapped.

    ``"In-house"`` gives ``"in_house"``, ``"Off-framework"`` gives
    ``"spot"`` and a blank gives ``"all"``.

    Parameters
    ----------
    values : pandas.Series

    Returns
    -------
    pandas.Series
    """
    text = values.fillna("").astype(str).str.strip().str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    return text.map(lambda v: _ALIASES.get(v, v))


def default_unit_costs() -> pd.DataFrame:
    """Default weekly unit costs by placement category and purchasing route.

    Returns
    -------
    pandas.DataFrame
        ``category``, ``route``, ``weekly_cost`` [£/week], ``price_year``
        (financial year label) and ``source`` (publication, or the
        assumption where none exists). Shipped as
        ``sufficiency/data/unit_costs.csv``.
    """
    table = packaged_table("unit_costs.csv")
    return table.assign(weekly_cost=table["weekly_cost"].astype(float))


def default_inflation() -> pd.DataFrame:
    """Default annual price inflation by placement category.

    Children's-home prices have grown far faster than fostering allowances,
    so rates differ by category.

    Returns
    -------
    pandas.DataFrame
        ``category``, ``annual_rate`` [1/year] and ``source``.
    """
    table = packaged_table("inflation.csv")
    return table.assign(annual_rate=table["annual_rate"].astype(float))


def default_route_shares() -> pd.DataFrame:
    """Default shares of each category's placements by purchasing route.

    Returns
    -------
    pandas.DataFrame
        ``category``, ``route``, ``share`` [fraction; a category's shares
        add up to 1] and ``source``. External placements' shares are
        assumptions: replace them with the council's own or a placement cost
        file.
    """
    table = packaged_table("route_shares.csv")
    return table.assign(share=table["share"].astype(float))


def _where(table: pd.DataFrame, where: str, lines: Sequence[int] | None, i: int) -> tuple[str, int]:
    """The name and row (file line, or 1-based row of a frame) of row position ``i``."""
    return where, int(lines[i]) if lines is not None else i + 1


def _require(table: object, columns: Sequence[str], where: str, what: str) -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame):
        raise SchemaError(f"{what} must be a DataFrame, not {type(table).__name__}", file=where, rule="not_a_table")
    for col in columns:
        if col not in table.columns:
            raise SchemaError(
                f"{what} need a {col!r} column (found: {', '.join(map(str, table.columns)) or 'none'})",
                file=where,
                column=col,
                rule="missing_column",
            )
    return table.reset_index(drop=True)


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
    values = pd.to_numeric(
        raw.astype(str)
        .str.replace(",", "", regex=False)
        .str.replace("£", "", regex=False)
        .str.strip()
        .replace("", np.nan),
        errors="coerce",
    )
    for i in range(len(values)):
        v = values.iloc[i]
        problem = None
        if pd.isna(v):
            problem = (
                "is missing"
                if pd.isna(raw.iloc[i]) or str(raw.iloc[i]).strip() == ""
                else f"{raw.iloc[i]!r} is not a number"
            )
        elif low is not None and v < low:
            problem = f"{raw.iloc[i]!r} is below {low:g}"
        elif high is not None and v > high:
            problem = f"{raw.iloc[i]!r} is above {high:g}"
        if problem:
            name, row = _where(table, where, lines, i)
            rule = (
                "missing_value"
                if "missing" in problem
                else ("not_a_number" if "not a number" in problem else "out_of_range")
            )
            raise SchemaError(problem, file=name, row=row, column=column, rule=rule)
    return values.to_numpy(dtype=float)


def _categories(
    table: pd.DataFrame, where: str, lines: Sequence[int] | None, known: Collection[str] | None
) -> pd.Series:
    cats = table["category"].fillna("").astype(str).str.strip()
    for i, c in enumerate(cats):
        if c == "" or (known is not None and c not in known):
            name, row = _where(table, where, lines, i)
            problem = (
                "the category is missing" if c == "" else f"unknown category {c!r} (known: {', '.join(sorted(known))})"
            )  # type: ignore[arg-type]
            raise SchemaError(problem, file=name, row=row, column="category", rule="unknown_category")
    return cats


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
        ``category``, ``weekly_cost`` [£/week], ``price_year`` and optionally
        ``route`` and ``source``.
    known : collection of str, optional
        Categories a row may name.
    where : str
        Name of the table in error messages (a file path when read from one).
    lines : sequence of int, optional
        File line of each row (default: 1-based row numbers).

    Returns
    -------
    pandas.DataFrame
        ``category``, ``route``, ``weekly_cost`` (float), ``price_year``
        (label such as ``"2024-25"``), ``source``.

    Raises
    ------
    SchemaError
        For a missing column, an unknown or missing category, a missing,
        non-numeric or negative cost, a price year that is not a year, or
        two rows for one category and route.
    """
    table = _require(table, ("category", "weekly_cost", "price_year"), where, "unit costs")
    cats = _categories(table, where, lines, known)
    routes = normalise_routes(table["route"]) if "route" in table.columns else pd.Series(ANY_ROUTE, index=table.index)
    cost = _numbers(table, "weekly_cost", where, lines, low=0.0)
    years = []
    for i, label in enumerate(table["price_year"]):
        year = year_ending_march(label)
        if year is None:
            name, row = _where(table, where, lines, i)
            raise SchemaError(
                f"{label!r} is not a financial year (write '2024-25')",
                file=name,
                row=row,
                column="price_year",
                rule="not_a_year",
            )
        years.append(financial_year_label(year))
    out = pd.DataFrame(
        {
            "category": cats,
            "route": routes,
            "weekly_cost": cost,
            "price_year": years,
            "source": table["source"].fillna("").astype(str) if "source" in table.columns else "",
        }
    )
    dup = out.duplicated(["category", "route"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        name, row = _where(table, where, lines, i)
        raise SchemaError(
            f"a second price for {out['category'].iloc[i]} by route {out['route'].iloc[i]}",
            file=name,
            row=row,
            column="route",
            rule="duplicate_row",
        )
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
        ``category``, ``route``, ``share`` [fraction].
    known : collection of str, optional
        Categories a row may name.
    where : str
        Name of the table in error messages.
    lines : sequence of int, optional
        File line of each row.

    Returns
    -------
    pandas.DataFrame
        ``category``, ``route``, ``share``.

    Raises
    ------
    SchemaError
        For a missing column, an unknown category, a share outside 0-1, a
        repeated category and route, or shares of a category that do not
        add up to 1 (within 0.001).
    """
    table = _require(table, ("category", "route", "share"), where, "route shares")
    cats = _categories(table, where, lines, known)
    share = _numbers(table, "share", where, lines, low=0.0, high=1.0)
    out = pd.DataFrame({"category": cats, "route": normalise_routes(table["route"]), "share": share})
    dup = out.duplicated(["category", "route"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        name, row = _where(table, where, lines, i)
        raise SchemaError(
            f"a second share for {out['category'].iloc[i]} by route {out['route'].iloc[i]}",
            file=name,
            row=row,
            column="route",
            rule="duplicate_row",
        )
    totals = out.groupby("category", sort=False)["share"].sum()
    for cat, total in totals.items():
        if abs(total - 1.0) > 1e-3:
            i = int(np.flatnonzero((out["category"] == cat).to_numpy())[0])
            name, row = _where(table, where, lines, i)
            raise SchemaError(
                f"the shares of {cat} add up to {total:.4g}, not 1",
                file=name,
                row=row,
                column="share",
                rule="shares_do_not_add_up",
            )
    return out


def check_inflation(
    inflation: float | pd.DataFrame | None,
    *,
    categories: Sequence[str],
    where: str = "<inflation>",
    lines: Sequence[int] | None = None,
) -> np.ndarray:
    """Annual inflation rate of each category.

    Parameters
    ----------
    inflation : float, pandas.DataFrame or None
        ``None``: prices stay at their ``price_year`` level; a number: that
        rate for every category [1/year]; a frame: ``category``,
        ``annual_rate`` (and optionally ``source``), one row per category.
    categories : sequence of str
        Categories that need a rate.
    where : str
        Name of the table in error messages.
    lines : sequence of int, optional
        File line of each row.

    Returns
    -------
    numpy.ndarray
        Rate of each of ``categories`` [1/year].

    Raises
    ------
    SchemaError
        For a rate that is missing, not a number or at or below -100%, a
        repeated category, or a category with no rate.
    """
    if inflation is None:
        return np.zeros(len(categories))
    if isinstance(inflation, (int, float, np.floating, np.integer)) and not isinstance(inflation, bool):
        if not np.isfinite(inflation) or inflation <= -1:
            raise SchemaError(
                f"an inflation rate of {inflation!r} is not a yearly rate above -1", file=where, rule="out_of_range"
            )
        return np.full(len(categories), float(inflation))
    table = _require(inflation, ("category", "annual_rate"), where, "inflation rates")
    cats = _categories(table, where, lines, None)
    rate = _numbers(table, "annual_rate", where, lines, low=-0.999999)
    if cats.duplicated().any():
        i = int(np.flatnonzero(cats.duplicated().to_numpy())[0])
        name, row = _where(table, where, lines, i)
        raise SchemaError(
            f"a second rate for {cats.iloc[i]}", file=name, row=row, column="category", rule="duplicate_row"
        )
    lookup = dict(zip(cats, rate))
    missing = [c for c in categories if c not in lookup]
    if missing:
        raise SchemaError(
            f"no inflation rate for {', '.join(missing)}: add a row for each category in the data",
            file=where,
            column="category",
            rule="missing_category",
        )
    return np.array([lookup[c] for c in categories])


def price_lookup(
    unit_costs: pd.DataFrame, categories: Sequence[str], routes: Sequence[str], *, where: str = "<unit costs>"
) -> tuple[np.ndarray, np.ndarray]:
    """Weekly price and price year of every (category, route) cell that has a price.

    A route-specific row wins over the category's ``"all"`` row.

    Parameters
    ----------
    unit_costs : pandas.DataFrame
        Canonical unit costs (:func:`check_unit_costs`).
    categories, routes : sequence of str

    Returns
    -------
    price : numpy.ndarray
        (category, route) [£/week]; NaN where there is no price.
    year : numpy.ndarray
        (category, route) price year [year ending 31 March]; 0 where there is no price.
    """
    price = np.full((len(categories), len(routes)), np.nan)
    year = np.zeros((len(categories), len(routes)), dtype=int)
    exact = {(r.category, r.route): r for r in unit_costs.itertuples()}
    for i, c in enumerate(categories):
        for j, r in enumerate(routes):
            row = exact.get((c, r)) or exact.get((c, ANY_ROUTE))
            if row is not None:
                price[i, j] = row.weekly_cost
                year[i, j] = year_ending_march(row.price_year)
    return price, year


def route_split(
    unit_costs: pd.DataFrame,
    route_shares: pd.DataFrame | None,
    categories: Sequence[str],
    *,
    where: str = "<route shares>",
) -> tuple[list[str], np.ndarray]:
    """Routes and each category's share of placements by route.

    A category with shares takes them; one without takes its only priced
    route (or ``"all"``). Every share must fall on a priced route.

    Parameters
    ----------
    unit_costs : pandas.DataFrame
        Canonical unit costs.
    route_shares : pandas.DataFrame or None
        Canonical route shares.
    categories : sequence of str

    Returns
    -------
    routes : list of str
        Routes with a share anywhere, in the order of :data:`ROUTES`, then
        others sorted.
    shares : numpy.ndarray
        (category, route) [fraction]; rows add up to 1.

    Raises
    ------
    SchemaError
        If a category has no price, or several priced routes and no
        shares, or a share falls on a route with no price.
    """
    chosen: dict[str, dict[str, float]] = {}
    given = (
        {}
        if route_shares is None
        else {c: dict(zip(g["route"], g["share"])) for c, g in route_shares.groupby("category", sort=False)}
    )
    for c in categories:
        priced = list(unit_costs.loc[unit_costs["category"] == c, "route"])
        if not priced:
            raise SchemaError(
                f"category {c!r} is in the data but has no unit cost: add a row for it",
                file="<unit costs>",
                column="category",
                rule="no_price",
            )
        if c in given:
            unpriced = [r for r, s in given[c].items() if s > 0 and r not in priced and ANY_ROUTE not in priced]
            if unpriced:
                raise SchemaError(
                    f"{c} has a share by route {unpriced[0]!r} but no price for it (priced routes: {', '.join(priced)})",
                    file=where,
                    column="route",
                    rule="no_price",
                )
            chosen[c] = given[c]
        elif len(priced) == 1:
            chosen[c] = {priced[0]: 1.0}
        else:
            raise SchemaError(
                f"{c} has prices for routes {', '.join(priced)} but no route shares: give route_shares or a placement cost file",
                file=where,
                column="route",
                rule="no_route_shares",
            )
    seen = {r for shares in chosen.values() for r, s in shares.items() if s > 0}
    routes = [r for r in (*ROUTES, ANY_ROUTE) if r in seen] + sorted(seen - set(ROUTES) - {ANY_ROUTE})
    matrix = np.zeros((len(categories), len(routes)))
    for i, c in enumerate(categories):
        for r, s in chosen[c].items():
            if s > 0:
                matrix[i, routes.index(r)] = s
    return routes, matrix


def price_index(years: np.ndarray, price_years: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Price level of each year relative to each price's own year.

    Parameters
    ----------
    years : numpy.ndarray
        (F,) financial years [year ending 31 March].
    price_years : numpy.ndarray
        (C, R) year each price is at.
    rates : numpy.ndarray
        (C,) annual inflation [1/year].

    Returns
    -------
    numpy.ndarray
        (F, C, R): ``(1 + rate) ** (year - price_year)``.
    """
    steps = np.asarray(years, dtype=float)[:, None, None] - price_years[None, :, :]
    return (1.0 + rates)[None, :, None] ** steps
