"""Scenarios and their scores: data round trips, invariants, a spreadsheet check and refusals."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pytest

import sufficiency as suf
from sufficiency.finance.months import monthly_child_days, months_of
from sufficiency.projection.blend import blend
from sufficiency.projection.calibration import default_calibration, months_ahead
from sufficiency.scenarios.lever import Lever

START = "2025-07-01"


@pytest.fixture(scope="module")
def fitted(sample):
    return suf.fit(sample)


def partner(capacity: float = 12.0) -> suf.Scenario:
    return suf.Scenario(
        "partner",
        (
            suf.shift_placements(
                "external_residential",
                route="spot",
                to_route="partner",
                share=0.5,
                weekly_cost=5800,
                start=START,
                ramp_months=18,
                capacity=capacity,
            ),
            suf.implementation_cost(one_off=400_000, running_per_year=150_000, start=START),
        ),
    )


def stepdown() -> suf.Scenario:
    return suf.Scenario(
        "step-down",
        (
            suf.change_hazard(
                "external_residential", "agency_fostering", factor=2.0, ages=range(8, 16), start=START, ramp_months=12
            ),
        ),
    )


def edge() -> suf.Scenario:
    return suf.Scenario("edge", (suf.change_entries(factor=0.85, ages=(16, 17), start=START, ramp_months=12),))


@pytest.fixture(scope="module")
def scores(fitted):
    scenarios = [suf.Scenario("nothing"), partner(), stepdown(), edge()]
    return suf.score(
        fitted,
        scenarios,
        unit_costs=suf.default_unit_costs(),
        inflation=suf.default_inflation(),
        horizon=48,
        n_sims=300,
        seed=12,
        target=1_000_000,
        target_year="2027-28",
    )


def test_scenarios_round_trip_as_data(tmp_path):
    scenario = suf.Scenario(
        "all levers",
        (
            *partner().levers,
            *stepdown().levers,
            *edge().levers,
            suf.change_unit_cost("agency_fostering", route="spot", factor=0.9, start="2026-04-01"),
            suf.add_capacity("inhouse_fostering", places=10, start="2026-04-01"),
        ),
        "a brief",
    )
    assert suf.Scenario.from_dict(json.loads(json.dumps(scenario.to_dict()))) == scenario
    path = tmp_path / "scenarios.json"
    path.write_text(json.dumps({"scenarios": [scenario.to_dict(), partner().to_dict()]}))
    assert suf.read_scenarios(path) == [scenario, partner()]
    assert [s.name for s in suf.read_scenarios(suf.sample_path() / "scenarios.json")] == [
        "Partner children's homes",
        "Step-down to foster care",
        "Edge of care for 16-17",
        "Recruit foster carers",
    ]


def test_baseline_is_the_projection_blended_not_stretched_and_no_levers_save_nothing(fitted, scores):
    simulated = suf.project(fitted, horizon=48, n_sims=300, seed=12, calibrate=False)
    weight = default_calibration().factor("blend", "total", months_ahead(simulated.dates))
    projection = blend(simulated, weight)
    base = suf.cost(projection, suf.default_unit_costs(), inflation=suf.default_inflation())
    np.testing.assert_array_equal(scores.projections["baseline"].draws, projection.draws)
    np.testing.assert_allclose(scores.baseline.totals(), base.totals())
    # the forecast's mean is the same; only its bands are stretched
    forecast = suf.project(fitted, horizon=48, n_sims=300, seed=12)
    np.testing.assert_allclose(forecast.totals().mean(axis=0), projection.totals().mean(axis=0), rtol=0.01)
    assert (scores.savings["nothing"] == 0).all()
    summary = scores.summary()
    assert (
        summary.loc["nothing", "saving_mean"] == 0
        and summary.loc["nothing", "p_target"] == 0
        and pd.isna(summary.loc["nothing", "payback_year"])
    )


def test_partner_shift_matches_a_spreadsheet_of_the_baseline_paths(scores):
    # the calculation a finance analyst would make from the baseline's paths, month by month:
    # spot children's-home children = baseline child-days x the spot route share / days in the month;
    # moved = min(50% x ramp x those children, 12); saving = moved child-days x (spot price - partner price) / 7
    projection = scores.projections["baseline"]
    months = months_of(projection.dates)
    i = projection.categories.index("external_residential")
    days = monthly_child_days(projection.draws.sum(axis=3, dtype=float), months)[:, :, i] * 0.4  # default spot share
    ramp = np.zeros(len(months.ends))
    first = int(np.searchsorted(months.ends, pd.Timestamp(START)))  # July 2025, whole month from the 1st
    ramp[first:] = np.minimum(1.0, (np.arange(len(months.ends) - first) + 1) / 18)
    moved = np.minimum(0.5 * ramp * days / months.days, 12.0)
    fy = months.fy[months.year]
    spot = 7330 * 1.06 ** (fy - 2024)  # default spot price at 2023-24 prices, 6% a year
    partner_price = 5800 * 1.06 ** (fy - 2026)  # at 2025-26 prices from the start
    saving = moved * months.days * (spot - partner_price) / 7
    by_year = np.zeros((saving.shape[0], len(months.labels)))
    np.add.at(by_year.T, months.year, saving.T)
    # implementation: £400k in 2025-26, £150k a year by day from 1 July 2025
    running = np.array(
        [150_000 * (pd.Timestamp("2026-03-31") - pd.Timestamp(START)).days / 365.25 + 150_000 / 365.25]
        + [150_000 * d / 365.25 for d in (365, 366, 365)]
    )
    expected = by_year - np.array([400_000, 0, 0, 0]) - running
    np.testing.assert_allclose(scores.savings["partner"], expected, rtol=1e-9, atol=1e-3)
    # the cap holds in every path and month
    assert scores.shifted["partner"].max() <= 12.0 + 1e-9
    assert scores.shifted["partner"].max() == pytest.approx(12.0)


def test_common_random_numbers(scores):
    base = scores.projections["baseline"].draws
    for name in ("step-down", "edge"):
        draws = scores.projections[name].draws
        # identical until the levers start in July 2025 (the first month they act is July)
        upto = scores.projections[name].dates <= pd.Timestamp("2025-06-30")
        assert np.array_equal(draws[:, upto], base[:, upto])
        assert not np.array_equal(draws, base)
    # the savings vary far less between paths than the costs themselves do: the paths are coupled
    for name in ("step-down", "edge"):
        assert scores.savings[name][:, -1].std() < 0.25 * scores.baseline.totals()[:, -1].std()


def test_levers_move_the_right_things(fitted, scores):
    summary = scores.summary()
    # entries avoided to March 2028: the fitted rate of entries at 16-17 (unaccompanied children's arrivals are their
    # own stream and not prevented) x 15% x the lever's strength, month by month from July 2025
    from sufficiency.scenarios.lever import ramp_weights

    ends = scores.month_ends[scores.month_ends <= "2028-03-31"]
    days = ends.days_in_month.to_numpy()
    strength = ramp_weights(START, 12, ends, days)
    per_day = fitted.entries[16:18].sum() / fitted.entry_days
    expected = (per_day * days * 0.15 * strength).sum()
    assert summary.loc["edge", "entries_avoided"] == pytest.approx(expected, rel=0.25)
    assert summary.loc["partner", "entries_avoided"] == 0
    year = (scores.month_ends > "2027-03-31") & (scores.month_ends <= "2028-03-31")
    days = scores.month_ends[year].days_in_month.to_numpy()
    assert summary.loc["partner", "children_shifted"] == pytest.approx(
        (scores.shifted["partner"][:, year, 0] * days).sum(axis=1).mean() / days.sum()
    )
    assert summary.loc["step-down", "child_months_changed"] > 0
    i = scores.baseline.categories.index("external_residential")
    base_res = scores.baseline.child_days[:, -1, i].sum(axis=1).mean()
    step_res = scores.costs["step-down"].child_days[:, -1, i].sum(axis=1).mean()
    assert step_res < base_res
    frame = scores.savings_frame()
    row = frame[(frame["scenario"] == "partner") & (frame["financial_year"] == "2027-28")].iloc[0]
    assert row["cumulative_mean"] == pytest.approx(scores.savings["partner"][:, :3].sum(axis=1).mean())
    assert summary.loc["partner", "p_target"] == pytest.approx((scores.savings["partner"][:, 2] >= 1_000_000).mean())
    # cash savings deflated by 2% a year (the GDP deflator), then discounted at the Green Book's real 3.5%
    npv = (scores.savings["partner"] / (1.035 * 1.02) ** np.arange(4)).sum(axis=1).mean()
    assert summary.loc["partner", "npv"] == pytest.approx(npv)


def test_same_seed_same_scores_and_inputs_untouched(fitted, sample):
    unit = suf.default_unit_costs()
    before = unit.copy()
    episodes = sample.episodes.copy()
    a = suf.score(fitted, [stepdown()], unit_costs=unit, horizon=24, n_sims=50, seed=3)
    b = suf.score(fitted, [stepdown()], unit_costs=unit, horizon=24, n_sims=50, seed=3)
    np.testing.assert_array_equal(a.savings["step-down"], b.savings["step-down"])
    pd.testing.assert_frame_equal(unit, before)
    pd.testing.assert_frame_equal(episodes, sample.episodes)


def test_capacity_levers_close_the_gap(fitted):
    capacity = pd.DataFrame(
        {"category": ["inhouse_fostering", "external_residential"], "route": ["in_house", "block"], "places": [250, 6]}
    )
    scenarios = [
        suf.Scenario("carers", (suf.add_capacity("inhouse_fostering", places=40, start="2026-04-01"),)),
        partner(),
    ]
    s = suf.score(
        fitted, scenarios, unit_costs=suf.default_unit_costs(), horizon=36, n_sims=100, seed=1, capacity=capacity
    )
    summary = s.summary()
    # 40 more places from April 2026: the target year (2027-28) has 40 fewer places needed where any were
    assert summary.loc["carers", "places_needed_change"] < 0 and summary.loc["carers", "saving_mean"] == 0
    # the partner's 12 places count as capacity for children's homes
    g = s.gaps["partner"]
    homes = (g["placement"] == "external_residential") & (g["date"] == pd.Timestamp("2027-03-31"))
    assert g.loc[homes, "capacity"].iloc[0] == 18


@pytest.mark.parametrize(
    "lever, message",
    [
        (
            lambda: suf.shift_placements("foster_typo", to_route="partner", share=0.5, weekly_cost=1, start=START),
            "unknown category 'foster_typo'; the model's categories are kinship_fostering",
        ),
        (
            lambda: suf.shift_placements(
                "external_residential",
                route="framework_typo",
                to_route="partner",
                share=0.5,
                weekly_cost=1,
                start=START,
            ),
            "no placements by route 'framework_typo'; its routes are framework, spot",
        ),
        (
            lambda: suf.change_hazard("external_residential", "nowhere", factor=2, start=START),
            "unknown category 'nowhere'",
        ),
        (lambda: suf.change_entries(factor=0.9, categories=["x"], start=START), "unknown category 'x'"),
        (
            lambda: suf.change_hazard("external_residential", "exit", factor=2, start="2020-01-01"),
            "before the projection starts",
        ),
    ],
)
def test_bad_levers_are_refused_with_the_valid_values(fitted, lever, message):
    with pytest.raises(ValueError, match=message):
        suf.score(
            fitted, [suf.Scenario("bad", (lever(),))], unit_costs=suf.default_unit_costs(), horizon=12, n_sims=5, seed=1
        )


def test_lever_values_are_checked_when_made():
    with pytest.raises(ValueError, match="share must be between 0 and 1"):
        suf.shift_placements("external_residential", to_route="partner", share=1.5, weekly_cost=1, start=START)
    with pytest.raises(ValueError, match="ages"):
        suf.change_entries(factor=0.9, ages=[16, 18], start=START)
    with pytest.raises(ValueError, match="capacity must be from 0 to 100,000"):
        suf.shift_placements(
            "external_residential", to_route="partner", share=0.5, weekly_cost=1, start=START, capacity=-1
        )
    with pytest.raises(ValueError, match="not a date"):
        suf.add_capacity("inhouse_fostering", places=3, start="next spring")
    with pytest.raises(ValueError, match="unknown lever 'magic'"):
        suf.Scenario.from_dict({"name": "x", "levers": [{"lever": "magic"}]})
    with pytest.raises(ValueError, match='lever 1: has no "lever" naming its kind \\(its keys: kind, factor\\)'):
        suf.Scenario.from_dict({"name": "x", "levers": [{"kind": "change_entries", "factor": 0.9}]})


def test_bad_scenario_files_are_refused(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{"name": "x", "levers": [\n  {"lever": "add_capacity", "category": "a"\n}')
    with pytest.raises(suf.SchemaError) as info:
        suf.read_scenarios(path)
    assert info.value.rule == "not_json" and info.value.row == 3
    path.write_text(
        '{"name": "x", "levers": [{"lever": "add_capacity", "category": "a", "places": -1, "start": "2026-01-01"}]}'
    )
    with pytest.raises(suf.SchemaError, match="places must be from 0 to 100,000"):
        suf.read_scenarios(path)


@dataclass(frozen=True)
class _PriceCap(Lever):
    """A lever the package does not ship: every weekly price times ``factor`` from ``start``."""

    factor: float
    start: str
    lever: str = "price_cap"

    def reprice(self, price, pricing, months):
        price *= np.where(months.ends >= pd.Timestamp(self.start), self.factor, 1.0)[:, None, None]


def test_a_new_lever_is_one_class(fitted):
    """Written as one class with the one method it needs, a new lever is checked, costed and scored."""
    cap = suf.Scenario("cap", (_PriceCap(0.9, "2025-04-01"),))
    scores = suf.score(fitted, [cap], unit_costs=None, horizon=24, n_sims=50, seed=3)
    # every projected month (April 2025 on) is priced 10% lower, so 10% of the baseline's cost is saved in every path
    np.testing.assert_allclose(scores.savings["cap"], 0.1 * scores.baseline.totals())
    with pytest.raises(ValueError, match="before the projection starts"):
        suf.score(fitted, [suf.Scenario("early", (_PriceCap(0.9, "2020-01-01"),))], unit_costs=None, horizon=12)


def test_a_block_contract_pays_for_its_empty_places(fitted):
    """12 block places for a category that barely uses them cost about 12 places' price more than bought spot."""

    def shift(contract: str) -> suf.Scenario:
        # secure homes hold a child or two: 12 places are mostly empty
        lever = suf.shift_placements(
            "secure", to_route="block", share=1.0, weekly_cost=7000, start="2025-04-01", capacity=12, contract=contract
        )
        return suf.Scenario(contract, (lever,))

    scores = suf.score(
        fitted, [shift("spot"), shift("block")], unit_costs=suf.Prices(inflation=0.0), horizon=24, n_sims=200, seed=3
    )
    extra = scores.costs["block"].totals() - scores.costs["spot"].totals()  # (path, year) [£]
    # by hand: the empty places of each path, each day, at £7,000 a week, with no inflation
    moved = scores.costs["spot"].child_days[:, :, scores.baseline.categories.index("secure")].sum(axis=2)
    empty = 12 * np.array(scores.costs["block"].days)[None, :] - moved
    np.testing.assert_allclose(extra, empty * 7000 / 7, rtol=1e-9)
    # secure homes hold about a child a day on the sample, so the block costs nearly 12 places more a year
    assert extra[:, 0].mean() == pytest.approx(12 * 7000 * 365 / 7, rel=0.15)
    with pytest.raises(ValueError, match="block contract pays for a number of places"):
        suf.shift_placements("secure", to_route="block", share=1.0, weekly_cost=1, start=START, contract="block")
    with pytest.raises(ValueError, match="contract 'blok'"):
        suf.shift_placements("secure", to_route="block", share=1.0, weekly_cost=1, start=START, contract="blok")


def test_a_shifts_places_added_again_are_named(fitted):
    twice = suf.Scenario(
        "twice",
        (
            suf.shift_placements(
                "agency_fostering",
                to_route="in_house",
                to_category="inhouse_fostering",
                share=0.2,
                weekly_cost=700,
                start="2026-04-01",
                capacity=30,
            ),
            suf.add_capacity("inhouse_fostering", route="in_house", places=30, start="2026-04-01"),
        ),
    )
    with pytest.warns(suf.DataQualityWarning, match=r"inhouse_fostering \(in_house\).*counted twice"):
        suf.score(fitted, [twice], unit_costs=None, horizon=24, n_sims=5, seed=1)


def test_scenario_settings_that_do_nothing_are_refused(fitted, tmp_path):
    # "lever" for "levers" would give a scenario that saves exactly £0
    path = tmp_path / "s.json"
    path.write_text('{"scenarios": [{"name": "x",\n "lever": [{"lever": "add_capacity"}]}]}')
    with pytest.raises(suf.SchemaError, match="unknown setting 'lever'") as info:
        suf.read_scenarios(path)
    assert info.value.rule == "unknown_setting" and info.value.row == 1
    with pytest.raises(ValueError, match="has no 'levers' list"):
        suf.Scenario.from_dict({"name": "x"})
    # a file's whole contents given to score, alone or in a list, is refused with what to pass instead
    contents = json.loads((suf.sample_path() / "scenarios.json").read_text())
    for given in (contents, [contents]):
        with pytest.raises(ValueError, match=r"read_scenarios\(path\)"):
            suf.score(fitted, given, unit_costs=None, horizon=24, n_sims=5, seed=1)
    with pytest.raises(ValueError, match="between 0 and 1"):
        suf.score(fitted, [], unit_costs=None, horizon=24, n_sims=5, seed=1, confidence=80)


def test_lever_settings_that_cannot_be_meant_are_refused():
    with pytest.raises(ValueError, match="ramp_months must be a whole number, not 1.5"):
        suf.shift_placements("secure", to_route="partner", share=0.5, weekly_cost=1, start=START, ramp_months=1.5)
    with pytest.raises(ValueError, match="end 2025-06-01 is before start 2025-07-01"):
        suf.implementation_cost(one_off=1, start=START, end="2025-06-01")
    with pytest.raises(ValueError, match="to_route 'partnr' is not one of"):
        suf.shift_placements("secure", to_route="partnr", share=0.5, weekly_cost=1, start=START)
    # a route of the council's own is declared, and survives a round trip through the file format
    own = suf.shift_placements("secure", to_route="regional", share=0.5, weekly_cost=1, start=START, new_route=True)
    scenario = suf.Scenario("own", (own,))
    assert suf.Scenario.from_dict(scenario.to_dict()) == scenario


def test_a_part_year_target_is_refused(fitted):
    with pytest.raises(ValueError, match=r"target year 2026-27 is covered for 91 days only"):
        suf.score(fitted, [], unit_costs=None, horizon=15, n_sims=5, seed=1, target_year="2026-27")
    with pytest.raises(ValueError, match="covers no whole financial year"):
        suf.score(fitted, [], unit_costs=None, horizon=6, n_sims=5, seed=1)


def test_price_route_and_running_levers_by_hand(fitted):
    """Savings of levers that touch only prices, routes and running costs, from the baseline's own child-days."""
    unit = suf.default_unit_costs().set_index(["placement", "route"])["weekly_cost"]
    scenarios = [
        # agency spot placements at £900 a week from the first projected day
        suf.Scenario(
            "price", (suf.change_unit_cost("agency_fostering", route="spot", weekly_cost=900, start="2025-04-01"),)
        ),
        # a fifth of agency placements (every route) become in-house foster placements at £700 a week
        suf.Scenario(
            "carers",
            (
                suf.shift_placements(
                    "agency_fostering",
                    to_route="in_house",
                    to_category="inhouse_fostering",
                    share=0.2,
                    weekly_cost=700,
                    start="2025-04-01",
                ),
            ),
        ),
        # £50k at the start and £365,250 a year (£1,000 a day) from 1 July 2025 to 30 June 2026
        suf.Scenario(
            "running",
            (suf.implementation_cost(one_off=50_000, running_per_year=365_250, start=START, end="2026-06-30"),),
        ),
    ]
    scores = suf.score(fitted, scenarios, unit_costs=suf.Prices(inflation=0.0), horizon=36, n_sims=100, seed=6)
    base = scores.baseline
    i = base.categories.index("agency_fostering")
    days = base.child_days[:, :, i]  # (path, year, route) [child-days]
    spot = base.routes.index("spot")
    np.testing.assert_allclose(
        scores.savings["price"], days[:, :, spot] * (unit[("agency_fostering", "spot")] - 900) / 7, rtol=1e-9
    )
    prices = np.array([unit.get(("agency_fostering", r), 0.0) for r in base.routes])
    np.testing.assert_allclose(scores.savings["carers"], 0.2 * (days * (prices - 700)).sum(axis=2) / 7, rtol=1e-9)
    # 2025-26: £50k + 274 days (1 July to 31 March); 2026-27: 91 days (1 April to 30 June); then nothing
    np.testing.assert_allclose(scores.savings["running"], -np.array([[324_000.0, 91_000.0, 0.0]]).repeat(100, axis=0))


def test_a_forecast_given_as_the_baseline_scores_as_its_own_would(fitted, scores):
    # the truth is score's own baseline, simulated again: giving the forecast saves that projection, not a pound
    options = dict(unit_costs=suf.default_unit_costs(), inflation=suf.default_inflation(), horizon=48, n_sims=300)
    options.update(seed=12, target=1_000_000, target_year="2027-28")
    scenarios = [suf.Scenario("nothing"), partner(), stepdown(), edge()]
    raw = suf.project(fitted, horizon=48, n_sims=300, seed=12, calibrate=False)
    given = suf.score(fitted, scenarios, baseline=raw, **options)
    pd.testing.assert_frame_equal(given.summary(), scores.summary())
    np.testing.assert_array_equal(given.projections["baseline"].draws, scores.projections["baseline"].draws)
    calibrated = suf.project(fitted, horizon=48, n_sims=300, seed=12)
    lean = suf.score(fitted, scenarios, baseline=calibrated, keep_paths=False, **options)
    pd.testing.assert_frame_equal(lean.summary(), scores.summary())
    for name in scores.savings:
        # without paths kept, each category's children of all ages are scaled at once: float32 rounding apart
        np.testing.assert_allclose(lean.savings[name], scores.savings[name], rtol=1e-6, atol=10)
    with pytest.raises(ValueError, match="calibrated forecast"):
        suf.score(fitted, scenarios, baseline=calibrated, **options)
    # scoring reads children by placement: a forecast whose paths as simulated are added up over ages serves
    added = replace(calibrated, simulated=calibrated.simulated.sum(axis=3, keepdims=True, dtype=np.int32))
    pd.testing.assert_frame_equal(
        suf.score(fitted, scenarios, baseline=added, keep_paths=False, **options).summary(), scores.summary()
    )


@pytest.mark.parametrize(
    "change, message",
    [
        ({"seed": 13}, "seed=12"),
        ({"n_sims": 200}, "n_sims=300"),
        ({"horizon": 36}, "its dates run"),
        ({"uasc_arrivals": 100.0}, "uasc_arrivals=None"),
        ({"seed": None}, "no seed"),
    ],
)
def test_a_baseline_drawn_otherwise_is_refused(fitted, change, message):
    raw = suf.project(fitted, horizon=48, n_sims=300, seed=12, calibrate=False)
    settings = {"horizon": 48, "n_sims": 300, "seed": 12, **change}
    with pytest.raises(ValueError, match=message):
        suf.score(fitted, [edge()], unit_costs=suf.default_unit_costs(), baseline=raw, **settings)


def test_a_baseline_from_another_model_is_refused(fitted, sample):
    raw = suf.project(fitted, horizon=48, n_sims=50, seed=12, calibrate=False)
    again = suf.fit(sample)  # the same returns fitted again: equal rates, but not the model the paths came from
    with pytest.raises(ValueError, match="another fitted model"):
        suf.score(again, [edge()], unit_costs=suf.default_unit_costs(), baseline=raw, horizon=48, n_sims=50, seed=12)


def test_a_savings_target_must_be_above_nothing(sample):
    fitted = suf.fit(sample)
    scenarios = suf.read_scenarios(suf.sample_path() / "scenarios.json")[:1]
    for bad in (0, -1e6, float("nan")):
        with pytest.raises(ValueError, match="target is a saving to reach, above £0"):
            suf.score(fitted, scenarios, unit_costs=suf.Prices(), horizon=24, n_sims=5, seed=1, target=bad)
