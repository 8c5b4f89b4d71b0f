"""Unit costs, projected costs and spend history: hand-checked cases, invariants and bad tables."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from truth import yearly_child_days

import sufficiency as suf
from sufficiency import Projection
from sufficiency import schema as S
from sufficiency.finance.checks import check_unit_costs

CATS = ("inhouse_fostering", "external_residential")


def tiny_projection() -> Projection:
    """Two paths over April and May 2025: 10 fostered children throughout, and children's homes.

    The homes hold 2, 4, 4 children at the three dates in path 0 and 2, 6, 8 in path 1.
    """
    dates = pd.DatetimeIndex(["2025-03-31", "2025-04-30", "2025-05-31"])
    draws = np.zeros((2, 3, 2, 18), dtype=np.int32)
    draws[:, :, 0, 5] = 10
    draws[0, :, 1, 12] = [2, 4, 4]
    draws[1, :, 1, 12] = [2, 6, 8]
    zeros = np.zeros((2, 3, 2), dtype=np.int32)
    return Projection(
        dates=dates, categories=CATS, expected=draws.mean(axis=0), draws=draws, entries=zeros, exits=zeros, seed=0
    )


def prices(fostering: float = 700.0, residential: float = 7000.0, year: str = "2025-26") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "placement": list(CATS),
            "route": ["in_house", "framework"],
            "weekly_cost": [fostering, residential],
            "price_year": [year, year],
        }
    )


def test_cost_of_a_tiny_projection_by_hand():
    costs = suf.cost(tiny_projection(), prices())
    assert costs.financial_years == ("2025-26",) and costs.days.tolist() == [61] and not costs.complete[0]
    # path 0: April (30 days) fostering (10 + 10) / 2 x 30 = 300 child-days x £700 / 7 = £30,000, homes (2 + 4) / 2 x 30
    # = 90 x £1,000 = £90,000; May (31 days) fostering 310 -> £31,000, homes (4 + 4) / 2 x 31 = 124 -> £124,000
    assert costs.totals()[0, 0] == pytest.approx(30_000 + 90_000 + 31_000 + 124_000)
    # path 1: homes (2 + 6) / 2 x 30 = 120 and (6 + 8) / 2 x 31 = 217 child-days
    assert costs.totals()[1, 0] == pytest.approx(30_000 + 31_000 + 1_000 * (120 + 217))
    assert costs.child_days[1, 0, 1].sum() == pytest.approx(337)
    frame = costs.summary_frame(level=(80,))
    total = frame[frame["group"] == "total"].iloc[0]
    assert total["mean"] == pytest.approx((275_000 + 398_000) / 2) and total["days"] == 61 and not total["complete"]
    by_route = frame[frame["group"] == "route"].set_index("value")["mean"]
    assert by_route["in_house"] == pytest.approx(61_000) and by_route["framework"] == pytest.approx(
        (214_000 + 337_000) / 2
    )


def test_inflation_moves_prices_each_april():
    # prices at 2024-25 levels, 10% a year: 2025-26 prices are 10% higher; 3% for every category as one number
    base = suf.cost(tiny_projection(), prices()).totals()
    late = suf.cost(
        tiny_projection(),
        prices(year="2024-25"),
        inflation=pd.DataFrame({"category": list(CATS), "annual_rate": [0.10, 0.10]}),
    ).totals()
    np.testing.assert_allclose(late, base * 1.10)
    flat = suf.cost(tiny_projection(), prices(year="2023-24"), inflation=0.03).totals()
    np.testing.assert_allclose(flat, base * 1.03**2)


def test_costs_are_linear_in_unit_costs(sample):
    projection = suf.project(suf.fit(sample), horizon=24, n_sims=50, seed=3)
    unit = suf.default_unit_costs()
    a = suf.cost(projection, unit, inflation=suf.default_inflation())
    doubled = suf.cost(projection, unit.assign(weekly_cost=unit["weekly_cost"] * 2), inflation=suf.default_inflation())
    np.testing.assert_allclose(doubled.draws, 2 * a.draws)
    # adding two price tables adds the costs
    other = unit.assign(weekly_cost=np.arange(len(unit)) * 10.0)
    b = suf.cost(projection, other, inflation=suf.default_inflation())
    both = suf.cost(
        projection,
        unit.assign(weekly_cost=unit["weekly_cost"] + other["weekly_cost"]),
        inflation=suf.default_inflation(),
    )
    np.testing.assert_allclose(both.draws, a.draws + b.draws)


def test_costs_follow_the_demand_path_by_path(sample):
    projection = suf.project(suf.fit(sample), horizon=36, n_sims=200, seed=4)
    costs = suf.cost(projection, suf.default_unit_costs())
    # with prices flat, a path's cost rises with its children: the costliest path has more child-days than the cheapest
    total = costs.totals()[:, -1]
    days = costs.child_days.sum(axis=(2, 3))[:, -1]
    assert np.corrcoef(total, days)[0, 1] > 0.7
    frame = costs.summary_frame(level=(80,))
    year = frame[(frame["group"] == "total")].iloc[-1]
    assert year["lower_80"] < year["mean"] < year["upper_80"]
    assert year["lower_80"] == pytest.approx(np.percentile(total, 10)) and year["upper_80"] == pytest.approx(
        np.percentile(total, 90)
    )


def test_spend_history_by_hand():
    rows = [
        # child, dob, start, end, placement, is_entry, is_exit, exit_reason
        ("A", "2010-06-15", "2024-02-01", "2024-05-01", "inhouse_fostering", True, True, "returned_home"),
        ("B", "2009-01-01", "2024-03-15", "2024-05-01", "external_residential", True, True, "returned_home"),
    ]
    episodes = pd.DataFrame(
        rows,
        columns=[
            S.CHILD_ID,
            S.DATE_OF_BIRTH,
            S.EPISODE_START,
            S.EPISODE_END,
            S.PLACEMENT,
            S.IS_ENTRY,
            S.IS_EXIT,
            S.EXIT_REASON,
        ],
    )
    for col in (S.DATE_OF_BIRTH, S.EPISODE_START, S.EPISODE_END):
        episodes[col] = pd.to_datetime(episodes[col])
    spend = suf.spend_history(episodes, prices(year="2024-25")).set_index(["financial_year", "placement"])
    # A: 1 February to 31 March 2024 is 29 + 31 = 60 days (leap year), then 1-30 April (it leaves on 1 May) = 30 days
    assert spend.loc[("2023-24", "inhouse_fostering"), "child_days"] == 60
    assert spend.loc[("2024-25", "inhouse_fostering"), "child_days"] == 30
    # B: 15-31 March = 17 days, 1-30 April = 30 days; at £1,000 a day
    assert spend.loc[("2023-24", "external_residential"), "spend"] == pytest.approx(17 * 1_000)
    assert spend.loc[("2024-25", "external_residential"), "spend"] == pytest.approx(30 * 1_000)


def test_spend_history_of_messy_returns_is_true_child_days_times_price(county, tmp_path):
    from test_ingest import _mess_up

    suf.write_returns(county.episodes, county.children, tmp_path, first_year=2016, last_year=2025)
    _mess_up(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", suf.DataQualityWarning)
        data = suf.read_ssda903(tmp_path)
    one_route = suf.default_unit_costs().drop_duplicates("placement")  # one price per category, so one route each
    spend = suf.spend_history(data, one_route)
    truth = yearly_child_days(county, data.coverage_start, data.censor_date)  # from the generator's own placements
    merged = (
        spend.groupby(["financial_year", "placement"])["child_days"]
        .sum()
        .rename("read")
        .to_frame()
        .join(truth.rename("true"), how="outer")
        .fillna(0)
    )
    assert merged["true"].sum() > 1_000_000
    assert (merged["read"] == merged["true"]).all()
    price = one_route.set_index("placement")["weekly_cost"]
    np.testing.assert_allclose(spend["spend"], spend["child_days"] * spend["placement"].map(price) / 7)


def test_route_shares_split_child_days_and_must_add_up(sample):
    projection = suf.project(suf.fit(sample), horizon=12, n_sims=20, seed=1)
    shares = suf.default_route_shares()
    costs = suf.cost(projection, suf.default_unit_costs(), route_shares=shares)
    i = costs.categories.index("external_residential")
    days = costs.child_days[:, :, i, :].sum(axis=(0, 1))
    framework, spot = days[costs.routes.index("framework")], days[costs.routes.index("spot")]
    assert framework / (framework + spot) == pytest.approx(0.6)
    bad = shares.copy()
    bad.loc[bad["route"] == "spot", "share"] = 0.5  # agency 0.75 + 0.5 and the rest
    with pytest.raises(suf.SchemaError, match="shares_do_not_add_up") as info:
        suf.cost(projection, suf.default_unit_costs(), route_shares=bad)
    assert info.value.column == "share" and info.value.row is not None


def test_inputs_are_not_mutated(sample):
    projection = suf.project(suf.fit(sample), horizon=12, n_sims=20, seed=1)
    unit, shares, inflation = suf.default_unit_costs(), suf.default_route_shares(), suf.default_inflation()
    before = [t.copy() for t in (unit, shares, inflation)]
    draws = projection.draws.copy()
    suf.cost(projection, unit, route_shares=shares, inflation=inflation)
    suf.spend_history(sample, unit, route_shares=shares, inflation=inflation)
    for a, b in zip(before, (unit, shares, inflation)):
        pd.testing.assert_frame_equal(a, b)
    assert np.array_equal(draws, projection.draws)


def test_default_tables_have_a_source_for_every_figure():
    for table in (suf.default_unit_costs(), suf.default_inflation(), suf.default_route_shares()):
        assert (table["source"].str.len() > 20).all()
    unit = suf.default_unit_costs()
    assert set(suf.categories()["category"]) <= set(unit["placement"])
    assert (unit["weekly_cost"] >= 0).all()


@pytest.mark.parametrize(
    "change, rule, column",
    [
        (lambda t: t.drop(columns="weekly_cost"), "missing_column", "weekly_cost"),
        (
            lambda t: t.assign(weekly_cost=t["weekly_cost"].astype(object).where(t.index != 2, "lots")),
            "not_a_number",
            "weekly_cost",
        ),
        (lambda t: t.assign(weekly_cost=t["weekly_cost"].where(t.index != 3, -5.0)), "out_of_range", "weekly_cost"),
        (lambda t: t.assign(weekly_cost=t["weekly_cost"].where(t.index != 4, np.nan)), "missing_value", "weekly_cost"),
        (lambda t: t.assign(price_year=t["price_year"].where(t.index != 1, "last year")), "not_a_year", "price_year"),
        (
            lambda t: t.assign(placement=t["placement"].where(t.index != 0, "fostering_typo")),
            "unknown_category",
            "placement",
        ),
        (lambda t: pd.concat([t, t.iloc[[0]]]), "duplicate_row", "route"),
        (lambda t: t[t["placement"] != "agency_fostering"], "no_price", "placement"),
    ],
)
def test_bad_unit_costs_are_refused(sample, change, rule, column):
    projection = suf.project(suf.fit(sample), horizon=6, n_sims=5, seed=1)
    with pytest.raises(suf.SchemaError) as info:
        suf.cost(projection, change(suf.default_unit_costs()))
    assert info.value.rule == rule and info.value.column == column
    assert "\n" not in str(info.value)


def test_bad_routes_and_inflation_are_refused(sample):
    projection = suf.project(suf.fit(sample), horizon=6, n_sims=5, seed=1)
    unit = suf.default_unit_costs()
    # a share on a route with no price
    shares = pd.DataFrame(
        {"placement": ["agency_fostering", "agency_fostering"], "route": ["framework", "partner"], "share": [0.5, 0.5]}
    )
    with pytest.raises(suf.SchemaError, match="partner.*no price"):
        suf.cost(projection, unit, route_shares=shares)
    # two priced routes, neither the default shares' routes, and no shares for them
    partner = unit.assign(
        route=unit["route"].where(~((unit["placement"] == "agency_fostering") & (unit["route"] == "spot")), "partner")
    )
    with pytest.raises(suf.SchemaError, match="no_route_shares"):
        suf.cost(projection, partner)
    with pytest.raises(suf.SchemaError, match="no inflation rate"):
        suf.cost(projection, unit, inflation=suf.default_inflation().iloc[:3])
    with pytest.raises(suf.SchemaError, match="out_of_range"):
        suf.cost(projection, unit, inflation=-1.5)


def test_readers_name_the_file_and_line(tmp_path):
    path = tmp_path / "costs.csv"
    path.write_text(
        "category,route,weekly_cost,price_year\ninhouse_fostering,in-house,700,2024-25\nagency_fostering,Off-framework,-1,2024-25\n"
    )
    with pytest.raises(suf.SchemaError) as info:
        suf.read_unit_costs(path)
    assert (info.value.file, info.value.row, info.value.column) == (str(path), 3, "weekly_cost")
    path.write_text(
        'category,route,weekly_cost,price_year\ninhouse_fostering,in-house,700,2024/25\nagency_fostering,Off-framework,"1,050",2024-25\n'
    )
    table = suf.read_unit_costs(path)
    assert (
        table["route"].tolist() == ["in_house", "spot"]
        and table["weekly_cost"].tolist() == [700.0, 1050.0]
        and table["price_year"].tolist() == ["2024-25"] * 2
    )
    shares = tmp_path / "shares.csv"
    shares.write_text("category,route,share\nagency_fostering,framework,0.7\nagency_fostering,spot,0.2\n")
    with pytest.raises(suf.SchemaError, match="add up to 0.9") as info:
        suf.read_route_shares(shares)
    assert info.value.row == 2


def test_a_price_year_of_one_year_is_read_as_the_year_ending_that_march():
    table = pd.DataFrame({"placement": ["secure", "secure"], "route": ["spot", "block"], "weekly_cost": [5000, 6000]})
    with pytest.warns(suf.DataQualityWarning, match=r"2 price years written as one year .* 2025 is 2024-25"):
        checked = check_unit_costs(table.assign(price_year=[2025, "2025"]))
    assert checked["price_year"].tolist() == ["2024-25", "2024-25"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", suf.DataQualityWarning)  # a financial year is taken as written
        assert check_unit_costs(table.assign(price_year="2025-26"))["price_year"].tolist() == ["2025-26"] * 2


def test_an_inflation_rate_written_in_percent_is_refused():
    with pytest.raises(suf.SchemaError, match="write 0.06 for 6%"):
        suf.Prices(inflation=6.0).resolve(("secure",))
