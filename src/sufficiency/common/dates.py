"""Dates and ages: parsing SSDA903 dates, ages at dates, birthdays, year labels.

Year convention: a collection, reporting or financial year is named by the
calendar year of the 31 March it ends on, so ``2016``, ``"2015-16"``,
``"2015/16"`` and the DfE's ``"201516"`` all name the year from 1 April 2015
to 31 March 2016.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TypeAlias

import numpy as np
import pandas as pd

__all__ = [
    "DATE_YEARS",
    "DateLike",
    "age_at",
    "birthday",
    "collection_year_start",
    "day",
    "day_of",
    "financial_year_days",
    "financial_year_label",
    "financial_year_of",
    "march_31",
    "parse_dates",
    "times_of_day",
    "year_ending_march",
]

#: A date as users give one: ``"2025-03-31"``, a :class:`datetime.date`, a :class:`pandas.Timestamp` or numpy date.
DateLike: TypeAlias = str | date | pd.Timestamp | np.datetime64

_TIME = r"(?:[ T](?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?"
_DMY = r"^(?P<d>\d{1,2})[/\-.](?P<m>\d{1,2})[/\-.](?P<y>\d{4})" + _TIME + "$"
_YMD = r"^(?P<y>\d{4})[/\-](?P<m>\d{1,2})[/\-](?P<d>\d{1,2})" + _TIME + "$"
_MIDNIGHT = r"^0{1,2}:00(?::00(?:\.0+)?)?$"
_DMY_RE, _YMD_RE, _MIDNIGHT_RE = re.compile(_DMY), re.compile(_YMD), re.compile(_MIDNIGHT)
#: Years a date may fall in; outside them a date is not a plausible SSDA903 date (and beyond what pandas holds).
DATE_YEARS = (1900, 2100)


def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse SSDA903 dates.

    Accepts ``dd/mm/yyyy`` (also with ``-`` or ``.``, and one-digit day or
    month) and ISO ``yyyy-mm-dd``, either optionally followed by a time of
    day (as Excel and databases write it), which is dropped: a date-time is
    its date (see :func:`times_of_day` to count them). Two-digit years,
    impossible dates and years outside :data:`DATE_YEARS` are invalid: the
    day and month are never guessed.

    Parameters
    ----------
    values : pandas.Series
        Text values; blanks (``""``) are missing, not invalid.

    Returns
    -------
    dates : pandas.Series
        ``datetime64[ns]``, ``NaT`` for blank or invalid values.
    invalid : pandas.Series
        ``True`` where a non-blank value could not be parsed.
    """
    codes, uniques = pd.factorize(values.astype(str), use_na_sentinel=False)
    dates, invalid, _ = _parse_distinct(pd.Series(np.asarray(uniques, dtype=object), dtype=object))
    return (
        pd.Series(dates[codes], index=values.index, dtype="datetime64[ns]"),
        pd.Series(invalid[codes], index=values.index, dtype=bool),
    )


def day_of(value: object) -> pd.Timestamp | None:
    """One date as a user gives it: a date, or text written the way the returns write dates.

    Parameters
    ----------
    value : object
        A :class:`datetime.date`, :class:`pandas.Timestamp`, numpy date, or
        text read as :func:`parse_dates` reads it (``31/03/2022`` or
        ``2022-03-31``; never a guessed day or month).

    Returns
    -------
    pandas.Timestamp or None
        The day (time of day dropped); ``None`` when ``value`` is not a date
        (a number, blank, impossible or unreadable text, a missing date).
    """
    if isinstance(value, (pd.Timestamp, date, np.datetime64)):
        return None if pd.isna(value) else pd.Timestamp(value).normalize()
    if isinstance(value, str):
        parsed, invalid = parse_dates(pd.Series([value.strip()]))
        if not invalid.iloc[0] and pd.notna(parsed.iloc[0]):
            return pd.Timestamp(parsed.iloc[0])
    return None


def day(value: DateLike, name: str) -> pd.Timestamp:
    """A date given as a date, or as text the way the returns write dates (``2022-03-31`` or ``31/03/2022``).

    Parameters
    ----------
    value : date or str
    name : str
        What the date is, for the error message.

    Returns
    -------
    pandas.Timestamp

    Raises
    ------
    ValueError
        If ``value`` is not a date.
    """
    found = day_of(value)
    if found is None:
        raise ValueError(f"{name} {value!r} is not a date: write it as 2022-03-31 or 31/03/2022")
    return found


def times_of_day(values: pd.Series) -> pd.Series:
    """Whether each value is a date with a time of day other than midnight (which :func:`parse_dates` drops).

    Parameters
    ----------
    values : pandas.Series
        Text values.

    Returns
    -------
    pandas.Series
        ``bool``, aligned with ``values``.
    """
    codes, uniques = pd.factorize(values.astype(str), use_na_sentinel=False)
    _, _, timed = _parse_distinct(pd.Series(np.asarray(uniques, dtype=object), dtype=object))
    return pd.Series(timed[codes], index=values.index, dtype=bool)


def _parse_distinct(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dates, invalid flags and time-of-day flags of distinct text values, one value at a time.

    A plain loop: the distinct values of a return's date column are a few thousand at most, and pandas' string
    methods cost more to set up than the loop takes.
    """
    n = len(values)
    days = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    invalid = np.zeros(n, dtype=bool)
    timed = np.zeros(n, dtype=bool)
    for i, value in enumerate(values):
        text = str(value).strip()
        found = _DMY_RE.search(text) or _YMD_RE.search(text)
        if found is not None and found["y"].isascii() and DATE_YEARS[0] <= int(found["y"]) <= DATE_YEARS[1]:
            try:
                days[i] = np.datetime64(date(int(found["y"]), int(found["m"]), int(found["d"])), "D")
            except ValueError:
                found = None  # an impossible date: 31/02, month 13
            else:
                time = found["time"] or ""
                timed[i] = time != "" and _MIDNIGHT_RE.search(time) is None
                continue
        invalid[i] = text != "" and text.lower() != "nan"
    return days.astype("datetime64[ns]"), invalid, timed


def age_at(dob: pd.Series | np.ndarray, when: pd.Series | np.ndarray | pd.Timestamp) -> np.ndarray:
    """Completed years of age at a date.

    A child born on 29 February reaches each new age on 1 March in common
    years. A child whose birthday falls on ``when`` already has the new age.

    Parameters
    ----------
    dob : array-like of datetime64
        Dates of birth.
    when : array-like of datetime64 or Timestamp
        Dates at which to measure age.

    Returns
    -------
    numpy.ndarray
        Age [years] as float (``nan`` where either date is missing).
    """
    dob = pd.DatetimeIndex(np.asarray(dob, dtype="datetime64[ns]"))
    if isinstance(when, pd.Timestamp):
        when_idx = pd.DatetimeIndex(np.full(len(dob), when.to_datetime64()))
    else:
        when_idx = pd.DatetimeIndex(np.asarray(when, dtype="datetime64[ns]"))
    wm, wd, dm, dd = (np.asarray(x, dtype=float) for x in (when_idx.month, when_idx.day, dob.month, dob.day))
    before = (wm < dm) | ((wm == dm) & (wd < dd))
    age = np.asarray(when_idx.year, dtype=float) - np.asarray(dob.year, dtype=float) - before
    age[np.asarray(dob.isna()) | np.asarray(when_idx.isna())] = np.nan
    return age


def birthday(dob: pd.Series | np.ndarray, years: int | np.ndarray) -> np.ndarray:
    """Date on which a child reaches an age.

    Parameters
    ----------
    dob : array-like of datetime64
        Dates of birth.
    years : int or array of int
        Age to reach [years].

    Returns
    -------
    numpy.ndarray of datetime64[ns]
        The first day on which :func:`age_at` gives ``years`` (29 February
        births reach it on 1 March in common years).
    """
    dob = pd.DatetimeIndex(np.asarray(dob, dtype="datetime64[ns]"))
    target_year = np.asarray(dob.year + np.asarray(years), dtype=float)
    month = np.asarray(dob.month, dtype=float)
    day = np.asarray(dob.day, dtype=float)
    leap = (target_year % 4 == 0) & ((target_year % 100 != 0) | (target_year % 400 == 0))
    feb29 = (month == 2) & (day == 29) & ~leap
    month = np.where(feb29, 3, month)
    day = np.where(feb29, 1, day)
    missing = np.isnan(target_year)
    # the year's first month, plus the months, plus the days: numpy's calendar, with no frame of parts to assemble
    years_since = np.where(missing, 30, target_year).astype(np.int64) - 1970
    months = years_since.astype("datetime64[Y]").astype("datetime64[M]") + (
        np.where(missing, 1, month).astype(np.int64) - 1
    ).astype("timedelta64[M]")
    days = months.astype("datetime64[D]") + (np.where(missing, 1, day).astype(np.int64) - 1).astype("timedelta64[D]")
    out = days.astype("datetime64[ns]")
    out[missing] = np.datetime64("NaT")
    return out


_YEAR_LABEL = re.compile(r"((?:19|20)\d{2})(?:\s*[-_/ ]\s*((?:19|20)?\d{2})|(\d{2}))?")


def year_ending_march(label: object) -> int | None:
    """The year a label names, as the calendar year of the 31 March it ends on.

    Parameters
    ----------
    label : int, float or str
        ``2016`` or ``"2016"`` (a single year names the 31 March it ends
        on), ``"2015-16"``, ``"2015/16"``, ``"2015_16"``, ``"2015-2016"``, or
        the DfE's six-digit ``"201516"``.

    Returns
    -------
    int or None
        ``2016`` for every example above; ``None`` when the label is not a
        year or its two years are not consecutive (``"2015-17"``).
    """
    if isinstance(label, (int, np.integer)) and not isinstance(label, bool):
        return int(label) if 1900 <= int(label) <= 2099 else None
    if isinstance(label, (float, np.floating)):
        return int(label) if float(label).is_integer() and 1900 <= label <= 2099 else None
    match = _YEAR_LABEL.fullmatch(str(label).strip())
    if match is None:
        return None
    first, second = int(match.group(1)), match.group(2) or match.group(3)
    if second is None:
        return first
    if int(second) % 100 != (first + 1) % 100 or (len(second) == 4 and int(second) != first + 1):
        return None
    return first + 1


def financial_year_label(year: int) -> str:
    """Label of the year ending 31 March ``year``: ``2025`` gives ``"2024-25"``.

    Parameters
    ----------
    year : int
        Year ending 31 March.

    Returns
    -------
    str
    """
    return f"{int(year) - 1}-{int(year) % 100:02d}"


def financial_year_of(dates: pd.DatetimeIndex | pd.Series) -> np.ndarray:
    """The financial year (April to March) each date falls in [year ending 31 March].

    Parameters
    ----------
    dates : pandas.DatetimeIndex or Series

    Returns
    -------
    numpy.ndarray of int
    """
    index = pd.DatetimeIndex(dates)
    return np.asarray(index.year + (index.month >= 4), dtype=int)


def financial_year_days(year: int | str) -> int:
    """Days of a financial year (366 when it holds 29 February).

    Parameters
    ----------
    year : int or str
        The year ending 31 March, or its label (``"2023-24"``).

    Returns
    -------
    int
        [days]
    """
    end = year_ending_march(year)
    if end is None:
        raise ValueError(f"{year!r} is not a financial year")
    return (pd.Timestamp(year=end, month=4, day=1) - pd.Timestamp(year=end - 1, month=4, day=1)).days


def march_31(year: int) -> pd.Timestamp:
    """31 March of ``year``: the last day of collection year ``year``."""
    return pd.Timestamp(year=year, month=3, day=31)


def collection_year_start(year: int) -> pd.Timestamp:
    """1 April of ``year - 1``: the first day of collection year ``year``."""
    return pd.Timestamp(year=year - 1, month=4, day=1)
