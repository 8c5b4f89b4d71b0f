"""What happened: the returns' events and stock in the shape of :class:`~.series.EventArrays`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.ages import DFE_AGE_BANDS
from ..counts.flows import flows
from ..finance.months import months_of
from .series import EventArrays

__all__ = ["STREAM", "observed_events", "with_streams"]

#: The column that names each episode's stream while counting.
STREAM = "stream"


def with_streams(episodes: pd.DataFrame, streams: tuple[str, ...]) -> pd.DataFrame:
    """The episodes with the ``stream`` column an evaluation counts by.

    Parameters
    ----------
    episodes : pandas.DataFrame
        Canonical episodes.
    streams : tuple of str
        The counterfactual's streams.

    Returns
    -------
    pandas.DataFrame
        A copy with ``stream``: ``uasc`` or ``other`` for two streams (by
        each episode's UASC flag, as :func:`sufficiency.fit` splits them),
        else the one stream's name.
    """
    out = episodes.copy()
    if len(streams) > 1 and S.UASC in out.columns:
        out[STREAM] = np.where(out[S.UASC].fillna(False).astype(bool), "uasc", "other")
    else:
        out[STREAM] = streams[0]
    return out


def observed_events(
    episodes: pd.DataFrame,
    dates: pd.DatetimeIndex,
    *,
    streams: tuple[str, ...],
    categories: tuple[str, ...],
    price: np.ndarray | None,
) -> EventArrays:
    """Count the returns' entries, exits, moves and stock month by month.

    Parameters
    ----------
    episodes : pandas.DataFrame
        Canonical episodes of the full returns, with the ``stream`` column of
        :func:`with_streams`.
    dates : pandas.DatetimeIndex
        The start date, then each month end.
    streams, categories : tuple of str
        The counterfactual's streams and categories.
    price : numpy.ndarray or None
        (month, category) weekly price [£/week].

    Returns
    -------
    EventArrays
        With one path: what happened. Children whose age is unknown count
        in the last age slot.
    """
    counted = flows(
        episodes,
        start=dates[0] + pd.Timedelta(days=1),
        end=dates[-1],
        freq="MS",
        by=(S.PLACEMENT, S.AGE_BAND, STREAM),
    )
    table = counted.table
    n_m, n_t, n_c, n_b = len(dates) - 1, len(streams), len(categories), len(DFE_AGE_BANDS) + 1
    month = np.searchsorted(dates[1:], table[S.PERIOD_END].to_numpy("datetime64[ns]"))
    t = pd.Index(streams).get_indexer(table[STREAM])
    c = pd.Index(categories).get_indexer(table[S.PLACEMENT])
    bands = pd.Index(list(DFE_AGE_BANDS))
    b = bands.get_indexer(table[S.AGE_BAND].astype(object))
    b = np.where(b < 0, n_b - 1, b)
    unknown = sorted(set(table.loc[c < 0, S.PLACEMENT].dropna()))
    if unknown:
        raise ValueError(f"placements {unknown} are in the returns but not in the model's categories {categories}")

    def grid(measure: str, extra: tuple[int, ...], where: tuple[np.ndarray]) -> np.ndarray:
        out = np.zeros((n_t, n_m) + extra)
        np.add.at(out, (t, month, *where), table[measure].to_numpy(float))
        return out[:, None]

    stock = np.zeros((n_t, n_m + 1, n_c, n_b))
    np.add.at(stock, (t, month + 1, c, b), table[S.STOCK_END].to_numpy(float))
    first = month == 0
    np.add.at(stock, (t[first], 0, c[first], b[first]), table.loc[first, S.STOCK_START].to_numpy(float))
    moves = np.zeros((n_t, n_m, n_c, n_c))
    mv = counted.moves
    mv = mv[mv[f"from_{S.PLACEMENT}"] != mv[f"to_{S.PLACEMENT}"]]
    if len(mv):
        np.add.at(
            moves,
            (
                pd.Index(streams).get_indexer(mv[f"from_{STREAM}"]),
                np.searchsorted(dates[1:], mv[S.PERIOD_END].to_numpy("datetime64[ns]")),
                pd.Index(categories).get_indexer(mv[f"from_{S.PLACEMENT}"]),
                pd.Index(categories).get_indexer(mv[f"to_{S.PLACEMENT}"]),
            ),
            mv["count"].to_numpy(float),
        )
    return EventArrays(
        streams=streams,
        categories=categories,
        entries=grid(S.ENTRIES, (n_c,), (c,)),
        exits=grid(S.EXITS, (n_c,), (c,)),
        entry_bands=grid(S.ENTRIES, (n_b,), (b,)),
        exit_bands=grid(S.EXITS, (n_b,), (b,)),
        moves=moves[:, None],
        stock=stock[:, None],
        months=months_of(dates),
        price=price,
    )
