"""Entries to care: weighted rates by age and first placement, trends by age band, entrants' birthdays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.ages import AGES, DFE_AGE_BANDS, band_index
from ..common.dates import age_at, birthday
from ..counts.flows import Flows
from .poisson import poisson_glm

__all__ = [
    "BIRTHDAY_PRIOR",
    "PANDEMIC_YEAR",
    "EntryFit",
    "entry_birthdays",
    "fit_entries",
    "in_states",
    "shrink_to_prior",
]

#: The pandemic's first year (first and last day), which :func:`sufficiency.fit`'s ``entry_skip`` can leave out of
#: the entries: England's starts fell from 31,010 in the year to March 2020 to 28,480 in the year to March 2021 (8%)
#: and came back to 31,100 the next year (DfE, Children looked after in England including adoptions, 2024 release).
PANDEMIC_YEAR = ("2020-04-01", "2021-03-31")


@dataclass(frozen=True)
class EntryFit:
    """Entries of a reference window (see :class:`sufficiency.FittedModel` for each field)."""

    entries: np.ndarray
    entry_days: float
    trend: np.ndarray
    trend_se: np.ndarray
    entry_time: np.ndarray
    birthdays: np.ndarray
    dispersion: float


def fit_entries(
    fl: Flows,
    episodes: pd.DataFrame,
    *,
    categories: list[str],
    weight_of: pd.Series,
    window: tuple[pd.Timestamp, pd.Timestamp],
    with_trend: bool,
    trend_prior: float | None = None,
) -> EntryFit:
    """Weighted entries by (age, first placement), trends by DfE age band and entrants' birthdays.

    Parameters
    ----------
    fl : Flows
        Monthly flows of the window by placement and age.
    episodes : pandas.DataFrame
        The episodes the flows were counted from.
    categories : list of str
        Model states.
    weight_of : pandas.Series
        Weight of each month, indexed by the month's first day; months of
        weight 0 are outside the entry window.
    window : (start, end)
        First and last day of the entry window.
    with_trend : bool
        Fit log-linear trends (else zeros).
    trend_prior : float or None
        Standard deviation of a normal prior on the trend of all entries,
        centred on no trend [1/year]; ``None`` takes the data's trend as it
        comes (see :func:`shrink_to_prior`).

    Returns
    -------
    EntryFit
    """
    start, end = window
    weight_of = weight_of[weight_of > 0]  # the entry window's months
    periods = pd.DatetimeIndex(weight_of.index)
    c_idx = {c: i for i, c in enumerate(categories)}
    table = in_states(fl.table, categories)
    table = table[table[S.PERIOD_START].isin(periods)]
    entries = np.zeros((len(AGES), len(categories)))
    weights = table[S.PERIOD_START].map(weight_of).to_numpy()
    np.add.at(
        entries,
        (table[S.AGE].to_numpy(dtype=np.int64), table[S.PLACEMENT].map(c_idx).to_numpy(dtype=np.int64)),
        table[S.ENTRIES].to_numpy(dtype=float) * weights,
    )
    ends = fl.table.groupby(S.PERIOD_START)[S.PERIOD_END].first().reindex(periods)
    month_days = pd.Series((ends.to_numpy() - periods.to_numpy()) / np.timedelta64(1, "D") + 1, index=periods)
    days = float((month_days * weight_of).sum())
    monthly = fl.table.groupby(S.PERIOD_START)[S.ENTRIES].sum().reindex(periods)
    trend, trend_se, dispersion = _poisson_trend(monthly, end, with_trend=with_trend)
    by_band = _monthly_entries_by_band(fl, periods)  # (months, bands)
    if with_trend:
        band_trend, band_se = _band_trends(by_band, periods, end, trend, trend_se, dispersion)
        if trend_prior is not None:
            keep = shrink_to_prior(trend_se, trend_prior)
            band_trend, band_se = keep * band_trend, np.sqrt(keep) * band_se
    else:
        band_trend, band_se = np.zeros(by_band.shape[1]), np.zeros(by_band.shape[1])
    centre = ((periods + pd.Timedelta(days=14)) - end).days.to_numpy(dtype=float) / 365.25
    w_entries = by_band * weight_of.to_numpy()[:, None]
    total_w = w_entries.sum(axis=0)
    entry_time = np.divide(
        (centre[:, None] * w_entries).sum(axis=0), total_w, out=np.zeros(len(total_w)), where=total_w > 0
    )
    return EntryFit(
        entries=entries,
        entry_days=days,
        trend=band_trend,
        trend_se=band_se,
        entry_time=entry_time,
        birthdays=entry_birthdays(episodes, start, end),
        dispersion=dispersion,
    )


def shrink_to_prior(se: float, prior: float) -> float:
    """Share of a fitted trend kept under a normal prior centred on no trend.

    With the trend's likelihood taken as normal (estimate ``b``, standard
    error ``se``) and a prior ``N(0, prior²)``, the posterior mean is
    ``keep * b`` and its variance ``keep * se²``, where
    ``keep = prior² / (prior² + se²)``: a trend the data pin down is kept,
    one within its own noise is pulled towards no trend.

    Parameters
    ----------
    se : float
        Standard error of the fitted trend [1/year].
    prior : float
        Standard deviation of the prior [1/year], positive.

    Returns
    -------
    float
        The share kept, in (0, 1].
    """
    if not prior > 0:
        raise ValueError(f"trend_prior={prior!r}: give a positive standard deviation [1/year], or None")
    return float(prior**2 / (prior**2 + se**2))


def in_states(table: pd.DataFrame, categories: list[str]) -> pd.DataFrame:
    """Rows of a flows table in the model's states (known age under 18, a modelled category)."""
    table = table[table[S.AGE].notna() & table[S.PLACEMENT].isin(categories)]
    return table[table[S.AGE].astype(int) < len(AGES)]


#: Weight of the pooled distribution of months to the next birthday [entrants].
BIRTHDAY_PRIOR = 12.0


def entry_birthdays(episodes: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
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


def _monthly_entries_by_band(fl: Flows, periods: pd.DatetimeIndex) -> np.ndarray:
    """Entries by (month, DfE age band) of age at entry, for the months in ``periods``."""
    table = fl.table[fl.table[S.AGE].notna()]
    table = table[table[S.AGE].astype(int) < len(AGES)]
    band = band_index()[table[S.AGE].astype(int).to_numpy()]
    month = periods.get_indexer(table[S.PERIOD_START])
    inside = month >= 0
    out = np.zeros((len(periods), len(DFE_AGE_BANDS)))
    np.add.at(out, (month[inside], band[inside]), table[S.ENTRIES].to_numpy(dtype=float)[inside])
    return out


def _band_trends(
    by_band: np.ndarray,
    periods: pd.DatetimeIndex,
    end: pd.Timestamp,
    common: float,
    common_se: float,
    dispersion: float,
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
    design = np.column_stack([np.ones_like(t), t])
    for k in range(n_b):
        y = by_band[:, k]
        if y.sum() < 20 or len(y) < 6:
            continue
        result = poisson_glm(y, design)
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
    design = np.column_stack([np.ones_like(t), t]) if with_trend else np.ones((len(y), 1))
    result = poisson_glm(y, design)
    dispersion = max(1.0, float(result.pearson_chi2 / max(result.df_resid, 1)))
    if not with_trend:
        return 0.0, 0.0, dispersion
    return float(result.params[1]), float(result.bse[1] * np.sqrt(dispersion)), dispersion
