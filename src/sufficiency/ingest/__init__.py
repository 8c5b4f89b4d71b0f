"""Stage 1, reading SSDA903 returns: files as councils keep them, stacked and repaired into one episodes table.

Owns the code lists, the placement taxonomy (``PLACE`` x ``PLACE_PROVIDER``
→ category) and the data-quality log every reader counts its findings in.
Out: :class:`SSDA903Data` (canonical episodes, children, quality findings).
"""

from .quality import summarise_quality
from .returns import EpisodesLike, SSDA903Data, read_ssda903
from .taxonomy import categories, categorise, coarsen, default_taxonomy

__all__ = [
    "EpisodesLike",
    "SSDA903Data",
    "categories",
    "categorise",
    "coarsen",
    "default_taxonomy",
    "read_ssda903",
    "summarise_quality",
]
