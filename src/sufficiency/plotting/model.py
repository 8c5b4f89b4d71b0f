"""Charts of the model: how accurate its forecasts have been, and the hazards it fitted."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..accuracy.backtest import BacktestResult
from ..common import schema as S
from ..rates.fitted import FittedModel
from .style import METHOD_COLOURS, category_colour, new_axes, readable

__all__ = ["backtest", "rates"]


def backtest(
    result: BacktestResult | pd.DataFrame, *, level: int = 80, ax: Any = None, axes: Any = None, **kwargs: Any
) -> Any:
    """Accuracy by horizon: the error of the total for each method, and interval coverage against the nominal level.

    Parameters
    ----------
    result : BacktestResult or pandas.DataFrame
        A backtest, or a table indexed by (method, h) with ``mape_total``
        and ``coverage_<level>`` (as :meth:`BacktestResult.table` gives).
    level : int
        [%]
    ax : sequence of two matplotlib Axes, optional
    axes : sequence of two matplotlib Axes, optional
        The old name of ``ax``.

    **kwargs
        Passed to the matplotlib call that draws each method's error line (they override its
        defaults).

    Returns
    -------
    numpy.ndarray of two Axes
        Left: one line per method labelled with it; right: coverage bars
        and the nominal level as a line labelled ``nominal``.
    """
    table = result if isinstance(result, pd.DataFrame) else result.table(horizons=sorted(result.scores["h"].unique()))
    if ax is not None and axes is not None:
        raise ValueError("give the two axes once: ax (axes is its old name)")
    axes = ax if ax is not None else axes
    if axes is None:
        import matplotlib.pyplot as plt

        axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")[1]
    left, right = axes
    methods = list(dict.fromkeys(table.index.get_level_values("method")))
    for m in methods:
        t = table.xs(m, level="method")
        style = {"marker": "o", "color": METHOD_COLOURS.get(m, category_colour(m)), "label": m, **kwargs}
        left.plot(t.index, t["mape_total"], **style)
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


def rates(fitted: FittedModel, *, to: str = "exit", ax: Any = None, **kwargs: Any) -> Any:
    """Heat map of the fitted hazards by placement category and age [per child-year].

    Parameters
    ----------
    fitted : FittedModel
    to : str
        ``"exit"`` for leaving care, a category for moving to it, or
        ``"any"`` for leaving the category by any route.
    ax : matplotlib Axes, optional

    **kwargs
        Passed to the matplotlib call that draws the heat map (``imshow``) (they override its
        defaults).

    Returns
    -------
    matplotlib Axes
        The image's array is the (category, age) rates, exposure-weighted
        over bands of time in care.
    """
    ax = new_axes(ax, figsize=(9, 4.5))
    frame = fitted.rates_frame()
    if to != "any":
        frame = frame[frame["to"] == to]
    weighted = frame.assign(w=frame["rate"] * frame[S.EXPOSURE_DAYS])
    by = weighted.groupby([S.PLACEMENT, S.AGE, "to"], sort=False).agg(w=("w", "sum"), x=(S.EXPOSURE_DAYS, "sum"))
    rate = (by["w"] / by["x"].where(by["x"] > 0)).groupby(level=[0, 1]).sum(min_count=1)
    grid = rate.unstack(S.AGE).reindex(index=list(fitted.categories))
    image = ax.imshow(grid.to_numpy(dtype=float), **{"aspect": "auto", "cmap": "viridis", **kwargs})
    ax.set_yticks(np.arange(len(grid)), [readable(c) for c in grid.index])
    ax.set_xticks(np.arange(grid.shape[1]), [str(a) for a in grid.columns])
    ax.set_xlabel("age [years]")
    ax.set_ylabel("placement")
    what = {"exit": "leaving care", "any": "moving or leaving"}.get(to, f"moving to {readable(to)}")
    ax.set_title(f"Hazard of {what} [per child-year]")
    ax.figure.colorbar(image, ax=ax, label="[per child-year]")
    return ax
