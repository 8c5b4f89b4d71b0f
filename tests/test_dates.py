"""Date parsing, ages and birthdays."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sufficiency.common.dates import (
    age_at,
    birthday,
    financial_year_label,
    parse_dates,
    times_of_day,
    year_ending_march,
)


def test_parse_accepts_council_formats_and_rejects_guesses():
    values = pd.Series(
        [
            "01/02/2016",
            "1/2/2016",
            "01-02-2016",
            "01.02.2016",
            "2016-02-01",
            "2016-02-01 00:00:00",
            "",
            "01/02/16",
            "31/02/2016",
            "02/30/2016",
            "nonsense",
        ]
    )
    dates, invalid = parse_dates(values)
    assert (dates[:6] == pd.Timestamp("2016-02-01")).all()
    assert pd.isna(dates[6]) and not invalid[6]  # blank is missing, not invalid
    assert invalid[7:].all() and dates[7:].isna().all()


def test_parse_reads_years_at_the_edges_and_drops_only_midnight_as_a_time():
    values = pd.Series(["01/01/1900", "31/12/2100", "31/12/1899", "01/01/2101", "29/02/2024", "29/02/2023", None])
    dates, invalid = parse_dates(values)
    assert dates[0] == pd.Timestamp("1900-01-01") and dates[1] == pd.Timestamp("2100-12-31")
    assert dates[4] == pd.Timestamp("2024-02-29")
    assert invalid.tolist() == [False, False, True, True, False, True, False]  # a missing value is not invalid
    timed = times_of_day(pd.Series(["2016-02-01 00:00", "2016-02-01T00:00:00.000", "2016-02-01 09:30", "01/02/2016"]))
    assert timed.tolist() == [False, False, True, False]


def test_age_changes_on_the_birthday_and_leap_day_births():
    dob = pd.to_datetime(pd.Series(["2010-06-15", "2010-06-15", "2008-02-29", "2008-02-29", "2008-02-29"]))
    when = pd.to_datetime(pd.Series(["2020-06-14", "2020-06-15", "2017-02-28", "2017-03-01", "2016-02-29"]))
    assert age_at(dob, when).tolist() == [9, 10, 8, 9, 8]
    assert np.isnan(age_at(pd.Series([pd.NaT]), pd.Series([pd.Timestamp("2020-01-01")])))[0]


def test_birthday_is_first_day_of_the_new_age():
    dob = pd.to_datetime(pd.Series(["2008-02-29", "2008-02-29", "2001-12-31"]))
    got = birthday(dob, np.array([18, 16, 18]))
    assert list(pd.DatetimeIndex(got).strftime("%Y-%m-%d")) == ["2026-03-01", "2024-02-29", "2019-12-31"]
    assert (age_at(dob, got) == np.array([18, 16, 18])).all()


def test_year_labels_name_the_year_ending_31_march():
    # DfE and councils write the year to 31 March 2011 as 2011, "2010-11", "2010/11" or "201011"
    for label in (2011, "2011", "2010-11", "2010/11", "2010_11", " 2010 - 11 ", "2010-2011", "201011", 2011.0):
        assert year_ending_march(label) == 2011, label
    assert year_ending_march("1999-00") == 2000
    for label in ("2010-12", "201012", "twenty", "", "11", 3.5, "2010-2012"):
        assert year_ending_march(label) is None, label
    assert financial_year_label(2025) == "2024-25" and financial_year_label(2000) == "1999-00"


def test_financial_year_days():
    from sufficiency.common.dates import financial_year_days

    # 2023-24 holds 29 February 2024; 2024-25 does not
    assert financial_year_days("2023-24") == 366 and financial_year_days(2025) == 365
    with pytest.raises(ValueError, match="not a financial year"):
        financial_year_days("last year")
