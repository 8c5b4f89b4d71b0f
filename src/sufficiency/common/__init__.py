"""Stage 0, the vocabulary every stage shares: column names and units, errors, dates and financial years, ages.

Nothing here knows about any later stage; every other package may import it.
"""

from . import schema
from .errors import DataQualityWarning, SchemaError

__all__ = ["DataQualityWarning", "SchemaError", "schema"]
