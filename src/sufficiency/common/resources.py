"""Read the tables shipped with the package (code lists, taxonomy)."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

__all__ = ["packaged_table"]


@cache
def _read(name: str) -> pd.DataFrame:
    with resources.files("sufficiency").joinpath("data", name).open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def packaged_table(name: str) -> pd.DataFrame:
    """Return a copy of a CSV table shipped in ``sufficiency/data``.

    Parameters
    ----------
    name : str
        File name, e.g. ``"taxonomy.csv"``.

    Returns
    -------
    pandas.DataFrame
        All columns as strings; empty cells are ``""``.
    """
    return _read(name).copy()
