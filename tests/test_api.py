"""The public API: curated, documented, no matplotlib at import."""

from __future__ import annotations

import inspect
import subprocess
import sys

import sufficiency as suf


def test_all_names_exist_and_are_documented():
    for name in suf.__all__:
        obj = getattr(suf, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            doc = inspect.getdoc(obj) or ""
            assert len(doc) > 40, name
            if inspect.isfunction(obj) and inspect.signature(obj).parameters:
                assert "Parameters" in doc, name


def test_import_does_not_pull_in_matplotlib():
    code = "import sys, sufficiency; sys.exit(1 if 'matplotlib' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_schema_error_is_a_value_error():
    assert issubclass(suf.SchemaError, ValueError)
    assert issubclass(suf.DataQualityWarning, UserWarning)


#: ``sufficiency.__all__`` before the package was grouped by stage: every name must still import.
NAMES_BEFORE_THE_LAYOUT = (
    "DFE_AGE_BANDS",
    "BacktestResult",
    "CostProjection",
    "DataQualityWarning",
    "FittedModel",
    "Flows",
    "PlacementFees",
    "Projection",
    "SSDA903Data",
    "Scenario",
    "ScenarioScores",
    "SchemaError",
    "__version__",
    "add_capacity",
    "age_band",
    "backtest",
    "backtest_published",
    "backtest_published_placements",
    "baseline_forecast",
    "categories",
    "categorise",
    "change_entries",
    "change_hazard",
    "change_unit_cost",
    "choose_reference",
    "coarsen",
    "cost",
    "cost_pressure",
    "default_inflation",
    "default_route_shares",
    "default_taxonomy",
    "default_unit_costs",
    "fit",
    "flows",
    "forecast_published",
    "forecast_published_placements",
    "implementation_cost",
    "load_published",
    "load_published_placements",
    "load_published_spend",
    "load_sample",
    "project",
    "read_capacity",
    "read_inflation",
    "read_placement_costs",
    "read_published",
    "read_published_placements",
    "read_route_shares",
    "read_scenarios",
    "read_ssda903",
    "read_unit_costs",
    "sample_path",
    "schema",
    "score",
    "shift_placements",
    "simulate_county",
    "spend_history",
    "stock",
    "sufficiency_gap",
    "summarise_quality",
    "truncate",
    "uasc_quota_arrivals",
    "write_returns",
)


def test_every_public_name_is_still_there():
    assert set(NAMES_BEFORE_THE_LAYOUT) <= set(suf.__all__)
    for name in NAMES_BEFORE_THE_LAYOUT:
        assert getattr(suf, name) is not None, name
