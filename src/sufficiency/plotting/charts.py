"""Charts of the library's results, drawn with matplotlib.

This is the only module that imports matplotlib, and it does so inside each
function, so ``import sufficiency`` never does. Every function takes the
library's result objects (or their frames), draws on ``ax`` (a new figure
when ``None``), returns the Axes (or an array of Axes for small multiples),
never calls ``show()``, and labels its axes with units and dates or
financial years. Placement categories have one colour each across every
chart (:data:`CATEGORY_COLOURS`: the Okabe-Ito and Tol colour-blind-safe
palettes, fostering in blues and greens, residential care in oranges and
reds, ordered so that neighbouring bands also differ in lightness when
printed in grey).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.ages import DFE_AGE_BANDS

if TYPE_CHECKING:
    from ..accuracy.backtest import BacktestResult
    from ..finance.costs import CostProjection
    from ..projection.result import Projection
    from ..rates.fitted import FittedModel
    from ..scenarios.scoring import ScenarioScores

#: One colour per placement category, for every chart.
CATEGORY_COLOURS: Mapping[str, str] = MappingProxyType(
    {
        "kinship_fostering": "#009E73",
        "inhouse_fostering": "#56B4E9",
        "agency_fostering": "#0072B2",
        "placed_for_adoption": "#F0E442",
        "placed_with_parents": "#DDCC77",
        "inhouse_residential": "#E69F00",
        "external_residential": "#D55E00",
        "secure": "#882255",
        "other_residential": "#CC79A7",
        "supported_accommodation": "#AA4499",
        "other": "#999999",
        "temporary": "#BBBBBB",
        "unknown": "#555555",
    }
)
#: Colours of the coarse groups and of the totals and baselines.
GROUP_COLOURS: Mapping[str, str] = MappingProxyType(
    {
        "fostering": "#0072B2",
        "residential": "#D55E00",
        "supported": "#AA4499",
        "other": "#999999",
        "total": "#000000",
        "uasc": "#CC79A7",
    }
)
_EXTRA = ("#332288", "#117733", "#44AA99", "#88CCEE", "#999933", "#661100", "#6699CC", "#AA4466")
#: Colours of the methods in accuracy charts.
METHOD_COLOURS: Mapping[str, str] = MappingProxyType(
    {"multistate": "#000000", "naive": "#E69F00", "drift": "#56B4E9", "ets": "#009E73"}
)


def category_colour(category: str) -> str:
    """The colour of a placement category (a fixed extra colour for categories of your own)."""
    if category in CATEGORY_COLOURS:
        return CATEGORY_COLOURS[category]
    if category in GROUP_COLOURS:
        return GROUP_COLOURS[category]
    return _EXTRA[sum(map(ord, category)) % len(_EXTRA)]


def _axes(ax: Any, figsize: tuple[float, float] = (8, 4.5)) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize, layout="constrained")[1]


def _money(ax: Any, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _: f"£{v / 1e6:,.1f}m" if abs(v) >= 1e5 or v == 0 else f"£{v:,.0f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _label(name: str) -> str:
    return str(name).replace("_", " ")


def _stack(ax: Any, wide: pd.DataFrame, *, colour: Any) -> None:
    """Stack the columns of ``wide`` (children by month end) that ever hold a child, labelled and coloured."""
    keep = [c for c in wide.columns if wide[c].max() > 0]
    colours = [colour(str(c)) for c in keep] if colour is not None else list(_EXTRA[: len(keep)])
    ax.stackplot(wide.index, wide[keep].T.to_numpy(), labels=[_label(c) for c in keep], colors=colours, linewidth=0)
    ax.set_xlabel("date (month ends)")
    ax.set_ylabel("children looked after [children]")
    ax.legend(loc="upper left", fontsize="x-small", ncol=2)


def _history(data: object, end: pd.Timestamp, by: Sequence[str] = ()) -> pd.DataFrame:
    from ..counts.pieces import episodes_of
    from ..counts.stock import stock

    episodes, coverage, _ = episodes_of(data)
    first = pd.Timestamp(coverage) if coverage is not None else episodes[S.EPISODE_START].min()
    return stock(data, pd.date_range(first, end, freq="ME"), by=by)


def fan(
    projection: Projection,
    *,
    data: object | None = None,
    group: str = "total",
    value: str = "total",
    level: Sequence[int] = (50, 80, 95),
    baselines: Mapping[str, pd.DataFrame] | None = None,
    ax: Any = None,
) -> Any:
    """Fan chart: the projection's median and central bands, with the history of children in care.

    Parameters
    ----------
    projection : Projection
    data : SSDA903Data, optional
        Draws the month-end history up to the projection's start.
    group, value : str
        The series: ``("total", "total")``, ``("placement", category)``,
        ``("age_band", band)`` or ``("stream", "uasc")``.
    level : sequence of int
        Bands to shade [%], widest lightest.
    baselines : mapping of str to pandas.DataFrame, optional
        ``{name: baseline_forecast(...)}`` drawn as dashed means.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        Collections ``band_<L>`` (one per level) and lines ``median``,
        ``history`` and ``baseline: <name>``, found by label.
    """
    ax = _axes(ax)
    frame = projection.summary_frame(level=tuple(level))
    series = frame[(frame["group"] == group) & (frame["value"] == value)]
    if series.empty:
        raise ValueError(f"no series {group}/{value} in the projection")
    colour = category_colour(value) if group == "placement" else GROUP_COLOURS.get(value, "#000000")
    for i, lv in enumerate(sorted(level, reverse=True)):
        ax.fill_between(
            series[S.DATE],
            series[f"lower_{lv}"],
            series[f"upper_{lv}"],
            color=colour,
            alpha=0.15 + 0.15 * i,
            linewidth=0,
            label=f"band_{lv}",
        )
    ax.plot(series[S.DATE], series["median"], color=colour, linewidth=2, label="median")
    if data is not None:
        by = (
            ()
            if group == "total"
            else ((S.PLACEMENT,) if group == "placement" else ((S.AGE_BAND,) if group == "age_band" else ()))
        )
        hist = _history(data, projection.dates[0], by)
        if by:
            hist = hist[hist[by[0]].astype(str) == value]
        ax.plot(hist[S.DATE], hist[S.CHILDREN], color="#000000", linewidth=1.2, label="history")
    for name, base in (baselines or {}).items():
        b = base[(base["group"] == group) & (base["value"] == value)]
        ax.plot(
            b[S.DATE],
            b["mean"],
            linestyle="--",
            linewidth=1,
            color=METHOD_COLOURS.get(name, "#666666"),
            label=f"baseline: {name}",
        )
    ax.axvline(projection.dates[0], color="#888888", linewidth=0.8, linestyle=":")
    ax.set_xlabel("date (month ends)")
    ax.set_ylabel("children looked after [children]")
    title = "All children looked after" if group == "total" else f"{_label(group)}: {_label(value)}"
    ax.set_title(title)
    handles, labels = ax.get_legend_handles_labels()
    nice = {f"band_{lv}": f"{lv}% interval" for lv in level}
    ax.legend(handles, [nice.get(lbl, lbl) for lbl in labels], loc="upper left", fontsize="small")
    return ax


def fans(
    projection: Projection,
    *,
    data: object | None = None,
    group: str = "placement",
    values: Sequence[str] | None = None,
    level: Sequence[int] = (50, 80, 95),
    ncols: int = 3,
    axes: Any = None,
) -> Any:
    """Small multiples of :func:`fan`: one panel per placement category (or age band, or stream).

    Parameters
    ----------
    projection : Projection
    data : SSDA903Data, optional
        Draws each panel's history.
    group : str
        ``"placement"``, ``"age_band"`` or ``"stream"``.
    values : sequence of str, optional
        The panels; default every value of ``group`` with children in the
        projection, in the projection's order.
    level : sequence of int
        Bands [%].
    ncols : int
        Panels per row when a figure is made.
    axes : sequence of matplotlib Axes, optional
        One per panel (no figure is made then).

    Returns
    -------
    numpy.ndarray of Axes
        One per panel, in order; unused panels of a new figure are hidden.
    """
    frame = projection.summary_frame(level=(80,))
    rows = frame[frame["group"] == group]
    if values is None:
        peak = rows.groupby("value", sort=False)["mean"].max()
        values = [v for v in peak.index if peak[v] > 0]
    values = list(values)
    if not values:
        raise ValueError(f"no series of group {group!r} in the projection")
    if axes is None:
        import matplotlib.pyplot as plt

        nrows = -(-len(values) // ncols)
        fig, grid = plt.subplots(
            nrows,
            min(ncols, len(values)),
            figsize=(3.6 * min(ncols, len(values)), 2.8 * nrows),
            squeeze=False,
            sharex=True,
            layout="constrained",
        )
        flat = grid.ravel()
        for extra in flat[len(values) :]:
            extra.set_visible(False)
        axes = flat[: len(values)]
    axes = np.asarray(axes).ravel()
    if len(axes) != len(values):
        raise ValueError(f"{len(values)} panels need {len(values)} axes; got {len(axes)}")
    from matplotlib.dates import YearLocator

    for i, (a, value) in enumerate(zip(axes, values)):
        fan(projection, data=data, group=group, value=value, level=level, ax=a)
        a.set_title(_label(value), fontsize="medium")
        a.set_xlabel("")
        a.set_ylabel("[children]")
        a.xaxis.set_major_locator(YearLocator(4))
        if i:
            a.get_legend().remove()
        else:
            for text in a.get_legend().get_texts():
                text.set_fontsize("x-small")
    return axes


def stock_history(data: object, *, by: str = S.PLACEMENT, ax: Any = None) -> Any:
    """Children in care at each month end, stacked by placement category (or coarse group, or age band).

    Parameters
    ----------
    data : SSDA903Data
    by : str
        ``"placement"``, ``"placement_coarse"`` or ``"age_band"``.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        One stacked band per value, labelled with it.
    """
    from ..counts.pieces import episodes_of

    ax = _axes(ax)
    episodes, _, censor = episodes_of(data)
    end = censor if censor is not None else episodes[S.EPISODE_START].max()
    hist = (
        _history(data, pd.Timestamp(end), (by,))
        .pivot_table(index=S.DATE, columns=by, values=S.CHILDREN, aggfunc="sum", observed=True, sort=False)
        .fillna(0)
    )
    _stack(ax, hist, colour=category_colour if by != S.AGE_BAND else None)
    ax.set_title(f"Children looked after by {_label(by).replace('placement coarse', 'kind of placement')}")
    return ax


def flows(data: object, *, ax: Any = None) -> Any:
    """Entries and exits by financial year (bars) and the stock at each 31 March (line).

    Parameters
    ----------
    data : SSDA903Data
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        Bar containers labelled ``entries`` and ``exits``; the stock is the
        line ``children at 31 March`` on a twin axis.
    """
    from ..common.dates import financial_year_label
    from ..counts.yearly import yearly_flows

    ax = _axes(ax)
    table = yearly_flows(data)
    labels = [financial_year_label(d.year + 1) for d in table[S.PERIOD_START]]
    x = np.arange(len(labels))
    ax.bar(x - 0.2, table["entries"], width=0.4, color="#0072B2", label="entries")
    ax.bar(x + 0.2, table["exits"], width=0.4, color="#E69F00", label="exits")
    ax.set_xticks(x, labels, rotation=45, ha="right")
    ax.set_xlabel("financial year (April to March)")
    ax.set_ylabel("children entering or leaving care [children]")
    twin = ax.twinx()
    twin.plot(x, table["stock_end"], color="#000000", marker="o", linewidth=1.5, label="children at 31 March")
    twin.set_ylabel("children at 31 March [children]")
    twin.set_ylim(0, None)
    ax.set_title("Entries, exits and children in care")
    bars, line = ax.get_legend_handles_labels(), twin.get_legend_handles_labels()
    ax.legend(bars[0] + line[0], bars[1] + line[1], fontsize="small", loc="lower left")
    return ax


def demand_by_category(projection: Projection, *, data: object | None = None, ax: Any = None) -> Any:
    """Stacked demand by placement category: history (when ``data`` is given) then the projection's mean.

    Parameters
    ----------
    projection : Projection
    data : SSDA903Data, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        One stacked band per category, labelled with it.
    """
    ax = _axes(ax)
    cats = list(projection.categories)
    mean = pd.DataFrame(projection.draws.sum(axis=3).mean(axis=0), index=projection.dates, columns=cats)
    if data is not None:
        hist = _history(data, projection.dates[0], (S.PLACEMENT,)).pivot_table(
            index=S.DATE, columns=S.PLACEMENT, values=S.CHILDREN, aggfunc="sum"
        )
        mean = pd.concat([hist.reindex(columns=cats, fill_value=0).iloc[:-1], mean])
    _stack(ax, mean, colour=category_colour)
    ax.axvline(projection.dates[0], color="#333333", linewidth=0.8, linestyle=":")
    ax.set_title("Demand by placement (history, then the projection's mean)")
    return ax


def demand_by_age(projection: Projection, *, ax: Any = None) -> Any:
    """Projected mean children by DfE age band, one line each.

    Parameters
    ----------
    projection : Projection
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    frame = projection.summary_frame(level=(80,))
    bands = frame[frame["group"] == "age_band"]
    for i, band in enumerate(DFE_AGE_BANDS):
        s = bands[bands["value"] == band]
        ax.plot(s[S.DATE], s["mean"], label=band, color=_EXTRA[i], linewidth=1.8)
    ax.set_xlabel("date (month ends)")
    ax.set_ylabel("children looked after [children]")
    ax.set_title("Projected children by age band (mean)")
    ax.legend(fontsize="small")
    return ax


def costs_by_year(costs: CostProjection, *, by: str = "placement", level: int = 80, ax: Any = None) -> Any:
    """Spend by financial year: stacked mean by category (or route), whiskers for the total's interval.

    Parameters
    ----------
    costs : CostProjection
    by : {"placement", "route"}
    level : int
        Interval of the whiskers [%].
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        Bars labelled with their category or route; the whiskers are the
        ``ErrorbarContainer`` labelled ``total <level>% interval``.
    """
    ax = _axes(ax)
    frame = costs.summary_frame(level=(level,))
    order = costs.categories if by == "placement" else costs.routes
    part = (
        frame[frame["group"] == by]
        .pivot(index="financial_year", columns="value", values="mean")
        .reindex(index=costs.financial_years, columns=order)
    )
    total = frame[frame["group"] == "total"].set_index("financial_year").reindex(costs.financial_years)
    x = np.arange(len(part))
    bottom = np.zeros(len(part))
    for name in part.columns:
        values = part[name].to_numpy()
        if not np.any(values > 0):
            continue
        ax.bar(x, values, bottom=bottom, color=category_colour(name), label=_label(name), width=0.7)
        bottom += values
    ax.errorbar(
        x,
        total["mean"],
        yerr=[total["mean"] - total[f"lower_{level}"], total[f"upper_{level}"] - total["mean"]],
        fmt="none",
        ecolor="#000000",
        capsize=4,
        label=f"total {level}% interval",
    )
    labels = [fy + ("" if ok else " (part)") for fy, ok in zip(total.index, total["complete"])]
    ax.set_xticks(x, labels)
    ax.set_xlabel("financial year (April to March)")
    ax.set_ylabel("spend [£]")
    _money(ax)
    ax.set_title(f"Spend on placements by {'placement' if by == 'placement' else 'purchasing route'}")
    ax.legend(fontsize="x-small", ncol=2, loc="upper left")
    return ax


def cost_pressure(costs: CostProjection, from_year: str, to_year: str, *, ax: Any = None) -> Any:
    """Waterfall of the change in spend between two financial years: volume, price and mix.

    Parameters
    ----------
    costs : CostProjection
    from_year, to_year : str
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        Five bars (the first year's spend, the three effects, the last
        year's spend), each labelled by its tick.
    """
    from ..finance.pressure import cost_pressure as split

    ax = _axes(ax)
    effects = split(costs, from_year, to_year).query("placement == 'all'").set_index("effect")["mean"]
    totals = pd.Series(costs.totals().mean(axis=0), index=costs.financial_years)
    start = totals[from_year]
    steps = [effects["volume"], effects["price"], effects["mix"]]
    bottoms = [0.0, start, start + steps[0], start + steps[0] + steps[1], 0.0]
    heights = [start, *steps, totals[to_year]]
    colours = ["#888888", "#0072B2", "#D55E00", "#CC79A7", "#444444"]
    x = np.arange(5)
    for i in range(5):
        h = heights[i]
        ax.bar(x[i], abs(h), bottom=bottoms[i] + min(h, 0) if 0 < i < 4 else 0.0, color=colours[i], width=0.6)
        ax.annotate(
            f"{'+' if 0 < i < 4 and h >= 0 else ''}£{h / 1e6:,.1f}m",
            (x[i], bottoms[i] + max(h, 0) if 0 < i < 4 else h),
            ha="center",
            va="bottom",
            fontsize="small",
        )
    ax.set_xticks(
        x,
        [
            f"spend {from_year}",
            "more children\n(volume)",
            "dearer prices\n(price)",
            "dearer placements\n(mix)",
            f"spend {to_year}",
        ],
    )
    ax.set_ylabel("spend [£]")
    _money(ax)
    ax.set_title(f"Why spend changes from {from_year} to {to_year} (mean of the paths)")
    return ax


def scenarios(scores: ScenarioScores, *, level: int = 80, cumulative: bool = False, ax: Any = None) -> Any:
    """Savings by financial year per scenario with bands, the target, and the chance of meeting it.

    Parameters
    ----------
    scores : ScenarioScores
    level : int
        Band [%].
    cumulative : bool
        Draw cumulative savings instead of each year's.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        One line per scenario labelled ``<name> (P(target) = p)`` when a
        target was set; the target a horizontal line labelled ``target``.
    """
    ax = _axes(ax)
    frame = scores.savings_frame(level=(level,))
    summary = scores.summary()
    prefix = "cumulative_" if cumulative else ""
    years = list(scores.baseline.financial_years)
    x = np.arange(len(years))
    for i, name in enumerate(scores.names):
        s = frame[frame["scenario"] == name].set_index("financial_year").reindex(years)
        colour = _EXTRA[i % len(_EXTRA)]
        label = name if scores.target is None else f"{name} (P(target) = {summary.loc[name, 'p_target']:.0%})"
        ax.fill_between(
            x, s[f"{prefix}lower_{level}"], s[f"{prefix}upper_{level}"], color=colour, alpha=0.15, linewidth=0
        )
        ax.plot(x, s[f"{prefix}mean"], color=colour, marker="o", label=label)
    if scores.target is not None and not cumulative:
        ax.axhline(scores.target, color="#000000", linestyle="--", linewidth=1, label="target")
        ax.axvline(years.index(scores.target_year), color="#888888", linestyle=":", linewidth=0.8)
    ax.axhline(0, color="#888888", linewidth=0.6)
    ax.set_xticks(x, years)
    ax.set_xlabel("financial year (April to March)")
    ax.set_ylabel(("cumulative " if cumulative else "") + "saving against the baseline, net of running costs [£]")
    _money(ax)
    ax.set_title(f"Savings by scenario (mean and {level}% band)")
    ax.legend(fontsize="x-small", loc="upper left")
    return ax


def sufficiency_gap(gap: pd.DataFrame, *, category: str | None = None, ax: Any = None) -> Any:
    """Demand against capacity over time, with the probability of a shortfall.

    Parameters
    ----------
    gap : pandas.DataFrame
        From :func:`sufficiency.sufficiency_gap`.
    category : str, optional
        One category (or group) to draw; default every one, as small
        multiples.
    ax : matplotlib Axes, optional
        Only with ``category``.

    Returns
    -------
    matplotlib Axes or numpy.ndarray of Axes
        Each panel: ``demand (mean)`` and its quantile band, ``places``
        as a step line, and on a twin axis ``P(shortfall)``.
    """
    names = list(dict.fromkeys(gap[S.PLACEMENT])) if category is None else [category]
    if category is None and ax is None and len(names) > 1:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(len(names), 1, figsize=(8, 2.8 * len(names)), sharex=True, layout="constrained")
        for a, name in zip(axes, names):
            sufficiency_gap(gap, category=name, ax=a)
        return axes
    ax = _axes(ax)
    g = gap[gap[S.PLACEMENT] == names[0]]
    quantile = next(c for c in g.columns if c.startswith("demand_") and c != "demand_mean")
    colour = category_colour(names[0])
    ax.fill_between(
        g["date"],
        g["demand_mean"],
        g[quantile],
        color=colour,
        alpha=0.25,
        linewidth=0,
        label=f"demand, mean to {quantile.split('_')[1]}% quantile",
    )
    ax.plot(g["date"], g["demand_mean"], color=colour, linewidth=2, label="demand (mean)")
    ax.step(g["date"], g["capacity"], where="post", color="#000000", linewidth=1.5, label="places")
    ax.set_ylabel("children / places")
    ax.set_title(f"{_label(names[0])}: demand against places")
    twin = ax.twinx()
    twin.plot(g["date"], g["p_shortfall"], color="#888888", linestyle=":", linewidth=1.2, label="P(shortfall)")
    twin.set_ylim(0, 1.05)
    twin.set_ylabel("P(shortfall)")
    lines = ax.get_legend_handles_labels()
    more = twin.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], fontsize="x-small", loc="upper left")
    ax.set_xlabel("date (month ends)")
    return ax


def backtest(result: BacktestResult | pd.DataFrame, *, level: int = 80, axes: Any = None) -> Any:
    """Accuracy by horizon: the error of the total for each method, and interval coverage against the nominal level.

    Parameters
    ----------
    result : BacktestResult or pandas.DataFrame
        A backtest, or a table indexed by (method, h) with ``mape_total``
        and ``coverage_<level>`` (as :meth:`BacktestResult.table` gives).
    level : int
        [%]
    axes : sequence of two matplotlib Axes, optional

    Returns
    -------
    numpy.ndarray of two Axes
        Left: one line per method labelled with it; right: coverage bars
        and the nominal level as a line labelled ``nominal``.
    """
    table = result if isinstance(result, pd.DataFrame) else result.table(horizons=sorted(result.scores["h"].unique()))
    if axes is None:
        import matplotlib.pyplot as plt

        axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")[1]
    left, right = axes
    methods = list(dict.fromkeys(table.index.get_level_values("method")))
    for m in methods:
        t = table.xs(m, level="method")
        left.plot(t.index, t["mape_total"], marker="o", color=METHOD_COLOURS.get(m, category_colour(m)), label=m)
    left.set_xlabel("months ahead")
    left.set_ylabel("mean absolute % error of the total [%]")
    left.set_title("Error by horizon")
    left.legend(fontsize="small")
    col = f"coverage_{level}"
    width = 0.8 / max(len(methods), 1)
    horizons = sorted(set(table.index.get_level_values("h")))
    for i, m in enumerate(methods):
        t = table.xs(m, level="method").reindex(horizons)
        right.bar(
            np.arange(len(horizons)) + i * width,
            t[col],
            width=width,
            color=METHOD_COLOURS.get(m, category_colour(m)),
            label=m,
        )
    right.axhline(level, color="#000000", linestyle="--", linewidth=1, label="nominal")
    right.set_xticks(np.arange(len(horizons)) + width * (len(methods) - 1) / 2, [str(h) for h in horizons])
    right.set_xlabel("months ahead")
    right.set_ylabel(f"outcomes inside the {level}% interval [%]")
    right.set_ylim(0, 100)
    right.set_title("Interval coverage")
    right.legend(fontsize="small")
    return np.asarray(axes)


def rates(fitted: FittedModel, *, to: str = "exit", ax: Any = None) -> Any:
    """Heat map of the fitted hazards by placement category and age [per child-year].

    Parameters
    ----------
    fitted : FittedModel
    to : str
        ``"exit"`` for leaving care, a category for moving to it, or
        ``"any"`` for leaving the category by any route.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        The image's array is the (category, age) rates, exposure-weighted
        over bands of time in care.
    """
    ax = _axes(ax, figsize=(9, 4.5))
    frame = fitted.rates_frame()
    if to != "any":
        frame = frame[frame["to"] == to]
    weighted = frame.assign(w=frame["rate"] * frame[S.EXPOSURE_DAYS])
    by = weighted.groupby([S.PLACEMENT, S.AGE, "to"], sort=False).agg(w=("w", "sum"), x=(S.EXPOSURE_DAYS, "sum"))
    rate = (by["w"] / by["x"].where(by["x"] > 0)).groupby(level=[0, 1]).sum(min_count=1)
    grid = rate.unstack(S.AGE).reindex(index=list(fitted.categories))
    image = ax.imshow(grid.to_numpy(dtype=float), aspect="auto", cmap="viridis")
    ax.set_yticks(np.arange(len(grid)), [_label(c) for c in grid.index])
    ax.set_xticks(np.arange(grid.shape[1]), [str(a) for a in grid.columns])
    ax.set_xlabel("age [years]")
    ax.set_ylabel("placement")
    ax.set_title(
        f"Hazard of {'leaving care' if to == 'exit' else ('moving or leaving' if to == 'any' else 'moving to ' + _label(to))} [per child-year]"
    )
    ax.figure.colorbar(image, ax=ax, label="[per child-year]")
    return ax
