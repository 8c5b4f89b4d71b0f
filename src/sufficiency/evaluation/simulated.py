"""The counterfactual's events: a projection's paths in the shape of :class:`~.series.EventArrays`."""

from __future__ import annotations

import numpy as np

from ..common.ages import DFE_AGE_BANDS, band_index
from ..finance.months import months_of
from ..projection.result import Projection
from .series import EventArrays

__all__ = ["simulated_events"]


def _bands(by_age: np.ndarray) -> np.ndarray:
    """Sum the last axis (single years of age 0-17) into the DfE bands plus an empty 'unknown' slot."""
    out = np.zeros(by_age.shape[:-1] + (len(DFE_AGE_BANDS) + 1,), dtype=by_age.dtype)
    for a, b in enumerate(band_index()):
        out[..., b] += by_age[..., a]
    return out


def simulated_events(projection: Projection, price: np.ndarray | None) -> EventArrays:
    """The events and stock of every path of a projection made with ``events=True``.

    Parameters
    ----------
    projection : Projection
        With :attr:`Projection.events`.
    price : numpy.ndarray or None
        (month, category) weekly price [£/week].

    Returns
    -------
    EventArrays
    """
    ev = projection.events
    if ev is None:
        raise ValueError("the projection kept no events: project with events=True")
    if len(ev.streams) > 1 and projection.uasc is not None:
        stock = np.stack([projection.draws - projection.uasc, projection.uasc])
    else:
        stock = projection.draws[None]
    return EventArrays(
        streams=ev.streams,
        categories=projection.categories,
        entries=ev.entries[:, :, 1:],
        exits=ev.exits[:, :, 1:],
        entry_bands=_bands(ev.entry_ages[:, :, 1:]),
        exit_bands=_bands(ev.exit_ages[:, :, 1:]),
        moves=ev.moves[:, :, 1:],
        stock=_bands(stock),
        months=months_of(projection.dates),
        price=price,
    )
