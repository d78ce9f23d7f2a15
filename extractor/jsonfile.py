"""Reading a JSON object from a file, with one clear reason when it cannot be read."""

from __future__ import annotations

import json
from pathlib import Path


def read_object(path: str | Path, what: str) -> dict:
    """The JSON object in ``path``; ValueError naming ``what`` and the path otherwise."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ValueError(f"cannot read {what} {path}: {e}") from e
    if not isinstance(data, dict):
        raise ValueError(f"{what} {path} is not a JSON object")
    return data
