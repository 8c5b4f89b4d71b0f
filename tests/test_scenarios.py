"""Scenarios and their scores: data round trips, invariants, a spreadsheet check and refusals."""

from __future__ import annotations

import json
from dataclasses import dataclass

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
    npv = (scores.savings["partner"] / 1.035 ** np.arange(4)).sum(axis=1).mean()
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
