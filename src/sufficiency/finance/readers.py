"""Read the price tables a council keeps: unit costs, inflation and route shares.

Each reader checks its file as the in-memory checks do and names the file,
line, column and problem of the first thing wrong. CSV (any of the
encodings :func:`sufficiency.read_ssda903` reads) and ``.xlsx`` are read.
The placement column is ``placement``; ``category`` is read as the same.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..common import schema as S
from ..ingest.tables import read_named_table
from .checks import check_inflation, check_route_shares, check_unit_costs

__all__ = ["read_inflation", "read_route_shares", "read_unit_costs"]


def read_unit_costs(path: str | Path) -> pd.DataFrame:
    """Read a unit-cost table (see :func:`sufficiency.default_unit_costs` for its columns).

    Parameters
    ----------
    path : path

    Returns
    -------
    pandas.DataFrame
        Checked, canonical (:func:`sufficiency.finance.checks.check_unit_costs`).

    Raises
    ------
    SchemaError
    """
    frame, lines = read_named_table(path, (S.PLACEMENT, S.WEEKLY_COST, S.PRICE_YEAR))
    return check_unit_costs(frame, where=str(path), lines=lines)


def read_inflation(path: str | Path) -> pd.DataFrame:
    """Read annual inflation rates by category (``placement``, ``annual_rate``, optional ``source``).

    Parameters
    ----------
    path : path

    Returns
    -------
    pandas.DataFrame
        ``placement``, ``annual_rate`` [1/year], ``source``.

    Raises
    ------
    SchemaError
    """
    frame, lines = read_named_table(path, (S.PLACEMENT, S.ANNUAL_RATE))
    checked = check_inflation(frame, where=str(path), lines=lines)
    assert isinstance(checked, pd.DataFrame)  # a table was read, so a table comes back
    return checked


def read_route_shares(path: str | Path) -> pd.DataFrame:
    """Read route shares (``placement``, ``route``, ``share``).

    Parameters
    ----------
    path : path

    Returns
    -------
    pandas.DataFrame
        Checked, canonical (:func:`sufficiency.finance.checks.check_route_shares`).

    Raises
    ------
    SchemaError
    """
    frame, lines = read_named_table(path, (S.PLACEMENT, S.ROUTE, S.SHARE))
    return check_route_shares(frame, where=str(path), lines=lines)
