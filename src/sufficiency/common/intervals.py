"""Summaries of simulated draws: mean, median and central intervals as named columns."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["summarise_draws"]


def summarise_draws(
    index: str,
    labels: Sequence[object],
    group: str,
    values: Sequence[str],
    draws: np.ndarray,
    level: Sequence[int],
    *,
    expected: np.ndarray | None = None,
) -> pd.DataFrame:
    """A long summary of (simulation, index, value) draws.

    Parameters
    ----------
    index : str
        Name of the second axis's column (``"date"``, ``"financial_year"``).
    labels : sequence
        Its labels, one per position of the second axis.
    group : str
        The ``group`` column's value for every row (``"total"``, ``"placement"``, ...).
    values : sequence of str
        Labels of the third axis (the ``value`` column).
    draws : numpy.ndarray
        (simulation, index, value), in the draws' own units.
    level : sequence of int
        Central interval levels [%].
    expected : numpy.ndarray, optional
        (index, value) expected values, written as ``expected`` before ``mean``.

    Returns
    -------
    pandas.DataFrame
        ``index``, ``group``, ``value``, [``expected``], ``mean``, ``median``,
        ``lower_<L>``, ``upper_<L>``: one row per (index, value), index-major.
    """
    n_i, n_v = draws.shape[1], draws.shape[2]
    columns: dict[str, object] = {
        index: np.repeat(pd.Index(labels).to_numpy(), n_v),
        "group": group,
        "value": np.tile(np.asarray(values, dtype=object), n_i),
    }
    if expected is not None:
        columns["expected"] = expected.reshape(n_i * n_v)
    columns["mean"] = draws.mean(axis=0).reshape(n_i * n_v)
    columns["median"] = np.median(draws, axis=0).reshape(n_i * n_v)
    frame = pd.DataFrame(columns)
    for lv in level:
        lo, hi = np.percentile(draws, [50 - lv / 2, 50 + lv / 2], axis=0)
        frame[f"lower_{lv}"] = lo.reshape(n_i * n_v)
        frame[f"upper_{lv}"] = hi.reshape(n_i * n_v)
    return frame
