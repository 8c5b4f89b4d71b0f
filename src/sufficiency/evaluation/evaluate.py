"""Evaluate a service after it starts: a counterfactual forecast from the data at its start, against what happened.

The method is that of CausalImpact (Brodersen et al. 2015, *Annals of
Applied Statistics* 9: 247-274): forecast the outcome from the data before
the intervention, compare it with what happened, and judge the gap against
the forecast's own uncertainty. Here the forecast is the library's model of
care: fitted on the returns as the council held them at the start
(:func:`sufficiency.truncate`), projected from the actual stock at the start
with every path's entries, exits and moves kept, by stream, placement and
age. Unaccompanied children are their own stream, so a national surge of
arrivals shows in the ``uasc`` stream and not as a local effect on the
others.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from ..accuracy.backtest import truncate
from ..common.dates import DateLike, day
from ..common.errors import SchemaError
from ..finance.months import months_of
from ..finance.prices import Prices, as_prices
from ..ingest.returns import SSDA903Data
from ..ingest.taxonomy import coarse_map, ordered_categories
from ..projection.result import Projection
from ..projection.run import projection_dates, run_projection
from ..rates.entries import PANDEMIC_YEAR
from ..rates.fitted import FittedModel
from ..rates.fitting import fit
from ..scenarios.costing import demand_levers
from ..scenarios.scenario import Scenario
from ..scenarios.scoring import check_levers
from .observed import observed_events, with_streams
from .placebos import placebo_starts, placebo_table
from .result import Evaluation
from .series import SeriesKey, outcome_series
from .simulated import simulated_events
from .widening import Widening, default_widening

__all__ = [
    "EVALUATION_FIT",
    "MIN_HISTORY_YEARS",
    "POWER_MONTHS",
    "EvaluationWarning",
    "check_history",
    "counterfactual_evaluation",
    "evaluate",
    "options",
]

#: Settings of :func:`sufficiency.fit` an evaluation uses unless told otherwise: entries over the five years before
#: the start with a log-linear trend carried forward undamped but pulled towards no trend by a normal prior of
#: standard deviation 0.04 a year (:func:`sufficiency.rates.entries.shrink_to_prior`), with the pandemic's first
#: year (:data:`~sufficiency.rates.entries.PANDEMIC_YEAR`, when England's starts fell 8% and came back) left out of
#: the entries (``entry_skip``), where a forecast's default holds the last three years' rate flat. Three years of a
#: council's entries are hard to foresee: a trend fitted to five noisy years runs away, no trend misses a real one,
#: a year of national fall near the window's end passes for a local turn, and a band that must be wide to hold
#: what it claims hides an effect. So the setting is the one with the sharpest band for three years of entries
#: once calibrated (its simulated 90% band times the widening its pretend starts needed, in its worse world, over
#: the starts whose windows hold the pandemic year) on the learning councils of ``benchmarks/evaluation.py``
#: (worlds of rising and level entries), whose results file compares it with priors of 0.02 and 0.08, the trend as
#: fitted and the rates held flat, with and without the pandemic year, and judges it on held-out councils from
#: those worlds and from three kept out of the choice (falling entries, a step, level entries one child at a time),
#: beside a CausalImpact-style local level on the same councils' clean monthly counts. The same prior without
#: leaving the pandemic year out is half a point wider (24.1% against 23.6%), within the noise of ten councils.
EVALUATION_FIT: Mapping[str, Any] = MappingProxyType(
    {"entry_trend": True, "entry_years": 5.0, "trend_damping": 1.0, "trend_prior": 0.04, "entry_skip": (PANDEMIC_YEAR,)}
)

#: Years of returns needed before the start to fit the counterfactual.
MIN_HISTORY_YEARS = 2
#: Months after the start below which an evaluation warns that it has little power.
POWER_MONTHS = 6
_PROJECT_OPTIONS = ("parameter_uncertainty", "uasc_arrivals")


class EvaluationWarning(UserWarning):
    """An evaluation that can be run but should be read with care (too short to find an effect)."""


def evaluate(
    data: SSDA903Data,
    start: DateLike,
    *,
    end: DateLike | None = None,
    hypothesis: Scenario | None = None,
    n_sims: int = 1000,
    seed: int | None = None,
    prices: Prices | pd.DataFrame | None = None,
    fit_options: Mapping[str, Any] | None = None,
    project_options: Mapping[str, Any] | None = None,
    placebos: int = 6,
    widening: Widening | None = None,
) -> Evaluation:
    """Compare what happened after a service started with what the model says would have happened without it.

    Parameters
    ----------
    data : SSDA903Data
        The council's returns up to now (:func:`sufficiency.read_ssda903`).
    start : date
        The day the service started; the counterfactual is fitted on the
        returns as they stood at the end of that day and projected from the
        actual stock then.
    end : date, optional
        Last day evaluated (default the end of the data); the evaluation
        runs to the last month end on or before it.
    hypothesis : Scenario, optional
        The brief's levers (e.g. ``Scenario("edge of care",
        [change_entries(factor=0.75, start=...)])``): the same paths are
        projected under them, for the hypothesis's band and the Bayes factor.
        Levers that change only prices leave the paths as they are.
    n_sims : int
        Paths of the counterfactual (and of the hypothesis).
    seed : int, optional
        Seed; the same seed gives the same evaluation.
    prices : Prices or pandas.DataFrame, optional
        What :func:`sufficiency.cost` takes; adds the ``cost`` outcome:
        child-days in each category priced at the financial year's weekly
        price (route shares; fee variation is not drawn), the same prices
        for what happened and the counterfactual, so the gap is in volume
        and mix, not price.
    fit_options : mapping, optional
        Keyword arguments of :func:`sufficiency.fit` (default
        :data:`EVALUATION_FIT`: entries with the trend of the five years
        before the start, pulled towards no trend by a prior, the
        pandemic's first year left out; with the
        categories of the whole returns, so a category first used after the
        start is still counted).
    project_options : mapping, optional
        ``parameter_uncertainty`` and ``uasc_arrivals`` as for
        :func:`sufficiency.project`.
    placebos : int
        Pretend starts to run before the real one (each six months apart,
        each evaluated over a period that ends by the real start, with up to
        300 paths): their false-alarm rate is reported with the result
        (:meth:`Evaluation.false_alarms`). 0 for none.
    widening : Widening, optional
        Factors the bands are widened by (default the shipped factors, see
        :mod:`sufficiency.evaluation.widening`; ``Widening.none()`` keeps
        the simulated bands).

    Returns
    -------
    Evaluation

    Warns
    -----
    EvaluationWarning
        When fewer than six months follow the start: the warning gives the
        smallest change in entries the test could tell from chance.

    Raises
    ------
    SchemaError
        If the start is on or after the end of the data, or fewer than two
        years of returns come before it, or ``end`` is after the data or
        leaves no whole month after the start.
    ValueError
        For a start or end that is not a date, a negative number of
        placebos, unknown project options, a hypothesis that is not a
        scenario, or levers that do not fit the model.
    """
    if not isinstance(data, SSDA903Data):
        raise TypeError("evaluate needs the returns as read by sufficiency.read_ssda903 (an SSDA903Data)")
    if isinstance(placebos, bool) or not isinstance(placebos, (int, np.integer)) or placebos < 0:
        raise ValueError(f"placebos must be a whole number, 0 or more (got {placebos!r})")
    start_ts, end_ts = _check_period(data, start, end)
    fopts, popts = options(data, hypothesis, fit_options, project_options)
    widening = default_widening() if widening is None else widening
    fitted, result = counterfactual_evaluation(
        data,
        start_ts,
        end_ts,
        hypothesis,
        n_sims=n_sims,
        seed=seed,
        fit_options=fopts,
        project_options=popts,
        prices=prices,
        widening=widening,
    )
    notes = []
    if fitted.uasc is None:
        notes.append(
            "unaccompanied children are not a stream of their own (none flagged before the start, or fitted with "
            "uasc='together'): every child was projected together"
        )
    starts = placebo_starts(data.coverage_start, start_ts, result.months, count=placebos)
    table = pd.DataFrame()
    if placebos > 0 and not starts:
        notes.append("too little history before the start for a placebo (two years plus a period) to fit")
    elif starts:
        table = placebo_table(
            starts,
            lambda s, e: _placebo(data, s, e, min(n_sims, 300), seed, fopts, popts, prices, widening),
        )
    result = replace(result, placebos=table, notes=tuple(notes))
    if result.months < POWER_MONTHS:
        _warn_power(result)
    return result


def options(
    data: SSDA903Data,
    hypothesis: Scenario | None,
    fit_options: Mapping[str, Any] | None,
    project_options: Mapping[str, Any] | None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The counterfactual's ``fit`` and projection options, after checking them and the hypothesis.

    Parameters
    ----------
    data : SSDA903Data
        The returns (their placement categories are the model's, so a category first used after the start is
        still counted).
    hypothesis : Scenario or None
    fit_options : mapping or None
        ``fit`` settings (default :data:`EVALUATION_FIT`).
    project_options : mapping or None
        Only ``parameter_uncertainty`` and ``uasc_arrivals``.

    Returns
    -------
    fit_options, project_options : dict

    Raises
    ------
    ValueError
        For unknown project options or a hypothesis that is not a :class:`Scenario`.
    """
    popts = dict(project_options or {})
    unknown = sorted(set(popts) - set(_PROJECT_OPTIONS))
    if unknown:
        raise ValueError(f"project_options {unknown} are not used by an evaluation; use {list(_PROJECT_OPTIONS)}")
    if hypothesis is not None and not isinstance(hypothesis, Scenario):
        raise ValueError(f"hypothesis must be a Scenario (the brief's levers), not {type(hypothesis).__name__}")
    fopts: dict[str, Any] = {"categories": ordered_categories(data.episodes["placement"])}
    fopts.update(EVALUATION_FIT if fit_options is None else fit_options)
    return fopts, popts


def check_history(data: SSDA903Data, start: pd.Timestamp) -> None:
    """Refuse a start with fewer than :data:`MIN_HISTORY_YEARS` years of returns before it.

    Parameters
    ----------
    data : SSDA903Data
    start : pandas.Timestamp

    Raises
    ------
    SchemaError
        Naming the earliest start the returns allow.
    """
    first = data.coverage_start
    needed = first + pd.DateOffset(years=MIN_HISTORY_YEARS) - pd.Timedelta(days=1)
    if start < needed:
        raise SchemaError(
            f"start {start.date()} leaves less than {MIN_HISTORY_YEARS} years of returns before it (they begin "
            f"{first.date()}): the counterfactual needs {MIN_HISTORY_YEARS} years to fit; the earliest start is "
            f"{needed.date()}",
            file="<returns>",
            rule="too_little_history",
        )


def _check_period(data: SSDA903Data, start: DateLike, end: DateLike | None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The start and last day evaluated, refused when the returns cannot support them."""
    start_ts = day(start, "start")
    last = data.censor_date
    if start_ts >= last:
        raise SchemaError(
            f"start {start_ts.date()} is not before the end of the returns ({last.date()}): nothing after the start "
            "to evaluate",
            file="<returns>",
            rule="start_after_data",
        )
    check_history(data, start_ts)
    end_ts = last if end is None else day(end, "end")
    if end_ts > last:
        raise SchemaError(
            f"end {end_ts.date()} is after the end of the returns ({last.date()})",
            file="<returns>",
            rule="end_after_data",
        )
    last_month_end = end_ts if end_ts.is_month_end else end_ts - pd.offsets.MonthEnd(1)
    if last_month_end <= start_ts:
        raise SchemaError(
            f"end {end_ts.date()} leaves no whole month after the start {start_ts.date()}",
            file="<returns>",
            rule="no_month_after_start",
        )
    return start_ts, last_month_end


def counterfactual_evaluation(
    data: SSDA903Data,
    start: pd.Timestamp,
    end: pd.Timestamp,
    hypothesis: Scenario | None,
    *,
    n_sims: int,
    seed: int | None,
    fit_options: Mapping[str, Any],
    project_options: Mapping[str, Any],
    prices: Prices | pd.DataFrame | None,
    widening: Widening,
) -> tuple[FittedModel, Evaluation]:
    """The counterfactual from ``start`` to ``end`` and what the returns hold of that period, without placebos.

    Parameters
    ----------
    data : SSDA903Data
        The returns (the model is fitted on them as they stood at ``start``;
        what happened after it is counted from them, zero past their end).
    start, end : pandas.Timestamp
        The start and the last month end of the period.
    hypothesis : Scenario or None
        The brief's levers, projected paired with the counterfactual.
    n_sims : int
    seed : int or None
    fit_options, project_options : mapping
        As checked by :func:`options`.
    prices : Prices or pandas.DataFrame or None
        For the ``cost`` outcome.
    widening : Widening

    Returns
    -------
    fitted : FittedModel
        The counterfactual's model.
    evaluation : Evaluation
        With no placebos and no notes.
    """
    fitted, proj, hyp = _counterfactual(data, start, end, hypothesis, n_sims, seed, fit_options, project_options)
    price = None if prices is None else _monthly_price(prices, proj)
    keys, observed, simulated, hypothesised = _series(data, proj, hyp, price)
    evaluation = Evaluation(
        start=start,
        end=proj.dates[-1],
        dates=proj.dates,
        keys=keys,
        observed=observed,
        simulated=simulated,
        hypothesis=hypothesised,
        hypothesis_name=None if hypothesis is None else hypothesis.name,
        widening=widening,
        seed=seed,
    )
    return fitted, evaluation


def _counterfactual(
    data: SSDA903Data,
    start: pd.Timestamp,
    end: pd.Timestamp,
    hypothesis: Scenario | None,
    n_sims: int,
    seed: int | None,
    fit_options: Mapping[str, Any],
    project_options: Mapping[str, Any],
) -> tuple[FittedModel, Projection, Projection | None]:
    """Fit on the returns at ``start``; project to ``end`` with events, and under the hypothesis's levers."""
    fitted = fit(truncate(data, start), **fit_options)
    dates = projection_dates(fitted, start=start, end=end, horizon=None, n_sims=n_sims)
    proj = run_projection(fitted, dates, n_sims=n_sims, seed=seed, calibrate=False, events=True, **project_options)
    if hypothesis is None:
        return fitted, proj, None
    check_levers(hypothesis, fitted.categories, dates)
    levers = demand_levers(hypothesis.levers, fitted.categories, months_of(dates))
    if levers is None:
        return fitted, proj, proj
    hyp = run_projection(
        fitted, dates, n_sims=n_sims, seed=seed, calibrate=False, events=True, levers=levers, **project_options
    )
    return fitted, proj, hyp


def _monthly_price(prices: Prices | pd.DataFrame, proj: Projection) -> np.ndarray:
    """(month, category) weekly price of the projection's months, averaged over routes [£/week]."""
    pr = as_prices(prices).without_fees().resolve(proj.categories)
    months = months_of(proj.dates)
    weekly = pr.weekly(months.fy)[months.year]  # (M, C, R)
    return np.where(pr.shares[None] > 0, weekly * pr.shares[None], 0.0).sum(axis=2)


def _series(
    data: SSDA903Data, proj: Projection, hyp: Projection | None, price: np.ndarray | None
) -> tuple[tuple[SeriesKey, ...], np.ndarray, np.ndarray, np.ndarray | None]:
    """Observed and simulated series, stacked, with the moves no one made dropped."""
    coarse = coarse_map()
    sim = outcome_series(simulated_events(proj, price), coarse)
    streams = proj.events.streams if proj.events is not None else ("total",)
    episodes = with_streams(data.episodes, streams)
    obs = outcome_series(
        observed_events(episodes, proj.dates, streams=streams, categories=proj.categories, price=price), coarse
    )
    h = None if hyp is None else outcome_series(simulated_events(hyp, price), coarse)
    keys = tuple(
        k
        for k in sim
        if not (k[1] == "move" and obs[k].sum() == 0 and sim[k].sum() == 0 and (h is None or h[k].sum() == 0))
    )
    observed = np.stack([obs[k][0] for k in keys])
    simulated = np.stack([sim[k] for k in keys]).astype(np.float32)
    hypothesised = None if h is None else np.stack([h[k] for k in keys]).astype(np.float32)
    return keys, observed, simulated, hypothesised


def _placebo(
    data: SSDA903Data,
    start: pd.Timestamp,
    end: pd.Timestamp,
    n_sims: int,
    seed: int | None,
    fit_options: Mapping[str, Any],
    project_options: Mapping[str, Any],
    prices: Prices | pd.DataFrame | None,
    widening: Widening,
) -> pd.DataFrame:
    """The summary of an evaluation from a pretend start where nothing changed."""
    _, ev = counterfactual_evaluation(
        data,
        start,
        end,
        None,
        n_sims=n_sims,
        seed=seed,
        fit_options=fit_options,
        project_options=project_options,
        prices=prices,
        widening=widening,
    )
    return ev.summary(level=90)


def _warn_power(result: Evaluation) -> None:
    """Warn that a short evaluation has little power, giving the smallest change in entries it could find."""
    found = result.detectable()
    key = "other" if ((found["group"] == "stream") & (found["value"] == "other")).any() else "total"
    row = found[(found["outcome"] == "entries") & (found["value"] == key)].iloc[0]
    fall = f"a fall to {row['smallest_fall']:.0%} of them" if np.isfinite(row["smallest_fall"]) else "no fall"
    rise = f"a rise to {row['smallest_rise']:.0%}" if np.isfinite(row["smallest_rise"]) else "no rise"
    warnings.warn(
        f"only {result.months} month(s) follow the start {result.start.date()}: the test has little power; of the "
        f"{row['expected']:.0f} entries expected, it finds {fall} or {rise} four times in five, and a smaller change "
        "could not be told from chance (Evaluation.detectable)",
        EvaluationWarning,
        stacklevel=3,
    )
