"""Fitting and projecting: parameter recovery, invariants, determinism."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from markov import CATEGORIES, EXIT, MOVE, as_data, simulate
from scipy import stats

import sufficiency as suf
from sufficiency import schema as S
from sufficiency.common.dates import birthday
from sufficiency.projection.calibration import default_calibration, months_ahead
from sufficiency.projection.state import expm_batch

YEAR = 365.25


@pytest.fixture(scope="module")
def markov():
    return simulate(seed=3, entries_per_year=4000, years=14)


def test_parameter_recovery(markov):
    fitted = suf.fit(markov, reference=("2019-01-01", "2023-12-31"), half_life=None, entry_trend=False)
    assert fitted.categories == CATEGORIES
    exposure = fitted.exposure.sum(axis=(1, 2))
    moves = fitted.moves.sum(axis=(1, 2))
    exits = fitted.exits.sum(axis=(1, 2))
    for i in range(2):
        # pooled over time in care and ages: the true hazard lies within 3 standard errors
        rate = moves[i, 1 - i] / exposure[i] * YEAR
        se = np.sqrt(moves[i, 1 - i]) / exposure[i] * YEAR
        assert abs(rate - MOVE[i, 1 - i]) < 3 * se, (i, rate)
        rate = exits[i] / exposure[i] * YEAR
        se = np.sqrt(exits[i]) / exposure[i] * YEAR
        assert abs(rate - EXIT[i]) < 3 * se, (i, rate)
    # per (category, time in care, age) cell, the 95% interval of Gamma(events, exposure) covers the truth in about
    # 95% of cells
    table = fitted.rates_frame()
    # the only empty cells are impossible ones: a year in care before the first birthday
    empty = table[table["exposure_days"] == 0]
    assert ((empty[S.AGE] == 0) & (empty[S.TIME_IN_CARE] == "1 year and over")).all()
    table = table[table["exposure_days"] > 0]
    truth = [
        EXIT[CATEGORIES.index(r.placement)]
        if r.to == "exit"
        else MOVE[CATEGORIES.index(r.placement), CATEGORIES.index(r.to)]
        for r in table.itertuples()
    ]
    lo, hi = (
        stats.gamma.ppf([[0.025], [0.975]], a=np.maximum(table["events"], 1e-9), scale=1 / table["exposure_days"])
        * YEAR
    )
    assert np.mean((lo <= truth) & (truth <= hi)) > 0.85
    # entries per year: about 20,000 in the 5-year window, so within 4 standard errors of 4,000 a year
    assert abs(fitted.entries.sum() / fitted.entry_days * YEAR - 4000) < 4 * np.sqrt(4000 * 5) / 5


@pytest.fixture(scope="module")
def markov_early():
    """Exit hazard 2.0 a year higher in the first 91 days of care (tests/markov.py)."""
    return simulate(seed=4, entries_per_year=4000, years=14, early_exit=2.0)


def test_time_in_care_hazards_recovered(markov_early):
    fitted = suf.fit(markov_early, reference=("2019-01-01", "2023-12-31"), half_life=None, entry_trend=False)
    assert fitted.durations == (0, 3, 12)
    assert fitted.duration_bands == ["under 3 months", "3 months to under 1 year", "1 year and over"]
    exits = fitted.exits.sum(axis=2)
    exposure = fitted.exposure.sum(axis=2)
    rate = exits / exposure * YEAR
    se = np.sqrt(exits) / exposure * YEAR
    truth = EXIT[:, None] + np.array([[2.0, 0.0, 0.0]])
    # within 3 standard errors, plus 0.05 for the band edge (3 calendar months is 89-92 days, the generator's phase 91)
    assert np.all(np.abs(rate - truth) < 3 * se + 0.05), rate
    # moves do not depend on time in care
    moves = fitted.moves.sum(axis=2)
    for i in range(2):
        move_rate = moves[i, :, 1 - i] / exposure[i] * YEAR
        assert np.all(
            np.abs(move_rate - MOVE[i, 1 - i]) < 3 * np.sqrt(moves[i, :, 1 - i]) / exposure[i] * YEAR + 0.02
        ), move_rate
    one = suf.fit(
        markov_early, reference=("2019-01-01", "2023-12-31"), half_life=None, entry_trend=False, time_in_care=None
    )
    assert one.exposure.shape[1] == 1
    np.testing.assert_allclose(one.exposure[:, 0], fitted.exposure.sum(axis=1))
    np.testing.assert_allclose(one.exits[:, 0], fitted.exits.sum(axis=1))
    with pytest.raises(ValueError, match="time_in_care"):
        suf.fit(markov_early, time_in_care=(0, 6))


@pytest.mark.parametrize("name", ["markov", "markov_early"])
def test_projection_reproduces_generator_expected_stock(name, request):
    markov = request.getfixturevalue(name)
    origin = pd.Timestamp("2021-12-31")
    past = markov[markov[S.EPISODE_START] <= origin].copy()
    later = past[S.EPISODE_END] > origin
    past.loc[later, S.EPISODE_END] = pd.NaT
    past.loc[later, S.IS_EXIT] = False
    fitted = suf.fit(past, reference=("2017-01-01", origin), half_life=None, entry_trend=False)
    # the model's own expected path (the calibration's blend towards no change is learned elsewhere)
    proj = suf.project(fitted, start=origin, horizon=24, n_sims=50, seed=1, calibrate=False)
    actual = suf.stock(markov, proj.dates[[12, 24]], by=(S.PLACEMENT,))
    for j, date in zip((12, 24), proj.dates[[12, 24]]):
        got = proj.expected[j].sum(axis=1)
        want = actual[actual[S.DATE] == date].set_index(S.PLACEMENT)[S.CHILDREN].reindex(CATEGORIES).to_numpy()
        # about 7,000 children: the realised path is within ~1.5% of its expectation
        assert np.all(np.abs(got / want - 1) < 0.03), (date, got, want)


def test_every_path_conserves_children(sample):
    fitted = suf.fit(sample)
    assert fitted.uasc is not None  # unaccompanied children are a stream of their own
    proj = suf.project(fitted, horizon=24, n_sims=100, seed=5)
    # the simulated paths: every child who enters, stays or leaves is counted, in both streams together
    tot = proj.simulated.sum(axis=(2, 3))
    change = proj.entries.sum(axis=2) - proj.exits.sum(axis=2)
    assert (tot[:, 1:] == tot[:, :-1] + change[:, 1:]).all()
    assert (proj.simulated >= 0).all() and (proj.uasc >= 0).all() and (proj.uasc <= proj.draws + 1e-9).all()
    assert tot[0, 0] == suf.stock(sample, [sample.censor_date], by=())[S.CHILDREN].iloc[0]
    # the unaccompanied children at the start are those the returns flag
    uasc_now = suf.stock(sample.episodes[sample.episodes[S.UASC]], [sample.censor_date], by=())[S.CHILDREN].iloc[0]
    assert proj.uasc[:, 0].sum(axis=(1, 2)).tolist() == [uasc_now] * 100
    # calibration moves the mean total part of the way to the start (the blend), then stretches paths about it
    weight = default_calibration().factor("blend", "total", months_ahead(proj.dates))
    # (the calibrated paths are float32 counts: equal to about seven significant figures)
    expected = (1 - weight) * tot.mean(axis=0) + weight * tot[0, 0]
    np.testing.assert_allclose(proj.totals().mean(axis=0), expected, rtol=1e-5)


def _without_hazards(fitted, **changes):
    """The fitted model with every hazard of moving and leaving (and their priors) set to zero."""
    zeros = {name: np.zeros_like(getattr(fitted, name)) for name in ("moves", "exits", "move_prior", "exit_prior")}
    return dataclasses.replace(fitted, **zeros, **changes)


def test_zero_hazard_model_keeps_everyone_until_18(sample):
    fitted = suf.fit(sample, uasc="together")
    zero = _without_hazards(fitted, entries=np.zeros_like(fitted.entries))
    proj = suf.project(zero, horizon=36, n_sims=20, seed=2, calibrate=False)
    # independent count: children in care at the start whose 18th birthday is after each month end
    ep = sample.episodes
    start = sample.censor_date
    open_ = ep[(ep[S.EPISODE_START] <= start) & (ep[S.EPISODE_END].isna() | (ep[S.EPISODE_END] > start))]
    b18 = pd.Series(birthday(open_[S.DATE_OF_BIRTH].to_numpy(), 18))
    for j in (0, 6, 12, 24, 36):
        # a child leaves care in the month of the 18th birthday, so is still
        # counted at a month end only if the birthday is after it
        expected = int((b18 > proj.dates[j]).sum())
        assert (proj.totals()[:, j] == expected).all(), j
        assert np.allclose(proj.expected[j].sum(), expected)
    # nobody changes category
    by_cat = proj.draws.sum(axis=3)
    assert (np.diff(by_cat, axis=1) <= 0).all()


def test_matrix_steps_agree_with_simulation_means(sample):
    fitted = suf.fit(sample, uasc="together")
    proj = suf.project(fitted, horizon=24, n_sims=1500, seed=7, parameter_uncertainty=False, calibrate=False)
    mean = proj.draws.mean(axis=0).sum(axis=2)
    expected = proj.expected.sum(axis=2)
    total_sd = proj.totals().std(axis=0)
    assert np.all(np.abs(mean.sum(axis=1) - expected.sum(axis=1)) < 4 * total_sd / np.sqrt(1500) + 0.5)
    assert np.allclose(mean, expected, atol=2.0)


def test_deterministic_for_a_seed_and_inputs_not_mutated(sample):
    before = sample.episodes.copy()
    fitted = suf.fit(sample)
    a = suf.project(fitted, horizon=12, n_sims=50, seed=11)
    b = suf.project(fitted, horizon=12, n_sims=50, seed=11)
    c = suf.project(fitted, horizon=12, n_sims=50, seed=12)
    assert np.array_equal(a.draws, b.draws)
    assert not np.array_equal(a.draws, c.draws)
    pd.testing.assert_frame_equal(before, sample.episodes)
    assert a.settings == {
        "n_sims": 50,
        "seed": 11,
        "parameter_uncertainty": True,
        "uasc_arrivals": None,
        "levers": False,
    }


def test_paths_without_the_expected_path_are_the_same_paths(sample):
    from sufficiency.projection.run import projection_dates, run_projection

    fitted = suf.fit(sample)
    dates = projection_dates(fitted, start=None, end=None, horizon=12, n_sims=50)
    full = run_projection(fitted, dates, n_sims=50, seed=11, calibrate=False)
    lean = run_projection(fitted, dates, n_sims=50, seed=11, calibrate=False, expected=False)
    np.testing.assert_array_equal(lean.draws, full.draws)
    np.testing.assert_array_equal(lean.entries, full.entries)
    assert np.isnan(lean.expected).all() and lean.expected.shape == full.expected.shape
    added = run_projection(fitted, dates, n_sims=50, seed=11, calibrate=False, streams=False, ages=False)
    assert added.draws.shape == full.draws.shape[:3] + (1,)
    np.testing.assert_array_equal(added.draws[..., 0], full.draws.sum(axis=3))  # the same children, ages added up
    with pytest.raises(ValueError, match="streams=False with ages=False"):
        run_projection(fitted, dates, n_sims=50, seed=11, calibrate=False, ages=False)


def test_rates_drawn_once_give_the_same_paths_to_every_run(sample):
    from sufficiency.projection.run import draw_run, projection_dates, run_projection

    fitted = suf.fit(sample)
    dates = projection_dates(fitted, start=None, end=None, horizon=12, n_sims=50)
    drawn = draw_run(fitted, dates, n_sims=50, seed=11)
    # the truth: each run drawing its own rates from the seed
    for _ in range(2):  # drawn once, used twice
        shared = run_projection(fitted, dates, n_sims=50, seed=11, calibrate=False, drawn=drawn)
        own = run_projection(fitted, dates, n_sims=50, seed=11, calibrate=False)
        np.testing.assert_array_equal(shared.draws, own.draws)
        np.testing.assert_array_equal(shared.uasc, own.uasc)
        np.testing.assert_array_equal(shared.expected, own.expected)
    with pytest.raises(ValueError, match="another model, seed or arrivals"):
        run_projection(fitted, dates, n_sims=50, seed=12, calibrate=False, drawn=drawn)
    with pytest.raises(ValueError, match="other paths or dates"):
        run_projection(fitted, dates, n_sims=40, seed=11, calibrate=False, drawn=drawn)
    with pytest.raises(ValueError, match="expected path and the ages"):
        run_projection(fitted, dates, n_sims=50, seed=11, expected=False)


def test_summary_frame_shape(sample):
    proj = suf.project(suf.fit(sample), horizon=12, n_sims=200, seed=1)
    frame = proj.summary_frame(level=(80, 95))
    assert {
        "date",
        "group",
        "value",
        "expected",
        "mean",
        "median",
        "lower_80",
        "upper_80",
        "lower_95",
        "upper_95",
    } <= set(frame.columns)
    total = frame[frame["group"] == "total"]
    assert (
        len(total) == 13
        and (total["lower_95"] <= total["lower_80"]).all()
        and (total["upper_80"] <= total["upper_95"]).all()
    )
    parts = frame[frame["group"] == "placement"].groupby("date")["mean"].sum()
    assert np.allclose(parts.to_numpy(), total["mean"].to_numpy())
    bands = frame[frame["group"] == "age_band"].groupby("date")["expected"].sum()
    assert np.allclose(bands.to_numpy(), total["expected"].to_numpy())
    # kept once worked out: a later call gives the same figures, in the order of levels asked, and a caller's
    # change to a frame does not reach the next one
    frame["mean"] = -1.0
    again = proj.summary_frame(level=(95, 80))
    assert list(again.columns)[-4:] == ["lower_95", "upper_95", "lower_80", "upper_80"]
    pd.testing.assert_frame_equal(again[["lower_80", "upper_80"]], proj._summarised((80,))[["lower_80", "upper_80"]])
    assert (again["mean"] >= 0).all()


def test_expm_batch_matches_scipy():
    from scipy.linalg import expm

    rng = np.random.default_rng(0)
    q = rng.random((5, 4, 4)) * 0.05
    q[:, np.arange(4), np.arange(4)] = -q.sum(axis=2)
    got = expm_batch(q * 30)
    want = np.stack([expm(m * 30) for m in q])
    assert np.allclose(got, want, atol=1e-12)


def test_fit_summary_and_rates_frame(sample):
    fitted = suf.fit(sample)
    summary = fitted.summary()
    assert set(summary.index) == set(fitted.categories)
    assert (summary["child_years"] > 0).all()
    rates = fitted.rates_frame()
    assert {"placement", "age", "to", "events", "exposure_days", "raw_rate", "rate"} <= set(rates.columns)
    assert (rates["rate"] >= 0).all()
    # shrinkage: a cell with no exposure takes a finite rate from its neighbours
    empty = rates[rates["exposure_days"] == 0]
    assert empty["rate"].notna().all()


def test_backtest_table_by_hand():
    # two origins, naive and multistate, 12 months ahead; errors and coverage chosen so each figure is easy to check
    rows = []
    for origin, actual_total, ms_total, covered in (("2020-03-31", 100, 110, True), ("2021-03-31", 200, 190, False)):
        for method, mean in (("multistate", ms_total), ("naive", actual_total)):
            rows.append(
                {
                    "origin": origin,
                    "method": method,
                    "h": 12,
                    "group": "total",
                    "value": "total",
                    "actual": actual_total,
                    "mean": mean,
                    "covered_80": covered if method == "multistate" else True,
                }
            )
            for value, share in (("a", 0.75), ("b", 0.25)):
                # placement errors: +5 and -5 children in both origins for the model, none for naive
                err = (5 if value == "a" else -5) if method == "multistate" else 0
                rows.append(
                    {
                        "origin": origin,
                        "method": method,
                        "h": 12,
                        "group": "placement",
                        "value": value,
                        "actual": actual_total * share,
                        "mean": actual_total * share + err,
                        "covered_80": True,
                    }
                )
    scores = pd.DataFrame(rows).assign(origin=lambda f: pd.to_datetime(f["origin"]))
    scores["error"] = scores["mean"] - scores["actual"]
    table = suf.BacktestResult(scores=scores, levels=(80,)).table()
    ms = table.loc[("multistate", 12)]
    # MAPE of the total: (10/100 + 10/200) / 2 = 7.5%; bias: (+10% - 5%) / 2 = +2.5%
    assert ms["mape_total"] == pytest.approx(7.5) and ms["bias_total"] == pytest.approx(2.5)
    # WAPE by placement: (5 + 5) / 100 = 10% and (5 + 5) / 200 = 5%, mean 7.5%
    assert ms["wape_placement"] == pytest.approx(7.5)
    # coverage over every series: 6 rows, one total not covered -> 5 / 6
    assert ms["coverage_80"] == pytest.approx(100 * 5 / 6)
    assert table.loc[("naive", 12), "mape_total"] == 0 and table.loc[("naive", 12), "coverage_80"] == 100
    assert suf.BacktestResult(scores=scores, levels=(80,)).coverage().loc[("multistate", 12), "total_80"] == 50


def test_backtest_scores_naive_against_the_stock(sample):
    result = suf.backtest(sample, origins=["2022-03-31"], horizon=12, methods=("naive",), n_sims=10)
    s = result.scores[result.scores["group"] == "total"].set_index("h")
    stock = suf.stock(sample, ["2022-03-31", "2023-03-31"], by=())[S.CHILDREN].tolist()
    # no change: every horizon forecasts the stock at the origin; the outcome is the stock 12 months later
    assert (s["mean"] == stock[0]).all() and s.loc[12, "actual"] == stock[1]
    assert s.loc[12, "error"] == stock[0] - stock[1]
    assert s.loc[12, "covered_80"] == (s.loc[12, "lower_80"] <= stock[1] <= s.loc[12, "upper_80"])


def test_choose_reference_picks_the_window_that_sees_a_change_in_exits():
    # the exit hazard falls to 40% of its level on 1 July 2020 (a court backlog): at the 2021 origins a one-year
    # window has seen only the slow exits, a four-year window mostly the old ones, so the four-year window must
    # under-forecast the growth of the stock and the one-year window must be chosen
    episodes = simulate(seed=6, entries_per_year=600, years=14, exit_step=("2020-07-01", 0.4))
    data = as_data(episodes, start="2012-04-01", end="2023-12-31")
    best, sensitivity = suf.choose_reference(
        data, origins=["2021-06-30", "2021-12-31"], candidates=(1.0, 4.0), half_lives=(None,), horizons=(12,), n_sims=50
    )
    assert best == (1.0, None)
    table = sensitivity.droplevel("half_life").xs(12, level="h")
    assert table.loc[4.0, "bias_total"] < -5  # percent: too few children
    assert table.loc[4.0, "mape_total"] > table.loc[1.0, "mape_total"] + 1


def test_truncate_hides_the_future(sample):
    cut = suf.truncate(sample, "2020-03-31")
    assert cut.censor_date == pd.Timestamp("2020-03-31")
    assert cut.episodes[S.EPISODE_START].max() <= pd.Timestamp("2020-03-31")
    assert not (cut.episodes[S.EPISODE_END] > pd.Timestamp("2020-03-31")).any()
    a = suf.stock(cut, ["2020-03-31"], by=())
    b = suf.stock(sample, ["2020-03-31"], by=())
    assert a[S.CHILDREN].tolist() == b[S.CHILDREN].tolist()


def test_naive_and_drift_baselines_by_hand():
    from sufficiency.accuracy.baselines import forecast_series

    y = pd.Series([10.0, 12.0, 11.0, 13.0])
    z = stats.norm.ppf(0.9)
    naive = forecast_series(y, method="naive", horizon=3, level=(80,))
    # changes 2, -1, 2: standard deviation sqrt(3); the interval grows with sqrt(h)
    np.testing.assert_allclose(naive["mean"], [13, 13, 13])
    np.testing.assert_allclose(naive["upper_80"], 13 + z * np.sqrt(3) * np.sqrt([1, 2, 3]))
    drift = forecast_series(y, method="drift", horizon=3, level=(80,))
    # slope (13 - 10) / 3 = 1 a month; changes less the slope 1, -2, 1: standard deviation sqrt(3)
    np.testing.assert_allclose(drift["mean"], [14, 15, 16])
    np.testing.assert_allclose(drift["lower_80"], [14, 15, 16] - z * np.sqrt(3) * np.sqrt([1, 2, 3]))


def test_ets_baseline_is_statsmodels_damped_trend(sample):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    frame = suf.baseline_forecast(sample, method="ets", horizon=6, level=(80,))
    total = frame[frame["group"] == "total"]
    history = suf.stock(sample, pd.date_range(sample.coverage_start, sample.censor_date, freq="ME"), by=())
    model = ETSModel(
        history[S.CHILDREN].astype(float).reset_index(drop=True), error="add", trend="add", damped_trend=True
    ).fit(disp=False)
    np.testing.assert_allclose(total["mean"], model.forecast(6), rtol=1e-6)
    assert total["date"].tolist() == list(pd.date_range("2025-04-30", periods=6, freq="ME"))


@pytest.mark.parametrize("method", ["naive", "drift", "ets"])
def test_baselines_cover_every_series(sample, method):
    frame = suf.baseline_forecast(sample, method=method, horizon=12, level=(80,))
    # the total, each placement category seen and each of the five DfE age bands, 12 months each
    n_series = 1 + sample.episodes[S.PLACEMENT].nunique() + 5
    assert len(frame) == 12 * n_series
    assert (frame["lower_80"] <= frame["mean"]).all() and (frame["mean"] <= frame["upper_80"]).all()


def test_population_scales_entries(sample):
    base = suf.fit(sample)
    dates = pd.to_datetime(["2020-03-31", "2025-03-31", "2030-03-31"])
    flat = suf.fit(sample, population=pd.Series([100.0, 100.0, 100.0], index=dates))
    growing = suf.fit(sample, population=pd.Series([100.0, 100.0, 200.0], index=dates))
    a = suf.project(base, horizon=60, n_sims=20, seed=1, calibrate=False).expected.sum(axis=(1, 2))
    b = suf.project(flat, horizon=60, n_sims=20, seed=1, calibrate=False).expected.sum(axis=(1, 2))
    c = suf.project(growing, horizon=60, n_sims=20, seed=1, calibrate=False).expected.sum(axis=(1, 2))
    assert np.allclose(a, b)
    assert (c[1:] > b[1:]).all()


@pytest.mark.parametrize("time_in_care", [(0, 3, 12), None])
def test_entrants_age_on_their_own_birthdays(sample, time_in_care):
    fitted = suf.fit(sample, time_in_care=time_in_care, uasc="together")
    only_babies = np.zeros_like(fitted.entries)
    only_babies[0] = fitted.entries.sum(axis=0)  # every entrant is under 1
    newborn = np.zeros_like(fitted.entry_birthdays)
    newborn[:, 12] = 1.0  # and born earlier in the month of entry
    zero = _without_hazards(
        fitted,
        entries=only_babies,
        entry_birthdays=newborn,
        entry_trend=np.zeros_like(fitted.entry_trend),
        entry_trend_se=np.zeros_like(fitted.entry_trend_se),
    )
    proj = suf.project(zero, horizon=30, n_sims=20, seed=3, calibrate=False)
    under_one = proj.draws[:, :, :, 0].sum(axis=2)
    entered = proj.entries.sum(axis=2)
    # nobody leaves before 18, so from month 12 on the under-1s are exactly the last 12 months' entrants
    for t in range(12, 31):
        assert (under_one[:, t] == entered[:, t - 11 : t + 1].sum(axis=1)).all(), t
    # the expected path: twelve months' expected entrants (a month is 365.25 / 12 days)
    assert np.allclose(proj.expected[12:, :, 0].sum(axis=1), zero.entry_rates.sum() * 365.25, rtol=1e-9)


def test_entry_skip_leaves_its_months_out_of_the_entries(sample):
    span = ("2023-04-01", "2024-03-31")  # inside the default entry window (the three years to March 2025)
    plain = suf.fit(sample)
    skipped = suf.fit(sample, entry_skip=[span])
    # the year to March 2024 has 366 days (29 February 2024)
    assert plain.entry_days - skipped.entry_days == pytest.approx(366.0)
    # truth: the episodes themselves, entries of children other than unaccompanied ones aged under 18 in that year
    e = sample.episodes
    child = sample.children.set_index(S.CHILD_ID)[S.DATE_OF_BIRTH]
    inside = e[S.IS_ENTRY] & e[S.EPISODE_START].between(*map(pd.Timestamp, span)) & ~e[S.UASC].fillna(False)
    born = e.loc[inside, S.CHILD_ID].map(child)
    under_18 = (born + pd.DateOffset(years=18)) > e.loc[inside, S.EPISODE_START]
    assert plain.entries.sum() - skipped.entries.sum() == pytest.approx(float(under_18.sum()))
    # hazards do not move, and the fit says what it left out
    np.testing.assert_array_equal(plain.exposure, skipped.exposure)
    assert skipped.settings["entry_skip"] == [["2023-04-01", "2024-03-31"]] and plain.settings["entry_skip"] is None


@pytest.mark.parametrize(
    "span, message",
    [
        (("2024-03-31", "2023-04-01"), "on or before its last"),
        (("not a day", "2024-03-31"), "pair of dates"),
        (("2022-01-01", "2025-03-31"), "leaves no month"),
    ],
)
def test_entry_skip_refuses_spans_that_cannot_be_used(sample, span, message):
    with pytest.raises(ValueError, match=message):
        suf.fit(sample, entry_skip=[span])


def test_entry_level_spread_widens_intervals_not_the_mean(sample):
    fitted = suf.fit(sample, uasc="together")
    # the council's own entries stray and come back (no walk)
    assert fitted.entry_level_drift == 0 and 0 < fitted.entry_level_spread < 1
    calm = suf.project(
        dataclasses.replace(fitted, entry_level_spread=0.0), horizon=24, n_sims=2000, seed=4, calibrate=False
    ).totals()[:, -1]
    wild = suf.project(
        dataclasses.replace(fitted, entry_level_spread=0.4), horizon=24, n_sims=2000, seed=4, calibrate=False
    ).totals()[:, -1]
    assert wild.std() > 1.3 * calm.std()
    # the level's multipliers have mean one: means agree within four standard errors
    assert abs(wild.mean() - calm.mean()) < 4 * np.hypot(wild.std(), calm.std()) / np.sqrt(2000)


def test_level_spread_by_hand():
    from sufficiency.rates.drift import LEVEL_PERSISTENCE, LEVEL_SPREAD_PRIOR, level_spread

    assert (LEVEL_SPREAD_PRIOR, LEVEL_PERSISTENCE) == (0.177, 0.46)
    # entries 100, 121, 100, 121: log changes +0.19062, -0.19062, +0.19062 about their mean 0.06354; squared
    # deviations sum to 0.096896, times k / (k - 1) = 3 / 2: 0.145344; Poisson noise 3 x (1/100 + 1/121) = 0.054793;
    # excess 0.090551 over 2 (1 - 0.46) = 1.08: 0.083844; with the prior's 2 x 0.177^2 = 0.062658 over 2 + 3
    # changes: 0.029300, whose root is 0.171173
    assert level_spread(np.array([100.0, 121.0, 100.0, 121.0]), 1.0) == pytest.approx(0.171173, abs=2e-6)
    # too few years: the prior
    assert level_spread(np.array([100.0, 130.0]), 1.0) == pytest.approx(LEVEL_SPREAD_PRIOR)


def test_the_level_of_entries_strays_and_comes_back():
    """Yearly entries of the paths vary about as much three and five years out as one year out (a walk would
    grow as the square root of the years), and each year's spread is the fitted one."""
    from sufficiency.projection.paths import _level_strays

    years = (np.arange(60) + 0.5) / 12  # months after the window's end
    m = _level_strays(0.2, years, np.random.default_rng(3), 20_000)
    assert m.shape == (20_000, 60) and abs(m.mean() - 1) < 0.005
    yearly = np.log(m.reshape(20_000, 5, 12).mean(axis=2))
    spread = yearly.std(axis=0)
    assert np.allclose(spread, 0.2, atol=0.006), spread
    # a share of about LEVEL_PERSISTENCE (0.46) of a year's deviation is left the next year, 0.46^2 two years on
    persistence = np.corrcoef(yearly[:, 1], yearly[:, 2])[0, 1]
    assert abs(np.corrcoef(yearly[:, 1], yearly[:, 3])[0, 1] - 0.46**2) < 0.03
    assert abs(persistence - 0.46) < 0.05, persistence


@pytest.mark.parametrize(
    "options, message",
    [
        ({"start": "2027-01-01"}, "after the end of the data"),
        ({"end": "2020-01-01"}, "before start"),
        ({"horizon": -3}, "horizon"),
        ({"n_sims": 0}, "n_sims"),
    ],
)
def test_project_rejects_impossible_requests(sample, options, message):
    fitted = suf.fit(sample)
    with pytest.raises(ValueError, match=message):
        suf.project(fitted, **{"horizon": 6, "n_sims": 5, "seed": 1, **options})


def test_reference_window_starts_no_earlier_than_the_returns(sample):
    # the sample's returns begin on 1 April 2015; a window from 2012 is cut to begin there
    fitted = suf.fit(sample, reference=("2012-01-01", "2019-03-31"))
    assert fitted.reference[0] == pd.Timestamp("2015-04-01")
    assert fitted.reference[0] == sample.coverage_start
    # the default five years at an early origin are cut the same way
    early = suf.fit(suf.truncate(sample, "2018-03-31"))
    assert early.reference == (pd.Timestamp("2015-04-01"), pd.Timestamp("2018-03-31"))


def test_backtest_tables_at_the_horizons_it_reached(sample):
    result = suf.backtest(sample, origins=["2024-09-30"], horizon=6, n_sims=50, methods=("multistate", "naive"))
    assert list(result.table().index.get_level_values("h").unique()) == [6]
    assert list(result.coverage().index.get_level_values("h").unique()) == [6]
    with pytest.raises(ValueError, match="no forecasts"):
        result.table(horizons=(12,))


def test_fit_refuses_empty_or_too_short_data(sample):
    empty = sample.episodes.iloc[:0]
    with pytest.raises(suf.SchemaError, match="no_episodes"):
        suf.fit(empty)
    with pytest.raises(suf.SchemaError, match="too_little_data") as info:
        suf.fit(sample, reference=("2025-03-20", "2025-03-31"))
    assert "12 days" in str(info.value)
    # episodes with no known date of birth give no ages: refused, naming how many children lack one
    with pytest.raises(suf.SchemaError, match=r"701 of the 701 children .*\[missing_dob\]"):
        suf.fit(sample.episodes.assign(**{S.DATE_OF_BIRTH: pd.NaT}))


def test_project_refuses_a_start_before_the_data(sample):
    fitted = suf.fit(sample)
    with pytest.raises(ValueError, match="before the data begin"):
        suf.project(fitted, start="2010-03-31", horizon=6, n_sims=5)


def test_project_refuses_a_run_longer_than_twenty_years_or_a_negative_seed(sample):
    fitted = suf.fit(sample)
    with pytest.raises(ValueError, match="at most 240 months .* not 241"):
        suf.project(fitted, horizon=241, n_sims=5)
    with pytest.raises(ValueError, match="at most 240 months"):
        suf.project(fitted, end="2050-03-31", n_sims=5)
    assert len(suf.project(fitted, horizon=240, n_sims=2, seed=1).dates) == 241
    with pytest.raises(ValueError, match="seed must be a whole number, 0 or more"):
        suf.project(fitted, horizon=6, n_sims=5, seed=-1)


def test_exported_mappings_are_read_only():
    with pytest.raises(TypeError):
        suf.DFE_AGE_BANDS["under 1"] = (0, 1)
    with pytest.raises(TypeError):
        S.REQUIRED_RAW["episodes"] = ("CHILD",)
    from sufficiency.common.ages import TIME_IN_CARE_BANDS

    with pytest.raises(TypeError):
        TIME_IN_CARE_BANDS["1 year"] = 6


def _without_dates_of_birth(sample, n):
    """The sample's episodes with ``n`` of the children in care at the end stripped of their date of birth."""
    ep = sample.episodes
    end = sample.censor_date
    in_care = ep[(ep[S.EPISODE_START] <= end) & (ep[S.EPISODE_END].isna() | (ep[S.EPISODE_END] > end))]
    children = sorted(in_care[S.CHILD_ID].unique())
    chosen = set(children[:: len(children) // n][:n])
    blank = ep[S.CHILD_ID].isin(chosen)
    return dataclasses.replace(sample, episodes=ep.assign(**{S.DATE_OF_BIRTH: ep[S.DATE_OF_BIRTH].mask(blank)})), len(
        children
    )


def test_up_to_one_percent_without_a_date_of_birth_are_carried_and_counted(sample):
    # the sample has 701 children in care on 31 March 2025: 7 is 1.0% (carried), 8 is 1.1% (refused)
    data, n_in_care = _without_dates_of_birth(sample, 7)
    assert n_in_care == 701
    with pytest.warns(suf.DataQualityWarning, match=r"7 of the 701 children in care on 2025-03-31 \(1\.0%\)"):
        fitted = suf.fit(data)
    # they still count in the stock the projection starts from, each with an imputed age
    proj = suf.project(fitted, horizon=12, n_sims=10, seed=1, calibrate=False)
    assert proj.draws[:, 0].sum(axis=(1, 2)).tolist() == [701] * 10
    refused, _ = _without_dates_of_birth(sample, 8)
    with pytest.raises(suf.SchemaError, match=r"8 of the 701 children .* more than the 1%") as info:
        suf.fit(refused)
    assert info.value.rule == "missing_dob"


def test_shrink_to_prior_by_hand():
    # normal prior N(0, 0.04²) on a trend fitted with standard error 0.03: keep 0.0016 / (0.0016 + 0.0009) = 0.64
    from sufficiency.rates.entries import shrink_to_prior

    assert shrink_to_prior(0.03, 0.04) == pytest.approx(0.64)
    assert shrink_to_prior(0.0, 0.04) == 1.0
    with pytest.raises(ValueError, match="trend_prior"):
        shrink_to_prior(0.03, 0.0)


def test_trend_prior_pulls_every_band_towards_no_trend(sample):
    """The prior scales the fitted trends by the share the trend of all entries keeps, and nothing else."""
    free = suf.fit(sample, entry_trend=True, trend_damping=1.0)
    tight = suf.fit(sample, entry_trend=True, trend_damping=1.0, trend_prior=0.01)
    assert tight.settings["trend_prior"] == 0.01 and free.settings["trend_prior"] is None
    assert np.abs(tight.entry_trend).max() < np.abs(free.entry_trend).max()
    ratio = tight.entry_trend / free.entry_trend
    np.testing.assert_allclose(ratio, ratio[0])  # one share for every band
    np.testing.assert_allclose(tight.entry_trend_se, np.sqrt(ratio[0]) * free.entry_trend_se)
    np.testing.assert_allclose(tight.entries, free.entries)  # the level is the data's
    assert 0 < ratio[0] < 1
    with pytest.raises(ValueError, match="trend_prior"):
        suf.fit(sample, entry_trend=True, trend_prior=-0.1)


def test_summary_frame_takes_one_level_and_refuses_levels_outside_0_to_100(sample):
    proj = suf.project(suf.fit(sample), horizon=6, n_sims=20, seed=1)
    one = proj.summary_frame(level=90)
    assert one.equals(proj.summary_frame(level=[90]))
    assert {"lower_90", "upper_90"} <= set(one.columns) and "lower_80" not in one.columns
    for bad in (150, 0, [80, 100], []):
        with pytest.raises(ValueError, match="between 0 and 100"):
            proj.summary_frame(level=bad)


def test_truncate_and_backtest_refuse_origins_outside_the_returns(sample):
    with pytest.raises(ValueError, match="origin 'soon' is not a date"):
        suf.truncate(sample, "soon")
    with pytest.raises(ValueError, match="before the returns begin"):
        suf.truncate(sample, "2000-01-01")
    with pytest.raises(ValueError, match="after the end of the data"):
        suf.truncate(sample, "2030-03-31")
    assert suf.truncate(sample, "31/03/2020").censor_date == pd.Timestamp("2020-03-31")
    with pytest.raises(ValueError, match="the latest origin is 2025-02-28"):
        suf.backtest(sample, origins=["2025-03-31"], horizon=12, n_sims=5)
    with pytest.raises(ValueError, match="at least one origin"):
        suf.backtest(sample, origins=[], horizon=12, n_sims=5)
    with pytest.raises(ValueError, match="horizon must be a whole number"):
        suf.backtest(sample, origins=["2022-03-31"], horizon=0, n_sims=5)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"entry_years": 0}, "entry_years=0: give at least a month"),
        ({"entry_years": -2.0}, "entry_years=-2.0"),
        ({"entry_years": float("nan")}, "entry_years=nan"),
        ({"prior_days": -1.0}, "prior_days=-1.0"),
        ({"trend_damping": 1.5}, "trend_damping=1.5"),
    ],
)
def test_fit_refuses_numbers_no_window_or_prior_could_have(sample, options, message):
    # an entry window of no length counted no entries and projected none, without a word
    with pytest.raises(ValueError, match=message):
        suf.fit(sample, **options)


def test_project_reads_dates_as_the_returns_write_them_and_names_what_is_not_one(sample):
    fitted = suf.fit(sample)
    a = suf.project(fitted, start="31/03/2024", end="31/03/2025", n_sims=5, seed=1)
    assert a.dates[0] == pd.Timestamp("2024-03-31") and a.dates[-1] == pd.Timestamp("2025-03-31")
    with pytest.raises(ValueError, match="start 'soon' is not a date"):
        suf.project(fitted, start="soon", horizon=6, n_sims=5)
    with pytest.raises(ValueError, match="end 'later' is not a date"):
        suf.project(fitted, end="later", n_sims=5)


def test_fit_names_categories_left_out_and_a_reference_that_is_not_a_date(sample):
    with pytest.raises(
        ValueError, match=r"categories leaves out .*external_residential.*\(their children would be dropped\)"
    ):
        suf.fit(sample, categories=["inhouse_fostering"])
    with pytest.raises(ValueError, match="reference start 'junk' is not a date"):
        suf.fit(sample, reference=("junk", "2024-03-31"))
    # a window given day first is read as the returns write dates
    a = suf.fit(sample, reference=("01/04/2022", "31/03/2024"))
    assert a.reference[0] == pd.Timestamp("2022-04-01")


def test_baseline_forecast_refuses_a_horizon_or_level_it_cannot_give(sample):
    with pytest.raises(ValueError, match="horizon must be a whole number"):
        suf.baseline_forecast(sample, method="naive", horizon=-1)
    with pytest.raises(ValueError, match="between 0 and 100"):
        suf.baseline_forecast(sample, method="naive", level=(150,))
