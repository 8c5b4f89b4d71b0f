"""Stock and flows on a small hand-checked case and invariants on the sample.

Expected values in the hand-checked tests were worked out by hand from the
episodes in ``_episodes()`` (see the comments beside each assertion).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sufficiency as suf
from sufficiency import schema as S
from sufficiency.counts.flows import period_bounds


def _episodes() -> pd.DataFrame:
    rows = [
        # child, dob, start, end, placement, is_entry, is_exit, exit_reason
        ("A", "2010-06-15", "2020-01-10", "2020-03-01", "inhouse_fostering", True, False, ""),
        ("A", "2010-06-15", "2020-03-01", "2020-08-20", "external_residential", False, True, "returned_home"),
        ("B", "2005-02-10", "2020-02-01", None, "agency_fostering", True, False, ""),
        ("C", "2012-03-31", "2020-03-31", "2020-03-31", "kinship_fostering", True, True, "transferred"),
        ("D", "2008-01-01", "2019-12-01", "2020-02-15", "inhouse_fostering", True, False, ""),
        ("D", "2008-01-01", "2020-02-15", None, "inhouse_fostering", False, False, ""),
    ]
    frame = pd.DataFrame(
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
        frame[col] = pd.to_datetime(frame[col])
    return frame


def _cell(table: pd.DataFrame, **where: object) -> pd.Series:
    mask = np.ones(len(table), dtype=bool)
    for key, value in where.items():
        mask &= (table[key] == value).to_numpy()
    assert mask.sum() == 1, where
    return table[mask].iloc[0]


def test_stock_counts_at_end_of_day_with_age_at_the_date():
    st = suf.stock(_episodes(), ["2020-02-29", "2020-03-01", "2020-03-31"], by=(S.PLACEMENT, S.AGE))
    nonzero = st[st[S.CHILDREN] > 0]
    feb = nonzero[nonzero[S.DATE] == "2020-02-29"]
    # A in-house aged 9, D in-house aged 12, B agency aged 15 (birthday 10 Feb)
    assert set(zip(feb[S.PLACEMENT], feb[S.AGE], feb[S.CHILDREN])) == {
        ("inhouse_fostering", 9, 1),
        ("inhouse_fostering", 12, 1),
        ("agency_fostering", 15, 1),
    }
    mar1 = nonzero[nonzero[S.DATE] == "2020-03-01"]
    # A's move on 1 March counts in the new placement that day
    assert ("external_residential", 9, 1) in set(zip(mar1[S.PLACEMENT], mar1[S.AGE], mar1[S.CHILDREN]))
    # C in and out on 31 March is not in care at the end of that day
    mar31 = nonzero[nonzero[S.DATE] == "2020-03-31"]
    assert mar31[S.CHILDREN].sum() == 3


def test_stock_totals_and_age_bands():
    st = suf.stock(_episodes(), ["2020-06-15"], by=(S.AGE_BAND,))
    counts = dict(zip(st[S.AGE_BAND].astype(str), st[S.CHILDREN]))
    # A turns 10 on 15 June; B is 15, D is 12: all "10 to 15"; every band is listed
    assert counts == {"under 1": 0, "1 to 4": 0, "5 to 9": 0, "10 to 15": 3, "16 and over": 0}
    total = suf.stock(_episodes(), ["2020-06-15"], by=())
    assert total[S.CHILDREN].tolist() == [3]


def test_flows_hand_checked_by_placement():
    fl = suf.flows(_episodes(), start="2020-02-01", end="2020-08-31", freq="MS", by=(S.PLACEMENT,))
    t = fl.table
    feb = "2020-02-01"
    # entries: B on 1 Feb; D's change of episode within in-house fostering is not a move
    assert _cell(t, period_start=feb, placement="agency_fostering")[S.ENTRIES] == 1
    inh = _cell(t, period_start=feb, placement="inhouse_fostering")
    assert (inh[S.STOCK_START], inh[S.MOVES_OUT], inh[S.MOVES_IN], inh[S.STOCK_END]) == (2, 0, 0, 2)
    assert inh[S.EXPOSURE_DAYS] == 29 + 29  # A and D every day of February 2020
    assert _cell(t, period_start=feb, placement="agency_fostering")[S.EXPOSURE_DAYS] == 29
    mar = "2020-03-01"
    assert _cell(t, period_start=mar, placement="inhouse_fostering")[S.MOVES_OUT] == 1
    assert _cell(t, period_start=mar, placement="external_residential")[S.MOVES_IN] == 1
    kin = _cell(t, period_start=mar, placement="kinship_fostering")
    assert (kin[S.ENTRIES], kin[S.EXITS], kin[S.EXPOSURE_DAYS]) == (1, 1, 0)
    aug = _cell(t, period_start="2020-08-01", placement="external_residential")
    assert (aug[S.EXITS], aug[S.EXPOSURE_DAYS], aug[S.STOCK_END]) == (1, 19, 0)  # 1-19 August
    reasons = fl.exits.groupby(S.EXIT_REASON)[S.COUNT].sum().to_dict()
    assert reasons == {"returned_home": 1, "transferred": 1}
    moves = fl.moves
    assert moves[["from_placement", "to_placement", S.COUNT]].values.tolist() == [
        ["inhouse_fostering", "external_residential", 1]
    ]


def test_flows_hand_checked_ageing():
    fl = suf.flows(_episodes(), start="2020-02-01", end="2020-06-30", freq="MS", by=(S.PLACEMENT, S.AGE))
    t = fl.table
    # B enters at 14 on 1 Feb and turns 15 on 10 Feb
    b14 = _cell(t, period_start="2020-02-01", placement="agency_fostering", age=14)
    b15 = _cell(t, period_start="2020-02-01", placement="agency_fostering", age=15)
    assert (b14[S.ENTRIES], b14[S.AGED_OUT], b14[S.EXPOSURE_DAYS]) == (1, 1, 9)
    assert (b15[S.AGED_IN], b15[S.EXPOSURE_DAYS], b15[S.STOCK_END]) == (1, 20, 1)
    # A turns 10 on 15 June in residential
    a9 = _cell(t, period_start="2020-06-01", placement="external_residential", age=9)
    a10 = _cell(t, period_start="2020-06-01", placement="external_residential", age=10)
    assert (a9[S.AGED_OUT], a9[S.EXPOSURE_DAYS], a10[S.AGED_IN], a10[S.EXPOSURE_DAYS]) == (1, 14, 1, 16)


def _conserved(table: pd.DataFrame) -> pd.Series:
    return table[S.STOCK_END] - (
        table[S.STOCK_START]
        + table[S.ENTRIES]
        - table[S.EXITS]
        + table[S.MOVES_IN]
        - table[S.MOVES_OUT]
        + table[S.AGED_IN]
        - table[S.AGED_OUT]
    )


@pytest.mark.parametrize("by", [(S.PLACEMENT, S.AGE), (S.PLACEMENT_COARSE,), (S.AGE_BAND,), ()])
def test_conservation_every_period_and_state(sample, by):
    fl = suf.flows(sample, freq="MS", by=by)
    t = fl.table
    assert (_conserved(t) == 0).all()
    totals = t.groupby(S.PERIOD_START)[[S.MOVES_IN, S.MOVES_OUT, S.AGED_IN, S.AGED_OUT]].sum()
    assert (totals[S.MOVES_IN] == totals[S.MOVES_OUT]).all()
    assert (totals[S.AGED_IN] == totals[S.AGED_OUT]).all()
    # closing stock of one month is the opening stock of the next
    by_period = t.groupby(S.PERIOD_START)[[S.STOCK_START, S.STOCK_END]].sum()
    assert (by_period[S.STOCK_END].to_numpy()[:-1] == by_period[S.STOCK_START].to_numpy()[1:]).all()
    assert fl.exits[S.COUNT].sum() == t[S.EXITS].sum()
    assert fl.moves[S.COUNT].sum() == t[S.MOVES_IN].sum()


def test_flows_agree_with_stock(sample):
    fl = suf.flows(sample, start="2019-04-01", end="2020-03-31", freq="MS", by=(S.PLACEMENT, S.AGE))
    ends = pd.date_range("2019-04-30", "2020-03-31", freq="ME")
    st = suf.stock(sample, ends, by=(S.PLACEMENT, S.AGE))
    a = fl.table.groupby([S.PERIOD_END, S.PLACEMENT, S.AGE])[S.STOCK_END].sum()
    b = st.set_index([S.DATE, S.PLACEMENT, S.AGE])[S.CHILDREN]
    b.index = b.index.set_names([S.PERIOD_END, S.PLACEMENT, S.AGE])
    joined = pd.concat([a, b], axis=1).fillna(0)
    assert (joined.iloc[:, 0] == joined.iloc[:, 1]).all()
    # exposure of a month = sum of the daily stock over its days
    days = pd.date_range("2019-06-01", "2019-06-30")
    daily = suf.stock(sample, days, by=(S.PLACEMENT,)).groupby(S.PLACEMENT)[S.CHILDREN].sum()
    june = suf.flows(sample, start="2019-06-01", end="2019-06-30", freq="MS", by=(S.PLACEMENT,)).table
    assert june.set_index(S.PLACEMENT)[S.EXPOSURE_DAYS].sort_index().equals(daily.sort_index())


def test_inputs_not_mutated(sample):
    before = sample.episodes.copy()
    suf.stock(sample.episodes, ["2020-03-31"])
    suf.flows(sample.episodes, start="2020-01-01", end="2020-12-31")
    pd.testing.assert_frame_equal(before, sample.episodes)


def test_nobody_counted_at_18_or_over(sample):
    st = suf.stock(sample, pd.date_range("2016-03-31", "2025-03-31", freq="QE"), by=(S.AGE,))
    assert st.loc[st[S.CHILDREN] > 0, S.AGE].max() <= 17


def test_period_bounds_partial_periods():
    starts, ends = period_bounds(pd.Timestamp("2020-01-15"), pd.Timestamp("2020-03-10"), "MS")
    assert [d.strftime("%m-%d") for d in starts] == ["01-15", "02-01", "03-01"]
    assert [d.strftime("%m-%d") for d in ends] == ["01-31", "02-29", "03-10"]


def test_time_in_care_bands_hand_checked():
    # D entered on 1 Dec 2019: 3 months in care on 1 Mar 2020, a year on 1 Dec 2020
    st = suf.stock(_episodes(), ["2020-02-29", "2020-03-01", "2020-12-01"], by=(S.TIME_IN_CARE,))
    d = {(str(r.date.date()), str(r.time_in_care)): r.children for r in st.itertuples()}
    # 29 Feb: A (since 10 Jan), B (since 1 Feb) and D (since 1 Dec) all under 3 months
    assert d[("2020-02-29", "under 3 months")] == 3
    # 1 Mar: D has 3 months; A moved placement that day but its period began 10 Jan
    assert d[("2020-03-01", "3 to 11 months")] == 1 and d[("2020-03-01", "under 3 months")] == 2
    # 1 Dec: D reaches a year, B is in its 3-11 months
    assert d[("2020-12-01", "1 year")] == 1 and d[("2020-12-01", "3 to 11 months")] == 1
    fl = suf.flows(_episodes(), start="2020-02-01", end="2020-12-31", freq="MS", by=(S.PLACEMENT, S.TIME_IN_CARE)).table
    assert (_conserved(fl) == 0).all()
    # D's 3-month anniversary in March is not a move
    mar = fl[(fl[S.PERIOD_START] == "2020-03-01") & (fl[S.PLACEMENT] == "inhouse_fostering")]
    assert mar[S.MOVES_IN].sum() == 0 and mar[S.AGED_IN].sum() == 1


def test_time_in_care_conservation_on_sample(sample):
    fl = suf.flows(sample, freq="MS", by=(S.PLACEMENT_COARSE, S.TIME_IN_CARE))
    assert (_conserved(fl.table) == 0).all()
    plain = suf.flows(sample, freq="MS", by=(S.PLACEMENT_COARSE,)).table
    a = fl.table.groupby(S.PERIOD_START)[[S.ENTRIES, S.EXITS, S.EXPOSURE_DAYS, S.STOCK_END]].sum()
    b = plain.groupby(S.PERIOD_START)[[S.ENTRIES, S.EXITS, S.EXPOSURE_DAYS, S.STOCK_END]].sum()
    pd.testing.assert_frame_equal(a, b)


def test_dates_are_read_as_the_returns_write_them(sample):
    # 01/04/2022 is 1 April 2022, as in the returns; pandas alone reads it as 4 January
    assert suf.stock(sample, "01/04/2022").equals(suf.stock(sample, "2022-04-01"))
    a = suf.flows(sample, start="01/04/2021", end="31/03/2022", freq="MS")
    b = suf.flows(sample, start="2021-04-01", end="2022-03-31", freq="MS")
    assert a.table.equals(b.table)
    with pytest.raises(ValueError, match="date 'soon' is not a date"):
        suf.stock(sample, "soon")
    with pytest.raises(ValueError, match="start 'soon' is not a date"):
        suf.flows(sample, start="soon")
