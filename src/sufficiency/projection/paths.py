"""Monte Carlo paths of one stream of children.

The rates are drawn from their posterior up to :data:`RATE_DRAWS` (200)
times per projection, and the paths share those draws in turn (path ``s``
uses draw ``s % 200``; with 1,000 paths each draw carries five): every
hazard from its Gamma posterior, every entry rate from Gamma(entries,
window days) and the entry trends by age band from their sampling
distribution, so the intervals include parameter uncertainty. Each path
then has its own random numbers: moves are multinomial and entries Poisson
with a monthly Gamma shock that reproduces the over-dispersion of monthly
entries seen in the window. Rates also drift between years more than
sampling noise explains: each rate draw scales each category's hazards by a
log-normal factor, and each path lets the mix of entries by (age band,
category) follow log-normal random walks and the level of all entries stray
from the window's rate year by year and come back (a stationary
autoregression; for unaccompanied children's arrivals, a walk), with spreads
estimated from the window's year-to-year variation. The paths run in the compiled kernel
(:mod:`sufficiency.projection._kernels`), in parallel, each with its own
random stream.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..common.ages import AGES, DFE_AGE_BANDS, band_index
from ..rates.drift import LEVEL_PERSISTENCE
from ..rates.fitted import MONTH_DAYS, FittedModel
from ._kernels import simulate_paths
from ._random import gamma_draws, streams
from .expected import expected_path
from .levers import DemandLevers, no_levers
from .result import PathEvents, Projection
from .state import (
    entry_multiplier,
    expm_batch,
    initial_state,
    month_matrices,
    month_steps,
    months_followed,
    years_ahead,
)

__all__ = ["RATE_DRAWS", "StreamDraws", "draw_stream", "run_stream"]

#: Most draws of the rates from their posterior in one projection; paths share them in turn (path ``s`` uses
#: draw ``s % RATE_DRAWS``), which keeps the matrix exponentials cheap and the intervals' parameter uncertainty.
RATE_DRAWS = 200


@dataclass(frozen=True)
class StreamDraws:
    """What a run of one stream draws before its paths: the rates, the entry multipliers and the start.

    Levers act on the paths only, so a baseline and its scenarios (one
    model, dates, paths and seed) can share these: each run then simulates
    its paths from the random generator's state after them.

    Attributes
    ----------
    n_sims : int
    dates : pandas.DatetimeIndex
    x0 : numpy.ndarray
        The stock at the start by (whole months in care, category, age, birthday slot) [children].
    step_of_month, bands_of_step : numpy.ndarray
        Which duration bands each month's steps use.
    half : numpy.ndarray
        Half-month transition matrices of each rate draw.
    steps : numpy.ndarray
        Month transition matrices of each rate draw.
    lam : numpy.ndarray
        Entry rates of each rate draw [1/day].
    scale : numpy.ndarray
        Entry multipliers by (simulation, step, age band).
    state : mapping
        The random generator's state after these draws.
    bits : type
        The generator's bit generator (PCG64 for ``numpy.random.default_rng``).
    """

    n_sims: int
    dates: pd.DatetimeIndex
    x0: np.ndarray = field(repr=False)
    step_of_month: np.ndarray = field(repr=False)
    bands_of_step: np.ndarray = field(repr=False)
    half: np.ndarray = field(repr=False)
    steps: np.ndarray = field(repr=False)
    lam: np.ndarray = field(repr=False)
    scale: np.ndarray = field(repr=False)
    state: Mapping[str, Any] = field(repr=False)
    bits: type = field(default=np.random.PCG64, repr=False)

    def generator(self) -> np.random.Generator:
        """A random generator at the state these draws left (each call a fresh one)."""
        bits = self.bits()
        bits.state = self.state
        return np.random.Generator(bits)


def draw_stream(
    fitted: FittedModel, dates: pd.DatetimeIndex, *, n_sims: int, rng: np.random.Generator, parameter_uncertainty: bool
) -> StreamDraws:
    """The draws of one stream that come before its paths (see :class:`StreamDraws`).

    Parameters
    ----------
    fitted : FittedModel
        The stream's model.
    dates : pandas.DatetimeIndex
        The projection's count dates (:func:`~sufficiency.projection.run.projection_dates`).
    n_sims : int
        Paths; they share at most :data:`RATE_DRAWS` draws of the rates.
    rng : numpy.random.Generator
        Moves on past these draws.
    parameter_uncertainty : bool
        Draw the rates from their posterior (else their posterior means).

    Returns
    -------
    StreamDraws
    """
    n_steps = len(dates) - 1
    w = months_followed(fitted)
    step_of_month, bands_of_step = month_steps(fitted.durations, w)
    x0 = initial_state(fitted, dates[0], dates[1] if n_steps else dates[0])  # (G, C, A, 12), G = w + 1
    q, lam, trend_draws = _draw_rates(fitted, rng, min(n_sims, RATE_DRAWS), parameter_uncertainty)
    half = expm_batch(q, MONTH_DAYS / 2)
    trend = trend_draws[np.arange(n_sims) % len(trend_draws)]
    scale = _entry_scale(fitted, dates, trend, rng, parameter_uncertainty)
    return StreamDraws(
        n_sims=int(n_sims),
        dates=dates,
        x0=x0,
        step_of_month=step_of_month,
        bands_of_step=bands_of_step,
        half=half,
        steps=month_matrices(half, bands_of_step),
        lam=lam,
        scale=scale,
        state=rng.bit_generator.state,
        bits=type(rng.bit_generator),
    )


def run_stream(
    fitted: FittedModel,
    dates: pd.DatetimeIndex,
    *,
    drawn: StreamDraws,
    parameter_uncertainty: bool,
    levers: DemandLevers | None,
    events: bool = False,
    into: np.ndarray | None = None,
    expected: bool = True,
    ages: bool = True,
) -> Projection:
    """Project one stream of children from its draws (:func:`draw_stream`).

    With ``events``, the result keeps the stream's entries, exits and moves
    (:class:`PathEvents`). The paths draw their random numbers from the generator's state after
    ``drawn``, so runs given the same draws (a baseline and its scenarios)
    have the same paths until their levers differ. With ``into`` (another
    stream's int32 paths), the stream's children are added to that array,
    which becomes the result's ``draws``. Without ``expected``, the expected
    path is not worked out (NaN), for a caller that reads the paths only.
    Without ``ages``, ``draws`` hold one age column, each category's children
    of all ages.

    Parameters
    ----------
    fitted : FittedModel
        The stream's model (the one ``drawn`` was made for).
    dates : pandas.DatetimeIndex
        The projection's count dates.
    drawn : StreamDraws
    parameter_uncertainty : bool
        As for :func:`draw_stream` (the entry mix's drift is drawn only with it).
    levers : DemandLevers or None
        A scenario's changes to hazards and entries.
    events, into, expected, ages
        See above.

    Returns
    -------
    Projection
        One stream's paths [children].
    """
    rng = drawn.generator()
    x0, step_of_month, bands_of_step = drawn.x0, drawn.step_of_month, drawn.bands_of_step
    mean_path = (
        expected_path(fitted, x0, dates, step_of_month, bands_of_step, levers)
        if expected
        else np.full((len(dates),) + x0.shape[1:3], np.nan)
    )
    draws, entries, exits, by_age, moves = _simulate(
        fitted,
        x0,
        dates,
        step_of_month,
        drawn.steps,
        drawn.half,
        drawn.lam,
        drawn.scale,
        rng,
        parameter_uncertainty,
        levers,
        events,
        into,
        ages,
    )
    return Projection(
        dates=dates,
        categories=fitted.categories,
        expected=mean_path,
        draws=draws,
        entries=entries,
        exits=exits,
        events=None
        if not events
        else PathEvents(
            streams=("total",),
            entries=entries[None],
            exits=exits[None],
            entry_ages=by_age[None, :, :, 0],
            exit_ages=by_age[None, :, :, 1],
            moves=moves[None],
        ),
    )


def _draw_rates(
    fitted: FittedModel, rng: np.random.Generator, n_sims: int, parameter_uncertainty: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n_sims`` draws of the rates (at most :data:`RATE_DRAWS`; paths share them in turn).

    Returns (draw, band, age, K, K) generators and (draw, age, category)
    entry rates [1/day], and (draw, age band) trends [1/year].
    """
    if not parameter_uncertainty:
        q_mean = fitted.generator()
        return (
            np.broadcast_to(q_mean, (n_sims,) + q_mean.shape),
            np.broadcast_to(fitted.entry_rates, (n_sims,) + fitted.entries.shape),
            np.broadcast_to(fitted.entry_trend, (n_sims, len(fitted.entry_trend))),
        )
    k = fitted.prior_days
    shape_mv = fitted.moves + k * fitted.move_prior
    rate_mv = np.broadcast_to(fitted.exposure[..., None] + k, shape_mv.shape)
    shape_ex = fitted.exits + k * fitted.exit_prior
    rate_ex = fitted.exposure + k
    # every hazard from its Gamma posterior, drawn in parallel from a stream per rate draw
    both = gamma_draws(
        np.concatenate([shape_mv.ravel(), shape_ex.ravel()]),
        np.concatenate([rate_mv.ravel(), rate_ex.ravel()]),
        streams(rng, n_sims),
    )
    mv = both[:, : shape_mv.size].reshape((n_sims,) + shape_mv.shape)
    ex = both[:, shape_mv.size :].reshape((n_sims,) + shape_ex.shape)
    # rates drift between years beyond their sampling noise: one factor per rate draw and category
    drift = np.exp(
        rng.normal(-(fitted.hazard_drift**2) / 2, fitted.hazard_drift, size=(n_sims, len(fitted.categories)))
    )
    q = fitted.generator(mv * drift[:, :, None, None, None], ex * drift[:, :, None, None])
    lam = rng.gamma(np.maximum(fitted.entries, 1e-12), size=(n_sims,) + fitted.entries.shape) / fitted.entry_days
    lam = np.where(fitted.entries > 0, lam, 0.0)
    trend = fitted.entry_trend + fitted.entry_trend_se * rng.standard_normal((n_sims, len(fitted.entry_trend)))
    return q, lam, trend


def _entry_scale(
    fitted: FittedModel,
    dates: pd.DatetimeIndex,
    trend: np.ndarray,
    rng: np.random.Generator,
    parameter_uncertainty: bool,
) -> np.ndarray:
    """Multipliers of the entry rates by (simulation, step, age band): trend, population, level walk, monthly shock."""
    n_sims, n_steps = trend.shape[0], len(dates) - 1
    mult = entry_multiplier(fitted, dates, trend)
    if parameter_uncertainty and fitted.entry_level_drift > 0:
        # the level of entries follows a random walk from the window's end (mean-preserving log-normal)
        sd = fitted.entry_level_drift
        years = years_ahead(fitted, dates)
        walk = np.cumsum(rng.standard_normal((n_sims, n_steps)) * np.sqrt(np.diff(years, prepend=0.0)), axis=1)
        mult = mult * np.exp(sd * walk - sd**2 * years / 2)[:, :, None]
    if parameter_uncertainty and fitted.entry_level_spread > 0:
        mult = mult * _level_strays(fitted.entry_level_spread, years_ahead(fitted, dates), rng, n_sims)[:, :, None]
    # clustered entries (sibling groups, surges): a shared monthly Gamma shock
    # with mean 1 gives the total the fitted variance/mean ratio
    monthly_mean = float(fitted.entry_rates.sum() * MONTH_DAYS)
    excess = fitted.entry_dispersion - 1.0
    if excess > 1e-9 and monthly_mean > 0:
        k = monthly_mean / excess
        shock = rng.gamma(k, 1.0 / k, size=(n_sims, n_steps))
    else:
        shock = np.ones((n_sims, n_steps))
    return mult * shock[:, :, None]


def _level_strays(spread: float, years: np.ndarray, rng: np.random.Generator, n_sims: int) -> np.ndarray:
    """(simulation, step) mean-one multipliers of entries: the level strays from the window's rate and comes back.

    Each year after the window's end has its own log level, a stationary
    first-order autoregression from year to year with standard deviation
    ``spread`` and persistence :data:`~sufficiency.rates.drift.LEVEL_PERSISTENCE`,
    the model the spread and persistence were measured with on councils'
    yearly starts.

    Parameters
    ----------
    spread : float
        [log]
    years : numpy.ndarray
        Years after the window's end of each step (:func:`years_ahead`).
    rng : numpy.random.Generator
    n_sims : int
    """
    year = np.floor(years).astype(np.int64)
    phi = LEVEL_PERSISTENCE
    level = np.empty((n_sims, int(year.max()) + 1))
    level[:, 0] = spread * rng.standard_normal(n_sims)
    for y in range(1, level.shape[1]):
        level[:, y] = phi * level[:, y - 1] + np.sqrt(1 - phi * phi) * spread * rng.standard_normal(n_sims)
    return np.exp(level[:, year] - spread**2 / 2)


def _simulate(
    fitted: FittedModel,
    x0: np.ndarray,
    dates: pd.DatetimeIndex,
    step_of_month: np.ndarray,
    step: np.ndarray,
    half: np.ndarray,
    lam: np.ndarray,
    scale: np.ndarray,
    rng: np.random.Generator,
    parameter_uncertainty: bool,
    levers: DemandLevers | None = None,
    events: bool = False,
    into: np.ndarray | None = None,
    ages: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Run the compiled kernel (adding the stock to ``into`` when given).

    Returns stock (S, date, C, A), or (S, date, C, 1) without ``ages``, entries and exits (S, date, C), and with
    ``events`` entries and exits by age (S, date, 2, A) and moves (S, date,
    C, C) [children] (empty arrays without).
    """
    n_sims, n_c, n_a = scale.shape[0], len(fitted.categories), len(AGES)
    w = months_followed(fitted)
    band_of_age = band_index()
    c_all = np.arange(n_c)
    stay_half = np.clip(np.swapaxes(half[:, 0][:, :, c_all, c_all], 1, 2), 0.0, 1.0)  # entrants' band: (S, C, A)
    lam_month = np.swapaxes(lam, 1, 2) * MONTH_DAYS  # (S, C, A)
    # the mix of entries drifts as a random walk in each (age band, category) group
    sigma = fitted.entry_drift if parameter_uncertainty else 0.0
    z_mix = rng.standard_normal((n_sims, len(DFE_AGE_BANDS), n_c))
    # only cells where entries can happen are drawn
    live_c, live_a = (i.astype(np.int64) for i in np.nonzero(lam_month.any(axis=0)))
    draws = np.zeros((n_sims, len(dates), n_c, n_a if ages else 1), dtype=np.int32) if into is None else into
    entries = np.zeros((n_sims, len(dates), n_c), dtype=np.int32)
    exits = np.zeros((n_sims, len(dates), n_c), dtype=np.int32)
    shape = (n_sims, len(dates)) if events else (0, 0)
    by_age = np.zeros(shape + (2, n_a), dtype=np.int32)
    moves = np.zeros(shape + (n_c, n_c), dtype=np.int32)
    # the kernel keeps children in care under w months one by one (see simulate_paths)
    g, c, a, j = np.nonzero(x0[:w])
    n_each = x0[:w][g, c, a, j]
    recent0 = np.repeat(np.stack([c, a, j, g, np.full_like(g, -1)], axis=1), n_each, axis=0).astype(np.int64)
    recent0 = np.concatenate(
        [recent0, np.arange(len(recent0), dtype=np.int64)[:, None]], axis=1
    )  # each child's stream key
    simulate_paths(
        np.ascontiguousarray(x0[w]),
        np.ascontiguousarray(recent0),
        np.ascontiguousarray(np.cumsum(fitted.entry_birthdays, axis=1)),
        step_of_month,
        np.ascontiguousarray(step),
        np.ascontiguousarray(half),
        np.ascontiguousarray(lam_month[:, live_c, live_a]),
        np.ascontiguousarray(stay_half[:, live_c, live_a]),
        np.ascontiguousarray(z_mix[:, band_of_age[live_a], live_c]),
        live_c,
        live_a,
        band_of_age[live_a].astype(np.int64),
        np.ascontiguousarray(scale),
        years_ahead(fitted, dates),
        float(sigma),
        np.zeros((0, 0))
        if levers is None or levers.entry_factor is None
        else np.ascontiguousarray(levers.entry_factor[:, live_c, live_a]),
        no_levers(len(dates) - 1) if levers is None else levers.kernel_levers(),
        streams(rng, n_sims),
        draws,
        entries,
        exits,
        by_age,
        moves,
    )
    return draws, entries, exits, by_age, moves
