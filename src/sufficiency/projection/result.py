"""The result of a projection: children in care by simulated path, date, placement and age."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.ages import DFE_AGE_BANDS
from ..common.intervals import summarise_draws
from ..rates.fitted import FittedModel

__all__ = ["DEFAULT_LEVELS", "PathEvents", "Projection"]

#: Central interval levels of summaries [%].
DEFAULT_LEVELS = (80, 95)


@dataclass(frozen=True)
class PathEvents:
    """The events of each simulated path, stream by stream.

    Kept when a projection is asked for them (an evaluation needs them; a
    forecast does not). The month of each date is the month ending on it;
    the start date's row is zero.

    Attributes
    ----------
    streams : tuple of str
        ``("other", "uasc")`` when unaccompanied children were projected as
        their own stream, else ``("total",)``.
    entries, exits : numpy.ndarray
        Entries by first placement and exits (all reasons, including the
        18th birthday) by placement left, by (stream, simulation, date,
        category) [children].
    entry_ages, exit_ages : numpy.ndarray
        Entries by age at entry and exits by age on leaving [years], by
        (stream, simulation, date, age) [children].
    moves : numpy.ndarray
        Moves between categories by (stream, simulation, date, from, to)
        [children].
    """

    streams: tuple[str, ...]
    entries: np.ndarray = field(repr=False)
    exits: np.ndarray = field(repr=False)
    entry_ages: np.ndarray = field(repr=False)
    exit_ages: np.ndarray = field(repr=False)
    moves: np.ndarray = field(repr=False)

    @staticmethod
    def joined(other: PathEvents, uasc: PathEvents) -> PathEvents:
        """The events of two streams' projections as one.

        Parameters
        ----------
        other, uasc : PathEvents
            Each from a projection of one stream (``streams=("total",)``).

        Returns
        -------
        PathEvents
            With ``streams=("other", "uasc")``, stacked in that order.
        """

        def both(name: str) -> np.ndarray:
            return np.concatenate([getattr(other, name), getattr(uasc, name)])

        return PathEvents(
            streams=("other", "uasc"),
            entries=both("entries"),
            exits=both("exits"),
            entry_ages=both("entry_ages"),
            exit_ages=both("exit_ages"),
            moves=both("moves"),
        )


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
        calibrated or combined (see :mod:`sufficiency.projection.calibration`);
        ``entries`` and ``exits`` are those of the simulated paths.
    model : FittedModel or None
        The fitted model projected from (``None`` for a projection made by
        hand): its returns let costs be anchored to an outturn.
    events : PathEvents or None
        Each path's entries, exits and moves by stream, age and placement,
        when asked for (see :func:`sufficiency.evaluate`).
    settings : mapping or None
        How the paths were drawn, for a caller that reuses them (as
        :func:`sufficiency.score`'s ``baseline``): ``n_sims``, ``seed``,
        ``parameter_uncertainty``, ``uasc_arrivals`` [children/year] and
        ``levers`` (whether a scenario's demand levers were applied);
        ``None`` for a projection made by hand.
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
    model: FittedModel | None = field(default=None, repr=False, compare=False)
    events: PathEvents | None = field(default=None, repr=False, compare=False)
    settings: Mapping[str, object] | None = field(default=None, repr=False, compare=False)
    # summaries already worked out, by their levels: a projection's arrays are not changed once it is made
    _summaries: dict[tuple[int, ...], pd.DataFrame] = field(default_factory=dict, init=False, repr=False, compare=False)

    def totals(self) -> np.ndarray:
        """Simulated total stock by (simulation, date) [children], as float64."""
        return self.draws.sum(axis=(2, 3), dtype=np.float64)

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

    def summary_frame(self, level: int | Sequence[int] = DEFAULT_LEVELS) -> pd.DataFrame:
        """Means, medians and intervals by date, for the total, categories and age bands.

        Parameters
        ----------
        level : int or sequence of int
            Central interval levels [%], each above 0 and below 100.

        Returns
        -------
        pandas.DataFrame
            Long frame: ``date``, ``group`` (``"total"``, ``"placement"``,
            ``"age_band"``, and ``"stream"`` when unaccompanied children
            were projected apart), ``value`` (``"total"``, a category, a
            band, or ``"uasc"`` / ``"other"``), ``expected``, ``mean``,
            ``median``, ``lower_<L>``, ``upper_<L>`` [children]. The
            ``expected`` column of the streams is their simulated mean.

        Raises
        ------
        ValueError
            If a level is not between 0 and 100.

        Notes
        -----
        The quantiles are worked out once for the levels asked and
        :data:`DEFAULT_LEVELS` together, and kept: a later call for some of
        those levels takes a copy of its columns.
        """
        wanted = tuple(int(lv) for lv in ((level,) if isinstance(level, (int, np.integer)) else level))
        if not wanted or any(not 0 < lv < 100 for lv in wanted):
            raise ValueError(f"level must be one or more interval levels between 0 and 100 [%], not {level!r}")
        levels = next((k for k in self._summaries if set(wanted) <= set(k)), None)
        if levels is None:
            levels = tuple(sorted(set(wanted) | set(DEFAULT_LEVELS)))
            self._summaries[levels] = self._summarised(levels)
        frame = self._summaries[levels]
        bands = [f"{side}_{lv}" for lv in levels for side in ("lower", "upper")]
        asked = [f"{side}_{lv}" for lv in dict.fromkeys(wanted) for side in ("lower", "upper")]
        return frame[[c for c in frame.columns if c not in bands] + asked]  # the levels in the order asked

    def _summarised(self, level: Sequence[int]) -> pd.DataFrame:
        """:meth:`summary_frame` for ``level``, worked out."""
        parts = []
        groups = [("total", ["total"], self.totals()[..., None], self.expected.sum(axis=(1, 2))[..., None])]
        groups.append(
            ("placement", list(self.categories), self.draws.sum(axis=3, dtype=np.float64), self.expected.sum(axis=2))
        )
        band_draws, band_exp = [], []
        for lo, hi in DFE_AGE_BANDS.values():
            band_draws.append(self.draws[..., lo : hi + 1].sum(axis=(2, 3), dtype=np.float64))
            band_exp.append(self.expected[..., lo : hi + 1].sum(axis=(1, 2)))
        groups.append(("age_band", list(DFE_AGE_BANDS), np.stack(band_draws, axis=-1), np.stack(band_exp, axis=-1)))
        if self.uasc is not None:
            uasc = self.uasc.sum(axis=(2, 3), dtype=np.float64)
            streams = np.stack([uasc, self.totals() - uasc], axis=-1)
            groups.append(("stream", ["uasc", "other"], streams, streams.mean(axis=0)))
        for group, values, draws, expected in groups:
            parts.append(summarise_draws(S.DATE, self.dates, group, values, draws, level, expected=expected))
        return pd.concat(parts, ignore_index=True)
