"""Stage 5, pounds: prices, the council's fees, the cost of a forecast, past spend and why spend changes.

Every pound is priced through one path: :class:`Prices` (unit costs,
inflation, route shares, the placement cost file) resolved into a
:class:`~sufficiency.finance.pricing.Pricing`. In: a
:class:`~sufficiency.Projection` or the returns. Out:
:class:`CostProjection`, spend and pressure tables.
"""

from .costs import CostProjection, cost
from .fees import PlacementFees, read_placement_costs
from .history import spend_history
from .outturn import read_outturn, reconcile
from .pressure import cost_pressure
from .prices import Prices
from .readers import read_inflation, read_route_shares, read_unit_costs
from .tables import default_inflation, default_route_shares, default_unit_costs

__all__ = [
    "CostProjection",
    "PlacementFees",
    "Prices",
    "cost",
    "cost_pressure",
    "default_inflation",
    "default_route_shares",
    "default_unit_costs",
    "read_inflation",
    "read_outturn",
    "read_placement_costs",
    "read_route_shares",
    "read_unit_costs",
    "reconcile",
    "spend_history",
]
