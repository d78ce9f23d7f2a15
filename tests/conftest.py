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
