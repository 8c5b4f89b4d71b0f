"""Charts of children in care: the forecast's fan, demand by placement and age, the history of stock and flows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.ages import DFE_AGE_BANDS
from ..common.dates import financial_year_label
from ..counts.pieces import episodes_of
from ..counts.yearly import yearly_flows
from ..ingest.returns import EpisodesLike
from ..projection.result import Projection
from .style import (
    EXTRA_COLOURS,
    GROUP_COLOURS,
    METHOD_COLOURS,
    category_colour,
    history,
    merge_small,
    new_axes,
    readable,
    stack,
)

__all__ = ["demand_by_age", "demand_by_category", "fan", "fans", "flows", "stock_history"]


def fan(
    projection: Projection,
    *,
    data: EpisodesLike | None = None,
    group: str = "total",
    value: str = "total",
    level: Sequence[int] = (50, 80, 95),
    baselines: Mapping[str, pd.DataFrame] | None = None,
    ax: Any = None,
    **kwargs: Any,
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

    **kwargs
        Passed to the matplotlib call that draws the median line (they override its
        defaults).

    Returns
    -------
    matplotlib Axes
        Collections ``band_<L>`` (one per level) and lines ``median``,
        ``history`` and ``baseline: <name>``, found by label.
    """
    ax = new_axes(ax)
    frame = projection.summary_frame(level=tuple(level))
    hist = None if data is None else history(data, projection.dates[0], _history_by(group))
    return _draw_fan(ax, projection, frame, hist, group, value, level, baselines, kwargs)


def _history_by(group: str) -> tuple[str, ...]:
    """The dimensions of the history drawn behind a fan of ``group``."""
    return {"placement": (S.PLACEMENT,), "age_band": (S.AGE_BAND,)}.get(group, ())


def _draw_fan(
    ax: Any,
    projection: Projection,
    frame: pd.DataFrame,
    hist: pd.DataFrame | None,
    group: str,
    value: str,
    level: Sequence[int],
    baselines: Mapping[str, pd.DataFrame] | None,
    kwargs: Mapping[str, Any],
) -> Any:
    """Draw one fan from a summary frame and a history (computed once for many panels)."""
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
    ax.plot(series[S.DATE], series["median"], **{"color": colour, "linewidth": 2, "label": "median", **kwargs})
    if hist is not None:
        by = _history_by(group)
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
    title = "All children looked after" if group == "total" else f"{readable(group)}: {readable(value)}"
    ax.set_title(title)
    handles, labels = ax.get_legend_handles_labels()
    nice = {f"band_{lv}": f"{lv}% interval" for lv in level}
    ax.legend(handles, [nice.get(lbl, lbl) for lbl in labels], loc="upper left", fontsize="small")
    return ax


def fans(
    projection: Projection,
    *,
    data: EpisodesLike | None = None,
    group: str = "placement",
    values: Sequence[str] | None = None,
    level: Sequence[int] = (50, 80, 95),
    ncols: int = 3,
    ax: Any = None,
    axes: Any = None,
    **kwargs: Any,
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
    ax : sequence of matplotlib Axes, optional
        One per panel (no figure is made then).
    axes : sequence of matplotlib Axes, optional
        The old name of ``ax``.

    **kwargs
        Passed to the matplotlib call that draws each panel's median line (see :func:`fan`) (they override its
        defaults).

    Returns
    -------
    numpy.ndarray of Axes
        One per panel, in order; unused panels of a new figure are hidden.
    """
    if values is None:
        frame = projection.summary_frame(level=(80,))
        rows = frame[frame["group"] == group]
        peak = rows.groupby("value", sort=False)["mean"].max()
        values = [v for v in peak.index if peak[v] > 0]
    values = list(values)
    if not values:
        raise ValueError(f"no series of group {group!r} in the projection")
    if ax is not None and axes is not None:
        raise ValueError("give the panels' axes once: ax (axes is its old name)")
    axes = ax if ax is not None else axes
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

    full = projection.summary_frame(level=tuple(level))  # once for every panel
    hist = None if data is None else history(data, projection.dates[0], _history_by(group))
    for i, (a, value) in enumerate(zip(axes, values)):
        _draw_fan(a, projection, full, hist, group, value, level, None, kwargs)
        a.set_title(readable(value), fontsize="medium")
        a.set_xlabel("")
        a.set_ylabel("[children]")
        a.xaxis.set_major_locator(YearLocator(4))
        if i:
            a.get_legend().remove()
        else:
            for text in a.get_legend().get_texts():
                text.set_fontsize("x-small")
    return axes


def stock_history(data: EpisodesLike, *, by: str = S.PLACEMENT, ax: Any = None, **kwargs: Any) -> Any:
    """Children in care at each month end, stacked by placement category (or coarse group, or age band).

    Parameters
    ----------
    data : SSDA903Data
    by : str
        ``"placement"``, ``"placement_coarse"`` or ``"age_band"``.
    ax : matplotlib Axes, optional

    **kwargs
        Passed to the matplotlib call that draws the stacked areas (they override its
        defaults).

    Returns
    -------
    matplotlib Axes
        One stacked band per value, labelled with it.
    """
    ax = new_axes(ax)
    episodes, _, censor = episodes_of(data)
    end = censor if censor is not None else episodes[S.EPISODE_START].max()
    hist = (
        history(data, pd.Timestamp(end), (by,))
        .pivot_table(index=S.DATE, columns=by, values=S.CHILDREN, aggfunc="sum", observed=True, sort=False)
        .fillna(0)
    )
    stack(ax, hist, colour=category_colour if by != S.AGE_BAND else None, **kwargs)
    ax.set_title(f"Children looked after by {readable(by).replace('placement coarse', 'kind of placement')}")
    return ax


def flows(data: EpisodesLike, *, suppress_below: int | None = None, ax: Any = None, **kwargs: Any) -> Any:
    """Entries and exits by financial year (bars) and the stock at each 31 March (line).

    Parameters
    ----------
    data : SSDA903Data
    suppress_below : int, optional
        Counts from 1 to ``suppress_below - 1`` are not drawn, as the title
        then says (for a chart to publish with small counts suppressed).
    ax : matplotlib Axes, optional

    **kwargs
        Passed to the matplotlib call that draws the bars of entries and exits (they override its
        defaults).

    Returns
    -------
    matplotlib Axes
        Bar containers labelled ``entries`` and ``exits``; the stock is the
        line ``children at 31 March`` on a twin axis.
    """
    ax = new_axes(ax)
    table = yearly_flows(data)
    counts = ["entries", "exits", "stock_end"]
    small = (table[counts] > 0) & (table[counts] < (suppress_below or 0))
    table[counts] = table[counts].astype(float).mask(small)
    labels = [financial_year_label(d.year + 1) for d in table[S.PERIOD_START]]
    x = np.arange(len(labels))
    ax.bar(x - 0.2, table["entries"], **{"width": 0.4, "color": "#0072B2", "label": "entries", **kwargs})
    ax.bar(x + 0.2, table["exits"], **{"width": 0.4, "color": "#E69F00", "label": "exits", **kwargs})
    ax.set_xticks(x, labels, rotation=45, ha="right")
    ax.set_xlabel("financial year (April to March)")
    ax.set_ylabel("children entering or leaving care [children]")
    twin = ax.twinx()
    twin.plot(x, table["stock_end"], color="#000000", marker="o", linewidth=1.5, label="children at 31 March")
    twin.set_ylabel("children at 31 March [children]")
    twin.set_ylim(0, None)
    ax.set_title(
        "Entries, exits and children in care"
        + (f" (counts of fewer than {suppress_below} not drawn)" if small.to_numpy().any() else "")
    )
    bars, line = ax.get_legend_handles_labels(), twin.get_legend_handles_labels()
    ax.legend(bars[0] + line[0], bars[1] + line[1], fontsize="small", loc="lower left")
    return ax


def demand_by_category(
    projection: Projection,
    *,
    data: EpisodesLike | None = None,
    merge_below: int | None = None,
    ax: Any = None,
    **kwargs: Any,
) -> Any:
    """Stacked demand by placement category: history (when ``data`` is given) then the projection's mean.

    Parameters
    ----------
    projection : Projection
    data : SSDA903Data, optional
    merge_below : int, optional
        Categories that never reach this many children are drawn as one
        band, ``fewer than <N> each``, or left out when only one is that
        small, as the title then says (for a chart to publish with small
        counts suppressed; see :func:`~sufficiency.plotting.style.merge_small`).
    ax : matplotlib Axes, optional

    **kwargs
        Passed to the matplotlib call that draws the stacked areas (they override its
        defaults).

    Returns
    -------
    matplotlib Axes
        One stacked band per category, labelled with it.
    """
    ax = new_axes(ax)
    cats = list(projection.categories)
    mean = pd.DataFrame(projection.draws.sum(axis=3).mean(axis=0), index=projection.dates, columns=cats)
    if data is not None:
        hist = history(data, projection.dates[0], (S.PLACEMENT,)).pivot_table(
            index=S.DATE, columns=S.PLACEMENT, values=S.CHILDREN, aggfunc="sum"
        )
        mean = pd.concat([hist.reindex(columns=cats, fill_value=0).iloc[:-1], mean])
    mean, left_out = merge_small(mean, merge_below, what="placement")
    stack(ax, mean, colour=category_colour, **kwargs)
    ax.axvline(projection.dates[0], color="#333333", linewidth=0.8, linestyle=":")
    ax.set_title("Demand by placement (history, then the projection's mean)" + (f"; {left_out}" if left_out else ""))
    return ax


def demand_by_age(projection: Projection, *, merge_below: int | None = None, ax: Any = None, **kwargs: Any) -> Any:
    """Projected mean children by DfE age band, one line each.

    Parameters
    ----------
    projection : Projection
    merge_below : int, optional
        Age bands whose mean never reaches this many children are drawn as
        one line, ``fewer than <N> each``, or left out when only one is
        that small, as the title then says (see
        :func:`~sufficiency.plotting.style.merge_small`).
    ax : matplotlib Axes, optional

    **kwargs
        Passed to the matplotlib call that draws each band's line (they override its
        defaults).

    Returns
    -------
    matplotlib Axes
    """
    ax = new_axes(ax)
    frame = projection.summary_frame(level=(80,))
    bands = frame[frame["group"] == "age_band"].pivot(index=S.DATE, columns="value", values="mean")
    bands, left_out = merge_small(bands.reindex(columns=list(DFE_AGE_BANDS)), merge_below, what="age band")
    for i, band in enumerate(bands.columns):
        ax.plot(bands.index, bands[band], **{"label": band, "color": EXTRA_COLOURS[i], "linewidth": 1.8, **kwargs})
    ax.set_xlabel("date (month ends)")
    ax.set_ylabel("children looked after [children]")
    ax.set_title("Projected children by age band (mean)" + (f"; {left_out}" if left_out else ""))
    ax.legend(fontsize="small")
    return ax
