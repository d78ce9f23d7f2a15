"""The corrections format: one JSON object per line (JSONL), written by the review service's
export and read by whatever learns from corrections.

A line records one decision of a reviewer about one field of one document::

    {"sha256": "fed2…0a92", "field_id": "requests.total.natural_person",
     "value_before": 1520, "value_after": 1526, "reviewer": "alice",
     "time": "2024-05-01T08:30:12.345Z",
     "source": {"page": 5, "bbox": [251.2, 401.3, 284.6, 424.9]}}

- ``sha256``: the SHA-256 of the document's bytes (the result's ``document.sha256``);
- ``field_id``: a field of the contract, ``TABLE.ROW.COLUMN``;
- ``value_before``: the value in force before the decision (the extractor's, or an earlier
  correction's); ``value_after``: the value the reviewer set. Numbers, or ``null`` for a cell
  printed empty. Equal values mean the reviewer *confirmed* the value;
- ``reviewer``: who decided; ``time``: when, ISO 8601 in UTC with a ``Z``;
- ``source`` (optional): where the field was read, as in the result: ``page`` and ``bbox``
  (PDF points) for PDFs, ``line`` (and ``page`` for texts with page breaks) for text inputs;
- ``confidence_before`` and ``status_before`` (optional): what the extractor said of the field.

Keys not listed here are ignored when reading, so the format can grow.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Optional, Union

from .errors import ExtractorError

Number = Union[int, float]
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_FIELD_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+){2,}$")


class CorrectionFormatError(ExtractorError, ValueError):
    """A line that is not a correction; the message names the key at fault."""


@dataclass(frozen=True)
class Correction:
    sha256: str
    field_id: str
    value_before: Optional[Number]
    value_after: Optional[Number]
    reviewer: str
    time: str
    page: Optional[int] = None
    bbox: Optional[tuple[float, float, float, float]] = None
    line: Optional[int] = None
    confidence_before: Optional[float] = None
    status_before: Optional[str] = None

    def __post_init__(self) -> None:
        if not isinstance(self.sha256, str) or not _SHA256.match(self.sha256):
            raise CorrectionFormatError(f"sha256 must be 64 lowercase hex digits, not {self.sha256!r}")
        if not isinstance(self.field_id, str) or not _FIELD_ID.match(self.field_id):
            raise CorrectionFormatError(f"field_id must look like TABLE.ROW.COLUMN, not {self.field_id!r}")
        for key in ("value_before", "value_after"):
            _check_number(key, getattr(self, key))
        if not isinstance(self.reviewer, str) or not self.reviewer.strip():
            raise CorrectionFormatError(f"reviewer must be a non-empty name, not {self.reviewer!r}")
        if not isinstance(self.time, str) or not self.time.endswith("Z"):
            raise CorrectionFormatError(f"time must be ISO 8601 in UTC ending in Z, not {self.time!r}")
        try:
            datetime.fromisoformat(self.time[:-1])
        except ValueError:
            raise CorrectionFormatError(f"time must be ISO 8601 in UTC ending in Z, not {self.time!r}") from None
        if self.bbox is not None and (len(self.bbox) != 4 or
                                      not all(isinstance(v, (int, float)) for v in self.bbox)):
            raise CorrectionFormatError(f"source.bbox must be four numbers, not {self.bbox!r}")
        for key in ("page", "line"):
            v = getattr(self, key)
            if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
                raise CorrectionFormatError(f"source.{key} must be a whole number, not {v!r}")

    @property
    def confirmed(self) -> bool:
        """True when the reviewer kept the value (a confirmation, not a change)."""
        return self.value_before == self.value_after

    def to_dict(self) -> dict:
        d: dict = {"sha256": self.sha256, "field_id": self.field_id,
                   "value_before": self.value_before, "value_after": self.value_after,
                   "reviewer": self.reviewer, "time": self.time}
        source = {k: v for k, v in (("page", self.page), ("bbox", list(self.bbox) if self.bbox else None),
                                     ("line", self.line)) if v is not None}
        if source:
            d["source"] = source
        if self.confidence_before is not None:
            d["confidence_before"] = self.confidence_before
        if self.status_before is not None:
            d["status_before"] = self.status_before
        return d


def _check_number(key: str, v) -> None:
    if v is None:
        return
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise CorrectionFormatError(f"{key} must be a number or null, not {v!r}")


def to_json_line(c: Correction) -> str:
    """One line of JSON (no trailing newline), keys in a fixed order, Chinese kept as is."""
    return json.dumps(c.to_dict(), ensure_ascii=False, separators=(",", ":"))


def parse_line(line: str) -> Correction:
    """A :class:`Correction` from one line; :class:`CorrectionFormatError` names what is wrong."""
    try:
        d = json.loads(line)
    except json.JSONDecodeError as e:
        raise CorrectionFormatError(f"not JSON: {e}") from None
    if not isinstance(d, dict):
        raise CorrectionFormatError("a correction is a JSON object")
    missing = [k for k in ("sha256", "field_id", "value_before", "value_after", "reviewer", "time") if k not in d]
    if missing:
        raise CorrectionFormatError(f"missing key(s): {', '.join(missing)}")
    source = d.get("source") or {}
    if not isinstance(source, dict):
        raise CorrectionFormatError("source must be an object with page, bbox and/or line")
    bbox = source.get("bbox")
    if bbox is not None and not isinstance(bbox, list):
        raise CorrectionFormatError(f"source.bbox must be four numbers, not {bbox!r}")
    return Correction(sha256=d["sha256"], field_id=d["field_id"], value_before=d["value_before"],
                      value_after=d["value_after"], reviewer=d["reviewer"], time=d["time"],
                      page=source.get("page"), bbox=tuple(bbox) if bbox is not None else None,
                      line=source.get("line"), confidence_before=d.get("confidence_before"),
                      status_before=d.get("status_before"))


def read_lines(text: str) -> list[Correction]:
    """Every correction of a JSONL text (blank lines skipped); errors name the line number."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                out.append(parse_line(line))
            except CorrectionFormatError as e:
                raise CorrectionFormatError(f"line {n}: {e}") from None
    return out
