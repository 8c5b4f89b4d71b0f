"""The report (a leaf): the library's results chosen, formatted and written as a page, workbook, charts and CSVs.

With :mod:`sufficiency.cli`, the only code that writes files. The run is
:func:`~sufficiency.report.analysis.analyse` (a typed
:class:`~sufficiency.report.analysis.Analysis`); the headline, tables and
charts read it; the page and the workbook write it.
"""

from .analysis import Analysis, ReportOptions, analyse
from .progress import Progress
from .write import Report, write_report

__all__ = ["Analysis", "Progress", "Report", "ReportOptions", "analyse", "write_report"]
