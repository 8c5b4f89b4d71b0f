"""Stage 6, sufficiency: projected demand against the places the council can get, and the price of a shortfall.

In: a :class:`~sufficiency.Projection`, a capacity table and the prices.
Out: the sufficiency table.
"""

from .capacity import read_capacity
from .gap import sufficiency_gap

__all__ = ["read_capacity", "sufficiency_gap"]
