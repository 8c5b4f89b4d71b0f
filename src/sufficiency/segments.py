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

from . import schema as S
from .ages import age_band
from .dates import age_at, birthday
from .taxonomy import categories

ONE_DAY = np.timedelta64(1, "D")


def episodes_of(data: object) -> tuple[pd.DataFrame, pd.Timestamp | None, pd.Timestamp | None]:
    """Return ``(episodes, coverage_start, censor_date)`` from a frame or :class:`SSDA903Data`."""
    if hasattr(data, "episodes"):
        return data.episodes, data.coverage_start, data.censor_date  # type: ignore[attr-defined]
    if isinstance(data, pd.DataFrame):
        return data, None, None
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
                elif name == S.AGE_BAND:
                    out[name] = pd.Categorical(values, categories=[v for v in self.levels[name] if isinstance(v, str)], ordered=True)
                else:
                    out[name] = values
        return pd.DataFrame(out, index=range(len(codes)))


def _levels(name: str, values: pd.Series) -> pd.Index:
    if name == S.AGE:
        return pd.Index(sorted(v for v in values.dropna().unique()) + ([np.nan] if values.isna().any() else []))
    if name == S.PLACEMENT:
        order = list(categories()["category"])
        seen = set(values.dropna().astype(str))
        return pd.Index([c for c in order if c in seen] + sorted(seen - set(order)))
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
        ``exit_reason`` and the ``by`` columns other than ``age`` and
        ``age_band``).
    by : sequence of str
        Dimensions of the state, e.g. ``("placement", "age")``.
    until : pandas.Timestamp
        Open episodes are followed up to the end of this day.
    bands : mapping, optional
        Age bands for ``age_band`` (default DfE bands).

    Returns
    -------
    Pieces
    """
    by = tuple(by)
    missing = [c for c in by if c not in (S.AGE, S.AGE_BAND) and c not in episodes.columns]
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
    age_e = age_at(dob, np.maximum(end - ONE_DAY, start))
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
            "exit": last & ep[S.IS_EXIT].to_numpy(bool)[rep] & ~np.isnat(recorded_end[rep]) & (recorded_end[rep] < stop),
            "exit_reason": ep[S.EXIT_REASON].to_numpy()[rep],
        }
    )
    levels: dict[str, pd.Index] = {}
    codes = np.zeros(len(rep), dtype=np.int64)
    for name in by:
        if name == S.AGE:
            values = pd.Series(age)
        elif name == S.AGE_BAND:
            values = pd.Series(age_band(age, bands=bands))
        else:
            values = pd.Series(ep[name].to_numpy()[rep])
        lv = _levels(name, values)
        levels[name] = lv
        code = lv.get_indexer(values)
        if values.isna().any():
            code[values.isna().to_numpy()] = len(lv) - 1
        codes = codes * len(lv) + code
    frame["state"] = codes
    pieces = Pieces(frame=frame, levels=levels, by=by)
    if pieces.n_states > 5_000_000:
        raise ValueError(f"by={by} gives {pieces.n_states} states; use fewer or coarser dimensions")
    return pieces
