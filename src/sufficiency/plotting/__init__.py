"""Charts of the library's results (the only package that imports matplotlib, inside each function)."""

from .charts import *  # noqa: F401,F403
