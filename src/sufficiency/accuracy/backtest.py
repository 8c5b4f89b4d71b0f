"""Rolling-origin backtests: forecast from past data, score against what happened."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import DateLike, day
from ..ingest.returns import SSDA903Data
from ..projection.calibration import CalibrationWarning
from ..projection.run import project
from ..rates.fitting import DEFAULT_REFERENCE_YEARS, default_reference, fit
from .baselines import baseline_forecast, history

__all__ = ["BacktestResult", "backtest", "choose_reference", "truncate"]


def truncate(data: SSDA903Data, origin: DateLike) -> SSDA903Data:
    """The data a council would have held at the end of ``origin``.

    Episodes starting later are dropped; episodes ending later are open
    again (no end, no reason ceased, not an exit).

    Parameters
    ----------
    data : SSDA903Data
    origin : date

    Returns
    -------
    SSDA903Data
        With ``censor_date = origin``.

    Raises
    ------
    ValueError
        If ``origin`` is not a date, or is before the returns begin or after
        they end (what happened then is not in them).
    """
    when = day(origin, "origin")
    if when > data.censor_date:
        raise ValueError(
            f"origin {when.date()} is after the end of the data ({data.censor_date.date()}): what happened between "
            "them is not in the returns"
        )
    if when < data.coverage_start:
        raise ValueError(f"origin {when.date()} is before the returns begin ({data.coverage_start.date()})")
    ep = data.episodes[data.episodes[S.EPISODE_START] <= when].copy()
    later = ep[S.EPISODE_END] > when
    ep.loc[later, S.EPISODE_END] = pd.NaT
    ep.loc[later, S.REASON_CEASED] = ""
    ep.loc[later, S.IS_EXIT] = False
    ep.loc[later, S.EXIT_REASON] = ""
    return replace(data, episodes=ep.reset_index(drop=True), censor_date=when)


@dataclass(frozen=True)
class BacktestResult:
    """Forecasts scored against outcomes.

    Attributes
    ----------
    scores : pandas.DataFrame
        One row per origin, method, horizon month and series: ``origin``,
        ``method``, ``h`` [months], ``date``, ``group``, ``value``,
        ``actual``, ``mean``, ``lower_<L>``, ``upper_<L>`` [children],
        ``error`` (mean - actual) and ``covered_<L>`` [bool].
    levels : tuple of int
    """

    scores: pd.DataFrame
    levels: tuple[int, ...]

    def _at(self, horizons: Sequence[int] | None) -> pd.DataFrame:
        """Scores at the requested horizons (default 12 and 24 months, or the longest there is)."""
        available = sorted(self.scores["h"].unique())
        if horizons is None:
            horizons = [h for h in (12, 24) if h in available] or available[-1:]
        s = self.scores[self.scores["h"].isin(horizons)]
        if s.empty:
            raise ValueError(f"no forecasts {list(horizons)} months ahead; the backtest has {available}")
        return s

    def table(self, *, horizons: Sequence[int] | None = None) -> pd.DataFrame:
        """Accuracy by method and horizon.

        Parameters
        ----------
        horizons : sequence of int, optional
            Months ahead to report; default 12 and 24 (those the backtest
            reached, or else its longest horizon).

        Returns
        -------
        pandas.DataFrame
            Index (method, h): ``origins``; ``mape_total`` (mean absolute
            percentage error of the total) [%]; ``bias_total`` (mean
            percentage error) [%]; ``wape_placement`` and ``wape_age_band``
            (absolute errors summed over categories ÷ total) [%];
            ``coverage_<L>`` (share of outcomes inside the interval, over
            every series) [%].
        """
        s = self._at(horizons)
        total = s[s["group"] == "total"]
        out = total.groupby(["method", "h"]).apply(
            lambda g: pd.Series(
                {
                    "origins": g["origin"].nunique(),
                    "mape_total": 100 * (g["error"].abs() / g["actual"]).mean(),
                    "bias_total": 100 * (g["error"] / g["actual"]).mean(),
                }
            ),
            include_groups=False,
        )
        for group in ("placement", "age_band"):
            part = s[s["group"] == group]
            if part.empty:
                continue
            wape = part.groupby(["method", "h", "origin"]).apply(
                lambda g: g["error"].abs().sum() / max(g["actual"].sum(), 1), include_groups=False
            )
            out[f"wape_{group}"] = 100 * wape.groupby(["method", "h"]).mean()
        for lv in self.levels:
            out[f"coverage_{lv}"] = 100 * s.groupby(["method", "h"])[f"covered_{lv}"].mean()
        return out

    def coverage(self, *, horizons: Sequence[int] | None = None) -> pd.DataFrame:
        """Interval coverage by method, horizon and group of series.

        Parameters
        ----------
        horizons : sequence of int, optional
            Months ahead to report (default as for :meth:`table`).

        Returns
        -------
        pandas.DataFrame
            Index (method, h); columns ``<group>_<L>`` for the groups
            ``total``, ``placement`` and ``age_band``: share of outcomes
            inside the level-``L`` interval [%].
        """
        s = self._at(horizons)
        parts = {}
        for lv in self.levels:
            by_group = 100 * s.groupby(["method", "h", "group"])[f"covered_{lv}"].mean().unstack("group")
            for group in ("total", "placement", "age_band"):
                if group in by_group:
                    parts[f"{group}_{lv}"] = by_group[group]
        return pd.DataFrame(parts)


def backtest(
    data: SSDA903Data,
    *,
    origins: Sequence[DateLike],
    horizon: int = 24,
    methods: Sequence[str] = ("multistate", "naive", "drift", "ets"),
    level: Sequence[int] = (80,),
    n_sims: int = 500,
    seed: int = 0,
    reference_years: float = DEFAULT_REFERENCE_YEARS,
    fit_options: dict | None = None,
) -> BacktestResult:
    """Score forecasts made at each origin with only the data of that time.

    Parameters
    ----------
    data : SSDA903Data
        The full data (outcomes are read from it).
    origins : sequence of dates
        Forecast origins (month ends).
    horizon : int
        Months ahead.
    methods : sequence of str
        ``"multistate"`` (:func:`fit` + :func:`project`) and any of the
        baselines ``"naive"``, ``"drift"``, ``"ets"``.
    level : sequence of int
        Interval levels [%].
    n_sims : int
        Monte Carlo paths for the multi-state model.
    seed : int
        Seed; origin *i* uses ``seed + i``.
    reference_years : float
        Length of the multi-state model's reference window, ending at the
        origin [years].
    fit_options : dict, optional
        Passed to :func:`fit`.

    Returns
    -------
    BacktestResult

    Raises
    ------
    ValueError
        If no origin is given, an origin is not a date or leaves no month
        of outcomes before the end of the data, or ``horizon`` is below 1.
    """
    if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
        raise ValueError(f"horizon must be a whole number of months, 1 or more, not {horizon!r}")
    if isinstance(origins, (str, bytes)) or len(origins) == 0:
        raise ValueError("give at least one origin (a list of month ends), e.g. origins=['2022-03-31']")
    last = data.censor_date - pd.offsets.MonthEnd(1)
    for origin in origins:
        if day(origin, "origin") > last:
            raise ValueError(
                f"origin {day(origin, 'origin').date()} leaves no month of outcomes before the end of the data "
                f"({data.censor_date.date()}): the latest origin is {last.date()}"
            )
    level = tuple(level)
    actual = history(data).stack(["group", "value"], future_stack=True).rename("actual").reset_index()
    actual = actual.rename(columns={"level_0": S.DATE}) if S.DATE not in actual.columns else actual
    parts = []
    for i, origin in enumerate(origins):
        when = day(origin, "origin")
        past = truncate(data, when)
        for method in methods:
            if method == "multistate":
                fitted = fit(past, reference=default_reference(when, years=reference_years), **(fit_options or {}))
                proj = project(fitted, start=when, horizon=horizon, n_sims=n_sims, seed=seed + i)
                fc = proj.summary_frame(level=level)
                fc = fc[fc[S.DATE] > when]
            else:
                fc = baseline_forecast(past, method=method, start=when, horizon=horizon, level=level)
            fc = fc.assign(origin=when, method=method)
            parts.append(fc)
    fc = pd.concat(parts, ignore_index=True)
    fc["h"] = ((fc[S.DATE].dt.year - fc["origin"].dt.year) * 12 + fc[S.DATE].dt.month - fc["origin"].dt.month).astype(
        int
    )
    scored = fc.merge(actual, on=[S.DATE, "group", "value"], how="inner")
    scored["error"] = scored["mean"] - scored["actual"]
    for lv in level:
        scored[f"covered_{lv}"] = (scored["actual"] >= scored[f"lower_{lv}"]) & (
            scored["actual"] <= scored[f"upper_{lv}"]
        )
    keep = (
        ["origin", "method", "h", S.DATE, "group", "value", "actual", "mean"]
        + [f"{b}_{lv}" for lv in level for b in ("lower", "upper")]
        + ["error"]
        + [f"covered_{lv}" for lv in level]
    )
    return BacktestResult(
        scores=scored[keep].sort_values(["origin", "method", "h", "group", "value"]).reset_index(drop=True),
        levels=level,
    )


def choose_reference(
    data: SSDA903Data,
    *,
    origins: Sequence[DateLike],
    candidates: Sequence[float] = (1.0, 2.0, 3.0, 5.0),
    half_lives: Sequence[float | None] = (None, 18.0),
    horizons: Sequence[int] = (12, 24),
    n_sims: int = 200,
    seed: int = 0,
) -> tuple[tuple[float, float | None], pd.DataFrame]:
    """Choose the reference window by rolling-origin backtest.

    Each candidate is a window length and a half-life of the monthly
    weights (a weighted combination of the months in the window; ``None``
    weighs them evenly). The defaults include :func:`fit`'s own (five
    years, months weighed evenly), so the choice can be to keep them. Each
    candidate is projected as a user would get it, with the shipped
    calibration (learned for the default settings; its
    :class:`~sufficiency.projection.calibration.CalibrationWarning` for the
    other candidates is not repeated here).

    Parameters
    ----------
    data : SSDA903Data
    origins : sequence of dates
    candidates : sequence of float
        Window lengths to try [years].
    half_lives : sequence of float or None
        Half-lives to try [months]; ``None`` weighs every month alike.
    horizons : sequence of int
        Months ahead that are scored.
    n_sims : int
    seed : int

    Returns
    -------
    best : (float, float or None)
        The window length [years] and half-life [months] with the lowest
        mean absolute percentage error of the total over ``horizons``; pass
        them to :func:`fit` as ``reference=default_reference(end,
        years=...)`` and ``half_life=...``.
    sensitivity : pandas.DataFrame
        Accuracy table (see :meth:`BacktestResult.table`) for each
        candidate, index (years, half_life, h).
    """
    tables = {}
    for years, half_life in ((y, h) for y in candidates for h in half_lives):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CalibrationWarning)
            result = backtest(
                data,
                origins=origins,
                horizon=max(horizons),
                methods=("multistate",),
                n_sims=n_sims,
                seed=seed,
                reference_years=years,
                fit_options={"half_life": half_life},
            )
        tables[(years, "none" if half_life is None else half_life)] = result.table(horizons=horizons).droplevel(
            "method"
        )
    sensitivity = pd.concat(tables, names=["years", "half_life"])
    years, half_life = sensitivity.groupby(["years", "half_life"])["mape_total"].mean().idxmin()
    return (float(years), None if half_life == "none" else float(half_life)), sensitivity
