"""The command line and report."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from sufficiency.cli import main


def test_report_on_sample(tmp_path, capsys):
    assert main(["report", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Children looked after now" in out and "report.html" in out
    stock = pd.read_csv(tmp_path / "stock_31_march.csv")
    # Truth: the generator's own children, counted day by day before any return was written.
    truth = pd.read_csv(__import__("sufficiency").sample_path() / "truth_stock_31_march.csv")
    assert stock["total"].tolist() == truth.groupby("date")["children"].sum().tolist()
    for name in (
        "report.html",
        "report.xlsx",
        "forecast.svg",
        "flows_by_year.csv",
        "data_quality.csv",
        "forecast_by_year.csv",
        "spend_forecast.csv",
    ):
        assert (tmp_path / name).is_file()
    assert not (tmp_path / "episodes.csv").exists()


def test_bad_source_exits_2_with_message(tmp_path, capsys):
    (tmp_path / "2015-16").mkdir()
    (tmp_path / "2015-16" / "episodes.csv").write_text("CHILD,DECOM\n1,01/01/2016\n")
    assert main(["report", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "missing_column" in err and "episodes.csv" in err


def test_simulate_then_report(tmp_path):
    assert (
        main(
            [
                "simulate",
                "--out",
                str(tmp_path / "county"),
                "--seed",
                "4",
                "--first-year",
                "2020",
                "--last-year",
                "2022",
            ]
        )
        == 0
    )
    assert (tmp_path / "county" / "manifest.json").is_file()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "sufficiency",
            "report",
            str(tmp_path / "county" / "returns"),
            "--out",
            str(tmp_path / "r"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "Children looked after now" in run.stdout and "on 31 March 2022" in run.stdout
    settings = pd.read_csv(tmp_path / "r" / "assumptions.csv").set_index("setting")["value"]
    assert settings["returns"] == "2019-20 to 2021-22"


def test_any_library_error_is_one_line_and_non_zero(tmp_path, capsys):
    folder = tmp_path / "2015-16"
    folder.mkdir()
    (folder / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,PLACE,PLACE_PROVIDER,DEC,REC\n1,01/02/2016,S,C2,U4,PR1,,\n"
    )
    assert main(["report", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "no_header" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["plan", "x", "--months", "abc", "--out", "o"], "'abc' is not a whole number"),
        (["plan", "x", "--months", "0", "--out", "o"], "0 must be 1 or more"),
        (["evaluate", "x", "--start", "2022-03-31", "--placebos", "-2", "--out", "o"], "-2 must be 0 or more"),
        (["report", "--seed", "-1", "--out", "o"], "-1 must be 0 or more"),
        (["simulate", "--scale", "0", "--out", "o"], "0 must be a number above 0"),
        (["simulate", "--scale", "nan", "--out", "o"], "nan must be a number above 0"),
        (["report", "--horizon", "100000", "--out", "o"], "100000 months is longer than a projection runs (240"),
    ],
)
def test_bad_numbers_are_named_in_words(argv, message, capsys):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "_positive" not in err and "Traceback" not in err


def test_a_target_year_outside_the_forecast_is_refused_not_replaced(tmp_path, capsys):
    # the forecast of the sample runs from 2025-26; a target for 2099-00 used to be scored silently against 2027-28
    args = ["report", "--target", "2m", "--target-year", "2099-00", "--n-sims", "20", "--out", str(tmp_path), "--quiet"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "target year 2099-00 is outside the forecast (2025-26 to 2029-30)" in err and "Traceback" not in err


def test_simulate_refuses_years_in_the_wrong_order(tmp_path, capsys):
    assert main(["simulate", "--out", str(tmp_path), "--first-year", "2030", "--last-year", "2020"]) == 2
    err = capsys.readouterr().err
    assert "last_year 2020 is before first_year 2030" in err and "Traceback" not in err
