"""Placement taxonomy and code lists."""

from __future__ import annotations

import pandas as pd
import pytest

import sufficiency as suf
from sufficiency.ingest.codes import code_table, code_validity


def test_default_mapping_separates_required_categories():
    cats = set(suf.default_taxonomy()["category"])
    required = {
        "kinship_fostering",
        "inhouse_fostering",
        "agency_fostering",
        "inhouse_residential",
        "external_residential",
        "supported_accommodation",
        "secure",
        "placed_with_parents",
        "placed_for_adoption",
        "other",
    }
    assert required <= cats
    assert set(suf.categories()["coarse"]) == {"fostering", "residential", "supported", "other"}


def test_categorise_by_provider_and_year():
    place = pd.Series(["U4", "U4", "U6", "K2", "K2", "K3", "K3", "H5", "XX", "U1"])
    prov = pd.Series(["PR1", "PR4", "PR5", "PR1", "PR4", "PR4", "PR4", "PR4", "PR4", ""])
    year = pd.Series([2020, 2020, 2020, 2020, 2020, 2025, 2023, 2026, 2020, 2020])
    got = suf.categorise(place, prov, year)
    assert got["category"].tolist() == [
        "inhouse_fostering",
        "agency_fostering",
        "agency_fostering",
        "inhouse_residential",
        "external_residential",
        "supported_accommodation",
        "supported_accommodation",
        "supported_accommodation",
        "unknown",
        "kinship_fostering",
    ]
    assert got["match"].tolist()[5:9] == ["exact", "out_of_year", "out_of_year", "unmapped"]


def test_every_valid_placement_code_is_mapped():
    places = code_table().query("field == 'PLACE'")
    for row in places.itertuples():
        year = (
            int(row.first_year)
            if pd.notna(row.first_year)
            else (int(row.last_year) if pd.notna(row.last_year) else 2020)
        )
        got = suf.categorise(pd.Series([row.code]), pd.Series(["PR1"]), pd.Series([year]))
        assert got["match"].iloc[0] == "exact", row.code


def test_code_validity_by_year():
    codes = pd.Series(["E45", "E45", "E43", "", "ZZ"])
    years = pd.Series([2019, 2018, 2018, 2018, 2018])
    assert code_validity("REC", codes, years).tolist() == ["valid", "out_of_year", "valid", "blank", "unknown"]


def test_coarsen_requires_a_group_for_every_category():
    assert suf.coarsen(pd.Series(["secure", "kinship_fostering"])).tolist() == ["residential", "fostering"]
    assert suf.coarsen("secure").tolist() == ["residential"]  # one category, not a Series
    assert list(suf.age_band(16)) == ["16 and over"]  # one age, not an array
    with pytest.raises(suf.SchemaError, match="coarse"):
        suf.coarsen(pd.Series(["my_category"]))


def test_bad_mapping_is_a_schema_error():
    with pytest.raises(suf.SchemaError, match="category"):
        suf.categorise(
            pd.Series(["U4"]), pd.Series(["PR1"]), pd.Series([2020]), mapping=pd.DataFrame({"place": ["U4"]})
        )
