"""Placement mix from published council tables."""

from __future__ import annotations

import pandas as pd
import pytest

import sufficiency as suf
from sufficiency.published.readers import PUBLISHED_PLACEMENT_GROUPS


@pytest.fixture(scope="module")
def table():
    return suf.load_published()


@pytest.fixture(scope="module")
def placements():
    return suf.load_published_placements()


def test_read_published_placements(placements, table):
    assert set(placements["placement"]) == {"total", *PUBLISHED_PLACEMENT_GROUPS}
    assert sorted(placements["year"].unique()) == [2011, 2012, 2013, 2014, 2015, 2016, 2017, 2021, 2022]
    wide = placements.pivot_table(index=["la_code", "year"], columns="placement", values="children")
    complete = wide.dropna()
    # 'other' is the total less the named groups, so complete rows add up exactly
    assert ((complete[list(PUBLISHED_PLACEMENT_GROUPS)].sum(axis=1) - complete["total"]).abs() < 1e-9).all()
    # the placement table's totals are the council totals of the other table
    both = wide["total"].rename("total").reset_index().merge(table, on=["la_code", "year"])
    assert (both["total"] == both["cla_31_march"]).mean() > 0.99
    # fostering in England at 31 March 2022: 56,680 (DfE, rounded to 10); council rows sum within suppression
    assert abs(wide.loc[(slice(None), 2022), "fostering"].sum() - 56_680) < 100


def test_labels_of_both_eras_are_grouped(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "la_code,la_name,year,dimension,placement,number\n"
        "E1,A,2017,placement type,Total,100\n"
        "E1,A,2017,placement type,Foster placements,70\n"
        'E1,A,2017,placement type,"Secure units, children\'s homes and semi-independent living accommodation",12\n'
        "E1,A,2017,placement type,Placed for adoption,5\n"
        "E1,A,2017,placement type,Placed with own parents or other person with parental responsibility,6\n"
        "E1,A,2017,placement type,Residential schools,x\n"
        "E1,A,2017,placement provider,Private provision,40\n"
        "E1,A,2021,placement type,Total,110\n"
        "E1,A,2021,placement type,Foster placements,75\n"
        "E1,A,2021,placement type,Secure homes and children's homes,9\n"
        "E1,A,2021,placement type,Independent and semi-independent living arrangements/supported accommodation,8\n"
        "E1,A,2021,placement type,Placed for adoption,c\n"
        "E1,A,2021,placement type,Placed with parents or other person with parental responsibility,7\n"
    )
    got = suf.read_published_placements(path).set_index(["year", "placement"])["children"]
    assert got[(2017, "residential_and_semi_independent")] == 12
    assert got[(2021, "residential_and_semi_independent")] == 17  # the 2021 split, added back together
    assert got[(2017, "other")] == 7  # 100 - 70 - 12 - 5 - 6: the suppressed residential schools
    assert pd.isna(got[(2021, "adoption")]) and pd.isna(got[(2021, "other")])


@pytest.mark.parametrize(
    "text, rule",
    [
        ("la_code,la_name,year,placement\nE1,A,2020,Total\n", "missing_column"),
        ("la_code,la_name,year,placement,number\nE1,A,2020,Total,many\n", "not_a_number"),
        ("la_code,la_name,year,placement,number\nE1,A,twenty,Total,5\n", "not_a_year"),
        ("la_code,la_name,year,placement,number\nE1,A,2020,Total,5\nE1,A,2020,Boarding,1\n", "unknown_code"),
    ],
)
def test_bad_placement_tables(tmp_path, text, rule):
    path = tmp_path / "p.csv"
    path.write_text(text)
    with pytest.raises(suf.SchemaError, match=rule) as err:
        suf.read_published_placements(path)
    assert "p.csv" in str(err.value)


def test_mix_forecast(table, placements):
    fc = suf.forecast_published_placements(table, placements, horizon=3, level=(80,))
    assert set(fc["year"]) == {2023, 2024, 2025}
    assert (fc["lower_80"] <= fc["mean"]).all() and (fc["mean"] <= fc["upper_80"]).all()
    # shares of the latest mix times the total forecast: where every group was published in 2022, they add up to the
    # total forecast
    latest = placements[placements["year"] == 2022].pivot(index="la_code", columns="placement", values="children")
    complete = latest.dropna().index
    assert len(complete) > 50
    totals = suf.forecast_published(table, horizon=3).set_index(["la_code", "year"])["mean"]
    sums = fc[fc["la_code"].isin(complete)].groupby(["la_code", "year"])["mean"].sum()
    assert ((sums - totals.reindex(sums.index)).abs() < 1e-6).all()


def test_mix_forecasts_see_only_the_past(table, placements):
    changed = placements.copy()
    changed.loc[changed["year"] > 2016, "children"] *= 2
    a = suf.forecast_published_placements(table, placements, origin=2016)
    b = suf.forecast_published_placements(table, changed, origin=2016)
    pd.testing.assert_frame_equal(a, b)


def test_mix_backtest_by_hand():
    groups = ["fostering", "residential_and_semi_independent", "with_parents", "adoption", "other"]
    counts = {  # (council, year): children by group; the total is their sum
        ("A", 2013): [60, 20, 10, 5, 5],
        ("A", 2014): [70, 20, 5, 5, 0],
        ("B", 2013): [30, 10, 5, 5, 0],
        ("B", 2014): [30, 10, 5, 5, 0],
    }
    rows = [
        {"la_code": la, "la_name": la, "year": year, "placement": g, "children": float(n)}
        for (la, year), ns in counts.items()
        for g, n in zip(groups, ns)
    ]
    rows += [
        {"la_code": la, "la_name": la, "year": year, "placement": "total", "children": float(sum(ns))}
        for (la, year), ns in counts.items()
    ]
    placements = pd.DataFrame(rows)
    totals = (
        placements[placements["placement"] == "total"]
        .rename(columns={"children": "cla_31_march"})
        .drop(columns="placement")
        .assign(region_name="R")
    )
    result = suf.backtest_published_placements(
        totals, placements, origins=[2013], horizon=1, methods=("naive",), reorganised=False
    )
    row = result.loc[("naive", 1)]
    # council A: |70-60| + |20-20| + |5-10| + |5-5| + |0-5| = 20 of 100 children, 20%; council B: no change, 0%
    assert row["forecasts"] == 2 and row["wape"] == pytest.approx(10.0)
    # groups of 10 or more children: A fostering 10/70, A residential 0/20, B fostering 0/30, B residential 0/10
    assert row["mape_by_group"] == pytest.approx(100 * (10 / 70) / 4)
    # no earlier origin, so no interval and no coverage
    assert pd.isna(row["coverage_80"])
