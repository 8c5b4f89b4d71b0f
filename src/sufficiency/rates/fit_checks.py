"""The settings :func:`sufficiency.fit` takes, checked before any rate is fitted."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import pandas as pd

from ..common.ages import TIME_IN_CARE_BANDS
from ..common.dates import DateLike, day
from ..ingest.taxonomy import ordered_categories

__all__ = ["check_categories", "check_durations", "check_numbers", "check_skip"]


def check_durations(durations: Sequence[int] | None) -> tuple[int, ...]:
    """``time_in_care`` as band starts [months]: increasing from 0, each one of :data:`TIME_IN_CARE_BANDS`.

    Parameters
    ----------
    durations : sequence of int or None
        ``None`` for one band from 0.

    Returns
    -------
    tuple of int

    Raises
    ------
    ValueError
        For any other bands.
    """
    allowed = tuple(TIME_IN_CARE_BANDS.values())
    out = (0,) if durations is None else tuple(int(d) for d in durations)
    if not out or out[0] != 0 or any(b <= a for a, b in pairwise(out)) or not set(out) <= set(allowed):
        raise ValueError(
            f"time_in_care={durations!r}: give increasing band starts [months] beginning with 0, chosen from {allowed}"
        )
    return out


def check_categories(categories: Sequence[str] | None, placements: pd.Series) -> list[str]:
    """The states: every category the data place children in, in the taxonomy's order, or the ones given when they
    include them all (more may be given, for a category first used later).

    Parameters
    ----------
    categories : sequence of str or None
        The categories asked for; ``None`` for the data's.
    placements : pandas.Series
        The episodes' placement categories.

    Returns
    -------
    list of str

    Raises
    ------
    ValueError
        If the categories given leave out one the data use: its children would be dropped.
    """
    seen = ordered_categories(placements)
    if categories is None:
        return seen
    given = [str(c) for c in categories]
    missing = [c for c in seen if c not in given]
    if missing:
        raise ValueError(
            f"categories leaves out {', '.join(missing)}, which the data place children in (their children would "
            f"be dropped); give them all: {', '.join(seen)}"
        )
    return given


def check_numbers(*, entry_years: float | None, prior_days: float, trend_damping: float) -> None:
    """Refuse an entry window under a month, a negative prior weight or a damping outside 0 to 1.

    Parameters
    ----------
    entry_years : float or None
        [years]
    prior_days : float
        [child-days]
    trend_damping : float
        [1/year]

    Raises
    ------
    ValueError
        Naming the setting.
    """

    def number(value: object) -> float:
        ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
        return float(value) if ok and np.isfinite(float(value)) else float("nan")  # type: ignore[arg-type]

    if entry_years is not None and not number(entry_years) >= 1 / 12:
        raise ValueError(f"entry_years={entry_years!r}: give at least a month (1/12) [years], or None for the window")
    if not number(prior_days) >= 0:
        raise ValueError(f"prior_days={prior_days!r}: give a weight of 0 or more [child-days]")
    if not 0 <= number(trend_damping) <= 1:
        raise ValueError(f"trend_damping={trend_damping!r}: give a yearly damping from 0 to 1")


def check_skip(spans: Sequence[tuple[DateLike, DateLike]] | None) -> tuple[tuple[pd.Timestamp, pd.Timestamp], ...]:
    """``entry_skip`` as pairs of days, each a first day on or before its last (see :func:`~sufficiency.fit`).

    Parameters
    ----------
    spans : sequence of (date, date) or None

    Returns
    -------
    tuple of (pandas.Timestamp, pandas.Timestamp)

    Raises
    ------
    ValueError
        For a span that is not such a pair.
    """
    out = []
    for span in spans or ():
        try:
            first, last = (day(d, "entry_skip day") for d in span)
        except (TypeError, ValueError) as error:
            raise ValueError(f"entry_skip: {span!r} is not a (first day, last day) pair of dates") from error
        if pd.isna(first) or pd.isna(last) or last < first:
            raise ValueError(f"entry_skip: {span!r} must give a first day on or before its last")
        out.append((first, last))
    return tuple(out)
