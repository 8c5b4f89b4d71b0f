"""Learn the corrections projections apply (blend towards no change, band stretches) and check them, by backtest.

From backtest forecasts (:func:`~sufficiency.accuracy.records.backtest_forecasts`)
of councils in several *worlds* (families of councils with behaviour the
model does not assume), :func:`learn_calibration` learns, horizon by
horizon:

1. the **blend**: the weight of no change in the forecast of the total
   whose worst world does least badly, each world's mean absolute
   percentage error taken less the least it could have had with any weight
   (the weight with the least *regret*), so that no world is sacrificed to
   the others;
2. the **stretches**, step by step in the order projections apply them
   (placement groups, categories, age bands, the unaccompanied children's
   stream, the total), on the paths blended and stretched by the steps
   before: for each forecast and group, the *stretch* its central band
   needed to hold the outcome (1 on the band's edge, below 1 inside, above 1
   outside; a band narrower than a child counts as one child wide), and for
   each group and horizon the stretch whose worst world holds nearest 82%
   of its outcomes (with one world, a conformal quantile), with a pooled
   factor for groups not learned.

:func:`band_coverage` applies a calibration to other forecasts and scores
them: how often each group's band held the outcome, and the errors of the
blended mean against carrying the group forward.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..projection.blend import blend_ratios
from ..projection.calibration import BLEND, POOLED, HorizonCalibration
from ..projection.stretch import STRETCH_STEPS, group_sums, stretch_step
from .records import BacktestForecast

__all__ = [
    "MAX_FACTOR",
    "MIN_HALF_BAND",
    "band_coverage",
    "blend_weights",
    "calibrated_atoms",
    "learn_calibration",
    "needed_stretch",
    "worst_world_factor",
]

#: Narrowest half-band a stretch is measured against [children].
MIN_HALF_BAND = 0.5
#: Largest factor learned.
MAX_FACTOR = 25.0


def needed_stretch(paths: np.ndarray, actual: np.ndarray, *, level: int = 80) -> np.ndarray:
    """The stretch on the log scale each central band needs to hold its outcome (as the projection stretches).

    Parameters
    ----------
    paths : numpy.ndarray
        (path, forecast) [children].
    actual : numpy.ndarray
        (forecast,) outcomes [children].
    level : int
        The band [%].

    Returns
    -------
    numpy.ndarray
        With ``c`` the mean log of the paths with children:
        ``(log actual - c) / (log upper - c)`` above ``c``, ``(c - log
        actual) / (c - log lower)`` below it; a half-band is taken no
        narrower than :data:`MIN_HALF_BAND` children at the centre. A lower
        bound of no children holds any outcome below the centre.
    """
    pos = paths > 0
    logs = np.log(np.where(pos, paths, 1.0))
    n = pos.sum(axis=0)
    centre = np.divide((logs * pos).sum(axis=0), n, out=np.zeros(n.shape), where=n > 0)
    lo, hi = np.percentile(paths, [50 - level / 2, 50 + level / 2], axis=0)
    floor = np.log1p(MIN_HALF_BAND / np.exp(centre))
    tiny = 1e-9
    up = np.maximum(np.log(np.maximum(hi, tiny)) - centre, floor)
    down = np.maximum(centre - np.log(np.maximum(lo, tiny)), floor)
    la = np.log(np.maximum(np.asarray(actual, dtype=float), tiny))
    return np.where(la >= centre, (la - centre) / up, (centre - la) / down)


def blend_weights(points: pd.DataFrame, *, step: float = 0.05) -> pd.DataFrame:
    """Weight of no change by horizon with the least regret in the worst world.

    Parameters
    ----------
    points : pandas.DataFrame
        One row per forecast of the total: ``world``, ``months``,
        ``model``, ``naive`` and ``actual`` [children].
    step : float
        Grid step of the weights.

    Returns
    -------
    pandas.DataFrame
        ``months``, ``weight``, ``forecasts``, ``regret`` (how far the
        worst world's mean absolute percentage error at that weight is
        above its least over all weights, as a fraction).
    """
    grid = np.round(np.arange(0.0, 1.0 + 1e-9, step), 10)
    rows = []
    for months, g in points[points["actual"] > 0].groupby("months"):
        m, n, a = (g[c].to_numpy(float) for c in ("model", "naive", "actual"))
        ape = np.abs((1 - grid[:, None]) * m[None] + grid[:, None] * n[None] - a[None]) / a[None]
        by_world = pd.DataFrame(ape.T).groupby(g["world"].to_numpy()).mean().to_numpy()  # (world, weight)
        regret = (by_world - by_world.min(axis=1, keepdims=True)).max(axis=0)
        best = int(np.argmin(regret))  # ties go to the smaller weight
        rows.append({"months": int(months), "weight": float(grid[best]), "forecasts": len(g), "regret": regret[best]})
    return pd.DataFrame(rows, columns=["months", "weight", "forecasts", "regret"])


def _blend_points(forecasts: Sequence[BacktestForecast]) -> pd.DataFrame:
    rows = []
    for f in forecasts:
        total = f.actual[f.actual["step"] == "total"].set_index("months")["actual"]
        for i, months in enumerate(f.months):
            rows.append(
                {
                    "world": f.world,
                    "months": int(months),
                    "model": float(f.atoms[:, i].sum(axis=(1, 2, 3)).mean()),
                    "naive": float(f.start.sum()),
                    "actual": float(total[months]),
                }
            )
    return pd.DataFrame(rows, columns=["world", "months", "model", "naive", "actual"])


def _blended(f: BacktestForecast, calibration: HorizonCalibration) -> np.ndarray:
    weight = calibration.factor(BLEND, "total", np.r_[0, f.months])
    means = np.vstack(
        [f.start.sum(axis=(0, 2))[None], f.atoms.sum(axis=(2, 4)).mean(axis=0)]
    )  # (start + horizon, category)
    ratio = blend_ratios(means, weight)[1:]
    return f.atoms * ratio[None, :, None, :, None]


def _apply_step(atoms: np.ndarray, f: BacktestForecast, step: str, calibration: HorizonCalibration) -> None:
    axis, group, names, parent = f.layout.groups(step)
    factors = np.stack([calibration.factor(step, name, f.months) for name in names])
    stretch_step(atoms, axis, group, factors, parent, keep=step != "total")


def calibrated_atoms(f: BacktestForecast, calibration: HorizonCalibration) -> np.ndarray:
    """The forecast's atoms blended and stretched as a projection with ``calibration`` would be."""
    atoms = _blended(f, calibration)
    for step in STRETCH_STEPS:
        if step == "stream" and f.layout.streams == 1:
            continue
        _apply_step(atoms, f, step, calibration)
    return atoms


def _step_values(atoms: np.ndarray, f: BacktestForecast, step: str) -> tuple[np.ndarray, list[str]]:
    axis, group, names, _ = f.layout.groups(step)
    return group_sums(atoms, axis, group, len(names)), names


def _needs(atoms: list[np.ndarray], forecasts: Sequence[BacktestForecast], step: str, level: int) -> pd.DataFrame:
    rows = []
    for a, f in zip(atoms, forecasts):
        if step == "stream" and f.layout.streams == 1:
            continue
        sums, names = _step_values(a, f, step)
        actual = f.actual[f.actual["step"] == step].set_index(["group", "months"])["actual"]
        for j, name in enumerate(names):
            for i, months in enumerate(f.months):
                if (name, months) not in actual.index:
                    continue
                need = needed_stretch(sums[:, i, j][:, None], np.array([actual[(name, months)]]), level=level)[0]
                rows.append({"world": f.world, "group": name, "months": int(months), "stretch": float(need)})
    return pd.DataFrame(rows, columns=["world", "group", "months", "stretch"])


def worst_world_factor(needs: pd.DataFrame, coverage: float) -> float:
    """The stretch whose worst world's coverage is nearest ``coverage``.

    A stretch ``k`` holds a forecast's outcome when the forecast needed at
    most ``k``; each world's coverage at ``k`` is the share of its forecasts
    held. The factor is the candidate (a needed stretch) that minimises the
    largest distance of any world's coverage from ``coverage``, then the
    pooled distance, then the smallest; with one world it is that world's
    ``coverage`` quantile.

    Parameters
    ----------
    needs : pandas.DataFrame
        ``world`` and ``stretch``, one row per forecast.
    coverage : float
        The share of outcomes the band should hold, 0 to 1.

    Returns
    -------
    float
    """
    candidates = np.unique(needs["stretch"].to_numpy(float))
    held = [
        (g.to_numpy(float)[None, :] <= candidates[:, None]).mean(axis=1) for _, g in needs.groupby("world")["stretch"]
    ]
    worst = np.max([np.abs(h - coverage) for h in held], axis=0)
    pooled = np.abs((needs["stretch"].to_numpy(float)[None, :] <= candidates[:, None]).mean(axis=1) - coverage)
    best = np.lexsort((candidates, np.round(pooled, 12), np.round(worst, 12)))[0]
    return float(candidates[best])


def _factors(needs: pd.DataFrame, step: str, coverage: float) -> pd.DataFrame:
    def table(frame: pd.DataFrame, group: str) -> pd.DataFrame:
        rows = [
            {
                "months": int(months),
                "factor": round(min(worst_world_factor(g, coverage), MAX_FACTOR), 3),
                "forecasts": len(g),
            }
            for months, g in frame.groupby("months")
        ]
        return pd.DataFrame(rows).assign(step=step, group=group)

    parts = [table(g, str(name)) for name, g in needs.groupby("group")]
    if step != "total":
        parts.append(table(needs, POOLED))
    return pd.concat(parts, ignore_index=True)[["step", "group", "months", "factor", "forecasts"]]


def learn_calibration(
    forecasts: Sequence[BacktestForecast],
    *,
    coverage: float = 0.82,
    level: int = 80,
    weight_step: float = 0.05,
    source: str = "",
    settings: Mapping[str, object] | None = None,
) -> HorizonCalibration:
    """Learn the blend weights and every step's stretch factors by horizon (see the module notes).

    Parameters
    ----------
    forecasts : sequence of BacktestForecast
        Backtest forecasts of the default model, labelled by world.
    coverage : float
        Share of outcomes each band should hold in the worst world (see
        :func:`worst_world_factor`): a little above the band's level so that
        councils unlike those learned from stay near it.
    level : int
        The band the stretches are measured for [%].
    weight_step : float
        Grid step of the blend weights.
    source : str
        How the factors were learned, for the report's assumptions.
    settings : mapping, optional
        The ``fit`` settings the factors are for; default the forecasts'
        own (:attr:`BacktestForecast.settings`).

    Returns
    -------
    HorizonCalibration

    Raises
    ------
    ValueError
        With no forecasts, or forecasts fitted with different settings.
    """
    if not forecasts:
        raise ValueError("no backtest forecasts to learn from")
    if settings is None:
        seen = {json.dumps(dict(f.settings), sort_keys=True) for f in forecasts}
        if len(seen) > 1:
            raise ValueError(f"the forecasts were fitted with different settings: {sorted(seen)}")
        settings = json.loads(seen.pop())
    weights = blend_weights(_blend_points(forecasts), step=weight_step)
    table = weights.rename(columns={"weight": "factor"}).drop(columns="regret").assign(step=BLEND, group="total")
    parts = [table[["step", "group", "months", "factor", "forecasts"]]]
    calibration = HorizonCalibration(table=parts[0], source=source, settings=dict(settings or {}))
    atoms = [_blended(f, calibration) for f in forecasts]
    for step in STRETCH_STEPS:
        needs = _needs(atoms, forecasts, step, level)
        if needs.empty:
            continue
        parts.append(_factors(needs, step, coverage))
        calibration = HorizonCalibration(
            table=pd.concat(parts, ignore_index=True), source=source, settings=dict(settings or {})
        )
        for a, f in zip(atoms, forecasts):
            if step == "stream" and f.layout.streams == 1:
                continue
            _apply_step(a, f, step, calibration)
    return calibration


def band_coverage(
    forecasts: Sequence[BacktestForecast], calibration: HorizonCalibration | None, *, level: int = 80
) -> pd.DataFrame:
    """Score forecasts calibrated with ``calibration`` (``None``: as simulated): bands and errors of every group.

    Parameters
    ----------
    forecasts : sequence of BacktestForecast
    calibration : HorizonCalibration or None
    level : int
        The central band [%].

    Returns
    -------
    pandas.DataFrame
        One row per forecast, group and horizon: ``world``, ``council``,
        ``origin``, ``step``, ``group``, ``months``, ``actual``, ``mean``,
        ``lower``, ``upper``, ``naive`` (the group at the origin)
        [children] and ``inside`` (the band held the outcome).
    """
    rows = []
    for f in forecasts:
        atoms = f.atoms.astype(float) if calibration is None else calibrated_atoms(f, calibration)
        for step in STRETCH_STEPS:
            if step == "stream" and f.layout.streams == 1:
                continue
            sums, names = _step_values(atoms, f, step)
            actual = f.actual[f.actual["step"] == step].set_index(["group", "months"])["actual"]
            naive = _naive(f, step)
            lo, hi = np.percentile(sums, [50 - level / 2, 50 + level / 2], axis=0)
            mean = sums.mean(axis=0)
            for j, name in enumerate(names):
                for i, months in enumerate(f.months):
                    if (name, months) not in actual.index:
                        continue
                    a = float(actual[(name, months)])
                    rows.append(
                        {
                            "world": f.world,
                            "council": f.council,
                            "origin": f.origin,
                            "step": step,
                            "group": name,
                            "months": int(months),
                            "actual": a,
                            "mean": float(mean[i, j]),
                            "lower": float(lo[i, j]),
                            "upper": float(hi[i, j]),
                            "naive": naive.get(name, np.nan),
                            "inside": bool(lo[i, j] <= a <= hi[i, j]),
                        }
                    )
    return pd.DataFrame(rows)


def _naive(f: BacktestForecast, step: str) -> dict[str, float]:
    """Each group of ``step`` at the origin [children]."""
    axis, group, names, _ = f.layout.groups(step)
    sums = group_sums(f.start[None, None].astype(float), axis, group, len(names))[0, 0]
    return dict(zip(names, map(float, sums)))
