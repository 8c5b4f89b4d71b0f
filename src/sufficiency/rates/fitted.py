"""The fitted multi-state model: counts, priors and the rates they give.

Hazards are events ÷ exposure, shrunk towards coarser cells with a
conjugate Gamma prior: the posterior ``Gamma(events + k·prior, exposure +
k)`` with ``k = prior_days`` is what projections draw from, so intervals
carry parameter uncertainty. See :func:`sufficiency.fit` for how the counts
are made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.ages import AGES

__all__ = ["MONTH_DAYS", "FittedModel", "duration_labels"]

#: Length of a projection month [days].
MONTH_DAYS = 365.25 / 12


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
    bounds: list[int | None] = [*durations, None]
    for lo, hi in pairwise(bounds):
        assert lo is not None
        if hi is None:
            labels.append("any time" if lo == 0 else f"{months(lo)} and over")
        elif lo == 0:
            labels.append(f"under {months(hi)}")
        else:
            labels.append(f"{months(lo)} to under {months(hi)}")
    return labels


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
        far as the spread between bands exceeds their sampling noise; with
        ``trend_prior`` every band's trend is then pulled towards none by
        the share the trend of all entries keeps under that prior.
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
        [1/sqrt(year)], used for unaccompanied children fitted apart
        (``uasc``): their arrivals follow national events that do not come
        back of themselves. It is their yearly changes' spread (method of
        moments, as :func:`sufficiency.published.totals.starts_drift`, shrunk
        towards ``LEVEL_DRIFT_PRIOR`` with a weight of
        ``LEVEL_DRIFT_PRIOR_WEIGHT`` yearly changes) and at least
        ``UASC_LEVEL_DRIFT``, the drift of national arrivals; 0 for the
        council's own entries.
    entry_level_spread : float
        Spread of the log level of entries about the window's rate [log]: a
        year's entries stray from the council's level by more than their
        trend and Poisson noise explain (practice, courts, the pandemic) and
        come back, a share ``LEVEL_PERSISTENCE`` of a year's deviation still
        there a year later (:mod:`sufficiency.rates.drift`). Estimated from
        the yearly changes of the window's whole-year entries, shrunk towards
        ``LEVEL_SPREAD_PRIOR`` (measured on the DfE's starts by council) with
        a weight of ``LEVEL_DRIFT_PRIOR_WEIGHT`` yearly changes; 0 for
        unaccompanied children fitted apart.
    hazard_drift : float
        Year-to-year spread of each category's rate of moving or leaving
        beyond Poisson noise: standard deviation of the log rates, pooled
        and estimated the same way.
    population : pandas.Series or None
        Child population by date used to scale entries, if given.
    data_start : pandas.Timestamp
        First day the data describe completely (the first return's 1 April).
    data_end : pandas.Timestamp
        Last day of the data (default start of projections).
    episodes : pandas.DataFrame
        The episodes of the children the model covers (not copied; never
        modified): without unaccompanied children when they are fitted
        apart (see ``uasc``).
    entry_window : tuple of pandas.Timestamp
        First and last day of the window entries are counted over.
    uasc : FittedModel or None
        Unaccompanied asylum-seeking children, fitted apart on their own
        episodes (same categories and windows), or ``None`` when they are
        fitted with everyone else or there are none.
    settings : mapping
        The settings ``fit`` was called with that shape the rates
        (``reference_years``, ``entry_years``, ``half_life``,
        ``prior_days``, ``entry_trend``, ``trend_damping``, ``trend_prior``,
        ``time_in_care``, ``uasc``, ``population``): projections check them
        against those their calibration was learned for.
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
    entry_level_spread: float
    hazard_drift: float
    population: pd.Series | None
    data_start: pd.Timestamp
    data_end: pd.Timestamp
    episodes: pd.DataFrame = field(repr=False)
    entry_window: tuple[pd.Timestamp, pd.Timestamp] | None = None
    uasc: FittedModel | None = field(default=None, repr=False)
    settings: Mapping[str, object] = field(default_factory=dict, repr=False)

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
        """Weighted mean entries per day over the window by (age, category) [children/day].

        They stand for the window's weighted mean time of entries
        (``entry_time``), from which the entry trends carry them forward.
        """
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
        c, d, a, k = (
            i.ravel()
            for i in np.meshgrid(np.arange(n_c), np.arange(n_d), np.arange(n_a), np.arange(n_c + 1), indexing="ij")
        )
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
