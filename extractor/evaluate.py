"""Evaluation: run the extractor over documents with known truth and score every field.

``extractor eval DOCS_DIR TRUTH_DIR`` reads each truth file ``TRUTH_DIR/<stem>.json``, runs
the extractor on the document it names (``DOCS_DIR/<truth["document"]>``), and compares.

A truth file holds three kinds of field (see ``/work/shared/seeds/truth``):

* printed (``fields``): the value printed in the document; ``null`` means the cell is
  printed blank;
* implied (``implied``): a value forced by the form's arithmetic rules but not printed;
* missing (``missing``): fields that are not in the document at all.

Per-field outcomes (:class:`FieldOutcome`). A result field absent from the output has value
``null`` and status ``"absent"``. Numbers are equal when ``math.isclose(a, b, rel_tol=1e-6)``;
``null`` equals only ``null``.

* printed field: **correct** if the value equals the truth value (a printed blank must come
  out as value ``null``; status ``blank`` is expected but any status with value ``null`` is
  correct); **wrong** otherwise, including when the field is absent from the output.
* implied field: **recovered** if the value equals the forced value (any status, normally
  ``inferred``); **left missing** if the value is ``null`` (acceptable, neither right nor
  wrong); **wrong** if a different non-null value is given.
* missing field: **correct** if the value is ``null`` (status ``missing`` or ``blank``);
  **wrong** if a value is invented.

Metrics (micro-averaged over all fields of all evaluated documents):

* scored fields = printed + missing + implied fields not left missing;
* field accuracy = (correct + recovered) / scored;
* silent error = a wrong field whose status is ``"ok"``; silent rate = silent / scored.
  Wrong fields whose status is ``"inferred"`` are counted separately ("inferred but wrong"),
  and so are those whose status is ``"blank"`` ("blank but wrong": a printed value read as
  an empty cell, as confident a claim as ``ok``);
* review rate = scored fields with status ``"review"`` / scored;
* template / agency / year accuracy = documents where the result equals the truth
  (agency: exact string after stripping spaces) / documents;
* implied recovered = recovered / all implied fields (x of y);
* calibration: scored fields whose result value is non-null, binned by confidence
  (0-0.5, 0.5-0.8, 0.8-0.9, 0.9-0.95, 0.95-0.99, 0.99-1.0); per bin the count, mean
  confidence and accuracy; expected calibration error ECE = sum over bins of
  (bin count / total) * |accuracy - mean confidence|;
* invented = missing fields given a non-null value;
* worst fields = fields by error count over documents that did not fail; worst documents =
  failed documents first, then by field accuracy;
* mean ms per document = wall time of the extract call only (not scoring), averaged.

A document whose extraction raises is a *failed document*: every field of its truth
(printed, implied and missing) is wrong, and template, agency and year are wrong.
Its fields have no status, so they are neither silent errors nor review items.

Floors (:meth:`Report.failures`) are fractions 0..1; a run that evaluated no document fails.

Input kind and layout family come from the truth (``kind``, ``family``); without them the
kind is derived from the file extension (.txt/.md text, .html/.htm html, .pdf pdf, images
image) and the family is ``"unknown"``. Generated PDFs are also broken down by how their
pages were written (``writer=`` in the truth's notes: plain, WPS, Word).
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Callable, Iterable, Literal, Optional

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from .jsonfile import read_object

ExtractFn = Callable[[str], dict]
Group = Literal["printed", "implied", "missing"]
Outcome = Literal["correct", "wrong", "recovered", "left_missing"]

REL_TOL = 1e-6
WORST_N = 10
PROGRESS_MIN_DOCS = 5  # show the progress bar only for runs at least this long
ABSENT = "absent"  # status of a field the result does not contain
CONFIDENCE_EDGES = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 1.0)

KIND_BY_SUFFIX = {
    ".txt": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    **{s: "image" for s in (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp")},
}

DEFINITIONS = (
    "scored = printed + missing + implied-not-left-missing fields; "
    "accuracy = (correct + recovered implied) / scored; "
    "silent error = wrong with status ok (rate over scored); "
    "review rate = status review / scored; "
    "a printed blank is correct iff value is null; a missing field is correct iff value is null; "
    "an implied field left null is acceptable and not scored; "
    "numbers equal within 1e-6 relative; a document whose extraction raised has every field wrong; "
    "calibration and ECE over scored fields with a non-null value."
)


# --------------------------------------------------------------------------- per field


@dataclass(frozen=True)
class FieldOutcome:
    """How one truth field came out in one document."""

    id: str
    group: Group
    truth: Optional[float]
    value: Optional[float]
    status: Optional[str]  # None for a failed document, "absent" when not in the result
    confidence: Optional[float]
    outcome: Outcome

    @property
    def scored(self) -> bool:
        return self.outcome != "left_missing"

    @property
    def ok(self) -> bool:
        return self.outcome in ("correct", "recovered")

    @property
    def wrong(self) -> bool:
        return self.outcome == "wrong"

    @property
    def silent(self) -> bool:
        return self.wrong and self.status == "ok"

    @property
    def inferred_wrong(self) -> bool:
        return self.wrong and self.status == "inferred"

    @property
    def blank_wrong(self) -> bool:
        return self.wrong and self.status == "blank"

    @property
    def review(self) -> bool:
        return self.scored and self.status == "review"

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "group": self.group,
            "truth": _json_number(self.truth),
            "value": _json_number(self.value),
            "status": self.status,
            "confidence": self.confidence,
            "outcome": self.outcome,
        }


def _json_number(x: Optional[float]) -> Optional[float] | str:
    return "non-numeric" if x is not None and math.isnan(x) else x


def as_number(v: Any) -> Optional[float]:
    """A truth or result value as a float; ``None`` for null or the empty string."""
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    text = str(v).strip().replace(",", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return math.nan  # a non-numeric value never equals anything


def values_equal(a: Optional[float], b: Optional[float]) -> bool:
    """Null equals only null; numbers are equal within ``REL_TOL`` relative."""
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=0.0)


def field_outcome(group: Group, truth: Optional[float], value: Optional[float], status: str) -> Outcome:
    """The scoring rule of one field (see the module docstring)."""
    if group == "printed":
        return "correct" if status != ABSENT and values_equal(truth, value) else "wrong"
    if group == "implied":
        if value is None:
            return "left_missing"
        return "recovered" if values_equal(truth, value) else "wrong"
    return "correct" if value is None else "wrong"


def score_field(fid: str, group: Group, truth_value: Any, result_field: Optional[dict]) -> FieldOutcome:
    rf = result_field if isinstance(result_field, dict) else None
    truth = as_number(truth_value)
    value = as_number(rf.get("value")) if rf else None
    status = str(rf.get("status")) if rf else ABSENT
    conf = rf.get("confidence") if rf else None
    conf = float(conf) if isinstance(conf, (int, float)) and not isinstance(conf, bool) else None
    return FieldOutcome(fid, group, truth, value, status, conf, field_outcome(group, truth, value, status))


def truth_fields(truth: dict) -> list[tuple[str, Group, Any]]:
    """(field id, group, truth value) for every field of a truth file; printed wins on overlap."""
    out: dict[str, tuple[str, Group, Any]] = {}
    for fid in truth.get("missing") or []:
        out[fid] = (fid, "missing", None)
    for fid, v in (truth.get("implied") or {}).items():
        out[fid] = (fid, "implied", v)
    for fid, v in (truth.get("fields") or {}).items():
        out[fid] = (fid, "printed", v)
    return list(out.values())


# --------------------------------------------------------------------------- per document


@dataclass
class DocScore:
    """The score of one document."""

    name: str  # document file name
    kind: str
    family: str
    fields: list[FieldOutcome]
    template_ok: bool
    agency_ok: bool
    year_ok: bool
    ms: float = 0.0
    error: Optional[str] = None  # set when extraction raised: a failed document
    extra_fields: int = 0  # result fields the truth does not know
    writer: str = ""  # how a generated PDF was written (its truth notes' ``writer=``), else ""

    @property
    def failed(self) -> bool:
        return self.error is not None

    def count(self, pred: Callable[[FieldOutcome], bool]) -> int:
        return sum(1 for f in self.fields if pred(f))

    @property
    def scored(self) -> int:
        return self.count(lambda f: f.scored)

    @property
    def correct(self) -> int:
        return self.count(lambda f: f.ok)

    @property
    def wrong(self) -> int:
        return self.count(lambda f: f.wrong)

    @property
    def silent(self) -> int:
        return self.count(lambda f: f.silent)

    @property
    def review(self) -> int:
        return self.count(lambda f: f.review)

    @property
    def accuracy(self) -> Optional[float]:
        return ratio(self.correct, self.scored)

    def to_dict(self) -> dict:
        return {
            "document": self.name,
            "kind": self.kind,
            "family": self.family,
            "failed": self.failed,
            "error": self.error,
            "ms": round(self.ms, 1),
            "template_ok": self.template_ok,
            "agency_ok": self.agency_ok,
            "year_ok": self.year_ok,
            "scored": self.scored,
            "correct": self.correct,
            "wrong": self.wrong,
            "silent": self.silent,
            "review": self.review,
            "accuracy": self.accuracy,
            "extra_fields": self.extra_fields,
            "wrong_fields": [f.to_dict() for f in self.fields if f.wrong],
        }


def ratio(num: int | float, den: int | float) -> Optional[float]:
    return num / den if den else None


def input_kind(truth: dict, name: str = "") -> str:
    """Truth ``kind``, else the kind of the document's file extension, else ``"unknown"``."""
    if truth.get("kind"):
        return str(truth["kind"])
    return KIND_BY_SUFFIX.get(Path(name or truth.get("document") or "").suffix.lower(), "unknown")


def layout_family(truth: dict) -> str:
    return str(truth.get("family") or "unknown")


def pdf_writer(truth: dict) -> str:
    """How a generated PDF's pages were written (``writer=`` in the truth's notes: plain,
    wps, word), else ""."""
    notes = str(truth.get("notes") or "")
    return next((n.split("=", 1)[1] for n in notes.split() if n.startswith("writer=")), "")


def _same_agency(result: dict, truth: dict) -> bool:
    a, b = result.get("agency"), truth.get("agency")
    return (a or "").strip() == (b or "").strip() if a is not None or b is not None else True


def _same_year(result: dict, truth: dict) -> bool:
    a, b = result.get("year"), truth.get("year")
    try:
        return (a is None and b is None) or (a is not None and b is not None and int(a) == int(b))
    except (TypeError, ValueError):
        return False


def _same_template(result: dict, truth: dict) -> bool:
    a, b = result.get("template"), truth.get("template")
    return (a is None and b is None) or (a is not None and b is not None and str(a) == str(b))


def score_document(result: dict, truth: dict) -> DocScore:
    """Score one extraction result against its truth (rules in the module docstring)."""
    rfields = result.get("fields") or {}
    tfields = truth_fields(truth)
    known = {fid for fid, _, _ in tfields}
    name = str(truth.get("document") or (result.get("document") or {}).get("path") or "")
    return DocScore(
        name=Path(name).name,
        kind=input_kind(truth, name),
        family=layout_family(truth),
        fields=[score_field(fid, g, v, rfields.get(fid)) for fid, g, v in tfields],
        template_ok=_same_template(result, truth),
        agency_ok=_same_agency(result, truth),
        year_ok=_same_year(result, truth),
        extra_fields=sum(1 for fid in rfields if fid not in known),
        writer=pdf_writer(truth),
    )


def failed_document(truth: dict, error: str, ms: float = 0.0) -> DocScore:
    """A document whose extraction raised: every truth field is wrong."""
    name = str(truth.get("document") or "")
    fields = [FieldOutcome(fid, g, as_number(v), None, None, None, "wrong") for fid, g, v in truth_fields(truth)]
    return DocScore(
        name=Path(name).name,
        kind=input_kind(truth, name),
        family=layout_family(truth),
        fields=fields,
        template_ok=False,
        agency_ok=False,
        year_ok=False,
        ms=ms,
        error=error,
        writer=pdf_writer(truth),
    )


# --------------------------------------------------------------------------- aggregates


@dataclass
class Totals:
    """Counts over a set of documents (micro-averaged)."""

    docs: int = 0
    failed: int = 0
    scored: int = 0
    correct: int = 0
    wrong: int = 0
    silent: int = 0
    inferred_wrong: int = 0
    blank_wrong: int = 0
    review: int = 0
    implied: int = 0
    recovered: int = 0
    left_missing: int = 0
    implied_wrong: int = 0
    invented: int = 0  # missing fields given a value
    template_ok: int = 0
    agency_ok: int = 0
    year_ok: int = 0
    ms: float = 0.0

    @classmethod
    def of(cls, docs: Iterable[DocScore]) -> "Totals":
        t = cls()
        for d in docs:
            t.add(d)
        return t

    def add(self, d: DocScore) -> None:
        self.docs += 1
        self.failed += d.failed
        self.template_ok += d.template_ok
        self.agency_ok += d.agency_ok
        self.year_ok += d.year_ok
        self.ms += d.ms
        for f in d.fields:
            self._add_field(f)

    def _add_field(self, f: FieldOutcome) -> None:
        self.scored += f.scored
        self.correct += f.ok
        self.wrong += f.wrong
        self.silent += f.silent
        self.inferred_wrong += f.inferred_wrong
        self.blank_wrong += f.blank_wrong
        self.review += f.review
        if f.group == "implied":
            self.implied += 1
            self.recovered += f.outcome == "recovered"
            self.left_missing += f.outcome == "left_missing"
            self.implied_wrong += f.wrong
        elif f.group == "missing":
            self.invented += f.value is not None

    @property
    def accuracy(self) -> Optional[float]:
        return ratio(self.correct, self.scored)

    @property
    def silent_rate(self) -> Optional[float]:
        return ratio(self.silent, self.scored)

    @property
    def review_rate(self) -> Optional[float]:
        return ratio(self.review, self.scored)

    @property
    def template_accuracy(self) -> Optional[float]:
        return ratio(self.template_ok, self.docs)

    @property
    def agency_accuracy(self) -> Optional[float]:
        return ratio(self.agency_ok, self.docs)

    @property
    def year_accuracy(self) -> Optional[float]:
        return ratio(self.year_ok, self.docs)

    @property
    def mean_ms(self) -> Optional[float]:
        return ratio(self.ms, self.docs)

    def to_dict(self) -> dict:
        d = {k: v for k, v in self.__dict__.items()}
        d["ms"] = round(self.ms, 1)
        for k in ("accuracy", "silent_rate", "review_rate", "template_accuracy", "agency_accuracy",
                  "year_accuracy", "mean_ms"):
            d[k] = getattr(self, k)
        return d


@dataclass
class CalibrationBin:
    lo: float
    hi: float
    count: int = 0
    correct: int = 0
    confidence_sum: float = 0.0

    @property
    def accuracy(self) -> Optional[float]:
        return ratio(self.correct, self.count)

    @property
    def mean_confidence(self) -> Optional[float]:
        return ratio(self.confidence_sum, self.count)

    def to_dict(self) -> dict:
        return {"lo": self.lo, "hi": self.hi, "count": self.count,
                "accuracy": self.accuracy, "mean_confidence": self.mean_confidence}


def bin_index(confidence: float) -> int:
    """Index of the bin [lo, hi) holding ``confidence``; the last bin includes 1.0."""
    c = min(max(confidence, 0.0), 1.0)
    for i in range(len(CONFIDENCE_EDGES) - 2):
        if c < CONFIDENCE_EDGES[i + 1]:
            return i
    return len(CONFIDENCE_EDGES) - 2


def calibration(outcomes: Iterable[FieldOutcome]) -> list[CalibrationBin]:
    """Reliability bins over scored fields that have a value and a confidence."""
    bins = [CalibrationBin(lo, hi) for lo, hi in zip(CONFIDENCE_EDGES, CONFIDENCE_EDGES[1:])]
    for f in outcomes:
        if not f.scored or f.value is None or f.confidence is None:
            continue
        b = bins[bin_index(f.confidence)]
        b.count += 1
        b.correct += f.ok
        b.confidence_sum += min(max(f.confidence, 0.0), 1.0)
    return bins


def expected_calibration_error(bins: list[CalibrationBin]) -> Optional[float]:
    n = sum(b.count for b in bins)
    if not n:
        return None
    return sum(b.count / n * abs(b.accuracy - b.mean_confidence) for b in bins if b.count)


@dataclass(frozen=True)
class FieldErrors:
    id: str
    errors: int
    scored: int
    silent: int

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Report:
    """Scores of every evaluated document plus the aggregates the report prints."""

    docs: list[DocScore] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # truth files whose document is absent
    docs_dir: str = ""
    truth_dir: str = ""

    @property
    def totals(self) -> Totals:
        return Totals.of(self.docs)

    @property
    def failed(self) -> list[DocScore]:
        return [d for d in self.docs if d.failed]

    def breakdown(self, key: Callable[[DocScore], str]) -> dict[str, Totals]:
        groups: dict[str, list[DocScore]] = defaultdict(list)
        for d in self.docs:
            groups[key(d)].append(d)
        return {k: Totals.of(v) for k, v in sorted(groups.items())}

    def by_kind(self) -> dict[str, Totals]:
        return self.breakdown(lambda d: d.kind)

    def by_family(self) -> dict[str, Totals]:
        return self.breakdown(lambda d: d.family)

    def by_writer(self) -> dict[str, Totals]:
        """Generated PDFs by how their pages were written (other documents left out)."""
        return {k: t for k, t in self.breakdown(lambda d: d.writer).items() if k}

    def calibration(self) -> list[CalibrationBin]:
        return calibration(f for d in self.docs for f in d.fields)

    def ece(self) -> Optional[float]:
        return expected_calibration_error(self.calibration())

    def worst_fields(self, n: int = WORST_N) -> list[FieldErrors]:
        """Fields by error count over documents that did not fail (failures are listed apart)."""
        errors, scored, silent = Counter(), Counter(), Counter()
        for f in (f for d in self.docs if not d.failed for f in d.fields):
            scored[f.id] += f.scored
            errors[f.id] += f.wrong
            silent[f.id] += f.silent
        ranked = sorted((fid for fid in errors if errors[fid]), key=lambda k: (-errors[k], -silent[k], k))
        return [FieldErrors(k, errors[k], scored[k], silent[k]) for k in ranked[:n]]

    def worst_documents(self, n: int = WORST_N) -> list[DocScore]:
        """Failed documents first, then by field accuracy; only documents with some error."""
        bad = [d for d in self.docs if d.wrong or d.failed or not (d.template_ok and d.agency_ok and d.year_ok)]
        return sorted(bad, key=lambda d: (not d.failed, d.accuracy or 0.0, -d.wrong, d.name))[:n]

    def failures(self, min_accuracy: Optional[float] = None, max_silent: Optional[float] = None,
                 max_review: Optional[float] = None) -> list[str]:
        """One message per broken floor (rates are fractions 0..1). No documents is a failure."""
        t = self.totals
        if not t.docs:
            return ["no documents were evaluated"]
        out = []
        if min_accuracy is not None and (t.accuracy or 0.0) < min_accuracy:
            out.append(f"field accuracy {pct(t.accuracy)} is below the floor --min-accuracy {pct(min_accuracy)}")
        if max_silent is not None and (t.silent_rate or 0.0) > max_silent:
            out.append(f"silent error rate {pct(t.silent_rate)} is above --max-silent-rate {pct(max_silent)}")
        if max_review is not None and (t.review_rate or 0.0) > max_review:
            out.append(f"review rate {pct(t.review_rate)} is above --max-review-rate {pct(max_review)}")
        return out

    def to_dict(self) -> dict:
        bins = self.calibration()
        return {
            "definitions": DEFINITIONS,
            "docs_dir": self.docs_dir,
            "truth_dir": self.truth_dir,
            "summary": self.totals.to_dict(),
            "ece": expected_calibration_error(bins),
            "calibration": [b.to_dict() for b in bins],
            "by_kind": {k: t.to_dict() for k, t in self.by_kind().items()},
            "by_family": {k: t.to_dict() for k, t in self.by_family().items()},
            "by_writer": {k: t.to_dict() for k, t in self.by_writer().items()},
            "worst_fields": [w.to_dict() for w in self.worst_fields()],
            "worst_documents": [d.name for d in self.worst_documents()],
            "failed_documents": [{"document": d.name, "error": d.error} for d in self.failed],
            "skipped": list(self.skipped),
            "documents": [d.to_dict() for d in self.docs],
        }


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class Case:
    """One truth file and the document it names."""

    truth_path: Path
    doc_path: Path
    truth: dict

    @property
    def kind(self) -> str:
        return input_kind(self.truth, self.doc_path.name)

    @property
    def family(self) -> str:
        return layout_family(self.truth)


def load_truth(path: Path) -> dict:
    return read_object(path, "truth file")


def document_path(docs_dir: Path, truth_path: Path, truth: dict) -> Path:
    """``docs_dir / truth["document"]``; without it, the file in docs_dir with the truth's stem."""
    if truth.get("document"):
        return docs_dir / str(truth["document"])
    same_stem = sorted(p for p in docs_dir.glob(truth_path.stem + ".*") if p.is_file())
    return same_stem[0] if same_stem else docs_dir / truth_path.stem


def find_cases(docs_dir: Path, truth_dir: Path) -> tuple[list[Case], list[str]]:
    """Cases whose document exists, and the names of truth files whose document does not."""
    for d, what in ((docs_dir, "docs_dir"), (truth_dir, "truth_dir")):
        if not d.is_dir():
            raise NotADirectoryError(f"{what} is not a directory: {d}")
    cases, skipped = [], []
    for tp in sorted(truth_dir.glob("*.json")):
        truth = load_truth(tp)
        dp = document_path(docs_dir, tp, truth)
        if dp.is_file():
            cases.append(Case(tp, dp, truth))
        else:
            skipped.append(tp.name)
    return cases, skipped


def select(cases: list[Case], kinds: Optional[list[str]], families: Optional[list[str]],
           exclude_families: Optional[list[str]]) -> list[Case]:
    """Keep cases of the given kinds and families (empty filter = all), minus excluded families."""
    return [
        c for c in cases
        if (not kinds or c.kind in kinds)
        and (not families or c.family in families)
        and not (exclude_families and c.family in exclude_families)
    ]


def default_extract() -> ExtractFn:
    from extractor.pipeline import extract  # lazy: the pipeline is heavy and optional here

    return extract


def run_case(case: Case, extract: ExtractFn) -> DocScore:
    """Extract and score one document; an exception makes it a failed document."""
    start = time.perf_counter()
    try:
        result = extract(str(case.doc_path))
        if hasattr(result, "to_dict"):
            result = result.to_dict()
        ms = (time.perf_counter() - start) * 1000
        score = score_document(result, case.truth)
    except Exception as e:  # noqa: BLE001 - any crash is a failed document, reported as such
        ms = (time.perf_counter() - start) * 1000
        return failed_document(case.truth, f"{type(e).__name__}: {e}", ms)
    score.name = case.doc_path.name
    score.kind, score.family = case.kind, case.family
    score.ms = ms
    return score


def evaluate(docs_dir: Path | str, truth_dir: Path | str, extract: Optional[ExtractFn] = None,
             kinds: Optional[list[str]] = None, families: Optional[list[str]] = None,
             exclude_families: Optional[list[str]] = None) -> Report:
    """Run ``extract`` on every truth file's document in ``docs_dir`` and score the results."""
    docs_dir, truth_dir = Path(docs_dir), Path(truth_dir)
    cases, skipped = find_cases(docs_dir, truth_dir)
    cases = select(cases, kinds, families, exclude_families)
    if cases and extract is None:
        extract = default_extract()
    report = Report(skipped=skipped, docs_dir=str(docs_dir), truth_dir=str(truth_dir))
    with _progress(len(cases)) as progress:
        task = progress.add_task("extracting", total=len(cases))
        for case in cases:
            progress.update(task, description=case.doc_path.name)
            report.docs.append(run_case(case, extract))
            progress.advance(task)
    return report


def _progress(n: int) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description:<40}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=n < PROGRESS_MIN_DOCS,
    )


# --------------------------------------------------------------------------- printing


def pct(x: Optional[float], digits: int = 1) -> str:
    return "—" if x is None else f"{100 * x:.{digits}f}%"


def _table(title: str) -> Table:
    return Table(box=box.SIMPLE_HEAD, title=title, pad_edge=False)


def _summary_table(r: Report) -> Table:
    t = r.totals
    tab = _table("Summary")
    tab.show_header = False
    tab.add_column("metric", no_wrap=True)
    tab.add_column("value", justify="right")
    rows = [
        ("documents", f"{t.docs} evaluated, {t.failed} failed, {len(r.skipped)} without document"),
        ("field accuracy", f"{pct(t.accuracy, 2)}  ({t.correct}/{t.scored})"),
        ("silent errors", f"{t.silent}  ({pct(t.silent_rate, 2)} of fields)"),
        ("inferred but wrong", str(t.inferred_wrong)),
        ("blank but wrong", str(t.blank_wrong)),
        ("invented (missing given a value)", str(t.invented)),
        ("review rate", f"{pct(t.review_rate, 2)}  ({t.review})"),
        ("template accuracy", f"{pct(t.template_accuracy)}  ({t.template_ok}/{t.docs})"),
        ("agency accuracy", f"{pct(t.agency_accuracy)}  ({t.agency_ok}/{t.docs})"),
        ("year accuracy", f"{pct(t.year_accuracy)}  ({t.year_ok}/{t.docs})"),
        ("implied recovered",
         f"{t.recovered} of {t.implied}  (left missing {t.left_missing}, wrong {t.implied_wrong})"),
        ("expected calibration error", "—" if r.ece() is None else f"{r.ece():.4f}"),
        ("mean ms per document", "—" if t.mean_ms is None else f"{t.mean_ms:.1f}"),
    ]
    for k, v in rows:
        tab.add_row(k, v)
    return tab


def _worst_fields_table(r: Report) -> Table:
    tab = _table(f"{WORST_N} worst fields (documents that did not fail)")
    for col in ("field", "errors", "scored", "silent"):
        tab.add_column(col, justify="left" if col == "field" else "right")
    for w in r.worst_fields():
        tab.add_row(w.id, str(w.errors), str(w.scored), str(w.silent))
    return tab


def _worst_docs_table(r: Report) -> Table:
    tab = _table(f"{WORST_N} worst documents (T/A/Y = template, agency, year right)")
    tab.add_column("document", overflow="fold", min_width=12)
    tab.add_column("kind", no_wrap=True)
    tab.add_column("family", overflow="fold")
    for col in ("acc.", "wrong", "silent", "review"):
        tab.add_column(col, justify="right", no_wrap=True)
    tab.add_column("T/A/Y", no_wrap=True)
    for d in r.worst_documents():
        flags = "".join("✓" if ok else "✗" for ok in (d.template_ok, d.agency_ok, d.year_ok))
        acc = "[red]failed[/red]" if d.failed else pct(d.accuracy)
        tab.add_row(d.name, d.kind, d.family, acc, str(d.wrong), str(d.silent), str(d.review), flags)
    return tab


def _breakdown_table(title: str, groups: dict[str, Totals]) -> Table:
    tab = _table(title)
    tab.add_column("", overflow="fold", min_width=8)
    for col in ("docs", "failed", "fields", "acc.", "silent", "review", "tmpl", "ms/doc"):
        tab.add_column(col, justify="right", no_wrap=True)
    for k, t in groups.items():
        tab.add_row(k, str(t.docs), str(t.failed), str(t.scored), pct(t.accuracy, 2), pct(t.silent_rate, 2),
                    pct(t.review_rate, 2), pct(t.template_accuracy), f"{t.mean_ms or 0:.1f}")
    return tab


def _calibration_table(r: Report) -> Table:
    tab = _table("Calibration (fields with a value)")
    for col in ("confidence", "count", "mean conf.", "accuracy", "gap"):
        tab.add_column(col, justify="left" if col == "confidence" else "right")
    for b in r.calibration():
        gap = "—" if not b.count else f"{b.accuracy - b.mean_confidence:+.3f}"
        conf = "—" if b.mean_confidence is None else f"{b.mean_confidence:.3f}"
        tab.add_row(f"{b.lo:.2f}–{b.hi:.2f}", str(b.count), conf, pct(b.accuracy, 2), gap)
    return tab


def print_report(r: Report, console: Optional[Console] = None) -> None:
    """Print the report as rich tables (stdout unless a console is given)."""
    console = console or Console()
    console.print(f"[dim]Definitions: {DEFINITIONS}[/dim]")
    console.print(_summary_table(r))
    console.print(_worst_fields_table(r))
    console.print(_worst_docs_table(r))
    console.print(_breakdown_table("By input kind", r.by_kind()))
    console.print(_breakdown_table("By layout family", r.by_family()))
    if r.by_writer():
        console.print(_breakdown_table("Generated PDFs by writer", r.by_writer()))
    console.print(_calibration_table(r))
    for d in r.failed:
        console.print(f"[red]failed[/red] {d.name}: {d.error}")
    if r.skipped:
        console.print(f"[yellow]{len(r.skipped)} truth file(s) without a document:[/yellow] {', '.join(r.skipped)}")


# --------------------------------------------------------------------------- CLI


def _check_rate(name: str, value: Optional[float]) -> None:
    if value is not None and not 0.0 <= value <= 1.0:
        raise typer.BadParameter(f"{name} must be a fraction between 0 and 1, got {value}")


def eval_command(
    docs_dir: Annotated[Path, typer.Argument(help="Folder holding the documents.")],
    truth_dir: Annotated[Path, typer.Argument(help="Folder holding <stem>.json truth files.")],
    min_accuracy: Annotated[Optional[float], typer.Option(help="Fail if field accuracy is below (0..1).")] = None,
    max_silent_rate: Annotated[Optional[float], typer.Option(help="Fail if the silent rate is above (0..1).")] = None,
    max_review_rate: Annotated[Optional[float], typer.Option(help="Fail if the review rate is above (0..1).")] = None,
    kind: Annotated[Optional[list[str]], typer.Option(help="Only these input kinds (repeatable).")] = None,
    family: Annotated[Optional[list[str]], typer.Option(help="Only these layout families (repeatable).")] = None,
    exclude_family: Annotated[Optional[list[str]], typer.Option(help="Skip these families (repeatable).")] = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the report as JSON here.")] = None,
) -> None:
    """Extract every document that has a truth file, score it, and print the report."""
    for name, v in (("--min-accuracy", min_accuracy), ("--max-silent-rate", max_silent_rate),
                    ("--max-review-rate", max_review_rate)):
        _check_rate(name, v)
    try:
        report = evaluate(docs_dir, truth_dir, kinds=kind, families=family, exclude_families=exclude_family)
    except (NotADirectoryError, ValueError) as e:
        raise typer.BadParameter(str(e)) from e
    print_report(report)
    if json_out is not None:
        json_out.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    broken = report.failures(min_accuracy, max_silent_rate, max_review_rate)
    err = Console(stderr=True)
    for msg in broken:
        err.print(f"[bold red]FAIL[/bold red] {msg}")
    if broken:
        raise typer.Exit(code=1)
