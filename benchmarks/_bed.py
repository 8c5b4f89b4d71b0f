"""A test bed of synthetic councils with behaviour the model does not assume, for accuracy and calibration.

Each seed gives a council of its own size and history, read back from its own
SSDA903 returns: entries that grow or shrink and turn at a random date; in
half the councils a spell of one or two years in which many exits are
delayed (a court backlog) and then clear; in a third a step change in
entries; in every council a surge of unaccompanied children that starts and
ends; and lengths of stay scaled by up to a quarter either way. The returns
begin in 2012-13 or, for a shorter history, 2015-16, and run to 2025-26, so
forecasts from 31 March 2019 and 2021 can be scored one to five years on.
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import numpy as np

import sufficiency as suf
from sufficiency.datasets.simulate import CountyParameters

LAST_YEAR = 2026
ORIGINS = (2019, 2021)


def bed_parameters(seed: int, *, first_year: int = 2013) -> CountyParameters:
    """The settings of test-bed council ``seed``."""
    r = np.random.default_rng([seed, 77])
    scale = float(np.exp(r.uniform(np.log(0.5), np.log(3.0))))
    before, after = r.uniform(-0.03, 0.04), r.uniform(-0.04, 0.08)
    turn = f"{r.integers(2013, 2023)}-{r.integers(1, 13):02d}-01"
    base = r.uniform(0.2, 1.5)
    surge, length, peak = r.integers(2015, 2024), r.integers(1, 4), base * r.uniform(2, 10)
    uasc = (("1990-01-01", base), (f"{surge}-04-01", peak), (f"{surge + length}-04-01", base * r.uniform(0.5, 2)))
    slow: tuple = ()
    if r.random() < 0.5:
        begin = r.integers(2017, 2024)
        slow = (
            (
                f"{begin}-04-01",
                f"{begin + r.integers(1, 3)}-03-31",
                float(r.uniform(0.3, 0.8)),
                float(r.uniform(120, 400)),
            ),
        )
    steps: tuple = ()
    if r.random() < 0.35:
        steps = ((f"{r.integers(2016, 2025)}-{r.integers(1, 13):02d}-01", float(r.uniform(0.7, 1.4))),)
    stays = tuple(float(x * r.uniform(0.8, 1.25)) for x in (10.0, 150.0, 1400.0))
    return CountyParameters(
        first_year=first_year,
        last_year=LAST_YEAR,
        scale=scale,
        growth_before=before,
        growth_after=after,
        trend_change=turn,
        uasc_per_month=uasc,
        slow_exits=slow,
        entry_steps=steps,
        stay_median_days=stays,
    )


def bed_council(seed: int, *, first_year: int = 2013) -> suf.SSDA903Data:
    """Simulate test-bed council ``seed``, write its returns and read them back."""
    params = bed_parameters(seed, first_year=first_year)
    county = suf.simulate_county(seed=seed, parameters=params)
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore", suf.DataQualityWarning)
        suf.write_returns(
            county.episodes, county.children, Path(tmp), first_year=params.first_year, last_year=params.last_year
        )
        return suf.read_ssda903(Path(tmp))
