"""The bundled samples: each sits beside its truth, and the extractor reproduces it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.pipeline import extract

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
DOCS = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".html", ".pdf", ".md"))


def test_there_are_samples():
    assert DOCS


@pytest.mark.parametrize("doc", DOCS, ids=[p.name for p in DOCS])
def test_sample_matches_its_truth(doc):
    truth_path = doc.with_name(doc.stem + ".truth.json")
    if not truth_path.exists():
        pytest.fail(f"{truth_path.name} is missing: every sample needs its truth beside it")
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    result = extract(doc)
    assert result["template"] == truth["template"]
    for fid, value in truth["fields"].items():
        assert result["fields"][fid]["value"] == value, fid
