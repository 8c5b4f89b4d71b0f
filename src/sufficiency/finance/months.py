"""The months of a projection, the financial years they fall in, and the child-days in them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..common.dates import financial_year_label, financial_year_of

__all__ = ["DAYS_PER_WEEK", "Months", "monthly_child_days", "months_of"]

#: [days/week]
DAYS_PER_WEEK = 7.0


@dataclass(frozen=True)
class Months:
    """The months of a projection and the financial years they fall in.

    Attributes
    ----------
    ends : pandas.DatetimeIndex
        (M,) last day of each month.
    days : numpy.ndarray
        (M,) days in each month (the first may be partial) [days].
    year : numpy.ndarray
        (M,) index of the month's financial year in ``labels``.
    labels : tuple of str
        Financial years covered.
    fy : numpy.ndarray
        (F,) the years [year ending 31 March].
    """

    ends: pd.DatetimeIndex
    days: np.ndarray
    year: np.ndarray
    labels: tuple[str, ...]
    fy: np.ndarray

    @property
    def year_days(self) -> np.ndarray:
        """(F,) days of each financial year covered [days]."""
        return np.bincount(self.year, weights=self.days, minlength=len(self.labels)).astype(int)

    def to_years(self, monthly: np.ndarray, axis: int = 1) -> np.ndarray:
        """Sum a monthly array over the months of each financial year along ``axis``."""
        # the months run in order, so each year's months are one run, added up in one pass
        first = np.searchsorted(self.year, np.arange(len(self.labels)))
        return np.add.reduceat(np.asarray(monthly, dtype=np.float64), first, axis=axis)


def months_of(dates: pd.DatetimeIndex) -> Months:
    """The months of a projection's count dates (its start, then each month end) and their financial years."""
    ends = dates[1:]
    days = np.diff(dates.to_numpy("datetime64[D]").astype(np.int64)).astype(float)
    years = financial_year_of(ends)
    fy = np.unique(years)
    return Months(
        ends=ends, days=days, year=np.searchsorted(fy, years), labels=tuple(financial_year_label(y) for y in fy), fy=fy
    )


def monthly_child_days(stock: np.ndarray, months: Months) -> np.ndarray:
    """Child-days in each month from month-end stock (trapezoid rule).

    Parameters
    ----------
    stock : numpy.ndarray
        (simulation, date, ...) children in care at the start date and each
        month end [children].
    months : Months

    Returns
    -------
    numpy.ndarray
        (simulation, month, ...): ``(stock at the month's start + stock at
        its end) / 2 × days in the month`` [child-days].
    """
    shape = (1, -1) + (1,) * (stock.ndim - 2)
    return (stock[:, :-1] + stock[:, 1:]) / 2.0 * months.days.reshape(shape)
