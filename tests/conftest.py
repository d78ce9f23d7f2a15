"""Shared paths and helpers for the tests (all built from __file__)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SEEDS = DATA / "seeds"


def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def truth_for(doc: Path) -> dict:
    path = doc.parent / "truth" / (doc.stem + ".json")
    if not path.exists():
        pytest.fail(f"truth file missing: {path}")
    return json.loads(path.read_text(encoding="utf-8"))


def extract_and_score(out: Path, path: Path):
    """Extract generated document ``path`` and score it against its truth under ``out``."""
    from extractor.evaluate import score_document
    from extractor.pipeline import extract
    result = extract(str(path))
    truth = json.loads((out / "truth" / f"{path.stem}.json").read_text(encoding="utf-8"))
    return result, score_document(result, truth)
