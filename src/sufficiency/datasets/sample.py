"""The bundled sample county."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..ingest import SSDA903Data, read_ssda903


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
