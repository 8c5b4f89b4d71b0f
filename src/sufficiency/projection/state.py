"""The state a projection steps: children by months in care, placement, age and birthday slot.

Every child carries a birthday slot (the month of the year of its birthday),
so children age exactly once every twelve monthly steps, and its whole
months in care up to the last time-in-care band's lower bound, so its
hazards are those of its band. A month's transition matrix is the product
of two half-month matrices ``expm(Q · month / 2)``, those of the bands the
child is in during each half.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.ages import AGES
from ..common.dates import age_at
from ..counts.pieces import period_began
from ..rates.fitted import MONTH_DAYS, FittedModel
from ._matrices import expm_many, products

__all__ = [
    "BIRTHDAY_SLOTS",
    "age_slot",
    "by_age",
    "entry_multiplier",
    "expm_batch",
    "initial_state",
    "month_matrices",
    "month_steps",
    "months_followed",
    "years_ahead",
]

#: Birthday slots: a child has birthdays every 12 monthly steps.
BIRTHDAY_SLOTS = 12


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
        for the small generators met here (see :mod:`sufficiency.projection._matrices`).
    """
    flat = np.ascontiguousarray(a, dtype=float).reshape((-1,) + a.shape[-2:])
    return expm_many(flat, float(scale)).reshape(a.shape)


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


def entry_multiplier(fitted: FittedModel, dates: pd.DatetimeIndex, trend: np.ndarray) -> np.ndarray:
    """(simulation, step, age band) multipliers of the window's weighted entry rates.

    ``trend`` is (simulation, age band) [1/year]. A band's weighted rate
    stands for the window's weighted mean time of its entries
    (``entry_time``); the trend carries it to the window's end undamped and
    beyond it damped.
    """
    mid = dates[1:] - pd.Timedelta(days=MONTH_DAYS / 2)
    t = years_ahead(fitted, dates)
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


def years_ahead(fitted: FittedModel, dates: pd.DatetimeIndex) -> np.ndarray:
    """Years from the window's end to the middle of each projected month (0 before it)."""
    mid = dates[1:] - pd.Timedelta(days=MONTH_DAYS / 2)
    return np.maximum((mid - fitted.reference[1]).days.to_numpy(dtype=float) / 365.25, 0.0)


def month_steps(durations: tuple[int, ...], w: int) -> tuple[np.ndarray, np.ndarray]:
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


def month_matrices(half: np.ndarray, bands_of_step: np.ndarray) -> np.ndarray:
    """Month matrices (S, step, age, K, K) from half-month matrices (S, band, age, K, K)."""
    return products(
        np.ascontiguousarray(half), np.ascontiguousarray(bands_of_step[:, 0]), np.ascontiguousarray(bands_of_step[:, 1])
    )


def by_age(x: np.ndarray) -> np.ndarray:
    """Sum the birthday slots: (..., C, A*12) -> (..., C, A)."""
    return x.reshape(x.shape[:-1] + (len(AGES), BIRTHDAY_SLOTS)).sum(axis=-1)


def age_slot(x: np.ndarray, step: int) -> np.ndarray:
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
