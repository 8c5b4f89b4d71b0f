"""The result of an evaluation: what happened against what the model says would have happened."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..common import schema as S
from .bands import bayes_factor, p_value, quantile_band, widened
from .series import FLOWS, SeriesKey
from .widening import Widening

__all__ = ["Evaluation"]


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
            obs = float(_period(self.observed[i], outcome))
            sims = self._widened(_period(self.simulated[i], outcome), outcome, self.months)
            mean = float(sims.mean())
            lo, hi = (float(v) for v in quantile_band(sims, level))
            row = {
                "outcome": outcome,
                "group": group,
                "value": value,
                "observed": obs,
                "expected": mean,
                f"lower_{level}": lo,
                f"upper_{level}": hi,
                "effect": obs - mean,
                f"effect_lower_{level}": obs - hi,
                f"effect_upper_{level}": obs - lo,
                "ratio": _ratio(obs, mean),
                f"ratio_lower_{level}": _ratio(obs, hi),
                f"ratio_upper_{level}": _ratio(obs, lo),
                "p_value": float(p_value(sims, np.asarray(obs))),
            }
            if self.hypothesis is not None:
                hyp = self._widened(_period(self.hypothesis[i], outcome), outcome, self.months)
                h_lo, h_hi = quantile_band(hyp, level)
                row |= {
                    "hypothesis_expected": float(hyp.mean()),
                    f"hypothesis_lower_{level}": float(h_lo),
                    f"hypothesis_upper_{level}": float(h_hi),
                    "bayes_factor": float(bayes_factor(hyp, sims, np.asarray(obs))),
                }
            rows.append(row)
        return pd.DataFrame(rows)

    def monthly(self, *, level: int = 90) -> pd.DataFrame:
        """Each outcome month by month, and added up from the start, against the counterfactual.

        Parameters
        ----------
        level : int
            Central interval level [%].

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
        for i, (outcome, group, value) in enumerate(self.keys):
            for cumulative in (False, True):
                add = cumulative and outcome in FLOWS
                obs = np.cumsum(self.observed[i]) if add else self.observed[i]
                sims = np.cumsum(self.simulated[i], axis=1) if add else self.simulated[i]
                sims = self._widened(sims, outcome, ahead)
                lo, hi = quantile_band(sims, level)
                mean = sims.mean(axis=0)
                part = {
                    S.DATE: self.dates[1:],
                    "outcome": outcome,
                    "group": group,
                    "value": value,
                    "cumulative": cumulative,
                    "observed": obs,
                    "expected": mean,
                    f"lower_{level}": lo,
                    f"upper_{level}": hi,
                    "effect": obs - mean,
                    f"effect_lower_{level}": obs - hi,
                    f"effect_upper_{level}": obs - lo,
                }
                if self.hypothesis is not None:
                    hyp = np.cumsum(self.hypothesis[i], axis=1) if add else self.hypothesis[i]
                    hyp = self._widened(hyp, outcome, ahead)
                    h_lo, h_hi = quantile_band(hyp, level)
                    part |= {
                        "hypothesis_expected": hyp.mean(axis=0),
                        f"hypothesis_lower_{level}": h_lo,
                        f"hypothesis_upper_{level}": h_hi,
                    }
                parts.append(pd.DataFrame(part))
        return pd.concat(parts, ignore_index=True)

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


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else float("nan")


def _check_level(level: int) -> None:
    if not 0 < level < 100 or int(level) != level:
        raise ValueError(f"level is a whole percentage between 0 and 100 (90 for a 90% band), not {level}")
