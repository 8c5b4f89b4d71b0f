"""Exceptions and warnings raised by the library."""

from __future__ import annotations


class SchemaError(ValueError):
    """A file or table cannot be used as it stands.

    The message names the file, the column and the rule that failed.

    Parameters
    ----------
    message : str
        Human-readable explanation.
    file : str, optional
        File the problem was found in.
    column : str, optional
        Column concerned.
    rule : str, optional
        Short rule identifier (e.g. ``"missing_column"``).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        column: str | None = None,
        rule: str | None = None,
    ) -> None:
        parts = [p for p in (f"file {file!r}" if file else None, f"column {column!r}" if column else None, f"rule {rule}" if rule else None) if p]
        prefix = f"[{'; '.join(parts)}] " if parts else ""
        super().__init__(prefix + message)
        self.file = file
        self.column = column
        self.rule = rule


class DataQualityWarning(UserWarning):
    """Problems in the input that the loader survived (counted in its report)."""
