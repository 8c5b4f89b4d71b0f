"""The ledger: reading an outturn, reconciling it with the modelled spend, and anchoring prices to it."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest

import sufficiency as suf
from sufficiency import schema as S

COARSE = suf.categories().set_index("category")["coarse"]


@pytest.fixture(scope="module")
def prices(sample):
    fees = suf.read_placement_costs(suf.sample_path() / "placement_costs.csv", sample, warn=False)
    return suf.Prices(inflation=suf.default_inflation(), fees=fees)


@pytest.fixture(scope="module")
def history(sample, prices):
    return suf.spend_history(sample, prices)


@pytest.fixture(scope="module")
def outturn(history):
    """0.9 × the modelled fostering spend and 1.2 × the modelled residential spend of 2024-25."""
    last = history[history[S.FINANCIAL_YEAR] == "2024-25"]
    by_group = last.groupby(last[S.PLACEMENT].map(COARSE))[S.SPEND].sum()
    return pd.DataFrame(
        {
            "financial_year": ["2024-25", "2024-25"],
            "placement": ["fostering", "residential"],
            "spend": [0.9 * by_group["fostering"], 1.2 * by_group["residential"]],
        }
    )


def _by_group(frame: pd.DataFrame, year: str) -> pd.Series:
    rows = frame[frame[S.FINANCIAL_YEAR] == year]
    return rows.groupby(rows[S.PLACEMENT].map(COARSE))[S.SPEND].sum()


def test_reconcile_reproduces_the_ledger(history, outturn):
    table = suf.reconcile(history, outturn).set_index(S.PLACEMENT)
    assert table.loc["fostering", "ratio"] == pytest.approx(0.9, rel=0.005)
    assert table.loc["residential", "ratio"] == pytest.approx(1.2, rel=0.005)
    np.testing.assert_allclose(table["difference"], table["outturn"] - table["modelled"])
    # the years both cover: the outturn's one year
    assert list(table[S.FINANCIAL_YEAR]) == ["2024-25", "2024-25"]


def test_anchored_history_and_forecast_carry_the_ratios(sample, prices, history, outturn):
    anchored = suf.spend_history(sample, prices, anchor=outturn)
    ratio = _by_group(anchored, "2024-25") / _by_group(history, "2024-25")
    assert ratio["fostering"] == pytest.approx(0.9, rel=0.005)
    assert ratio["residential"] == pytest.approx(1.2, rel=0.005)
    assert ratio["supported"] == pytest.approx(1.0)  # a group the outturn does not name is unchanged
    # every year is scaled alike: an earlier year's fostering spend is 0.9 of the unanchored
    assert _by_group(anchored, "2021-22")["fostering"] == pytest.approx(
        0.9 * _by_group(history, "2021-22")["fostering"]
    )
    projection = suf.project(suf.fit(sample), horizon=24, n_sims=200, seed=1)
    plain, scaled = suf.cost(projection, prices), suf.cost(projection, prices, anchor=outturn)
    f = plain.financial_years.index("2025-26")
    groups = pd.Series(plain.categories).map(COARSE).to_numpy()
    for group, expected in (("fostering", 0.9), ("residential", 1.2), ("supported", 1.0)):
        cats = groups == group
        moved = scaled.draws[:, f, cats].sum() / plain.draws[:, f, cats].sum()
        assert moved == pytest.approx(expected, rel=0.015), group
    # the same through a Prices that holds the outturn, and through the gap's shortfall price
    held = dataclasses.replace(prices, anchor=outturn)
    np.testing.assert_allclose(suf.cost(projection, held).draws, scaled.draws)
    capacity = pd.DataFrame({"placement": ["external_residential"], "places": [0]})
    gap_plain = suf.sufficiency_gap(projection, capacity, unit_costs=prices)
    gap_scaled = suf.sufficiency_gap(projection, capacity, unit_costs=held)
    np.testing.assert_allclose(gap_scaled["shortfall_cost"], 1.2 * gap_plain["shortfall_cost"], rtol=0.005)


def test_anchoring_needs_the_returns(sample, outturn):
    projection = suf.project(suf.fit(sample), horizon=12, n_sims=10, seed=1)
    by_hand = dataclasses.replace(projection, model=None)
    with pytest.raises(ValueError, match="needs the returns"):
        suf.cost(by_hand, None, anchor=outturn)


def test_outturn_files_are_read_and_checked(tmp_path):
    path = tmp_path / "outturn.csv"
    path.write_text("financial_year,category,spend,budget\n2024-25,fostering,1000000,1100000\n2024-25,secure,5,\n")
    table = suf.read_outturn(path)
    assert table["placement"].tolist() == ["fostering", "secure"]
    assert table["budget"].iloc[0] == 1_100_000 and np.isnan(table["budget"].iloc[1])
    bad = {
        "2024-25,fostering,1\n2024-25,inhouse_fostering,2\n": ("overlapping_rows", 3, "both hold inhouse_fostering"),
        "2024-25,all,1\n2024-25,secure,2\n": ("overlapping_rows", 3, "both hold secure"),
        "2024-25,fostering,1\n2024-25,fostering,2\n": ("overlapping_rows", 3, "given twice"),
        "2024,fostering,1\nlast year,fostering,2\n": ("not_a_year", 3, "not a financial year"),
        "2024-25,fostring,1\n": ("unknown_category", 2, "fostring"),
        "2024-25,fostering,-5\n": ("out_of_range", 2, "below 0"),
    }
    for rows, (rule, line, words) in bad.items():
        path.write_text("financial_year,placement,spend\n" + rows)
        with pytest.raises(suf.SchemaError, match=words) as info:
            suf.read_outturn(path)
        assert (info.value.rule, info.value.row) == (rule, line)
    # the same group in different years is fine
    path.write_text("financial_year,placement,spend\n2023-24,fostering,1\n2024-25,fostering,2\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(suf.read_outturn(path)) == 2
