"""Scenarios' costs and savings against a common baseline, and what they mean for a target."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.intervals import summarise_draws
from ..finance.costs import CostProjection
from ..projection.result import Projection
from .scenario import Scenario

__all__ = ["ScenarioScores"]


@dataclass(frozen=True)
class ScenarioScores:
    """Scenarios' costs and savings against a common baseline.

    Attributes
    ----------
    scenarios : tuple of Scenario
    baseline : CostProjection
        Cost of the baseline projection.
    costs : dict of str to CostProjection
        Each scenario's cost, before implementation costs.
    savings : dict of str to numpy.ndarray
        (simulation, financial year) baseline cost less scenario cost less
        implementation cost [£]; positive is money saved.
    implementation : dict of str to numpy.ndarray
        (financial year,) implementation cost [£].
    effects : pandas.DataFrame
        Per scenario (index): ``children_shifted`` (mean children in
        shifted placements over the target year) [children],
        ``entries_avoided`` (baseline entries less the scenario's, to the
        end of the target year) [children], ``child_months_changed``
        (child-months spent in a different category, or out of care, from
        the baseline, to the end of the target year) [child-months].
    shifted : dict of str to numpy.ndarray
        (simulation, month, shift lever) children in each
        :func:`shift_placements` lever's new placements, monthly mean
        [children].
    month_ends : pandas.DatetimeIndex
        Last day of each projected month.
    gaps : dict of str to pandas.DataFrame
        Sufficiency tables (:func:`sufficiency.sufficiency_gap`) of the
        baseline (key ``"baseline"``) and each scenario, when capacity was
        given.
    projections : dict of str to Projection
        The baseline (``"baseline"``) and each scenario that was projected
        again; empty when scored with ``keep_paths=False``.
    target : float or None
        Savings target [£].
    target_year : str
        Financial year the target is for.
    discount_rate : float
        Real discount rate [1/year].
    deflator : float
        General inflation the cash savings are deflated by before
        discounting [1/year].
    level : int
        Level of the bands of :meth:`summary` [%].
    """

    scenarios: tuple[Scenario, ...]
    baseline: CostProjection = field(repr=False)
    costs: dict[str, CostProjection] = field(repr=False)
    savings: dict[str, np.ndarray] = field(repr=False)
    implementation: dict[str, np.ndarray] = field(repr=False)
    effects: pd.DataFrame = field(repr=False)
    shifted: dict[str, np.ndarray] = field(repr=False)
    month_ends: pd.DatetimeIndex = field(repr=False)
    gaps: dict[str, pd.DataFrame] = field(repr=False)
    projections: dict[str, Projection] = field(repr=False)
    target: float | None
    target_year: str
    discount_rate: float
    deflator: float = 0.0
    level: int = 80

    @property
    def names(self) -> list[str]:
        """Scenario names, in order."""
        return [s.name for s in self.scenarios]

    def savings_frame(self, level: Sequence[int] = (80,)) -> pd.DataFrame:
        """Savings by scenario and financial year, net of implementation costs.

        Parameters
        ----------
        level : sequence of int
            Central interval levels [%].

        Returns
        -------
        pandas.DataFrame
            ``scenario``, ``financial_year``, ``days`` covered,
            ``complete``, ``mean``, ``median``, ``lower_<L>``,
            ``upper_<L>``, then the same of the cumulative saving to the end
            of the year (``cumulative_mean``, ...), and
            ``implementation_cost`` [£]; positive is saved against the
            baseline.
        """
        years = self.baseline.financial_years
        parts = []
        for name in self.names:
            draws = self.savings[name]
            frame = (
                summarise_draws(S.FINANCIAL_YEAR, years, "scenario", [name], draws[..., None], level)
                .drop(columns="group")
                .rename(columns={"value": "scenario"})
            )
            cumulative = summarise_draws(
                S.FINANCIAL_YEAR, years, "scenario", [name], np.cumsum(draws, axis=1)[..., None], level
            )
            for col in ["mean", "median", *[f"{b}_{lv}" for lv in level for b in ("lower", "upper")]]:
                frame[f"cumulative_{col}"] = cumulative[col].to_numpy()
            frame["implementation_cost"] = self.implementation[name]
            parts.append(frame)
        if not parts:
            intervals = [f"{b}_{lv}" for lv in level for b in ("lower", "upper")]
            columns = ["scenario", S.FINANCIAL_YEAR, "days", "complete", "mean", "median", *intervals]
            columns += [f"cumulative_{c}" for c in ("mean", "median", *intervals)] + ["implementation_cost"]
            return pd.DataFrame(columns=columns)
        out = pd.concat(parts, ignore_index=True)
        out.insert(2, "days", out[S.FINANCIAL_YEAR].map(dict(zip(years, self.baseline.days))).astype(int))
        out.insert(3, "complete", out[S.FINANCIAL_YEAR].map(dict(zip(years, self.baseline.complete))).astype(bool))
        return out[["scenario", *[c for c in out.columns if c != "scenario"]]]

    def summary(self) -> pd.DataFrame:
        """One row per scenario: savings in the target year, value, payback, chance of the target, children, places.

        Every band is the central ``level`` % of the paired paths' values
        (the suffix ``_80`` follows :attr:`level`).

        Returns
        -------
        pandas.DataFrame
            Index ``scenario``: ``target_year``, ``saving_mean``,
            ``saving_lower_80``, ``saving_upper_80`` (in the target year)
            [£], ``target`` [£] and ``p_target`` (share of paths whose
            saving in the target year reaches it), ``cumulative_saving``
            (to the end of the target year, mean), ``cumulative_lower_80``,
            ``cumulative_upper_80`` [£], ``npv`` (mean net present value of
            every year's saving, year 1 undiscounted, in the first year's
            prices: cash deflated by :attr:`deflator`, then discounted at
            the real :attr:`discount_rate`), ``npv_lower_80``,
            ``npv_upper_80`` [£], ``payback_year`` (first year whose
            cumulative mean saving is above 0; empty if none),
            ``p_payback`` (share of paths whose cumulative saving is above 0
            by the end of the target year; :meth:`payback_chances` gives
            every year), ``implementation_cost`` (all years) [£], the
            columns of :attr:`effects`, and ``shortfall_change`` /
            ``places_needed_change`` (summed over the categories with
            places, mean over the target year's months; negative is a
            smaller gap) [children] / [places].
        """
        years = list(self.baseline.financial_years)
        t = years.index(self.target_year)
        discount = ((1.0 + self.discount_rate) * (1.0 + self.deflator)) ** -np.arange(len(years))
        lv = self.level
        lo, hi = 50 - lv / 2, 50 + lv / 2
        rows = []
        for name in self.names:
            s = self.savings[name]
            in_year = s[:, t]
            by_path = np.cumsum(s, axis=1)
            cumulative = by_path.mean(axis=0)
            npv = (s * discount[None, :]).sum(axis=1)
            paid_back = np.flatnonzero(cumulative > 0)
            row = {
                "scenario": name,
                "target_year": self.target_year,
                "saving_mean": in_year.mean(),
                f"saving_lower_{lv}": np.percentile(in_year, lo),
                f"saving_upper_{lv}": np.percentile(in_year, hi),
                "target": self.target,
                "p_target": np.nan if self.target is None else float((in_year >= self.target).mean()),
                "cumulative_saving": cumulative[t],
                f"cumulative_lower_{lv}": np.percentile(by_path[:, t], lo),
                f"cumulative_upper_{lv}": np.percentile(by_path[:, t], hi),
                "npv": float(npv.mean()),
                f"npv_lower_{lv}": np.percentile(npv, lo),
                f"npv_upper_{lv}": np.percentile(npv, hi),
                "payback_year": years[int(paid_back[0])] if len(paid_back) else None,
                "p_payback": float((by_path[:, t] > 0).mean()),
                "implementation_cost": float(self.implementation[name].sum()),
            }
            row.update(self.effects.loc[name].to_dict())
            row.update(self._gap_change(name))
            rows.append(row)
        columns = [
            "scenario",
            "target_year",
            "saving_mean",
            f"saving_lower_{lv}",
            f"saving_upper_{lv}",
            "target",
            "p_target",
            "cumulative_saving",
            f"cumulative_lower_{lv}",
            f"cumulative_upper_{lv}",
            "npv",
            f"npv_lower_{lv}",
            f"npv_upper_{lv}",
            "payback_year",
            "p_payback",
            "implementation_cost",
            *self.effects.columns,
            "shortfall_change",
            "places_needed_change",
        ]
        return pd.DataFrame(rows, columns=columns).set_index("scenario")

    def payback_chances(self) -> pd.DataFrame:
        """The chance each scenario has paid back by the end of each financial year.

        Returns
        -------
        pandas.DataFrame
            ``scenario``, ``financial_year``, ``p_payback`` (share of paths
            whose cumulative saving, net of implementation costs, is above 0
            by the year's end).
        """
        rows = [
            {"scenario": name, S.FINANCIAL_YEAR: year, "p_payback": float(p)}
            for name in self.names
            for year, p in zip(self.baseline.financial_years, (np.cumsum(self.savings[name], axis=1) > 0).mean(axis=0))
        ]
        return pd.DataFrame(rows, columns=["scenario", S.FINANCIAL_YEAR, "p_payback"])

    def _gap_change(self, name: str) -> dict[str, float]:
        if not self.gaps:
            return {"shortfall_change": np.nan, "places_needed_change": np.nan}
        base, scen = self.gaps["baseline"], self.gaps[name]
        year = scen[S.FINANCIAL_YEAR] == self.target_year
        months = scen.loc[year, S.DATE].nunique()

        def total(frame: pd.DataFrame, column: str) -> float:
            return float(frame.loc[frame[S.FINANCIAL_YEAR] == self.target_year, column].sum()) / max(months, 1)

        return {
            "shortfall_change": total(scen, "expected_shortfall") - total(base, "expected_shortfall"),
            "places_needed_change": total(scen, "places_needed") - total(base, "places_needed"),
        }
