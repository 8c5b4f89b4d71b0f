"""Arrivals of unaccompanied asylum-seeking children: a planning assumption, not a trend."""

from __future__ import annotations

from dataclasses import replace

from ..rates.fitted import FittedModel

__all__ = ["NTS_SHARE", "uasc_quota_arrivals", "with_arrivals"]


def with_arrivals(fitted: FittedModel, per_year: float) -> FittedModel:
    """The model with its entries scaled to ``per_year`` arrivals [children/year], their mix by age and placement kept.

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
        For a negative number, or arrivals asked of a model that has seen
        no entries (there is no age and placement mix to give them).
    """
    if per_year < 0:
        raise ValueError(f"arrivals must be 0 or more a year, not {per_year}")
    now = fitted.entry_rates.sum() * 365.25
    if now <= 0:
        if per_year == 0:
            return fitted
        raise ValueError(
            "no unaccompanied child entered care in the entry window, so there is no mix of ages and placements to "
            "give arrivals"
        )
    return replace(fitted, entries=fitted.entries * (per_year / now))


#: Share of a council's child population the National Transfer Scheme asks it to look after as unaccompanied children.
NTS_SHARE = 0.001


def uasc_quota_arrivals(fitted: FittedModel, child_population: float, *, share: float = NTS_SHARE) -> float:
    """Yearly arrivals of unaccompanied children that hold their number in care at the National Transfer Scheme's share.

    The scheme asks each council to look after up to 0.1% of its child
    population as unaccompanied asylum-seeking children. In a steady state
    the number in care is arrivals times the mean time in care (Little's
    law), so the arrivals are ``share * child_population`` divided by the
    unaccompanied children's mean time in care in the fitted window (their
    mean number in care ÷ their rate of entry; with a weighted window the
    weights are ignored).

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
        entered in the window.
    """
    sub = fitted.uasc
    if sub is None or sub.entries.sum() <= 0:
        raise ValueError(
            "the model has no unaccompanied children fitted apart with entries in the window: fit with "
            "uasc='separate' on returns that flag them"
        )
    window_days = (sub.reference[1] - sub.reference[0]).days + 1
    mean_in_care = sub.exposure.sum() / window_days  # children in care, on average over the window
    years_in_care = mean_in_care / (sub.entries.sum() / sub.entry_days) / 365.25
    return float(share * child_population / years_in_care)
