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
