"""Backtest forecasts of the worlds' councils, kept whole, for learning and scoring the calibration.

For each council of a world (``_worlds.py``), from 31 March 2019 and 2021 with only the data of that
time: the default model's paths of every group one to five years ahead (calibration off), with the
outcomes (:func:`sufficiency.accuracy.records.backtest_forecasts`), and a peer model's mean path (a
one-year reference window, no entry window, unaccompanied children with everyone else, as regional
demand models do). Councils are computed in parallel and cached between runs (keyed by the code).
"""

from __future__ import annotations

import hashlib
import pickle
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from _worlds import CACHE, ORIGINS, world_council

import sufficiency as suf
from sufficiency.accuracy.records import BacktestForecast, backtest_forecasts
from sufficiency.ingest.taxonomy import coarse_map
from sufficiency.rates.fitting import default_reference

HORIZONS = (12, 24, 36, 48, 60)


#: The code a forecast as simulated depends on (not the corrections applied after, nor the layers above).
FORECAST_CODE = (
    "common",
    "ingest",
    "counts",
    "rates",
    "projection",
    "datasets",
    "accuracy/records.py",
    "accuracy/backtest.py",
)
AFTER_SIMULATION = {"calibration.py", "blend.py", "stretch.py"}


def _code_key() -> str:
    root = Path(suf.__file__).parent
    files = []
    for part in FORECAST_CODE:
        path = root / part
        files += (
            [path]
            if path.is_file()
            else [
                p for p in sorted(path.rglob("*.py")) if p.name not in AFTER_SIMULATION or p.parent.name != "projection"
            ]
        )
    code = b"".join(p.read_bytes() for p in files)
    return hashlib.sha256(code).hexdigest()[:12]


def first_year(seed: int) -> int:
    """Half the councils' returns begin in 2012-13, half in 2015-16."""
    return 2013 if seed % 2 else 2016


def _peer(data: suf.SSDA903Data, origin: pd.Timestamp) -> pd.DataFrame:
    """The peer model's mean path: the total and each placement group at each horizon."""
    past = suf.truncate(data, origin)
    fitted = suf.fit(past, reference=default_reference(origin, years=1.0), entry_years=None, uasc="together")
    projection = suf.project(fitted, start=origin, horizon=max(HORIZONS), n_sims=1, seed=1, calibrate=False)
    lookup = coarse_map()
    rows = []
    for months in HORIZONS:
        if months >= len(projection.dates) or projection.dates[months] > data.censor_date:
            continue
        by_category = projection.expected[months].sum(axis=1)
        rows.append({"step": "total", "group": "total", "months": months, "peer": float(by_category.sum())})
        groups: dict[str, float] = {}
        for category, value in zip(projection.categories, by_category):
            groups[lookup.get(category, "other")] = groups.get(lookup.get(category, "other"), 0.0) + float(value)
        rows += [{"step": "placement_group", "group": g, "months": months, "peer": v} for g, v in groups.items()]
    return pd.DataFrame(rows).assign(origin=origin)


def council_forecasts(world: str, seed: int, sims: int) -> tuple[list[BacktestForecast], pd.DataFrame]:
    """One council's backtest forecasts and peer paths (cached)."""
    key = f"{world}-{seed}-{sims}-{_code_key()}"
    cached = CACHE / f"forecasts-{key}.pickle"
    if cached.exists():
        return pickle.loads(cached.read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = world_council(world, seed, first_year=first_year(seed))
        origins = [pd.Timestamp(f"{y}-03-31") for y in ORIGINS]
        forecasts = backtest_forecasts(
            data, origins=origins, horizons=HORIZONS, n_sims=sims, seed=1, world=world, council=f"{world}-{seed}"
        )
        forecasts = [BacktestForecast(**{**f.__dict__, "atoms": f.atoms.astype(np.float32)}) for f in forecasts]
        peer = pd.concat([_peer(data, o) for o in origins], ignore_index=True).assign(
            world=world, council=f"{world}-{seed}"
        )
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(pickle.dumps((forecasts, peer)))
    return forecasts, peer


def _one(args: tuple[str, int, int]) -> tuple[list[BacktestForecast], pd.DataFrame]:
    return council_forecasts(*args)


def world_forecasts(
    worlds: list[str], seeds: range, sims: int, *, workers: int = 2
) -> tuple[list[BacktestForecast], pd.DataFrame]:
    """Every council's forecasts and peer paths, councils in parallel."""
    jobs = [(w, s, sims) for w in worlds for s in seeds]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        done = list(pool.map(_one, jobs))
    forecasts = [f for fs, _ in done for f in fs]
    peer = pd.concat([p for _, p in done], ignore_index=True)
    return forecasts, peer
