"""The expected path: the stock stepped by matrices with the posterior-mean rates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..common.ages import AGES, band_index
from ..rates.fitted import MONTH_DAYS, FittedModel
from .levers import DemandLevers
from .state import BIRTHDAY_SLOTS, age_slot, by_age, entry_multiplier, expm_batch, month_matrices, months_followed

__all__ = ["expected_path"]


def expected_path(
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
    step_mean = month_matrices(half_mean[None], bands_of_step)[0]
    mult_mean = entry_multiplier(fitted, dates, fitted.entry_trend[None, :])[0][:, band_index()]  # (step, age)
    expected = np.zeros((len(dates), n_c, n_a))
    cur = x0.reshape(w + 1, n_c, -1).astype(float)  # cur[g] holds children g whole months in care
    expected[0] = by_age(cur.sum(axis=0))
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
        age_slot(cur, m)
        cur[0] += new_late
        expected[m + 1] = by_age(cur.sum(axis=0))
    return expected


def _expected_step(x: np.ndarray, p: np.ndarray, z_age: np.ndarray) -> np.ndarray:
    """(C, Z) expected counts through per-age matrices (A, K, K); exits dropped."""
    n_c = x.shape[0]
    return np.einsum("cz,zck->kz", x, p[z_age][:, :n_c, :])[:n_c]
