"""A test bed of several worlds: families of synthetic councils, each with behaviour the model does not assume.

A world is a family of councils drawn from one recipe; each seed gives a council of its own size and
history, read back from its own SSDA903 returns (2012-13 or 2015-16 to 2025-26), with its own truth (the
stock counted from its returns at each 31 March):

* ``backlog``: a court backlog that builds for one or two years and clears (many exits delayed by months),
  and a wave of unaccompanied children from 2021 to 2024;
* ``lengthening``: stays lengthen year after year (each year's entrants stay 2-5% longer) while entries stay
  flat, as England's children in care rose by about a quarter from 2011 to 2024 on flat starts;
* ``surges``: entries that surge and fall back, turns in their trend, a wave of unaccompanied children at a
  random date, and a placement mix drifting towards children's homes and supported accommodation;
* ``mixed``: the original bed (``_bed.py``): a random mixture of all of these.

Defaults are chosen by their worst world with whole worlds kept out (``worlds.py``); the calibration learns
from some worlds' councils and is scored on the others.
"""

from __future__ import annotations

import hashlib
import pickle
import tempfile
import warnings
from pathlib import Path

import numpy as np
from _bed import LAST_YEAR, ORIGINS, bed_parameters  # noqa: F401  (ORIGINS is the bed's, shared)

import sufficiency as suf
from sufficiency.datasets.parameters import CountyParameters

WORLDS = ("backlog", "lengthening", "surges", "mixed")
CACHE = Path(tempfile.gettempdir()) / "sufficiency-worlds"


def _uasc_wave(r: np.random.Generator, start: int, years: int) -> tuple[tuple[str, float], ...]:
    base = float(r.uniform(0.2, 1.0))
    peak = base * float(r.uniform(4, 10))
    return (("1990-01-01", base), (f"{start}-04-01", peak), (f"{start + years}-04-01", base * float(r.uniform(0.7, 2))))


def world_parameters(world: str, seed: int, *, first_year: int = 2013) -> CountyParameters:
    """The settings of council ``seed`` of ``world``."""
    if world == "mixed":
        return bed_parameters(seed, first_year=first_year)
    r = np.random.default_rng([seed, sum(map(ord, world))])
    scale = float(np.exp(r.uniform(np.log(0.5), np.log(3.0))))
    stays = tuple(float(x * r.uniform(0.85, 1.2)) for x in (10.0, 150.0, 1400.0))
    common = {"first_year": first_year, "last_year": LAST_YEAR, "scale": scale, "stay_median_days": stays}
    if world == "backlog":
        begin = int(r.integers(2017, 2022))
        slow = (
            (
                f"{begin}-04-01",
                f"{begin + int(r.integers(1, 3))}-03-31",
                float(r.uniform(0.4, 0.8)),
                float(r.uniform(150, 400)),
            ),
        )
        return CountyParameters(
            **common,
            growth_before=float(r.uniform(-0.01, 0.03)),
            growth_after=float(r.uniform(0.0, 0.05)),
            trend_change=f"{int(r.integers(2014, 2021))}-{int(r.integers(1, 13)):02d}-01",
            uasc_per_month=_uasc_wave(r, 2021, 3),
            slow_exits=slow,
        )
    if world == "lengthening":
        return CountyParameters(
            **common,
            growth_before=float(r.uniform(-0.01, 0.01)),
            growth_after=float(r.uniform(-0.01, 0.01)),
            uasc_per_month=(("1990-01-01", float(r.uniform(0.2, 1.0))),),
            stay_growth=float(r.uniform(0.02, 0.05)),
        )
    if world == "surges":
        up = int(r.integers(2015, 2022))
        steps = (
            (f"{up}-{int(r.integers(1, 13)):02d}-01", float(r.uniform(1.25, 1.6))),
            (f"{up + int(r.integers(1, 4))}-{int(r.integers(1, 13)):02d}-01", float(r.uniform(0.55, 0.85))),
        )
        return CountyParameters(
            **common,
            growth_before=float(r.uniform(-0.03, 0.04)),
            growth_after=float(r.uniform(-0.04, 0.06)),
            trend_change=f"{int(r.integers(2013, 2023))}-{int(r.integers(1, 13)):02d}-01",
            uasc_per_month=_uasc_wave(r, int(r.integers(2016, 2024)), int(r.integers(1, 4))),
            entry_steps=steps,
            residential_drift=float(r.uniform(0.06, 0.15)),
            supported_drift=float(r.uniform(0.04, 0.12)),
        )
    raise ValueError(f"unknown world {world!r}; use one of {WORLDS}")


def world_council(world: str, seed: int, *, first_year: int = 2013) -> suf.SSDA903Data:
    """Simulate council ``seed`` of ``world``, write its returns and read them back (cached between runs)."""
    params = world_parameters(world, seed, first_year=first_year)
    generator = Path(suf.__file__).parent / "datasets"
    code = b"".join(p.read_bytes() for p in sorted(generator.glob("*.py")))
    key = hashlib.sha256(repr((world, seed, params)).encode() + code).hexdigest()[:16]
    cached = CACHE / f"{world}-{seed}-{first_year}-{key}.pickle"
    if cached.exists():
        return pickle.loads(cached.read_bytes())
    county = suf.simulate_county(seed=seed, parameters=params)
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore", suf.DataQualityWarning)
        suf.write_returns(county.episodes, county.children, Path(tmp), first_year=first_year, last_year=LAST_YEAR)
        data = suf.read_ssda903(Path(tmp))
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(pickle.dumps(data))
    return data
