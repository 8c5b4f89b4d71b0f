"""Exceptions and warnings raised by the library."""

from __future__ import annotations

__all__ = ["DataQualityWarning", "SchemaError"]


class SchemaError(ValueError):
    """A file or table cannot be used as it stands.

    The message is one line that names where the problem is (the file or
    table, the row and the column) and what it is, ending with the rule
    that failed, e.g. ``returns/2016-17/episodes.csv, row 12, column DECOM:
    '31/02/2016' is not a date [invalid_date]``.

    Parameters
    ----------
    message : str
        What is wrong, in words.
    file : str, optional
        File the problem was found in, as the user gave it (or a label such
        as ``"<unit costs>"`` for a table passed in memory).
    row : int, optional
        1-based line of that file (the column-name line is 1), or row of the
        table.
    column : str, optional
        Column concerned.
    rule : str, optional
        Short rule identifier (e.g. ``"missing_column"``).

    Attributes
    ----------
    message, file, row, column, rule
        As given.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        rule: str | None = None,
    ) -> None:
        self.message = " ".join(str(message).split())
        self.file = None if file is None else str(file)
        self.row = None if row is None else int(row)
        self.column = None if column is None else str(column)
        self.rule = rule
        where = [
            part
            for part in (
                self.file,
                None if self.row is None else f"row {self.row}",
                None if self.column is None else f"column {self.column}",
            )
            if part
        ]
        text = (", ".join(where) + ": " if where else "") + self.message
        super().__init__(text + (f" [{rule}]" if rule else ""))


class DataQualityWarning(UserWarning):
    """Problems in the input that the loader survived (counted in its report)."""
