"""The bundled sample county."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from ..ingest.returns import SSDA903Data, read_ssda903
from ..published.readers import read_published, read_published_placements, read_published_spend

__all__ = ["load_published", "load_published_placements", "load_published_spend", "load_sample", "sample_path"]


def sample_path() -> Path:
    """Folder holding the bundled sample returns.

    Looks first in the installed package (``sufficiency/_sample``), then in a
    source checkout (``data/sample`` beside ``src``).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    FileNotFoundError
        If neither place holds the sample.
    """
    packaged = Path(str(resources.files("sufficiency").joinpath("_sample")))
    if (packaged / "manifest.json").is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / "data" / "sample"
    if (checkout / "manifest.json").is_file():
        return checkout
    raise FileNotFoundError("the sample data is missing from this installation; reinstall with 'pip install .'")


def load_sample(**options: object) -> SSDA903Data:
    """Read the bundled synthetic county's SSDA903 returns.

    Parameters
    ----------
    **options
        Passed to :func:`sufficiency.read_ssda903` (e.g. ``mapping=``).

    Returns
    -------
    SSDA903Data
    """
    return read_ssda903(sample_path() / "returns", **options)  # type: ignore[arg-type]


def load_published() -> pd.DataFrame:
    """The DfE council table of children looked after shipped with the package.

    Real published figures for every English council, reporting years
    2011-2022 (CLA at 31 March; starts, ceases and the 0-17 population from
    2018). Source: DfE, *Children looked after in England including
    adoptions*; Open Government Licence v3.0.

    Returns
    -------
    pandas.DataFrame
        As returned by :func:`sufficiency.read_published`.
    """
    return read_published(Path(str(resources.files("sufficiency").joinpath("data", "dfe_la_totals.csv"))))


def load_published_placements() -> pd.DataFrame:
    """The DfE council table of children looked after by placement type shipped with the package.

    Real published figures for every English council at 31 March, 2011-2017
    and 2021-2022, grouped as :func:`sufficiency.read_published_placements`
    does. Source: DfE, *Children looked after in England including
    adoptions*; Open Government Licence v3.0.

    Returns
    -------
    pandas.DataFrame
        As returned by :func:`sufficiency.read_published_placements`.
    """
    return read_published_placements(
        Path(str(resources.files("sufficiency").joinpath("data", "dfe_la_placements.csv")))
    )


def load_published_spend() -> pd.DataFrame:
    """Councils' published children-looked-after expenditure shipped with the package.

    Gross and net expenditure by council, financial year and line (total,
    residential care, fostering services, other services, UASC, secure
    welfare beds, and total children's social care for context): DfE section
    251 outturn 2008-09 to 2013-14 and MHCLG revenue outturn RO3 2023-24.
    Open Government Licence v3.0. Compare a council's
    :func:`sufficiency.spend_history` with its outturn.

    Returns
    -------
    pandas.DataFrame
        As returned by :func:`sufficiency.published.readers.read_published_spend`.
    """
    return read_published_spend(Path(str(resources.files("sufficiency").joinpath("data", "dfe_la_spend.csv"))))
