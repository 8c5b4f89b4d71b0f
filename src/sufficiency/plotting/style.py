"""The charts' look: one colour per placement category across every chart, and the helpers every chart shares.

Placement categories have one colour each (:data:`CATEGORY_COLOURS`: the
Okabe-Ito and Tol colour-blind-safe palettes, fostering in blues and
greens, residential care in oranges and reds, ordered so that neighbouring
bands also differ in lightness when printed in grey). matplotlib is
imported inside each function.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.money import pounds, pounds_decimals
from ..counts.pieces import episodes_of
from ..counts.stock import stock
from ..ingest.returns import EpisodesLike

__all__ = [
    "CATEGORY_COLOURS",
    "EXTRA_COLOURS",
    "GROUP_COLOURS",
    "METHOD_COLOURS",
    "category_colour",
    "history",
    "merge_small",
    "readable",
    "money_axis",
    "new_axes",
    "stack",
]

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
#: Colours of categories of a council's own, chosen by name.
EXTRA_COLOURS = ("#332288", "#117733", "#44AA99", "#88CCEE", "#999933", "#661100", "#6699CC", "#AA4466")
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
    return EXTRA_COLOURS[sum(map(ord, category)) % len(EXTRA_COLOURS)]


def new_axes(ax: Any, figsize: tuple[float, float] = (8, 4.5)) -> Any:
    """``ax``, or the Axes of a new figure."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize, layout="constrained")[1]


def money_axis(ax: Any, axis: str = "y") -> None:
    """Label an axis in pounds as the tables write them (:func:`sufficiency.common.money.pounds`).

    Ticks fall on 1, 2 or 5 times a power of ten, and carry as many
    decimals of millions as tell them apart.
    """
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(MaxNLocator(steps=[1, 2, 5, 10]))

    def fmt(value: float, _: int) -> str:
        ticks = target.get_majorticklocs()
        step = float(np.min(np.diff(ticks))) if len(ticks) > 1 else abs(value)
        return pounds(value, decimals=pounds_decimals(step))

    target.set_major_formatter(FuncFormatter(fmt))


def merge_small(wide: pd.DataFrame, below: int | None, *, what: str) -> tuple[pd.DataFrame, str]:
    """Series that never reach ``below`` children merged into one, for a chart to publish with small counts suppressed.

    Parameters
    ----------
    wide : pandas.DataFrame
        One column per series [children].
    below : int or None
        Series whose every value is under this (and not all 0) are small;
        ``None`` or 0 merges nothing.
    what : str
        What one series is, for the note (``"placement"``, ``"age band"``).

    Returns
    -------
    (pandas.DataFrame, str)
        Two or more small series become one column, ``fewer than <below>
        each``; a lone small series is left out (merged alone it would still
        be itself), and the note says so (``""`` when nothing is left out).
    """
    if not below:
        return wide, ""
    peak = wide.max()
    small = [c for c in wide.columns if 0 < peak[c] < below]
    if not small:
        return wide, ""
    rest = wide.drop(columns=small)
    if len(small) > 1:
        return rest.assign(**{f"fewer than {below} each": wide[small].sum(axis=1)}), ""
    return rest, f"a {what} of fewer than {below} children is not drawn"


def readable(name: str) -> str:
    """A category or column name for readers."""
    return str(name).replace("_", " ")


def stack(ax: Any, wide: pd.DataFrame, *, colour: Callable[[str], str] | None, **kwargs: Any) -> None:
    """Stack the columns of ``wide`` (children by month end) that ever hold a child, labelled and coloured."""
    keep = [c for c in wide.columns if wide[c].max() > 0]
    colours = [colour(str(c)) for c in keep] if colour is not None else list(EXTRA_COLOURS[: len(keep)])
    ax.stackplot(
        wide.index,
        wide[keep].T.to_numpy(),
        **{"labels": [readable(c) for c in keep], "colors": colours, "linewidth": 0, **kwargs},
    )
    ax.set_xlabel("date (month ends)")
    ax.set_ylabel("children looked after [children]")
    ax.legend(loc="upper left", fontsize="x-small", ncol=2)


def history(data: EpisodesLike, end: pd.Timestamp, by: Sequence[str] = ()) -> pd.DataFrame:
    """Children in care at each month end from the data's start to ``end`` [children]."""
    episodes, coverage, _ = episodes_of(data)
    first = pd.Timestamp(coverage) if coverage is not None else episodes[S.EPISODE_START].min()
    return stock(data, pd.date_range(first, end, freq="ME"), by=by)
