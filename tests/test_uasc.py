"""Unaccompanied children: arrivals by the National Transfer Scheme's share, held flat, refused without a stream."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
from markov import as_data

import sufficiency as suf
from sufficiency import schema as S


def _episode(child: str, dob: str, start: str, end: str | None, *, uasc: bool, entry: bool = True) -> dict:
    return {
        S.CHILD_ID: child,
        S.DATE_OF_BIRTH: pd.Timestamp(dob),
        S.EPISODE_START: pd.Timestamp(start),
        S.EPISODE_END: pd.Timestamp(end) if end else pd.NaT,
        S.PLACEMENT: "inhouse_fostering",
        S.IS_ENTRY: entry,
        S.IS_EXIT: end is not None,
        S.EXIT_REASON: "other" if end else "",
        S.UASC: uasc,
    }


def _three_years(uasc_rows: list[dict]):
    """Returns 2021-22 to 2023-24 (1,096 days, February 2024 has 29) with two other children and ``uasc_rows``."""
    rows = [
        _episode("D", "2012-05-01", "2019-06-01", None, uasc=False, entry=True),
        _episode("E", "2014-05-01", "2022-01-10", "2023-02-01", uasc=False),
        *uasc_rows,
    ]
    return as_data(pd.DataFrame(rows), start="2021-04-01", end="2024-03-31")


def test_quota_arrivals_by_hand():
    data = _three_years(
        [
            _episode("A", "2008-01-01", "2021-04-01", None, uasc=True),  # in care all 1,096 days of the window
            _episode("B", "2008-01-01", "2022-04-01", "2023-04-01", uasc=True),  # 365 days
            _episode("C", "2008-01-01", "2020-01-01", "2021-10-01", uasc=True),  # 183 days, entered before the window
        ]
    )
    fitted = suf.fit(data)
    assert fitted.uasc is not None
    assert fitted.uasc.entry_window == (pd.Timestamp("2021-04-01"), pd.Timestamp("2024-03-31"))
    # hand calculation over the one window: 1,644 child-days in 1,096 days is 1.5 children in care on average;
    # 2 entries in 1,096 / 365.25 years; 0.1% of 150,000 is 150 in care; arrivals = 150 / (1.5 / arrivals a year)
    per_year = 2 / (1096 / 365.25)
    assert suf.uasc_quota_arrivals(fitted, 150_000) == pytest.approx(150 * per_year / (1644 / 1096), rel=1e-12)
    assert suf.uasc_quota_arrivals(fitted, 150_000, share=0.002) == pytest.approx(2 * 150 * per_year / 1.5)


def test_quota_arrivals_on_the_sample_count_one_window(sample):
    fitted = suf.fit(sample)
    lo, hi = fitted.entry_window
    uasc = sample.episodes[sample.episodes[S.UASC]]
    # the unaccompanied children in care on 31 March of each year of the window, against those who entered in it
    entered = (uasc[S.IS_ENTRY] & uasc[S.EPISODE_START].between(lo, hi)).sum() / 3
    arrivals = suf.uasc_quota_arrivals(fitted, 150_000)
    # Little's law on the window: about 163 a year on the sample (not the 229 a 5-year stock over 3-year entries gives)
    assert 150 < arrivals < 175 and entered > 0


def test_arrivals_need_a_stream_of_unaccompanied_children(sample):
    together = suf.fit(sample, uasc="together")
    with pytest.raises(ValueError, match="unaccompanied"):
        suf.project(together, horizon=12, n_sims=5, seed=1, uasc_arrivals=100)
    with pytest.raises(ValueError, match="unaccompanied"):
        suf.uasc_quota_arrivals(together, 150_000)


def test_arrivals_held_flat_when_other_entries_are_trended(sample):
    fitted = suf.fit(sample, entry_trend=True)
    assert fitted.entry_trend.any()  # the other children's entries have a trend
    assert fitted.uasc is not None and not fitted.uasc.entry_trend.any() and not fitted.uasc.entry_trend_se.any()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", suf.CalibrationWarning)
        proj = suf.project(fitted, horizon=60, n_sims=200, seed=4, uasc_arrivals=150, calibrate=False)
        # the same other children, with no stream of unaccompanied children
        base = suf.project(dataclasses.replace(fitted, uasc=None), horizon=60, n_sims=200, seed=4, calibrate=False)
    yearly = (proj.entries - base.entries).sum(axis=2)[:, 1:].reshape(200, 5, 12).sum(axis=2).mean(axis=0)
    # each of the five years brings about 150 arrivals: no growth in the last year over the first
    np.testing.assert_allclose(yearly, 150, rtol=0.08)
    assert abs(yearly[-1] / yearly[0] - 1) < 0.1


def test_arrivals_can_be_set_when_none_entered_in_the_window():
    # unaccompanied children in care, but the last entered before the entry window: their mix of ages and
    # placements comes from every entry the data hold
    data = _three_years(
        [
            _episode("A", "2007-01-01", "2020-05-01", None, uasc=True),
            _episode("B", "2008-01-01", "2020-06-01", None, uasc=True),
        ]
    )
    fitted = suf.fit(data)
    assert fitted.uasc is not None and fitted.uasc.entries.sum() == 0
    proj = suf.project(fitted, horizon=24, n_sims=400, seed=3, uasc_arrivals=12, calibrate=False)
    flat = suf.project(fitted, horizon=24, n_sims=400, seed=3, calibrate=False)
    arrivals = (proj.entries - flat.entries).sum(axis=2)[:, 1:].sum(axis=1).mean() / 2
    assert arrivals == pytest.approx(12, rel=0.15)
    with pytest.raises(ValueError, match="cannot be measured"):
        suf.uasc_quota_arrivals(fitted, 150_000)


def test_arrivals_drift_at_least_as_the_country_s_did(sample):
    """The least drift of arrivals is the spread of yearly changes of national UASC starts, by hand."""
    from sufficiency.rates.drift import NATIONAL_UASC_STARTS, UASC_LEVEL_DRIFT

    # 3,490, 2,800, 5,400, 7,210, 7,270, 6,950 (years ending March 2020-2025): log changes -0.2203, 0.6568, 0.2891,
    # 0.0083, -0.0450, mean 0.1378; squared deviations sum to 0.4707 over 4 degrees of freedom: sqrt(0.1177)
    assert NATIONAL_UASC_STARTS == (3490, 2800, 5400, 7210, 7270, 6950)
    assert UASC_LEVEL_DRIFT == pytest.approx(0.3430, abs=1e-4)
    # a council whose arrivals were steady gets the floor; the other children keep their own drift
    starts = pd.date_range("2021-04-15", periods=30, freq="MS") + pd.Timedelta(days=14)  # one a month
    steady = _three_years(
        [_episode(f"U{i}", "2007-06-01", str(d.date()), None, uasc=True) for i, d in enumerate(starts)]
    )
    fitted = suf.fit(steady)
    assert fitted.uasc is not None and fitted.uasc.entry_level_drift == pytest.approx(UASC_LEVEL_DRIFT)
    own = suf.fit(sample)
    assert own.uasc.entry_level_drift >= UASC_LEVEL_DRIFT and own.entry_level_drift < UASC_LEVEL_DRIFT
