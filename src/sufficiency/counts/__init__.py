"""Stage 2, stock and flows: children in care at dates, and entries, exits, moves and child-days in periods.

Everything is counted from episodes split into pieces of constant age, so a
child with a birthday during an episode is counted at the right age every
day. In: episodes (:class:`~sufficiency.SSDA903Data` or a frame). Out: long
frames and :class:`Flows`.
"""

from .flows import Flows, flows
from .stock import stock

__all__ = ["Flows", "flows", "stock"]
