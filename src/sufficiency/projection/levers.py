"""A scenario's changes to the model's rates, as the projection takes them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..common.ages import AGES

__all__ = ["DemandLevers", "no_levers"]


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


def no_levers(n_steps: int) -> tuple[np.ndarray, ...]:
    return (
        np.zeros(0, dtype=np.int64),
        np.zeros(0, dtype=np.int64),
        np.zeros((0, len(AGES)), dtype=np.bool_),
        np.zeros(0),
        np.zeros((0, max(n_steps, 1))),
    )
