"""Read published council tables of children looked after."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .errors import SchemaError

_REQUIRED = ("la_code", "la_name", "year", "cla_31_march")
_NUMERIC = ("cla_31_march", "starts", "ceases", "population_0_17")


def read_published(path: str | Path) -> pd.DataFrame:
    """Read a DfE council table of children looked after.

    Parameters
    ----------
    path : path
        CSV with columns ``la_code``, ``la_name``, ``year`` (year ending 31
        March), ``cla_31_march`` and optionally ``region_name``, ``starts``,
        ``ceases``, ``population_0_17``. Blank cells are suppressed values.

    Returns
    -------
    pandas.DataFrame
        One row per council and year: ``la_code``, ``la_name``,
        ``region_name``, ``year`` (int), ``cla_31_march``, ``starts``,
        ``ceases`` [children], ``population_0_17`` [children aged 0-17].

    Raises
    ------
    SchemaError
        If a required column is missing, a value is not a number, or a
        council has two rows for one year.
    """
    name = str(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except Exception as exc:  # pandas raises many types for unreadable input
        raise SchemaError(f"cannot be read as a table ({type(exc).__name__}: {exc})", file=name, rule="not_a_table") from exc
    raw.columns = [c.strip().lower() for c in raw.columns]
    for col in _REQUIRED:
        if col not in raw.columns:
            raise SchemaError("required column is missing", file=name, column=col, rule="missing_column")
    out = pd.DataFrame({"la_code": raw["la_code"].str.strip(), "la_name": raw["la_name"].str.strip()})
    out["region_name"] = raw["region_name"].str.strip() if "region_name" in raw.columns else ""
    year = pd.to_numeric(raw["year"].str.strip().str[:4], errors="coerce")
    if year.isna().any():
        row = int(np.flatnonzero(year.isna())[0]) + 2
        raise SchemaError(f"row {row}: year {raw['year'].iloc[row - 2]!r} is not a year", file=name, column="year", rule="not_a_number")
    out["year"] = year.astype(int)
    for col in _NUMERIC:
        values = raw[col].str.strip().str.replace(",", "", regex=False) if col in raw.columns else pd.Series("", index=raw.index)
        number = pd.to_numeric(values.where(values != ""), errors="coerce")
        bad = number.isna() & (values != "") & ~values.str.lower().isin(["c", "x", "z", "k", ":", ".."])
        if bad.any():
            row = int(np.flatnonzero(bad)[0]) + 2
            raise SchemaError(f"row {row}: {values.iloc[row - 2]!r} is not a number", file=name, column=col, rule="not_a_number")
        out[col] = number
    dup = out.duplicated(["la_code", "year"])
    if dup.any():
        row = int(np.flatnonzero(dup)[0]) + 2
        raise SchemaError(f"row {row}: council {out['la_code'].iloc[row - 2]} has two rows for {out['year'].iloc[row - 2]}", file=name, column="year", rule="duplicate_row")
    return out.sort_values(["la_code", "year"]).reset_index(drop=True)
