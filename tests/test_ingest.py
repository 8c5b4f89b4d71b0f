"""SSDA903 ingest: round trips against the generator's truth and a corpus of malformed files."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import episode_row, header_row, write_year
from truth import monthly_truth

import sufficiency as suf
from sufficiency import schema as S
from sufficiency.ingest.codes import LOADER_CLOSED


def read(source, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", suf.DataQualityWarning)
        return suf.read_ssda903(source, **options)


def rules(data) -> dict[str, int]:
    q = data.quality
    return q.groupby("rule")["n_rows"].sum().to_dict()


def march_dates(first: int, last: int) -> list[pd.Timestamp]:
    return [pd.Timestamp(year=y, month=3, day=31) for y in range(first - 1, last + 1)]


# --------------------------------------------------------------------------- round trips


def test_sample_reproduces_true_stock_every_31_march(sample):
    # truth_stock_31_march.csv is counted from the generator's own placements (SimulatedCounty.true_stock)
    truth = pd.read_csv(suf.sample_path() / "truth_stock_31_march.csv", parse_dates=[S.DATE])
    got = suf.stock(sample, sorted(truth[S.DATE].unique()), by=(S.PLACEMENT,))
    merged = truth.merge(got, on=[S.DATE, S.PLACEMENT], how="outer", suffixes=("_true", "_read")).fillna(0)
    assert len(merged) > 0
    assert (merged["children_true"] == merged["children_read"]).all()
    assert (sample.quality["severity"] == "info").all()


def test_round_trip_against_generator_truth(county, tmp_path):
    suf.write_returns(county.episodes, county.children, tmp_path, first_year=2016, last_year=2025)
    data = read(tmp_path)
    dates = march_dates(2016, 2025)
    by = (S.PLACEMENT, S.AGE)
    a = suf.stock(data, dates, by=by).set_index([S.DATE, *by])[S.CHILDREN]
    b = county.true_stock(dates, by=by).set_index([S.DATE, *by])[S.CHILDREN]
    joined = pd.concat([a, b], axis=1).fillna(0)
    assert joined.iloc[:, 1].sum() > 5000
    assert (joined.iloc[:, 0] == joined.iloc[:, 1]).all()
    # episode by episode, over the years the returns cover; entry and exit flags are the generator's own
    truth = county.episodes
    truth = truth[truth[S.EPISODE_END].isna() | (truth[S.EPISODE_END] >= data.coverage_start)]
    cols = [
        S.CHILD_ID,
        S.EPISODE_START,
        S.EPISODE_END,
        S.PLACEMENT,
        S.REASON_CEASED,
        S.IS_EXIT,
        S.EXIT_REASON,
        S.DATE_OF_BIRTH,
        S.UASC,
    ]
    left = data.episodes[cols].sort_values([S.CHILD_ID, S.EPISODE_START]).reset_index(drop=True)
    right = truth[cols].sort_values([S.CHILD_ID, S.EPISODE_START]).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right, check_dtype=False)
    inside = data.episodes[S.EPISODE_START] >= data.coverage_start
    t_inside = truth[S.EPISODE_START] >= data.coverage_start
    assert data.episodes.loc[inside, S.IS_ENTRY].sum() == truth.loc[t_inside, S.IS_ENTRY].sum()
    # monthly flows read from the returns agree with flows counted from the generator's own placement spells
    fa = suf.flows(data, freq="MS", by=(S.PLACEMENT,)).table
    fb = monthly_truth(county, data.coverage_start, data.censor_date)
    key = [S.PERIOD_START, S.PLACEMENT]
    m = fa.merge(fb, on=key, how="outer", suffixes=("_a", "_b")).fillna(0)
    assert m["entries_b"].sum() > 1500
    for col in (S.ENTRIES, S.EXITS, S.MOVES_IN, S.EXPOSURE_DAYS):
        assert (m[f"{col}_a"] == m[f"{col}_b"]).all(), col


def _mess_up(folder: Path) -> None:
    """Rewrite returns the ways councils' files arrive (all recoverable)."""
    years = sorted(p for p in folder.iterdir() if p.is_dir())
    for i, year in enumerate(years):
        ep = year / "episodes.csv"
        text = ep.read_text(encoding="utf-8")
        lines = text.splitlines()
        if i % 3 == 0:  # lower-case, space-padded codes
            head, *rows = lines
            rows = [
                ",".join(f" {c.lower()} " if j in (2, 3, 5, 6, 8) and c else c for j, c in enumerate(r.split(",")))
                for r in rows
            ]
            lines = [head, *rows]
        if i % 3 == 1:  # ISO dates
            frame = pd.read_csv(ep, dtype=str, keep_default_na=False)
            for col in ("DECOM", "DEC"):
                frame[col] = pd.to_datetime(frame[col], format="%d/%m/%Y").dt.strftime("%Y-%m-%d").fillna("")
            lines = frame.to_csv(index=False).splitlines()
        if i % 4 == 2:  # an exact duplicate row and a stray empty Excel column
            lines = [lines[0] + ",", *[r + "," for r in lines[1:]], lines[1] + ","]
        payload = "\r\n".join(lines) + "\r\n"
        if i % 2 == 0:
            ep.write_bytes(b"\xef\xbb\xbf" + payload.encode("utf-8"))
        else:
            ep.write_bytes(payload.encode("cp1252"))
        hd = year / "header.csv"
        if i % 2 == 1:
            hd.write_bytes(b"\xef\xbb\xbf" + hd.read_bytes().replace(b"\n", b"\r\n"))


def test_messy_round_trip_matches_truth(county, tmp_path):
    suf.write_returns(county.episodes, county.children, tmp_path, first_year=2016, last_year=2025)
    _mess_up(tmp_path)
    with pytest.warns(suf.DataQualityWarning, match="exact_duplicate"):
        data = suf.read_ssda903(tmp_path)
    dates = march_dates(2016, 2025)
    a = suf.stock(data, dates, by=(S.PLACEMENT,))
    b = county.true_stock(dates, by=(S.PLACEMENT,))
    m = a.merge(b, on=[S.DATE, S.PLACEMENT], how="outer").fillna(0)
    assert (m["children_x"] == m["children_y"]).all()
    r = rules(data)
    assert r["exact_duplicate"] == 2  # _mess_up duplicates one row in the 3rd and 7th years
    assert r["code_normalised"] > 0
    assert r["unnamed_column"] == 2


def test_every_row_is_kept_or_counted(county, tmp_path):
    suf.write_returns(county.episodes, county.children, tmp_path, first_year=2016, last_year=2025)
    _mess_up(tmp_path)
    data = read(tmp_path)
    q = data.quality
    for path in sorted(tmp_path.glob("*/episodes.csv")):
        raw_rows = len(
            pd.read_csv(
                path, dtype=str, encoding="cp1252" if b"\xef\xbb\xbf" not in path.read_bytes()[:3] else "utf-8-sig"
            )
        )
        kept = int((data.episodes[S.SOURCE_FILE] == str(path)).sum())
        removed = int(q.loc[(q["file"] == str(path)) & q["removed"], "n_rows"].sum())
        assert raw_rows == kept + removed, path


# --------------------------------------------------------------------------- stacking rules


def test_resubmitted_episode_keeps_latest_version(tmp_path):
    h = [header_row("1", "01/01/2010")]
    write_year(tmp_path, 2016, h, [episode_row("1", "01/02/2016")])
    write_year(tmp_path, 2017, h, [episode_row("1", "01/02/2016", "10/10/2016", "E4A")])
    data = read(tmp_path)
    ep = data.episodes
    assert len(ep) == 1
    assert ep[S.EPISODE_END].iloc[0] == pd.Timestamp("2016-10-10")
    assert ep[S.RETURN_YEAR].iloc[0] == 2017
    assert rules(data) == {"resubmitted": 1}


def test_child_missing_from_next_return_is_closed_after_its_year(tmp_path):
    write_year(
        tmp_path,
        2016,
        [header_row("1", "01/01/2010"), header_row("2", "01/01/2011")],
        [episode_row("1", "01/02/2016"), episode_row("2", "01/03/2016")],
    )
    write_year(tmp_path, 2017, [header_row("2", "01/01/2011")], [episode_row("2", "01/03/2016")])
    with pytest.warns(suf.DataQualityWarning, match="open_episode_missing_from_next_return"):
        data = suf.read_ssda903(tmp_path)
    one = data.episodes[data.episodes[S.CHILD_ID] == "1"].iloc[0]
    assert one[S.EPISODE_END] == pd.Timestamp("2016-04-01")
    assert one[S.REASON_CEASED] == LOADER_CLOSED and one[S.EXIT_REASON] == "unknown"
    st = suf.stock(data, ["2016-03-31", "2017-03-31"], by=())
    assert st[S.CHILDREN].tolist() == [2, 1]


def test_episode_replaced_in_later_return_is_dropped(tmp_path):
    h = [header_row("1", "01/01/2010")]
    write_year(tmp_path, 2016, h, [episode_row("1", "01/02/2016")])
    write_year(tmp_path, 2017, h, [episode_row("1", "03/02/2016", "10/10/2016", "E4A")])
    data = read(tmp_path)
    assert data.episodes[S.EPISODE_START].tolist() == [pd.Timestamp("2016-02-03")]
    assert rules(data)["replaced_in_later_return"] == 1


def test_overlap_duplicates_and_backwards_dates_are_repaired_and_counted(tmp_path):
    h = [header_row("1", "01/01/2010"), header_row("2", "01/01/2009")]
    eps = [
        episode_row("1", "01/05/2015", "01/09/2015", "X1"),
        episode_row("1", "01/08/2015", "01/12/2015", "E4A", rne="P", place="K2", provider="PR4"),  # overlaps the first
        episode_row("1", "01/08/2015", "01/12/2015", "E4A", rne="P", place="K2", provider="PR4"),  # exact duplicate
        episode_row("2", "01/06/2015", "01/04/2015", "X1"),  # ends before it starts
        episode_row("2", "01/10/2015", "", "", rne="P", place="U6", provider="PR4"),
    ]
    write_year(tmp_path, 2016, h, eps)
    data = read(tmp_path)
    r = rules(data)
    assert r["overlapping_episodes"] == 1 and r["exact_duplicate"] == 1 and r["end_before_start"] == 1
    one = data.episodes[data.episodes[S.CHILD_ID] == "1"]
    assert one[S.EPISODE_END].tolist() == [pd.Timestamp("2015-08-01"), pd.Timestamp("2015-12-01")]
    two = data.episodes[data.episodes[S.CHILD_ID] == "2"]
    assert two[S.EPISODE_END].iloc[0] == pd.Timestamp("2015-10-01")  # closed at the next start
    assert two[S.IS_ENTRY].tolist() == [True, False]


def test_child_attributes_conflicts_and_gaps(tmp_path):
    write_year(
        tmp_path,
        2016,
        [header_row("1", "01/01/2010"), header_row("3", "05/05/2016")],
        [episode_row("1", "01/02/2016"), episode_row("2", "01/03/2016"), episode_row("3", "01/03/2016")],
    )
    write_year(tmp_path, 2017, [header_row("1", "02/01/2010", sex="2")], [episode_row("1", "01/02/2016")])
    data = read(tmp_path)
    r = rules(data)
    assert r["conflicting_dob"] == 1 and r["child_without_header"] == 1 and r["dob_after_start"] == 1
    kids = data.children.set_index(S.CHILD_ID)
    assert kids.loc["1", S.DATE_OF_BIRTH] == pd.Timestamp("2010-01-02") and kids.loc["1", S.SEX] == "F"
    ep = data.episodes.set_index(S.CHILD_ID)
    assert pd.isna(ep.loc["2", S.DATE_OF_BIRTH]) and pd.isna(ep.loc["3", S.DATE_OF_BIRTH])
    # children without a usable date of birth still count in totals, with an unknown age
    st = suf.stock(data, ["2016-03-31"], by=(S.AGE,))
    assert st[S.CHILDREN].sum() == 3
    assert st.loc[st[S.AGE].isna(), S.CHILDREN].sum() == 2


def test_unknown_codes_are_flagged_or_raise_in_strict_mode(tmp_path):
    write_year(
        tmp_path,
        2016,
        [header_row("1", "01/01/2010")],
        [
            episode_row("1", "01/02/2016", place="Q9"),
            episode_row("1", "01/03/2016", place="K3", rne="P", provider="PR4"),
        ],
    )
    data = read(tmp_path)
    assert data.episodes[S.PLACEMENT].tolist() == ["unknown", "supported_accommodation"]
    r = rules(data)
    assert r["unknown_code"] == 1 and r["code_not_valid_that_year"] == 1  # K3 only from 2024-25
    with pytest.raises(suf.SchemaError, match=r"episodes.csv.*PLACE.*unknown_code"):
        suf.read_ssda903(tmp_path, strict=True)


def test_dates_outside_the_return_year(tmp_path):
    write_year(
        tmp_path,
        2016,
        [header_row("1", "01/01/2010"), header_row("2", "01/01/2010")],
        [episode_row("1", "01/02/2016", "05/05/2016", "E4A"), episode_row("2", "01/05/2016")],
    )
    data = read(tmp_path)
    assert data.episodes[S.CHILD_ID].tolist() == ["1"]
    assert pd.isna(data.episodes[S.EPISODE_END].iloc[0])  # a future end date is blanked
    q = data.quality
    assert q.loc[q["rule"] == "date_outside_return_year", "removed"].tolist() == [True, False]


def test_eighteenth_birthday_is_structural(tmp_path):
    write_year(
        tmp_path,
        2016,
        [header_row("1", "10/06/1997"), header_row("2", "10/06/1997")],
        [episode_row("1", "01/02/2015"), episode_row("2", "10/06/2015", "20/06/2015", "E8")],
    )
    data = read(tmp_path)
    one = data.episodes.iloc[0]
    assert one[S.EPISODE_END] == pd.Timestamp("2015-06-10") and one[S.IS_EXIT]
    assert data.episodes[S.CHILD_ID].tolist() == ["1"]
    assert rules(data)["starts_at_or_after_18"] == 1


def test_short_breaks_excluded_unless_asked(tmp_path):
    write_year(
        tmp_path,
        2016,
        [header_row("1", "01/01/2010"), header_row("2", "01/01/2010")],
        [episode_row("1", "01/02/2016", "03/02/2016", "E8", ls="V3"), episode_row("2", "01/02/2016")],
    )
    assert read(tmp_path).episodes[S.CHILD_ID].tolist() == ["2"]
    assert read(tmp_path, include_short_breaks=True).episodes[S.CHILD_ID].tolist() == ["1", "2"]


def test_temporary_placement_carries_the_category_forward(tmp_path):
    eps = [
        episode_row("1", "01/02/2015", "01/06/2015", "X1", place="U6", provider="PR4"),
        episode_row("1", "01/06/2015", "08/06/2015", "X1", place="T3", provider="", rne="P"),
        episode_row("1", "08/06/2015", "", "", place="U6", provider="PR4", rne="P"),
    ]
    write_year(tmp_path, 2016, [header_row("1", "01/01/2010")], eps)
    data = read(tmp_path)
    assert data.episodes[S.PLACEMENT].tolist() == ["agency_fostering"] * 3
    assert suf.flows(data, by=(S.PLACEMENT,)).moves.empty
    raw = read(tmp_path, carry_forward_temporary=False)
    assert raw.episodes[S.PLACEMENT].tolist() == ["agency_fostering", "temporary", "agency_fostering"]


# --------------------------------------------------------------------------- formats and layouts


def test_flat_folder_mapping_and_xlsx(tmp_path):
    h = pd.DataFrame([header_row("1", "01/01/2010")])
    e = pd.DataFrame([episode_row("1", "01/02/2016")])
    flat = tmp_path / "flat"
    flat.mkdir()
    h.to_csv(flat / "header_2016.csv", index=False)
    e.to_csv(flat / "ssda903_2015-16_episodes.csv", index=False)
    (flat / "notes.txt").write_text("not a return")
    assert len(read(flat).episodes) == 1
    xl = tmp_path / "xl"
    xl.mkdir()
    e.assign(DECOM=pd.Timestamp("2016-02-01")).to_excel(xl / "episodes.xlsx", index=False)
    h.to_excel(xl / "header.xlsx", index=False)
    data = read({2016: {"episodes": xl / "episodes.xlsx", "header": xl / "header.xlsx"}})
    assert data.episodes[S.EPISODE_START].tolist() == [pd.Timestamp("2016-02-01")]
    listed = read({2016: [flat / "header_2016.csv", flat / "ssda903_2015-16_episodes.csv"]})
    assert len(listed.episodes) == 1


def test_cp1252_text_and_two_digit_years(tmp_path):
    folder = write_year(
        tmp_path,
        2016,
        [header_row("1", "01/01/2010")],
        [episode_row("1", "01/02/16"), episode_row("1", "01/03/2016", rne="P")],
    )
    path = folder / "episodes.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["NOTE"] = "café £5"
    path.write_bytes(frame.to_csv(index=False).encode("cp1252"))
    data = read(tmp_path)
    assert data.episodes[S.EPISODE_START].tolist() == [pd.Timestamp("2016-03-01")]
    q = data.quality
    bad = q[q["rule"] == "invalid_date"]
    assert bad[["column", "row", "value"]].values.tolist() == [["DECOM", 2, "01/02/16"]]
    assert "encoding" in set(q["rule"])


@pytest.mark.parametrize(
    "content, rule",
    [
        (b"", "not_a_table"),
        (b"\x00\x01\x02PK\x03\x04 binary", "not_a_table"),
        (b"CHILD,DECOM,RNE,LS,PLACE,PLACE_PROVIDER,DEC\n1,01/02/2016,S,C2,U4,PR1,\n", "missing_column"),
        (b"CHILD,DECOM,DECOM,RNE,LS,PLACE,PLACE_PROVIDER,DEC,REC\n", "duplicate_column"),
    ],
)
def test_unusable_files_raise_schema_error_naming_file_and_rule(tmp_path, content, rule):
    folder = write_year(tmp_path, 2016, [header_row("1", "01/01/2010")], [])
    (folder / "episodes.csv").write_bytes(content)
    with pytest.raises(suf.SchemaError) as info:
        suf.read_ssda903(tmp_path)
    message = str(info.value)
    assert "episodes.csv" in message and rule in message
    assert isinstance(info.value, ValueError)
    if rule == "missing_column":
        assert info.value.column == "REC"


def test_no_episodes_at_all(tmp_path):
    write_year(tmp_path, 2016, [header_row("1", "01/01/2010")], [])
    with pytest.raises(suf.SchemaError, match="no_episodes"):
        suf.read_ssda903(tmp_path)
    (tmp_path / "2015-16" / "episodes.csv").unlink()
    with pytest.raises(suf.SchemaError, match="no_episodes"):
        suf.read_ssda903(tmp_path)
    with pytest.raises(suf.SchemaError, match="missing_source"):
        suf.read_ssda903(tmp_path / "nowhere")


def test_custom_mapping_and_coarse_groups(tmp_path):
    write_year(
        tmp_path, 2016, [header_row("1", "01/01/2010")], [episode_row("1", "01/02/2016", place="U4", provider="PR4")]
    )
    mapping = pd.DataFrame({"place": ["U4"], "category": ["fostering"]})
    data = read(tmp_path, mapping=mapping, coarse={"fostering": "fostering", "unknown": "other"})
    assert data.episodes[S.PLACEMENT].tolist() == ["fostering"]
    with pytest.raises(suf.SchemaError, match="coarse"):
        read(tmp_path, mapping=mapping)


def test_sex_codes_are_normalised(tmp_path):
    write_year(tmp_path, 2024, [header_row("1", "01/01/2010", sex="1")], [episode_row("1", "01/02/2024")])
    write_year(tmp_path, 2025, [header_row("1", "01/01/2010", sex="M")], [episode_row("1", "01/02/2024")])
    data = read(tmp_path)
    assert data.children[S.SEX].tolist() == ["M"]
    assert "conflicting_dob" not in rules(data)


def test_quality_report_columns(sample):
    assert tuple(sample.quality.columns) == S.QUALITY_COLUMNS
    assert set(sample.quality_summary().columns) >= {"rule", "n_rows", "n_files"}
    assert np.issubdtype(sample.quality["n_rows"].dtype, np.integer)


def test_null_tokens_time_suffix_and_social_worker_files(tmp_path):
    folder = write_year(
        tmp_path, 2016, [header_row("1", "01/01/2010")], [episode_row("1", "01/02/2016 00:00", "NULL", "NULL")]
    )
    (folder / "SWEpisodes.csv").write_text("CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\n1,01/01/2010,S1,01/02/2016,,\n")
    data = read(tmp_path)
    ep = data.episodes.iloc[0]
    assert ep[S.EPISODE_START] == pd.Timestamp("2016-02-01") and pd.isna(ep[S.EPISODE_END])
    r = rules(data)
    assert r["null_token"] == 2 and "invalid_date" not in r
    assert "SWEpisodes.csv" in set(
        data.quality.loc[data.quality["rule"] == "file_ignored", "file"].str.split("/").str[-1]
    )


def test_old_excel_files_are_named_not_skipped(tmp_path):
    folder = write_year(tmp_path, 2016, [header_row("1", "01/01/2010")], [episode_row("1", "01/02/2016")])
    (folder / "episodes.csv").unlink()
    (folder / "episodes.xls").write_bytes(b"\xd0\xcf\x11\xe0 old excel")
    with pytest.raises(suf.SchemaError, match="unsupported_format"):
        suf.read_ssda903(tmp_path)


# --------------------------------------------------------------------------- refusals and readings councils meet


def test_episodes_without_header_files_are_refused(tmp_path):
    folder = write_year(tmp_path, 2016, [header_row("1", "01/01/2010")], [episode_row("1", "01/02/2016")])
    (folder / "header.csv").unlink()
    with pytest.raises(suf.SchemaError) as info:
        suf.read_ssda903(tmp_path)
    assert info.value.rule == "no_header" and "date of birth" in str(info.value)


def test_a_year_whose_only_dates_of_birth_are_in_a_uasc_file_is_refused(tmp_path):
    # the UASC file covers unaccompanied children only: it does not stand in for a year's header
    write_year(tmp_path, 2016, [header_row("1", "01/01/2010")], [episode_row("1", "01/02/2016")])
    folder = write_year(tmp_path, 2017, [header_row("2", "01/01/2005")], [episode_row("2", "01/02/2017")])
    (folder / "header.csv").unlink()
    pd.DataFrame({"CHILD": ["2"], "SEX": ["1"], "DOB": ["01/01/2005"], "DUC": [""]}).to_csv(
        folder / "uasc.csv", index=False
    )
    with pytest.raises(suf.SchemaError) as info:
        suf.read_ssda903(tmp_path)
    message = str(info.value)
    assert info.value.rule == "no_header" and "2016-17" in message and "episodes.csv" in message
    assert "2015-16" not in message  # the year with its header is not named


def test_every_row_dropped_raises_naming_the_rule(tmp_path):
    write_year(
        tmp_path,
        2016,
        [header_row("1", "01/01/2010")],
        [episode_row("1", "31/02/2016"), episode_row("2", "not a date")],
    )
    with pytest.raises(suf.SchemaError) as info:
        suf.read_ssda903(tmp_path)
    assert info.value.rule == "no_usable_episodes"
    assert "invalid_date (DECOM): 2" in str(info.value)


def test_schema_error_names_file_row_column_and_rule(tmp_path):
    folder = write_year(tmp_path, 2016, [header_row("1", "01/01/2010")], [episode_row("1", "01/02/2016", place="Q9")])
    with pytest.raises(suf.SchemaError) as info:
        suf.read_ssda903(tmp_path, strict=True)
    err = info.value
    # the file as the caller's folder gives it, the line of the offending row (line 1 holds the column names)
    assert (err.file, err.row, err.column, err.rule) == (str(folder / "episodes.csv"), 2, "PLACE", "unknown_code")
    assert "\n" not in str(err) and str(err).startswith(f"{folder / 'episodes.csv'}, row 2, column PLACE: ")


def test_mapping_keys_may_be_spans_and_bad_keys_are_named(tmp_path):
    folder = write_year(tmp_path, 2017, [header_row("1", "01/01/2010")], [episode_row("1", "01/02/2017")])
    data = read({"2016-17": folder})
    assert data.years == (2017,)  # the return for 2016-17 ends on 31 March 2017
    with pytest.raises(suf.SchemaError, match="bad_year") as info:
        suf.read_ssda903({"last year": folder})
    assert "'last year'" in str(info.value)


@pytest.mark.parametrize("encoding, sep", [("utf-16", ","), ("utf-16", "\t"), ("utf-16-le", ","), ("utf-8", ";")])
def test_utf16_and_other_separators_read_like_utf8(tmp_path, encoding, sep):
    rows = [
        episode_row("1", "01/02/2016", "01/03/2016", "X1"),
        episode_row("1", "01/03/2016", place="K2", provider="PR4", rne="P"),
    ]
    plain = tmp_path / "plain"
    write_year(plain, 2016, [header_row("1", "01/01/2010")], rows)
    other = tmp_path / "other"
    folder = write_year(other, 2016, [header_row("1", "01/01/2010")], rows)
    text = (plain / "2015-16" / "episodes.csv").read_text(encoding="utf-8").replace(",", sep)
    (folder / "episodes.csv").write_bytes(text.encode(encoding))
    a, b = read(plain), read(other)
    cols = [S.CHILD_ID, S.EPISODE_START, S.EPISODE_END, S.PLACEMENT, S.SOURCE_ROW]
    pd.testing.assert_frame_equal(a.episodes[cols], b.episodes[cols])


def test_ragged_row_is_counted_and_the_rest_read(tmp_path):
    rows = [episode_row("1", "01/02/2016"), episode_row("2", "01/03/2016"), episode_row("3", "01/03/2016")]
    folder = write_year(tmp_path, 2016, [header_row(c, "01/01/2010") for c in "123"], rows)
    lines = (folder / "episodes.csv").read_text().splitlines()
    lines[2] += ",stray note"  # line 3 holds child 2
    lines[3] += ","  # a trailing empty field on child 3's line is harmless
    (folder / "episodes.csv").write_text("\n".join(lines) + "\n")
    data = read(tmp_path)
    assert data.episodes[S.CHILD_ID].tolist() == ["1", "3"]
    q = data.quality
    ragged = q[q["rule"] == "ragged_row"]
    assert ragged[["file", "row", S.CHILD_ID, "removed"]].values.tolist() == [
        [str(folder / "episodes.csv"), 3, "2", True]
    ]
    assert q.loc[q["rule"] == "trailing_empty_fields", "n_rows"].tolist() == [1]
    # three data lines: two kept, one removed and counted
    assert (
        len(data.episodes) + int(q.loc[q["removed"] & (q["file"] == str(folder / "episodes.csv")), "n_rows"].sum()) == 3
    )


def test_blank_lines_keep_the_row_numbers(tmp_path):
    folder = write_year(
        tmp_path,
        2016,
        [header_row("1", "01/01/2010")],
        [episode_row("1", "01/02/2016"), episode_row("1", "01/03/2016", rne="P", place="K2", provider="PR4")],
    )
    lines = (folder / "episodes.csv").read_text().splitlines()
    (folder / "episodes.csv").write_text("\n".join([lines[0], lines[1], "", lines[2]]) + "\n")
    data = read(tmp_path)
    assert data.episodes[S.SOURCE_ROW].tolist() == [2, 4]
    assert rules(data)["blank_row"] == 1
