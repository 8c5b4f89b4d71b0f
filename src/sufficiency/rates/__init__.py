"""Stage 3, fitting the model: hazards between placements and out of care, entry rates, their drift.

In: episodes. Out: :class:`FittedModel` (counts, exposure and priors by
placement, time in care and age; entries by age and first placement).
"""

from .fitted import FittedModel
from .fitting import fit

__all__ = ["FittedModel", "fit"]
