"""Fast element-wise text operations on low-cardinality columns."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

__all__ = ["map_unique"]


def map_unique(values: pd.Series, fn: Callable[[pd.Series], pd.Series | np.ndarray]) -> pd.Series:
    """Apply a vectorised function to the distinct values only, then spread back.

    Codes and dates repeat a great deal in SSDA903 files, so this is much
    faster than applying ``fn`` to every row.

    Parameters
    ----------
    values : pandas.Series
    fn : callable
        Takes a Series of the distinct values, returns an aligned array.

    Returns
    -------
    pandas.Series
        ``fn`` applied element-wise, with the index of ``values``.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = np.asarray(fn(pd.Series(np.asarray(uniques, dtype=object), dtype=object)))
    return pd.Series(mapped[codes], index=values.index)
