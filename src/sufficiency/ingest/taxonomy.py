"""Placement taxonomy: SSDA903 ``PLACE`` x ``PLACE_PROVIDER`` -> category.

The mapping is data (``sufficiency/data/taxonomy.csv``), versioned by
collection year, so users can read it, change it, or pass their own. Unknown
codes map to ``"unknown"``, never silently to ``"other"``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.errors import SchemaError
from ..common.resources import packaged_table

__all__ = [
    "ANY_PROVIDER",
    "categories",
    "categorise",
    "coarse_map",
    "coarsen",
    "default_taxonomy",
    "ordered_categories",
]

#: Provider value in a mapping row that matches any provider.
ANY_PROVIDER = "*"


def default_taxonomy() -> pd.DataFrame:
    """Return the default placement mapping.

    Returns
    -------
    pandas.DataFrame
        Columns ``place``, ``provider`` (a PR code or ``"*"`` for any),
        ``first_year`` and ``last_year`` (collection years, inclusive;
        ``<NA>`` = open-ended), ``category`` and ``note``.
    """
    table = packaged_table("taxonomy.csv")
    for col in ("first_year", "last_year"):
        table[col] = pd.to_numeric(table[col].replace("", np.nan)).astype("Int64")
    return table


def categories() -> pd.DataFrame:
    """Return the default categories with their coarse group and labels.

    Returns
    -------
    pandas.DataFrame
        Columns ``category``, ``coarse`` (fostering / residential / supported /
        other), ``order`` (int) and ``label``.
    """
    table = packaged_table("categories.csv")
    table["order"] = table["order"].astype(int)
    return table


def ordered_categories(values: pd.Series) -> list[str]:
    """The categories seen in ``values``, in taxonomy order, others sorted after.

    Parameters
    ----------
    values : pandas.Series
        Placement categories.

    Returns
    -------
    list of str
    """
    order = list(categories()["category"])
    seen = {str(v) for v in pd.unique(values.dropna())}  # each distinct value once, not every row
    return [c for c in order if c in seen] + sorted(seen - set(order))


def coarse_map() -> dict[str, str]:
    """Return ``{category: coarse category}`` for the default categories."""
    table = categories()
    return dict(zip(table["category"], table["coarse"]))


def _check_mapping(mapping: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("place", "category") if c not in mapping.columns]
    if missing:
        raise SchemaError(
            "a placement mapping needs columns 'place' and 'category' "
            "(optional: 'provider', 'first_year', 'last_year')",
            file="<mapping>",
            column=missing[0],
            rule="missing_column",
        )
    out = mapping.copy()
    if "provider" not in out.columns:
        out["provider"] = ANY_PROVIDER
    for col in ("first_year", "last_year"):
        if col not in out.columns:
            out[col] = pd.NA
        out[col] = pd.to_numeric(out[col].replace("", np.nan)).astype("Int64")
    for col in ("place", "provider"):
        out[col] = out[col].fillna("").astype(str).str.strip().str.upper()
    out["category"] = out["category"].astype(str)
    return out[["place", "provider", "first_year", "last_year", "category"]]


def categorise(
    place: pd.Series,
    provider: pd.Series,
    year: pd.Series,
    *,
    mapping: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Map placement and provider codes to analytical categories.

    Parameters
    ----------
    place, provider : pandas.Series
        Normalised ``PLACE`` and ``PLACE_PROVIDER`` codes (``""`` = blank).
    year : pandas.Series
        Collection year of each record [year ending 31 March].
    mapping : pandas.DataFrame, optional
        Your own mapping with columns ``place``, ``category`` and optionally
        ``provider`` (``"*"`` = any), ``first_year``, ``last_year``. Defaults
        to :func:`default_taxonomy`. A row for an exact provider beats a
        ``"*"`` row.

    Returns
    -------
    pandas.DataFrame
        Aligned with ``place``: ``category`` and ``match`` (``"exact"``,
        ``"out_of_year"`` when only a row for another collection year
        matched, or ``"unmapped"`` when nothing matched and the category is
        ``"unknown"``).
    """
    table = _check_mapping(default_taxonomy() if mapping is None else mapping)
    frame = pd.DataFrame({"place": place.to_numpy(), "provider": provider.to_numpy(), "year": year.to_numpy()})
    combos = frame.drop_duplicates().reset_index(drop=True)
    combos["_combo"] = np.arange(len(combos))

    def _match(rows: pd.DataFrame, on: list[str], use_years: bool) -> pd.DataFrame:
        merged = combos.merge(rows, on=on, how="inner", suffixes=("", "_map"))
        if use_years:
            ok = (merged["first_year"].isna() | (merged["year"] >= merged["first_year"])) & (
                merged["last_year"].isna() | (merged["year"] <= merged["last_year"])
            )
            merged = merged[ok.fillna(False).astype(bool)]
        return merged.drop_duplicates("_combo")[["_combo", "category"]]

    exact = table[table["provider"] != ANY_PROVIDER]
    wild = table[table["provider"] == ANY_PROVIDER].drop(columns="provider")
    result = pd.Series(pd.NA, index=combos.index, dtype=object)
    match = pd.Series("unmapped", index=combos.index, dtype=object)
    for use_years, label in ((True, "exact"), (False, "out_of_year")):
        for rows, on in ((exact, ["place", "provider"]), (wild, ["place"])):
            found = _match(rows, on, use_years)
            fresh = found[result.iloc[found["_combo"]].isna().to_numpy()]
            result.iloc[fresh["_combo"].to_numpy()] = fresh["category"].to_numpy()
            match.iloc[fresh["_combo"].to_numpy()] = label
    combos["category"] = result.fillna("unknown")
    combos["match"] = match
    out = frame.merge(combos, on=["place", "provider", "year"], how="left")[["category", "match"]]
    out.index = place.index
    return out


def coarsen(category: pd.Series, *, coarse: Mapping[str, str] | None = None) -> pd.Series:
    """Map categories to the coarse 4-category view.

    Parameters
    ----------
    category : pandas.Series, str or list of str
        Analytical categories.
    coarse : mapping, optional
        ``{category: coarse}``; defaults to :func:`coarse_map`.

    Returns
    -------
    pandas.Series
        Coarse category, aligned with ``category``.

    Raises
    ------
    SchemaError
        If a category has no coarse group.
    """
    lookup = dict(coarse_map() if coarse is None else coarse)
    if not isinstance(category, pd.Series):  # one category, or a list of them
        category = pd.Series([category] if isinstance(category, str) else list(category), dtype=object)
    out = category.map(lookup)
    missing = sorted(set(category[out.isna()].astype(str)))
    if missing:
        raise SchemaError(
            f"categories {missing} have no coarse group; pass coarse={{category: group}}",
            column=S.PLACEMENT,
            rule="unmapped_category",
        )
    return out
