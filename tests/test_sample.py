"""The bundled sample and its manifest."""

from __future__ import annotations

import hashlib
import json

import sufficiency as suf
from sufficiency import schema as S


def test_manifest_describes_the_files():
    root = suf.sample_path()
    manifest = json.loads((root / "manifest.json").read_text())
    assert manifest["seed"] == 903
    for item in manifest["files"]:
        path = root / item["path"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == item["sha256"], item["path"]


def test_load_sample(sample):
    assert sample.years == tuple(range(2016, 2026))
    assert sample.censor_date.strftime("%Y-%m-%d") == "2025-03-31"
    assert sample.episodes[S.CHILD_ID].nunique() > 2000
    assert set(sample.episodes[S.PLACEMENT]) <= set(suf.categories()["category"])
