"""Reorganised councils inherit their predecessors' history."""

from __future__ import annotations

import numpy as np
import pytest

import sufficiency as suf
from sufficiency.published.empirical import log_errors
from sufficiency.published.reorganisations import predecessor_weights, with_predecessors
from sufficiency.published.totals import _actual, point_forecasts

BCP, DORSET, OLD_DORSET, NORTH, WEST, NORTHANTS = (
    "E06000058",
    "E06000059",
    "E10000009",
    "E06000061",
    "E06000062",
    "E10000021",
)


@pytest.fixture(scope="module")
def table():
    return suf.load_published()


def test_weights(table):
    w = predecessor_weights(table).set_index(["successor_code", "predecessor_code"])["weight"]
    # a split predecessor is shared out completely
    assert w[(BCP, OLD_DORSET)] + w[(DORSET, OLD_DORSET)] == pytest.approx(1.0)
    assert w[(NORTH, NORTHANTS)] + w[(WEST, NORTHANTS)] == pytest.approx(1.0)
    # North Northamptonshire had 79,186 of the two councils' 171,236 children aged 0-17 in 2022 (DfE table)
    assert w[(NORTH, NORTHANTS)] == pytest.approx(79_186 / (79_186 + 92_050))
    # Christchurch: BCP's 2020 population less Bournemouth's and Poole's in 2019, a small part of old Dorset
    assert 0.05 < w[(BCP, OLD_DORSET)] < 0.15


def test_back_filled_history(table):
    filled = with_predecessors(table)
    published = filled[~filled["estimated"]].drop(columns="estimated").reset_index(drop=True)
    assert len(published) == len(table)
    north = filled[filled["la_code"] == NORTH].set_index("year")
    assert not north.loc[2022, "estimated"]
    assert north.loc[2011:2021, "estimated"].all()
    old = table[table["la_code"] == NORTHANTS].set_index("year")["cla_31_march"]
    west = filled[filled["la_code"] == WEST].set_index("year")["cla_31_march"]
    # the two halves add back up to the old county, year by year
    np.testing.assert_allclose(north.loc[2011:2021, "cla_31_march"] + west.loc[2011:2021], old.loc[2011:2021])


def test_forecasts_use_the_longer_history(table):
    long = suf.forecast_published(table, method="trend")
    short = suf.forecast_published(table, method="trend", reorganised=False)
    # with one published year the trend is flat; with the county's history it is not
    assert short.loc[short["la_code"] == NORTH, "mean"].nunique() == 1
    assert long.loc[long["la_code"] == NORTH, "mean"].nunique() == 3


def test_backtest_scores_only_published_figures(table):
    # the estimated history changes forecasts, never the set of outcomes scored
    a = suf.backtest_published(table, origins=range(2018, 2022), horizon=2, methods=("trend",))
    b = suf.backtest_published(table, origins=range(2018, 2022), horizon=2, methods=("trend",), reorganised=False)
    assert (a["forecasts"] == b["forecasts"]).all()
    # past errors that set interval widths are measured against published figures only
    rebuilt = with_predecessors(table)
    errors = log_errors(
        lambda o: point_forecasts(rebuilt, origin=o, horizon=1, method="naive"),
        _actual(rebuilt),
        origins=range(2012, 2022),
        keys=(),
    )
    assert len(errors) > 1000
    estimated = rebuilt.query("estimated")[["la_code", "year"]]
    assert errors.merge(estimated, on=["la_code", "year"]).empty
