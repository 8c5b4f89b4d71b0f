"""SSDA903 code lists, versioned by collection year.

A collection (return) year is named by the calendar year of the 31 March it
ends on: ``2024`` is the 2023-24 return.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..common.resources import packaged_table

__all__ = ["LOADER_CLOSED", "code_groups", "code_table", "code_validity"]

#: Reason-ceased value the loader writes when it closes an episode itself and the true reason was not recorded:
#: lower case with spaces, so no code read from a return (read codes are upper-cased) can ever equal it.
LOADER_CLOSED = "closed by loader"


def code_table() -> pd.DataFrame:
    """Return the code lists as a table.

    Returns
    -------
    pandas.DataFrame
        Columns ``field`` (raw SSDA903 column), ``code``, ``first_year`` and
        ``last_year`` (collection years, inclusive; ``<NA>`` for open-ended),
        ``group`` and ``meaning``.
    """
    codes = packaged_table("codes.csv")
    places = packaged_table("placements.csv").rename(columns={"place": "code"})
    places["field"] = "PLACE"
    places["group"] = ""
    table = pd.concat([codes, places[codes.columns]], ignore_index=True)
    for col in ("first_year", "last_year"):
        table[col] = pd.to_numeric(table[col].replace("", np.nan)).astype("Int64")
    return table


def code_validity(field: str, codes: pd.Series, years: pd.Series) -> pd.Series:
    """Classify codes as valid for their collection year.

    Parameters
    ----------
    field : str
        Raw SSDA903 column name, e.g. ``"PLACE"`` or ``"REC"``.
    codes : pandas.Series
        Normalised (upper-case, stripped) codes; ``""`` means blank.
    years : pandas.Series
        Collection year of each code [year ending 31 March].

    Returns
    -------
    pandas.Series
        ``"valid"``, ``"blank"``, ``"out_of_year"`` (a real code, but not in
        that year's list) or ``"unknown"`` (in no year's list), aligned with
        ``codes``.
    """
    table = code_table()
    table = table[table["field"] == field]
    frame = pd.DataFrame({"code": codes.to_numpy(), "year": years.to_numpy()})
    combos = frame.drop_duplicates().reset_index(drop=True)
    merged = combos.merge(table[["code", "first_year", "last_year"]], on="code", how="left")
    known = merged["code"].isin(set(table["code"]))
    in_year = (
        known
        & (merged["first_year"].isna() | (merged["year"] >= merged["first_year"]))
        & (merged["last_year"].isna() | (merged["year"] <= merged["last_year"]))
    )
    merged["in_year"] = in_year.fillna(False).astype(bool)
    merged["known"] = known.astype(bool)
    status = (
        merged.groupby(["code", "year"], sort=False)
        .agg(in_year=("in_year", "any"), known=("known", "any"))
        .reset_index()
    )
    status["status"] = np.where(status["in_year"], "valid", np.where(status["known"], "out_of_year", "unknown"))
    status.loc[status["code"] == "", "status"] = "blank"
    out = frame.merge(status[["code", "year", "status"]], on=["code", "year"], how="left")["status"]
    out.index = codes.index
    return out


def code_groups(field: str) -> dict[str, str]:
    """Return ``{code: group}`` for one field (e.g. exit-route groups of REC).

    Parameters
    ----------
    field : str
        Raw SSDA903 column name.

    Returns
    -------
    dict of str to str
    """
    table = code_table()
    table = table[table["field"] == field]
    return dict(zip(table["code"], table["group"]))
