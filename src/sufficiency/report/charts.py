"""The report's charts as SVG images, drawn with :mod:`sufficiency.plotting`."""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from .analysis import Analysis

__all__ = ["charts"]


def charts(a: Analysis, *, suppress_below: int | None = None) -> dict[str, bytes]:
    """The report's charts as SVG images (vector: sharp on screen, on paper and when zoomed; text stays text).

    With ``suppress_below``, series of children that never reach that many
    are merged (placements in the demand chart, age bands) or not drawn (a
    lone small series, the fans' and the gap's panels of such placements,
    a year's entries or exits below it), as the tables show their counts
    as ``c``.

    Each chart is drawn on a figure of its own (``matplotlib.figure.Figure``),
    not through pyplot, so making a report leaves the process's backend and
    open figures as they were (a notebook keeps its inline charts).

    The text of a chart is written as text in the page's sans-serif font,
    not as drawn outlines, so a reader can select and search it; the files
    hold no date and the same figures give the same bytes.
    """
    from matplotlib import rc_context

    # titles sit just above their axes: none of the report's charts has ticks along its top, so matplotlib need not
    # measure every axis on every draw to lift them clear (a third of the time of drawing)
    with rc_context({"axes.titley": 1.0, "svg.fonttype": "none", "svg.hashsalt": "sufficiency"}):
        return _charts(a, suppress_below=suppress_below)


def _charts(a: Analysis, *, suppress_below: int | None) -> dict[str, bytes]:
    """:func:`charts`, drawn."""
    from matplotlib.figure import Figure

    from .. import plotting

    out = {}

    def axes(
        rows: int = 1,
        cols: int = 1,
        size: tuple[float, float] = (8, 4.5),
        *,
        margins: tuple[float, float, float, float] = (0.85, 0.25, 0.4, 0.6),
        gaps: tuple[float, float] = (0.75, 0.6),
        **options: Any,
    ) -> Any:
        # margins (left, right, top, bottom) and gaps (across, down) in inches, set once: a layout engine would
        # measure every label on every draw, which took half the time of drawing the report's charts
        width, height = size
        left, right, top, bottom = margins
        across, down = gaps
        panel_width = (width - left - right - (cols - 1) * across) / cols
        panel_height = (height - top - bottom - (rows - 1) * down) / rows
        spacing = {
            "left": left / width,
            "right": 1 - right / width,
            "top": 1 - top / height,
            "bottom": bottom / height,
            "wspace": across / panel_width,
            "hspace": down / panel_height,
        }
        grid = Figure(figsize=size).subplots(rows, cols, squeeze=False, gridspec_kw=spacing, **options)
        return grid[0, 0] if rows == cols == 1 else grid.ravel()

    def save(name: str, drawn: Any) -> None:
        figure = (np.ravel(drawn)[0] if isinstance(drawn, np.ndarray) else drawn).figure
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
        out[name] = buffer.getvalue()

    p = a.projection
    save("forecast", plotting.fan(p, data=a.inputs.data, ax=axes()))
    save(
        "demand_by_placement",
        plotting.demand_by_category(p, data=a.inputs.data, merge_below=suppress_below, ax=axes()),
    )
    frame = p.summary_frame(level=(80,))
    peak = frame[frame["group"] == "placement"].groupby("value", sort=False)["mean"].max()
    panels = [v for v in peak.index if peak[v] > 0 and (not suppress_below or peak[v] >= suppress_below)]
    rows, cols = -(-len(panels) // 3), min(3, len(panels))
    grid = axes(
        rows, cols, (3.6 * cols, 2.8 * rows + 0.1), margins=(0.7, 0.15, 0.35, 0.35), gaps=(0.7, 0.4), sharex=True
    )
    for extra in grid[len(panels) :]:
        extra.set_visible(False)
    for above in grid[len(panels) - cols : len(grid) - cols]:
        above.xaxis.set_tick_params(labelbottom=True)  # the last panel of its column: it shows the years
    save("forecast_by_placement", plotting.fans(p, data=a.inputs.data, values=panels, ax=grid[: len(panels)]))
    save("demand_by_age", plotting.demand_by_age(p, merge_below=suppress_below, ax=axes()))
    save("spend_by_year", plotting.costs_by_year(a.costs, ax=axes(margins=(0.85, 0.25, 0.4, 0.6))))
    if a.pressure is not None:
        first = str(a.pressure["from_year"].iloc[0])
        save(
            "cost_pressure",
            plotting.cost_pressure(a.costs, first, a.target_year, ax=axes(margins=(0.85, 0.25, 0.4, 0.7))),
        )
    if a.scores is not None:
        save("scenarios", plotting.scenarios(a.scores, ax=axes(margins=(0.95, 0.25, 0.4, 0.6))))
    names = [] if a.gap is None else list(dict.fromkeys(a.gap["placement"]))
    if suppress_below and a.gap is not None:
        names = [n for n in names if a.gap.loc[a.gap["placement"] == n, "demand_mean"].max() >= suppress_below]
    if names:
        panes = np.atleast_1d(
            axes(len(names), 1, (8, 2.8 * len(names)), margins=(0.75, 0.75, 0.35, 0.6), gaps=(0, 0.7), sharex=True)
        )
        for pane, name in zip(panes, names):
            plotting.sufficiency_gap(a.gap, category=name, ax=pane)
        save("sufficiency_gap", panes)
    if a.accuracy is not None:
        table = a.accuracy.rename(columns={"months ahead": "h"}).set_index(["method", "h"])
        save("accuracy", plotting.backtest(table, ax=axes(1, 2, (10, 4), margins=(0.75, 0.2, 0.4, 0.6), gaps=(0.9, 0))))
    save(
        "flows", plotting.flows(a.inputs.data, suppress_below=suppress_below, ax=axes(margins=(0.85, 0.85, 0.4, 0.95)))
    )
    save("hazards", plotting.rates(a.fitted, ax=axes(size=(9, 4.5), margins=(2.3, 0.3, 0.4, 0.6))))
    return out
