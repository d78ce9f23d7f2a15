"""One batch run: walk the inputs, extract what is not done yet, rebuild the outputs.

:func:`run_batch` is the whole of ``extractor batch``:

1. walk the inputs (:mod:`.walk`); identical files are one document (content hash);
2. skip every document whose result is stored under this run's key (:mod:`.store`) — a
   document that failed is retried only with ``retry_failed``;
3. extract the rest with the chosen engine (local process pool or Ray), writing each
   document's record atomically as soon as it is done;
4. rebuild ``dataset.parquet``, ``dataset.csv``, ``documents.csv``, ``crossyear.csv`` and
   ``summary.json`` from the stored records of every document of the run.

Killing a run at any point loses at most the documents being extracted at that moment;
running it again finishes the job, and the outputs are the same as those of a run that was
never interrupted.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from ..settings import Settings
from .crossyear import CrossYearRow, check
from .dataset import Built, DocEntry, rebuild, write_documents
from .store import Store, run_key, write_atomic
from .walk import Item, walk
from .worker import DEFAULT_FUNCTION, Limits

ENGINES = ("local", "ray")
LOCK_NAME = ".batch.lock"


@dataclass(frozen=True)
class BatchOptions:
    workers: Optional[int] = None  # default: the cores this process may use (local), the cluster's CPUs (ray)
    engine: str = "local"
    address: Optional[str] = None  # Ray cluster address ("auto", "ray://head:10001"); None: a local Ray
    limits: Limits = Limits()
    settings: Settings = Settings()
    retry_failed: bool = False
    parquet: bool = True
    function: str = DEFAULT_FUNCTION  # the per-document function, module:name (tests inject faults here)

    def __post_init__(self) -> None:
        from ..errors import SettingsError
        if self.engine not in ENGINES:
            raise SettingsError(f"engine must be one of {', '.join(ENGINES)}, not {self.engine!r}")
        if self.workers is not None and not (isinstance(self.workers, int) and self.workers > 0):
            raise SettingsError(f"workers must be a positive whole number, not {self.workers!r}")
        if self.address and self.engine != "ray":
            raise SettingsError("address is for --engine ray")


@dataclass
class BatchSummary:
    out: Path
    key: str
    engine: str
    files: int  # input files and zip members taken
    documents: int  # unique documents (by content) plus files that could not be read
    not_reports: int  # files in folders/zips skipped for their type
    done_before: int  # documents whose stored result was reused
    processed: int  # documents extracted by this run
    elapsed_s: float
    extract_s: float  # wall time of the extraction phase
    by_status: Counter = field(default_factory=Counter)
    review_fields: int = 0
    docs_with_review: int = 0
    review_by_field: Counter = field(default_factory=Counter)
    rule_breaks: Counter = field(default_factory=Counter)  # rule -> documents breaking it
    docs_with_breaks: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, reason), failed and failure
    crossyear: list[CrossYearRow] = field(default_factory=list)
    peak_rss_mb: list[float] = field(default_factory=list)  # per worker, this run
    worker_cpu_s: Optional[float] = None  # CPU of the worker processes, start-up included (local engine)
    outputs: dict[str, str] = field(default_factory=dict)
    note: str = ""

    @property
    def rate(self) -> float:
        return self.processed / self.extract_s if self.extract_s > 0 else 0.0

    def to_dict(self) -> dict:
        return {
            "out": str(self.out), "key": self.key, "engine": self.engine, "files": self.files,
            "documents": self.documents, "not_reports": self.not_reports,
            "done_before": self.done_before, "processed": self.processed,
            "by_status": dict(sorted(self.by_status.items())),
            "review_fields": self.review_fields, "docs_with_review": self.docs_with_review,
            "review_by_field": dict(self.review_by_field.most_common()),
            "rule_breaks": dict(self.rule_breaks.most_common()), "docs_with_breaks": self.docs_with_breaks,
            "failed": [{"source": s, "reason": r} for s, r in self.failed],
            "crossyear": {"pairs": len(self.crossyear),
                          "by_status": dict(Counter(r.status for r in self.crossyear)),
                          "rows": [r.to_dict() for r in self.crossyear]},
            "outputs": self.outputs, "note": self.note,
        }

    def timing(self) -> dict:
        return {"elapsed_s": round(self.elapsed_s, 3), "extract_s": round(self.extract_s, 3),
                "docs_per_s": round(self.rate, 2), "peak_rss_mb": [round(x, 1) for x in self.peak_rss_mb]}


def unique_documents(items: list[Item]) -> list[DocEntry]:
    """Items grouped by content, ordered by source; unreadable items stay one entry each."""
    by_sha: dict[str, DocEntry] = {}
    entries = []
    for it in sorted(items, key=lambda i: i.source):
        if it.problem or not it.sha256:
            entries.append(DocEntry(it, [it.source]))
        elif it.sha256 in by_sha:
            by_sha[it.sha256].sources.append(it.source)
        else:
            by_sha[it.sha256] = DocEntry(it, [it.source])
            entries.append(by_sha[it.sha256])
    return entries


def make_engine(options: BatchOptions, key: str):
    if options.engine == "ray":
        from .ray_engine import RayEngine
        return RayEngine(options.settings, options.limits, key, options.workers, options.address,
                         options.function)
    from .pool import LocalEngine
    return LocalEngine(options.settings, options.limits, key, options.workers, options.function)


def run_batch(inputs: Iterable[str | Path], out: str | Path, options: BatchOptions = BatchOptions(),
              progress=None) -> BatchSummary:
    """Run a batch; ``progress`` is an object with ``start(total, done_before, engine)``,
    ``advance(status)`` and ``stop()`` (see :mod:`.cli`), or None."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with out_lock(out):
        return _run_batch(inputs, out, options, progress)


@contextlib.contextmanager
def out_lock(out: Path):
    """One run at a time per output folder; the kernel releases the lock if the run is killed."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    with open(out / LOCK_NAME, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            from ..errors import ExtractorError
            raise ExtractorError(f"another batch is writing to {out}; wait for it, or choose another --out") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _run_batch(inputs, out: Path, options: BatchOptions, progress) -> BatchSummary:
    t_start = time.perf_counter()
    key = run_key(options.settings)
    store = Store(out, key)
    store.clean_temporaries()
    walked = walk(inputs, exclude=[out])
    entries = unique_documents(walked.items)
    todo = [e.item for e in entries if not e.item.problem and _needs_work(store, e.item, options.retry_failed)]
    done_before = sum(1 for e in entries if not e.item.problem) - len(todo)

    engine = make_engine(options, key)
    if progress:
        progress.start(len(todo), done_before, engine.describe() if todo else "nothing to do")

    def emit(item: Item, data: bytes, info: dict) -> None:
        store.save(item.sha256, data)
        if progress:
            progress.advance(info.get("status", "success"))

    t_extract = time.perf_counter()
    try:
        if todo:
            engine.run(todo, emit)
    finally:
        if progress:
            progress.stop()
    extract_s = time.perf_counter() - t_extract

    built = rebuild(out, entries, store, parquet=options.parquet)
    summary = _summarise(out, key, options, walked, entries, built, done_before, len(todo), extract_s)
    summary.peak_rss_mb = list(getattr(engine, "peak_rss_mb", []))
    summary.worker_cpu_s = getattr(engine, "worker_cpu_s", None)
    summary.outputs["documents"] = str(write_documents(out, built, entries))
    summary.outputs["crossyear"] = str(_write_crossyear(out, summary.crossyear))
    others = store.other_keys()
    if others:
        summary.note = " ".join(filter(None, [summary.note, (
            f"results/ also holds results of {len(others)} other extractor build"
            f"{'s' if len(others) > 1 else ''} or settings ({', '.join(others[:3])}"
            f"{', …' if len(others) > 3 else ''}); this run does not use them, and they may be deleted.")]))
    summary.elapsed_s = time.perf_counter() - t_start
    write_atomic(out / "summary.json", json.dumps(summary.to_dict(), ensure_ascii=False, indent=1) + "\n")
    summary.outputs["summary"] = str(out / "summary.json")
    return summary


def _needs_work(store: Store, item: Item, retry_failed: bool) -> bool:
    """A stored result is complete (written atomically) and of this key (by its folder), so its
    existence is enough; it is read only to see whether it failed, with ``retry_failed``."""
    if not store.path(item.sha256).exists():
        return True
    if not retry_failed:
        return False
    status = store.status(item.sha256)
    return status is None or status == "failed"


def _summarise(out: Path, key: str, options: BatchOptions, walked, entries: list[DocEntry], built: Built,
               done_before: int, processed: int, extract_s: float) -> BatchSummary:
    s = BatchSummary(out=out, key=key, engine=options.engine, files=len(walked.items),
                     documents=len(entries), not_reports=len(walked.skipped), done_before=done_before,
                     processed=processed, elapsed_s=0.0, extract_s=extract_s, note=built.note)
    for d in built.documents:
        s.by_status[d.status] += 1
        if d.review_fields:
            s.docs_with_review += 1
            s.review_fields += len(d.review_fields)
            s.review_by_field.update(d.review_fields)
        if d.rule_breaks:
            s.docs_with_breaks += 1
            s.rule_breaks.update(d.rule_breaks)
        if d.status in ("failed", "failure"):
            s.failed.append((d.source, d.reason))
    s.crossyear = check(built.facts)
    s.outputs["csv"] = str(built.csv)
    if built.parquet:
        s.outputs["parquet"] = str(built.parquet)
    s.outputs["results"] = str(out / "results" / key)
    return s


def _write_crossyear(out: Path, rows: list[CrossYearRow]) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf)
    cols = ["agency", "year", "previous_year", "status", "detail", "review", "source", "previous_source", "note"]
    w.writerow(cols)
    for r in rows:
        d = r.to_dict()
        w.writerow([d[c] for c in cols])
    path = out / "crossyear.csv"
    write_atomic(path, buf.getvalue())
    return path
