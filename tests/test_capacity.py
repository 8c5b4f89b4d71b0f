"""Sufficiency: demand against places, checked against direct counts over the paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sufficiency as suf
from sufficiency import schema as S


@pytest.fixture(scope="module")
def projection(sample):
    return suf.project(suf.fit(sample), horizon=36, n_sims=400, seed=9)


def test_shortfall_against_a_direct_count(projection):
    capacity = pd.DataFrame(
        {"category": ["inhouse_fostering", "fostering"], "route": ["in_house", "all"], "places": [250, 600]}
    )
    gap = suf.sufficiency_gap(projection, capacity, confidence=0.9)
    cats = list(projection.categories)
    stock = projection.draws.sum(axis=3, dtype=np.float64)  # (S, date, C); the paths are float32 counts
    inhouse = stock[:, :, cats.index("inhouse_fostering")]
    fostering = stock[
        :, :, [cats.index(c) for c in ("kinship_fostering", "inhouse_fostering", "agency_fostering")]
    ].sum(axis=2)
    for name, demand, places in (("inhouse_fostering", inhouse, 250), ("fostering", fostering, 600)):
        g = gap[gap["placement"] == name]
        assert g["date"].tolist() == list(projection.dates)
        np.testing.assert_allclose(g["p_shortfall"], (demand > places).mean(axis=0))
        np.testing.assert_allclose(g["expected_shortfall"], np.maximum(demand - places, 0).mean(axis=0))
        np.testing.assert_allclose(g["demand_mean"], demand.mean(axis=0))
        # places to add so that 90% of paths fit: the 90% quantile of demand less the places, rounded up
        need = np.maximum(np.ceil(np.quantile(demand, 0.9, axis=0) - places - 1e-9), 0)
        np.testing.assert_allclose(g["places_needed"], need)
        # with that many more places the shortfall probability is at most 10%
        assert ((demand > places + need[None, :]).mean(axis=0) <= 0.1 + 1e-12).all()


def test_places_start_and_end_and_the_shortfall_is_priced_spot(projection):
    capacity = pd.DataFrame(
        {
            "category": ["external_residential", "external_residential"],
            "route": ["block", "partner"],
            "places": [6, 10],
            "start": ["", "2026-04-01"],
            "end": ["2026-12-31", ""],
        }
    )
    gap = suf.sufficiency_gap(projection, capacity, unit_costs=suf.default_unit_costs())
    cap = gap.set_index("date")["capacity"]
    assert (
        cap[pd.Timestamp("2026-03-31")] == 6
        and cap[pd.Timestamp("2026-04-30")] == 16
        and cap[pd.Timestamp("2027-01-31")] == 10
    )
    # the expected shortfall of a month, bought at the spot price (£7,330 a week at its price year, no inflation)
    row = gap[gap["date"] == pd.Timestamp("2026-06-30")].iloc[0]
    assert row["shortfall_cost"] == pytest.approx(row["expected_shortfall"] * 7330 * 30 / 7)
    assert gap.loc[gap["date"] == projection.dates[0], "shortfall_cost"].iloc[0] == 0


@pytest.mark.parametrize(
    "table, rule",
    [
        (pd.DataFrame({"category": ["inhouse_fostering"], "places": [-3]}), "bad_places"),
        (pd.DataFrame({"category": ["inhouse_fostering"], "places": ["many"]}), "bad_places"),
        (pd.DataFrame({"category": ["foster_typo"], "places": [3]}), "unknown_category"),
        (pd.DataFrame({"category": ["inhouse_fostering"]}), "missing_column"),
        (pd.DataFrame({"category": ["inhouse_fostering"], "places": [3], "start": ["soon"]}), "invalid_date"),
        (
            pd.DataFrame(
                {"category": ["inhouse_fostering"], "places": [3], "start": ["2026-01-01"], "end": ["2025-01-01"]}
            ),
            "end_before_start",
        ),
    ],
)
def test_bad_capacity_tables_are_refused(projection, table, rule):
    with pytest.raises(suf.SchemaError) as info:
        suf.sufficiency_gap(projection, table)
    assert info.value.rule == rule and info.value.row == (None if rule == "missing_column" else 1)


def test_sample_capacity_file_reads(sample):
    table = suf.read_capacity(suf.sample_path() / "capacity.csv")
    assert set(table["placement"]) == {"inhouse_fostering", "inhouse_residential", "external_residential"}
    assert table.loc[table["route"] == "block", "end"].iloc[0] == pd.Timestamp("2027-03-31")
    assert S.CHILD_ID not in table.columns


def test_reading_places_against_the_datas_categories_names_the_file_line(tmp_path):
    path = tmp_path / "places.csv"
    path.write_text("category,places\ninhouse_fostering,250\nfostering,10\nnonsense,3\n")
    # Without the data's categories the file is only checked for its own shape.
    assert len(suf.read_capacity(path)) == 3
    with pytest.raises(suf.SchemaError) as caught:
        suf.read_capacity(path, categories=["inhouse_fostering", "agency_fostering"])
    error = caught.value
    # line 4 of the file (header is line 1) holds the unknown category; "fostering" is the coarse group of both
    assert (error.file, error.row, error.column, error.rule) == (str(path), 4, "category", "unknown_category")
