"""The combined dataset, rebuilt from the per-document results at the end of every run.

``dataset.parquet`` and ``dataset.csv`` hold one row per document and field, in the order of
the documents' sources and then of the template's fields (:data:`COLUMNS`). A document with no
fields (failed, or not a report of these forms) still has one row: ``id`` empty, its status
and reason filled, so nothing processed goes missing from the dataset. Identical files are one
document (by content hash); the dataset names the first of them as ``source`` and
``documents.csv`` lists every file with ``same_as``.

Nothing here depends on the order documents finished in or on timing, so a run resumed after
a kill writes the same dataset as a run that was never interrupted.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from .crossyear import YearFacts, facts
from .store import Store, temporary_path, write_atomic
from .walk import Item

COLUMNS = ["sha256", "source", "template", "agency", "year", "doc_status", "reason",
           "id", "value", "unit", "status", "confidence"]
DOCUMENT_COLUMNS = ["source", "sha256", "size", "status", "reason", "template", "agency", "year",
                    "fields", "review_fields", "rule_breaks", "same_as", "result"]
ROW_GROUP = 50_000


@dataclass
class DocEntry:
    """A unique document of the run: its first item, and every source with the same content."""

    item: Item
    sources: list[str]


@dataclass
class DocSummary:
    source: str
    sha256: str
    size: int
    status: str
    reason: str
    template: Optional[str]
    agency: Optional[str]
    year: Optional[int]
    fields: int
    review_fields: list[str]
    rule_breaks: list[str]
    result: str  # path of the per-document JSON, "" when there is none


@dataclass
class Built:
    documents: list[DocSummary] = field(default_factory=list)
    facts: list[YearFacts] = field(default_factory=list)
    rows: int = 0
    parquet: Optional[Path] = None
    csv: Optional[Path] = None
    note: str = ""


def rebuild(out: Path, entries: Iterable[DocEntry], store: Store, parquet: bool = True) -> Built:
    """Write dataset.csv and dataset.parquet (if pyarrow is installed) under out."""
    built = Built(csv=out / "dataset.csv")
    pq_writer = _ParquetSink(out / "dataset.parquet") if parquet else None
    if pq_writer and not pq_writer.ok:
        built.note = "Parquet not written: pyarrow is not installed (pip install 'extractor[batch]')"
        pq_writer = None
    csv_tmp = temporary_path(built.csv)
    try:
        with open(csv_tmp, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(COLUMNS)
            for entry in entries:
                doc, rows, result = _document_rows(entry, store)
                built.documents.append(doc)
                if doc.status in ("success", "partial") and (f := facts(result, doc.source, doc.status)):
                    built.facts.append(f)
                w.writerows(rows)  # None is written as an empty cell
                if pq_writer:
                    pq_writer.add(rows)
                built.rows += len(rows)
        os.replace(csv_tmp, built.csv)
        if pq_writer:
            built.parquet = pq_writer.close()
    finally:
        if csv_tmp.exists():
            csv_tmp.unlink()
        if pq_writer:
            pq_writer.abort()
    return built


def _document_rows(entry: DocEntry, store: Store) -> tuple[DocSummary, list[list], Optional[dict]]:
    """The document's summary, its dataset rows and its result (None if it has none)."""
    item = entry.item
    record = store.load(item.sha256) if item.sha256 and not item.problem else None
    result = record.get("result") if record else None
    if item.problem:
        status, reason = "failed", item.problem
    elif record is None:
        status, reason = "failed", "no result: the document was not processed (run interrupted?)"
        if store.path(item.sha256).exists():  # damaged (a full disk?): redo it next run
            store.discard(item.sha256)
            reason = "the stored result was unreadable and has been removed: run the batch again"
    else:
        status, reason = record["batch"]["status"], record["batch"].get("reason") or ""
    doc = DocSummary(source=item.source, sha256=item.sha256, size=item.size, status=status,
                     reason=reason or "", template=None, agency=None, year=None, fields=0,
                     review_fields=[], rule_breaks=[],
                     result=str(store.path(item.sha256)) if record else "")
    head = [item.sha256, item.source]
    if not result or not result.get("fields"):
        if result:
            doc.template, doc.agency, doc.year = result.get("template"), result.get("agency"), result.get("year")
        return doc, [head + [doc.template, doc.agency, doc.year, status, reason, None, None, None, None, None]], result
    doc.template, doc.agency, doc.year = result["template"], result["agency"], result["year"]
    doc.fields = len(result["fields"])
    doc.review_fields = [fid for fid, f in result["fields"].items() if f["status"] == "review"]
    doc.rule_breaks = sorted({c["rule"] for c in result.get("checks", []) if not c["ok"]})
    meta = head + [doc.template, doc.agency, doc.year, status, reason]
    rows = [meta + [fid, f["value"], f.get("unit"), f["status"], f["confidence"]]
            for fid, f in result["fields"].items()]
    return doc, rows, result


class _ParquetSink:
    """Rows → a Parquet file in row groups, written to a temporary name and renamed at the end."""

    def __init__(self, target: Path):
        self.target = target
        self.tmp: Optional[Path] = None
        self.writer = None
        self.buffer: list[list] = []
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            self.ok = False
            return
        self.ok = True
        self.pa, self.pq = pa, pq
        self.schema = pa.schema([
            ("sha256", pa.string()), ("source", pa.string()), ("template", pa.string()),
            ("agency", pa.string()), ("year", pa.int32()), ("doc_status", pa.string()),
            ("reason", pa.string()), ("id", pa.string()), ("value", pa.float64()),
            ("unit", pa.string()), ("status", pa.string()), ("confidence", pa.float64()),
        ])
        self.tmp = temporary_path(target)
        self.writer = pq.ParquetWriter(str(self.tmp), self.schema, compression="zstd")

    def add(self, rows: list[list]) -> None:
        self.buffer.extend(rows)
        if len(self.buffer) >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if not self.buffer:
            return
        cols = zip(*self.buffer)
        arrays = [self.pa.array(col, type=t) for col, t in zip(cols, self.schema.types)]
        self.writer.write_table(self.pa.Table.from_arrays(arrays, schema=self.schema))
        self.buffer = []

    def close(self) -> Path:
        self._flush()
        self.writer.close()
        self.writer = None
        os.replace(self.tmp, self.target)
        self.tmp = None
        return self.target

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        if self.tmp is not None and self.tmp.exists():
            self.tmp.unlink()


def write_documents(out: Path, built: Built, entries: list[DocEntry]) -> Path:
    """documents.csv: one row per input file (copies of a document point to the first)."""
    by_sha = {e.item.sha256: e for e in entries if e.item.sha256 and not e.item.problem}
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(DOCUMENT_COLUMNS)
    rows = []
    for d in built.documents:
        base = [d.status, d.reason, d.template, d.agency, d.year, d.fields, len(d.review_fields),
                len(d.rule_breaks)]
        rows.append([d.source, d.sha256, d.size, *base, "", d.result])
        entry = by_sha.get(d.sha256) if d.sha256 else None
        if entry and entry.item.source == d.source:
            for other in entry.sources[1:]:
                rows.append([other, d.sha256, d.size, *base, d.source, d.result])
    for r in sorted(rows, key=lambda r: r[0]):
        w.writerow(["" if v is None else v for v in r])
    path = out / "documents.csv"
    write_atomic(path, buf.getvalue())
    return path

