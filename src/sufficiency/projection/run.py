"""Project children in care: expected path by matrix steps, Monte Carlo paths.

Each month (``MONTH_DAYS`` days) the children in each (category, time in
care, age) state move between categories or leave care with probabilities
``P = expm(Q · month)`` from the fitted generator ``Q``, so competing risks
are handled exactly. New entries arrive as Poisson counts by (age, first
placement) and face half a month of hazards before the month's count.
Every child carries a birthday slot (the month of the year of its birthday:
known for the children in care at the start, drawn for new entrants from
the window's months-to-next-birthday by age at entry), so children age
exactly once every twelve steps and leave care in the month of their 18th
birthday. Every child also carries its whole months in care, up to the last
time-in-care band's lower bound, so its hazards are those of its band (a
month that crosses a band's edge uses half a month of each); moves keep the
time in care.

The Monte Carlo paths (:mod:`~sufficiency.projection.paths`) draw rates from
their posterior, and the unaccompanied children fitted apart are projected
as their own stream (:mod:`~sufficiency.projection.uasc`) and added. The
corrections learned from backtests are then applied
(:mod:`~sufficiency.projection.calibration`): each category's mean is
blended towards no change and every group's band is stretched, by horizon.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..common.dates import DateLike, day
from ..rates.fitted import FittedModel
from .calibration import HorizonCalibration, check_settings, default_calibration
from .calibration import calibrate as calibrate_paths
from .levers import DemandLevers
from .paths import StreamDraws, draw_stream, run_stream
from .result import PathEvents, Projection
from .uasc import with_arrivals

__all__ = ["MAX_HORIZON_MONTHS", "RunDraws", "draw_run", "project", "projection_dates", "run_projection"]

#: Longest projection [months]: every child in care at the start has left care by 18, so twenty years is past the
#: stay of any child counted today; longer runs only hold memory (paths × months × categories × ages).
MAX_HORIZON_MONTHS = 240


def _month_ends(start: pd.Timestamp, end: pd.Timestamp | None, horizon: int | None) -> pd.DatetimeIndex:
    """The start date, then each month end up to ``end`` or ``horizon`` months after the start's month end."""
    if end is None:
        end = start + pd.offsets.MonthEnd(0) + pd.offsets.MonthEnd(60 if horizon is None else int(horizon))
    months = pd.date_range(start + pd.Timedelta(days=1), pd.Timestamp(end), freq="ME")
    return pd.DatetimeIndex([start]).append(months)


def project(
    fitted: FittedModel,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    horizon: int | None = None,
    n_sims: int = 1000,
    seed: int | None = None,
    parameter_uncertainty: bool = True,
    uasc_arrivals: float | None = None,
    calibrate: bool | HorizonCalibration = True,
) -> Projection:
    """Project the stock month by month from the actual stock at ``start``.

    Parameters
    ----------
    fitted : FittedModel
    start : date, optional
        Start date (stock counted at the end of that day); default the end
        of the data.
    end : date, optional
        Last month end to project to.
    horizon : int, optional
        Months to project when ``end`` is not given (default 60).
    n_sims : int
        Monte Carlo paths.
    seed : int, optional
        Seed for the random generator; the same seed gives the same paths.
    parameter_uncertainty : bool
        Draw rates from their posterior (default): up to 200 draws per
        projection, shared by the paths in turn (see
        :mod:`~sufficiency.projection.paths`). ``False``
        keeps the posterior means, leaving only process noise.
    uasc_arrivals : float, optional
        Arrivals of unaccompanied asylum-seeking children when they were
        fitted apart [children/year], with the fitted mix of ages and
        placements: a planning assumption (e.g. a surge to come, or the
        National Transfer Scheme's share: see
        :func:`sufficiency.uasc_quota_arrivals`). Default: the rate of the
        entry window, held flat, so a surge in the window does not become a
        trend.
    calibrate : bool or HorizonCalibration
        Apply the corrections learned from backtests (default; see
        :mod:`sufficiency.projection.calibration`): each category's mean
        moves towards its count at the start by a weight that grows with the
        horizon, and the paths of the total, placement groups, categories,
        age bands and the unaccompanied children's stream are stretched
        about their means so that their bands hold about as often as they
        say. ``False`` keeps the paths as simulated.

    Warns
    -----
    CalibrationWarning
        When the model was fitted with settings other than those the
        calibration was learned for (the factors are still applied).

    Returns
    -------
    Projection

    Raises
    ------
    ValueError
        If ``start`` is outside the data (the stock is not known then),
        ``end`` is before ``start``, ``horizon`` is negative, the run is
        longer than :data:`MAX_HORIZON_MONTHS`, ``n_sims`` is below 1,
        ``seed`` is negative, or ``uasc_arrivals`` is given to a model
        without a stream of unaccompanied children.
    """
    dates = projection_dates(fitted, start=start, end=end, horizon=horizon, n_sims=n_sims)
    return run_projection(
        fitted,
        dates,
        n_sims=n_sims,
        seed=seed,
        parameter_uncertainty=parameter_uncertainty,
        uasc_arrivals=uasc_arrivals,
        calibrate=calibrate,
    )


def run_projection(
    fitted: FittedModel,
    dates: pd.DatetimeIndex,
    *,
    n_sims: int,
    seed: int | None,
    parameter_uncertainty: bool = True,
    levers: DemandLevers | None = None,
    uasc_arrivals: float | None = None,
    calibrate: bool | HorizonCalibration = True,
    reference: Projection | None = None,
    events: bool = False,
    streams: bool = True,
    expected: bool = True,
    ages: bool = True,
    drawn: RunDraws | None = None,
) -> Projection:
    """Project over ``dates`` (from :func:`projection_dates`), optionally with a scenario's levers.

    With the same ``fitted``, ``dates``, ``n_sims`` and ``seed``, every
    random number is drawn as for the baseline, and paths with levers are
    identical to the baseline's until a lever starts (common random
    numbers). Unaccompanied children fitted apart (``fitted.uasc``) are
    projected as their own stream, with their own random numbers, and
    added; entry levers apply to the other children only.

    Parameters
    ----------
    fitted : FittedModel
    dates : pandas.DatetimeIndex
    n_sims : int
    seed : int or None
    parameter_uncertainty : bool
    levers : DemandLevers, optional
    uasc_arrivals : float, optional
        Arrivals of unaccompanied children [children/year]; default the
        fitted rate.
    calibrate : bool or HorizonCalibration
        As for :func:`project`.
    reference : Projection, optional
        The baseline whose expected path sets the blend of a scenario's
        paths (default: this projection's own).
    events : bool
        Keep each path's entries, exits and moves by stream
        (:attr:`Projection.events`).
    streams : bool
        Keep the unaccompanied children's paths apart (:attr:`Projection.uasc`);
        ``False`` adds them in and frees them, for a caller that needs only
        all children (half the memory of the paths).
    expected : bool
        Work out the expected path (:attr:`Projection.expected`); ``False``
        leaves it NaN, for a caller that reads the paths only (the paths
        are the same). Calibration needs it.
    ages : bool
        Keep the paths by age; ``False`` (with ``streams=False``) keeps
        one age column, each category's children of all ages, for a caller
        that reads children by placement only (a 36th of the memory).
    drawn : RunDraws, optional
        The rates already drawn for this model, dates, paths, seed and
        arrivals (:func:`draw_run`): not drawn again, and the same paths.

    Returns
    -------
    Projection
    """
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ValueError(f"seed must be a whole number, 0 or more, or None, not {seed!r}")
    if not ages and streams:
        raise ValueError("paths without ages are kept for all children only: give streams=False with ages=False")
    if uasc_arrivals is not None and fitted.uasc is None:
        raise ValueError(
            f"uasc_arrivals={uasc_arrivals} needs unaccompanied children fitted apart, and this model has none: fit "
            "with uasc='separate' on returns that flag them (a UASC file, or a UASC column in the header)"
        )
    raw = _run_streams(
        fitted,
        dates,
        n_sims=n_sims,
        seed=seed,
        parameter_uncertainty=parameter_uncertainty,
        levers=levers,
        uasc_arrivals=uasc_arrivals,
        events=events,
        streams=streams,
        expected=expected,
        ages=ages,
        drawn=_checked(drawn, fitted, dates, n_sims, seed, parameter_uncertainty, uasc_arrivals),
    )
    settings = {
        "n_sims": int(n_sims),
        "seed": seed,
        "parameter_uncertainty": bool(parameter_uncertainty),
        "uasc_arrivals": uasc_arrivals,
        "levers": levers is not None,
    }
    raw = replace(raw, model=fitted, settings=settings)
    if calibrate is False:
        return raw
    if not expected or not ages:
        raise ValueError("calibration needs the expected path and the ages: project with both to calibrate")
    calibration = default_calibration() if calibrate is True else calibrate
    check_settings(fitted, calibration)
    return calibrate_paths(raw, calibration, reference=reference)


@dataclass(frozen=True)
class RunDraws:
    """The draws before the paths of both streams of a projection (see :class:`~.paths.StreamDraws`).

    Made by :func:`draw_run`; :func:`run_projection` given them does not
    draw the rates again, so a baseline and its scenarios share them.

    Attributes
    ----------
    model : FittedModel
        The model they were drawn for.
    seed : int or None
    parameter_uncertainty : bool
    uasc_arrivals : float or None
        Arrivals of unaccompanied children assumed [children/year].
    main, uasc : StreamDraws
        Each stream's draws (``uasc`` is ``None`` without that stream).
    """

    model: FittedModel = field(repr=False)
    seed: int | None
    parameter_uncertainty: bool
    uasc_arrivals: float | None
    main: StreamDraws = field(repr=False)
    uasc: StreamDraws | None = field(repr=False)


def _checked(
    drawn: RunDraws | None,
    fitted: FittedModel,
    dates: pd.DatetimeIndex,
    n_sims: int,
    seed: int | None,
    parameter_uncertainty: bool,
    uasc_arrivals: float | None,
) -> RunDraws | None:
    """``drawn``, once it is the draws of this run."""
    if drawn is None:
        return None
    asked = (seed, bool(parameter_uncertainty), uasc_arrivals)
    if drawn.model is not fitted or (drawn.seed, drawn.parameter_uncertainty, drawn.uasc_arrivals) != asked:
        raise ValueError("the draws given were made for another model, seed or arrivals than this projection's")
    if drawn.main.n_sims != n_sims or not drawn.main.dates.equals(dates):
        raise ValueError("the draws given were made for other paths or dates than this projection's")
    if seed is None:
        raise ValueError("draws can be shared only by runs with a seed")
    return drawn


def draw_run(
    fitted: FittedModel,
    dates: pd.DatetimeIndex,
    *,
    n_sims: int,
    seed: int | None,
    parameter_uncertainty: bool = True,
    uasc_arrivals: float | None = None,
) -> RunDraws:
    """The rates and entry multipliers a projection draws before its paths, for runs that share them.

    Parameters
    ----------
    fitted, dates, n_sims, seed, parameter_uncertainty, uasc_arrivals
        As for :func:`run_projection`.

    Returns
    -------
    RunDraws
    """
    main = draw_stream(
        fitted, dates, n_sims=n_sims, rng=np.random.default_rng(seed), parameter_uncertainty=parameter_uncertainty
    )
    sub = None
    if fitted.uasc is not None:
        sub = draw_stream(
            _uasc_model(fitted, uasc_arrivals),
            dates,
            n_sims=n_sims,
            rng=np.random.default_rng(None if seed is None else [seed, 1]),
            parameter_uncertainty=parameter_uncertainty,
        )
    return RunDraws(fitted, seed, bool(parameter_uncertainty), uasc_arrivals, main, sub)


def _uasc_model(fitted: FittedModel, uasc_arrivals: float | None) -> FittedModel:
    """The unaccompanied children's model, with the arrivals asked for."""
    if fitted.uasc is None:
        raise ValueError("this model has no stream of unaccompanied children")
    return fitted.uasc if uasc_arrivals is None else with_arrivals(fitted.uasc, uasc_arrivals)


def _run_streams(
    fitted: FittedModel,
    dates: pd.DatetimeIndex,
    *,
    n_sims: int,
    seed: int | None,
    parameter_uncertainty: bool,
    levers: DemandLevers | None,
    uasc_arrivals: float | None,
    events: bool = False,
    streams: bool = True,
    expected: bool = True,
    ages: bool = True,
    drawn: RunDraws | None = None,
) -> Projection:
    """The simulated paths of both streams, added (and the unaccompanied children's kept apart with ``streams``)."""
    if drawn is None:
        drawn = draw_run(
            fitted,
            dates,
            n_sims=n_sims,
            seed=seed,
            parameter_uncertainty=parameter_uncertainty,
            uasc_arrivals=uasc_arrivals,
        )
    main = run_stream(
        fitted,
        dates,
        drawn=drawn.main,
        parameter_uncertainty=parameter_uncertainty,
        levers=levers,
        events=events,
        expected=expected,
        ages=ages,
    )
    if drawn.uasc is None:
        return replace(main, seed=seed)
    sub_levers = None if levers is None else replace(levers, entry_factor=None)
    sub = run_stream(
        _uasc_model(fitted, uasc_arrivals),
        dates,
        drawn=drawn.uasc,
        parameter_uncertainty=parameter_uncertainty,
        levers=sub_levers,
        events=events,
        into=None if streams else main.draws,
        expected=expected,
        ages=ages,
    )
    return Projection(
        dates=dates,
        categories=main.categories,
        expected=main.expected + sub.expected,
        # in place: the main stream's own paths go unused
        draws=np.add(main.draws, sub.draws, out=main.draws) if streams else sub.draws,
        entries=main.entries + sub.entries,
        exits=main.exits + sub.exits,
        seed=seed,
        uasc=sub.draws if streams else None,
        events=None if main.events is None or sub.events is None else PathEvents.joined(main.events, sub.events),
    )


def projection_dates(
    fitted: FittedModel, *, start: DateLike | None, end: DateLike | None, horizon: int | None, n_sims: int
) -> pd.DatetimeIndex:
    """Check a projection request and return its count dates: the start, then each month end.

    Parameters
    ----------
    fitted : FittedModel
    start, end : date or None
    horizon : int or None
    n_sims : int

    Returns
    -------
    pandas.DatetimeIndex

    Raises
    ------
    ValueError
        As for :func:`project`.
    """
    start_ts = day(start, "start") if start is not None else fitted.data_end
    end = None if end is None else day(end, "end")
    if start_ts > fitted.data_end:
        raise ValueError(
            f"start {start_ts.date()} is after the end of the data ({fitted.data_end.date()}): the stock is known "
            "only up to then"
        )
    if start_ts < fitted.data_start:
        raise ValueError(
            f"start {start_ts.date()} is before the data begin ({fitted.data_start.date()}): the stock is not known "
            "then"
        )
    if end is not None and pd.Timestamp(end) < start_ts:
        raise ValueError(f"end {pd.Timestamp(end).date()} is before start {start_ts.date()}")
    if horizon is not None and int(horizon) < 0:
        raise ValueError(f"horizon must be 0 or more months, not {horizon}")
    if int(n_sims) < 1:
        raise ValueError(f"n_sims must be at least 1, not {n_sims}")
    dates = _month_ends(start_ts, None if end is None else pd.Timestamp(end), horizon)
    if len(dates) - 1 > MAX_HORIZON_MONTHS:
        raise ValueError(
            f"a projection runs at most {MAX_HORIZON_MONTHS} months (twenty years, past the stay of any child in care "
            f"at the start), not {len(dates) - 1}"
        )
    return dates
