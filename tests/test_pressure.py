"""The volume / price / mix split of a change in spend."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sufficiency as suf
from sufficiency import CostProjection
from sufficiency.finance.pressure import pressure_draws


def two_year_costs() -> CostProjection:
    """One path, categories a and b, one route: child-weeks and prices chosen for a hand calculation.

    Year 1: a 10 child-weeks at £100, b 10 at £1,000 (cost £11,000).
    Year 2: a 10 child-weeks at £110, b 20 at £1,000 (cost £21,100).
    """
    weeks = np.array([[10.0, 10.0], [10.0, 20.0]])
    price = np.array([[100.0, 1000.0], [110.0, 1000.0]])
    return CostProjection(
        financial_years=("2025-26", "2026-27"),
        days=np.array([365, 365]),
        categories=("a", "b"),
        routes=("all",),
        child_days=(weeks * 7)[None, :, :, None],
        draws=(weeks * price)[None, :, :, None],
        weekly_price=price[:, :, None],
        assumptions=pd.DataFrame(),
    )


def test_split_by_hand():
    # Shapley value of C = Q * s * p for one cell, factors going from year 1 (1) to year 2 (2):
    # volume = dQ [(s1 p1 + s2 p2) / 3 + (s1 p2 + s2 p1) / 6], and likewise for the mix s and the price p.
    # Q: 20 -> 30; a: s 1/2 -> 1/3, p 100 -> 110; b: s 1/2 -> 2/3, p 1000 -> 1000.
    frame = suf.cost_pressure(two_year_costs(), "2025-26", "2026-27", view="shapley")
    frame = frame.set_index(["effect", "placement"])["mean"]
    vol_a = 10 * ((0.5 * 100 + (1 / 3) * 110) / 3 + (0.5 * 110 + (1 / 3) * 100) / 6)
    mix_a = (1 / 3 - 0.5) * ((20 * 100 + 30 * 110) / 3 + (20 * 110 + 30 * 100) / 6)
    price_a = 10 * ((20 * 0.5 + 30 / 3) / 3 + (20 / 3 + 30 * 0.5) / 6)
    assert (
        frame[("volume", "a")] == pytest.approx(vol_a)
        and frame[("mix", "a")] == pytest.approx(mix_a)
        and frame[("price", "a")] == pytest.approx(price_a)
    )
    assert vol_a + mix_a + price_a == pytest.approx(100)  # £1,100 - £1,000
    # b's price did not change: volume at the mean share, mix at the mean volume
    assert frame[("price", "b")] == pytest.approx(0)
    assert frame[("volume", "b")] == pytest.approx(10 * (0.5 + 2 / 3) / 2 * 1000)
    assert frame[("mix", "b")] == pytest.approx((2 / 3 - 0.5) * (20 + 30) / 2 * 1000)
    assert frame[("total", "all")] == pytest.approx(10_100)


def _costs(weeks: np.ndarray, price: np.ndarray, categories: tuple[str, ...], routes: tuple[str, ...]):
    """One path over two whole years from (year, category, route) child-weeks and weekly prices."""
    return CostProjection(
        financial_years=("2025-26", "2026-27"),
        days=np.array([365, 365]),
        categories=categories,
        routes=routes,
        child_days=(weeks * 7)[None],
        draws=(weeks * price)[None],
        weekly_price=price,
        assumptions=pd.DataFrame(),
    )


def test_budget_view_by_hand():
    # fostering flat (10 child-weeks at £100 both years); residential doubles (10 -> 20 at £1,000)
    weeks = np.array([[[10.0], [10.0]], [[10.0], [20.0]]])
    price = np.array([[[100.0], [1000.0]], [[100.0], [1000.0]]])
    costs = _costs(weeks, price, ("fostering", "residential"), ("all",))
    frame = suf.cost_pressure(costs, "2025-26", "2026-27").set_index(["effect", "placement"])["mean"]
    # budget variance: fostering did not change, so none of its own effects move; residential's volume is
    # 10 more child-weeks at £1,000
    for effect in ("volume", "price", "mix", "total"):
        assert frame[(effect, "fostering")] == pytest.approx(0)
    assert frame[("volume", "residential")] == pytest.approx(10_000)
    assert frame[("price", "residential")] == pytest.approx(0) and frame[("mix", "residential")] == pytest.approx(0)
    # the Shapley view of the same change shows fostering's share of all child-weeks falling as mix
    shapley = suf.cost_pressure(costs, "2025-26", "2026-27", view="shapley").set_index(["effect", "placement"])
    assert shapley.loc[("mix", "fostering"), "mean"] < 0 < shapley.loc[("volume", "fostering"), "mean"]


def test_budget_view_splits_a_categorys_routes_by_hand():
    # one category, framework 10 -> 5 child-weeks at £500 -> £550, spot 10 -> 15 at £1,000 -> £1,100
    weeks = np.array([[[10.0, 10.0]], [[5.0, 15.0]]])
    price = np.array([[[500.0, 1000.0]], [[550.0, 1100.0]]])
    costs = _costs(weeks, price, ("residential",), ("framework", "spot"))
    frame = suf.cost_pressure(costs, "2025-26", "2026-27").set_index(["effect", "placement"])["mean"]
    # 20 child-weeks both years: no volume; price at this year's mix: 20 * (0.25 * 50 + 0.75 * 100) = 1,750;
    # route mix at last year's prices: 20 * ((0.25 - 0.5) * 500 + (0.75 - 0.5) * 1000) = 2,500; total 19,250 - 15,000
    assert frame[("volume", "residential")] == pytest.approx(0)
    assert frame[("price", "residential")] == pytest.approx(1_750)
    assert frame[("mix", "residential")] == pytest.approx(2_500)
    assert frame[("total", "all")] == pytest.approx(4_250)


def test_part_years_are_refused():
    costs = two_year_costs()
    half = CostProjection(
        costs.financial_years,
        np.array([182, 365]),
        costs.categories,
        costs.routes,
        costs.child_days,
        costs.draws,
        costs.weekly_price,
        costs.assumptions,
    )
    with pytest.raises(ValueError, match=r"2025-26 is covered only in part \(182 days\).*\(2026-27\)"):
        suf.cost_pressure(half, "2025-26", "2026-27")


@pytest.mark.parametrize("view", ["budget", "shapley"])
def test_effects_add_up_in_every_path(sample, view):
    projection = suf.project(suf.fit(sample), horizon=48, n_sims=300, seed=2)
    costs = suf.cost(projection, suf.default_unit_costs(), inflation=suf.default_inflation())
    draws = pressure_draws(costs, "2025-26", "2028-29", view=view)
    np.testing.assert_allclose(draws["volume"] + draws["price"] + draws["mix"], draws["total"], rtol=1e-9, atol=1e-3)
    # the total is each path's change in spend
    years = list(costs.financial_years)
    np.testing.assert_allclose(
        draws["total"].sum(axis=1),
        costs.totals()[:, years.index("2028-29")] - costs.totals()[:, years.index("2025-26")],
    )
    frame = suf.cost_pressure(costs, "2025-26", "2028-29", level=(80,), view=view)
    mean = frame[frame["placement"] == "all"].set_index("effect")["mean"]
    assert mean["volume"] + mean["price"] + mean["mix"] == pytest.approx(mean["total"])
    # prices rise by the default inflation only, so the price effect is positive in every path
    assert (draws["price"].sum(axis=1) > 0).all()


def test_flat_prices_and_mix_leave_only_volume():
    costs = two_year_costs()
    weeks = np.array([[10.0, 10.0], [20.0, 20.0]])  # everyone doubles, same shares and prices
    price = np.array([[100.0, 1000.0], [100.0, 1000.0]])
    doubled = CostProjection(
        costs.financial_years,
        costs.days,
        costs.categories,
        costs.routes,
        (weeks * 7)[None, :, :, None],
        (weeks * price)[None, :, :, None],
        price[:, :, None],
        costs.assumptions,
    )
    frame = suf.cost_pressure(doubled, "2025-26", "2026-27").set_index(["effect", "placement"])["mean"]
    assert (
        frame[("volume", "all")] == pytest.approx(11_000)
        and frame[("price", "all")] == 0
        and frame[("mix", "all")] == pytest.approx(0)
    )


def test_unknown_year_is_refused():
    with pytest.raises(ValueError, match="2030-31"):
        suf.cost_pressure(two_year_costs(), "2025-26", "2030-31")


def test_a_pressure_runs_forward_in_time():
    # from a year to itself, or backwards, is an argument swapped, not a pressure
    for years in (("2026-27", "2025-26"), ("2025-26", "2025-26")):
        with pytest.raises(ValueError, match="must come after from_year"):
            suf.cost_pressure(two_year_costs(), *years)
