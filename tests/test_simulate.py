"""The synthetic-county generator: determinism and calibration.

Every range below is a published figure from ``docs/calibration.md`` (source
keys in brackets) with a tolerance for one county's random variation, stated
beside it. The figures are for Leicestershire where the county's size is
concerned and for England for shares.
"""

from __future__ import annotations

import pandas as pd
import pytest

import sufficiency as suf
from sufficiency import schema as S
from sufficiency.common.dates import birthday
from sufficiency.datasets import CountyParameters


def test_same_seed_same_county_other_seed_differs():
    a = suf.simulate_county(seed=5).episodes
    b = suf.simulate_county(seed=5).episodes
    c = suf.simulate_county(seed=6).episodes
    pd.testing.assert_frame_equal(a, b)
    assert len(a) != len(c) or not a[S.EPISODE_START].equals(c[S.EPISODE_START])


@pytest.fixture(scope="module")
def big():
    return suf.simulate_county(seed=903)


def test_stock_grows_like_leicestershire(big):
    # Leicestershire: 469 at 31 March 2016 [SFR16], 694 at 31 March 2025 [R25]; within 15%
    st = big.true_stock(["2016-03-31", "2025-03-31"], by=())[S.CHILDREN].tolist()
    assert abs(st[0] / 469 - 1) < 0.15, st
    assert abs(st[1] / 694 - 1) < 0.15, st
    # growth of 48% over the nine years; the county's within 15 points
    assert abs(st[1] / st[0] - 694 / 469) < 0.15, st


def test_placement_mix_and_entries_by_age(big):
    st = big.true_stock(["2024-03-31"], by=(S.PLACEMENT,)).set_index(S.PLACEMENT)[S.CHILDREN]
    coarse = st.groupby(st.index.map(suf.categories().set_index("category")["coarse"])).sum()
    share = coarse / coarse.sum()
    # fostering 67-73% of England's stock 2010-2025 [D24-char]; a small county within 8 points of that range
    assert 0.67 - 0.08 <= share["fostering"] <= 0.73 + 0.08, share
    # children's homes and secure 10-14% (England 2024, Leicestershire 2024-25) [D24-char], [D25-rds]; within 5 points
    assert 0.10 - 0.05 <= share["residential"] <= 0.14 + 0.05, share
    # supported accommodation 16% in Leicestershire 2024 [D25-rds]; within 8 points
    assert abs(share["supported"] - 0.16) <= 0.08, share
    # 16+ share of starts: 12% (2011) rising to 29% (2024) [SFR11-adm], [D24-start]; three-year means within 6 points
    fl = suf.flows(big.episodes, start="2015-04-01", end="2025-03-31", freq="YS-APR", by=(S.AGE_BAND,)).table
    entries = fl.pivot_table(index=S.PERIOD_START, columns=S.AGE_BAND, values=S.ENTRIES, observed=True)
    share16 = entries["16 and over"] / entries.sum(axis=1)
    assert abs(share16.iloc[:3].mean() - 0.15) < 0.06, share16  # England 2015-2017: 15-17% [SFR15-adm], [SFR17-adm]
    assert abs(share16.iloc[-3:].mean() - 0.29) < 0.06, share16


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
    exits = ep[ep[S.IS_EXIT] & (ep[S.EPISODE_END] >= "2020-04-01")]
    at18 = (exits[S.EPISODE_END] == birthday(exits[S.DATE_OF_BIRTH].to_numpy(), 18)).mean()
    # 39% of England's 2024 leavers left on their 18th birthday [D24-ceased]; the county's long stays end
    # before 18 more often (about 30% since 2020), so within 12 points
    assert abs(at18 - 0.39) < 0.12, at18
    # short stays and a long tail: of 2024 leavers 14% had been in care under 8 weeks, 14% five years or more
    # [D24-ceased]
    periods = ep.groupby([S.CHILD_ID, S.PERIOD_OF_CARE]).agg(
        start=(S.EPISODE_START, "min"), end=(S.EPISODE_END, "max"), done=(S.IS_EXIT, "any")
    )
    done = periods[periods["done"] & (periods["end"] >= "2020-04-01")]
    days = (done["end"] - done["start"]).dt.days
    assert abs((days < 56).mean() - 0.14) < 0.06, (days < 56).mean()
    assert abs((days >= 5 * 365).mean() - 0.14) < 0.07, (days >= 5 * 365).mean()


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


def test_stays_lengthen_year_after_year_when_asked():
    # the generator's own draws, twice with one seed: with stay_growth=0.05 a child entering t years after
    # 1 January 2015 stays exp(0.05 t) times as long as with 0 (children who leave before 18, home, not delayed)
    import numpy as np

    from sufficiency.datasets.journeys import first_entries
    from sufficiency.datasets.parameters import CountyParameters

    def draw(growth: float) -> pd.DataFrame:
        rng = np.random.default_rng(8)
        params = CountyParameters(first_year=2014, last_year=2025, stay_growth=growth)
        return first_entries(rng, params, pd.Timestamp("2013-04-01"), pd.Timestamp("2025-03-31"))

    flat, growing = draw(0.0), draw(0.05)
    assert (flat["entry"] == growing["entry"]).all()
    keep = (flat["route"] == "home") & (growing["route"] == "home") & ~flat["uasc"]
    keep &= growing["end"] < growing["dob"] + pd.DateOffset(years=18) - pd.Timedelta(days=400)
    years = (flat["entry"] - pd.Timestamp("2015-01-01")).dt.days / 365.25
    ratio = (growing["end"] - growing["entry"]).dt.days / (flat["end"] - flat["entry"]).dt.days
    long_enough = keep & ((flat["end"] - flat["entry"]).dt.days > 200)  # whole days round short stays
    assert long_enough.sum() > 200
    np.testing.assert_allclose(ratio[long_enough], np.exp(0.05 * years[long_enough]), rtol=0.01)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"first_year": 2030, "last_year": 2020}, "last_year 2020 is before first_year 2030"),
        ({"scale": 0.0}, "scale must be a positive number"),
        ({"scale": float("nan")}, "scale must be a positive number"),
        ({"entries_per_year": -5.0}, "entries_per_year must be a positive number"),
    ],
)
def test_county_parameters_refuse_settings_no_county_could_have(settings, message):
    with pytest.raises(ValueError, match=message):
        CountyParameters(**settings)


def test_true_stock_reads_dates_as_the_returns_write_them():
    county = suf.simulate_county(seed=2, parameters=CountyParameters(first_year=2020, last_year=2022, scale=0.2))
    assert county.true_stock("01/04/2021").equals(county.true_stock("2021-04-01"))


def test_simulate_county_names_a_seed_it_cannot_use():
    with pytest.raises(ValueError, match="seed must be a whole number, 0 or more"):
        suf.simulate_county(seed=-1)


def test_write_returns_names_a_missing_children_table_and_a_file_for_a_folder(tmp_path):
    county = suf.simulate_county(seed=2, parameters=CountyParameters(first_year=2020, last_year=2021, scale=0.2))
    with pytest.raises(TypeError, match="needs the children table"):
        suf.write_returns(county.episodes, None, tmp_path, first_year=2020, last_year=2021)
    file = tmp_path / "a.csv"
    file.write_text("x")
    with pytest.raises(ValueError, match="is a file: write the returns to a folder"):
        suf.write_returns(county.episodes, county.children, file, first_year=2020, last_year=2021)
