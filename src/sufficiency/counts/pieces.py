"""Split episodes into pieces of constant state for counting.

A piece is part of one episode during which the child's age (and so every
counted dimension) is constant. Stock, flows and exposure are all counted
from pieces, so a child who has a birthday during an episode is counted at
the right age on every day.

Counting convention: a child is in care on day *d* when
``episode_start <= d < episode_end``; that is, counted at the end of the
day. An episode ending on the 18th birthday ends care on that day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.ages import TIME_IN_CARE_BANDS, age_band
from ..common.dates import age_at, birthday
from ..ingest.returns import EpisodesLike
from ..ingest.taxonomy import ordered_categories

__all__ = ["Pieces", "episodes_of", "make_pieces", "period_began"]

_ONE_DAY = np.timedelta64(1, "D")


def episodes_of(data: EpisodesLike) -> tuple[pd.DataFrame, pd.Timestamp | None, pd.Timestamp | None]:
    """Return ``(episodes, coverage_start, censor_date)`` from a frame or :class:`SSDA903Data`."""
    if isinstance(data, pd.DataFrame):
        return data, None, None
    if hasattr(data, "episodes"):
        return data.episodes, data.coverage_start, data.censor_date
    raise TypeError(f"expected an episodes DataFrame or SSDA903Data, got {type(data).__name__}")


@dataclass(frozen=True)
class Pieces:
    """Episodes split at birthdays, with each piece's state code.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per piece: ``child_id``, ``start`` and ``end`` (exclusive)
        as datetime64, ``state`` (int code), ``first`` / ``last`` (first or
        last piece of its episode), ``entry`` / ``exit`` (the piece starts /
        ends a period of care) and ``exit_reason``.
    levels : dict of str to pandas.Index
        Levels of each ``by`` dimension; a state code is the mixed-radix
        combination of the level codes in ``by`` order.
    by : tuple of str
    """

    frame: pd.DataFrame
    levels: dict[str, pd.Index]
    by: tuple[str, ...]

    @property
    def n_states(self) -> int:
        """Number of possible states (product of the level counts)."""
        return int(np.prod([len(v) for v in self.levels.values()], dtype=np.int64)) if self.levels else 1

    def decode(self, codes: np.ndarray) -> pd.DataFrame:
        """Turn state codes into a frame with one column per ``by`` dimension."""
        out = {}
        if self.by:
            parts = np.unravel_index(np.asarray(codes, dtype=np.int64), [len(v) for v in self.levels.values()])
            for name, part in zip(self.by, parts):
                values = self.levels[name].take(part)
                if name == S.AGE:
                    out[name] = pd.array(values, dtype="Int64")
                elif name in (S.AGE_BAND, S.TIME_IN_CARE):
                    out[name] = pd.Categorical(
                        values, categories=[v for v in self.levels[name] if isinstance(v, str)], ordered=True
                    )
                else:
                    out[name] = values
        return pd.DataFrame(out, index=range(len(codes)))


def _levels(name: str, values: pd.Series) -> pd.Index:
    if name == S.AGE:
        return pd.Index(sorted(v for v in values.dropna().unique()) + ([np.nan] if values.isna().any() else []))
    if name == S.PLACEMENT:
        return pd.Index(ordered_categories(values))
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = list(values.cat.categories)
        return pd.Index(cats + ([np.nan] if values.isna().any() else []))
    uniq = values.dropna().unique()
    try:
        uniq = sorted(uniq)
    except TypeError:
        uniq = list(uniq)
    return pd.Index(list(uniq) + ([np.nan] if values.isna().any() else []))


def make_pieces(
    episodes: pd.DataFrame,
    *,
    by: Sequence[str],
    until: pd.Timestamp,
    bands: Mapping[str, tuple[int, int]] | None = None,
) -> Pieces:
    """Split episodes at birthdays and code each piece's state.

    Parameters
    ----------
    episodes : pandas.DataFrame
        Canonical episodes (needs ``child_id``, ``date_of_birth``,
        ``episode_start``, ``episode_end``, ``is_entry``, ``is_exit``,
        ``exit_reason`` and the ``by`` columns other than ``age``,
        ``age_band`` and ``time_in_care``).
    by : sequence of str
        Dimensions of the state, e.g. ``("placement", "age")``.
        ``time_in_care`` bands the time since the period of care began
        (:data:`sufficiency.ages.TIME_IN_CARE_BANDS`); a period that began
        before the first return is timed from its first visible episode.
    until : pandas.Timestamp
        Open episodes are followed up to the end of this day.
    bands : mapping, optional
        Age bands for ``age_band`` (default DfE bands).

    Returns
    -------
    Pieces
    """
    by = tuple(by)
    missing = [c for c in by if c not in (S.AGE, S.AGE_BAND, S.TIME_IN_CARE) and c not in episodes.columns]
    if missing:
        raise KeyError(f"by={by}: the episodes have no column {missing[0]!r}")
    ep = episodes.sort_values([S.CHILD_ID, S.EPISODE_START], kind="stable")
    stop = np.datetime64(until + pd.Timedelta(days=1), "ns")
    dob = ep[S.DATE_OF_BIRTH].to_numpy("datetime64[ns]")
    start = ep[S.EPISODE_START].to_numpy("datetime64[ns]")
    recorded_end = ep[S.EPISODE_END].to_numpy("datetime64[ns]")
    end = np.where(np.isnat(recorded_end), stop, recorded_end)
    eighteen = birthday(dob, S.LEAVING_AGE)
    end = np.where(~np.isnat(eighteen) & (end > eighteen) & np.isnat(recorded_end), eighteen, end)
    end = np.maximum(end, start)
    age_s = age_at(dob, start)
    age_e = age_at(dob, np.maximum(end - _ONE_DAY, start))
    n = np.where(np.isnan(age_s), 1, np.maximum(age_e - age_s + 1, 1)).astype(np.int64)
    rep = np.repeat(np.arange(len(ep)), n)
    k = np.arange(len(rep)) - np.repeat(np.cumsum(n) - n, n)
    age = age_s[rep] + k
    first = k == 0
    last = k == n[rep] - 1
    p_start = start[rep].copy()
    p_end = end[rep].copy()
    inner_start = ~first
    if inner_start.any():
        p_start[inner_start] = birthday(dob[rep][inner_start], age[inner_start].astype(np.int64))
    inner_end = ~last
    if inner_end.any():
        p_end[inner_end] = birthday(dob[rep][inner_end], (age[inner_end] + 1).astype(np.int64))
    frame = pd.DataFrame(
        {
            S.CHILD_ID: ep[S.CHILD_ID].to_numpy()[rep],
            "start": p_start,
            "end": p_end,
            "first": first,
            "last": last,
            "entry": first & ep[S.IS_ENTRY].to_numpy(bool)[rep],
            "exit": last
            & ep[S.IS_EXIT].to_numpy(bool)[rep]
            & ~np.isnat(recorded_end[rep])
            & (recorded_end[rep] < stop),
            "exit_reason": ep[S.EXIT_REASON].to_numpy()[rep],
        }
    )
    rows = rep
    if S.TIME_IN_CARE in by:
        frame, rows, age, tic_band = _split_time_in_care(frame, rows, age, period_began(ep)[rep])
    levels: dict[str, pd.Index] = {}
    codes = np.zeros(len(rows), dtype=np.int64)
    for name in by:
        if name == S.TIME_IN_CARE:
            values = pd.Series(pd.Categorical.from_codes(tic_band, categories=list(TIME_IN_CARE_BANDS), ordered=True))
        elif name == S.AGE:
            values = pd.Series(age)
        elif name == S.AGE_BAND:
            values = pd.Series(age_band(age, bands=bands))
        else:
            values = pd.Series(ep[name].to_numpy()[rows])
        lv = _levels(name, values)
        levels[name] = lv
        code = lv.get_indexer(values)
        if values.isna().any():
            code[values.isna().to_numpy()] = len(lv) - 1
        codes = codes * len(lv) + code
    frame["state"] = codes
    pieces = Pieces(frame=frame.reset_index(drop=True), levels=levels, by=by)
    if pieces.n_states > 5_000_000:
        raise ValueError(f"by={by} gives {pieces.n_states} states; use fewer or coarser dimensions")
    return pieces


def period_began(episodes: pd.DataFrame) -> np.ndarray:
    """First day of the period of care each episode belongs to.

    A period begins with an episode flagged ``is_entry``; one that began
    before the first return is timed from its first visible episode.

    Parameters
    ----------
    episodes : pandas.DataFrame
        Canonical episodes (``child_id``, ``episode_start``, ``is_entry``).

    Returns
    -------
    numpy.ndarray
        ``datetime64[ns]``, aligned with the rows of ``episodes`` [date].
    """
    ep = (
        episodes[[S.CHILD_ID, S.EPISODE_START, S.IS_ENTRY]]
        .reset_index(drop=True)
        .sort_values([S.CHILD_ID, S.EPISODE_START], kind="stable")
    )
    period = ep[S.IS_ENTRY].astype(int).groupby(ep[S.CHILD_ID]).cumsum()
    began = ep[S.EPISODE_START].groupby([ep[S.CHILD_ID], period]).transform("min")
    out = np.empty(len(ep), dtype="datetime64[ns]")
    out[ep.index.to_numpy()] = began.to_numpy("datetime64[ns]")
    return out


def _split_time_in_care(
    frame: pd.DataFrame, rows: np.ndarray, age: np.ndarray, began: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """Split pieces where time in care crosses a band boundary.

    Returns the new pieces, their episode rows and ages, and each piece's
    band (index into :data:`TIME_IN_CARE_BANDS`).
    """
    start = frame["start"].to_numpy("datetime64[ns]")
    end = frame["end"].to_numpy("datetime64[ns]")
    bounds = [pd.DataFrame({"piece": np.arange(len(frame)), "date": start})]
    for months in list(TIME_IN_CARE_BANDS.values())[1:]:
        when = (pd.DatetimeIndex(began) + pd.DateOffset(months=months)).to_numpy("datetime64[ns]")
        inside = (when > start) & (when < end)
        bounds.append(pd.DataFrame({"piece": np.flatnonzero(inside), "date": when[inside]}))
    cut = pd.concat(bounds, ignore_index=True).sort_values(["piece", "date"], kind="stable")
    piece = cut["piece"].to_numpy()
    new_start = cut["date"].to_numpy("datetime64[ns]")
    same_next = np.r_[piece[1:] == piece[:-1], False]
    new_end = np.where(same_next, np.r_[new_start[1:], new_start[:1]], end[piece])
    first_sub = np.r_[True, piece[1:] != piece[:-1]]
    out = frame.iloc[piece].reset_index(drop=True)
    out["start"] = new_start
    out["end"] = new_end
    out["first"] = out["first"].to_numpy() & first_sub
    out["entry"] = out["entry"].to_numpy() & first_sub
    out["last"] = out["last"].to_numpy() & ~same_next
    out["exit"] = out["exit"].to_numpy() & ~same_next
    band = np.zeros(len(piece), dtype=np.int64)
    for months in list(TIME_IN_CARE_BANDS.values())[1:]:
        when = (pd.DatetimeIndex(began[piece]) + pd.DateOffset(months=months)).to_numpy("datetime64[ns]")
        band += when <= new_start
    return out, rows[piece], age[piece], band
