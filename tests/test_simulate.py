"""The synthetic-county generator: determinism and calibration.

Ranges come from the calibration notes (England and Leicestershire, DfE
*Children looked after in England*): Leicestershire 472 children in care at
31 March 2015 and 726 at 31 March 2024; nationally 16+ starters rose from
12% (2011) to 29% (2024), fostering is 67-73% of the stock, and 14% of 2024
leavers had been in care under 8 weeks.
"""

from __future__ import annotations

import pandas as pd
import pytest

import sufficiency as suf
from sufficiency import schema as S


def test_same_seed_same_county_other_seed_differs():
    a = suf.simulate_county(seed=5).episodes
    b = suf.simulate_county(seed=5).episodes
    c = suf.simulate_county(seed=6).episodes
    pd.testing.assert_frame_equal(a, b)
    assert len(a) != len(c) or not a[S.EPISODE_START].equals(c[S.EPISODE_START])


@pytest.fixture(scope="module")
def big():
    return suf.simulate_county(seed=903)


def test_stock_grows_from_about_500_to_about_750(big):
    st = suf.stock(big.episodes, ["2016-03-31", "2025-03-31"], by=())[S.CHILDREN].tolist()
    assert 420 <= st[0] <= 600
    assert 620 <= st[1] <= 880
    assert st[1] > st[0] * 1.2


def test_placement_mix_and_entries_by_age(big):
    st = suf.stock(big.episodes, ["2024-03-31"], by=(S.PLACEMENT_COARSE,)).set_index(S.PLACEMENT_COARSE)[S.CHILDREN]
    share = st / st.sum()
    assert 0.6 <= share["fostering"] <= 0.85
    assert 0.05 <= share["residential"] <= 0.16
    assert 0.04 <= share["supported"] <= 0.2
    fl = suf.flows(big.episodes, start="2015-04-01", end="2025-03-31", freq="YS-APR", by=(S.AGE_BAND,)).table
    entries = fl.pivot_table(index=S.PERIOD_START, columns=S.AGE_BAND, values=S.ENTRIES, observed=True)
    share16 = entries["16 and over"] / entries.sum(axis=1)
    assert share16.iloc[-3:].mean() > share16.iloc[:3].mean() + 0.08


def test_behaviour_a_markov_model_does_not_assume(big):
    ep = big.episodes
    # UASC surge: more UASC starts in 2022-24 than in 2016-18
    starts = ep[ep[S.IS_ENTRY]]
    uasc = starts[starts[S.UASC]].groupby(starts[S.EPISODE_START].dt.year).size()
    assert uasc.loc[2022:2024].sum() > 2.5 * uasc.loc[2016:2018].sum()
    # sibling groups: several children entering on the same day
    same_day = starts.groupby(starts[S.EPISODE_START]).size()
    assert (same_day >= 3).sum() > 20
    # re-entries and exits at 18
    assert (ep.groupby(S.CHILD_ID)[S.PERIOD_OF_CARE].max() > 1).sum() > 50
    exits = ep[ep[S.IS_EXIT]]
    at18 = (exits[S.EPISODE_END] == suf.datasets.simulate.birthday(exits[S.DATE_OF_BIRTH].to_numpy(), 18)).mean()
    assert 0.15 <= at18 <= 0.5
    # many short stays and a long tail
    periods = ep.groupby([S.CHILD_ID, S.PERIOD_OF_CARE]).agg(start=(S.EPISODE_START, "min"), end=(S.EPISODE_END, "max"), done=(S.IS_EXIT, "any"))
    done = periods[periods["done"]]
    days = (done["end"] - done["start"]).dt.days
    assert (days < 56).mean() > 0.1
    assert (days > 5 * 365).mean() > 0.05


def test_pandemic_dip_in_entries():
    # a county four times the size, so the dip stands out from Poisson noise
    params = suf.datasets.CountyParameters(scale=4.0)
    ep = suf.simulate_county(seed=2, parameters=params).episodes
    fl = suf.flows(ep, start="2018-04-01", end="2021-03-31", freq="YS-APR", by=()).table
    entries = fl[S.ENTRIES].to_numpy()
    assert entries[2] < entries[1] and entries[2] < entries[0]


def test_episode_chains_are_consistent(big):
    ep = big.episodes.sort_values([S.CHILD_ID, S.EPISODE_START])
    same = ep[S.CHILD_ID].shift(-1) == ep[S.CHILD_ID]
    x1 = ep[S.REASON_CEASED] == "X1"
    assert (ep.loc[x1 & same, S.EPISODE_END].to_numpy() == ep[S.EPISODE_START].shift(-1)[x1 & same].to_numpy()).all()
    assert not (x1 & ~same).any()
    assert not ep.duplicated([S.CHILD_ID, S.EPISODE_START]).any()
    assert (ep[S.EPISODE_END].isna() | (ep[S.EPISODE_END] >= ep[S.EPISODE_START])).all()
