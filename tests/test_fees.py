"""Placement cost files: reading, linking to the episodes, findings, and costs from actual fees."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import episode_row, header_row, write_year

import sufficiency as suf


def read(source):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", suf.DataQualityWarning)
        return suf.read_ssda903(source)


@pytest.fixture()
def returns(tmp_path):
    # child 1 in agency foster care from February, child 2 in an external home from March, with a move in May
    eps = [
        episode_row("1", "01/02/2016", place="U4", provider="PR4"),
        episode_row("2", "01/03/2016", "01/05/2016", "X1", place="K2", provider="PR4"),
        episode_row("2", "01/05/2016", place="U4", provider="PR4", rne="P"),
    ]
    write_year(tmp_path, 2016, [header_row("1", "01/01/2005"), header_row("2", "01/01/2004")], eps)
    write_year(
        tmp_path,
        2017,
        [header_row("1", "01/01/2005"), header_row("2", "01/01/2004")],
        [episode_row("1", "01/02/2016", place="U4", provider="PR4"), eps[1], eps[2]],
    )
    return read(tmp_path)


def test_fees_link_to_categories_and_bad_rows_are_counted(returns, tmp_path):
    path = tmp_path / "fees.csv"
    path.write_text(
        "Child,Start,End,Fee,Platform,Health,Education\n"
        "1,01/02/2016,,850,Framework,0,0\n"
        '2,01/03/2016,30/04/2016,"6,500",Off-framework,1000,0\n'
        "2,01/05/2016,,900,spot,0,0\n"
        "3,01/03/2016,,700,framework,,\n"  # a child in no return
        "1,31/02/2016,,700,framework,,\n"  # no such date
        "2,01/03/2016,,-5,spot,,\n"  # a negative fee
        "1,01/02/2016,,800,framework,500,500\n"  # contributions above the fee
    )
    fees = suf.read_placement_costs(path, returns, warn=False)
    f = fees.fees.set_index("source_row")
    assert f.loc[2, "placement"] == "agency_fostering" and f.loc[2, "route"] == "framework"
    # the home placement overlaps the children's-home episode; the fee less the health contribution
    assert (
        f.loc[3, "placement"] == "external_residential"
        and f.loc[3, "route"] == "spot"
        and f.loc[3, "net_weekly"] == 5_500
    )
    assert f.loc[4, "placement"] == "agency_fostering"
    assert f.loc[8, "net_weekly"] == 0
    q = fees.quality.set_index("rule")
    assert (
        q.loc["fee_child_not_in_returns", "row"] == 5
        and q.loc["invalid_date", "row"] == 6
        and q.loc["negative_fee", "row"] == 7
    )
    assert q.loc["contributions_above_fee", "row"] == 8
    # every line is used or counted as not used
    assert len(fees.fees) + int(fees.quality["removed"].sum()) == 7


def test_fee_file_needs_columns_or_episodes(tmp_path):
    path = tmp_path / "fees.csv"
    path.write_text("child_id,placement_start,weekly_fee\n1,01/02/2016,850\n")
    with pytest.raises(suf.SchemaError, match="route"):
        suf.read_placement_costs(path)
    path.write_text("child_id,placement_start,weekly_fee,route\n1,01/02/2016,850,spot\n")
    with pytest.raises(suf.SchemaError, match="category"):
        suf.read_placement_costs(path)


def test_spend_history_prices_covered_days_at_actual_fees(returns, tmp_path):
    path = tmp_path / "fees.csv"
    path.write_text("child_id,placement_start,placement_end,weekly_fee,route\n2,01/03/2016,01/05/2016,7000,spot\n")
    fees = suf.read_placement_costs(path, returns, warn=False)
    spend = suf.spend_history(returns, suf.default_unit_costs(), fees=fees)
    home = spend[(spend["placement"] == "external_residential") & (spend["priced_by"] == "fee")]
    # 1 March to 30 April 2016: 31 days in 2015-16 and 30 in 2016-17, at £1,000 a day
    assert home.set_index("financial_year")["spend"].to_dict() == pytest.approx({"2015-16": 31_000, "2016-17": 30_000})
    # no other children's-home days are left to price at unit costs
    assert (
        spend.loc[
            (spend["placement"] == "external_residential") & (spend["priced_by"] == "unit_cost"), "child_days"
        ].sum()
        == 0
    )


def test_costs_use_the_fee_distribution(sample):
    fees = suf.read_placement_costs(suf.sample_path() / "placement_costs.csv", sample, warn=False)
    projection = suf.project(suf.fit(sample), horizon=24, n_sims=400, seed=5)
    costs = suf.cost(projection, suf.default_unit_costs(), fees=fees)
    recent = fees.recent()
    spot = recent[(recent["placement"] == "external_residential") & (recent["route"] == "spot")]["net_weekly"]
    i, j = costs.categories.index("external_residential"), costs.routes.index("spot")
    # each path pays the mean of its placements' fees: on average the recent fees' mean
    paid = costs.draws[:, 0, i, j] / costs.child_days[:, 0, i, j] * 7
    assert abs(paid.mean() / spot.mean() - 1) < 0.03
    # ... varying by path with the heavy tail: a handful of children's fees spread far more than many's
    k = costs.child_days[:, 0, i, j] / 365.25
    expected_sd = spot.std() / np.sqrt(np.maximum(np.ceil(k), 1))
    assert np.std(paid) == pytest.approx(np.mean(expected_sd), rel=0.25)
    # the route shares are the fee file's
    share = costs.child_days[:, :, i].sum(axis=(0, 1))
    assert share[j] / share.sum() == pytest.approx(
        dict(
            zip(
                costs.assumptions["route"].where(costs.assumptions["placement"] == "external_residential"),
                costs.assumptions["share"],
            )
        )["spot"]
    )


@pytest.fixture(scope="module")
def sample_fees(sample):
    return suf.read_placement_costs(suf.sample_path() / "placement_costs.csv", sample, warn=False)


@pytest.fixture(scope="module")
def sample_projection(sample):
    return suf.project(suf.fit(sample), horizon=24, n_sims=300, seed=5)


def test_the_first_forecast_year_starts_from_last_years_prices(sample, sample_fees, sample_projection):
    """Each (category, route) with 1,000 child-days or more in 2024-25: 2025-26's price is 2024-25's brought forward."""
    prices = suf.Prices(inflation=suf.default_inflation(), fees=sample_fees)
    history = suf.spend_history(sample, prices)
    last = history[history["financial_year"] == "2024-25"]
    # last year's day-weighted price and route shares, from the actual child-days and spend
    by_cell = last.groupby(["placement", "route"])[["child_days", "spend"]].sum()
    actual_price = by_cell["spend"] / by_cell["child_days"] * 7
    actual_share = by_cell["child_days"] / by_cell["child_days"].groupby(level=0).transform("sum")
    costs = suf.cost(sample_projection, prices)
    f = costs.financial_years.index("2025-26")
    rates = suf.default_inflation().set_index("placement")["annual_rate"]
    days = costs.child_days[:, f].sum(axis=0)
    checked = 0
    for (cat, route), cell_days in by_cell["child_days"].items():
        if cell_days < 1000:
            continue
        i, j = costs.categories.index(cat), costs.routes.index(route)
        if actual_price[(cat, route)] == 0:  # free placements (adoption) stay free
            assert costs.weekly_price[f, i, j] == 0
            continue
        ratio = costs.weekly_price[f, i, j] / actual_price[(cat, route)]
        rate = rates[cat]
        assert 1 + rate - 0.03 <= ratio <= 1 + 2 * rate + 0.03, (cat, route, ratio)
        forecast_share = days[i, j] / days[i].sum()
        assert abs(forecast_share - actual_share[(cat, route)]) <= 0.05, (cat, route, forecast_share)
        checked += 1
    assert checked >= 8


def test_a_fee_file_of_some_routes_leaves_the_others_their_shares(sample, sample_fees, sample_projection, tmp_path):
    spot_only = sample_fees.fees[sample_fees.fees["route"] == "spot"]
    path = tmp_path / "spot.csv"
    spot_only.drop(columns=["net_weekly", "source_row"]).to_csv(path, index=False)
    fees = suf.read_placement_costs(path, sample, warn=False)
    with pytest.warns(suf.DataQualityWarning, match=r"only some routes of .*agency_fostering \(spot: \d+% of it\)"):
        costs = suf.cost(sample_projection, suf.Prices(fees=fees))
    shares = suf.default_route_shares().set_index(["placement", "route"])["share"]
    used = costs.assumptions.set_index(["placement", "route"])["share"]
    for cat in ("agency_fostering", "external_residential"):
        np.testing.assert_allclose(used[cat].sort_index(), shares[cat].sort_index())


def test_a_dear_placement_stays_dear_from_year_to_year(sample_fees, sample_projection):
    costs = suf.cost(sample_projection, suf.Prices(inflation=0.0, fees=sample_fees))
    i, j = costs.categories.index("external_residential"), costs.routes.index("spot")
    paid = costs.draws[:, :, i, j] / costs.child_days[:, :, i, j] * 7  # (path, year) [£/week]
    complete = [k for k, ok in enumerate(costs.complete) if ok]
    # no inflation: each path pays the same mean fee every year, and paths differ
    np.testing.assert_allclose(paid[:, complete], paid[:, complete[:1]].repeat(len(complete), axis=1), rtol=1e-9)
    assert paid[:, complete[0]].std() > 0


def test_a_negotiated_price_is_paid_in_every_path(sample, sample_fees):
    fitted = suf.fit(sample)
    lever = suf.change_unit_cost("external_residential", route="spot", weekly_cost=6000, start="2025-04-01")
    scores = suf.score(
        fitted,
        [suf.Scenario("negotiated", (lever,))],
        unit_costs=suf.Prices(inflation=0.0, fees=sample_fees),
        horizon=24,
        n_sims=200,
        seed=2,
    )
    costs = scores.costs["negotiated"]
    i, j = costs.categories.index("external_residential"), costs.routes.index("spot")
    paid = costs.draws[:, :, i, j] / costs.child_days[:, :, i, j] * 7
    # every path pays £6,000 a week from April 2025 (no inflation), not the fee file's spread
    np.testing.assert_allclose(paid[costs.child_days[:, :, i, j] > 0], 6000.0, rtol=1e-9)


def test_fee_draws_are_drawn_once_and_shared_as_the_seed_would_draw_them(sample_fees, sample_projection):
    from sufficiency.finance.fee_draws import FeeDraws, fee_factors
    from sufficiency.finance.history import anchored_pricing
    from sufficiency.finance.months import months_of

    prices = suf.Prices(fees=sample_fees)
    pr = anchored_pricing(prices, sample_projection.categories, None)
    months = months_of(sample_projection.dates)
    days = np.random.default_rng(3).uniform(0, 400, (len(sample_projection.draws), len(months.labels), 10, 5))
    days = days[:, :, : len(pr.categories), : len(pr.routes)]
    # the truth: the factors of the bare seed, drawn afresh by a FeeDraws of their own
    truth = fee_factors(pr, days, months.year_days, FeeDraws(7))
    np.testing.assert_array_equal(fee_factors(pr, days, months.year_days, 7), truth)
    # the Prices keep the seed's picks: a second pricing of the same prices draws none
    shared = pr.fee_draws[7]
    picks = {key: kept[1] for key, kept in shared._picks.items()}
    again = anchored_pricing(prices, sample_projection.categories, None)
    assert again is pr and again.fee_draws[7] is shared
    np.testing.assert_array_equal(
        fee_factors(again, days * 2, months.year_days, 7), fee_factors(pr, days * 2, months.year_days, FeeDraws(7))
    )
    assert all(shared._picks[key][1] is idx for key, idx in picks.items())
    # a pool scaled (to an outturn) picks the same placements: each path's factor is unchanged
    scaled = pr.scaled({c: 1.2 for c in pr.categories})
    np.testing.assert_allclose(fee_factors(scaled, days, months.year_days, 7), truth, rtol=1e-12)
