"""Sample data and the synthetic-county generator."""

from __future__ import annotations

from .returns import write_returns
from .sample import load_published, load_published_placements, load_published_spend, load_sample, sample_path
from .simulate import CountyParameters, Service, SimulatedCounty, simulate_county

__all__ = [
    "CountyParameters",
    "Service",
    "SimulatedCounty",
    "load_published",
    "load_published_placements",
    "load_published_spend",
    "load_sample",
    "sample_path",
    "simulate_county",
    "write_returns",
]
