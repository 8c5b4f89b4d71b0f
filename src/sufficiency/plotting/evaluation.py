"""Chart of an evaluation: what happened against the counterfactual, and the effect added up since the start."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..common import schema as S
from ..evaluation.result import Evaluation
from .style import category_colour, money_axis, readable

__all__ = ["evaluation", "evaluation_plan"]

_UNITS = {"child_days": "child-days", "cost": "£"}
#: Ratios marked on a plan's axis.
_RATIO_TICKS = (0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0)
_OF = {"other": " (children other than unaccompanied)", "uasc": " (unaccompanied children)"}


def evaluation(
    ev: Evaluation,
    *,
    outcome: str = "entries",
    group: str | None = None,
    value: str | None = None,
    level: int = 90,
    cumulative: bool | None = None,
    ax: Any = None,
    **kwargs: Any,
) -> Any:
    """Observed against the counterfactual's band, month by month, and the cumulative effect with its band.

    Parameters
    ----------
    ev : Evaluation
    outcome : str
        ``entries``, ``exits``, ``moves``, ``stock``, ``child_days`` or ``cost``.
    group, value : str, optional
        The series (default: the ``stream``/``other`` row when the
        evaluation has streams, else ``total``).
    level : int
        Band to shade [%].
    cumulative : bool, optional
        With a single ``ax``: ``False`` draws the monthly panel, ``True`` the
        cumulative effect. Ignored when two panels are drawn.
    ax : matplotlib Axes or pair of Axes, optional
        ``None`` draws both panels on a new figure; a pair draws both on it;
        one Axes draws one panel.
    **kwargs
        Passed to the matplotlib call that draws the observed line.

    Returns
    -------
    matplotlib Axes or numpy.ndarray of Axes
        Lines ``observed``, ``expected`` (and ``hypothesis``) and collections
        ``band_<L>`` (and ``hypothesis_band_<L>``) on the monthly panel; line
        ``effect`` and collection ``effect_band_<L>`` on the cumulative one,
        found by label.

    Raises
    ------
    ValueError
        If the series is not in the evaluation.
    """
    if group is None or value is None:
        streams = any(k[1] == "stream" for k in ev.keys)
        group, value = ("stream", "other") if streams else ("total", "total")
    monthly = ev.monthly(level=level, outcome=outcome)
    series = monthly[(monthly["outcome"] == outcome) & (monthly["group"] == group) & (monthly["value"] == value)]
    if series.empty:
        known = sorted({k[0] for k in ev.keys})
        raise ValueError(f"no series {outcome}/{group}/{value} in the evaluation (outcomes: {known})")
    if ax is None:
        import matplotlib.pyplot as plt

        axes = np.asarray(plt.subplots(2, 1, figsize=(8, 7), sharex=True, layout="constrained")[1])
    elif isinstance(ax, (list, tuple, np.ndarray)):
        axes = np.asarray(ax)
    else:
        axes = None
    colour = category_colour(value) if group == "placement" else "#1f4e79"
    what = readable(outcome).capitalize() + _OF.get(value, f" ({readable(value)})" if value != "total" else "")
    unit = _UNITS.get(outcome, "children")
    if axes is None:
        if cumulative:
            _effect(ax, series[series["cumulative"]], level, outcome, what, unit)
        else:
            _monthly(ax, series[~series["cumulative"]], level, outcome, what, unit, colour, kwargs)
        return ax
    _monthly(axes[0], series[~series["cumulative"]], level, outcome, what, unit, colour, kwargs)
    _effect(axes[1], series[series["cumulative"]], level, outcome, what, unit)
    return axes


def _monthly(ax: Any, s: Any, level: int, outcome: str, what: str, unit: str, colour: str, kwargs: dict) -> None:
    ax.fill_between(
        s[S.DATE],
        s[f"lower_{level}"],
        s[f"upper_{level}"],
        color="#999999",
        alpha=0.3,
        linewidth=0,
        label=f"band_{level}",
    )
    ax.plot(s[S.DATE], s["expected"], color="#555555", linestyle="--", label="expected")
    if "hypothesis_expected" in s:
        ax.fill_between(
            s[S.DATE],
            s[f"hypothesis_lower_{level}"],
            s[f"hypothesis_upper_{level}"],
            color="#e07b00",
            alpha=0.15,
            linewidth=0,
            label=f"hypothesis_band_{level}",
        )
        ax.plot(s[S.DATE], s["hypothesis_expected"], color="#e07b00", linestyle=":", label="hypothesis")
    ax.plot(s[S.DATE], s["observed"], **{"color": colour, "linewidth": 2, "label": "observed", **kwargs})
    per = "at each month end" if outcome == "stock" else "in each month"
    ax.set_ylabel(f"{per.capitalize()} [{unit}]")
    ax.set_title(f"{what}\nwhat happened against what would have happened without the service")
    if outcome == "cost":
        money_axis(ax)
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles, [_legend(lbl, level) for lbl in labels], loc="upper left", fontsize="small")


def _effect(ax: Any, s: Any, level: int, outcome: str, what: str, unit: str) -> None:
    ax.axhline(0, color="#555555", linewidth=0.8)
    ax.fill_between(
        s[S.DATE],
        s[f"effect_lower_{level}"],
        s[f"effect_upper_{level}"],
        color="#1f4e79",
        alpha=0.25,
        linewidth=0,
        label=f"effect_band_{level}",
    )
    ax.plot(s[S.DATE], s["effect"], color="#1f4e79", linewidth=2, label="effect")
    since = "at each month end" if outcome == "stock" else "added up since the start"
    ax.set_ylabel(f"Effect, {since} [{unit}]")
    ax.set_title(f"{what}\nwhat happened minus what would have happened ({level}% band)")
    ax.set_xlabel("Month end")
    if outcome == "cost":
        money_axis(ax)


def _legend(label: str, level: int) -> str:
    return {
        f"band_{level}": f"without the service, {level}% band",
        "expected": "without the service, expected",
        f"hypothesis_band_{level}": f"the brief's hypothesis, {level}% band",
        "hypothesis": "the brief's hypothesis, expected",
        "observed": "what happened",
    }.get(label, label)


def evaluation_plan(plan: Any, *, ax: Any = None) -> Any:
    """Before the start: the changes an evaluation would most likely miss, and where the brief expects each count.

    Parameters
    ----------
    plan : pandas.DataFrame
        Rows of :func:`sufficiency.plan_evaluation`'s table (all of them,
        or :func:`sufficiency.evaluation.planning.plan_highlights`' choice),
        one bar each, top to bottom in the frame's order.
    ax : matplotlib Axes, optional
        New figure when ``None``.

    Returns
    -------
    matplotlib Axes
        Bars labelled ``unseen`` (from ``smallest_fall`` to ``smallest_rise``:
        a change inside them would most likely pass unseen), a line ``none``
        at 1 and, with a brief, markers labelled ``hypothesis`` at
        ``hypothesis_ratio``, each annotated with its ``chance_found``.

    Raises
    ------
    ValueError
        If ``plan`` has no rows.
    """
    if len(plan) == 0:
        raise ValueError("the plan has no rows to draw")
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.subplots(figsize=(8, 0.9 + 0.45 * len(plan)), layout="constrained")[1]
    y = np.arange(len(plan))[::-1]
    fall = plan["smallest_fall"].to_numpy(float)
    rise = plan["smallest_rise"].to_numpy(float)
    seen = np.concatenate([fall, rise, plan.get("hypothesis_ratio", pd.Series(dtype=float)).to_numpy(float), [1.0]])
    seen = seen[np.isfinite(seen) & (seen > 0)]
    # a change no test of this length could find runs off the chart's edge
    left = np.where(np.isfinite(fall) & (fall > 0), fall, seen.min() * 0.8)
    right = np.where(np.isfinite(rise), rise, seen.max() * 1.25)
    ax.barh(y, right - left, left=left, height=0.55, color="#bbbbbb", label="unseen")
    ax.axvline(1.0, color="#555555", linewidth=0.8, label="none")
    if "hypothesis_ratio" in plan:
        ratio = plan["hypothesis_ratio"].to_numpy(float)
        ratio = np.where(ratio == 0, seen.min() * 0.8, ratio)  # a count the brief stops is drawn at the left edge
        ax.plot(ratio, y, "D", color="#e07b00", markersize=7, linestyle="none", label="hypothesis")
        for yy, r, chance in zip(y, ratio, plan["chance_found"].to_numpy(float)):
            if np.isfinite(r):
                ax.annotate(f"{chance:.0%}", (r, yy), xytext=(6, 5), textcoords="offset points", fontsize="small")
    ax.set_xscale("log")
    lo, hi = float(np.nanmin(left)), float(np.nanmax(right))
    ticks = [t for t in _RATIO_TICKS if lo * 0.95 <= t <= hi * 1.05]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.set_xticks([], minor=True)
    ax.set_yticks(y, [_series_label(o, g, v) for o, g, v in zip(plan["outcome"], plan["group"], plan["value"])])
    ax.set_xlabel("the period's total ÷ what is expected without the service [ratio, log scale]")
    brief = "hypothesis_ratio" in plan
    ax.set_title(
        "Grey: changes an evaluation would most likely miss"
        + ("\nDiamonds: what the brief expects, and the chance an evaluation confirms it" if brief else ""),
        fontsize="medium",
    )
    return ax


def _series_label(outcome: str, group: str, value: str) -> str:
    what = readable(outcome).capitalize()
    if group == "total":
        return what
    if group == "move":
        return f"{what}: {value}"
    if group == "age_band":
        return f"{what}: aged {value}"
    return what + _OF.get(value, f": {readable(value)}")
