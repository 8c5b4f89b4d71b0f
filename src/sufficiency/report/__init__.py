"""The report (a leaf): every result of the library chosen, formatted and written as a page, a workbook, charts and CSVs.

With :mod:`sufficiency.cli`, the only code that writes files.
"""
