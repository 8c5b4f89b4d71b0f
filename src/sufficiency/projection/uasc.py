"""Arrivals of unaccompanied asylum-seeking children: a planning assumption, not a trend."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.ages import AGES
from ..common.dates import age_at
from ..rates.fitted import FittedModel

__all__ = ["NTS_SHARE", "uasc_quota_arrivals", "with_arrivals"]


def with_arrivals(fitted: FittedModel, per_year: float) -> FittedModel:
    """The model with its entries scaled to ``per_year`` arrivals [children/year], their mix by age and placement kept.

    When no child of the stream entered in the entry window (children are in
    care but none arrived lately), the arrivals take the mix of ages at
    entry and first placements of every entry the data hold for the stream.

    Parameters
    ----------
    fitted : FittedModel
    per_year : float
        [children/year], 0 or more.

    Returns
    -------
    FittedModel

    Raises
    ------
    ValueError
        For a negative number, or arrivals asked of a stream whose data hold
        no entry with a known age in a modelled placement (there is no mix
        of ages and placements to give them).
    """
    if per_year < 0:
        raise ValueError(f"arrivals must be 0 or more a year, not {per_year}")
    now = fitted.entries.sum() / fitted.entry_days * 365.25
    if now > 0:
        return replace(fitted, entries=fitted.entries * (per_year / now))
    if per_year == 0:
        return fitted
    mix = _entry_mix(fitted)
    if mix.sum() <= 0:
        raise ValueError(
            "no unaccompanied child's entry to care (with a known age, in a modelled placement) is in the data, so "
            "there is no mix of ages and placements to give arrivals"
        )
    return replace(fitted, entries=mix / mix.sum() * per_year * fitted.entry_days / 365.25)


def _entry_mix(fitted: FittedModel) -> np.ndarray:
    """(age, category) entries to care of the stream over all its data [children]."""
    ep = fitted.episodes
    ent = ep[ep[S.IS_ENTRY].to_numpy(bool)]
    age = age_at(ent[S.DATE_OF_BIRTH].to_numpy(), ent[S.EPISODE_START].to_numpy())
    cat = ent[S.PLACEMENT].map({c: i for i, c in enumerate(fitted.categories)}).to_numpy(dtype=float)
    ok = ~np.isnan(age) & (age >= 0) & (age < len(AGES)) & ~np.isnan(cat)
    mix = np.zeros_like(fitted.entries, dtype=float)
    np.add.at(mix, (age[ok].astype(int), cat[ok].astype(int)), 1.0)
    return mix


#: Share of a council's child population the National Transfer Scheme asks it to look after as unaccompanied children.
NTS_SHARE = 0.001


def uasc_quota_arrivals(fitted: FittedModel, child_population: float, *, share: float = NTS_SHARE) -> float:
    """Yearly arrivals of unaccompanied children that hold their number in care at the National Transfer Scheme's share.

    The scheme asks each council to look after up to 0.1% of its child
    population as unaccompanied children. In a steady state the number in
    care is arrivals times the mean time in care (Little's law), so the
    arrivals are ``share * child_population`` divided by the unaccompanied
    children's mean time in care. That time is measured over one window,
    the entry window (``fitted.entry_window``): their child-days in care in
    the window ÷ the window's days [children, on average] over their
    entries to care in the window ÷ its length [children/year]. Every day
    and every entry in the window counts alike, whatever the fit's
    ``half_life``.

    Parameters
    ----------
    fitted : FittedModel
        A model with unaccompanied children fitted apart (``fitted.uasc``).
    child_population : float
        The council's population aged 0-17 [children].
    share : float
        [fraction]; default 0.1%.

    Returns
    -------
    float
        [children/year]; pass it as ``project(..., uasc_arrivals=...)``.

    Raises
    ------
    ValueError
        If the model has no unaccompanied children fitted apart, or none
        entered in the window (their time in care cannot be measured).
    """
    sub = fitted.uasc
    window = sub.entry_window if sub is not None else None
    if sub is None or window is None:
        raise ValueError(
            "the model has no unaccompanied children fitted apart: fit with uasc='separate' on returns that flag them"
        )
    start, end = window
    days = (end - start).days + 1
    in_care, entered = _days_and_entries(sub.episodes, start, end, sub.data_end)
    if entered == 0:
        raise ValueError(
            f"no unaccompanied child entered care between {start.date()} and {end.date()}: their mean time in care "
            "cannot be measured; give project(..., uasc_arrivals=...) as an assumption"
        )
    mean_in_care = in_care / days  # [children]
    per_year = entered / (days / 365.25)  # [children/year]
    return float(share * child_population * per_year / mean_in_care)


def _days_and_entries(
    episodes: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, data_end: pd.Timestamp
) -> tuple[float, int]:
    """Child-days in care from ``start`` to ``end`` (both counted) [child-days], and entries then [children]."""
    first = episodes[S.EPISODE_START].to_numpy("datetime64[ns]")
    last = episodes[S.EPISODE_END].fillna(data_end + pd.Timedelta(days=1)).to_numpy("datetime64[ns]")
    lo = np.maximum(first, np.datetime64(start, "ns"))
    hi = np.minimum(last, np.datetime64(end + pd.Timedelta(days=1), "ns"))
    days = np.clip((hi - lo) / np.timedelta64(1, "D"), 0, None).sum()
    began = (first >= np.datetime64(start, "ns")) & (first <= np.datetime64(end, "ns"))
    entries = int((episodes[S.IS_ENTRY].to_numpy(bool) & began).sum())
    return float(days), entries
