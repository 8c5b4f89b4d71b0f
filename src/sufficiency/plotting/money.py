"""Charts of pounds and places: spend by year, why it changes, scenarios against a target, the sufficiency gap."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.money import pounds
from ..finance.costs import CostProjection
from ..finance.pressure import cost_pressure as split
from ..scenarios.scores import ScenarioScores
from .style import EXTRA_COLOURS, category_colour, money_axis, new_axes, readable

__all__ = ["cost_pressure", "costs_by_year", "scenarios", "sufficiency_gap"]


def costs_by_year(
    costs: CostProjection, *, by: str = "placement", level: int = 80, ax: Any = None, **kwargs: Any
) -> Any:
    """Spend by financial year: stacked mean by category (or route), whiskers for the total's interval.

    Parameters
    ----------
    costs : CostProjection
    by : {"placement", "route"}
    level : int
        Interval of the whiskers [%].
    ax : matplotlib Axes, optional

    **kwargs
        Passed to the matplotlib call that draws the bars (they override its
        defaults).

    Returns
    -------
    matplotlib Axes
        Bars labelled with their category or route; the whiskers are the
        ``ErrorbarContainer`` labelled ``total <level>% interval``.
    """
    ax = new_axes(ax)
    frame = costs.summary_frame(level=(level,))
    order = costs.categories if by == "placement" else costs.routes
    part = (
        frame[frame["group"] == by]
        .pivot(index=S.FINANCIAL_YEAR, columns="value", values="mean")
        .reindex(index=costs.financial_years, columns=order)
    )
    total = frame[frame["group"] == "total"].set_index(S.FINANCIAL_YEAR).reindex(costs.financial_years)
    x = np.arange(len(part))
    bottom = np.zeros(len(part))
    for name in part.columns:
        values = part[name].to_numpy()
        if not np.any(values > 0):
            continue
        ax.bar(
            x,
            values,
            bottom=bottom,
            **{"color": category_colour(name), "label": readable(name), "width": 0.7, **kwargs},
        )
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
    money_axis(ax)
    ax.set_title(f"Spend on placements by {'placement' if by == 'placement' else 'purchasing route'}")
    ax.legend(fontsize="x-small", ncol=2, loc="upper left")
    return ax


def cost_pressure(costs: CostProjection, from_year: str, to_year: str, *, ax: Any = None, **kwargs: Any) -> Any:
    """Waterfall of the change in spend between two financial years: volume, price and mix.

    Parameters
    ----------
    costs : CostProjection
    from_year, to_year : str
    ax : matplotlib Axes, optional

    **kwargs
        Passed to the matplotlib call that draws the bars (they override its
        defaults).

    Returns
    -------
    matplotlib Axes
        Five bars (the first year's spend, the three effects, the last
        year's spend), each labelled by its tick.
    """
    ax = new_axes(ax)
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
        bottom = bottoms[i] + min(h, 0) if 0 < i < 4 else 0.0
        ax.bar(x[i], abs(h), bottom=bottom, **{"color": colours[i], "width": 0.6, **kwargs})
        ax.annotate(
            f"{'+' if 0 < i < 4 and h >= 0 else ''}{pounds(h)}",
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
    tops = [bottoms[i] + max(heights[i], 0) if 0 < i < 4 else heights[i] for i in range(5)]
    ax.set_ylim(top=max(tops) * 1.1)  # room above the bars for their labels, which do not move the limits
    ax.set_ylabel("spend [£]")
    money_axis(ax)
    ax.set_title(f"Why spend changes from {from_year} to {to_year} (mean of the paths)")
    return ax


def scenarios(
    scores: ScenarioScores, *, level: int = 80, cumulative: bool = False, ax: Any = None, **kwargs: Any
) -> Any:
    """Savings by financial year per scenario with bands, the target, and the chance of meeting it.

    Parameters
    ----------
    scores : ScenarioScores
    level : int
        Band [%].
    cumulative : bool
        Draw cumulative savings instead of each year's.
    ax : matplotlib Axes, optional

    **kwargs
        Passed to the matplotlib call that draws each scenario's line (they override its
        defaults).

    Returns
    -------
    matplotlib Axes
        One line per scenario labelled ``<name> (P(target) = p)`` when a
        target was set; the target a horizontal line labelled ``target``.
    """
    ax = new_axes(ax)
    frame = scores.savings_frame(level=(level,))
    summary = scores.summary()
    prefix = "cumulative_" if cumulative else ""
    years = list(scores.baseline.financial_years)
    x = np.arange(len(years))
    for i, name in enumerate(scores.names):
        s = frame[frame["scenario"] == name].set_index(S.FINANCIAL_YEAR).reindex(years)
        colour = EXTRA_COLOURS[i % len(EXTRA_COLOURS)]
        label = name if scores.target is None else f"{name} (P(target) = {summary.loc[name, 'p_target']:.0%})"
        ax.fill_between(
            x, s[f"{prefix}lower_{level}"], s[f"{prefix}upper_{level}"], color=colour, alpha=0.15, linewidth=0
        )
        ax.plot(x, s[f"{prefix}mean"], **{"color": colour, "marker": "o", "label": label, **kwargs})
    if scores.target is not None and not cumulative:
        ax.axhline(scores.target, color="#000000", linestyle="--", linewidth=1, label="target")
        ax.axvline(years.index(scores.target_year), color="#888888", linestyle=":", linewidth=0.8)
    ax.axhline(0, color="#888888", linewidth=0.6)
    ax.set_xticks(x, years)
    ax.set_xlabel("financial year (April to March)")
    ax.set_ylabel(("cumulative " if cumulative else "") + "saving against the baseline [£]")
    money_axis(ax)
    ax.set_title(f"Savings by scenario, net of running and one-off costs (mean and {level}% band)")
    ax.legend(fontsize="x-small", loc="upper left")
    return ax


def sufficiency_gap(gap: pd.DataFrame, *, category: str | None = None, ax: Any = None, **kwargs: Any) -> Any:
    """Demand against capacity over time, with the probability of a shortfall.

    Parameters
    ----------
    gap : pandas.DataFrame
        From :func:`sufficiency.sufficiency_gap`.
    category : str, optional
        One category (or group) to draw; default every one, as small
        multiples.
    ax : matplotlib Axes, optional
        Only with ``category`` (or a gap of one category): a gap of several
        categories drawn on one ``ax`` is refused.

    **kwargs
        Passed to the matplotlib call that draws the demand line (they override its
        defaults).

    Returns
    -------
    matplotlib Axes or numpy.ndarray of Axes
        Each panel: ``demand (mean)`` and its quantile band, ``places``
        as a step line, and on a twin axis ``P(shortfall)``.
    """
    names = list(dict.fromkeys(gap[S.PLACEMENT])) if category is None else [category]
    if category is None and ax is not None and len(names) > 1:
        raise ValueError(
            f"the gap has {len(names)} categories ({', '.join(names)}): give category= to draw one on ax, or no ax "
            "for a panel each"
        )
    if category is None and ax is None and len(names) > 1:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(len(names), 1, figsize=(8, 2.8 * len(names)), sharex=True, layout="constrained")
        for a, name in zip(axes, names):
            sufficiency_gap(gap, category=name, ax=a, **kwargs)
        return axes
    ax = new_axes(ax)
    g = gap[gap[S.PLACEMENT] == names[0]]
    quantile = next(c for c in g.columns if c.startswith("demand_") and c != "demand_mean")
    colour = category_colour(names[0])
    ax.fill_between(
        g[S.DATE],
        g["demand_mean"],
        g[quantile],
        color=colour,
        alpha=0.25,
        linewidth=0,
        label=f"demand, mean to {quantile.split('_')[1]}% quantile",
    )
    ax.plot(g[S.DATE], g["demand_mean"], **{"color": colour, "linewidth": 2, "label": "demand (mean)", **kwargs})
    ax.step(g[S.DATE], g["capacity"], where="post", color="#000000", linewidth=1.5, label="places")
    ax.set_ylabel("children / places")
    ax.set_title(f"{readable(names[0])}: demand against places")
    twin = ax.twinx()
    twin.plot(g[S.DATE], g["p_shortfall"], color="#888888", linestyle=":", linewidth=1.2, label="P(shortfall)")
    twin.set_ylim(0, 1.05)
    twin.set_ylabel("P(shortfall)")
    lines = ax.get_legend_handles_labels()
    more = twin.get_legend_handles_labels()
    # the legend goes where it hides least of the demand and places, drawn above the chance's dotted line
    ax.set_zorder(twin.get_zorder() + 1)
    ax.patch.set_visible(False)
    ax.legend(lines[0] + more[0], lines[1] + more[1], fontsize="x-small", loc="best")
    ax.set_xlabel("date (month ends)")
    return ax
