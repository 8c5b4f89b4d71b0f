"""The report's charts as PNG images, drawn with :mod:`sufficiency.plotting`."""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from .analysis import Analysis

__all__ = ["charts"]


def charts(a: Analysis, *, suppress_below: int | None = None) -> dict[str, bytes]:
    """The report's charts as PNG images.

    With ``suppress_below``, placements that never reach that many
    children are merged into one band of the demand chart and get no panel
    of their own among the fans, as the tables show their counts as ``c``.

    Each chart is drawn on a figure of its own (``matplotlib.figure.Figure``),
    not through pyplot, so making a report leaves the process's backend and
    open figures as they were (a notebook keeps its inline charts).
    """
    from matplotlib.figure import Figure

    from .. import plotting

    out = {}

    def axes(rows: int = 1, cols: int = 1, size: tuple[float, float] = (8, 4.5), **options: Any) -> Any:
        grid = Figure(figsize=size, layout="constrained").subplots(rows, cols, squeeze=False, **options)
        return grid[0, 0] if rows == cols == 1 else grid.ravel()

    def save(name: str, drawn: Any) -> None:
        figure = (np.ravel(drawn)[0] if isinstance(drawn, np.ndarray) else drawn).figure
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110)
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
    grid = axes(rows, cols, (3.6 * cols, 2.8 * rows), sharex=True)
    for extra in grid[len(panels) :]:
        extra.set_visible(False)
    save("forecast_by_placement", plotting.fans(p, data=a.inputs.data, values=panels, ax=grid[: len(panels)]))
    save("demand_by_age", plotting.demand_by_age(p, ax=axes()))
    save("spend_by_year", plotting.costs_by_year(a.costs, ax=axes()))
    if a.pressure is not None:
        first = str(a.pressure["from_year"].iloc[0])
        save("cost_pressure", plotting.cost_pressure(a.costs, first, a.target_year, ax=axes()))
    if a.scores is not None:
        save("scenarios", plotting.scenarios(a.scores, ax=axes()))
    if a.gap is not None:
        names = list(dict.fromkeys(a.gap["placement"]))
        panes = np.atleast_1d(axes(len(names), 1, (8, 2.8 * len(names)), sharex=True))
        for pane, name in zip(panes, names):
            plotting.sufficiency_gap(a.gap, category=name, ax=pane)
        save("sufficiency_gap", panes)
    if a.accuracy is not None:
        table = a.accuracy.rename(columns={"months ahead": "h"}).set_index(["method", "h"])
        save("accuracy", plotting.backtest(table, ax=axes(1, 2, (10, 4))))
    save("flows", plotting.flows(a.inputs.data, ax=axes()))
    save("hazards", plotting.rates(a.fitted, ax=axes(size=(9, 4.5))))
    return out
