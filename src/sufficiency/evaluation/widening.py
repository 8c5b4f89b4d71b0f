"""How far the counterfactual's band is widened, by outcome and months since the start, read as data.

In-time placebos (pretend starts where nothing changed) show how often the
simulated band of an outcome misses what happened. The factors that make
the 90% bands hold about 90% of placebo outcomes in the worse of the test
bed's learning worlds are learned by ``benchmarks/evaluation.py`` and ship as
``sufficiency/data/evaluation_widening.csv`` (``outcome``, ``months``,
``factor``, ``source``). Between the horizons listed the factor is
interpolated; beyond them it is held; an outcome not listed is not widened.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import numpy as np
import pandas as pd

from ..common.resources import packaged_table

__all__ = ["Widening", "default_widening"]


class Widening:
    """Widening factors by outcome and months since the start.

    Parameters
    ----------
    factors : mapping
        ``{outcome: (months, factors)}`` with months increasing.
    source : str
        Where the factors come from.
    """

    def __init__(self, factors: Mapping[str, tuple[np.ndarray, np.ndarray]], *, source: str = "") -> None:
        self._factors = {k: (np.asarray(m, float), np.asarray(f, float)) for k, (m, f) in factors.items()}
        self.source = source

    @classmethod
    def none(cls) -> Widening:
        """No widening: the bands as simulated."""
        return cls({}, source="none")

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Widening:
        """Widening factors from a table.

        Parameters
        ----------
        frame : pandas.DataFrame
            ``outcome``, ``months`` [months], ``factor`` and optionally
            ``source`` (its first value is kept).

        Returns
        -------
        Widening
        """
        f = frame.assign(months=pd.to_numeric(frame["months"]), factor=pd.to_numeric(frame["factor"]))
        factors = {
            str(o): (g.sort_values("months")["months"].to_numpy(), g.sort_values("months")["factor"].to_numpy())
            for o, g in f.groupby("outcome")
        }
        source = str(frame["source"].iloc[0]) if "source" in frame and len(frame) else ""
        return cls(factors, source=source)

    def factor(self, outcome: str, months: np.ndarray | float) -> np.ndarray:
        """The factor of an outcome after some months.

        Parameters
        ----------
        outcome : str
        months : float or numpy.ndarray
            Months since the start [months].

        Returns
        -------
        numpy.ndarray
            ``months``' shape: interpolated between the horizons learned,
            held beyond them; 1 for an outcome with none.
        """
        if outcome not in self._factors:
            return np.ones_like(np.asarray(months, float))
        m, f = self._factors[outcome]
        return np.interp(np.asarray(months, float), m, f)

    def table(self) -> pd.DataFrame:
        """The factors as a table.

        Returns
        -------
        pandas.DataFrame
            ``outcome``, ``months`` [months], ``factor``.
        """
        rows = [(o, mm, ff) for o, (m, f) in self._factors.items() for mm, ff in zip(m, f)]
        return pd.DataFrame(rows, columns=["outcome", "months", "factor"])


@cache
def _shipped() -> Widening:
    return Widening.from_frame(packaged_table("evaluation_widening.csv"))


def default_widening() -> Widening:
    """The factors shipped with the package (see the module notes)."""
    return _shipped()
