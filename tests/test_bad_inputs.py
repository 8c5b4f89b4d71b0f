"""Bad inputs, one class at a time: each is refused naming file, row, column and rule, or counted in a warning.

The returns are a small synthetic county's (four years, about 500 children), written as a council would send
them; each test spoils one thing and checks what the library says about it. The seeded campaign over many
random spoilings is ``test_bad_input_campaign.py``.
"""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sufficiency as suf
from sufficiency import schema as S
from sufficiency.cli import main
from sufficiency.datasets.parameters import CountyParameters

YEARS = (2022, 2025)


@pytest.fixture(scope="module")
def small_county():
    return suf.simulate_county(seed=5, parameters=CountyParameters(first_year=YEARS[0], last_year=YEARS[1], scale=0.3))


@pytest.fixture()
def returns(small_county, tmp_path):
    folder = tmp_path / "returns"
    suf.write_returns(small_county.episodes, small_county.children, folder, first_year=YEARS[0], last_year=YEARS[1])
    return folder


def read(folder):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", suf.DataQualityWarning)
        return suf.read_ssda903(folder)


def findings(data, rule):
    """Rows the returns' quality report counts under ``rule``."""
    q = data.quality
    return int(q.loc[q["rule"] == rule, "n_rows"].sum())


def edit_csv(path: Path, change) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(frame)
    frame.to_csv(path, index=False)


# --------------------------------------------------------------------------- returns: raw exceptions


@pytest.mark.parametrize("dob", ["01/01/0001", "01/01/1600", "31/12/2300"])
def test_dates_outside_what_pandas_holds_are_counted_invalid(returns, dob):
    edit_csv(returns / "2024-25" / "header.csv", lambda f: f.loc.__setitem__((0, "DOB"), dob))
    data = read(returns)
    q = data.quality
    row = q[(q["rule"] == "invalid_date") & (q["column"] == "DOB")].iloc[0]
    assert row["file"] == str(returns / "2024-25" / "header.csv") and row["row"] == 2 and row["value"] == dob


# --------------------------------------------------------------------------- returns: figures that moved


@pytest.mark.parametrize("name", ["24-25", "Returns 24-25"])
def test_year_folders_with_two_digit_years_are_read(returns, name):
    clean = read(returns)
    (returns / "2024-25").rename(returns / name)
    data = read(returns)
    assert data.censor_date == clean.censor_date and len(data.episodes) == len(clean.episodes)
    assert (data.files["year"] == 2025).sum() == 3


def test_a_folder_without_a_year_is_reported_and_the_last_year_missing_is_warned(returns):
    (returns / "2024-25").rename(returns / "Returns")
    data = read(returns)
    q = data.quality
    ignored = q[q["rule"] == "folder_ignored"].iloc[0]
    assert ignored["file"] == str(returns / "Returns") and ignored["n_rows"] == 3 and ignored["severity"] == "warning"
    assert data.censor_date == pd.Timestamp("2024-03-31")


def test_a_header_only_last_episodes_file_is_warned(returns):
    path = returns / "2024-25" / "episodes.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    data = read(returns)
    q = data.quality
    assert (q["rule"] == "return_year_without_episodes").sum() == 1
    assert "2024-25" in q.loc[q["rule"] == "return_year_without_episodes", "action"].iloc[0]


def test_a_missing_middle_year_is_warned(returns):
    (returns / "2022-23" / "episodes.csv").unlink()
    assert findings(read(returns), "missing_return_year") == 1


def test_missing_dates_of_birth_are_counted(returns):
    path = returns / "2024-25" / "header.csv"
    n = len(pd.read_csv(path))
    edit_csv(path, lambda f: f.__setitem__("DOB", ""))
    data = read(returns)
    assert findings(data, "missing_dob") == n
    assert findings(data, "no_date_of_birth") > 0


def test_invalid_dates_of_birth_in_the_uasc_file_are_counted(returns):
    path = returns / "2024-25" / "uasc.csv"
    edit_csv(path, lambda f: f.loc.__setitem__((0, "DOB"), "31/02/2010"))
    q = read(returns).quality
    row = q[(q["rule"] == "invalid_date") & (q["file"] == str(path))].iloc[0]
    assert (row["row"], row["column"]) == (2, "DOB")


def test_a_reason_no_return_may_hold_is_flagged(returns):
    path = returns / "2024-25" / "episodes.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    i = int(np.flatnonzero((frame["REC"] != "").to_numpy())[0])
    edit_csv(path, lambda f: f.loc.__setitem__((i, "REC"), "E99"))
    q = read(returns).quality
    row = q[(q["rule"] == "unknown_code") & (q["column"] == "REC")].iloc[0]
    assert (row["file"], row["row"], row["value"]) == (str(path), i + 2, "E99")


def test_ids_differing_by_case_or_leading_zeros_are_one_child(returns):
    clean = read(returns)
    # every file writes the ids as numbers with leading zeros; one year drops the zeros and another lower-cases
    for path in returns.rglob("*.csv"):
        edit_csv(path, lambda f: f.__setitem__("CHILD", f["CHILD"].str.replace("C", "0", regex=False)))
    edit_csv(returns / "2023-24" / "episodes.csv", lambda f: f.__setitem__("CHILD", f["CHILD"].str.lstrip("0")))
    data = read(returns)
    assert data.episodes[S.CHILD_ID].nunique() == clean.episodes[S.CHILD_ID].nunique()
    # each child's rows not in its most common spelling are counted: at least one per child of 2023-24
    assert findings(data, "child_id_variants") >= pd.read_csv(returns / "2023-24" / "episodes.csv")["CHILD"].nunique()
    dates = [pd.Timestamp(f"{y}-03-31") for y in range(*YEARS)]
    pd.testing.assert_frame_equal(suf.stock(data, dates, by=()), suf.stock(clean, dates, by=()))


def test_end_dates_with_a_time_of_day_keep_their_date(returns):
    clean = read(returns)
    path = returns / "2024-25" / "episodes.csv"
    ended = pd.read_csv(path, dtype=str, keep_default_na=False)["DEC"] != ""
    edit_csv(path, lambda f: f.__setitem__("DEC", f["DEC"].where(f["DEC"] == "", f["DEC"] + " 14:30")))
    data = read(returns)
    assert findings(data, "time_of_day") == int(ended.sum())
    dates = pd.date_range("2024-04-30", "2025-03-31", freq="ME")
    pd.testing.assert_frame_equal(suf.stock(data, dates, by=()), suf.stock(clean, dates, by=()))


def test_nul_bytes_at_the_end_of_a_file_add_no_child(returns):
    clean = read(returns)
    path = returns / "2024-25" / "header.csv"
    path.write_bytes(path.read_bytes() + b"\x00" * 5000)
    data = read(returns)
    assert findings(data, "nul_bytes") == 5000
    assert len(data.children) == len(clean.children)


# --------------------------------------------------------------------------- numbers and ranges in every table


@pytest.fixture(scope="module")
def projection(small_county, tmp_path_factory):
    folder = tmp_path_factory.mktemp("returns")
    suf.write_returns(small_county.episodes, small_county.children, folder, first_year=YEARS[0], last_year=YEARS[1])
    return suf.project(suf.fit(read(folder)), horizon=24, n_sims=30, seed=2)


def write_table(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    "value, rule",
    [
        ("inf", "not_finite"),
        ("NaN", "missing_value"),  # a null token, as databases write it
        ("1e400", "not_finite"),
        ("1e308", "out_of_range"),
        ("150000", "out_of_range"),
        ("1.234,56", "decimal_comma"),
        ("532,58", "decimal_comma"),
    ],
)
def test_unit_costs_refuse_numbers_that_are_not_weekly_prices(tmp_path, value, rule):
    unit = suf.default_unit_costs().astype({S.WEEKLY_COST: object})
    unit.loc[3, S.WEEKLY_COST] = value
    path = write_table(tmp_path / "costs.csv", unit)
    with pytest.raises(suf.SchemaError) as info:
        suf.read_unit_costs(path)
    assert (info.value.file, info.value.row, info.value.column, info.value.rule) == (
        str(path),
        5,
        S.WEEKLY_COST,
        rule,
    )


def test_a_dear_weekly_price_is_kept_with_a_warning(tmp_path):
    unit = suf.default_unit_costs()
    unit.loc[3, S.WEEKLY_COST] = 40_000
    with pytest.warns(suf.DataQualityWarning, match=r"1 weekly costs .* above 30,000 \(rows 5\)"):
        suf.read_unit_costs(write_table(tmp_path / "costs.csv", unit))


@pytest.mark.parametrize("rate, refused", [(5.0, True), (1.0, True), (-0.6, True), (float("inf"), True), (0.3, False)])
def test_inflation_rates_in_range(tmp_path, rate, refused):
    table = suf.default_inflation()
    table.loc[2, S.ANNUAL_RATE] = rate
    path = write_table(tmp_path / "inflation.csv", table)
    if refused:
        with pytest.raises(suf.SchemaError) as info:
            suf.read_inflation(path)
        assert (info.value.row, info.value.column) == (4, S.ANNUAL_RATE)
    else:
        with pytest.warns(suf.DataQualityWarning, match="1 inflation rates"):
            suf.read_inflation(path)


def test_a_price_year_far_ahead_and_an_unknown_inflation_row_are_refused(tmp_path, projection):
    unit = suf.default_unit_costs()
    unit.loc[0, S.PRICE_YEAR] = "2099"
    with pytest.raises(suf.SchemaError, match="not a plausible price year") as info:
        suf.read_unit_costs(write_table(tmp_path / "costs.csv", unit))
    assert info.value.row == 2
    table = pd.concat([suf.default_inflation(), pd.DataFrame({S.PLACEMENT: ["fostering_typo"], S.ANNUAL_RATE: [0.02]})])
    path = write_table(tmp_path / "inflation.csv", table)
    with pytest.raises(suf.SchemaError) as info:
        suf.cost(projection, None, inflation=suf.read_inflation(path))
    assert (info.value.file, info.value.row, info.value.rule) == (str(path), len(table) + 1, "unknown_category")


def test_errors_found_when_costing_name_the_file_and_line(tmp_path, projection):
    unit = suf.default_unit_costs()
    path = write_table(tmp_path / "costs.csv", unit[unit[S.PLACEMENT] != "agency_fostering"])
    with pytest.raises(suf.SchemaError) as info:
        suf.cost(projection, suf.read_unit_costs(path))
    assert (info.value.file, info.value.rule) == (str(path), "no_price")
    shares = suf.default_route_shares()
    shares = shares.assign(route=shares[S.ROUTE].where(shares[S.PLACEMENT] != "secure", "partner"))
    path = write_table(tmp_path / "shares.csv", shares)
    with pytest.raises(suf.SchemaError) as info:
        suf.cost(projection, None, route_shares=suf.read_route_shares(path))
    assert (info.value.file, info.value.rule) == (str(path), "no_price")


def test_route_shares_that_leave_a_category_out_say_so(tmp_path, projection):
    shares = suf.default_route_shares()
    path = write_table(tmp_path / "shares.csv", shares[shares[S.PLACEMENT] != "external_residential"])
    with pytest.warns(suf.DataQualityWarning, match="no route shares for external_residential"):
        suf.cost(projection, None, route_shares=suf.read_route_shares(path))


# --------------------------------------------------------------------------- placement cost files


@pytest.fixture()
def fee_file(returns, tmp_path):
    data = read(returns)
    spells = data.episodes[data.episodes[S.PLACEMENT] == "external_residential"].head(40)
    fees = pd.DataFrame(
        {
            "child_id": spells[S.CHILD_ID],
            "placement_start": spells[S.EPISODE_START].dt.strftime("%d/%m/%Y"),
            "placement_end": spells[S.EPISODE_END].dt.strftime("%d/%m/%Y").fillna(""),
            "weekly_fee": np.linspace(4000, 9000, len(spells)).round(2).astype(str),
            "route": ["spot", "framework"] * (len(spells) // 2),
            "health_contribution": "0",
        }
    ).reset_index(drop=True)
    return data, fees, tmp_path / "fees.csv"


def read_fees(path, data):
    return suf.read_placement_costs(path, data, warn=False)


def test_duplicated_fee_rows_are_costed_once(fee_file, projection):
    data, fees, path = fee_file
    clean = read_fees(write_table(path, fees), data)
    doubled = read_fees(write_table(path, pd.concat([fees, fees.head(10)])), data)
    assert int(doubled.quality.loc[doubled.quality["rule"] == "duplicate_row", "n_rows"].sum()) == 10
    pd.testing.assert_frame_equal(
        clean.fees.drop(columns=S.SOURCE_ROW), doubled.fees.drop(columns=S.SOURCE_ROW), check_like=True
    )


def test_fee_rows_that_cannot_be_costed_are_counted(fee_file):
    data, fees, path = fee_file
    fees.loc[0, "health_contribution"] = "-500"
    fees.loc[1, "route"] = ""
    fees.loc[2, "route"] = "trusted_provider"
    fees.loc[3, "weekly_fee"] = "inf"
    fees.loc[4, "weekly_fee"] = "532,58"
    fees.loc[5, "weekly_fee"] = "250000"
    result = read_fees(write_table(path, fees), data)
    counted = result.quality.groupby("rule")["n_rows"].sum()
    assert counted["negative_contribution"] == 1 and counted["missing_route"] == 1
    assert counted["unknown_route"] == 1 and counted["missing_fee"] == 2 and counted["fee_out_of_range"] == 1
    assert result.fees["net_weekly"].between(0, 100_000).all()


def test_the_cost_does_not_depend_on_the_fee_files_row_order(fee_file, projection):
    data, fees, path = fee_file
    a = suf.cost(projection, None, fees=read_fees(write_table(path, fees), data))
    b = suf.cost(projection, None, fees=read_fees(write_table(path, fees.sample(frac=1, random_state=3)), data))
    np.testing.assert_array_equal(a.draws, b.draws)


# --------------------------------------------------------------------------- capacity and published tables


@pytest.mark.parametrize("places", ["inf", "2.5", "1e308", "-1", "NaN"])
def test_places_are_whole_and_finite(tmp_path, places):
    path = tmp_path / "places.csv"
    path.write_text(f"placement,places\ninhouse_fostering,250\nfostering,{places}\n")
    with pytest.raises(suf.SchemaError) as info:
        suf.read_capacity(path)
    assert (info.value.file, info.value.row, info.value.column) == (str(path), 3, "places")


def test_header_only_tables_are_refused(tmp_path, projection):
    path = tmp_path / "places.csv"
    path.write_text("placement,places\n")
    with pytest.raises(suf.SchemaError, match="no rows") as info:
        suf.read_capacity(path)
    assert info.value.rule == "empty_table"
    with pytest.raises(suf.SchemaError, match="no rows"):
        suf.sufficiency_gap(projection, pd.DataFrame(columns=["placement", "places"]))
    path = tmp_path / "fees.csv"
    path.write_text("child_id,placement_start,weekly_fee,route,placement\n")
    with pytest.raises(suf.SchemaError) as info:
        suf.read_placement_costs(path)
    assert info.value.rule == "empty_table"
    path = tmp_path / "published.csv"
    path.write_text("la_code,la_name,year,cla_31_march\n")
    with pytest.raises(suf.SchemaError) as info:
        suf.read_published(path)
    assert info.value.rule == "empty_table"


def test_a_stray_later_year_does_not_end_every_councils_series(tmp_path):
    table = suf.load_published()
    last = int(table["year"].max())
    stray = table[table["year"] == last].head(1).assign(year=last + 1)
    path = write_table(tmp_path / "published.csv", pd.concat([table, stray]))
    clean = suf.forecast_published(table, horizon=1)
    with pytest.warns(suf.DataQualityWarning, match=f"1 rows dated after {last}"):
        spoilt = suf.forecast_published(suf.read_published(path), horizon=1)
    assert len(spoilt) == len(clean)


def test_council_codes_in_lower_case_are_read_in_upper_case(tmp_path):
    table = suf.load_published()
    code = table["la_code"].iloc[0]
    path = write_table(tmp_path / "published.csv", table.assign(la_code=table["la_code"].str.lower()))
    with pytest.warns(suf.DataQualityWarning, match="council codes in lower case"):
        read_back = suf.read_published(path)
    assert code in set(read_back["la_code"]) and read_back["la_code"].nunique() == table["la_code"].nunique()


# --------------------------------------------------------------------------- scenario files


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, indent=2))
    return path


def brief(**settings):
    lever = {
        "lever": "shift_placements",
        "category": "external_residential",
        "route": "spot",
        "to_route": "partner",
        "share": 0.5,
        "weekly_cost": 5800,
        "start": "2025-07-01",
    }
    lever.update(settings)
    return {"scenarios": [{"name": "a", "levers": []}, {"name": "partner", "levers": [lever]}]}


@pytest.mark.parametrize(
    "settings, column, rule",
    [
        ({"start": 2025}, "start", "bad_date"),
        ({"start": "next year"}, "start", "bad_date"),
        ({"share": True}, "share", "bad_value"),
        ({"share": "0.5"}, "share", "bad_value"),
        ({"weekly_cost": 1e308}, "weekly_cost", "bad_value"),
        ({"ramp_months": 2.5}, "ramp_months", "bad_value"),
        ({"category": 7}, "category", "bad_value"),
    ],
)
def test_lever_settings_are_refused_naming_the_line(tmp_path, settings, column, rule):
    path = write_json(tmp_path / "s.json", brief(**settings))
    with pytest.raises(suf.SchemaError) as info:
        suf.read_scenarios(path)
    lever_line = next(i for i, line in enumerate(path.read_text().splitlines(), 1) if '"shift_placements"' in line)
    assert (info.value.file, info.value.row, info.value.column, info.value.rule) == (
        str(path),
        lever_line,
        column,
        rule,
    )


def test_scenario_dates_are_read_as_the_returns_dates(tmp_path):
    (scenario,) = suf.read_scenarios(write_json(tmp_path / "s.json", brief(start="05/12/2025")))[1:]
    assert scenario.levers[0].start == "2025-12-05"


@pytest.mark.parametrize(
    "ages, ok", [("12", False), ([12.5], False), ([True], False), ([16, 17.0], True), ([16, 18], False)]
)
def test_ages_are_lists_of_whole_years(tmp_path, ages, ok):
    data = {"name": "edge", "levers": [{"lever": "change_entries", "factor": 0.8, "ages": ages, "start": "2025-07-01"}]}
    path = write_json(tmp_path / "s.json", data)
    if ok:
        assert suf.read_scenarios(path)[0].levers[0].ages == (16, 17)
    else:
        with pytest.raises(suf.SchemaError) as info:
            suf.read_scenarios(path)
        assert (info.value.column, info.value.rule) == ("ages", "bad_value")


@pytest.mark.parametrize(
    "text, rule",
    [
        ('{"scenarios": ["partner"]}', "not_a_scenario"),
        ('{"scenarios": []}', "no_scenarios"),
        ('{"name": null, "levers": []}', "bad_value"),
        ("[" * 100_000 + "]" * 100_000, "not_json"),
    ],
)
def test_scenario_files_that_are_not_scenarios_are_refused(tmp_path, text, rule):
    path = tmp_path / "s.json"
    path.write_text(text)
    with pytest.raises(suf.SchemaError) as info:
        suf.read_scenarios(path)
    assert (info.value.file, info.value.rule) == (str(path), rule)


def test_a_scenario_file_that_is_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "s.json"
    path.write_bytes('{\n  "name": "a",\n  "description": "saves £2m",\n  "levers": []\n}'.encode("cp1252"))
    with pytest.raises(suf.SchemaError) as info:
        suf.read_scenarios(path)
    assert (info.value.file, info.value.row, info.value.rule) == (str(path), 3, "not_utf8")


def test_scoring_problems_name_the_scenario_file_and_lever(tmp_path, small_county, returns):
    path = write_json(tmp_path / "s.json", brief(category="fostering_typo"))
    scenarios = suf.read_scenarios(path)
    with pytest.raises(suf.SchemaError) as info:
        suf.score(suf.fit(read(returns)), scenarios, unit_costs=None, horizon=12, n_sims=5)
    lever_line = next(i for i, line in enumerate(path.read_text().splitlines(), 1) if '"shift_placements"' in line)
    assert (info.value.file, info.value.row, info.value.column, info.value.rule) == (
        str(path),
        lever_line,
        "shift_placements.category",
        "unknown_category",
    )


def test_scores_of_no_scenarios_summarise_to_empty_tables(returns):
    scores = suf.score(suf.fit(read(returns)), [], unit_costs=None, horizon=12, n_sims=5)
    assert scores.summary().empty and "saving_mean" in scores.summary().columns
    assert scores.savings_frame().empty


# --------------------------------------------------------------------------- the report command


def test_the_report_refuses_what_would_move_figures(returns, tmp_path, capsys):
    inflation = write_table(tmp_path / "inflation.csv", suf.default_inflation().assign(annual_rate=5.0))
    assert main(["report", str(returns), "--out", str(tmp_path / "a"), "--inflation", str(inflation), "--quiet"]) == 2
    assert "annual_rate" in capsys.readouterr().err
    places = tmp_path / "places.csv"
    places.write_text("placement,places\ninhouse_fostering,inf\n")
    assert main(["report", str(returns), "--out", str(tmp_path / "b"), "--capacity", str(places), "--quiet"]) == 2
    assert "places" in capsys.readouterr().err


def test_the_report_warns_about_a_return_year_not_read(returns, tmp_path, capsys):
    shutil.move(returns / "2022-23", returns / "Returns")
    code = main(["report", str(returns), "--out", str(tmp_path / "r"), "--quiet", "--n-sims", "20", "--horizon", "12"])
    err = capsys.readouterr().err
    assert code == 0 and "folder_ignored" in err and "missing_return_year" in err


def test_a_year_without_its_uasc_file_and_unknown_uasc_children_are_warned(returns):
    (returns / "2023-24" / "uasc.csv").unlink()
    path = returns / "2024-25" / "uasc.csv"
    edit_csv(path, lambda f: f.loc.__setitem__((0, "CHILD"), "NOBODY"))
    q = read(returns).quality
    assert "2023-24" in q.loc[q["rule"] == "missing_uasc_file", "action"].iloc[0]
    row = q[q["rule"] == "uasc_child_unknown"].iloc[0]
    assert (row["file"], row["row"], row["value"]) == (str(path), 2, "NOBODY")
