"""Read the tables a council keeps for costing and planning: prices, inflation, route shares, places, scenarios.

Each reader checks its file as the in-memory checks do and names the file,
line, column and problem of the first thing wrong. CSV (any of the
encodings :func:`sufficiency.read_ssda903` reads) and ``.xlsx`` are read;
scenarios are JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..common.errors import SchemaError
from ..ingest.files import read_named_table
from ..places.capacity import capacity_keys, check_capacity
from ..scenarios.levers import Scenario, scenarios_from_data
from .prices import check_inflation, check_route_shares, check_unit_costs


def read_unit_costs(path: str | Path) -> pd.DataFrame:
    """Read a unit-cost table (see :func:`sufficiency.default_unit_costs` for its columns).

    Parameters
    ----------
    path : path

    Returns
    -------
    pandas.DataFrame
        Checked, canonical (:func:`sufficiency.prices.check_unit_costs`).

    Raises
    ------
    SchemaError
    """
    frame, lines = read_named_table(path, ("category", "weekly_cost", "price_year"))
    return check_unit_costs(frame, where=str(path), lines=lines)


def read_inflation(path: str | Path) -> pd.DataFrame:
    """Read annual inflation rates by category (``category``, ``annual_rate``, optional ``source``).

    Parameters
    ----------
    path : path

    Returns
    -------
    pandas.DataFrame
        ``category``, ``annual_rate`` [1/year], ``source``.

    Raises
    ------
    SchemaError
    """
    frame, lines = read_named_table(path, ("category", "annual_rate"))
    check_inflation(frame, categories=[], where=str(path), lines=lines)
    return frame.assign(
        annual_rate=pd.to_numeric(frame["annual_rate"]), source=frame["source"] if "source" in frame.columns else ""
    )[["category", "annual_rate", "source"]]


def read_route_shares(path: str | Path) -> pd.DataFrame:
    """Read route shares (``category``, ``route``, ``share``).

    Parameters
    ----------
    path : path

    Returns
    -------
    pandas.DataFrame
        Checked, canonical (:func:`sufficiency.prices.check_route_shares`).

    Raises
    ------
    SchemaError
    """
    frame, lines = read_named_table(path, ("category", "route", "share"))
    return check_route_shares(frame, where=str(path), lines=lines)


def read_capacity(path: str | Path, *, categories: Sequence[str] | None = None) -> pd.DataFrame:
    """Read a capacity table (``category``, ``places``, optional ``route``, ``start``, ``end``).

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
        Checked, canonical (:func:`sufficiency.capacity.check_capacity`).

    Raises
    ------
    SchemaError
    """
    frame, lines = read_named_table(path, ("category", "places"))
    known = None if categories is None else set(capacity_keys(list(categories)))
    return check_capacity(frame, known=known, where=str(path), lines=lines)


def read_scenarios(path: str | Path) -> list[Scenario]:
    """Read scenarios from a JSON file: one scenario, a list of them, or ``{"scenarios": [...]}``.

    Each scenario is ``{"name": ..., "description": ..., "levers": [{"lever":
    "shift_placements", ...}, ...]}`` as :meth:`Scenario.to_dict` writes it.

    Parameters
    ----------
    path : path

    Returns
    -------
    list of Scenario

    Raises
    ------
    SchemaError
        If the file is missing, is not JSON, or a lever is not valid.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise SchemaError(f"cannot be read ({exc.strerror or exc})", file=name, rule="missing_source") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemaError(
            f"not JSON: {exc.msg} at column {exc.colno}", file=name, row=exc.lineno, rule="not_json"
        ) from exc
    try:
        return scenarios_from_data(data)
    except (ValueError, TypeError) as exc:
        raise SchemaError(str(exc), file=name, rule="bad_scenario") from exc
