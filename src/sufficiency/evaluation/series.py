"""The outcomes an evaluation compares, month by month, from observed or simulated events.

Observed returns and simulated paths are first put in one shape
(:class:`EventArrays`: one "simulation" for what happened), so both sides of
the comparison are counted by the same code and cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..common.ages import DFE_AGE_BANDS
from ..finance.months import DAYS_PER_WEEK, Months, monthly_child_days

__all__ = ["CHILD_OUTCOMES", "FLOWS", "OUTCOMES", "EventArrays", "SeriesKey", "outcome_series"]

#: Outcomes in the order summaries list them.
OUTCOMES = ("entries", "exits", "moves", "stock", "child_days", "cost")
#: Outcomes counted in children (suppressed when small, as the DfE publishes).
CHILD_OUTCOMES = OUTCOMES[:4]
#: Outcomes that add up over months (``stock`` is a level at each month end).
FLOWS = frozenset({"entries", "exits", "moves", "child_days", "cost"})
#: One series: (outcome, group, value).
SeriesKey = tuple[str, str, str]


@dataclass(frozen=True)
class EventArrays:
    """Events and stock of one or many paths, by stream, month, placement and age band.

    ``B`` is the number of DfE age bands plus one slot for children whose age
    is unknown (counted in totals, not in any band).

    Attributes
    ----------
    streams : tuple of str
        ``("other", "uasc")`` or ``("total",)``.
    categories : tuple of str
    entries, exits : numpy.ndarray
        (stream, path, month, category) [children]: by first placement, and
        by the placement left.
    entry_bands, exit_bands : numpy.ndarray
        (stream, path, month, B) [children]: by age at entry, and on leaving.
    moves : numpy.ndarray
        (stream, path, month, from category, to category) [children].
    stock : numpy.ndarray
        (stream, path, date, category, B): at the start date, then each
        month end [children].
    months : Months
        The months counted (:func:`sufficiency.finance.months.months_of`).
    price : numpy.ndarray or None
        (month, category) weekly price [£/week], when costs are asked for.
    """

    streams: tuple[str, ...]
    categories: tuple[str, ...]
    entries: np.ndarray
    exits: np.ndarray
    entry_bands: np.ndarray
    exit_bands: np.ndarray
    moves: np.ndarray
    stock: np.ndarray
    months: Months
    price: np.ndarray | None = None


def _groups(
    by_cat: np.ndarray, by_band: np.ndarray | None, streams: Sequence[str], categories: Sequence[str]
) -> list[tuple[str, str, np.ndarray]]:
    """(group, value, (path, month)) rows of arrays (stream, path, month, category) and (…, B).

    With two streams, the placement and age-band rows are those of the first
    (children other than unaccompanied ones), so a surge of unaccompanied
    16- and 17-year-olds cannot pass for a change in local entries at 16.
    """
    out = [("total", "total", by_cat.sum(axis=(0, 3)))]
    if len(streams) > 1:
        per_stream = by_cat.sum(axis=3)
        out += [("stream", name, per_stream[t]) for t, name in enumerate(streams)]
    per_cat = by_cat[0]
    out += [("placement", c, per_cat[..., i]) for i, c in enumerate(categories)]
    if by_band is not None:
        per_band = by_band[0]
        out += [("age_band", b, per_band[..., i]) for i, b in enumerate(DFE_AGE_BANDS)]
    return out


def _move_rows(
    moves: np.ndarray, streams: Sequence[str], categories: Sequence[str], coarse: dict[str, str]
) -> list[tuple[str, str, np.ndarray]]:
    """(group, value, (path, month)) rows of moves: total, streams and moves between coarse groups (first stream)."""
    out = [("total", "total", moves.sum(axis=(0, 3, 4)))]
    if len(streams) > 1:
        per_stream = moves.sum(axis=(3, 4))
        out += [("stream", name, per_stream[t]) for t, name in enumerate(streams)]
    groups = list(dict.fromkeys(coarse.get(c, "other") for c in categories))
    member = np.array([[coarse.get(c, "other") == g for g in groups] for c in categories], dtype=float)
    pairs = np.einsum("smij,ig,jh->smgh", moves[0], member, member, optimize=True)
    for i, g in enumerate(groups):
        for j, h in enumerate(groups):
            out.append(("move", f"{g}→{h}", pairs[:, :, i, j]))
    return out


def outcome_series(events: EventArrays, coarse: dict[str, str]) -> dict[SeriesKey, np.ndarray]:
    """Every series an evaluation reports, as (path, month) arrays.

    Parameters
    ----------
    events : EventArrays
    coarse : dict
        Category → coarse group, for moves between groups.

    Returns
    -------
    dict
        ``{(outcome, group, value): array (path, month)}`` in the order of
        :data:`OUTCOMES`: entries and exits in each month, moves in each
        month (``group`` ``"move"``, ``value`` ``"from→to"`` between coarse
        groups), stock at each month end, child-days in each month
        (trapezoid rule, as :func:`sufficiency.cost` counts them) and, with
        prices, their cost [£] (``total``, ``stream`` and ``placement``).
        With two streams, the ``placement``, ``age_band`` and ``move`` rows
        count children other than unaccompanied ones (the stream a local
        service acts on); ``total`` counts everyone.
    """
    s, c = events.streams, events.categories
    out: dict[SeriesKey, np.ndarray] = {}
    stock = events.stock[:, :, 1:]
    for outcome, rows in (
        ("entries", _groups(events.entries, events.entry_bands, s, c)),
        ("exits", _groups(events.exits, events.exit_bands, s, c)),
        ("moves", _move_rows(events.moves, s, c, coarse)),
        ("stock", _groups(stock.sum(axis=4), stock.sum(axis=3), s, c)),
    ):
        for group, value, arr in rows:
            out[(outcome, group, value)] = arr.astype(np.float64)
    days = np.stack([monthly_child_days(part, events.months) for part in events.stock.astype(np.float64)])
    for group, value, arr in _groups(days.sum(axis=4), days.sum(axis=3), s, c):
        out[("child_days", group, value)] = arr
    if events.price is not None:
        spend = days.sum(axis=4) * (events.price / DAYS_PER_WEEK)[None, None]  # (T, S, M, C)
        for group, value, arr in _groups(spend, None, s, c):
            out[("cost", group, value)] = arr
    return out
