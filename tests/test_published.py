"""Forecasts from published council tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sufficiency as suf
from sufficiency.published.empirical import empirical_intervals
from sufficiency.published.totals import starts_drift, starts_variation
from sufficiency.rates.drift import LEVEL_DRIFT_PRIOR, LEVEL_PERSISTENCE, LEVEL_SPREAD_PRIOR


@pytest.fixture(scope="module")
def table():
    return suf.load_published()


def test_read_published(table):
    assert {"la_code", "la_name", "region_name", "year", "cla_31_march", "starts", "ceases", "population_0_17"} <= set(
        table.columns
    )
    assert table["year"].min() == 2011 and table["year"].max() == 2022
    assert table["la_code"].nunique() > 150
    # national total at 31 March 2022 is 82,090 (DfE, rounded to 10); council rows sum within suppression
    total = table.loc[table["year"] == 2022, "cla_31_march"].sum()
    assert abs(total - 82_090) < 100


@pytest.mark.parametrize(
    "text, rule",
    [
        ("la_code,la_name,cla_31_march\nE1,A,5\n", "missing_column"),
        ("la_code,la_name,year,cla_31_march\nE1,A,2020,lots\n", "not_a_number"),
        ("la_code,la_name,year,cla_31_march\nE1,A,2020,5\nE1,A,2020,6\n", "duplicate_row"),
        ("la_code,la_name,year,cla_31_march\nE1,A,2019-21,5\n", "not_a_year"),
    ],
)
def test_bad_published_tables(tmp_path, text, rule):
    path = tmp_path / "t.csv"
    path.write_text(text)
    with pytest.raises(suf.SchemaError, match=rule):
        suf.read_published(path)


def test_year_labels_follow_the_31_march_convention(tmp_path):
    # "2010-11" is the year to 31 March 2011, as everywhere else in the library (and "201011" in DfE files)
    path = tmp_path / "t.csv"
    path.write_text("la_code,la_name,year,cla_31_march\nE1,A,2010-11,5\nE1,A,201112,6\nE1,A,2013,7\n")
    assert suf.read_published(path)["year"].tolist() == [2011, 2012, 2013]
    placements = tmp_path / "p.csv"
    placements.write_text("la_code,la_name,year,placement,number\nE1,A,2010-11,Total,5\n")
    assert suf.read_published_placements(placements)["year"].unique().tolist() == [2011]


def test_bad_cell_names_its_line(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("la_code,la_name,year,cla_31_march\nE1,A,2020,5\nE1,A,2021,-3\n")
    with pytest.raises(suf.SchemaError) as info:
        suf.read_published(path)
    assert (info.value.file, info.value.row, info.value.column, info.value.rule) == (
        str(path),
        3,
        "cla_31_march",
        "negative",
    )


def test_forecast_shape(table):
    fc = suf.forecast_published(table, horizon=3, level=(80, 95))
    assert set(fc["year"]) == {2023, 2024, 2025}
    assert (
        (fc["lower_95"] <= fc["lower_80"]).all()
        and (fc["lower_80"] <= fc["mean"]).all()
        and (fc["mean"] <= fc["upper_80"]).all()
    )
    assert fc["la_code"].nunique() > 140


def test_forecasts_see_only_the_past(table):
    changed = table.copy()
    changed.loc[changed["year"] > 2018, "cla_31_march"] *= 3
    a = suf.forecast_published(table, origin=2018)
    b = suf.forecast_published(changed, origin=2018)
    pd.testing.assert_frame_equal(a, b)


def test_backtest_across_councils(table):
    result = suf.backtest_published(table, origins=range(2015, 2021), horizon=2, methods=("naive", "trend", "damped"))
    mape = result["mape"].unstack("method")
    # measured on these files (2015-2020 origins): damped <= naive < trend at both horizons
    assert (mape["damped"] <= mape["naive"] + 0.05).all()
    assert (mape["trend"] > mape["naive"]).all()
    assert result["coverage_80"].between(70, 90).all()


def test_starts_drift_is_the_fit_prior(table):
    # the constant in drift.py is this figure of the bundled DfE table, to 3 decimals
    assert round(starts_drift(table), 3) == LEVEL_DRIFT_PRIOR


def test_starts_variation_is_the_fit_prior(table):
    # the constants in drift.py are these figures of the bundled DfE table (spread to 3 decimals)
    spread, persistence = starts_variation(table)
    assert round(spread, 3) == LEVEL_SPREAD_PRIOR and persistence == LEVEL_PERSISTENCE
    # councils' starts come back towards their level: far from a random walk's persistence of 1
    assert persistence < 0.7


def _councils(rng, level_of_years, n=300):
    """Poisson starts of ``n`` councils about 400 a year, 2010-2021, with the log level given to each council."""
    years = np.arange(2010, 2022)
    shared = rng.normal(0.0, 0.05, len(years))  # a national shock each year, which the estimators take out
    rows = []
    for la in range(n):
        level = np.log(400) + shared + level_of_years(len(years))
        rows.append(pd.DataFrame({"la_code": f"E{la:08d}", "year": years, "starts": rng.poisson(np.exp(level))}))
    return pd.concat(rows)


def test_starts_variation_recovers_a_known_autoregression():
    rng = np.random.default_rng(9)

    def autoregression(n_years):  # stationary, spread 0.15, persistence 0.5
        x = np.empty(n_years)
        x[0] = rng.normal(0.0, 0.15)
        for t in range(1, n_years):
            x[t] = 0.5 * x[t - 1] + rng.normal(0.0, 0.15 * np.sqrt(1 - 0.25))
        return x

    spread, persistence = starts_variation(_councils(rng, autoregression))
    assert abs(spread - 0.15) < 0.015 and abs(persistence - 0.5) < 0.1, (spread, persistence)
    # a random walk keeps every deviation: the persistence found is near 1
    _, walk = starts_variation(_councils(rng, lambda n_years: np.cumsum(rng.normal(0.0, 0.1, n_years))))
    assert walk >= 0.9, walk


def test_starts_drift_separates_noise_from_drift():
    rng = np.random.default_rng(8)
    years = np.arange(2010, 2022)
    rows = []
    for la in range(300):
        level = np.log(400) + np.cumsum(rng.normal(0.0, 0.1, len(years)))  # a random walk with spread 0.1
        rows.append(pd.DataFrame({"la_code": f"E{la:08d}", "year": years, "starts": rng.poisson(np.exp(level))}))
    sigma = starts_drift(pd.concat(rows))
    # 300 councils x 11 changes: the estimate's standard error is about 0.005
    assert abs(sigma - 0.1) < 0.015, sigma


def test_empirical_intervals():
    # past log errors: group "a" known at horizons 1 and 2; group "b" never scored
    errors = pd.DataFrame({"g": ["a"] * 4, "h": [1, 1, 2, 2], "log_error": [-0.1, 0.1, -0.2, 0.2]})
    fc = pd.DataFrame({"g": ["a", "a", "a", "b"], "h": [1, 2, 8, 1], "point": [100.0, 100.0, 100.0, 50.0]})
    out = empirical_intervals(fc, errors, (100,), by=("g",))
    # the 100% interval spans the extreme errors; horizon 8 borrows horizon 2 scaled by sqrt(8 / 2) = 2
    np.testing.assert_allclose(out["lower_100"].iloc[:3], 100 * np.exp([-0.1, -0.2, -0.4]))
    np.testing.assert_allclose(out["upper_100"].iloc[:3], 100 * np.exp([0.1, 0.2, 0.4]))
    assert np.isnan(out["lower_100"].iloc[3]) and np.isnan(out["upper_100"].iloc[3])
    # with no past errors at all there is no interval rather than a zero-width one
    assert empirical_intervals(fc, errors.iloc[:0], (80,), by=("g",))["lower_80"].isna().all()


def test_published_forecasts_refuse_origins_and_horizons_they_cannot_use(table):
    # each of these gave an empty forecast, or a message about int()
    for kwargs, message in [
        ({"origin": "junk"}, "origin 'junk' is not a year"),
        ({"origin": 1990}, "origin 1990 is outside the table's years"),
        ({"origin": 2022, "horizon": 0}, "horizon must be a whole number of years"),
    ]:
        with pytest.raises(ValueError, match=message):
            suf.forecast_published(table, **kwargs)
    with pytest.raises(ValueError, match="at least one origin year"):
        suf.backtest_published(table, origins=[])
    # an origin written as a financial year is the year it ends
    a = suf.forecast_published(table, origin="2020-21", horizon=1, method="naive")
    assert (a["year"] == 2022).all()
