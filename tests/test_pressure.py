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
    frame = suf.cost_pressure(two_year_costs(), "2025-26", "2026-27").set_index(["effect", "placement"])["mean"]
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


def test_effects_add_up_in_every_path(sample):
    projection = suf.project(suf.fit(sample), horizon=48, n_sims=300, seed=2)
    costs = suf.cost(projection, suf.default_unit_costs(), inflation=suf.default_inflation())
    draws = pressure_draws(costs, "2025-26", "2028-29")
    np.testing.assert_allclose(draws["volume"] + draws["price"] + draws["mix"], draws["total"], rtol=1e-9, atol=1e-3)
    # the total is each path's change in spend
    years = list(costs.financial_years)
    np.testing.assert_allclose(
        draws["total"].sum(axis=1),
        costs.totals()[:, years.index("2028-29")] - costs.totals()[:, years.index("2025-26")],
    )
    frame = suf.cost_pressure(costs, "2025-26", "2028-29", level=(80,))
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
