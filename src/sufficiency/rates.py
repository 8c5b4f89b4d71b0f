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

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd
import statsmodels.api as sm

from . import schema as S
from .ages import DFE_AGE_BANDS, TIME_IN_CARE_BANDS
from .dates import age_at, birthday
from .flows import Flows, flows
from .segments import episodes_of, period_began
from .taxonomy import ordered_categories

AGES = tuple(range(S.LEAVING_AGE))
#: Length of a projection month [days].
MONTH_DAYS = 365.25 / 12
#: Default bands of time in care the hazards are fitted by: lower bounds [months].
DEFAULT_TIME_IN_CARE = (0, 3, 12)


def duration_labels(durations: Sequence[int]) -> list[str]:
    """Readable labels of time-in-care bands.

    Parameters
    ----------
    durations : sequence of int
        Lower bounds of the bands, increasing from 0 [months].

    Returns
    -------
    list of str
        E.g. ``["under 3 months", "3 months to under 1 year", "1 year and over"]``.
    """

    def months(m: int) -> str:
        return f"{m // 12} year{'s' if m >= 24 else ''}" if m % 12 == 0 else f"{m} months"

    labels = []
    for lo, hi in pairwise([*durations, None]):
        if hi is None:
            labels.append("any time" if lo == 0 else f"{months(lo)} and over")
        elif lo == 0:
            labels.append(f"under {months(hi)}")
        else:
            labels.append(f"{months(lo)} to under {months(hi)}")
    return labels


def _check_durations(durations: Sequence[int] | None) -> tuple[int, ...]:
    allowed = tuple(TIME_IN_CARE_BANDS.values())
    out = (0,) if durations is None else tuple(int(d) for d in durations)
    if not out or out[0] != 0 or any(b <= a for a, b in pairwise(out)) or not set(out) <= set(allowed):
        raise ValueError(f"time_in_care={durations!r}: give increasing band starts [months] beginning with 0, chosen from {allowed}")
    return out


@dataclass(frozen=True)
class FittedModel:
    """Rates of a multi-state model of children in care.

    Attributes
    ----------
    categories : tuple of str
        Placement categories (states), in display order.
    reference : tuple of pandas.Timestamp
        First and last day of the reference window.
    durations : tuple of int
        Lower bounds of the time-in-care bands the hazards are split by
        [months]; ``(0,)`` for no split.
    exposure : numpy.ndarray
        (category, time-in-care band, age) child-days in care in the window,
        weighted by month (see ``half_life``) [child-days].
    moves : numpy.ndarray
        (category, time-in-care band, age, destination category) moves
        counted [children].
    exits : numpy.ndarray
        (category, time-in-care band, age) exits from care counted
        [children]; exits on the 18th birthday are structural and not
        counted here.
    move_prior, exit_prior : numpy.ndarray
        Prior means the cells are shrunk towards, same shapes [1/day].
    prior_days : float
        Weight of the prior [child-days].
    entries : numpy.ndarray
        (age, category) entries to care counted in the window, weighted by
        month (see ``half_life``) [children].
    entry_days : float
        Weighted length of the window [days].
    entry_trend : numpy.ndarray
        Fitted log-linear trend of entries by DfE age band [1/year]; zeros
        when not fitted. Each band's own trend (quasi-Poisson GLM of its
        monthly entries) is shrunk towards the trend of all entries by
        empirical Bayes across bands, so a band's trend stands out only as
        far as the spread between bands exceeds their sampling noise.
    entry_trend_se : numpy.ndarray
        Their standard errors [1/year].
    trend_damping : float
        Yearly damping of the trend beyond the window's end: the trend adds
        ``entry_trend * (1 - d**t) / -log(d)`` to the log rate ``t`` years
        ahead (``d = 1`` is a straight line).
    entry_time : numpy.ndarray
        Weighted mean time of the window's entries relative to its end, by
        DfE age band [years, negative].
    entry_birthdays : numpy.ndarray
        (age at entry, k) share of entrants whose next birthday falls ``k``
        months after the month they enter (k = 0 .. 12; 12 when the
        birthday came earlier in the entry month), from the window's
        entries, shrunk towards the distribution of all entrants aged 1-17
        with a weight of ``BIRTHDAY_PRIOR`` entrants. Newborns enter soon
        after birth, so their first birthday is near 12 months away rather
        than six.
    entry_dispersion : float
        Variance of monthly entries ÷ their mean (Pearson, after the trend);
        above 1 when entries cluster, as sibling groups do.
    entry_drift : float
        Year-to-year spread of entry rates by (DfE age band, category)
        beyond Poisson noise, after the total's changes: standard deviation
        of the log rates' yearly drift [1/sqrt(year)], pooled over groups
        and estimated from the window's whole years (method of moments).
    entry_level_drift : float
        Spread of a random walk in the log level of all entries
        [1/sqrt(year)]: entries shift from year to year by more than their
        trend and Poisson noise explain (surges of unaccompanied children,
        the pandemic, changes of practice). Estimated from the yearly
        changes of the window's whole-year entries (method of moments, as
        :func:`sufficiency.published.starts_drift`), shrunk towards
        ``LEVEL_DRIFT_PRIOR`` with a weight of ``LEVEL_DRIFT_PRIOR_WEIGHT``
        yearly changes.
    hazard_drift : float
        Year-to-year spread of each category's rate of moving or leaving
        beyond Poisson noise: standard deviation of the log rates, pooled
        and estimated the same way.
    population : pandas.Series or None
        Child population by date used to scale entries, if given.
    data_end : pandas.Timestamp
        Last day of the data (default start of projections).
    episodes : pandas.DataFrame
        The episodes the model was fitted on (not copied; never modified).
    """

    categories: tuple[str, ...]
    reference: tuple[pd.Timestamp, pd.Timestamp]
    durations: tuple[int, ...]
    exposure: np.ndarray
    moves: np.ndarray
    exits: np.ndarray
    move_prior: np.ndarray
    exit_prior: np.ndarray
    prior_days: float
    entries: np.ndarray
    entry_days: float
    entry_trend: np.ndarray
    entry_trend_se: np.ndarray
    trend_damping: float
    entry_time: np.ndarray
    entry_birthdays: np.ndarray
    entry_dispersion: float
    entry_drift: float
    entry_level_drift: float
    hazard_drift: float
    population: pd.Series | None
    data_end: pd.Timestamp
    episodes: pd.DataFrame = field(repr=False)

    @property
    def duration_bands(self) -> list[str]:
        """Labels of the time-in-care bands."""
        return duration_labels(self.durations)

    @property
    def move_rates(self) -> np.ndarray:
        """Posterior mean hazards of moving (category, band, age, destination) [1/day]."""
        return (self.moves + self.prior_days * self.move_prior) / (self.exposure[..., None] + self.prior_days)

    @property
    def exit_rates(self) -> np.ndarray:
        """Posterior mean hazards of leaving care (category, band, age) [1/day]."""
        return (self.exits + self.prior_days * self.exit_prior) / (self.exposure + self.prior_days)

    @property
    def entry_rates(self) -> np.ndarray:
        """Entries per day by (age, category) at the end of the window [children/day]."""
        return self.entries / self.entry_days

    def generator(self, move_rates: np.ndarray | None = None, exit_rates: np.ndarray | None = None) -> np.ndarray:
        """Transition-rate matrices per time-in-care band and age, with leaving care as the last state.

        Parameters
        ----------
        move_rates, exit_rates : numpy.ndarray, optional
            Hazards to use (with any leading simulation axes); default the
            posterior means.

        Returns
        -------
        numpy.ndarray
            Shape (..., band, age, K, K) with K = categories + 1 [1/day];
            rows sum to zero.
        """
        mv = self.move_rates if move_rates is None else move_rates
        ex = self.exit_rates if exit_rates is None else exit_rates
        c = len(self.categories)
        lead = mv.shape[:-4]
        q = np.zeros(lead + (len(self.durations), len(AGES), c + 1, c + 1))
        q[..., :c, :c] = np.moveaxis(mv, -4, -2)
        idx = np.arange(c)
        q[..., idx, idx] = 0.0
        q[..., :c, c] = np.moveaxis(ex, -3, -1)
        q[..., idx, idx] = -q[..., :c, :].sum(axis=-1)
        return q

    def rates_frame(self) -> pd.DataFrame:
        """Hazards with the evidence behind them, one row per transition.

        Returns
        -------
        pandas.DataFrame
            ``placement``, ``time_in_care``, ``age``, ``to`` (a category or
            ``"exit"``), ``events`` [children], ``exposure_days``
            [child-days], ``raw_rate`` and ``rate`` (after shrinkage) [per
            child-year].
        """
        year = 365.25
        n_c, n_d, n_a = self.exposure.shape
        events = np.concatenate([self.moves, self.exits[..., None]], axis=-1)  # (C, D, A, C + 1)
        rates = np.concatenate([self.move_rates, self.exit_rates[..., None]], axis=-1)
        c, d, a, k = (i.ravel() for i in np.meshgrid(np.arange(n_c), np.arange(n_d), np.arange(n_a), np.arange(n_c + 1), indexing="ij"))
        keep = c != k
        c, d, a, k = c[keep], d[keep], a[keep], k[keep]
        x = self.exposure[c, d, a]
        ev = events[c, d, a, k]
        return pd.DataFrame(
            {
                S.PLACEMENT: np.asarray(self.categories, dtype=object)[c],
                S.TIME_IN_CARE: np.asarray(self.duration_bands, dtype=object)[d],
                S.AGE: a,
                "to": np.asarray(list(self.categories) + ["exit"], dtype=object)[k],
                "events": ev,
                S.EXPOSURE_DAYS: x,
                "raw_rate": np.divide(ev * year, x, out=np.full(len(x), np.nan), where=x > 0),
                "rate": rates[c, d, a, k] * year,
            }
        )

    def summary(self) -> pd.DataFrame:
        """Per placement: exposure, events and yearly rates of moving and leaving.

        Returns
        -------
        pandas.DataFrame
            Index ``placement``; ``child_years``, ``moves``, ``exits``,
            ``move_rate`` and ``exit_rate`` [per child-year], ``entries``
            [children/year].
        """
        year = 365.25
        exposure = self.exposure.sum(axis=(1, 2))
        moves = self.moves.sum(axis=(1, 2, 3))
        exits = self.exits.sum(axis=(1, 2))
        return pd.DataFrame(
            {
                "child_years": exposure / year,
                "moves": moves,
                "exits": exits,
                "move_rate": np.divide(moves * year, exposure, out=np.full(len(exposure), np.nan), where=exposure > 0),
                "exit_rate": np.divide(exits * year, exposure, out=np.full(len(exposure), np.nan), where=exposure > 0),
                "entries": self.entries.sum(axis=0) / self.entry_days * year,
            },
            index=pd.Index(self.categories, name=S.PLACEMENT),
        )


#: Default length of the reference window [years].
DEFAULT_REFERENCE_YEARS = 5.0


def default_reference(end: pd.Timestamp, *, years: float = DEFAULT_REFERENCE_YEARS) -> tuple[pd.Timestamp, pd.Timestamp]:
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


def _band_index() -> np.ndarray:
    out = np.zeros(len(AGES), dtype=int)
    for i, (lo, hi) in enumerate(DFE_AGE_BANDS.values()):
        out[lo : hi + 1] = i
    return out


def _shrink_prior(events: np.ndarray, exposure: np.ndarray, prior_days: float) -> np.ndarray:
    """Prior means by (category, age[, destination]) from band and all-age pools.

    ``events`` has shape (C, A, ...) and ``exposure`` (C, A).
    """
    band = _band_index()
    n_band = band.max() + 1
    extra = events.shape[2:]
    x = exposure.reshape(exposure.shape + (1,) * len(extra))
    cat_events = events.sum(axis=1, keepdims=True)
    cat_exp = x.sum(axis=1, keepdims=True)
    cat_rate = np.divide(cat_events, cat_exp, out=np.zeros_like(cat_events, dtype=float), where=cat_exp > 0)
    band_events = np.stack([events[:, band == b].sum(axis=1) for b in range(n_band)], axis=1)
    band_exp = np.stack([x[:, band == b].sum(axis=1) for b in range(n_band)], axis=1)
    band_rate = (band_events + 2 * prior_days * cat_rate) / (band_exp + 2 * prior_days)
    return band_rate[:, band]


def fit(
    data: object,
    *,
    reference: tuple[object, object] | None = None,
    categories: Sequence[str] | None = None,
    prior_days: float = 180.0,
    half_life: float | None = 18.0,
    entry_trend: bool = True,
    trend_damping: float = 0.8,
    population: pd.Series | None = None,
    time_in_care: Sequence[int] | None = DEFAULT_TIME_IN_CARE,
) -> FittedModel:
    """Fit hazards and entry rates over a reference window.

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
    categories : sequence of str, optional
        States; default every placement category seen in the data.
    prior_days : float
        Weight of the shrinkage prior [child-days] (see module notes).
    half_life : float or None
        Events and exposure of each month count with weight
        ``0.5 ** (months before the window's end / half_life)``, so recent
        behaviour dominates while older months still steady small cells
        [months; default 18, which backtests on synthetic counties favoured
        over 12 for the placement mix at equal accuracy of the total].
        ``None`` weighs the window evenly.
    entry_trend : bool
        Fit a log-linear trend to monthly entries (quasi-Poisson GLM over
        the window) and carry it forward, damped; ``False`` keeps the
        window's weighted average rate.
    trend_damping : float
        Yearly damping factor of the trend, in (0, 1] (see
        :attr:`FittedModel.trend_damping`).
    population : pandas.Series, optional
        Child population indexed by date; entry rates are then per child
        and scale with the population.
    time_in_care : sequence of int or None
        Lower bounds of the time-in-care bands to fit hazards by [months],
        chosen from the bounds of
        :data:`sufficiency.ages.TIME_IN_CARE_BANDS` (0, 3, 12, 24, 60);
        default ``(0, 3, 12)``. ``None`` or ``(0,)`` fits one band.
        Projections follow each child's months in care up to the last
        bound, so a later last bound costs projection time.

    Returns
    -------
    FittedModel
    """
    episodes, coverage_start, censor = episodes_of(data)
    data_end = pd.Timestamp(censor) if censor is not None else pd.Timestamp(max(episodes[S.EPISODE_START].max(), episodes[S.EPISODE_END].max()))
    start, end = default_reference(data_end) if reference is None else (pd.Timestamp(reference[0]), pd.Timestamp(reference[1]))
    if coverage_start is not None and start < pd.Timestamp(coverage_start):
        # before the first return only the children still in care at its start are visible
        start = pd.Timestamp(coverage_start)
    if start > end:
        raise ValueError(f"reference window {start.date()} to {end.date()} is empty")
    if end > data_end:
        raise ValueError(f"reference window ends {end.date()} after the data ({data_end.date()})")
    cats = list(categories) if categories is not None else ordered_categories(episodes[S.PLACEMENT])
    durations = _check_durations(time_in_care)
    split = len(durations) > 1
    fl = flows(episodes, start=start, end=end, freq="MS", by=(S.PLACEMENT, S.AGE, S.TIME_IN_CARE) if split else (S.PLACEMENT, S.AGE))
    periods = pd.DatetimeIndex(sorted(fl.table[S.PERIOD_START].unique()))
    if half_life is None:
        weight_of = pd.Series(1.0, index=periods)
    else:
        months_back = (end.year - periods.year) * 12 + (end.month - periods.month)
        weight_of = pd.Series(0.5 ** (np.asarray(months_back, dtype=float) / half_life), index=periods)
    c_idx = {c: i for i, c in enumerate(cats)}
    # each of the flows' time-in-care bands falls in one of the model's bands
    band_of = {label: int(np.searchsorted(durations, months, side="right")) - 1 for label, months in TIME_IN_CARE_BANDS.items()}
    n_c, n_d, n_a = len(cats), len(durations), len(AGES)

    def cells(frame: pd.DataFrame, value: pd.Series, *, prefix: str = "") -> tuple[tuple[np.ndarray, ...], np.ndarray, pd.DataFrame]:
        """(category, band, age) indices, weighted values and the rows themselves, for rows in the model's states."""
        age = frame[prefix + S.AGE]
        ok = (frame[prefix + S.PLACEMENT].isin(cats) & age.notna()).to_numpy().copy()
        ok[ok] = age[ok].astype(int).to_numpy() < n_a
        frame = frame[ok]
        band = frame[prefix + S.TIME_IN_CARE].map(band_of).to_numpy(dtype=int) if split else np.zeros(len(frame), dtype=int)
        weighted = value[ok].to_numpy(dtype=float) * frame[S.PERIOD_START].map(weight_of).to_numpy()
        return (frame[prefix + S.PLACEMENT].map(c_idx).to_numpy(), band, frame[prefix + S.AGE].astype(int).to_numpy()), weighted, frame

    exposure = np.zeros((n_c, n_d, n_a))
    exits = np.zeros((n_c, n_d, n_a))
    entries = np.zeros((n_a, n_c))
    idx, value, _ = cells(fl.table, fl.table[S.EXPOSURE_DAYS])
    np.add.at(exposure, idx, value)
    idx, value, _ = cells(fl.table, fl.table[S.ENTRIES])
    np.add.at(entries, (idx[2], idx[0]), value)
    idx, value, _ = cells(fl.exits, fl.exits[S.COUNT])
    np.add.at(exits, idx, value)
    # exits on the 18th birthday are structural (the projection ages children out)
    at18 = _exits_on_18th_birthday(episodes, start, end, weight_of, durations)
    for (cat, band), count in at18.items():
        if cat in c_idx:
            exits[c_idx[cat], band, n_a - 1] -= count
    exits = np.maximum(exits, 0)

    moves = np.zeros((n_c, n_d, n_a, n_c))
    mv = fl.moves[fl.moves[S.TO_PLACEMENT].isin(cats)]
    idx, value, kept = cells(mv, mv[S.COUNT], prefix="from_")
    np.add.at(moves, idx + (kept[S.TO_PLACEMENT].map(c_idx).to_numpy(),), value)
    flat = (n_c * n_d, n_a)
    move_prior = _shrink_prior(moves.reshape(flat + (n_c,)), exposure.reshape(flat), prior_days).reshape(moves.shape)
    exit_prior = _shrink_prior(exits.reshape(flat), exposure.reshape(flat), prior_days).reshape(exits.shape)
    month_days = pd.Series(fl.table.groupby(S.PERIOD_START)[S.PERIOD_END].first() - periods + pd.Timedelta(days=1)).dt.days
    days = float((month_days * weight_of).sum())

    monthly = fl.table.groupby(S.PERIOD_START)[S.ENTRIES].sum()
    trend, trend_se, dispersion = _poisson_trend(monthly, end, with_trend=entry_trend)
    by_band = _monthly_entries_by_band(fl, periods)  # (months, bands)
    band_trend, band_se = _band_trends(by_band, periods, end, trend, trend_se, dispersion) if entry_trend else (np.zeros(by_band.shape[1]), np.zeros(by_band.shape[1]))
    centre = ((periods + pd.Timedelta(days=14)) - end).days.to_numpy(dtype=float) / 365.25
    w_entries = by_band * weight_of.to_numpy()[:, None]
    total_w = w_entries.sum(axis=0)
    entry_time = np.divide((centre[:, None] * w_entries).sum(axis=0), total_w, out=np.zeros(len(total_w)), where=total_w > 0)
    entry_drift, level_drift, hazard_drift = _drifts(fl, cats, end, dispersion)
    pop = None
    if population is not None:
        pop = population.sort_index()
        pop.index = pd.DatetimeIndex(pd.to_datetime(pop.index)).as_unit("ns")
    return FittedModel(
        categories=tuple(cats),
        reference=(start, end),
        durations=durations,
        exposure=exposure,
        moves=moves,
        exits=exits,
        move_prior=move_prior,
        exit_prior=exit_prior,
        prior_days=float(prior_days),
        entries=entries,
        entry_days=days,
        entry_trend=band_trend,
        entry_trend_se=band_se,
        trend_damping=float(trend_damping),
        entry_time=entry_time,
        entry_birthdays=_entry_birthdays(episodes, start, end),
        entry_dispersion=dispersion,
        entry_drift=entry_drift,
        entry_level_drift=level_drift,
        hazard_drift=hazard_drift,
        population=pop,
        data_end=data_end,
        episodes=episodes,
    )


def _extra_spread(counts: np.ndarray, expected: np.ndarray) -> float:
    """Method-of-moments spread of log rates beyond Poisson noise, pooled over groups.

    ``counts`` and ``expected`` are (group, year); Var(n) = m + sigma^2 m^2.
    """
    excess = float(((counts - expected) ** 2 - expected).sum())
    scale = float((expected**2).sum())
    return float(np.sqrt(max(excess, 0.0) / scale)) if scale > 0 else 0.0


#: Random-walk spread of councils' log starts [1/sqrt(year)]: the value of
#: ``sufficiency.published.starts_drift(sufficiency.load_published())`` (DfE
#: starts by council, 2018-2022; checked by the tests).
LEVEL_DRIFT_PRIOR = 0.212
#: Weight of that prior [yearly changes].
LEVEL_DRIFT_PRIOR_WEIGHT = 2.0


def _level_drift(totals: np.ndarray, dispersion: float) -> float:
    """Random-walk spread of the log level of yearly entry ``totals`` (consecutive years), shrunk to the prior."""
    n = totals[totals > 0]
    excess, k = 0.0, 0
    if len(n) >= 3:
        change = np.diff(np.log(n))
        k = len(change)
        excess = float((((change - change.mean()) ** 2) * k / (k - 1) - dispersion * (1 / n[1:] + 1 / n[:-1])).sum())
    w = LEVEL_DRIFT_PRIOR_WEIGHT
    return float(np.sqrt(max((w * LEVEL_DRIFT_PRIOR**2 + excess) / (w + k), 0.0)))


def _drifts(fl: Flows, cats: list[str], end: pd.Timestamp, dispersion: float) -> tuple[float, float, float]:
    """Yearly drift of entry composition, of the entry level and of hazards (see :class:`FittedModel`)."""
    band = _band_index()
    table = fl.table[fl.table[S.AGE].notna() & fl.table[S.PLACEMENT].isin(cats)]
    table = table[table[S.AGE].astype(int) < len(AGES)]
    months_back = (end.year - table[S.PERIOD_START].dt.year) * 12 + (end.month - table[S.PERIOD_START].dt.month)
    year = (months_back // 12).to_numpy()
    periods = fl.table[S.PERIOD_START].drop_duplicates()
    per_year = (((end.year - periods.dt.year) * 12 + (end.month - periods.dt.month)) // 12).value_counts()
    full = sorted(int(y) for y, n in per_year.items() if n == 12)
    if len(full) < 2:
        return 0.0, LEVEL_DRIFT_PRIOR, 0.0
    c_idx = {c: i for i, c in enumerate(cats)}
    n_years = int(year.max()) + 1
    ci = table[S.PLACEMENT].map(c_idx).to_numpy()
    bi = band[table[S.AGE].astype(int).to_numpy()]
    entries = np.zeros((band.max() + 1, len(cats), n_years))
    np.add.at(entries, (bi, ci, year), table[S.ENTRIES].to_numpy(dtype=float))
    exposure = np.zeros((len(cats), n_years))
    np.add.at(exposure, (ci, year), table[S.EXPOSURE_DAYS].to_numpy(dtype=float))
    out = np.zeros((len(cats), n_years))
    np.add.at(out, (ci, year), (table[S.EXITS] + table[S.MOVES_OUT]).to_numpy(dtype=float))
    # composition: each group's share of the year's total entries (the total's own changes are the trend's)
    e = entries[:, :, full].reshape(-1, len(full))
    share = e.sum(axis=1, keepdims=True) / max(e.sum(), 1.0)
    entry_drift = _extra_spread(e, share * e.sum(axis=0)[None, :])
    x, o = exposure[:, full], out[:, full]
    rate = np.divide(o.sum(axis=1), x.sum(axis=1), out=np.zeros(len(cats)), where=x.sum(axis=1) > 0)
    hazard_drift = _extra_spread(o, rate[:, None] * x)
    # the level: consecutive whole years, oldest first
    run = []
    while len(run) in full:  # years back 0, 1, 2, ... while whole
        run.append(len(run))
    run = run[::-1]
    level = _level_drift(entries.sum(axis=(0, 1))[run], dispersion) if len(run) >= 3 else LEVEL_DRIFT_PRIOR
    return entry_drift, level, hazard_drift


#: Weight of the pooled distribution of months to the next birthday [entrants].
BIRTHDAY_PRIOR = 12.0


def _entry_birthdays(episodes: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
    """Shares of entrants by age and months from the entry month to the next birthday (see :class:`FittedModel`)."""
    ent = episodes[episodes[S.IS_ENTRY].to_numpy(bool) & episodes[S.EPISODE_START].between(start, end).to_numpy()]
    when = ent[S.EPISODE_START].to_numpy("datetime64[ns]")
    age = age_at(ent[S.DATE_OF_BIRTH].to_numpy(), when)
    known = ~np.isnan(age) & (age >= 0) & (age < len(AGES))
    age = age[known].astype(int)
    nxt = pd.DatetimeIndex(birthday(ent[S.DATE_OF_BIRTH].to_numpy()[known], age + 1))
    entered = pd.DatetimeIndex(when[known])
    k = np.clip((nxt.year - entered.year) * 12 + (nxt.month - entered.month), 0, 12)
    counts = np.zeros((len(AGES), 13))
    np.add.at(counts, (age, np.asarray(k)), 1.0)
    pooled = counts[1:].sum(axis=0)
    # with no entrants aged 1-17, a birthday equally likely in any month (half of the entry month's before entry)
    prior = pooled / pooled.sum() if pooled.sum() > 0 else np.r_[0.5, np.ones(11), 0.5] / 12
    return (counts + BIRTHDAY_PRIOR * prior) / (counts.sum(axis=1, keepdims=True) + BIRTHDAY_PRIOR)


def _exits_on_18th_birthday(episodes: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, weight_of: pd.Series, durations: tuple[int, ...]) -> pd.Series:
    """Weighted count of exits on the 18th birthday by (placement, time-in-care band index)."""
    chosen = (episodes[S.IS_EXIT] & episodes[S.EPISODE_END].between(start, end)).to_numpy()
    ex = episodes[chosen]
    on18 = ex[S.EPISODE_END].to_numpy("datetime64[ns]") == birthday(ex[S.DATE_OF_BIRTH].to_numpy(), S.LEAVING_AGE)
    began = period_began(episodes)[chosen][on18]
    ex = ex[on18]
    # the band of the day before the birthday, as in the flows' pieces
    band = np.zeros(len(ex), dtype=int)
    for months in durations[1:]:
        when = (pd.DatetimeIndex(began) + pd.DateOffset(months=months)).to_numpy("datetime64[ns]")
        band += when <= ex[S.EPISODE_END].to_numpy("datetime64[ns]") - np.timedelta64(1, "D")
    month = ex[S.EPISODE_END].dt.to_period("M").dt.to_timestamp()
    weights = month.map(weight_of).fillna(0.0).to_numpy()
    return pd.Series(weights).groupby([ex[S.PLACEMENT].to_numpy(), band]).sum()


def _monthly_entries_by_band(fl: Flows, periods: pd.DatetimeIndex) -> np.ndarray:
    """Entries by (month, DfE age band) of age at entry (unknown ages spread by the known mix)."""
    table = fl.table[fl.table[S.AGE].notna()]
    table = table[table[S.AGE].astype(int) < len(AGES)]
    band = _band_index()[table[S.AGE].astype(int).to_numpy()]
    month = periods.get_indexer(table[S.PERIOD_START])
    out = np.zeros((len(periods), len(DFE_AGE_BANDS)))
    np.add.at(out, (month, band), table[S.ENTRIES].to_numpy(dtype=float))
    return out


def _band_trends(
    by_band: np.ndarray, periods: pd.DatetimeIndex, end: pd.Timestamp, common: float, common_se: float, dispersion: float
) -> tuple[np.ndarray, np.ndarray]:
    """Each age band's log-linear entry trend, shrunk towards the common trend (empirical Bayes).

    With band slopes ``b_k`` (standard errors ``s_k``, quasi-Poisson with
    the total's dispersion) and common slope ``b``, the spread between bands
    beyond noise is ``tau² = max(0, mean((b_k - b)²) - mean(s_k²))``; each
    band keeps the share ``tau² / (tau² + s_k²)`` of its departure from
    ``b``. Bands too small to fit keep the common slope.
    """
    t = ((periods - end).days / 365.25).to_numpy(dtype=float)
    n_b = by_band.shape[1]
    slopes, ses = np.full(n_b, np.nan), np.full(n_b, np.nan)
    design = sm.add_constant(t)
    for k in range(n_b):
        y = by_band[:, k]
        if y.sum() < 20 or len(y) < 6:
            continue
        result = sm.GLM(y, design, family=sm.families.Poisson()).fit()
        slopes[k], ses[k] = result.params[1], result.bse[1] * np.sqrt(dispersion)
    ok = ~np.isnan(slopes)
    out, out_se = np.full(n_b, common), np.full(n_b, common_se)
    if ok.sum() < 2:
        return out, out_se
    tau2 = max(0.0, float(np.mean((slopes[ok] - common) ** 2) - np.mean(ses[ok] ** 2)))
    keep = tau2 / (tau2 + ses[ok] ** 2)
    out[ok] = common + keep * (slopes[ok] - common)
    out_se[ok] = np.sqrt(keep * ses[ok] ** 2 + ((1 - keep) * common_se) ** 2)
    return out, out_se


def _poisson_trend(monthly: pd.Series, end: pd.Timestamp, *, with_trend: bool) -> tuple[float, float, float]:
    """Quasi-Poisson fit of monthly entries.

    Returns the log-linear trend [1/year] and its standard error (zeros
    without a trend) and the dispersion (Pearson chi-square ÷ residual
    degrees of freedom, at least 1).
    """
    y = monthly.to_numpy(dtype=float)
    if len(y) < 6 or y.sum() == 0:
        return 0.0, 0.0, 1.0
    t = ((monthly.index - end).days / 365.25).to_numpy(dtype=float)
    design = sm.add_constant(t) if with_trend else np.ones((len(y), 1))
    result = sm.GLM(y, design, family=sm.families.Poisson()).fit()
    dispersion = max(1.0, float(result.pearson_chi2 / max(result.df_resid, 1)))
    if not with_trend:
        return 0.0, 0.0, dispersion
    return float(result.params[1]), float(result.bse[1] * np.sqrt(dispersion)), dispersion
