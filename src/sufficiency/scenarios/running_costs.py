"""Lever: what a scenario costs to run (one-off and yearly costs), subtracted from its savings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..common.dates import DateLike, financial_year_of
from ..finance.months import Months
from .lever import Lever, LeverError, check_amount, check_date

__all__ = ["ImplementationCost", "implementation_cost"]


@dataclass(frozen=True)
class ImplementationCost(Lever):
    """What a scenario costs to run [£].

    Attributes
    ----------
    one_off : float
        Paid in the financial year of ``start`` [£].
    running_per_year : float
        Paid evenly by day from ``start`` to ``end`` [£/year].
    start : str
    end : str or None
        Last day of the running cost; ``None`` runs to the horizon.
    """

    one_off: float
    running_per_year: float
    start: str
    end: str | None = None
    lever: str = "implementation_cost"

    def running_cost(self, months: Months) -> np.ndarray:
        out = np.zeros(len(months.labels))
        start = pd.Timestamp(self.start)
        year = int(financial_year_of(pd.DatetimeIndex([start]))[0])
        if self.one_off and year in set(months.fy):
            out[list(months.fy).index(year)] += self.one_off
        if self.running_per_year:
            first = months.ends[0] - pd.Timedelta(days=float(months.days[0]) - 1)
            stop = months.ends[-1] if self.end is None else min(pd.Timestamp(self.end), months.ends[-1])
            month_start = pd.DatetimeIndex([first]).append(months.ends[:-1] + pd.Timedelta(days=1))
            lo = np.maximum(month_start.to_numpy("datetime64[D]"), np.datetime64(start.date()))
            hi = np.minimum(months.ends.to_numpy("datetime64[D]"), np.datetime64(stop.date()))
            days = np.maximum((hi - lo).astype(int) + 1, 0)
            np.add.at(out, months.year, self.running_per_year * days / 365.25)
        return out


def implementation_cost(
    *, one_off: float = 0.0, running_per_year: float = 0.0, start: DateLike, end: DateLike | None = None
) -> ImplementationCost:
    """Lever: the cost of running a scenario, subtracted from its savings.

    Parameters
    ----------
    one_off : float
        Paid in the financial year of ``start`` [£].
    running_per_year : float
        Paid evenly from ``start`` to ``end`` [£/year].
    start : date
    end : date, optional
        Default: to the end of the projection; not before ``start``.

    Returns
    -------
    ImplementationCost

    Raises
    ------
    ValueError
        For a negative amount, a date that is not one, or an end before the
        start.
    """
    name = "implementation_cost"
    if end is not None and pd.Timestamp(check_date(end, name, "end")) < pd.Timestamp(check_date(start, name)):
        raise LeverError(
            f"{name}: end {pd.Timestamp(end).date()} is before start {pd.Timestamp(start).date()}",
            field="end",
            rule="end_before_start",
        )
    return ImplementationCost(
        one_off=check_amount(one_off, "one_off", name),
        running_per_year=check_amount(running_per_year, "running_per_year", name),
        start=check_date(start, name),
        end=None if end is None else check_date(end, name, "end"),
    )
