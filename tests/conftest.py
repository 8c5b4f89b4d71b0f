from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import sufficiency


@pytest.fixture(scope="session")
def sample():
    """The bundled sample, read once."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sufficiency.DataQualityWarning)
        return sufficiency.load_sample()


@pytest.fixture(scope="session")
def county():
    """A second synthetic county (not the bundled one) with its truth."""
    return sufficiency.simulate_county(seed=11)
