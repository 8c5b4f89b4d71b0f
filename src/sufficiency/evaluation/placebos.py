"""In-time placebos: pretend starts before the real one, where the service cannot have done anything.

Each placebo is evaluated exactly as the real start is, over a period that
ends by the real start. Its outcomes fall outside their 90% band about one
time in ten if the bands are honest; more often means the counterfactual is
too sure of itself for this council, and the real result should be read
with that false-alarm rate beside it.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

__all__ = ["PLACEBO_STEP_MONTHS", "placebo_starts", "placebo_table"]

#: Months between pretend starts.
PLACEBO_STEP_MONTHS = 6
#: Shortest placebo period [months].
_SHORTEST = 6


def placebo_starts(
    coverage_start: pd.Timestamp, start: pd.Timestamp, months: int, *, count: int, history_years: int = 2
) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Pretend starts and the end of each one's period, latest first.

    Parameters
    ----------
    coverage_start : pandas.Timestamp
        First day of the returns.
    start : pandas.Timestamp
        The real start.
    months : int
        Months the real evaluation covers; a placebo covers as many, or as
        many as fit between ``history_years`` after the returns begin and the
        real start (at least six).
    count : int
        Most placebos.
    history_years : int
        Years of returns each placebo needs before its start.

    Returns
    -------
    list of (start, end)
        Starts every six months back from the latest that fits.
    """
    if count <= 0:
        return []
    earliest = coverage_start + pd.DateOffset(years=history_years) - pd.Timedelta(days=1)
    room = (start.year - earliest.year) * 12 + start.month - earliest.month
    length = min(months, room)
    if length < _SHORTEST:
        return []
    out: list[tuple[pd.Timestamp, pd.Timestamp]] = []
    k = 0
    while len(out) < count:
        s = start - pd.DateOffset(months=length + PLACEBO_STEP_MONTHS * k)
        if s < earliest:
            break
        end = s + pd.DateOffset(months=length)
        end = min(end if end.is_month_end else end - pd.offsets.MonthEnd(1), start)
        out.append((pd.Timestamp(s), pd.Timestamp(end)))
        k += 1
    return out


def placebo_table(
    starts: list[tuple[pd.Timestamp, pd.Timestamp]],
    summarise: Callable[[pd.Timestamp, pd.Timestamp], pd.DataFrame],
) -> pd.DataFrame:
    """Run each placebo and mark its false alarms.

    Parameters
    ----------
    starts : list of (start, end)
    summarise : callable
        ``summarise(start, end)`` gives the placebo's
        :meth:`~sufficiency.evaluation.Evaluation.summary` at 90%.

    Returns
    -------
    pandas.DataFrame
        ``placebo_start``, ``placebo_end``, ``outcome``, ``group``,
        ``value``, ``observed``, ``expected``, ``lower_90``, ``upper_90``,
        ``p_value``, ``false_alarm`` (outside the 90% band).
    """
    parts = []
    for s, e in starts:
        summary = summarise(s, e)
        part = summary[["outcome", "group", "value", "observed", "expected", "lower_90", "upper_90", "p_value"]].copy()
        part.insert(0, "placebo_end", e)
        part.insert(0, "placebo_start", s)
        part["false_alarm"] = (part["observed"] < part["lower_90"]) | (part["observed"] > part["upper_90"])
        parts.append(part)
    return pd.concat(parts, ignore_index=True)
