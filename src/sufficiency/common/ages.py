"""Ages and bands of age and of time in care (read-only mappings)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import pandas as pd

from .schema import LEAVING_AGE

__all__ = ["AGES", "DFE_AGE_BANDS", "TIME_IN_CARE_BANDS", "age_band", "band_index"]

#: Single years of age a child can be in care at [years].
AGES = tuple(range(LEAVING_AGE))

#: DfE age bands used in *Children looked after in England* [years, inclusive].
DFE_AGE_BANDS: Mapping[str, tuple[int, int]] = MappingProxyType(
    {
        "under 1": (0, 0),
        "1 to 4": (1, 4),
        "5 to 9": (5, 9),
        "10 to 15": (10, 15),
        "16 and over": (16, 17),
    }
)


#: Time-in-care bands: label -> first month of the band [months since the period of care began].
TIME_IN_CARE_BANDS: Mapping[str, int] = MappingProxyType(
    {
        "under 3 months": 0,
        "3 to 11 months": 3,
        "1 year": 12,
        "2 to 4 years": 24,
        "5 years and over": 60,
    }
)


def band_index() -> np.ndarray:
    """Index of the DfE age band of each age in :data:`AGES` (0 for under 1, ..., 4 for 16 and over)."""
    out = np.zeros(len(AGES), dtype=int)
    for i, (lo, hi) in enumerate(DFE_AGE_BANDS.values()):
        out[lo : hi + 1] = i
    return out


def age_band(age: pd.Series | np.ndarray, *, bands: Mapping[str, tuple[int, int]] | None = None) -> pd.Categorical:
    """Label ages with bands.

    Parameters
    ----------
    age : array-like or float
        Completed years [years]; missing ages give a missing band; one age
        gives a categorical of one.
    bands : mapping, optional
        ``{label: (lowest, highest)}`` inclusive, in display order. Defaults
        to :data:`DFE_AGE_BANDS`.

    Returns
    -------
    pandas.Categorical
        Ordered by the mapping.

    Raises
    ------
    ValueError
        If bands overlap.
    """
    bands = dict(DFE_AGE_BANDS if bands is None else bands)
    values = np.atleast_1d(np.asarray(age, dtype=float))  # one age gives a band of one
    codes = np.full(values.shape, -1, dtype=int)
    for i, (lo, hi) in enumerate(bands.values()):
        hit = (values >= lo) & (values <= hi)
        if (hit & (codes >= 0)).any():
            raise ValueError(f"age bands overlap at {sorted(set(values[hit & (codes >= 0)].astype(int)))}")
        codes[hit] = i
    return pd.Categorical.from_codes(codes, categories=list(bands), ordered=True)
