"""Charts: what is drawn is the library's numbers, in the fixed colours, with units."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

import sufficiency as suf  # noqa: E402
from sufficiency import plotting as P  # noqa: E402


@pytest.fixture(scope="module")
def results(sample):
    fitted = suf.fit(sample)
    projection = suf.project(fitted, horizon=36, n_sims=200, seed=2)
    costs = suf.cost(projection, suf.default_unit_costs(), inflation=suf.default_inflation())
    return fitted, projection, costs


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def line(ax, label):
    return next(li for li in ax.get_lines() if li.get_label() == label)


def test_fan_draws_the_median_and_nested_bands(sample, results):
    _, projection, _ = results
    ax = P.fan(projection, data=sample, level=(50, 80, 95))
    total = projection.summary_frame(level=(50, 80, 95)).query("group == 'total'")
    np.testing.assert_allclose(line(ax, "median").get_ydata(), total["median"])
    bands = {c.get_label(): c.get_paths()[0].vertices[:, 1] for c in ax.collections}
    # each band's polygon spans exactly its interval, and wider levels hold the narrower
    for lv in (50, 80, 95):
        assert bands[f"band_{lv}"].min() == pytest.approx(total[f"lower_{lv}"].min()) and bands[
            f"band_{lv}"
        ].max() == pytest.approx(total[f"upper_{lv}"].max())
    assert bands["band_95"].max() >= bands["band_80"].max() >= bands["band_50"].max()
    history = line(ax, "history")
    assert history.get_ydata()[-1] == suf.stock(sample, [sample.censor_date], by=())["children"].iloc[0]
    assert "[children]" in ax.get_ylabel() and "date" in ax.get_xlabel()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "80% interval" in legend and "median" in legend


def test_demand_stack_tops_out_at_the_mean_total(results):
    _, projection, _ = results
    ax = P.demand_by_category(projection)
    mean = projection.draws.sum(axis=3).mean(axis=0)  # (date, category)
    assert len(ax.collections) == int((mean.max(axis=0) > 0).sum())  # one band per category with children
    highest = max(c.get_paths()[0].vertices[:, 1].max() for c in ax.collections)
    assert highest == pytest.approx(projection.totals().mean(axis=0).max())
    colours = {c.get_label(): to_hex(c.get_facecolor()[0]) for c in ax.collections}
    assert colours["external residential"] == P.CATEGORY_COLOURS["external_residential"].lower()


def test_costs_bars_and_whiskers_are_the_cost_summary(results):
    _, _, costs = results
    ax = P.costs_by_year(costs, level=80)
    frame = costs.summary_frame(level=(80,))
    residential = frame.query("group == 'placement' and value == 'external_residential'")["mean"].to_numpy()
    container = next(c for c in ax.containers if getattr(c, "get_label", lambda: "")() == "external residential")
    np.testing.assert_allclose([b.get_height() for b in container], residential)
    whiskers = next(c for c in ax.containers if c.get_label() == "total 80% interval")
    segments = whiskers.lines[2][0].get_segments()
    total = frame.query("group == 'total'")
    np.testing.assert_allclose([s[:, 1].min() for s in segments], total["lower_80"])
    np.testing.assert_allclose([s[:, 1].max() for s in segments], total["upper_80"])
    assert to_hex(container[0].get_facecolor()) == P.CATEGORY_COLOURS["external_residential"].lower()
    assert "[£]" in ax.get_ylabel() and "financial year" in ax.get_xlabel()


def test_waterfall_steps_are_the_pressure_split(results):
    _, _, costs = results
    ax = P.cost_pressure(costs, "2025-26", "2027-28")
    split = suf.cost_pressure(costs, "2025-26", "2027-28").query("placement == 'all'").set_index("effect")["mean"]
    heights = [p.get_height() for p in ax.patches]
    totals = pd.Series(costs.totals().mean(axis=0), index=costs.financial_years)
    np.testing.assert_allclose(
        heights,
        [totals["2025-26"], abs(split["volume"]), abs(split["price"]), abs(split["mix"]), totals["2027-28"]],
        atol=1e-6,  # the budget view's mix is zero here (route shares are fixed) up to rounding
    )
    assert totals["2025-26"] + split["volume"] + split["price"] + split["mix"] == pytest.approx(totals["2027-28"])


def test_scenario_lines_target_and_chances(sample):
    fitted = suf.fit(sample)
    scenarios = suf.read_scenarios(suf.sample_path() / "scenarios.json")[:2]
    scores = suf.score(
        fitted,
        scenarios,
        unit_costs=suf.default_unit_costs(),
        horizon=36,
        n_sims=100,
        seed=1,
        target=500_000,
        target_year="2026-27",
    )
    ax = P.scenarios(scores)
    summary = scores.summary()
    frame = scores.savings_frame()
    for s in scenarios:
        label = f"{s.name} (P(target) = {summary.loc[s.name, 'p_target']:.0%})"
        np.testing.assert_allclose(line(ax, label).get_ydata(), frame[frame["scenario"] == s.name]["mean"])
    assert line(ax, "target").get_ydata()[0] == 500_000


def test_gap_panels_show_places_and_shortfall_chance(results):
    _, projection, _ = results
    capacity = pd.DataFrame({"category": ["inhouse_fostering", "fostering"], "places": [240, 600]})
    gap = suf.sufficiency_gap(projection, capacity)
    axes = P.sufficiency_gap(gap)
    assert len(axes) == 2
    g = gap[gap["placement"] == "inhouse_fostering"]
    np.testing.assert_allclose(line(axes[0], "places").get_ydata(), g["capacity"])
    np.testing.assert_allclose(line(axes[0], "demand (mean)").get_ydata(), g["demand_mean"])
    twin = [
        a
        for a in axes[0].figure.axes
        if a is not axes[0] and a.get_shared_x_axes().joined(a, axes[0]) and a.get_ylabel() == "P(shortfall)"
    ][0]
    np.testing.assert_allclose(line(twin, "P(shortfall)").get_ydata(), g["p_shortfall"])


def test_backtest_chart_is_the_table():
    table = pd.DataFrame(
        {"mape_total": [4.0, 7.0, 5.0, 8.5], "coverage_80": [82.0, 78.0, 60.0, 55.0]},
        index=pd.MultiIndex.from_tuples(
            [("multistate", 12), ("multistate", 24), ("naive", 12), ("naive", 24)], names=["method", "h"]
        ),
    )
    left, right = P.backtest(table)
    np.testing.assert_allclose(line(left, "naive").get_ydata(), [5.0, 8.5])
    bars = next(c for c in right.containers if c.get_label() == "multistate")
    assert [b.get_height() for b in bars] == [82.0, 78.0]
    assert line(right, "nominal").get_ydata()[0] == 80


def test_rates_heat_map_is_the_exposure_weighted_exit_hazard(results):
    fitted, _, _ = results
    ax = P.rates(fitted, to="exit")
    image = ax.get_images()[0].get_array()
    frame = fitted.rates_frame().query("to == 'exit'")
    # by hand: external residential at 15, rates weighted by each band of time in care's exposure
    cell = frame[(frame["placement"] == "external_residential") & (frame["age"] == 15)]
    expected = (cell["rate"] * cell["exposure_days"]).sum() / cell["exposure_days"].sum()
    assert image[fitted.categories.index("external_residential"), 15] == pytest.approx(expected)


def test_one_colour_per_category_everywhere():
    assert len(set(P.CATEGORY_COLOURS.values())) == len(P.CATEGORY_COLOURS)
    assert set(suf.categories()["category"]) <= set(P.CATEGORY_COLOURS)
    assert P.category_colour("my_own_category") == P.category_colour("my_own_category")


def test_fans_are_one_fan_per_category_in_order(sample, results):
    _, projection, _ = results
    axes = P.fans(projection, data=sample)
    summary = projection.summary_frame(level=(50, 80, 95)).query("group == 'placement'")
    peak = summary.groupby("value", sort=False)["mean"].max()
    expected = [c for c in projection.categories if peak[c] > 0]
    assert [a.get_title() for a in axes] == [c.replace("_", " ") for c in expected]
    for a, category in zip(axes, expected):
        want = summary[summary["value"] == category]["median"].to_numpy()
        np.testing.assert_allclose(line(a, "median").get_ydata(), want)
    # given axes: drawn on them, no new figure
    fig, given = plt.subplots(1, 2)
    out = P.fans(projection, values=["agency_fostering", "external_residential"], axes=given)
    assert list(out) == list(given) and len(plt.get_fignums()) == 2
    with pytest.raises(ValueError, match="2 panels need 2 axes"):
        P.fans(projection, values=["agency_fostering", "secure"], axes=given[:1])


def test_stock_history_tops_are_the_generators_march_counts(sample):
    import matplotlib.dates as mdates

    ax = P.stock_history(sample)
    # The top band's upper edge is the stacked total at each month end.
    upper: dict = {}
    for x, y in ax.collections[-1].get_paths()[0].vertices:
        day = mdates.num2date(x).date()
        upper[day] = max(upper.get(day, 0.0), y)
    # Truth: children in care at 31 March counted from the generator's own children before the returns were written.
    truth = pd.read_csv(suf.sample_path() / "truth_stock_31_march.csv").groupby("date")["children"].sum()
    drawn = {d: c for d, c in truth.items() if pd.Timestamp(d).date() in upper}
    assert len(drawn) >= len(truth) - 1  # the history starts a month after the first 31 March
    for date, children in drawn.items():
        assert upper[pd.Timestamp(date).date()] == pytest.approx(children)
    assert ax.get_ylabel() == "children looked after [children]"


def test_flows_bars_and_line_are_the_yearly_flows(sample):
    ax = P.flows(sample)
    from sufficiency.counts.yearly import yearly_flows

    table = yearly_flows(sample)
    entries = [b.get_height() for b in ax.containers[0]]
    exits = [b.get_height() for b in ax.containers[1]]
    assert entries == table["entries"].tolist() and exits == table["exits"].tolist()
    stock_line = ax.figure.axes[-1].get_lines()[0]
    # Truth for the stock at each 31 March: the generator's own children.
    truth = pd.read_csv(suf.sample_path() / "truth_stock_31_march.csv").groupby("date")["children"].sum()
    np.testing.assert_array_equal(stock_line.get_ydata(), truth.iloc[1:].to_numpy())
    assert [t.get_text() for t in ax.get_xticklabels()][0] == "2015-16"


def test_every_chart_takes_ax_and_passes_kwargs_on(sample, results):
    """Matplotlib's conventions: draw on the axes given, return them, pass keyword arguments to the drawing call."""
    fitted, projection, costs = results
    gap = suf.sufficiency_gap(projection, pd.DataFrame({"category": ["inhouse_fostering"], "places": [240]}))
    table = pd.DataFrame(
        {"mape_total": [4.0, 7.0], "coverage_80": [82.0, 78.0]},
        index=pd.MultiIndex.from_tuples([("multistate", 12), ("multistate", 24)], names=["method", "h"]),
    )
    running = suf.Scenario("running", (suf.implementation_cost(one_off=1, start="2025-07-01"),))
    scores = suf.score(fitted, [running], unit_costs=None, horizon=24, n_sims=20, seed=1)
    single = {
        "fan": lambda ax: P.fan(projection, ax=ax, alpha=0.5),
        "stock_history": lambda ax: P.stock_history(sample, ax=ax, alpha=0.5),
        "flows": lambda ax: P.flows(sample, ax=ax, alpha=0.5),
        "demand_by_category": lambda ax: P.demand_by_category(projection, ax=ax, alpha=0.5),
        "demand_by_age": lambda ax: P.demand_by_age(projection, ax=ax, alpha=0.5),
        "rates": lambda ax: P.rates(fitted, ax=ax, alpha=0.5),
        "costs_by_year": lambda ax: P.costs_by_year(costs, ax=ax, alpha=0.5),
        "cost_pressure": lambda ax: P.cost_pressure(costs, "2025-26", "2027-28", ax=ax, alpha=0.5),
        "scenarios": lambda ax: P.scenarios(scores, ax=ax, alpha=0.5),
        "sufficiency_gap": lambda ax: P.sufficiency_gap(gap, ax=ax, alpha=0.5),
    }
    for name, draw in single.items():
        fig, ax = plt.subplots()
        assert draw(ax) is ax, name
        artists = [*ax.get_lines(), *ax.patches, *ax.collections, *ax.images]
        assert any(a.get_alpha() == 0.5 for a in artists), name
        plt.close(fig)
    # charts of several panels take a sequence of axes as ax
    fig, given = plt.subplots(1, 2)
    out = P.fans(projection, values=["agency_fostering", "external_residential"], ax=given, alpha=0.5)
    assert list(out) == list(given) and line(given[0], "median").get_alpha() == 0.5
    left, right = P.backtest(table, ax=plt.subplots(1, 2)[1], alpha=0.5)
    assert line(left, "multistate").get_alpha() == 0.5
    # a gap of several categories on one axes is refused rather than drawn in part
    several = suf.sufficiency_gap(
        projection, pd.DataFrame({"category": ["inhouse_fostering", "fostering"], "places": [1, 2]})
    )
    with pytest.raises(ValueError, match="give category="):
        P.sufficiency_gap(several, ax=plt.subplots()[1])


def test_small_placements_merge_into_one_band_when_asked(results):
    _, projection, _ = results
    mean = projection.draws.sum(axis=3).mean(axis=0)
    small = [c for i, c in enumerate(projection.categories) if 0 < mean[:, i].max() < 10]
    assert len(small) > 1  # the sample has several placements of a few children (secure homes, say)
    ax = P.demand_by_category(projection, merge_below=10)
    labels = [c.get_label() for c in ax.collections]
    assert "fewer than 10 each" in labels and not {P.style.readable(c) for c in small} & set(labels)
    # nothing else is merged: every larger placement keeps its band
    large = [c for i, c in enumerate(projection.categories) if mean[:, i].max() >= 10]
    assert {P.style.readable(c) for c in large} <= set(labels)


def test_merge_small_merges_two_or_more_and_leaves_a_lone_one_out():
    wide = pd.DataFrame({"big": [20, 30], "tiny": [1, 2], "few": [3, 0], "none": [0, 0]})
    merged, note = P.style.merge_small(wide, 5, what="placement")
    # by hand: tiny + few = 4 and 2; a series that never has a child is not a small count and stays as it is
    assert list(merged.columns) == ["big", "none", "fewer than 5 each"] and note == ""
    assert merged["fewer than 5 each"].tolist() == [4, 2]
    alone, note = P.style.merge_small(wide.drop(columns="few"), 5, what="placement")
    assert list(alone.columns) == ["big", "none"] and note == "a placement of fewer than 5 children is not drawn"
    assert P.style.merge_small(wide, None, what="placement") == (wide, "")


def test_age_bands_merge_and_flows_hide_small_counts_when_asked(sample, results):
    _, projection, _ = results
    bands = projection.summary_frame(level=(80,)).query("group == 'age_band'").groupby("value")["mean"].max()
    cut = float(bands.sort_values().iloc[1]) + 1  # the two smallest bands are under it, the others are not
    small = set(bands[bands < cut].index)
    ax = P.demand_by_age(projection, merge_below=cut)
    labels = {li.get_label() for li in ax.get_lines()}
    assert f"fewer than {cut} each" in labels and not small & labels and set(bands.index) - small <= labels

    from sufficiency.counts.yearly import yearly_flows

    table = yearly_flows(sample)
    below = 200  # the sample's early years have fewer than 200 entries and exits
    ax = P.flows(sample, suppress_below=below)
    entries = np.array([b.get_height() for b in ax.containers[0]])
    hidden = (table["entries"] < below).to_numpy()
    assert hidden.any() and np.isnan(entries[hidden]).all()
    assert entries[~hidden].tolist() == table["entries"][~hidden].tolist()
    assert f"fewer than {below} not drawn" in ax.get_title()
