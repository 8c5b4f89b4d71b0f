"""Fit a multi-state model of care: hazards between placement categories and
out of care by single-year age and band of time in care, and entry rates by
age and first placement.

Time in care matters: children leave far more often in their first months
of care than after a year (on the bundled sample about 0.9 exits per
child-year under 3 months against 0.3 after a year), so the hazards are
fitted by band of time since the period of care began (default bands:
under 3 months, 3 to 11 months, a year and over; ``time_in_care=(0,)``
turns the split off). Moves between placements keep the time in care.

Hazards are events ÷ exposure over a reference window, counted exactly from
the episodes (children age on their birthdays; a move on day *d* leaves the
state of day *d - 1*). Small cells are shrunk towards coarser cells with a
conjugate Gamma prior:

* a cell (category, time-in-care band, age, destination) gets the prior
  mean of its category, time-in-care band and DfE age band (under 1, 1-4,
  5-9, 10-15, 16-17) with a weight of ``prior_days`` child-days;
* the age-band rate itself is shrunk towards the all-age rate of the
  category and time-in-care band with a weight of ``2 * prior_days``.

So a cell with a year of exposure or more is driven by its own events, and
an empty cell takes the rate of its neighbours. The posterior
Gamma(events + k·prior, exposure + k) is what projections draw from, so
intervals carry parameter uncertainty.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import DateLike, day
from ..common.errors import DataQualityWarning, SchemaError
from ..counts.flows import flows
from ..counts.pieces import episodes_of
from ..ingest.returns import EpisodesLike
from .drift import UASC_LEVEL_DRIFT, drifts
from .entries import fit_entries
from .fit_checks import check_categories, check_durations, check_numbers, check_skip
from .fitted import FittedModel
from .hazards import count_hazards

__all__ = [
    "DEFAULT_ENTRY_YEARS",
    "DEFAULT_REFERENCE_YEARS",
    "DEFAULT_TIME_IN_CARE",
    "MAX_UNKNOWN_AGE_SHARE",
    "MIN_WINDOW_DAYS",
    "decay_weights",
    "default_reference",
    "fit",
]

#: Default bands of time in care the hazards are fitted by: lower bounds [months].
DEFAULT_TIME_IN_CARE = (0, 3, 12)
#: Shortest reference window :func:`fit` accepts [days].
MIN_WINDOW_DAYS = 28
#: Default length of the window entries are counted over, at the end of the reference window [years].
DEFAULT_ENTRY_YEARS = 3.0
#: Largest share of the children in care at the window's end that may lack a date of birth [fraction].
MAX_UNKNOWN_AGE_SHARE = 0.01
#: Default length of the reference window [years].
DEFAULT_REFERENCE_YEARS = 5.0


def default_reference(
    end: pd.Timestamp, *, years: float = DEFAULT_REFERENCE_YEARS
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The default reference window: the last ``years`` years of data.

    Parameters
    ----------
    end : pandas.Timestamp
        Last day of the data.
    years : float

    Returns
    -------
    tuple of pandas.Timestamp
    """
    start = end - pd.DateOffset(months=round(years * 12)) + pd.Timedelta(days=1)
    return pd.Timestamp(start), pd.Timestamp(end)


def fit(
    data: EpisodesLike,
    *,
    reference: tuple[DateLike, DateLike] | None = None,
    entry_years: float | None = DEFAULT_ENTRY_YEARS,
    categories: Sequence[str] | None = None,
    prior_days: float = 180.0,
    half_life: float | None = None,
    entry_trend: bool = False,
    trend_damping: float = 0.8,
    trend_prior: float | None = None,
    population: pd.Series | None = None,
    time_in_care: Sequence[int] | None = DEFAULT_TIME_IN_CARE,
    uasc: str = "separate",
    entry_skip: Sequence[tuple[DateLike, DateLike]] | None = None,
) -> FittedModel:
    """Fit hazards and entry rates over a reference window.

    The defaults were chosen by rolling-origin backtests one to five years
    ahead on synthetic councils with behaviour the model does not assume
    (spells of slow exits that recover, surges of unaccompanied children
    that end, steps and turns in entries): hazards over the last five years
    with every month weighed alike, so that a spell of unusually slow or
    fast exits does not set the rates for years to come; entries over the
    last three years without a trend, because a trend carried forward ran
    away at four and five years (``benchmarks/accuracy.py``).

    Parameters
    ----------
    data : SSDA903Data or pandas.DataFrame
        Canonical episodes.
    reference : (start, end), optional
        First and last day of the window. Default: the last five years of
        the data (see :func:`default_reference`); use
        :func:`sufficiency.choose_reference` to pick it by backtest. A
        window that begins before the first return is cut to begin with it
        (earlier entries and exits are not in the returns);
        :attr:`FittedModel.reference` holds the window used.
    entry_years : float or None
        Entries are counted over the last ``entry_years`` of the window
        [years]; ``None`` uses the whole window.
    categories : sequence of str, optional
        States; default every placement category seen in the data.
    prior_days : float
        Weight of the shrinkage prior [child-days] (see module notes).
    half_life : float or None
        Events and exposure of each month count with weight
        ``0.5 ** (months before the window's end / half_life)`` [months];
        default ``None`` weighs every month alike.
    entry_trend : bool
        Fit a log-linear trend to the entry window's monthly entries
        (quasi-Poisson GLM) and carry it forward, damped; default ``False``
        keeps the window's average rate.
    trend_damping : float
        Yearly damping factor of the trend, in (0, 1] (see
        :attr:`FittedModel.trend_damping`).
    trend_prior : float or None
        Standard deviation of a normal prior on the entry trend, centred on
        no trend [1/year] (with ``entry_trend=True``): the fitted trends are
        pulled towards none as far as their standard error is large against
        it (:func:`sufficiency.rates.entries.shrink_to_prior`), so a trend
        within the noise of a few years of entries is not carried forward
        in full. Default ``None`` takes the trend as fitted.
    population : pandas.Series, optional
        Child population indexed by date [children]; projected entries then
        scale with the population relative to its value at the window's end
        (interpolated between dates; the window's own rates are unchanged).
    time_in_care : sequence of int or None
        Lower bounds of the time-in-care bands to fit hazards by [months],
        chosen from the bounds of
        :data:`sufficiency.ages.TIME_IN_CARE_BANDS` (0, 3, 12, 24, 60);
        default ``(0, 3, 12)``. ``None`` or ``(0,)`` fits one band.
        Projections follow each child's months in care up to the last
        bound, so a later last bound costs projection time.
    uasc : {"separate", "together"}
        ``"separate"`` (default) fits unaccompanied asylum-seeking children
        (the returns flag them) apart, as :attr:`FittedModel.uasc`: their
        arrivals are set by national policy, not local demand, and they
        enter at 16-17 and leave at 18, so projections take their arrivals
        as an assumption (:func:`sufficiency.project`'s ``uasc_arrivals``)
        rather than a trend, and their entries are never trended (even with
        ``entry_trend=True``). ``"together"`` fits every child in one model.
    entry_skip : sequence of (date, date), optional
        Spans of time (first and last day) whose months are left out of the
        entries' rates and trend, as though they were not in the window: a
        month counts as in a span when its first day is. For example
        :data:`sufficiency.rates.entries.PANDEMIC_YEAR`, the year to March
        2021, when England's starts fell 8% and came back the next year.
        Default ``None`` keeps every month. Hazards use every month, and so
        does the spread of the entries' level from year to year
        (:attr:`FittedModel.entry_level_spread`), which is measured on
        consecutive whole years.

    Warns
    -----
    DataQualityWarning
        When some of the children in care at the window's end have no date
        of birth (at most ``MAX_UNKNOWN_AGE_SHARE`` of them): they are
        left out of the rates, which need ages, but still count in the
        stock a projection starts from, where each takes an age from the
        age mix of the children in its placement category with the same
        months in care (see :func:`sufficiency.projection.state.initial_state`).

    Returns
    -------
    FittedModel

    Raises
    ------
    SchemaError
        If there are no episodes, the window holds under
        ``MIN_WINDOW_DAYS`` days of data, nobody with a known date of
        birth was in care during it, or more than ``MAX_UNKNOWN_AGE_SHARE``
        of the children in care at its end have no date of birth.
    ValueError
        If the window ends after the data, ``time_in_care`` or ``uasc`` is
        not valid, ``entry_years`` is under a month, ``prior_days`` is
        negative or ``trend_damping`` is outside 0 to 1.
    """
    if uasc not in ("separate", "together"):
        raise ValueError(f"uasc={uasc!r}: use 'separate' or 'together'")
    if trend_prior is not None and not trend_prior > 0:
        raise ValueError(f"trend_prior={trend_prior!r}: give a positive standard deviation [1/year], or None")
    check_numbers(entry_years=entry_years, prior_days=prior_days, trend_damping=trend_damping)
    episodes, coverage_start, censor = episodes_of(data)
    if episodes.empty:
        raise SchemaError(
            "there are no episodes to fit: read returns that hold episodes of care",
            file="<episodes>",
            rule="no_episodes",
        )
    data_end = (
        pd.Timestamp(censor)
        if censor is not None
        else pd.Timestamp(max(episodes[S.EPISODE_START].max(), episodes[S.EPISODE_END].max()))
    )
    data_start = (
        pd.Timestamp(coverage_start) if coverage_start is not None else pd.Timestamp(episodes[S.EPISODE_START].min())
    )
    start, end = (
        default_reference(data_end)
        if reference is None
        else (day(reference[0], "reference start"), day(reference[1], "reference end"))
    )
    # before the first return only the children still in care at its start are visible
    start = max(start, data_start)
    if end > data_end:
        raise ValueError(f"reference window ends {end.date()} after the data ({data_end.date()})")
    if (end - start).days + 1 < MIN_WINDOW_DAYS:
        raise SchemaError(
            f"the reference window {start.date()} to {end.date()} covers {max((end - start).days + 1, 0)} days of "
            "data; "
            f"fitting needs at least {MIN_WINDOW_DAYS} days (the data run from {data_start.date()} to "
            f"{data_end.date()})",
            file="<episodes>",
            rule="too_little_data",
        )
    _check_dates_of_birth(episodes, end)
    skip = check_skip(entry_skip)
    entry_start = start if entry_years is None else max(start, default_reference(end, years=entry_years)[0])
    window = _Window(
        start=start,
        end=end,
        entry_start=entry_start,
        categories=check_categories(categories, episodes[S.PLACEMENT]),
        durations=check_durations(time_in_care),
        half_life=half_life,
        prior_days=float(prior_days),
        entry_trend=entry_trend,
        trend_damping=float(trend_damping),
        trend_prior=None if trend_prior is None else float(trend_prior),
        data_start=data_start,
        data_end=data_end,
        entry_skip=skip,
    )
    pop = None
    if population is not None:
        pop = population.copy()
        pop.index = pd.DatetimeIndex([day(d, "population date") for d in pop.index]).as_unit("ns")
        pop = pop.sort_index()
    is_uasc = (
        episodes[S.UASC].fillna(False).astype(bool).to_numpy()
        if uasc == "separate" and S.UASC in episodes.columns
        else np.zeros(len(episodes), dtype=bool)
    )
    settings = {
        "reference_years": DEFAULT_REFERENCE_YEARS
        if reference is None
        else round((end - day(reference[0], "reference start")).days / 365.25, 1),
        "entry_years": None if entry_years is None else float(entry_years),
        "half_life": None if half_life is None else float(half_life),
        "prior_days": float(prior_days),
        "entry_trend": bool(entry_trend),
        "trend_damping": float(trend_damping) if entry_trend else None,
        "trend_prior": float(trend_prior) if entry_trend and trend_prior is not None else None,
        "time_in_care": list(window.durations),
        "uasc": uasc,
        "population": population is not None,
        "entry_skip": [[str(a.date()), str(b.date())] for a, b in skip] or None,
    }
    if not is_uasc.any():
        return replace(_fit_window(episodes, window, pop, require=True), settings=settings)
    main = _fit_window(episodes[~is_uasc], window, pop, require=False)
    # arrivals of unaccompanied children are an assumption held flat, never a trend
    # ... and their level walks, at least as the country's arrivals did (see UASC_LEVEL_DRIFT)
    sub = _fit_window(episodes[is_uasc], replace(window, entry_trend=False, walk=True), None, require=False)
    if main.exposure.sum() <= 0 and sub.exposure.sum() <= 0:
        _fit_window(episodes, window, pop, require=True)  # raises the no-exposure error
    return replace(main, uasc=sub if sub.exposure.sum() > 0 or sub.entries.sum() > 0 else None, settings=settings)


def _check_dates_of_birth(episodes: pd.DataFrame, end: pd.Timestamp) -> None:
    """Refuse, or warn about, children in care at ``end`` with no date of birth (see :func:`fit`)."""
    active = (episodes[S.EPISODE_START] <= end) & (episodes[S.EPISODE_END].isna() | (episodes[S.EPISODE_END] > end))
    in_care = episodes.loc[active.to_numpy(), [S.CHILD_ID, S.DATE_OF_BIRTH]].drop_duplicates(S.CHILD_ID)
    unknown = int(in_care[S.DATE_OF_BIRTH].isna().sum())
    if unknown == 0:
        return
    share = unknown / len(in_care)
    said = f"{unknown} of the {len(in_care)} children in care on {end.date()} ({share:.1%}) have no date of birth"
    if share > MAX_UNKNOWN_AGE_SHARE:
        raise SchemaError(
            f"{said}, more than the {MAX_UNKNOWN_AGE_SHARE:.0%} a forecast can carry: ages decide ageing out at 18 "
            "and every rate; add the header files or the missing dates of birth",
            file="<episodes>",
            rule="missing_dob",
        )
    warnings.warn(
        f"<episodes>: {said}; they are left out of the rates and still counted in the stock, each with an age taken "
        "from the age mix of its placement category and months in care [missing_dob]",
        DataQualityWarning,
        stacklevel=3,
    )


@dataclass(frozen=True)
class _Window:
    """The settings of one fit, shared by its streams."""

    start: pd.Timestamp
    end: pd.Timestamp
    entry_start: pd.Timestamp
    categories: list[str]
    durations: tuple[int, ...]
    half_life: float | None
    prior_days: float
    entry_trend: bool
    trend_damping: float
    trend_prior: float | None
    data_start: pd.Timestamp
    data_end: pd.Timestamp
    #: The stream's level of entries walks (unaccompanied children's arrivals) rather than strays and comes back.
    walk: bool = False
    #: Spans whose months are left out of the entries (first day, last day).
    entry_skip: tuple[tuple[pd.Timestamp, pd.Timestamp], ...] = ()


def _fit_window(episodes: pd.DataFrame, w: _Window, population: pd.Series | None, *, require: bool) -> FittedModel:
    """Fit one stream's hazards and entries over the window."""
    cats, durations, start, end = w.categories, w.durations, w.start, w.end
    by = (S.PLACEMENT, S.AGE, S.TIME_IN_CARE) if len(durations) > 1 else (S.PLACEMENT, S.AGE)
    fl = flows(episodes, start=start, end=end, freq="MS", by=by)
    periods = pd.DatetimeIndex(sorted(fl.table[S.PERIOD_START].unique()))
    weight_of = decay_weights(periods, end, w.half_life)
    counts = count_hazards(
        fl,
        episodes,
        categories=cats,
        durations=durations,
        weight_of=weight_of,
        window=(start, end),
        prior_days=w.prior_days,
    )
    if require and counts.exposure.sum() <= 0:
        raise SchemaError(
            f"no child with a known date of birth was in care between {start.date()} and {end.date()}: there is "
            "nothing to fit rates from",
            file="<episodes>",
            rule="too_little_data",
        )
    entry_weight = weight_of.where(periods >= w.entry_start.to_period("M").to_timestamp(), 0.0)
    for first, last in w.entry_skip:
        entry_weight = entry_weight.where((periods < first) | (periods > last), 0.0)  # a month's first day
    if w.entry_skip and not (entry_weight > 0).any():
        raise ValueError(
            f"entry_skip leaves no month of the entry window {w.entry_start.date()} to {end.date()} to count entries in"
        )
    ent = fit_entries(
        fl,
        episodes,
        categories=cats,
        weight_of=entry_weight,
        window=(w.entry_start, end),
        with_trend=w.entry_trend,
        trend_prior=w.trend_prior,
    )
    entry_drift, level_spread, level_walk, hazard_drift = drifts(fl, cats, end, ent.dispersion)
    return FittedModel(
        categories=tuple(cats),
        reference=(start, end),
        durations=durations,
        exposure=counts.exposure,
        moves=counts.moves,
        exits=counts.exits,
        move_prior=counts.move_prior,
        exit_prior=counts.exit_prior,
        prior_days=w.prior_days,
        entries=ent.entries,
        entry_days=ent.entry_days,
        entry_trend=ent.trend,
        entry_trend_se=ent.trend_se,
        trend_damping=w.trend_damping,
        entry_time=ent.entry_time,
        entry_birthdays=ent.birthdays,
        entry_dispersion=ent.dispersion,
        entry_drift=entry_drift,
        # a council's own entries stray and come back; arrivals of unaccompanied children walk (see drift.py)
        entry_level_drift=max(level_walk, UASC_LEVEL_DRIFT) if w.walk else 0.0,
        entry_level_spread=0.0 if w.walk else level_spread,
        hazard_drift=hazard_drift,
        population=population,
        data_start=w.data_start,
        data_end=w.data_end,
        episodes=episodes,
        entry_window=(w.entry_start, end),
    )


def decay_weights(periods: pd.DatetimeIndex, end: pd.Timestamp, half_life: float | None) -> pd.Series:
    """Weight of each month of a window: ``0.5 ** (months before the end's month / half_life)``.

    Parameters
    ----------
    periods : pandas.DatetimeIndex
        First day of each month.
    end : pandas.Timestamp
        Last day of the window.
    half_life : float or None
        [months]; ``None`` weighs every month 1.

    Returns
    -------
    pandas.Series
        Indexed by ``periods``.
    """
    if half_life is None:
        return pd.Series(1.0, index=periods)
    months_back = (end.year - periods.year) * 12 + (end.month - periods.month)
    return pd.Series(0.5 ** (np.asarray(months_back, dtype=float) / half_life), index=periods)
