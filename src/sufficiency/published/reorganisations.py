"""Back-fill the history of councils formed by reorganisation from their predecessors.

A council formed from others (``data/reorganisations.csv``) starts its own
published series in its first year; before that its figures are estimated
as the sum of its predecessors' figures, a predecessor split between
several successors contributing to each in proportion to the child
population the successor took from it. That share is measured at the
change: the successor's first-year population less that of the predecessors
it took whole (their last year), divided among the successors sharing the
predecessor so the shares add up to one. Where a population is missing the
children looked after are used the same way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..common.resources import packaged_table

__all__ = ["predecessor_weights", "reorganisations", "with_predecessors"]

_COLUMNS = ("cla_31_march", "starts", "ceases", "population_0_17")


def reorganisations() -> pd.DataFrame:
    """The packaged table of council reorganisations since 2011.

    Returns
    -------
    pandas.DataFrame
        ``successor_code``, ``successor_name``, ``first_year`` (first 31
        March the successor is counted) [year], ``predecessor_code`` and
        ``part`` (``"whole"`` or ``"part"`` of the predecessor).
    """
    table = packaged_table("reorganisations.csv")
    return table.assign(first_year=table["first_year"].astype(int))


def _value(table: pd.DataFrame, code: str, year: int, column: str) -> float:
    row = table[(table["la_code"] == code) & (table["year"] == year)]
    return float(row[column].iloc[0]) if len(row) and pd.notna(row[column].iloc[0]) else np.nan


def predecessor_weights(table: pd.DataFrame, changes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of each predecessor's figures that each successor inherits.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`sufficiency.read_published`.
    changes : pandas.DataFrame, optional
        Reorganisations; default :func:`reorganisations`.

    Returns
    -------
    pandas.DataFrame
        ``successor_code``, ``predecessor_code``, ``first_year``, ``weight``
        (1 for a predecessor taken whole) [fraction].
    """
    changes = reorganisations() if changes is None else changes
    out = changes[["successor_code", "predecessor_code", "first_year", "part"]].reset_index(drop=True)

    def shares(column: str) -> pd.Series:
        """Each partial predecessor's share by ``column``; NaN where a figure needed is missing."""
        taken = pd.Series(np.nan, index=out.index)
        for i, row in enumerate(out.itertuples()):
            if row.part != "whole":
                whole = out.loc[
                    (out["successor_code"] == row.successor_code) & (out["part"] == "whole"), "predecessor_code"
                ]
                before = sum(_value(table, code, row.first_year - 1, column) for code in whole)
                taken.iloc[i] = _value(table, row.successor_code, row.first_year, column) - before
        total = taken.groupby(out["predecessor_code"]).transform("sum", min_count=1)
        complete = taken.notna().groupby(out["predecessor_code"]).transform("all")
        return (taken / total).where(complete)

    partial = shares("population_0_17").fillna(shares("cla_31_march"))
    out["weight"] = np.where(out["part"] == "whole", 1.0, partial)
    return out[["successor_code", "predecessor_code", "first_year", "weight"]]


def with_predecessors(table: pd.DataFrame, changes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add estimated rows for reorganised councils' years before their first.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`sufficiency.read_published`.
    changes : pandas.DataFrame, optional
        Reorganisations; default :func:`reorganisations`.

    Returns
    -------
    pandas.DataFrame
        ``table`` with an ``estimated`` column (False for published rows)
        and, for each successor present in ``table``, a row per earlier year
        in which all its predecessors were published: the weighted sum of
        their figures (NaN where one of them is missing) [children].
    """
    changes = reorganisations() if changes is None else changes
    weights = predecessor_weights(table, changes)
    out = table.assign(estimated=False)
    present = set(table["la_code"])
    rows = []
    for successor, group in weights.groupby("successor_code"):
        if successor not in present or group["weight"].isna().any():
            continue
        first = int(group["first_year"].iloc[0])
        meta = table[table["la_code"] == successor].iloc[-1]
        parts = table[table["la_code"].isin(group["predecessor_code"]) & (table["year"] < first)]
        parts = parts.merge(group[["predecessor_code", "weight"]], left_on="la_code", right_on="predecessor_code")
        complete = parts.groupby("year")["la_code"].nunique() == len(group)
        parts = parts[parts["year"].isin(complete[complete].index)]
        if parts.empty:
            continue
        summed = parts[list(_COLUMNS)].mul(parts["weight"], axis=0).groupby(parts["year"]).sum(min_count=1)
        has_nan = parts[list(_COLUMNS)].isna().groupby(parts["year"]).any()
        summed = summed.mask(has_nan).reset_index()
        rows.append(
            summed.assign(
                la_code=successor, la_name=meta["la_name"], region_name=meta.get("region_name", ""), estimated=True
            )
        )
    if rows:
        out = pd.concat([out, *rows], ignore_index=True)
    return out.sort_values(["la_code", "year"]).reset_index(drop=True)
