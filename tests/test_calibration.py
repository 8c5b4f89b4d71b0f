"""Calibrated bands, combined forecasts and unaccompanied children's own stream."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sufficiency as suf
from sufficiency import schema as S
from sufficiency.accuracy.calibration import band_coverage, blend_weights, needed_stretch
from sufficiency.accuracy.combination import best_weights, combine
from sufficiency.accuracy.records import backtest_forecasts
from sufficiency.datasets.parameters import CountyParameters
from sufficiency.projection.blend import blend
from sufficiency.projection.calibration import (
    STEPS,
    CalibrationWarning,
    HorizonCalibration,
    default_calibration,
    months_ahead,
)
from sufficiency.projection.stretch import MAX_LOG_SPREAD, stretch_step

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def fitted(sample):
    return suf.fit(sample)


@pytest.fixture(scope="module")
def raw(fitted):
    return suf.project(fitted, horizon=36, n_sims=400, seed=3, calibrate=False)


def test_blend_moves_each_category_mean_towards_its_start_by_the_weight(raw):
    weight = np.linspace(0.0, 0.6, len(raw.dates))
    out = blend(raw, weight)
    # by hand: with M_c(t) the paths' mean of category c, its target is (1 - w) M_c(t) + w M_c(0), and every path
    # of c is scaled alike
    m = raw.draws.sum(axis=3).mean(axis=0)
    target = (1 - weight[:, None]) * m + weight[:, None] * m[0][None, :]
    # the paths are kept as float32 counts: equal to about seven significant figures
    np.testing.assert_allclose(out.draws.sum(axis=3).mean(axis=0), target, rtol=1e-5)
    ratio = np.divide(target, m, out=np.ones_like(m), where=m > 0)
    np.testing.assert_allclose(out.expected, raw.expected * ratio[:, :, None])
    np.testing.assert_allclose(out.draws.sum(axis=3), raw.draws.sum(axis=3) * ratio[None], rtol=1e-5)
    np.testing.assert_allclose(out.uasc.sum(axis=3), raw.uasc.sum(axis=3) * ratio[None], rtol=1e-5)
    assert np.array_equal(out.simulated, raw.draws)
    # no weight, no change
    assert blend(raw, np.zeros(len(raw.dates))) is raw


def test_a_stretch_step_by_hand():
    # four paths, one date, one stream, two categories (a, b) in one band: a holds 10, 12, 14, 16; b holds 10 each
    atoms = np.zeros((4, 1, 1, 2, 1))
    a = np.array([10.0, 12, 14, 16])
    atoms[:, 0, 0, 0, 0] = a
    atoms[:, 0, 0, 1, 0] = 10
    total = atoms.sum(axis=(2, 3, 4)).copy()
    stretch_step(atoms, 1, np.array([0, 1]), np.array([[2.0], [1.0]]), None)
    # a is stretched by 2 on the log scale about its mean log c: exp(c + 2 (log x - c)) = x^2 / exp(c), then scaled
    # to keep its mean 13: x^2 * 13 / mean(x^2) = x^2 * 13 / 174; b is left as it is (factor 1)
    stretched = a**2 * 13 / 174
    change = stretched - a  # each path's total changes by this, which goes back to a and b by their means 13 and 10
    np.testing.assert_allclose(atoms[:, 0, 0, 0, 0], stretched - change * 13 / 23)
    np.testing.assert_allclose(atoms[:, 0, 0, 1, 0], 10 - change * 10 / 23)
    np.testing.assert_allclose(atoms[:, 0, 0, :, 0].mean(axis=0), [13, 10])
    np.testing.assert_allclose(atoms.sum(axis=(2, 3, 4)), total)
    # the total's step stretches the paths' totals the same way and keeps nothing: totals 20, 22, 24, 26 by 3
    stretch_step(atoms, None, np.array([0]), np.array([[3.0]]), None, keep=False)
    t = np.array([20.0, 22, 24, 26])
    np.testing.assert_allclose(atoms.sum(axis=(2, 3, 4))[:, 0], t**3 * t.mean() / (t**3).mean())
    # a path with no children keeps none, and none goes below zero however wide the stretch
    small = np.zeros((5, 1, 1, 1, 1))
    small[:, 0, 0, 0, 0] = [0, 8, 9, 10, 13]
    stretch_step(small, None, np.array([0]), np.array([[6.0]]), None, keep=False)
    assert small[0, 0, 0, 0, 0] == 0 and (small >= 0).all() and small.mean() == pytest.approx(8.0)


def test_a_wide_stretch_stops_at_the_largest_spread():
    """A factor that would widen a group's log spread beyond MAX_LOG_SPREAD widens it to that spread only."""
    rng = np.random.default_rng(3)
    paths = rng.lognormal(np.log(60.0), 0.2, size=(4000, 2))
    atoms = paths[:, :, None, None, None].copy()
    # a factor of 10 would take the spread from 0.2 to 2, where the median of a log-normal that keeps its mean is
    # exp(-2) = 14% of the mean
    stretch_step(atoms, None, np.array([0]), np.array([[1.0, 10.0]]), None, keep=False)
    logs = np.log(atoms[:, 1, 0, 0, 0])
    assert logs.std() == pytest.approx(MAX_LOG_SPREAD, rel=1e-9)
    assert atoms[:, 1].mean() == pytest.approx(paths[:, 1].mean(), rel=1e-9)
    assert np.median(atoms[:, 1]) > 0.85 * paths[:, 1].mean()
    np.testing.assert_array_equal(atoms[:, 0, 0, 0, 0], paths[:, 0])
    # a group already wider than that is left as it is, and a narrowing factor still narrows
    wide = rng.lognormal(np.log(60.0), 0.8, size=(4000, 1))[:, :, None, None, None]
    kept = wide.copy()
    stretch_step(kept, None, np.array([0]), np.array([[3.0]]), None, keep=False)
    np.testing.assert_array_equal(kept, wide)
    narrowed = wide.copy()
    stretch_step(narrowed, None, np.array([0]), np.array([[0.5]]), None, keep=False)
    assert np.log(narrowed).std() == pytest.approx(0.5 * np.log(wide).std(), rel=1e-9)


def test_calibrated_projection_keeps_breakdowns_adding_up_and_widens_the_groups_bands(fitted, raw):
    calibrated = suf.project(fitted, horizon=36, n_sims=400, seed=3)
    blended = blend(raw, default_calibration().factor("blend", "total", months_ahead(raw.dates)))
    # the stretches keep each date's mean total (up to paths cut at zero) and every breakdown adds up
    np.testing.assert_allclose(calibrated.totals().mean(axis=0), blended.totals().mean(axis=0), rtol=0.01)
    np.testing.assert_allclose(calibrated.draws.sum(axis=(2, 3)), calibrated.totals(), rtol=1e-5)  # float32 paths
    assert (calibrated.uasc <= calibrated.draws + 1e-9).all() and (calibrated.draws >= 0).all()
    frame, before = calibrated.summary_frame(level=(80,)), blended.summary_frame(level=(80,))
    width = lambda f: (f["upper_80"] - f["lower_80"]).to_numpy()  # noqa: E731
    at = lambda f, group, value: f[(f["group"] == group) & (f["value"] == value) & (f["date"] == raw.dates[24])]  # noqa: E731
    # supported accommodation's and the unaccompanied stream's bands were far too narrow on the worlds
    for group, value in (("placement", "supported_accommodation"), ("stream", "uasc"), ("total", "total")):
        assert width(at(frame, group, value))[0] > width(at(before, group, value))[0]


def test_calibration_learned_for_other_settings_is_said(sample):
    with warnings.catch_warnings():
        warnings.simplefilter("error", CalibrationWarning)
        suf.project(suf.fit(sample), horizon=12, n_sims=20, seed=1)  # the defaults: nothing said
    with pytest.warns(CalibrationWarning, match="half_life: 12.0 here, None learned"):
        suf.project(suf.fit(sample, half_life=12), horizon=12, n_sims=20, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CalibrationWarning)
        suf.project(suf.fit(sample, half_life=12), horizon=12, n_sims=20, seed=1, calibrate=False)


def test_shipped_calibration_is_for_the_default_fit_and_documented(sample):
    cal = default_calibration()
    assert dict(cal.settings) == json.loads(json.dumps(dict(suf.fit(sample).settings)))
    assert "benchmarks/calibrate.py" in cal.source
    assert set(cal.table["step"]) == set(STEPS)
    assert list(cal.months) == [12, 24, 36, 48, 60]
    blend_weights = cal.factor("blend", "total", np.array([12, 24, 36, 48, 60]))
    assert ((blend_weights >= 0) & (blend_weights <= 1)).all()
    # it reads back as it was written
    pd.testing.assert_frame_equal(
        HorizonCalibration.from_frame(cal.to_frame()).to_frame(), cal.to_frame(), check_dtype=False
    )


def test_the_command_that_writes_the_shipped_factors_reproduces_its_recorded_reduced_run(tmp_path):
    # benchmarks/calibrate.py --reduced runs the same code as the full command on one council of two worlds
    out = tmp_path / "reduced.csv"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "calibrate.py"), "--reduced", "--out", str(out)],
        check=True,
        capture_output=True,
    )
    got, recorded = pd.read_csv(out), pd.read_csv(ROOT / "tests" / "data" / "calibration_reduced.csv")
    pd.testing.assert_frame_equal(got.drop(columns="factor"), recorded.drop(columns="factor"))
    np.testing.assert_allclose(got["factor"], recorded["factor"], atol=0.002)


def test_combination_moves_the_mean_to_the_weighted_forecasts(sample, raw):
    history = suf.stock(sample, pd.date_range(sample.coverage_start, sample.censor_date, freq="ME"), by=()).set_index(
        "date"
    )["children"]
    all_naive = pd.DataFrame({"months": [12, 36], "model": [0.0, 0.0], "ets": [0.0, 0.0], "naive": [1.0, 1.0]})
    out = combine(raw, history, all_naive)
    # from 12 months on no change has all the weight: every date's mean total is the last count
    np.testing.assert_allclose(out.totals().mean(axis=0)[12:], history.iloc[-1], rtol=1e-5)  # float32 paths
    # half way to 12 months the model keeps half its weight
    np.testing.assert_allclose(
        out.totals().mean(axis=0)[6], 0.5 * raw.totals()[:, 6].mean() + 0.5 * history.iloc[-1], rtol=1e-5
    )
    np.testing.assert_allclose(out.draws.sum(axis=(2, 3)), out.totals(), rtol=1e-5)  # float32 paths


def test_best_weights_by_hand():
    # the model is right at 12 months, no change at 24 months; smoothing is never right
    errors = pd.DataFrame(
        {
            "months": [12, 12, 24, 24],
            "actual": [100.0, 200.0, 100.0, 200.0],
            "model": [100.0, 200.0, 130.0, 150.0],
            "ets": [80.0, 250.0, 70.0, 260.0],
            "naive": [90.0, 180.0, 100.0, 200.0],
        }
    )
    w = best_weights(errors).set_index("months")
    assert w.loc[12, ["model", "ets", "naive"]].tolist() == [1.0, 0.0, 0.0]
    assert w.loc[24, ["model", "ets", "naive"]].tolist() == [0.0, 0.0, 1.0]


def test_unaccompanied_children_are_their_own_stream(sample, fitted):
    uasc = sample.episodes[sample.episodes[S.UASC]]
    assert fitted.uasc is not None and set(fitted.episodes[S.UASC]) == {False}
    # the sub-model's entries are the unaccompanied children's entries in the entry window (the last three years)
    lo, hi = fitted.entry_window
    assert hi == sample.censor_date and lo == pd.Timestamp("2022-04-01")
    entered = uasc[uasc[S.IS_ENTRY] & uasc[S.EPISODE_START].between(lo, hi)]
    assert fitted.uasc.entries.sum() == len(entered)
    others = sample.episodes[~sample.episodes[S.UASC]]
    assert fitted.entries.sum() == (others[S.IS_ENTRY] & others[S.EPISODE_START].between(lo, hi)).sum()
    # an arrivals assumption replaces their rate, keeping their mix
    proj = suf.project(fitted, horizon=60, n_sims=300, seed=2, uasc_arrivals=120, calibrate=False)
    base = suf.project(fitted, horizon=60, n_sims=300, seed=2, calibrate=False)
    arrivals = (proj.entries - base.entries).sum(axis=2)  # the other children's entries are the same
    assert np.isclose(arrivals[:, 1:].sum(axis=1).mean() / 5, 120 - fitted.uasc.entry_rates.sum() * 365.25, rtol=0.05)
    frame = base.summary_frame(level=(80,))
    streams = frame[frame["group"] == "stream"].pivot(index="date", columns="value", values="mean")
    total = frame[frame["group"] == "total"].set_index("date")["mean"]
    np.testing.assert_allclose(streams["uasc"] + streams["other"], total)
    # each stream can be costed on its own, and the two add up to the whole
    unit = suf.default_unit_costs()
    parts = [suf.cost(base.stream(name), unit).totals() for name in ("uasc", "other")]
    np.testing.assert_allclose(parts[0] + parts[1], suf.cost(base, unit).totals())


def test_published_default_is_the_mean_of_three_methods():
    from sufficiency.published.totals import point_forecasts

    table = suf.load_published()
    combined = point_forecasts(table, origin=2019, horizon=2, method="combined").set_index(["la_code", "h"])["point"]
    parts = [
        point_forecasts(table, origin=2019, horizon=2, method=m).set_index(["la_code", "h"])["point"]
        for m in ("naive", "damped", "stock_flow")
    ]
    np.testing.assert_allclose(combined, sum(parts) / 3)
    assert suf.forecast_published(table, origin=2019, horizon=2)["method"].unique().tolist() == ["combined"]


def test_needed_stretch_by_hand():
    # paths 100 exp(u), u evenly from -1 to 1 (101 paths): mean log log(100), 10th and 90th percentiles 100 exp(-+0.8)
    paths = (100 * np.exp(np.linspace(-1, 1, 101)))[:, None].repeat(3, axis=1)
    need = needed_stretch(paths, 100 * np.exp(np.array([0.8, -0.4, 1.6])))
    np.testing.assert_allclose(need, [1.0, 0.5, 2.0])  # on the edge, half way in, twice as far out (in logs)
    # a band narrower than a child is measured as one child wide at the centre: log(4.5 / 4) wide
    assert needed_stretch(np.full((10, 1), 4.0), np.array([4.0 * (4.5 / 4) ** 2]))[0] == pytest.approx(2.0)
    # a lower bound of no children holds any outcome below the centre
    zeros = np.r_[np.zeros(20), np.arange(1.0, 81)][:, None]
    assert needed_stretch(zeros, np.array([0.0]))[0] == pytest.approx(1.0)


def test_blend_weights_have_the_least_regret_in_the_worst_world():
    # world a: the model is right, world b: no change is right; the regret of a weight in a world is its error
    # less the least error any weight has there, and the weight with the least regret in the worst world wins
    points = pd.DataFrame(
        {
            "world": ["a", "b"],
            "months": [12, 12],
            "model": [110.0, 100.0],
            "naive": [100.0, 120.0],
            "actual": [110.0, 120.0],
        }
    )
    w = blend_weights(points, step=0.5).set_index("months")
    # by hand, weights 0, 0.5, 1: world a errors 0, 4.5%, 9.1%; world b 16.7%, 8.3%, 0; worst regrets 16.7, 8.3, 9.1
    assert w.loc[12, "weight"] == 0.5


def _held_out_council(seed: int) -> suf.SSDA903Data:
    """A council of a world no calibration saw: stays lengthening 3% a year, a backlog of exits that clears, and a
    wave of unaccompanied children from 2021 to 2023, returns 2015-16 to 2025-26."""
    params = CountyParameters(
        first_year=2016,
        last_year=2026,
        scale=0.7,
        growth_before=0.01,
        growth_after=0.02,
        stay_growth=0.03,
        slow_exits=(("2018-04-01", "2019-09-30", 0.6, 250.0),),
        uasc_per_month=(("1990-01-01", 0.5), ("2021-04-01", 3.0), ("2023-10-01", 0.8)),
    )
    county = suf.simulate_county(seed=seed, parameters=params)
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore", suf.DataQualityWarning)
        suf.write_returns(county.episodes, county.children, Path(tmp), first_year=2016, last_year=2026)
        return suf.read_ssda903(Path(tmp))


@pytest.fixture(scope="module")
def held_out():
    origins = [pd.Timestamp("2019-03-31"), pd.Timestamp("2021-03-31")]
    forecasts = [
        f for seed in range(1, 7) for f in backtest_forecasts(_held_out_council(seed), origins=origins, n_sims=200)
    ]
    return band_coverage(forecasts, default_calibration()), band_coverage(forecasts, None)


def test_shipped_bands_hold_on_held_out_generated_councils(held_out):
    # six councils x two origins: 60 forecasts of the total one to five years ahead, outcomes counted from their returns
    calibrated, simulated = held_out
    total = calibrated[calibrated["step"] == "total"]
    assert len(total) == 60 and 0.65 <= total["inside"].mean() <= 0.97
    groups = calibrated[(calibrated["step"] == "placement_group") & (calibrated["months"] <= 36)]
    groups = groups[groups["group"].isin(["fostering", "residential", "supported"])]
    assert 0.65 <= groups["inside"].mean() <= 0.97
    assert groups.groupby("group")["inside"].mean().min() >= 0.5
    # the calibration widens what the simulation alone holds too rarely
    raw = simulated[(simulated["step"] == "placement_group") & (simulated["months"] <= 36)]
    assert groups["inside"].mean() > raw[raw["group"].isin(["fostering", "residential", "supported"])]["inside"].mean()


def test_atoms_and_band_scaling_match_numpy_to_the_bit():
    # the compiled passes of the stretch against numpy's own float32 sums and products on random paths
    from sufficiency.common.ages import DFE_AGE_BANDS, band_index
    from sufficiency.projection._kernels import scale_by_band
    from sufficiency.projection.stretch import _atoms

    rng = np.random.default_rng(3)
    parts = [(rng.integers(0, 6, (37, 13, 4, 18)) * rng.random((37, 13, 4, 18))).astype(np.float32) for _ in range(2)]
    atoms, _ = _atoms(parts, ("a", "b", "c", "d"))
    for i, part in enumerate(parts):
        for b, (lo, hi) in enumerate(DFE_AGE_BANDS.values()):
            np.testing.assert_array_equal(atoms[:, :, i, :, b], part[..., lo : hi + 1].sum(axis=-1, dtype=np.float32))
    scale = rng.random(atoms.shape).astype(np.float32)
    expected = parts[1] * scale[:, :, 1][..., band_index()]
    scale_by_band(parts[1], scale, band_index(), 1, 0, len(parts[1]))
    np.testing.assert_array_equal(parts[1], expected)


def test_atoms_need_paths_by_single_year_of_age():
    # the compiled sums read ages 0 to 17 by index: paths with fewer ages are refused, not read past their end
    from sufficiency.projection.stretch import _atoms

    with pytest.raises(ValueError, match="single year of age"):
        _atoms([np.zeros((2, 3, 4, 1), dtype=np.float32)], ("a", "b", "c", "d"))
