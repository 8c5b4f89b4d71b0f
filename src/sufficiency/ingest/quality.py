"""Collect data-quality findings into one report table."""

from __future__ import annotations

import warnings

import pandas as pd

from ..common import schema as S
from ..common.errors import DataQualityWarning

__all__ = ["SEVERITIES", "QualityLog", "summarise_quality", "warn_about"]

SEVERITIES = ("info", "warning", "error")


class QualityLog:
    """Accumulates findings while one dataset is read.

    Created and consumed inside a single call of :func:`sufficiency.read_ssda903`;
    it is never shared between calls.
    """

    def __init__(self) -> None:
        self._parts: list[pd.DataFrame] = []

    def rows(
        self,
        records: pd.DataFrame,
        *,
        column: str,
        rule: str,
        action: str,
        severity: str = "warning",
        value: pd.Series | None = None,
        removed: bool = False,
    ) -> None:
        """Log one entry per row of ``records``.

        Parameters
        ----------
        records : pandas.DataFrame
            Offending rows; must carry ``source_file``, ``source_row`` and
            ``child_id`` columns.
        column : str
            Raw column the rule concerns.
        rule : str
            Short rule identifier.
        action : str
            What the loader did about it.
        severity : {"info", "warning", "error"}
            How much the finding matters: ``"info"`` for conventions the
            loader applied, ``"warning"`` for repairs, ``"error"`` for rows
            that could not be used (whether rows were removed is ``removed``).
        value : pandas.Series, optional
            Offending values, aligned with ``records``.
        removed : bool
            The rows were removed from the data.
        """
        if records.empty:
            return
        part = pd.DataFrame(
            {
                "file": records[S.SOURCE_FILE].astype(str).to_numpy(),
                "row": pd.array(records[S.SOURCE_ROW].to_numpy(), dtype="Int64"),
                S.CHILD_ID: records[S.CHILD_ID].astype(str).to_numpy() if S.CHILD_ID in records else "",
                "column": column,
                "rule": rule,
                "value": "" if value is None else value.astype(str).to_numpy(),
                "action": action,
                "severity": severity,
                "n_rows": 1,
                "removed": removed,
            }
        )
        self._parts.append(part)

    def record(
        self,
        *,
        file: str,
        row: int | None,
        column: str,
        rule: str,
        action: str,
        child_id: str = "",
        value: str = "",
        severity: str = "warning",
        removed: bool = False,
    ) -> None:
        """Log one finding about one line of a file (found before the file became a table)."""
        self._one(
            file=file,
            row=row,
            child_id=child_id,
            column=column,
            rule=rule,
            value=value,
            action=action,
            severity=severity,
            n_rows=1,
            removed=removed,
        )

    def summary(
        self,
        *,
        file: str,
        column: str,
        rule: str,
        action: str,
        n_rows: int,
        severity: str = "info",
        value: str = "",
        removed: bool = False,
    ) -> None:
        """Log one entry standing for ``n_rows`` rows (0 for a whole-file note)."""
        self._one(
            file=file,
            row=None,
            child_id="",
            column=column,
            rule=rule,
            value=value,
            action=action,
            severity=severity,
            n_rows=n_rows,
            removed=removed,
        )

    def _one(
        self,
        *,
        file: str,
        row: int | None,
        child_id: str,
        column: str,
        rule: str,
        value: str,
        action: str,
        severity: str,
        n_rows: int,
        removed: bool,
    ) -> None:
        self._parts.append(
            pd.DataFrame(
                {
                    "file": [file],
                    "row": pd.array([pd.NA if row is None else int(row)], dtype="Int64"),
                    S.CHILD_ID: [child_id],
                    "column": [column],
                    "rule": [rule],
                    "value": [value],
                    "action": [action],
                    "severity": [severity],
                    "n_rows": [int(n_rows)],
                    "removed": [removed],
                }
            )
        )

    def frame(self) -> pd.DataFrame:
        """Return the report (columns :data:`sufficiency.schema.QUALITY_COLUMNS`)."""
        if not self._parts:
            empty = {c: pd.Series(dtype=object) for c in S.QUALITY_COLUMNS}
            empty["row"] = pd.Series(dtype="Int64")
            empty["n_rows"] = pd.Series(dtype="int64")
            empty["removed"] = pd.Series(dtype=bool)
            return pd.DataFrame(empty)
        out = pd.concat(self._parts, ignore_index=True)
        return out[list(S.QUALITY_COLUMNS)]


def summarise_quality(report: pd.DataFrame) -> pd.DataFrame:
    """Count a data-quality report by rule.

    Parameters
    ----------
    report : pandas.DataFrame
        A report as returned in ``SSDA903Data.quality``.

    Returns
    -------
    pandas.DataFrame
        One row per (severity, rule, column, action, removed) with
        ``n_rows`` [rows] and ``n_files``.
    """
    if report.empty:
        return pd.DataFrame(columns=["severity", "rule", "column", "action", "removed", "n_rows", "n_files"])
    out = (
        report.groupby(["severity", "rule", "column", "action", "removed"], sort=False)
        .agg(n_rows=("n_rows", "sum"), n_files=("file", "nunique"))
        .reset_index()
    )
    order = {s: i for i, s in enumerate(reversed(SEVERITIES))}
    return out.sort_values(
        ["severity", "n_rows"], key=lambda c: c.map(order) if c.name == "severity" else -c
    ).reset_index(drop=True)


def warn_about(report: pd.DataFrame, *, stacklevel: int = 3) -> None:
    """Emit one :class:`DataQualityWarning` summarising warnings and errors.

    Parameters
    ----------
    report : pandas.DataFrame
        A data-quality report.
    stacklevel : int
        Passed to :func:`warnings.warn`.
    """
    counts = summarise_quality(report)
    counts = counts[counts["severity"].isin(["warning", "error"])]
    if counts.empty:
        return
    lines = [f"{r.rule} ({r.column}): {r.n_rows} rows, {r.action}" for r in counts.itertuples()]
    warnings.warn(
        f"{int(counts['n_rows'].sum())} data-quality problems were survived; see the .quality report:\n  "
        + "\n  ".join(lines),
        DataQualityWarning,
        stacklevel=stacklevel,
    )
