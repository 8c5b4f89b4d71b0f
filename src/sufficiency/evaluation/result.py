"""The result of an evaluation: what happened against what the model says would have happened."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..common import schema as S
from .bands import bayes_factor, p_value, quantile_band, widened
from .series import FLOWS, SeriesKey
from .widening import Widening

__all__ = ["Evaluation", "check_power", "period_values"]


def _period(values: np.ndarray, outcome: str) -> np.ndarray:
    """The period's value of monthly series on the last axis: the sum for flows, the last month for stock."""
    return values.sum(axis=-1) if outcome in FLOWS else values[..., -1]


@dataclass(frozen=True)
class Evaluation:
    """A service's outcomes against the counterfactual forecast made from the data at its start.

    Attributes
    ----------
    start, end : pandas.Timestamp
        The service's start (the counterfactual starts from the stock at the
        end of that day) and the last month end evaluated.
    dates : pandas.DatetimeIndex
        The start, then each month end to ``end``.
    keys : tuple
        ``(outcome, group, value)`` of each series.
    observed : numpy.ndarray
        (series, month) what happened, from the full returns.
    simulated : numpy.ndarray
        (series, path, month) the counterfactual's paths (as simulated,
        before widening).
    hypothesis : numpy.ndarray or None
        (series, path, month) the same paths under the brief's levers.
    hypothesis_name : str or None
    widening : Widening
        Factors the counterfactual's and hypothesis's bands are widened by.
    placebos : pandas.DataFrame
        One row per pretend start and series: ``placebo_start``,
        ``placebo_end``, ``outcome``, ``group``, ``value``, ``observed``,
        ``expected``, ``lower_90``, ``upper_90``, ``p_value``,
        ``false_alarm`` (outside the 90% band); empty when none fitted.
    notes : tuple of str
        What the reader should know (little power, no stream of
        unaccompanied children, placebos that did not fit).
    seed : int or None
    """

    start: pd.Timestamp
    end: pd.Timestamp
    dates: pd.DatetimeIndex
    keys: tuple[SeriesKey, ...]
    observed: np.ndarray = field(repr=False)
    simulated: np.ndarray = field(repr=False)
    hypothesis: np.ndarray | None = field(default=None, repr=False)
    hypothesis_name: str | None = None
    widening: Widening = field(default_factory=Widening.none, repr=False)
    placebos: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    notes: tuple[str, ...] = ()
    seed: int | None = None

    @property
    def months(self) -> int:
        """Months evaluated."""
        return len(self.dates) - 1

    def _widened(self, draws: np.ndarray, outcome: str, months: np.ndarray | float) -> np.ndarray:
        return widened(draws, self.widening.factor(outcome, months))

    def summary(self, *, level: int = 90) -> pd.DataFrame:
        """Each outcome over the whole period against the counterfactual.

        Parameters
        ----------
        level : int
            Central interval level [%].

        Returns
        -------
        pandas.DataFrame
            One row per series: ``outcome`` (``entries``, ``exits``,
            ``moves``, ``stock`` at ``end``, ``child_days``, ``cost`` when
            prices were given), ``group`` (``total``, ``stream``,
            ``placement``, ``age_band``, ``move``: when the returns flag
            unaccompanied children, the last three count the other children
            only, so a national surge cannot pass for a local effect),
            ``value``; ``observed``,
            ``expected`` (the counterfactual's mean), ``lower_<L>``,
            ``upper_<L>`` (its band) in the outcome's units ([children],
            [child-days] or [£]); ``effect`` (observed − expected) with
            ``effect_lower_<L>``, ``effect_upper_<L>``; ``ratio`` (observed ÷
            expected) with ``ratio_lower_<L>``, ``ratio_upper_<L>``;
            ``p_value`` (two-sided: the chance of a gap at least this large,
            either way, if the service did nothing). With a hypothesis, also
            ``hypothesis_expected``, ``hypothesis_lower_<L>``,
            ``hypothesis_upper_<L>`` and ``bayes_factor`` (how much more
            likely the observed value is under the brief's levers than under
            no effect).
        """
        _check_level(level)
        rows = []
        for i, (outcome, group, value) in enumerate(self.keys):
            obs = np.asarray(_period(self.observed[i], outcome), dtype=float)
            sims = self._widened(_period(self.simulated[i], outcome), outcome, self.months)
            hyp = (
                None
                if self.hypothesis is None
                else self._widened(_period(self.hypothesis[i], outcome), outcome, self.months)
            )
            band = _compared(obs, sims, None, level)
            mean, lo, hi = band["expected"], band[f"lower_{level}"], band[f"upper_{level}"]
            band |= {
                "ratio": _ratio(obs, mean),
                f"ratio_lower_{level}": _ratio(obs, hi),
                f"ratio_upper_{level}": _ratio(obs, lo),
                "p_value": p_value(sims, obs),
            }
            if hyp is not None:
                band |= _hypothesis(hyp, level) | {"bayes_factor": bayes_factor(hyp, sims, obs)}
            figures = {k: float(v) for k, v in band.items()}
            rows.append({"outcome": outcome, "group": group, "value": value, **figures})
        return pd.DataFrame(rows)

    def monthly(self, *, level: int = 90, outcome: str | None = None) -> pd.DataFrame:
        """Each outcome month by month, and added up from the start, against the counterfactual.

        Parameters
        ----------
        level : int
            Central interval level [%].
        outcome : str, optional
            Only this outcome's series (default every outcome).

        Returns
        -------
        pandas.DataFrame
            ``date`` (month end), ``outcome``, ``group``, ``value``,
            ``cumulative`` (``False``: the month's value; ``True``: the sum
            since the start; stock is a level, the same in both),
            ``observed``, ``expected``, ``lower_<L>``, ``upper_<L>``,
            ``effect``, ``effect_lower_<L>``, ``effect_upper_<L>``, and with
            a hypothesis ``hypothesis_expected``, ``hypothesis_lower_<L>``,
            ``hypothesis_upper_<L>``.
        """
        _check_level(level)
        ahead = np.arange(1, self.months + 1, dtype=float)
        parts = []
        for i, (name, group, value) in enumerate(self.keys):
            if outcome is not None and name != outcome:
                continue
            for cumulative in (False, True):
                add = cumulative and name in FLOWS

                def running(values: np.ndarray, add: bool = add) -> np.ndarray:
                    return np.cumsum(values, axis=-1) if add else values

                sims = self._widened(running(self.simulated[i]), name, ahead)
                hyp = None if self.hypothesis is None else self._widened(running(self.hypothesis[i]), name, ahead)
                head = {S.DATE: self.dates[1:], "outcome": name, "group": group, "value": value}
                part = head | {"cumulative": cumulative} | _compared(running(self.observed[i]), sims, hyp, level)
                parts.append(pd.DataFrame(part))
        if not parts:
            raise ValueError(f"no outcome {outcome!r} in the evaluation (it has {sorted({k[0] for k in self.keys})})")
        return pd.concat(parts, ignore_index=True)

    def detectable(self, *, power: float = 0.8, alpha: float = 0.05) -> pd.DataFrame:
        """The smallest change over the whole period each series' test would find.

        A service that multiplies an outcome by ``r`` makes the observed
        value ``r × Y``, ``Y`` being what would have happened without it,
        which the counterfactual's (widened) paths describe. The test finds
        it (two-sided ``p_value`` below ``alpha``) when ``r × Y`` falls
        beyond the paths' ``alpha / 2`` or ``1 - alpha / 2`` quantile, so it
        finds a fall with chance ``power`` from ``r = q(alpha / 2) ÷ q(power)``
        down, and a rise from ``r = q(1 - alpha / 2) ÷ q(1 - power)`` up (``q``
        the paths' quantiles). What a board can be told before the results
        are in: a service smaller than this would most likely pass unseen.

        Parameters
        ----------
        power : float
            Chance of finding the change [fraction, 0-1], default four times
            in five.
        alpha : float
            Two-sided significance level of the test [fraction, 0-1].

        Returns
        -------
        pandas.DataFrame
            One row per series, as :meth:`summary`: ``outcome``, ``group``,
            ``value``, ``expected`` (the counterfactual's mean, in the
            outcome's units), ``smallest_fall`` and ``smallest_rise``
            (multipliers of the outcome [ratio]; NaN where no change of
            that direction would be found, as for a fall in an outcome that
            is zero in many paths).

        Raises
        ------
        ValueError
            If ``power`` or ``alpha`` is not in (0, 1), or ``power`` is not
            above ``alpha / 2`` (a test cannot find a change with less
            chance than it raises a false alarm on that side).
        """
        check_power(power, alpha)
        rows = []
        for i, (outcome, group, value) in enumerate(self.keys):
            sims = period_values(self, self.simulated[i], outcome)
            low, high, finds_fall, finds_rise = np.quantile(sims, [alpha / 2, 1 - alpha / 2, power, 1 - power])
            rows.append(
                {
                    "outcome": outcome,
                    "group": group,
                    "value": value,
                    "expected": float(sims.mean()),
                    "smallest_fall": float(_ratio(low, finds_fall)) if low > 0 else np.nan,
                    "smallest_rise": float(_ratio(high, finds_rise)),
                }
            )
        return pd.DataFrame(rows)

    def false_alarms(self) -> pd.DataFrame:
        """How often the placebos' 90% bands missed, by series.

        Returns
        -------
        pandas.DataFrame
            ``outcome``, ``group``, ``value``, ``placebos`` (pretend
            starts), ``false_alarm_rate`` (share outside the 90% band, where
            10% is what the band claims) [fraction]; empty without placebos.
        """
        if self.placebos.empty:
            return pd.DataFrame(columns=["outcome", "group", "value", "placebos", "false_alarm_rate"])
        g = self.placebos.groupby(["outcome", "group", "value"], sort=False)["false_alarm"]
        return pd.DataFrame({"placebos": g.size(), "false_alarm_rate": g.mean()}).reset_index()


def check_power(power: float, alpha: float) -> None:
    """Refuse a ``power`` or ``alpha`` outside (0, 1), or a power not above ``alpha / 2`` (a ``ValueError``)."""
    if not (0.0 < alpha < 1.0 and 0.0 < power < 1.0):
        raise ValueError(f"power={power!r} and alpha={alpha!r} must both be in (0, 1)")
    if not power > alpha / 2:
        raise ValueError(f"power={power!r} must be above alpha / 2 = {alpha / 2!r}")


def period_values(evaluation: Evaluation, paths: np.ndarray, outcome: str) -> np.ndarray:
    """One series' value over the whole period on each path, widened as the evaluation widens its bands.

    Parameters
    ----------
    evaluation : Evaluation
    paths : numpy.ndarray
        (path, month) the series' monthly values (counterfactual or hypothesis).
    outcome : str
        The series' outcome (flows are added up, stock is its last month).

    Returns
    -------
    numpy.ndarray
        (path,) in the outcome's units.
    """
    return evaluation._widened(_period(paths, outcome), outcome, evaluation.months)


def _compared(obs: np.ndarray, sims: np.ndarray, hyp: np.ndarray | None, level: int) -> dict[str, np.ndarray]:
    """Observed against paths (axis 0) and the hypothesis's paths: means, bands and effects."""
    lo, hi = quantile_band(sims, level)
    mean = sims.mean(axis=0)
    out = {
        "observed": obs,
        "expected": mean,
        f"lower_{level}": lo,
        f"upper_{level}": hi,
        "effect": obs - mean,
        f"effect_lower_{level}": obs - hi,
        f"effect_upper_{level}": obs - lo,
    }
    return out if hyp is None else out | _hypothesis(hyp, level)


def _hypothesis(hyp: np.ndarray, level: int) -> dict[str, np.ndarray]:
    """The mean and band of the paths under the brief's levers (axis 0)."""
    lo, hi = quantile_band(hyp, level)
    return {"hypothesis_expected": hyp.mean(axis=0), f"hypothesis_lower_{level}": lo, f"hypothesis_upper_{level}": hi}


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray(a / b if b > 0 else np.nan, dtype=float)


def _check_level(level: int) -> None:
    if not 0 < level < 100 or int(level) != level:
        raise ValueError(f"level is a whole percentage between 0 and 100 (90 for a 90% band), not {level}")
