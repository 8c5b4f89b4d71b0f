"""The run stamp: what made a report, so a figure sent round can be traced to its run."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from ..common.dates import financial_year_label
from .analysis import Analysis, ReportOptions

__all__ = ["package_version", "run_stamp"]


def package_version() -> str:
    """The installed version of the package, or "not installed"."""
    try:
        return metadata.version("sufficiency")
    except metadata.PackageNotFoundError:  # run from a checkout that is not installed
        return "not installed"


def run_stamp(a: Analysis, options: ReportOptions, run_date: str) -> list[tuple[str, str]]:
    """The package version, the run's date and seed, the input files by name and the span of the data.

    Parameters
    ----------
    a : Analysis
    options : ReportOptions
    run_date : str
        The day the report was made (``"2026-12-06"``).

    Returns
    -------
    list of (str, str)
        Label and value, in order.
    """
    years = a.inputs.data.years
    named = [
        f"{what}: {Path(path).name}"
        for what, path in a.inputs.sources.items()
        if path is not None and what != "returns"
    ]
    return [
        ("made by", f"sufficiency {package_version()}"),
        ("run on", run_date),
        ("seed", str(options.seed)),
        ("simulated paths", f"{options.n_sims:,}"),
        (
            "returns",
            f"{financial_year_label(min(years))} to {financial_year_label(max(years))}, data to "
            f"{a.inputs.data.censor_date:%d %B %Y}" + (" (the bundled synthetic county)" if a.inputs.sample else ""),
        ),
        ("input files", "; ".join(named) or "the returns only"),
    ]
