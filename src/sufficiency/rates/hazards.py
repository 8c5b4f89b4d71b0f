"""Hazards of moving between placement categories and of leaving care.

Events and exposure are counted from monthly flows by (category, band of
time in care, single-year age), each month weighted by the fit's monthly
weights. Exits on the 18th birthday are structural (projections age
children out) and are not counted. Small cells are shrunk towards coarser
cells with a conjugate Gamma prior (see :mod:`sufficiency.rates`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.ages import AGES, TIME_IN_CARE_BANDS, band_index
from ..common.dates import birthday
from ..counts.flows import Flows
from ..counts.pieces import period_began

__all__ = ["HazardCounts", "count_hazards"]


@dataclass(frozen=True)
class HazardCounts:
    """Weighted events and exposure of a reference window, with their shrinkage priors.

    Attributes
    ----------
    exposure : numpy.ndarray
        (category, band, age) child-days in care [child-days].
    moves : numpy.ndarray
        (category, band, age, destination) moves [children].
    exits : numpy.ndarray
        (category, band, age) exits other than on the 18th birthday [children].
    move_prior, exit_prior : numpy.ndarray
        Prior means of the hazards, same shapes [1/day].
    """

    exposure: np.ndarray
    moves: np.ndarray
    exits: np.ndarray
    move_prior: np.ndarray
    exit_prior: np.ndarray


def count_hazards(
    fl: Flows,
    episodes: pd.DataFrame,
    *,
    categories: list[str],
    durations: tuple[int, ...],
    weight_of: pd.Series,
    window: tuple[pd.Timestamp, pd.Timestamp],
    prior_days: float,
) -> HazardCounts:
    """Count weighted exposure, moves and exits by state, and their shrinkage priors.

    Parameters
    ----------
    fl : Flows
        Monthly flows of the window by placement and age (and time in care
        when ``durations`` has more than one band).
    episodes : pandas.DataFrame
        The episodes the flows were counted from.
    categories : list of str
        Model states.
    durations : tuple of int
        Lower bounds of the model's time-in-care bands [months].
    weight_of : pandas.Series
        Weight of each month, indexed by the month's first day.
    window : (start, end)
        First and last day of the window.
    prior_days : float
        Weight of the prior [child-days].

    Returns
    -------
    HazardCounts
    """
    c_idx = {c: i for i, c in enumerate(categories)}
    n_c, n_d, n_a = len(categories), len(durations), len(AGES)
    exposure = np.zeros((n_c, n_d, n_a))
    exits = np.zeros((n_c, n_d, n_a))
    idx, value, _ = _cells(fl.table, fl.table[S.EXPOSURE_DAYS], c_idx, durations, weight_of)
    np.add.at(exposure, idx, value)
    idx, value, _ = _cells(fl.exits, fl.exits[S.COUNT], c_idx, durations, weight_of)
    np.add.at(exits, idx, value)
    # exits on the 18th birthday are structural (the projection ages children out)
    for (cat, band), count in _exits_on_18th_birthday(episodes, *window, weight_of, durations).items():
        if cat in c_idx:
            exits[c_idx[cat], band, n_a - 1] -= count
    exits = np.maximum(exits, 0)
    moves = np.zeros((n_c, n_d, n_a, n_c))
    mv = fl.moves[fl.moves["to_" + S.PLACEMENT].isin(categories)]
    idx, value, kept = _cells(mv, mv[S.COUNT], c_idx, durations, weight_of, prefix="from_")
    np.add.at(moves, idx + (kept["to_" + S.PLACEMENT].map(c_idx).to_numpy(dtype=np.int64),), value)
    flat = (n_c * n_d, n_a)
    move_prior = _shrink_prior(moves.reshape(flat + (n_c,)), exposure.reshape(flat), prior_days).reshape(moves.shape)
    exit_prior = _shrink_prior(exits.reshape(flat), exposure.reshape(flat), prior_days).reshape(exits.shape)
    return HazardCounts(exposure=exposure, moves=moves, exits=exits, move_prior=move_prior, exit_prior=exit_prior)


def _cells(
    frame: pd.DataFrame,
    value: pd.Series,
    c_idx: dict[str, int],
    durations: tuple[int, ...],
    weight_of: pd.Series,
    *,
    prefix: str = "",
) -> tuple[tuple[np.ndarray, ...], np.ndarray, pd.DataFrame]:
    """(category, band, age) indices, weighted values and the rows themselves, for rows in the model's states."""
    age = frame[prefix + S.AGE]
    ok = (frame[prefix + S.PLACEMENT].isin(list(c_idx)) & age.notna()).to_numpy().copy()
    ok[ok] = age[ok].astype(int).to_numpy() < len(AGES)
    frame = frame[ok]
    if len(durations) > 1:
        # each of the flows' time-in-care bands falls in one of the model's bands
        band_of = {
            label: int(np.searchsorted(durations, months, side="right")) - 1
            for label, months in TIME_IN_CARE_BANDS.items()
        }
        band = frame[prefix + S.TIME_IN_CARE].map(band_of).to_numpy(dtype=int)
    else:
        band = np.zeros(len(frame), dtype=int)
    weighted = value[ok].to_numpy(dtype=float) * frame[S.PERIOD_START].map(weight_of).to_numpy()
    cells = (
        frame[prefix + S.PLACEMENT].map(c_idx).to_numpy(dtype=np.int64),
        band,
        frame[prefix + S.AGE].to_numpy(dtype=np.int64),
    )
    return cells, weighted, frame


def _shrink_prior(events: np.ndarray, exposure: np.ndarray, prior_days: float) -> np.ndarray:
    """Prior means by (category, age[, destination]) from band and all-age pools.

    ``events`` has shape (C, A, ...) and ``exposure`` (C, A).
    """
    band = band_index()
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


def _exits_on_18th_birthday(
    episodes: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, weight_of: pd.Series, durations: tuple[int, ...]
) -> pd.Series:
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
