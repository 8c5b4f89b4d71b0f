"""The report's charts as PNG images, drawn with :mod:`sufficiency.plotting`."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import numpy as np

from .analysis import Analysis

__all__ = ["charts"]


def charts(a: Analysis) -> dict[str, bytes]:
    """The report's charts as PNG images."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    from .. import plotting

    out = {}

    def save(name: str, draw: Callable[[], Any]) -> None:
        axes = draw()
        figure = (np.ravel(axes)[0] if isinstance(axes, np.ndarray) else axes).figure
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110)
        plt.close(figure)
        out[name] = buffer.getvalue()

    p = a.projection
    save("forecast", lambda: plotting.fan(p, data=a.inputs.data))
    save("demand_by_placement", lambda: plotting.demand_by_category(p, data=a.inputs.data))
    save("forecast_by_placement", lambda: plotting.fans(p, data=a.inputs.data))
    save("demand_by_age", lambda: plotting.demand_by_age(p))
    save("spend_by_year", lambda: plotting.costs_by_year(a.costs))
    if a.pressure is not None:
        first = str(a.pressure["from_year"].iloc[0])
        save("cost_pressure", lambda: plotting.cost_pressure(a.costs, first, a.target_year))
    if (scores := a.scores) is not None:
        save("scenarios", lambda: plotting.scenarios(scores))
    if (gap := a.gap) is not None:
        save("sufficiency_gap", lambda: plotting.sufficiency_gap(gap))
    if (accuracy := a.accuracy) is not None:
        table = accuracy.rename(columns={"months ahead": "h"}).set_index(["method", "h"])
        save("accuracy", lambda: plotting.backtest(table))
    save("flows", lambda: plotting.flows(a.inputs.data))
    save("hazards", lambda: plotting.rates(a.fitted))
    return out
