"""Price tables as data: purchasing routes and the default unit costs, inflation and route shares.

A unit-cost table has one row per placement category and purchasing route:
``placement``, ``route``, ``weekly_cost`` [£/week], ``price_year`` (the
financial year the price is at, e.g. ``"2024-25"``) and ``source``.
``route`` may be omitted or ``"all"`` for one price for every route of a
category. Routes are ``in_house``, ``framework``, ``spot`` (off-framework),
``block``, ``partner`` or any other name a council uses (spellings such as
``"in-house"`` and ``"off-framework"`` are understood). Every table names
the placement category ``placement``; ``category`` is read as the same
column.

The defaults (:func:`default_unit_costs`, :func:`default_inflation`,
:func:`default_route_shares`) ship with the package with a source for every
figure; where no published figure exists the source says the value is an
assumption.
"""

from __future__ import annotations

import pandas as pd

from ..common import schema as S
from ..common.errors import SchemaError
from ..common.resources import packaged_table

__all__ = [
    "ANY_ROUTE",
    "ROUTES",
    "default_inflation",
    "default_route_shares",
    "default_unit_costs",
    "normalise_route",
    "normalise_routes",
    "with_placement_column",
]

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


def normalise_route(value: str) -> str:
    """One route name in canonical form (see :func:`normalise_routes`)."""
    return str(normalise_routes(pd.Series([value], dtype=object)).iloc[0])


def with_placement_column(table: pd.DataFrame, *, where: str) -> pd.DataFrame:
    """The table with its placement column named ``placement`` (``category`` is read as the same column).

    Parameters
    ----------
    table : pandas.DataFrame
    where : str
        Name of the table (or its file) in messages.

    Returns
    -------
    pandas.DataFrame
        The same table, the column renamed when it was spelled otherwise.

    Raises
    ------
    SchemaError
        If the table has both a ``placement`` and a ``category`` column (which
        one is meant is not clear).
    """
    aliases = [a for a in S.PLACEMENT_ALIASES if a in table.columns]
    if not aliases:
        return table
    if S.PLACEMENT in table.columns:
        raise SchemaError(
            f"the table has both a {S.PLACEMENT!r} and a {aliases[0]!r} column: keep one",
            file=where,
            column=aliases[0],
            rule="ambiguous_column",
        )
    return table.rename(columns={aliases[0]: S.PLACEMENT})


def default_unit_costs() -> pd.DataFrame:
    """Default weekly unit costs by placement category and purchasing route.

    Returns
    -------
    pandas.DataFrame
        ``placement``, ``route``, ``weekly_cost`` [£/week], ``price_year``
        (financial year label) and ``source`` (publication, or the
        assumption where none exists). Shipped as
        ``sufficiency/data/unit_costs.csv``.
    """
    table = packaged_table("unit_costs.csv")
    return table.assign(**{S.WEEKLY_COST: table[S.WEEKLY_COST].astype(float)})


def default_inflation() -> pd.DataFrame:
    """Default annual price inflation by placement category.

    Children's-home prices have grown far faster than fostering allowances,
    so rates differ by category.

    Returns
    -------
    pandas.DataFrame
        ``placement``, ``annual_rate`` [1/year] and ``source``.
    """
    table = packaged_table("inflation.csv")
    return table.assign(**{S.ANNUAL_RATE: table[S.ANNUAL_RATE].astype(float)})


def default_route_shares() -> pd.DataFrame:
    """Default shares of each category's placements by purchasing route.

    Returns
    -------
    pandas.DataFrame
        ``placement``, ``route``, ``share`` [fraction; a category's shares
        add up to 1] and ``source``. External placements' shares are
        assumptions: replace them with the council's own or a placement cost
        file.
    """
    table = packaged_table("route_shares.csv")
    return table.assign(**{S.SHARE: table[S.SHARE].astype(float)})
