"""Backtest forecasts kept whole: the paths of every group a user reads, with what happened.

A :class:`BacktestForecast` is one projection made at an origin with only
the data of that time (the model fitted on :func:`~sufficiency.truncate`'s
data and projected with ``calibrate=False``), kept at whole years ahead as
children by (path, horizon, stream, placement category, DfE age band),
with the outcome of every group counted
from the full returns. Calibration is learned from such forecasts and
checked on others (:mod:`sufficiency.accuracy.calibration`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.ages import DFE_AGE_BANDS, band_index
from ..common.dates import DateLike, day
from ..counts.stock import stock
from ..ingest.returns import SSDA903Data
from ..ingest.taxonomy import coarse_map
from ..projection.run import project
from ..projection.stretch import AtomLayout, atoms_of
from ..rates.fitting import fit
from .backtest import truncate

__all__ = ["BacktestForecast", "backtest_forecasts", "outcomes"]


@dataclass(frozen=True)
class BacktestForecast:
    """One forecast made with the data of its origin, and what happened.

    Attributes
    ----------
    origin : pandas.Timestamp
    months : numpy.ndarray
        Horizons kept [months ahead].
    layout : AtomLayout
        The atoms' streams and categories.
    atoms : numpy.ndarray
        Children by (path, horizon, stream, category, DfE age band) as
        simulated [children].
    start : numpy.ndarray
        Children at the origin by (stream, category, band) [children].
    actual : pandas.DataFrame
        ``step``, ``group``, ``months``, ``actual`` [children]: the outcome
        of each group of each step of :data:`~sufficiency.projection.stretch.STRETCH_STEPS`
        (categories the model does not know are counted in their placement
        group and the total only).
    settings : mapping
        The ``fit`` settings of the model (:attr:`FittedModel.settings`).
    world : str
        Family of councils the council comes from (defaults are chosen by
        their worst world).
    council : str
    """

    origin: pd.Timestamp
    months: np.ndarray
    layout: AtomLayout
    atoms: np.ndarray = field(repr=False)
    start: np.ndarray = field(repr=False)
    actual: pd.DataFrame = field(repr=False)
    settings: Mapping[str, object] = field(default_factory=dict, repr=False)
    world: str = ""
    council: str = ""


def outcomes(
    data: SSDA903Data, dates: Sequence[pd.Timestamp], months: Sequence[int], layout: AtomLayout
) -> pd.DataFrame:
    """The outcome of every group at each date, counted from the returns.

    Returns
    -------
    pandas.DataFrame
        ``step``, ``group``, ``months``, ``actual`` [children].
    """
    by = [S.PLACEMENT, S.AGE] + ([S.UASC] if layout.streams == 2 else [])
    counted = stock(data, list(dates), by=tuple(by))
    counted = counted[counted[S.CHILDREN] > 0].copy()
    counted["months"] = counted[S.DATE].map(dict(zip(dates, months)))
    lookup = coarse_map()
    known = set(layout.categories)
    bands = list(DFE_AGE_BANDS)
    keys = {
        "total": pd.Series("total", index=counted.index),
        "placement_group": counted[S.PLACEMENT].map(lambda c: lookup.get(c, "other")),
        "placement": counted[S.PLACEMENT].where(counted[S.PLACEMENT].isin(known)),
        "age_band": counted[S.AGE].astype(int).map(lambda a: bands[band_index()[a]]),
    }
    if layout.streams == 2:
        keys["stream"] = counted[S.UASC].fillna(False).astype(bool).map({True: "uasc", False: "other"})
    parts = []
    for step, key in keys.items():
        sums = counted.assign(group=key).dropna(subset=["group"]).groupby(["group", "months"])[S.CHILDREN].sum()
        frame = sums.rename("actual").reset_index()
        frame.insert(0, "step", step)
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True)
    # a group with no children at a date counts as 0 there
    grid = out[["step", "group"]].drop_duplicates().merge(pd.DataFrame({"months": list(months)}), how="cross")
    out = grid.merge(out, how="left", on=["step", "group", "months"]).fillna({"actual": 0.0})
    return out.astype({"months": int, "actual": float})


def backtest_forecasts(
    data: SSDA903Data,
    *,
    origins: Sequence[DateLike],
    horizons: Sequence[int] = (12, 24, 36, 48, 60),
    n_sims: int = 300,
    seed: int = 1,
    fit_options: Mapping[str, Any] | None = None,
    world: str = "",
    council: str = "",
) -> list[BacktestForecast]:
    """Forecast from each origin with the data of that time and keep the paths of every group.

    Parameters
    ----------
    data : SSDA903Data
        The full returns (outcomes are counted from them).
    origins : sequence of dates
        Forecast origins (month ends).
    horizons : sequence of int
        Months ahead kept; those whose outcome the data do not reach are
        left out (an origin with none is skipped).
    n_sims : int
        Paths of each projection.
    seed : int
        Seed of every projection.
    fit_options : mapping, optional
        Passed to :func:`sufficiency.fit`.
    world, council : str
        Labels kept with each forecast.

    Returns
    -------
    list of BacktestForecast
    """
    out = []
    for origin in origins:
        when = day(origin, "origin")
        fitted = fit(truncate(data, when), **dict(fit_options or {}))
        projection = project(
            fitted,
            start=when,
            horizon=max(horizons),
            n_sims=n_sims,
            seed=seed,
            calibrate=False,
        )
        kept = [h for h in horizons if h < len(projection.dates) and projection.dates[h] <= data.censor_date]
        if not kept:
            continue
        atoms, layout = atoms_of(projection)
        dates = [projection.dates[h] for h in kept]
        out.append(
            BacktestForecast(
                origin=when,
                months=np.array(kept, dtype=int),
                layout=layout,
                atoms=atoms[:, kept],
                start=atoms[0, 0],
                actual=outcomes(data, dates, kept, layout),
                settings=dict(fitted.settings),
                world=world,
                council=council,
            )
        )
    return out
