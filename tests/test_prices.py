"""One pricing path: a Prices object priced the same way by every costing function, and the placement column's name."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sufficiency as suf
from sufficiency import schema as S


@pytest.fixture(scope="module")
def fees(sample):
    return suf.read_placement_costs(suf.sample_path() / "placement_costs.csv", sample, warn=False)


@pytest.fixture(scope="module")
def projection(sample):
    return suf.project(suf.fit(sample), horizon=24, n_sims=100, seed=4)


def test_a_prices_object_costs_as_its_tables_do(sample, projection, fees):
    unit, inflation = suf.default_unit_costs(), suf.default_inflation()
    prices = suf.Prices(unit, inflation=inflation, fees=fees)
    by_object = suf.cost(projection, prices)
    by_tables = suf.cost(projection, unit, inflation=inflation, fees=fees)
    np.testing.assert_array_equal(by_object.draws, by_tables.draws)
    pd.testing.assert_frame_equal(by_object.assumptions, by_tables.assumptions)
    pd.testing.assert_frame_equal(
        suf.spend_history(sample, prices), suf.spend_history(sample, unit, inflation=inflation, fees=fees)
    )
    # with no unit costs the package's defaults price every category
    np.testing.assert_array_equal(suf.cost(projection, suf.Prices()).draws, suf.cost(projection, unit).draws)


def test_prices_and_loose_tables_together_are_refused(projection):
    with pytest.raises(ValueError, match="inside the Prices"):
        suf.cost(projection, suf.Prices(), inflation=0.03)


def test_the_shortfall_is_priced_at_the_fee_files_spot_price(sample, projection, fees):
    """A shortfall of home places costs the unit cost's spot price; with fees, the recent spot fees' mean by days."""
    capacity = pd.DataFrame({"placement": ["external_residential"], "places": [0]})
    plain = suf.sufficiency_gap(projection, capacity, unit_costs=suf.Prices())
    priced = suf.sufficiency_gap(projection, capacity, unit_costs=suf.Prices(fees=fees))
    unit = suf.default_unit_costs().set_index([S.PLACEMENT, S.ROUTE])[S.WEEKLY_COST]
    recent = fees.recent()
    spot = recent[(recent[S.PLACEMENT] == "external_residential") & (recent[S.ROUTE] == "spot")]
    # each placement weighs its days in the file's last 12 months (counted here by hand)
    since, stop = fees.end - pd.DateOffset(years=1) + pd.Timedelta(days=1), fees.end + pd.Timedelta(days=1)
    days_paid = [
        (min(e if pd.notna(e) else stop, stop) - max(b, since)).days
        for b, e in zip(spot["placement_start"], spot["placement_end"])
    ]
    spot_price = np.average(spot["net_weekly"], weights=days_paid)
    days = np.r_[0, np.diff(projection.dates.to_numpy("datetime64[D]").astype(int))]
    # no inflation: each month's expected shortfall bought at one weekly price
    np.testing.assert_allclose(
        plain["shortfall_cost"], plain["expected_shortfall"] * unit[("external_residential", "spot")] * days / 7
    )
    np.testing.assert_allclose(priced["shortfall_cost"], priced["expected_shortfall"] * spot_price * days / 7)
    # scoring prices the baseline's shortfall the same way
    fitted = suf.fit(sample)
    scores = suf.score(fitted, [], unit_costs=suf.Prices(fees=fees), horizon=24, n_sims=100, seed=4, capacity=capacity)
    baseline = suf.sufficiency_gap(scores.projections["baseline"], capacity, unit_costs=suf.Prices(fees=fees))
    pd.testing.assert_frame_equal(scores.gaps["baseline"], baseline)


def test_tables_may_name_the_placement_column_category(projection):
    unit = suf.default_unit_costs()
    assert S.PLACEMENT in unit.columns
    renamed = unit.rename(columns={S.PLACEMENT: "category"})
    shares = suf.default_route_shares().rename(columns={S.PLACEMENT: "category"})
    inflation = suf.default_inflation().rename(columns={S.PLACEMENT: "category"})
    a = suf.cost(projection, unit, route_shares=suf.default_route_shares(), inflation=suf.default_inflation())
    b = suf.cost(projection, renamed, route_shares=shares, inflation=inflation)
    np.testing.assert_array_equal(a.draws, b.draws)
    assert S.PLACEMENT in b.table().columns and "category" not in b.table().columns
    both = unit.assign(category=unit[S.PLACEMENT])
    with pytest.raises(suf.SchemaError) as info:
        suf.cost(projection, both)
    assert info.value.rule == "ambiguous_column" and info.value.column == "category"


def test_every_output_names_the_placement_column_placement(sample, projection, fees):
    prices = suf.Prices(fees=fees)
    costs = suf.cost(projection, prices)
    capacity = suf.read_capacity(suf.sample_path() / "capacity.csv")
    frames = {
        "cost table": costs.table(),
        "assumptions": costs.assumptions,
        "spend history": suf.spend_history(sample, prices),
        "pressure": suf.cost_pressure(costs, *costs.financial_years[:2]),
        "gap": suf.sufficiency_gap(projection, capacity, unit_costs=prices),
        "capacity": capacity,
        "fees": fees.fees,
        "unit costs": suf.default_unit_costs(),
        "inflation": suf.default_inflation(),
        "route shares": suf.default_route_shares(),
    }
    for name, frame in frames.items():
        assert S.PLACEMENT in frame.columns and "category" not in frame.columns, name
