"""Stage 4, projecting: the expected path and Monte Carlo paths of children in care, month by month.

In: a :class:`~sufficiency.FittedModel` (and, for scenarios,
:class:`~sufficiency.projection.levers.DemandLevers`). Out: :class:`Projection`.
The compiled code (``_kernels``, ``_matrices``, ``_random``) sits behind
:mod:`~sufficiency.projection.paths` and :mod:`~sufficiency.projection.state`;
the calibration factors the paths are stretched by are data read here and
learned in :mod:`sufficiency.accuracy`.
"""

from .result import Projection
from .run import project
from .uasc import uasc_quota_arrivals

__all__ = ["Projection", "project", "uasc_quota_arrivals"]
