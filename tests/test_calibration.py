"""Calibrated bands, combined forecasts and unaccompanied children's own stream."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sufficiency as suf
from sufficiency import schema as S
from sufficiency import uasc_quota_arrivals
from sufficiency.accuracy.calibration import band_stretches, learn_calibration
from sufficiency.accuracy.combination import best_weights, combine
from sufficiency.projection.calibration import HorizonCalibration, calibrate, default_calibration


@pytest.fixture(scope="module")
def fitted(sample):
    return suf.fit(sample)


@pytest.fixture(scope="module")
def raw(fitted):
    return suf.project(fitted, horizon=36, n_sims=400, seed=3, calibrate=False)


def test_calibration_stretches_paths_about_their_mean(raw):
    flat = HorizonCalibration(months=np.array([12.0, 24.0]), spread=np.array([2.0, 3.0]), source="test")
    # 1 at the start, linear to 2 at 12 months and 3 at 24, held beyond
    np.testing.assert_allclose(flat.spread_at(np.array([0, 6, 12, 18, 24, 36])), [1, 1.5, 2, 2.5, 3, 3])
    out = calibrate(raw, flat)
    before, after = raw.totals().astype(float), out.totals()
    np.testing.assert_allclose(after.mean(axis=0), before.mean(axis=0))
    k = flat.spread_at(np.arange(37))
    np.testing.assert_allclose(after - after.mean(axis=0), k * (before - before.mean(axis=0)), atol=1e-6)
    # each path's placements and ages scale with its total, so breakdowns still add up; the simulated paths are kept
    np.testing.assert_allclose(out.draws.sum(axis=(2, 3)), after)
    share = np.divide(out.draws[:, 24].sum(axis=2), after[:, 24, None])
    np.testing.assert_allclose(share, raw.draws[:, 24].sum(axis=2) / before[:, 24, None])
    assert np.array_equal(out.simulated, raw.draws) and out.uasc is not None


def test_default_calibration_widens_bands_and_is_documented():
    cal = default_calibration()
    assert list(cal.months) == [12, 24, 36, 48, 60]
    assert (cal.spread >= 1).all() and "benchmarks/calibrate.py" in cal.source


def test_projections_are_calibrated_by_default(fitted, raw):
    calibrated = suf.project(fitted, horizon=36, n_sims=400, seed=3)
    np.testing.assert_allclose(calibrated.totals().mean(axis=0), raw.totals().mean(axis=0))
    width = lambda p: np.subtract(*np.percentile(p.totals()[:, 12], [90, 10]))  # noqa: E731
    assert width(calibrated) == pytest.approx(default_calibration().spread[0] * width(raw), rel=0.05)


def test_combination_moves_the_mean_to_the_weighted_forecasts(sample, raw):
    history = suf.stock(sample, pd.date_range(sample.coverage_start, sample.censor_date, freq="ME"), by=()).set_index(
        "date"
    )["children"]
    all_naive = pd.DataFrame({"months": [12, 36], "model": [0.0, 0.0], "ets": [0.0, 0.0], "naive": [1.0, 1.0]})
    out = combine(raw, history, all_naive)
    # from 12 months on no change has all the weight: every date's mean total is the last count
    np.testing.assert_allclose(out.totals().mean(axis=0)[12:], history.iloc[-1])
    # half way to 12 months the model keeps half its weight
    np.testing.assert_allclose(out.totals().mean(axis=0)[6], 0.5 * raw.totals()[:, 6].mean() + 0.5 * history.iloc[-1])
    np.testing.assert_allclose(out.draws.sum(axis=(2, 3)), out.totals())


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


def test_uasc_quota_arrivals_by_littles_law(fitted):
    sub = fitted.uasc
    days = (sub.reference[1] - sub.reference[0]).days + 1
    years_in_care = (sub.exposure.sum() / days) / (sub.entries.sum() / sub.entry_days) / 365.25
    # 0.1% of 150,000 children is 150 in care; arrivals = 150 / mean years in care
    assert uasc_quota_arrivals(fitted, 150_000) == pytest.approx(150 / years_in_care)
    with pytest.raises(ValueError, match="unaccompanied"):
        uasc_quota_arrivals(suf.fit(fitted.episodes, uasc="together"), 150_000)


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


def test_learned_factors_are_the_quantile_of_the_stretches():
    stretches = pd.DataFrame({"months": [12] * 5 + [24] * 5, "stretch": [0.2, 0.4, 0.6, 0.8, 1.0, 1, 2, 3, 4, 5]})
    learned = learn_calibration(stretches, quantile=0.5, source="by hand")
    # medians of each horizon's five stretches, by hand: 0.6 and 3
    assert learned.months.tolist() == [12, 24] and learned.spread.tolist() == [0.6, 3.0]
    assert learned.forecasts.tolist() == [5, 5] and learned.source == "by hand"
    # the shipped table has the same shape, and reads back as it was written
    shipped = default_calibration()
    assert list(learned.to_frame().columns) == list(shipped.to_frame().columns)
    pd.testing.assert_frame_equal(
        shipped.to_frame(), pd.read_csv(Path(suf.__file__).parent / "data" / "horizon_calibration.csv")
    )


def test_a_stretch_of_one_or_less_is_an_outcome_inside_the_band(sample):
    origin = pd.Timestamp("2022-03-31")
    stretches = band_stretches(sample, origins=[origin], horizons=(12, 24, 36), n_sims=100, seed=2)
    # the returns run to 31 March 2025, so the outcomes one, two and three years on are all scored
    assert stretches["months"].tolist() == [12, 24, 36]
    projection = suf.project(
        suf.fit(suf.truncate(sample, origin)), start=origin, horizon=36, n_sims=100, seed=2, calibrate=False
    )
    for row in stretches.itertuples():
        paths = projection.totals()[:, row.months]
        lo, hi = np.percentile(paths, [10, 90])
        actual = suf.stock(sample, [projection.dates[row.months]], by=())[S.CHILDREN].iloc[0]
        assert row.actual == actual and row.mean == pytest.approx(paths.mean())
        assert (row.stretch <= 1) == (lo <= actual <= hi)
