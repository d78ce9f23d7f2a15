"""Corrections: a reviewer's decisions applied to a result, and turned into training data.

The format is the one of :mod:`extractor.corrections_format` (what the review service
exports): one JSON object per line,

    {"sha256": "<document sha256>", "field_id": "requests.total.natural_person",
     "value_before": 1520, "value_after": 1526, "reviewer": "alice",
     "time": "2024-05-01T08:30:12Z", "source": {"line": 53}}

with ``source`` (page/bbox/line) optional; ``value_after`` equal to ``value_before`` confirms
a value. Reading a file checks every line and lists every bad one by its line number
(:class:`CorrectionsFileError`); nothing is applied or learned from a file with a bad line.

``extractor correct RESULT.json CORRECTIONS.jsonl`` (:func:`apply_corrections`) writes a new
result: each corrected field takes the latest decision's value (status ``ok``, or ``blank``
for null; confidence 1.0) and says under ``reviewed`` who decided, when, and what the
extractor had read; lines about other documents are ignored; the original is never touched.

``extractor train --corrections PATH`` (:func:`corrected_documents`) finds each corrected
document (by its SHA-256, under the given document folders), reads it again, and takes as
known values the decisions plus the fields the extraction had marked ``ok`` or ``blank`` and
the reviewer left standing. Those known values label the document's rows
(:func:`extractor.learn.labelling.label_document`): a corrected field labels the row it
belongs to through the cells printed after that row's label. (They do not join the calibration
data: reviewed documents are the uncertain ones, no fair sample; see
:func:`training.train.fit_calibration`.)
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

from ..corrections_format import Correction, CorrectionFormatError, parse_line
from ..errors import ExtractorError

DOCUMENT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
MAX_ERRORS_SHOWN = 20


class CorrectionsFileError(ExtractorError, ValueError):
    """A corrections file with bad lines; the message lists them by line number."""


@dataclass(frozen=True)
class Numbered:
    """A correction and the line it came from."""

    line: int
    correction: Correction


def read_corrections(path: str | Path) -> list[Numbered]:
    """Every correction of a JSONL file (blank lines skipped). All bad lines are reported at
    once, each with its number; then nothing is returned."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise CorrectionsFileError(f"cannot read corrections file {path}: {e}") from e
    out, errors = [], []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(Numbered(n, parse_line(line)))
        except CorrectionFormatError as e:
            errors.append(f"line {n}: {e}")
    _raise_if(errors, path)
    return out


def _raise_if(errors: list[str], path) -> None:
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        more = f"; and {len(errors) - len(shown)} more" if len(errors) > len(shown) else ""
        raise CorrectionsFileError(f"{path}: {len(errors)} bad line(s): " + "; ".join(shown) + more)


def latest(corrections: Iterable[Numbered], sha256: Optional[str] = None) -> dict[str, Numbered]:
    """The decision in force per field (latest time; later lines win ties), optionally for one
    document only."""
    out: dict[str, Numbered] = {}
    for c in sorted((c for c in corrections if sha256 is None or c.correction.sha256 == sha256),
                    key=lambda c: (c.correction.time, c.line)):
        out[c.correction.field_id] = c
    return out


def _number(v):
    return int(v) if isinstance(v, float) and v.is_integer() else v


def apply_corrections(result: dict, corrections: Sequence[Numbered], source: str = "") -> dict:
    """A new result with the document's corrections applied (the given result is not changed).

    Lines about other documents are ignored; a line naming a field the result does not have is
    an error (with its line number), and so is a file with no line about this document."""
    sha = (result.get("document") or {}).get("sha256")
    mine = [c for c in corrections if c.correction.sha256 == sha]
    if not mine:
        raise CorrectionsFileError(f"{source or 'corrections'}: no line is about this document (sha256 {sha})")
    fields = result.get("fields") or {}
    errors = [f"line {c.line}: field_id {c.correction.field_id!r} is not a field of this result "
              f"(template {result.get('template')})" for c in mine if c.correction.field_id not in fields]
    _raise_if(errors, source or "corrections")
    out = copy.deepcopy(result)
    for fid, n in latest(mine).items():
        c, f = n.correction, out["fields"][fid]
        f["reviewed"] = {"action": "confirmed" if c.confirmed else "corrected", "reviewer": c.reviewer,
                         "time": c.time, "value_extracted": f.get("value"), "status_extracted": f.get("status"),
                         "confidence_extracted": f.get("confidence")}
        f["value"] = _number(c.value_after)
        f["status"] = "ok" if c.value_after is not None else "blank"
        f["confidence"] = 1.0
    out["document"]["corrections"] = {"applied": len(latest(mine)), "lines": len(mine),
                                      "reviewers": sorted({c.correction.reviewer for c in mine}),
                                      "file": Path(source).name if source else ""}
    return out


# --------------------------------------------------------------------------- training data


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def find_documents(shas: Iterable[str], folders: Sequence[str | Path]) -> dict[str, Path]:
    """sha256 -> document file, searching the folders (recursively) for files of known kinds."""
    want = set(shas)
    found: dict[str, Path] = {}
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for p in sorted(folder.rglob("*")):
            if len(found) == len(want):
                return found
            if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES:
                h = sha256_of(p)
                if h in want and h not in found:
                    found[h] = p
    return found


def known_values(extracted: dict, decisions: dict[str, Numbered]) -> dict[str, Optional[float]]:
    """Field values taken as right in a reviewed document: the extraction's ``ok`` and
    ``blank`` fields, overridden by the reviewer's decisions (which also add the fields the
    reviewer set or confirmed among the others)."""
    known: dict[str, Optional[float]] = {}
    for fid, f in extracted.items():
        if f["status"] in ("ok", "blank"):
            known[fid] = None if f["value"] is None else float(f["value"])
    for fid, n in decisions.items():
        v = n.correction.value_after
        known[fid] = None if v is None else float(v)
    return known


@dataclass
class CorrectedDocument:
    path: Path
    sha256: str
    known: dict[str, Optional[float]]
    decisions: int


def corrected_documents(paths: Sequence[str | Path], folders: Sequence[str | Path] = (),
                        model="default") -> list[CorrectedDocument]:
    """The corrected documents of one or more corrections files (or folders of ``*.jsonl``),
    with their known values. Documents are looked for under ``folders`` and the folder of
    each corrections file; ``model`` is the one whose extraction the reviewer saw."""
    from ..pipeline import extract

    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.glob("*.jsonl")) if p.is_dir() else [p])
    if not files:
        raise CorrectionsFileError(f"no corrections file in {', '.join(map(str, paths))}")
    numbered: list[Numbered] = []
    for f in files:
        numbered.extend(read_corrections(f))
    shas = sorted({n.correction.sha256 for n in numbered})
    docs = find_documents(shas, [*folders, *{f.parent for f in files}])
    missing = [s for s in shas if s not in docs]
    if missing:
        raise CorrectionsFileError(f"{len(missing)} corrected document(s) not found under "
                                   f"{', '.join(map(str, folders)) or 'the corrections folder'}: "
                                   f"sha256 {', '.join(m[:12] for m in missing[:5])}…; pass --documents DIR")
    out = []
    for sha in shas:
        decisions = latest(numbered, sha)
        result = extract(docs[sha], model=model)
        bad = [f"line {n.line}: field_id {fid!r} is not a field of {docs[sha].name}"
               for fid, n in decisions.items() if fid not in result["fields"]]
        _raise_if(bad, "corrections")
        out.append(CorrectedDocument(docs[sha], sha, known_values(result["fields"], decisions), len(decisions)))
    return out
