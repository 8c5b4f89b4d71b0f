"""The finance plan: the medium-term plan table, spend against budget, the monthly profile, intervals on savings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sufficiency as suf
from sufficiency import schema as S
from sufficiency.finance.plan import against_budget, financial_plan, spend_profile

COARSE = suf.categories().set_index("category")["coarse"]


@pytest.fixture(scope="module")
def fitted(sample):
    return suf.fit(sample)


@pytest.fixture(scope="module")
def projection(fitted):
    return suf.project(fitted, horizon=36, n_sims=300, seed=4)


@pytest.fixture(scope="module")
def costs(projection):
    return suf.cost(projection, suf.Prices(inflation=suf.default_inflation()))


def _group_paths(costs, group: str, year: str) -> np.ndarray:
    cats = [i for i, c in enumerate(costs.categories) if group == "all" or COARSE[c] == group]
    return costs.draws[:, costs.financial_years.index(year)][:, cats].sum(axis=(1, 2))


def test_plan_table_percentiles_are_the_paths(sample, costs):
    history = suf.spend_history(sample, suf.Prices(inflation=suf.default_inflation()))
    plan = financial_plan(costs, history)
    # whole years only, past then forecast, as columns
    assert list(plan.columns) == [f"{y}-{str(y + 1)[-2:]}" for y in range(2015, 2028)]
    for group in ("fostering", "residential", "all"):
        paths = _group_paths(costs, group, "2026-27")
        assert plan.loc[(group, "mean"), "2026-27"] == pytest.approx(paths.mean())
        assert plan.loc[(group, "median"), "2026-27"] == pytest.approx(np.median(paths))
        assert plan.loc[(group, "lower_80"), "2026-27"] == pytest.approx(np.percentile(paths, 10))
        assert plan.loc[(group, "p90"), "2026-27"] == pytest.approx(np.percentile(paths, 90))
    # the actual rows are the past spend of the group
    spent = history[history[S.FINANCIAL_YEAR] == "2023-24"]
    assert plan.loc[("fostering", "actual"), "2023-24"] == pytest.approx(
        spent.loc[spent[S.PLACEMENT].map(COARSE) == "fostering", S.SPEND].sum()
    )
    assert np.isnan(plan.loc[("all", "actual"), "2025-26"]) and np.isnan(plan.loc[("all", "mean"), "2023-24"])


def test_spend_against_budget(costs):
    budget = pd.DataFrame(
        {
            "financial_year": ["2025-26", "2026-27"],
            "placement": ["residential", "all"],
            "spend": [0.0, 0.0],
            "budget": [20e6, 50e6],
        }
    )
    table = against_budget(costs, budget).set_index(S.PLACEMENT)
    res = _group_paths(costs, "residential", "2025-26")
    assert table.loc["residential", "p_overspend"] == pytest.approx((res > 20e6).mean())
    assert table.loc["all", "p_overspend"] == pytest.approx((_group_paths(costs, "all", "2026-27") > 50e6).mean())
    assert table.loc["residential", "upper_80"] == pytest.approx(np.percentile(res, 90))


def test_monthly_profile_adds_up_to_the_years(projection, costs):
    profile = spend_profile(projection, suf.Prices(inflation=suf.default_inflation()), months=None)
    monthly = profile[profile[S.PLACEMENT] == "all"].groupby(S.FINANCIAL_YEAR)["mean"].sum()
    np.testing.assert_allclose(monthly.to_numpy(), costs.totals().mean(axis=0), rtol=1e-9)
    assert len(spend_profile(projection, None)["month_end"].unique()) == 12


def _shift(name: str, share: float) -> suf.Scenario:
    lever = suf.shift_placements(
        "external_residential", route="spot", to_route="partner", share=share, weekly_cost=4000, start="2025-04-01"
    )
    return suf.Scenario(name, (lever,))


def test_savings_carry_bands_and_a_programme_does_not_save_twice(fitted):
    a, b = _shift("a", 0.6), _shift("b", 0.6)
    both = suf.programme([a, b], name="both")
    scores = suf.score(fitted, [a, b, both], unit_costs=suf.Prices(inflation=0.0), horizon=36, n_sims=200, seed=2)
    base = scores.baseline
    i, j = base.categories.index("external_residential"), base.routes.index("spot")
    spot_price = suf.default_unit_costs().set_index(["placement", "route"]).loc[("external_residential", "spot")]
    per_child_day = (spot_price["weekly_cost"] - 4000) / 7
    # by hand: each shift moves 60% of spot child-days; together the second moves 60% of the 40% left: 84%
    np.testing.assert_allclose(scores.savings["a"], 0.6 * base.child_days[:, :, i, j] * per_child_day, rtol=1e-9)
    np.testing.assert_allclose(scores.savings["both"], 0.84 * base.child_days[:, :, i, j] * per_child_day, rtol=1e-9)
    summary = scores.summary()
    npv = (scores.savings["a"] / (1.035 * 1.02) ** np.arange(3)).sum(axis=1)
    cumulative = scores.savings["a"][:, :3].sum(axis=1)
    row = summary.loc["a"]
    assert row["npv_lower_80"] == pytest.approx(np.percentile(npv, 10))
    assert row["npv_upper_80"] == pytest.approx(np.percentile(npv, 90))
    assert row["cumulative_lower_80"] == pytest.approx(np.percentile(cumulative, 10))
    assert row["npv_lower_80"] < row["npv"] < row["npv_upper_80"]
    assert row["cumulative_lower_80"] < row["cumulative_saving"] < row["cumulative_upper_80"]
    # the suffix follows the level
    wide = suf.score(fitted, [a], unit_costs=None, horizon=24, n_sims=50, seed=2, level=50).summary()
    assert {"npv_lower_50", "cumulative_upper_50", "saving_lower_50"} <= set(wide.columns)
    chances = scores.payback_chances()
    assert set(chances["financial_year"]) == set(base.financial_years)
    with pytest.raises(ValueError, match="two or more"):
        suf.programme([a])
