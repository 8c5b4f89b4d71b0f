"""Project children in care: expected path by matrix steps, Monte Carlo paths.

Each month (``MONTH_DAYS`` days) the children in each (category, age) state
move between categories or leave care with probabilities
``P = expm(Q · month)`` from the fitted generator ``Q``, so competing risks
are handled exactly. New entries arrive as Poisson counts by (age, first
placement) and face half a month of hazards before the month's count.
Children age by one year with probability 1/12 a month (birthdays spread
evenly over the year) and leave care at 18.

Monte Carlo paths draw, for each simulation, every hazard from its
Gamma posterior, every entry rate from Gamma(entries, window days) and the
entry trend from its sampling distribution, so the intervals include
parameter uncertainty; moves are multinomial and entries Poisson with a
shared monthly Gamma shock that reproduces the over-dispersion of monthly
entries seen in the window. All simulations advance together as arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import schema as S
from .ages import DFE_AGE_BANDS
from .rates import AGES, MONTH_DAYS, FittedModel
from .stock import stock

DEFAULT_LEVELS = (80, 95)


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
    method : str
        ``"multistate"`` or the name of a baseline.
    """

    dates: pd.DatetimeIndex
    categories: tuple[str, ...]
    expected: np.ndarray
    draws: np.ndarray = field(repr=False)
    entries: np.ndarray = field(repr=False)
    exits: np.ndarray = field(repr=False)
    seed: int | None = None
    method: str = "multistate"

    def totals(self) -> np.ndarray:
        """Simulated total stock by (simulation, date) [children]."""
        return self.draws.sum(axis=(2, 3))

    def summary_frame(self, level: Sequence[int] = DEFAULT_LEVELS) -> pd.DataFrame:
        """Means, medians and intervals by date, for the total, categories and age bands.

        Parameters
        ----------
        level : sequence of int
            Central interval levels [%].

        Returns
        -------
        pandas.DataFrame
            Long frame: ``date``, ``group`` (``"total"``, ``"placement"`` or
            ``"age_band"``), ``value`` (``"total"``, a category or a band),
            ``expected``, ``mean``, ``median``, ``lower_<L>``, ``upper_<L>``
            [children].
        """
        parts = []
        groups = [("total", ["total"], self.draws.sum(axis=(2, 3))[..., None], self.expected.sum(axis=(1, 2))[..., None])]
        groups.append(("placement", list(self.categories), self.draws.sum(axis=3), self.expected.sum(axis=2)))
        band_draws, band_exp = [], []
        for lo, hi in DFE_AGE_BANDS.values():
            band_draws.append(self.draws[..., lo : hi + 1].sum(axis=(2, 3)))
            band_exp.append(self.expected[..., lo : hi + 1].sum(axis=(1, 2)))
        groups.append(("age_band", list(DFE_AGE_BANDS), np.stack(band_draws, axis=-1), np.stack(band_exp, axis=-1)))
        for group, values, draws, expected in groups:
            parts.append(_summarise(self.dates, group, values, draws, expected, level))
        return pd.concat(parts, ignore_index=True)

    def to_frame(self) -> pd.DataFrame:
        """Expected stock by date, category and age, long [children]."""
        d, c, a = np.meshgrid(np.arange(len(self.dates)), np.arange(len(self.categories)), np.arange(len(AGES)), indexing="ij")
        return pd.DataFrame(
            {
                S.DATE: self.dates.to_numpy()[d.ravel()],
                S.PLACEMENT: np.asarray(self.categories, dtype=object)[c.ravel()],
                S.AGE: a.ravel(),
                "expected": self.expected.ravel(),
            }
        )


def _summarise(dates: pd.DatetimeIndex, group: str, values: list[str], draws: np.ndarray, expected: np.ndarray, level: Sequence[int]) -> pd.DataFrame:
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


def expm_batch(a: np.ndarray) -> np.ndarray:
    """Matrix exponential of a stack of small matrices (scaling and squaring, Taylor order 8).

    Parameters
    ----------
    a : numpy.ndarray
        Shape (..., K, K).

    Returns
    -------
    numpy.ndarray
        ``expm`` of each matrix; agrees with :func:`scipy.linalg.expm` to
        about 1e-12 for the small generators met here.
    """
    norm = np.abs(a).sum(axis=-1).max() if a.size else 0.0
    squarings = max(0, int(np.ceil(np.log2(norm / 0.125)))) if norm > 0 else 0
    x = a / (2.0**squarings)
    eye = np.broadcast_to(np.eye(a.shape[-1]), a.shape)
    result = eye.copy()
    for k in range(8, 0, -1):
        result = eye + (x @ result) / k
    for _ in range(squarings):
        result = result @ result
    return result


def _month_ends(start: pd.Timestamp, end: pd.Timestamp | None, horizon: int | None) -> pd.DatetimeIndex:
    if end is None and horizon is None:
        horizon = 60
    if end is None:
        end = (start + pd.offsets.MonthEnd(0)) + pd.offsets.MonthEnd(int(horizon))  # type: ignore[arg-type]
        if start == start + pd.offsets.MonthEnd(0):
            end = start + pd.offsets.MonthEnd(int(horizon))  # type: ignore[arg-type]
    months = pd.date_range(start + pd.Timedelta(days=1), pd.Timestamp(end), freq="ME")
    return pd.DatetimeIndex([start]).append(months)


def initial_stock(fitted: FittedModel, start: pd.Timestamp) -> np.ndarray:
    """Children in care at the end of ``start`` by (category, age) [children].

    Children of unknown age are placed by the age mix of their category;
    categories the model does not have are left out.
    """
    st = stock(fitted.episodes, [start], by=(S.PLACEMENT, S.AGE))
    st = st[st[S.PLACEMENT].isin(fitted.categories)]
    out = np.zeros((len(fitted.categories), len(AGES)))
    c_idx = {c: i for i, c in enumerate(fitted.categories)}
    known = st[st[S.AGE].notna() & (st[S.AGE] < len(AGES))]
    np.add.at(out, (known[S.PLACEMENT].map(c_idx).to_numpy(), known[S.AGE].astype(int).to_numpy()), known[S.CHILDREN].to_numpy())
    unknown = st[st[S.AGE].isna()].groupby(S.PLACEMENT)[S.CHILDREN].sum()
    for cat, n in unknown.items():
        row = out[c_idx[cat]]
        share = row / row.sum() if row.sum() > 0 else np.full(len(AGES), 1 / len(AGES))
        out[c_idx[cat]] = row + n * share
    return np.round(out).astype(np.int64) if np.allclose(out, np.round(out)) else out


def _entry_multiplier(fitted: FittedModel, dates: pd.DatetimeIndex, trend: np.ndarray) -> np.ndarray:
    """(simulation, step) multipliers of the window's weighted entry rates.

    The weighted rate stands for the window's weighted mean time
    ``entry_time``; the trend carries it to the window's end undamped and
    beyond it damped.
    """
    mid = dates[1:] - pd.Timedelta(days=MONTH_DAYS / 2)
    t = np.maximum(((mid - fitted.reference[1]).days / 365.25).to_numpy(dtype=float), 0.0)
    d = fitted.trend_damping
    ahead = t if d >= 1 else (1 - d**t) / -np.log(d)
    mult = np.exp(trend[:, None] * (ahead[None, :] - fitted.entry_time))
    if fitted.population is not None:
        pop = fitted.population
        at = lambda when: float(np.interp(pd.Timestamp(when).value, pop.index.asi8, pop.to_numpy(dtype=float)))  # noqa: E731
        base = at(fitted.reference[1])
        mult = mult * np.array([at(m) / base for m in mid])[None, :]
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

    Returns
    -------
    Projection
    """
    rng = np.random.default_rng(seed)
    start_ts = pd.Timestamp(start) if start is not None else fitted.data_end
    dates = _month_ends(start_ts, None if end is None else pd.Timestamp(end), horizon)
    n_steps = len(dates) - 1
    n_c, n_a = len(fitted.categories), len(AGES)
    x0 = initial_stock(fitted, start_ts)

    # expected path (posterior-mean rates, trend at its estimate)
    q_mean = fitted.generator()
    half_mean = expm_batch(q_mean * MONTH_DAYS / 2)
    step_mean = half_mean @ half_mean
    mult_mean = _entry_multiplier(fitted, dates, np.array([fitted.entry_trend]))[0]
    expected = np.zeros((len(dates), n_c, n_a))
    expected[0] = x0
    lam_mean = fitted.entry_rates.T * MONTH_DAYS  # (C, A) per month
    for m in range(n_steps):
        cur = _expected_step(expected[m], step_mean) + _expected_step(lam_mean * mult_mean[m], half_mean)
        expected[m + 1] = _age_expected(cur)

    # Monte Carlo
    if parameter_uncertainty:
        k = fitted.prior_days
        shape_mv = fitted.moves + k * fitted.move_prior
        rate_mv = fitted.exposure[..., None] + k
        mv = rng.gamma(np.maximum(shape_mv, 1e-12), size=(n_sims,) + shape_mv.shape) / rate_mv
        mv = np.where(shape_mv > 0, mv, 0.0)
        shape_ex = fitted.exits + k * fitted.exit_prior
        ex = rng.gamma(np.maximum(shape_ex, 1e-12), size=(n_sims,) + shape_ex.shape) / (fitted.exposure + k)
        ex = np.where(shape_ex > 0, ex, 0.0)
        q = fitted.generator(mv, ex)
        lam = rng.gamma(np.maximum(fitted.entries, 1e-12), size=(n_sims,) + fitted.entries.shape) / fitted.entry_days
        lam = np.where(fitted.entries > 0, lam, 0.0)
        trend = rng.normal(fitted.entry_trend, fitted.entry_trend_se, n_sims) if fitted.entry_trend_se > 0 else np.full(n_sims, fitted.entry_trend)
    else:
        q = np.broadcast_to(q_mean, (n_sims,) + q_mean.shape)
        lam = np.broadcast_to(fitted.entry_rates, (n_sims,) + fitted.entries.shape)
        trend = np.full(n_sims, fitted.entry_trend)
    half = expm_batch(q * MONTH_DAYS / 2)
    step = half @ half
    c_all = np.arange(n_c)
    stay_half = np.clip(np.swapaxes(half[:, :, c_all, c_all], 1, 2), 0.0, 1.0)  # (S, C, A)
    mult = _entry_multiplier(fitted, dates, trend)
    lam_month = np.swapaxes(lam, 1, 2) * MONTH_DAYS  # (S, C, A)

    x0_int = np.round(x0).astype(np.int64)
    draws = np.zeros((n_sims, len(dates), n_c, n_a), dtype=np.int32)
    entries = np.zeros((n_sims, len(dates), n_c), dtype=np.int32)
    exits = np.zeros((n_sims, len(dates), n_c), dtype=np.int32)
    x = np.broadcast_to(x0_int, (n_sims, n_c, n_a)).copy()
    draws[:, 0] = x
    # clustered entries (sibling groups, surges): a shared monthly Gamma shock
    # with mean 1 gives the total the fitted variance/mean ratio
    monthly_mean = float(fitted.entry_rates.sum() * MONTH_DAYS)
    excess = fitted.entry_dispersion - 1.0
    if excess > 1e-9 and monthly_mean > 0:
        k = monthly_mean / excess
        shock = rng.gamma(k, 1.0 / k, size=(n_sims, n_steps))
    else:
        shock = np.ones((n_sims, n_steps))
    for m in range(n_steps):
        x, out = _simulate_step(x, step, rng)
        # entries: Poisson thinning splits those who stay in their first
        # placement for the rest of the month from the few who move or leave
        rate = lam_month * (mult[:, m] * shock[:, m])[:, None, None]
        stayers = rng.poisson(rate * stay_half)
        movers = rng.poisson(rate * (1.0 - stay_half))
        entries[:, m + 1] = (stayers + movers).sum(axis=2)
        moved, out_new = _simulate_step(movers, half, rng, leave_all=True)
        x = x + stayers + moved
        aged = rng.binomial(x, 1.0 / 12.0)
        x = x - aged
        x[:, :, 1:] += aged[:, :, :-1]
        exits[:, m + 1] = out + out_new + aged[:, :, -1]
        draws[:, m + 1] = x
    return Projection(dates=dates, categories=fitted.categories, expected=expected, draws=draws, entries=entries, exits=exits, seed=seed)


def _expected_step(x: np.ndarray, p: np.ndarray) -> np.ndarray:
    """(C, A) counts through per-age transition matrices (A, K, K); exits dropped."""
    n_c = x.shape[0]
    moved = np.einsum("ca,ack->ka", x, p[:, :n_c, :])
    return moved[:n_c]


def _age_expected(x: np.ndarray) -> np.ndarray:
    aged = x / 12.0
    out = x - aged
    out[:, 1:] += aged[:, :-1]
    return out


def _simulate_step(x: np.ndarray, p: np.ndarray, rng: np.random.Generator, *, leave_all: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Move simulated counts (S, C, A) through per-simulation matrices (S, A, K, K).

    For each occupied cell one binomial draws how many leave the state; only
    cells with leavers get a multinomial over the other categories and
    leaving care. With ``leave_all`` every child in ``x`` is known to leave
    its state (no binomial is drawn).

    Returns the new counts and the exits by (simulation, category of origin).
    """
    n_s, n_c, n_a = x.shape
    s_i, c_i, a_i = np.nonzero(x)
    n = x[s_i, c_i, a_i]
    if leave_all:
        leave = n
    else:
        leave = rng.binomial(n, np.clip(1.0 - p[s_i, a_i, c_i, c_i], 0.0, 1.0))
    out = x.copy()
    out[s_i, c_i, a_i] -= leave
    moving = leave > 0
    s_i, c_i, a_i, leave = s_i[moving], c_i[moving], a_i[moving], leave[moving]
    exits = np.zeros((n_s, n_c), dtype=np.int64)
    if s_i.size == 0:
        return out, exits
    probs = p[s_i, a_i, c_i, :]  # (N, K)
    probs[np.arange(s_i.size), c_i] = 0.0
    probs = np.clip(probs, 0.0, None)
    total = probs.sum(axis=1, keepdims=True)
    probs = np.divide(probs, total, out=np.zeros_like(probs), where=total > 0)
    probs[total[:, 0] <= 0, n_c] = 1.0
    dest = rng.multinomial(leave, probs)
    cells = n_s * n_c * n_a
    k = np.arange(n_c + 1)
    index = np.where(k < n_c, (s_i[:, None] * n_c + k) * n_a + a_i[:, None], cells + s_i[:, None] * n_c + c_i[:, None])
    counts = np.bincount(index.ravel(), weights=dest.ravel(), minlength=cells + n_s * n_c).astype(np.int64)
    out += counts[:cells].reshape(n_s, n_c, n_a)
    exits += counts[cells:].reshape(n_s, n_c)
    return out, exits
