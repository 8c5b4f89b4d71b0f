"""Entries, exits, moves and exposure per period and state."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import DateLike, day
from ..ingest.returns import EpisodesLike
from .pieces import Pieces, episodes_of, make_pieces

__all__ = ["Flows", "flows", "period_bounds"]

_MEASURES = (
    S.STOCK_START,
    S.ENTRIES,
    S.EXITS,
    S.MOVES_IN,
    S.MOVES_OUT,
    S.AGED_IN,
    S.AGED_OUT,
    S.STOCK_END,
    S.EXPOSURE_DAYS,
)


@dataclass(frozen=True)
class Flows:
    """Flows of children through care states.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per period and state: ``period_start``, ``period_end``, the
        ``by`` columns, then ``stock_start``, ``entries``, ``exits``,
        ``moves_in``, ``moves_out``, ``aged_in``, ``aged_out`` (changes of
        age or time-in-care band),
        ``stock_end`` [children] and ``exposure_days`` [child-days]. For
        every row ``stock_end = stock_start + entries - exits + moves_in -
        moves_out + aged_in - aged_out``.
    exits : pandas.DataFrame
        Exits by reason group: ``period_start``, ``period_end``, the ``by``
        columns, ``exit_reason``, ``count`` [children].
    moves : pandas.DataFrame
        Changes of state other than ageing: ``period_start``,
        ``period_end``, ``from_<dim>`` and ``to_<dim>`` for each ``by``
        dimension, ``count`` [children]. A change of episode that keeps the
        state (e.g. a legal-status change, or a move within a category) is
        not a move.
    by : tuple of str
    """

    table: pd.DataFrame
    exits: pd.DataFrame
    moves: pd.DataFrame
    by: tuple[str, ...]


def period_bounds(start: pd.Timestamp, end: pd.Timestamp, freq: str) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """Split ``[start, end]`` into periods at a pandas frequency.

    Parameters
    ----------
    start, end : pandas.Timestamp
        First and last day (inclusive).
    freq : str
        Period-start frequency: ``"MS"`` (months), ``"QS"``, ``"YS-APR"``
        (financial years), ``"YS"``, ``"W-MON"``...

    Returns
    -------
    starts, ends : pandas.DatetimeIndex
        First and last day of each period; the first period starts on
        ``start`` and the last ends on ``end`` (either may be partial).
    """
    if end < start:
        raise ValueError(f"end {end.date()} is before start {start.date()}")
    inner = pd.date_range(start, end, freq=freq)
    starts = pd.DatetimeIndex([start]).append(inner[inner > start])
    ends = starts[1:] - pd.Timedelta(days=1)
    ends = ends.append(pd.DatetimeIndex([end]))
    return starts, ends


def flows(
    data: EpisodesLike,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    freq: str = "MS",
    by: Sequence[str] = (S.PLACEMENT, S.AGE),
    bands: Mapping[str, tuple[int, int]] | None = None,
) -> Flows:
    """Count entries, exits, moves, ageing and exposure per period and state.

    Events on day *d* belong to the period containing *d*. An entry puts a
    child into the state of its first day; an exit takes the child out of
    the state it was in the day before; a move or birthday takes it from
    yesterday's state to today's. Exposure counts each day a child is in
    care (at the end of the day) in that day's state [child-days].

    Parameters
    ----------
    data : pandas.DataFrame or SSDA903Data
        Canonical episodes.
    start, end : date, optional
        First and last day (inclusive). Default: the data's coverage
        (1 April of the first return to 31 March of the last) for
        :class:`SSDA903Data`, else the span of the episodes.
    freq : str
        Pandas frequency of period starts (``"MS"`` monthly, ``"YS-APR"``
        financial years, ...).
    by : sequence of str
        State dimensions (see :func:`sufficiency.stock`).
    bands : mapping, optional
        Age bands for ``age_band``.

    Returns
    -------
    Flows
    """
    episodes, coverage_start, censor = episodes_of(data)
    first = day(start, "start") if start is not None else (coverage_start or episodes[S.EPISODE_START].min())
    last = (
        day(end, "end")
        if end is not None
        else (censor or max(episodes[S.EPISODE_START].max(), episodes[S.EPISODE_END].max()))
    )
    p_start, p_end = period_bounds(first, last, freq)
    pieces = make_pieces(episodes, by=by, until=last, bands=bands)
    return _count(pieces, p_start, p_end)


def _count(pieces: Pieces, p_start: pd.DatetimeIndex, p_end: pd.DatetimeIndex) -> Flows:
    frame = pieces.frame
    origin = np.datetime64(p_start[0], "ns")
    n_days = int((p_end[-1] - p_start[0]).days) + 1
    n_states = pieces.n_states
    n_periods = len(p_start)

    def day(col: str) -> np.ndarray:
        return ((frame[col].to_numpy("datetime64[ns]") - origin) // np.timedelta64(1, "D")).astype(np.int64)

    d_start = day("start")
    d_end = day("end")
    state = frame["state"].to_numpy()

    # daily stock grid; column g is the end of day g-1 (g = 0: the day before the window)
    a = np.clip(d_start + 1, 0, n_days + 1)
    b = np.clip(d_end + 1, 0, n_days + 1)
    keep = b > a
    diff = np.zeros((n_states, n_days + 2), dtype=np.int64)
    np.add.at(diff, (state[keep], a[keep]), 1)
    np.add.at(diff, (state[keep], b[keep]), -1)
    daily = np.cumsum(diff, axis=1)[:, : n_days + 1]
    first_day = np.asarray((p_start - p_start[0]).days, dtype=np.int64)
    last_day = np.asarray((p_end - p_start[0]).days, dtype=np.int64)
    stock_start = daily[:, first_day].T
    stock_end = daily[:, last_day + 1].T
    exposure = np.add.reduceat(daily[:, 1:], first_day, axis=1).T

    def period_of(days: np.ndarray) -> np.ndarray:
        return np.searchsorted(first_day, days, side="right") - 1

    def tally(days: np.ndarray, states: np.ndarray) -> np.ndarray:
        inside = (days >= 0) & (days < n_days)
        idx = period_of(days[inside]) * n_states + states[inside]
        return np.bincount(idx, minlength=n_periods * n_states).reshape(n_periods, n_states)

    entry = frame["entry"].to_numpy()
    exit_ = frame["exit"].to_numpy()
    entries = tally(d_start[entry], state[entry])
    exits = tally(d_end[exit_], state[exit_])

    child = frame[S.CHILD_ID].to_numpy()
    prev_ok = np.zeros(len(frame), dtype=bool)
    prev_ok[1:] = (child[1:] == child[:-1]) & (d_end[:-1] == d_start[1:]) & ~entry[1:]
    idx = np.flatnonzero(prev_ok)
    src, dst = state[idx - 1], state[idx]
    changed = src != dst
    idx, src, dst = idx[changed], src[changed], dst[changed]
    age_dims = [i for i, name in enumerate(pieces.by) if name in (S.AGE, S.AGE_BAND, S.TIME_IN_CARE)]
    if pieces.by:
        shape = [len(v) for v in pieces.levels.values()]
        src_parts = np.unravel_index(src, shape)
        dst_parts = np.unravel_index(dst, shape)
        other = [i for i in range(len(shape)) if i not in age_dims]
        is_move = np.zeros(len(idx), dtype=bool)
        for i in other:
            is_move |= src_parts[i] != dst_parts[i]
    else:
        is_move = np.zeros(len(idx), dtype=bool)
    t_day = d_start[idx]
    moves_out = tally(t_day[is_move], src[is_move])
    moves_in = tally(t_day[is_move], dst[is_move])
    aged_out = tally(t_day[~is_move], src[~is_move])
    aged_in = tally(t_day[~is_move], dst[~is_move])

    codes = np.tile(np.arange(n_states), n_periods)
    table = pieces.decode(codes)
    table.insert(0, S.PERIOD_START, np.repeat(p_start.to_numpy(), n_states))
    table.insert(1, S.PERIOD_END, np.repeat(p_end.to_numpy(), n_states))
    for name, values in zip(
        _MEASURES,
        (stock_start, entries, exits, moves_in, moves_out, aged_in, aged_out, stock_end, exposure),
    ):
        table[name] = values.ravel()

    # exits by reason
    reasons = frame["exit_reason"].to_numpy()[exit_]
    ex_days = d_end[exit_]
    inside = (ex_days >= 0) & (ex_days < n_days)
    ex = pd.DataFrame({"_p": period_of(ex_days[inside]), "_s": state[exit_][inside], S.EXIT_REASON: reasons[inside]})
    ex = ex.groupby(["_p", "_s", S.EXIT_REASON]).size().rename(S.COUNT).reset_index()
    exits_table = _with_dims(pieces, ex, p_start, p_end)

    inside = (t_day >= 0) & (t_day < n_days) & is_move
    mv = pd.DataFrame({"_p": period_of(t_day[inside]), "_from": src[inside], "_to": dst[inside]})
    mv = mv.groupby(["_p", "_from", "_to"]).size().rename(S.COUNT).reset_index()
    from_dims = pieces.decode(mv["_from"].to_numpy()).add_prefix("from_")
    to_dims = pieces.decode(mv["_to"].to_numpy()).add_prefix("to_")
    moves_table = pd.concat(
        [
            pd.DataFrame(
                {S.PERIOD_START: p_start.take(mv["_p"]).to_numpy(), S.PERIOD_END: p_end.take(mv["_p"]).to_numpy()}
            ),
            from_dims,
            to_dims,
            mv[[S.COUNT]],
        ],
        axis=1,
    )
    return Flows(table=table, exits=exits_table, moves=moves_table, by=pieces.by)


def _with_dims(
    pieces: Pieces, counted: pd.DataFrame, p_start: pd.DatetimeIndex, p_end: pd.DatetimeIndex
) -> pd.DataFrame:
    dims = pieces.decode(counted["_s"].to_numpy())
    head = pd.DataFrame(
        {S.PERIOD_START: p_start.take(counted["_p"]).to_numpy(), S.PERIOD_END: p_end.take(counted["_p"]).to_numpy()}
    )
    return pd.concat([head, dims, counted.drop(columns=["_p", "_s"]).reset_index(drop=True)], axis=1)
