"""Stage 4, projecting: the expected path and Monte Carlo paths of children in care, month by month.

In: a :class:`~sufficiency.FittedModel` (and, for scenarios,
:class:`~sufficiency.projection.levers.DemandLevers`). Out: :class:`Projection`.
The compiled code (``_kernels``, ``_steps``, ``_matrices``, ``_random``) sits behind
:mod:`~sufficiency.projection.paths` and :mod:`~sufficiency.projection.state`;
the corrections applied to every projection (a blend towards no change and
the stretch of every group's band) are data read here and learned in
:mod:`sufficiency.accuracy`.
"""

from .calibration import CalibrationWarning
from .result import Projection
from .run import project
from .uasc import uasc_quota_arrivals

__all__ = ["CalibrationWarning", "Projection", "project", "uasc_quota_arrivals"]
