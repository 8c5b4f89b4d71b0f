"""Children in care at given dates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..common import schema as S
from ..common.dates import DateLike, day
from ..ingest.returns import EpisodesLike
from .pieces import episodes_of, make_pieces

__all__ = ["stock"]


def stock(
    data: EpisodesLike,
    dates: Iterable[DateLike] | DateLike,
    *,
    by: Sequence[str] = (S.PLACEMENT, S.AGE),
    bands: Mapping[str, tuple[int, int]] | None = None,
) -> pd.DataFrame:
    """Count children in care at the end of each date.

    A child counts on date *d* when ``episode_start <= d`` and the episode
    is open or ends after *d* (the DfE 31 March convention). Age is the
    child's completed years on *d*, not at episode start.

    Parameters
    ----------
    data : pandas.DataFrame or SSDA903Data
        Canonical episodes.
    dates : date or iterable of dates
        Count dates.
    by : sequence of str
        Dimensions: any episode column (``placement``, ``placement_coarse``,
        ``legal_status``, ``sex``, ``uasc``, ...) and ``age`` and/or
        ``age_band``. ``()`` gives totals.
    bands : mapping, optional
        ``{label: (lowest, highest)}`` age bands [years] for ``age_band``.

    Returns
    -------
    pandas.DataFrame
        Long frame: ``date``, the ``by`` columns, ``children`` [children].
        Every combination of the levels seen in the data appears at every
        date (zeros included).
    """
    episodes, _, _ = episodes_of(data)
    asked = [dates] if isinstance(dates, str) or not isinstance(dates, Iterable) else list(dates)
    when = pd.DatetimeIndex([day(d, "date") for d in asked])  # 01/04/2022 is 1 April, as the returns write it
    if len(when) == 0:
        raise ValueError("give at least one date")
    pieces = make_pieces(episodes, by=by, until=when.max(), bands=bands)
    frame = pieces.frame
    start = frame["start"].to_numpy("datetime64[ns]")
    end = frame["end"].to_numpy("datetime64[ns]")
    state = frame["state"].to_numpy()
    n = pieces.n_states
    counts = np.empty((len(when), n), dtype=np.int64)
    for i, moment in enumerate(when.to_numpy("datetime64[ns]")):
        active = (start <= moment) & (end > moment)
        counts[i] = np.bincount(state[active], minlength=n)
    out = pieces.decode(np.tile(np.arange(n), len(when)))
    out.insert(0, S.DATE, np.repeat(when.to_numpy("datetime64[ns]"), n))
    out[S.CHILDREN] = counts.ravel()
    return out
