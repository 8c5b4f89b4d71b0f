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

Monte Carlo paths draw, for each simulation, every hazard from its Gamma
posterior, every entry rate from Gamma(entries, window days) and the entry
trends by age band from their sampling distribution, so the intervals
include parameter uncertainty; moves are multinomial and entries Poisson
with a shared monthly Gamma shock that reproduces the over-dispersion of
monthly entries seen in the window. Rates also drift between years more
than sampling noise explains: each simulation scales each category's
hazards by a log-normal factor, lets the level of all entries and the mix
of entries by (age band, category) follow log-normal random walks, with
spreads estimated from the window's year-to-year variation. The paths run
in a compiled kernel (:mod:`sufficiency._kernels`), in parallel, each with
its own random stream.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.ages import AGES, DFE_AGE_BANDS, band_index
from ..common.dates import age_at
from ..counts.pieces import period_began
from ..rates.fitting import MONTH_DAYS, FittedModel
from ._kernels import simulate_paths
from ._matrices import expm_many, products
from ._random import gamma_draws, streams
from .calibration import HorizonCalibration
from .calibration import calibrate as calibrate_paths

DEFAULT_LEVELS = (80, 95)
#: Most draws of the rates from their posterior in one projection; paths share them in turn (path ``s`` uses
#: draw ``s % RATE_DRAWS``), which keeps the matrix exponentials cheap and the intervals' parameter uncertainty.
RATE_DRAWS = 200
#: Birthday slots: a child has birthdays every 12 monthly steps.
BIRTHDAY_SLOTS = 12


@dataclass(frozen=True)
class Projection:
    """Projected children in care.

    Attributes
    ----------
    dates : pandas.DatetimeIndex
        Count dates: the start date, then each month end [date].
    categories : tuple of str
    expected : numpy.ndarray
        Expected stock by (date, category, age) from matrix steps with the
        posterior-mean rates [children].
    draws : numpy.ndarray
        Simulated stock by (simulation, date, category, age) [children].
    entries, exits : numpy.ndarray
        Simulated entries and exits (all reasons, including ageing out) by
        (simulation, date, category) during the month ending on each date
        (zero at the start date) [children].
    seed : int or None
        Seed the paths were drawn with.
    uasc : numpy.ndarray or None
        The part of ``draws`` that is unaccompanied asylum-seeking children,
        when they were projected as their own stream [children]; the other
        children are ``draws - uasc``.
    simulated : numpy.ndarray or None
        The paths as simulated (whole children), when ``draws`` were
        calibrated or combined (see :mod:`sufficiency.calibration`);
        ``entries`` and ``exits`` are those of the simulated paths.
    """

    dates: pd.DatetimeIndex
    categories: tuple[str, ...]
    expected: np.ndarray
    draws: np.ndarray = field(repr=False)
    entries: np.ndarray = field(repr=False)
    exits: np.ndarray = field(repr=False)
    seed: int | None = None
    uasc: np.ndarray | None = field(default=None, repr=False)
    simulated: np.ndarray | None = field(default=None, repr=False)

    def totals(self) -> np.ndarray:
        """Simulated total stock by (simulation, date) [children]."""
        return self.draws.sum(axis=(2, 3))

    def stream(self, name: str) -> Projection:
        """The projection of one stream: ``"uasc"`` (unaccompanied children) or ``"other"``.

        Use it to cost or summarise a stream on its own, e.g.
        ``cost(projection.stream("uasc"), unit_costs)``. Its ``expected``
        is the stream's simulated mean, and its ``entries`` and ``exits``
        are left as zeros (the simulation does not keep them by stream).

        Parameters
        ----------
        name : {"uasc", "other"}

        Returns
        -------
        Projection

        Raises
        ------
        ValueError
            If unaccompanied children were not projected apart, or for
            another name.
        """
        if self.uasc is None:
            raise ValueError(
                "this projection has no streams: fit with uasc='separate' on returns that flag unaccompanied children"
            )
        if name not in ("uasc", "other"):
            raise ValueError(f"stream {name!r}: use 'uasc' or 'other'")
        draws = self.uasc if name == "uasc" else self.draws - self.uasc
        zeros = np.zeros_like(self.entries)
        return Projection(
            dates=self.dates,
            categories=self.categories,
            expected=draws.mean(axis=0),
            draws=draws,
            entries=zeros,
            exits=zeros,
            seed=self.seed,
        )

    def summary_frame(self, level: Sequence[int] = DEFAULT_LEVELS) -> pd.DataFrame:
        """Means, medians and intervals by date, for the total, categories and age bands.

        Parameters
        ----------
        level : sequence of int
            Central interval levels [%].

        Returns
        -------
        pandas.DataFrame
            Long frame: ``date``, ``group`` (``"total"``, ``"placement"``,
            ``"age_band"``, and ``"stream"`` when unaccompanied children
            were projected apart), ``value`` (``"total"``, a category, a
            band, or ``"uasc"`` / ``"other"``), ``expected``, ``mean``,
            ``median``, ``lower_<L>``, ``upper_<L>`` [children]. The
            ``expected`` column of the streams is their simulated mean.
        """
        parts = []
        groups = [
            ("total", ["total"], self.draws.sum(axis=(2, 3))[..., None], self.expected.sum(axis=(1, 2))[..., None])
        ]
        groups.append(("placement", list(self.categories), self.draws.sum(axis=3), self.expected.sum(axis=2)))
        band_draws, band_exp = [], []
        for lo, hi in DFE_AGE_BANDS.values():
            band_draws.append(self.draws[..., lo : hi + 1].sum(axis=(2, 3)))
            band_exp.append(self.expected[..., lo : hi + 1].sum(axis=(1, 2)))
        groups.append(("age_band", list(DFE_AGE_BANDS), np.stack(band_draws, axis=-1), np.stack(band_exp, axis=-1)))
        if self.uasc is not None:
            uasc = self.uasc.sum(axis=(2, 3))
            streams = np.stack([uasc, self.totals() - uasc], axis=-1)
            groups.append(("stream", ["uasc", "other"], streams, streams.mean(axis=0)))
        for group, values, draws, expected in groups:
            parts.append(_summarise(self.dates, group, values, draws, expected, level))
        return pd.concat(parts, ignore_index=True)


def _summarise(
    dates: pd.DatetimeIndex,
    group: str,
    values: list[str],
    draws: np.ndarray,
    expected: np.ndarray,
    level: Sequence[int],
) -> pd.DataFrame:
    n_d, n_v = draws.shape[1], draws.shape[2]
    frame = pd.DataFrame(
        {
            S.DATE: np.repeat(dates.to_numpy(), n_v),
            "group": group,
            "value": np.tile(np.asarray(values, dtype=object), n_d),
            "expected": expected.reshape(n_d * n_v),
            "mean": draws.mean(axis=0).reshape(n_d * n_v),
            "median": np.median(draws, axis=0).reshape(n_d * n_v),
        }
    )
    for lv in level:
        lo, hi = np.percentile(draws, [50 - lv / 2, 50 + lv / 2], axis=0)
        frame[f"lower_{lv}"] = lo.reshape(n_d * n_v)
        frame[f"upper_{lv}"] = hi.reshape(n_d * n_v)
    return frame


def expm_batch(a: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """Matrix exponential ``expm(scale * a)`` of each matrix in a stack.

    Parameters
    ----------
    a : numpy.ndarray
        Shape (..., K, K).
    scale : float
        Multiplier of every matrix (e.g. a step length [days]).

    Returns
    -------
    numpy.ndarray
        Same shape; agrees with :func:`scipy.linalg.expm` to about 1e-12
        for the small generators met here (see :mod:`sufficiency._matrices`).
    """
    flat = np.ascontiguousarray(a, dtype=float).reshape((-1,) + a.shape[-2:])
    return expm_many(flat, float(scale)).reshape(a.shape)


def _month_ends(start: pd.Timestamp, end: pd.Timestamp | None, horizon: int | None) -> pd.DatetimeIndex:
    """The start date, then each month end up to ``end`` or ``horizon`` months after the start's month end."""
    if end is None:
        end = start + pd.offsets.MonthEnd(0) + pd.offsets.MonthEnd(60 if horizon is None else int(horizon))
    months = pd.date_range(start + pd.Timedelta(days=1), pd.Timestamp(end), freq="ME")
    return pd.DatetimeIndex([start]).append(months)


def months_followed(fitted: FittedModel) -> int:
    """Whole months in care a projection follows each child for: the last band's lower bound (0 with one band)."""
    return fitted.durations[-1] if len(fitted.durations) > 1 else 0


def initial_state(fitted: FittedModel, start: pd.Timestamp, first_month_end: pd.Timestamp) -> np.ndarray:
    """Children in care at the end of ``start`` by (months in care, category, age, birthday slot).

    Months in care are whole months (``MONTH_DAYS``) since the period of care
    began, capped at :func:`months_followed`. The slot ``j`` of a child is
    the number of months after ``first_month_end``'s month in which the next
    birthday falls, so the child ages at steps ``j, j + 12, ...``. Children
    of unknown age are spread by the age mix of their category and time in
    care with birthdays spread evenly (largest-remainder rounding keeps
    whole children); categories the model does not have are left out.

    Returns
    -------
    numpy.ndarray
        Shape (months followed + 1, categories, ages, 12) [children].
    """
    ep = fitted.episodes
    when = pd.Timestamp(start)
    active = (
        (ep[S.EPISODE_START] <= when)
        & (ep[S.EPISODE_END].isna() | (ep[S.EPISODE_END] > when))
        & ep[S.PLACEMENT].isin(fitted.categories)
    ).to_numpy()
    began = period_began(ep)[active]
    ep = ep[active]
    c_idx = {c: i for i, c in enumerate(fitted.categories)}
    cat = ep[S.PLACEMENT].map(c_idx).to_numpy(dtype=np.int64)
    w = months_followed(fitted)
    in_care = (np.datetime64(when.to_datetime64(), "ns") - began) / np.timedelta64(1, "D")
    months = np.minimum(np.floor(np.maximum(in_care, 0.0) / MONTH_DAYS), w).astype(int)
    age = age_at(ep[S.DATE_OF_BIRTH].to_numpy(), when)
    known = ~np.isnan(age) & (age < len(AGES)) & (age >= 0)
    slot = (ep[S.DATE_OF_BIRTH].dt.month.to_numpy(dtype=float) - first_month_end.month) % BIRTHDAY_SLOTS
    out = np.zeros((w + 1, len(fitted.categories), len(AGES), BIRTHDAY_SLOTS))
    np.add.at(out, (months[known], cat[known], age[known].astype(int), slot[known].astype(int)), 1)
    unknown = np.zeros((w + 1, len(fitted.categories)), dtype=int)
    np.add.at(unknown, (months[~known], cat[~known]), 1)
    for g, c in zip(*np.nonzero(unknown)):
        mix = out[g, c].sum(axis=1)
        mix = mix / mix.sum() if mix.sum() > 0 else np.full(len(AGES), 1 / len(AGES))
        share = np.repeat(mix[:, None] / BIRTHDAY_SLOTS, BIRTHDAY_SLOTS, axis=1).ravel() * unknown[g, c]
        whole = np.floor(share)
        rest = int(unknown[g, c] - whole.sum())
        whole[np.argsort(-(share - whole), kind="stable")[:rest]] += 1
        out[g, c] += whole.reshape(len(AGES), BIRTHDAY_SLOTS)
    return out.astype(np.int64)


def _entry_multiplier(fitted: FittedModel, dates: pd.DatetimeIndex, trend: np.ndarray) -> np.ndarray:
    """(simulation, step, age band) multipliers of the window's weighted entry rates.

    ``trend`` is (simulation, age band) [1/year]. A band's weighted rate
    stands for the window's weighted mean time of its entries
    (``entry_time``); the trend carries it to the window's end undamped and
    beyond it damped.
    """
    mid = dates[1:] - pd.Timedelta(days=MONTH_DAYS / 2)
    t = _years_ahead(fitted, dates)
    d = fitted.trend_damping
    ahead = t if d >= 1 else (1 - d**t) / -np.log(d)
    mult = np.exp(trend[:, None, :] * (ahead[None, :, None] - fitted.entry_time[None, None, :]))
    if fitted.population is not None:
        pop = fitted.population
        at = np.interp(
            np.r_[pd.Timestamp(fitted.reference[1]).as_unit("ns").value, mid.as_unit("ns").asi8],
            pop.index.as_unit("ns").asi8,
            pop.to_numpy(dtype=float),
        )
        mult = mult * (at[1:] / at[0])[None, :, None]
    return mult


def project(
    fitted: FittedModel,
    *,
    start: object | None = None,
    end: object | None = None,
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
        Draw rates from their posterior for each path (default). ``False``
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
        Stretch each horizon's paths about their mean so that the bands
        hold as often as they say, by factors learned from backtests
        (default; see :mod:`sufficiency.calibration`). ``False`` keeps the
        paths as simulated.

    Returns
    -------
    Projection

    Raises
    ------
    ValueError
        If ``start`` is outside the data (the stock is not known then),
        ``end`` is before ``start``, ``horizon`` is negative or ``n_sims``
        is below 1.
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


@dataclass(frozen=True)
class DemandLevers:
    """A scenario's changes to the model's rates, month by month (built by :mod:`sufficiency.scenarios`).

    Attributes
    ----------
    hazard_from, hazard_to : numpy.ndarray
        (L,) category index each hazard lever moves children from, and to
        (a category index, or the number of categories for leaving care).
    hazard_ages : numpy.ndarray
        (L, age) ages the lever applies at [bool].
    hazard_factor : numpy.ndarray
        (L,) multiplier of the hazard at full strength.
    hazard_weight : numpy.ndarray
        (L, step) strength in each projected month, 0 (none) to 1 (full).
    entry_factor : numpy.ndarray
        (step, category, age) multiplier of entries; ``None`` for none.
    """

    hazard_from: np.ndarray
    hazard_to: np.ndarray
    hazard_ages: np.ndarray
    hazard_factor: np.ndarray
    hazard_weight: np.ndarray
    entry_factor: np.ndarray | None = None

    def kernel_levers(self) -> tuple[np.ndarray, ...]:
        """The hazard levers as the compiled kernel takes them."""
        return (
            np.ascontiguousarray(self.hazard_from, dtype=np.int64),
            np.ascontiguousarray(self.hazard_to, dtype=np.int64),
            np.ascontiguousarray(self.hazard_ages, dtype=np.bool_),
            np.ascontiguousarray(self.hazard_factor, dtype=np.float64),
            np.ascontiguousarray(self.hazard_weight, dtype=np.float64),
        )

    def adjust(self, p: np.ndarray, step: int) -> np.ndarray:
        """Transition matrices (..., age, K, K) with the hazard levers of ``step`` applied (as the kernel does)."""
        active = [lv for lv in range(len(self.hazard_from)) if self.hazard_weight[lv, step] > 0]
        if not active:
            return p
        out = p.copy()
        for lv in active:
            c, k = int(self.hazard_from[lv]), int(self.hazard_to[lv])
            out[..., self.hazard_ages[lv], c, k] *= 1.0 + self.hazard_weight[lv, step] * (self.hazard_factor[lv] - 1.0)
        for c in {int(self.hazard_from[lv]) for lv in active}:
            others = np.arange(out.shape[-1]) != c
            off = np.clip(out[..., c, :][..., others], 0.0, None)
            total = off.sum(axis=-1, keepdims=True)
            off = np.where(total > 1.0, off / np.maximum(total, 1e-300), off)  # more leaving than there are children
            row = out[..., c, :]
            row[..., others] = off
            row[..., c] = 1.0 - off.sum(axis=-1)
        return out


def _no_levers(n_steps: int) -> tuple[np.ndarray, ...]:
    return (
        np.zeros(0, dtype=np.int64),
        np.zeros(0, dtype=np.int64),
        np.zeros((0, len(AGES)), dtype=np.bool_),
        np.zeros(0),
        np.zeros((0, max(n_steps, 1))),
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

    Returns
    -------
    Projection
    """
    raw = _run_streams(
        fitted,
        dates,
        n_sims=n_sims,
        seed=seed,
        parameter_uncertainty=parameter_uncertainty,
        levers=levers,
        uasc_arrivals=uasc_arrivals,
    )
    if calibrate is False:
        return raw
    return calibrate_paths(raw, None if calibrate is True else calibrate)


def _run_streams(
    fitted: FittedModel,
    dates: pd.DatetimeIndex,
    *,
    n_sims: int,
    seed: int | None,
    parameter_uncertainty: bool,
    levers: DemandLevers | None,
    uasc_arrivals: float | None,
) -> Projection:
    """The simulated paths of both streams, added."""
    main = _run_stream(
        fitted,
        dates,
        n_sims=n_sims,
        rng=np.random.default_rng(seed),
        parameter_uncertainty=parameter_uncertainty,
        levers=levers,
    )
    if fitted.uasc is None:
        return replace(main, seed=seed)
    sub_model = fitted.uasc if uasc_arrivals is None else with_arrivals(fitted.uasc, uasc_arrivals)
    sub_levers = None if levers is None else replace(levers, entry_factor=None)
    sub = _run_stream(
        sub_model,
        dates,
        n_sims=n_sims,
        rng=np.random.default_rng(None if seed is None else [seed, 1]),
        parameter_uncertainty=parameter_uncertainty,
        levers=sub_levers,
    )
    return Projection(
        dates=dates,
        categories=main.categories,
        expected=main.expected + sub.expected,
        draws=main.draws + sub.draws,
        entries=main.entries + sub.entries,
        exits=main.exits + sub.exits,
        seed=seed,
        uasc=sub.draws,
    )


def with_arrivals(fitted: FittedModel, per_year: float) -> FittedModel:
    """The model with its entries scaled to ``per_year`` arrivals [children/year], keeping their mix by age and placement.

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
            "no unaccompanied child entered care in the entry window, so there is no mix of ages and placements to give arrivals"
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
            "the model has no unaccompanied children fitted apart with entries in the window: fit with uasc='separate' on returns that flag them"
        )
    window_days = (sub.reference[1] - sub.reference[0]).days + 1
    mean_in_care = sub.exposure.sum() / window_days  # children in care, on average over the window
    years_in_care = mean_in_care / (sub.entries.sum() / sub.entry_days) / 365.25
    return float(share * child_population / years_in_care)


def _run_stream(
    fitted: FittedModel,
    dates: pd.DatetimeIndex,
    *,
    n_sims: int,
    rng: np.random.Generator,
    parameter_uncertainty: bool,
    levers: DemandLevers | None,
) -> Projection:
    """Project one stream of children."""
    start_ts = dates[0]
    n_steps = len(dates) - 1
    w = months_followed(fitted)
    step_of_month, bands_of_step = _month_steps(fitted.durations, w)
    x0 = initial_state(fitted, start_ts, dates[1] if n_steps else start_ts)  # (G, C, A, 12), G = w + 1
    expected = _expected_path(fitted, x0, dates, step_of_month, bands_of_step, levers)
    q, lam, trend_draws = _draw_rates(fitted, rng, min(n_sims, RATE_DRAWS), parameter_uncertainty)
    half = expm_batch(q, MONTH_DAYS / 2)
    trend = trend_draws[np.arange(n_sims) % len(trend_draws)]
    scale = _entry_scale(fitted, dates, trend, rng, parameter_uncertainty)
    draws, entries, exits = _simulate(
        fitted,
        x0,
        dates,
        step_of_month,
        _steps(half, bands_of_step),
        half,
        lam,
        scale,
        rng,
        parameter_uncertainty,
        levers,
    )
    return Projection(
        dates=dates, categories=fitted.categories, expected=expected, draws=draws, entries=entries, exits=exits
    )


def projection_dates(
    fitted: FittedModel, *, start: object | None, end: object | None, horizon: int | None, n_sims: int
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
    start_ts = pd.Timestamp(start) if start is not None else fitted.data_end
    if start_ts > fitted.data_end:
        raise ValueError(
            f"start {start_ts.date()} is after the end of the data ({fitted.data_end.date()}): the stock is known only up to then"
        )
    if start_ts < fitted.data_start:
        raise ValueError(
            f"start {start_ts.date()} is before the data begin ({fitted.data_start.date()}): the stock is not known then"
        )
    if end is not None and pd.Timestamp(end) < start_ts:
        raise ValueError(f"end {pd.Timestamp(end).date()} is before start {start_ts.date()}")
    if horizon is not None and int(horizon) < 0:
        raise ValueError(f"horizon must be 0 or more months, not {horizon}")
    if int(n_sims) < 1:
        raise ValueError(f"n_sims must be at least 1, not {n_sims}")
    return _month_ends(start_ts, None if end is None else pd.Timestamp(end), horizon)


def _expected_path(
    fitted: FittedModel,
    x0: np.ndarray,
    dates: pd.DatetimeIndex,
    step_of_month: np.ndarray,
    bands_of_step: np.ndarray,
    levers: DemandLevers | None = None,
) -> np.ndarray:
    """Expected stock by (date, category, age) with posterior-mean rates, the trend at its estimate and any levers."""
    n_c, n_a = len(fitted.categories), len(AGES)
    z_age = np.repeat(np.arange(n_a), BIRTHDAY_SLOTS)  # age of each (age, slot) column
    w = months_followed(fitted)
    half_mean = expm_batch(fitted.generator(), MONTH_DAYS / 2)
    step_mean = _steps(half_mean[None], bands_of_step)[0]
    mult_mean = _entry_multiplier(fitted, dates, fitted.entry_trend[None, :])[0][:, band_index()]  # (step, age)
    expected = np.zeros((len(dates), n_c, n_a))
    cur = x0.reshape(w + 1, n_c, -1).astype(float)  # cur[g] holds children g whole months in care
    expected[0] = _by_age(cur.sum(axis=0))
    lam_mean = fitted.entry_rates.T * MONTH_DAYS  # (C, A)
    share = fitted.entry_birthdays  # (A, 13)
    for m in range(len(dates) - 1):
        step_m, half_m = (
            (step_mean, half_mean[0])
            if levers is None
            else (levers.adjust(step_mean, m), levers.adjust(half_mean[0], m))
        )
        moved = np.stack([_expected_step(cur[g], step_m[step_of_month[g]], z_age) for g in range(w + 1)])
        # entrants' birthdays: k = 0 .. 11 months after the entry month age at step m + k; k = 12 ones at m + 12
        soon = np.zeros((n_c, n_a, BIRTHDAY_SLOTS))
        soon[:, :, (m + np.arange(12)) % BIRTHDAY_SLOTS] = lam_mean[:, :, None] * share[None, :, :12]
        late = np.zeros((n_c, n_a, BIRTHDAY_SLOTS))
        late[:, :, m % BIRTHDAY_SLOTS] = lam_mean * share[None, :, 12]
        factor = 1.0 if levers is None or levers.entry_factor is None else levers.entry_factor[m][:, :, None]
        new_soon = _expected_step((soon * mult_mean[m][None, :, None] * factor).reshape(n_c, -1), half_m, z_age)
        new_late = _expected_step((late * mult_mean[m][None, :, None] * factor).reshape(n_c, -1), half_m, z_age)
        if w:
            cur = np.concatenate([new_soon[None], moved[: w - 1], (moved[w - 1] + moved[w])[None]])
        else:
            cur = moved
            cur[0] += new_soon
        _age_slot(cur, m)
        cur[0] += new_late
        expected[m + 1] = _by_age(cur.sum(axis=0))
    return expected


def _draw_rates(
    fitted: FittedModel, rng: np.random.Generator, n_sims: int, parameter_uncertainty: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each simulation's generator (S, band, age, K, K), entry rates (S, age, category) [1/day] and trends (S, age band) [1/year]."""
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
    # every hazard from its Gamma posterior, drawn in parallel from a stream per simulation
    both = gamma_draws(
        np.concatenate([shape_mv.ravel(), shape_ex.ravel()]),
        np.concatenate([rate_mv.ravel(), rate_ex.ravel()]),
        streams(rng, n_sims),
    )
    mv = both[:, : shape_mv.size].reshape((n_sims,) + shape_mv.shape)
    ex = both[:, shape_mv.size :].reshape((n_sims,) + shape_ex.shape)
    # rates drift between years beyond their sampling noise: one draw per simulation and category
    drift = np.exp(
        rng.normal(-(fitted.hazard_drift**2) / 2, fitted.hazard_drift, size=(n_sims, len(fitted.categories)))
    )
    q = fitted.generator(mv * drift[:, :, None, None, None], ex * drift[:, :, None, None])
    lam = rng.gamma(np.maximum(fitted.entries, 1e-12), size=(n_sims,) + fitted.entries.shape) / fitted.entry_days
    lam = np.where(fitted.entries > 0, lam, 0.0)
    trend = fitted.entry_trend + fitted.entry_trend_se * rng.standard_normal((n_sims, len(fitted.entry_trend)))
    return q, lam, trend


def _years_ahead(fitted: FittedModel, dates: pd.DatetimeIndex) -> np.ndarray:
    """Years from the window's end to the middle of each projected month (0 before it)."""
    mid = dates[1:] - pd.Timedelta(days=MONTH_DAYS / 2)
    return np.maximum((mid - fitted.reference[1]).days.to_numpy(dtype=float) / 365.25, 0.0)


def _entry_scale(
    fitted: FittedModel,
    dates: pd.DatetimeIndex,
    trend: np.ndarray,
    rng: np.random.Generator,
    parameter_uncertainty: bool,
) -> np.ndarray:
    """Multipliers of the entry rates by (simulation, step, age band): trend, population, level walk and monthly shock."""
    n_sims, n_steps = trend.shape[0], len(dates) - 1
    mult = _entry_multiplier(fitted, dates, trend)
    if parameter_uncertainty and fitted.entry_level_drift > 0:
        # the level of entries follows a random walk from the window's end (mean-preserving log-normal)
        sd = fitted.entry_level_drift
        years = _years_ahead(fitted, dates)
        walk = np.cumsum(rng.standard_normal((n_sims, n_steps)) * np.sqrt(np.diff(years, prepend=0.0)), axis=1)
        mult = mult * np.exp(sd * walk - sd**2 * years / 2)[:, :, None]
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
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run the compiled kernel; return stock (S, date, C, A), entries and exits (S, date, C) [children]."""
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
    draws = np.zeros((n_sims, len(dates), n_c, n_a), dtype=np.int32)
    entries = np.zeros((n_sims, len(dates), n_c), dtype=np.int32)
    exits = np.zeros((n_sims, len(dates), n_c), dtype=np.int32)
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
        _years_ahead(fitted, dates),
        float(sigma),
        np.zeros((0, 0))
        if levers is None or levers.entry_factor is None
        else np.ascontiguousarray(levers.entry_factor[:, live_c, live_a]),
        _no_levers(len(dates) - 1) if levers is None else levers.kernel_levers(),
        streams(rng, n_sims),
        draws,
        entries,
        exits,
    )
    return draws, entries, exits


def _month_steps(durations: tuple[int, ...], w: int) -> tuple[np.ndarray, np.ndarray]:
    """Which month's transition matrix each whole number of months in care uses.

    A child ``d`` whole months in care at a step's start spends its first
    half-month at about ``d + 0.5`` months in care and its second at ``d +
    1.5``, so the month's matrix is the product of the half-month matrices of
    those two bands; a child crossing a band's edge mid-month gets half a
    month of each.

    Returns
    -------
    step_of_month : numpy.ndarray
        Index, for ``d = 0 .. w``, into ``bands_of_step``.
    bands_of_step : numpy.ndarray
        (steps, 2) bands of the first and second half-month.
    """
    d = np.arange(w + 1)
    pairs = np.searchsorted(durations, np.stack([d, np.minimum(d + 1, w)], axis=1), side="right") - 1
    bands_of_step, step_of_month = np.unique(pairs, axis=0, return_inverse=True)
    return step_of_month.astype(np.int64).ravel(), bands_of_step


def _steps(half: np.ndarray, bands_of_step: np.ndarray) -> np.ndarray:
    """Month matrices (S, step, age, K, K) from half-month matrices (S, band, age, K, K)."""
    return products(
        np.ascontiguousarray(half), np.ascontiguousarray(bands_of_step[:, 0]), np.ascontiguousarray(bands_of_step[:, 1])
    )


def _by_age(x: np.ndarray) -> np.ndarray:
    """Sum the birthday slots: (..., C, A*12) -> (..., C, A)."""
    return x.reshape(x.shape[:-1] + (len(AGES), BIRTHDAY_SLOTS)).sum(axis=-1)


def _age_slot(x: np.ndarray, step: int) -> np.ndarray:
    """Age, in place, the children in the birthday slot of ``step``; 17-year-olds leave.

    ``x`` is (S, C, A*12) (or (C, A*12)); returns those ageing out by
    (S, C) (or (C,)).
    """
    slot = step % BIRTHDAY_SLOTS
    grid = x.reshape(x.shape[:-1] + (len(AGES), BIRTHDAY_SLOTS))
    aged_out = grid[..., -1, slot].copy()
    grid[..., 1:, slot] = grid[..., :-1, slot].copy()
    grid[..., 0, slot] = 0
    return aged_out


def _expected_step(x: np.ndarray, p: np.ndarray, z_age: np.ndarray) -> np.ndarray:
    """(C, Z) expected counts through per-age matrices (A, K, K); exits dropped."""
    n_c = x.shape[0]
    return np.einsum("cz,zck->kz", x, p[z_age][:, :n_c, :])[:n_c]
