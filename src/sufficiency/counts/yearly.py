"""Headline tables of a dataset: stock at 31 March and flows by financial year."""

from __future__ import annotations

import pandas as pd

from ..common import schema as S
from ..common.dates import march_31
from ..ingest.returns import SSDA903Data
from .flows import flows
from .stock import stock

__all__ = ["march_stock", "yearly_flows"]


def march_stock(data: SSDA903Data, *, by: tuple[str, ...] = (S.PLACEMENT,)) -> pd.DataFrame:
    """Children in care at each 31 March the returns cover, wide by ``by``.

    Parameters
    ----------
    data : SSDA903Data
    by : tuple of str
        One dimension to spread across columns (``()`` for totals only).

    Returns
    -------
    pandas.DataFrame
        Index ``date``; a column per level of ``by`` and ``total`` [children].
    """
    dates = [march_31(y) for y in range(min(data.years) - 1, max(data.years) + 1)]
    counts = stock(data, dates, by=by)
    if by:
        wide = counts.pivot_table(index=S.DATE, columns=list(by), values=S.CHILDREN, aggfunc="sum", observed=False)
        wide.columns = [str(c) for c in wide.columns]
    else:
        wide = counts.set_index(S.DATE)[[S.CHILDREN]].rename(columns={S.CHILDREN: "total"})
        return wide
    wide["total"] = wide.sum(axis=1)
    return wide


def yearly_flows(data: SSDA903Data) -> pd.DataFrame:
    """Entries, exits and stock by financial year (April-March), all children.

    Parameters
    ----------
    data : SSDA903Data

    Returns
    -------
    pandas.DataFrame
        One row per collection year: ``period_start``, ``period_end``,
        ``stock_start``, ``entries``, ``exits``, ``stock_end`` [children] and
        ``exposure_days`` [child-days].
    """
    table = flows(data, freq="YS-APR", by=()).table
    return table[[S.PERIOD_START, S.PERIOD_END, S.STOCK_START, S.ENTRIES, S.EXITS, S.STOCK_END, S.EXPOSURE_DAYS]]
