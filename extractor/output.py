"""The result: the output contract as a dict (JSON), and the one-row-per-field CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .template import load_templates

CSV_COLUMNS = ["id", "row_label", "column_label", "value", "unit", "status", "confidence"]


def _status(s) -> str:
    if s.doc is None:
        return "failure"
    if s.template is None:
        return "failure"
    missing = sum(1 for f in s.fields.values() if f.status == "missing")
    return "partial" if missing or s.errors else "success"


def to_result(s, elapsed_ms: float, version: str) -> dict:
    doc = s.doc
    guess = s.guess
    return {
        "document": {
            "path": doc.path, "name": Path(doc.path).name, "sha256": doc.sha256, "kind": doc.kind,
            "pages": doc.pages, "encoding": doc.encoding, "status": _status(s),
            "template_confidence": guess.confidence if guess else 0.0,
            "template_reason": guess.reason if guess else "",
            "extractor_version": version, "model_version": _model_version(s),
            "elapsed_ms": round(elapsed_ms, 2),
            "warnings": list(doc.warnings),
        },
        "template": s.template.name if s.template else None,
        "agency": s.agency.value,
        "year": s.year.value,
        "meta": {
            "agency": _meta(s.agency, doc),
            "year": _meta(s.year, doc),
        },
        "fields": {fid: f.to_dict() for fid, f in s.fields.items()},
        "checks": [c.to_dict() for c in s.checks],
        "errors": [e.to_dict() for e in s.errors],
    }


def _model_version(s) -> str:
    """The learned model's version, or "hand-made" when the result was made without one."""
    model = getattr(s, "model", None)
    return model.version if model is not None else "hand-made"


def _meta(m, doc) -> dict:
    from .confidence import REVIEW_THRESHOLD
    status = "missing" if m.value is None else ("ok" if m.confidence >= REVIEW_THRESHOLD else "review")
    src = None
    if m.line is not None:
        line = doc.lines[m.line]
        src = {"page": line.page, "line": line.number, "text": m.text}
    elif m.text:  # the file's title (an HTML <title>): on no line of the text
        src = {"page": 1, "text": m.text}
    return {"value": m.value, "confidence": m.confidence, "status": status, "source": src}


def to_csv(result: dict) -> str:
    """One row per field: id, labels, value, unit, status, confidence."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    template = load_templates().get(result.get("template") or "")
    for fid, f in result["fields"].items():
        row_label, col_label = template.labels(fid) if template else ("", "")
        w.writerow([fid, row_label, col_label, "" if f["value"] is None else f["value"],
                    f.get("unit") or "", f["status"], f["confidence"]])
    return buf.getvalue()
