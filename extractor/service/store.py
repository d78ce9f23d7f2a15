"""The service's store: SQLite in WAL mode, every write one transaction; originals by hash.

Tables:

* ``documents`` — one row per distinct upload (content SHA-256): display name, sniffed kind,
  size, pages, who uploaded it and when. The name is shown to people, never used as a path;
* ``jobs`` — one extraction job per document: ``queued`` → ``running`` → ``done`` | ``failed``
  (with the error). A job found ``running`` when the service starts was interrupted: it is
  queued again (up to ``max_attempts``);
* ``results`` — the extractor's result (the output contract, as JSON) and its facets;
* ``review_items`` — the fields a result sent to review, with their confidence: the queue is
  these minus the fields that have a correction, least confident first (ties in the form's order);
* ``corrections`` — every decision of a reviewer (a confirmation keeps the value), never
  overwritten: the value in force is the latest one.

Connections are opened per operation (one per thread), with ``synchronous=FULL`` so a write
acknowledged to a client survives a crash of the process or the machine.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Optional

from ..corrections_format import Correction

JOB_STATUSES = ("queued", "running", "done", "failed")


class Conflict(Exception):
    """A decision made on a value that has changed since it was shown."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    sha256      TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    pages       INTEGER,
    uploaded_at TEXT NOT NULL,
    uploaded_by TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256      TEXT NOT NULL UNIQUE REFERENCES documents(sha256),
    status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    error       TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    started_at  TEXT,
    finished_at TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, id);
CREATE TABLE IF NOT EXISTS results (
    sha256       TEXT PRIMARY KEY REFERENCES documents(sha256),
    result       TEXT NOT NULL,
    template     TEXT,
    year         INTEGER,
    agency       TEXT,
    doc_status   TEXT,
    extracted_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS review_items (
    sha256     TEXT NOT NULL REFERENCES documents(sha256),
    field_id   TEXT NOT NULL,
    confidence REAL NOT NULL,
    position   INTEGER NOT NULL,   -- the field's place in the form, for ties
    PRIMARY KEY (sha256, field_id)
);
CREATE INDEX IF NOT EXISTS review_by_confidence ON review_items (confidence);
CREATE TABLE IF NOT EXISTS corrections (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256            TEXT NOT NULL REFERENCES documents(sha256),
    field_id          TEXT NOT NULL,
    value_before      TEXT NOT NULL,
    value_after       TEXT NOT NULL,
    reviewer          TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    page              INTEGER,
    bbox              TEXT,
    line              INTEGER,
    confidence_before REAL,
    status_before     TEXT
);
CREATE INDEX IF NOT EXISTS corrections_by_field ON corrections (sha256, field_id, id);
"""


def now() -> str:
    """UTC time, ISO 8601 with milliseconds and a Z."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Store:
    def __init__(self, data_dir: str | os.PathLike):
        self.root = Path(data_dir)
        self.db_path = self.root / "store.sqlite3"
        self.blob_dir = self.root / "blobs"
        self.tmp_dir = self.root / "tmp"

    # ------------------------------------------------------------------ setup

    def init(self) -> "Store":
        for d in (self.root, self.blob_dir, self.tmp_dir):
            d.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.db_path, isolation_level=None)
        try:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise RuntimeError(f"{self.db_path}: SQLite refused WAL mode ({mode})")
            conn.executescript(SCHEMA)
        finally:
            conn.close()
        return self

    def clean_tmp(self) -> None:
        """Remove partial uploads of a process that died (call only while holding the data folder)."""
        for leftover in self.tmp_dir.iterdir():
            leftover.unlink(missing_ok=True)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.db_path, isolation_level=None, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        try:
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (taken at once, so concurrent writers queue rather than deadlock)."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def journal_mode(self) -> str:
        with self._connect() as conn:
            return conn.execute("PRAGMA journal_mode").fetchone()[0]

    # ------------------------------------------------------------------ blobs

    def blob_path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.blob_dir / sha256[:2] / sha256

    def temp_file(self):
        """A named temporary file in the store (same file system as the blobs)."""
        return tempfile.NamedTemporaryFile(dir=self.tmp_dir, prefix="upload-", delete=False)

    def keep_blob(self, temp_path: str | os.PathLike, sha256: str) -> Path:
        """Move a fully written, fsynced temporary file to its place by hash (atomic)."""
        target = self.blob_path(sha256)
        target.parent.mkdir(exist_ok=True)
        if target.exists():
            os.unlink(temp_path)
        else:
            os.replace(temp_path, target)
            fd = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        return target

    # ------------------------------------------------------------------ documents and jobs

    def add_document(self, sha256: str, name: str, kind: str, size: int, pages: Optional[int],
                     who: str) -> tuple[dict, bool]:
        """Record an upload and queue its job; (the document with its job, whether it is new)."""
        t = now()
        with self._write() as conn:
            cur = conn.execute("INSERT OR IGNORE INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)",
                               (sha256, name, kind, size, pages, t, who))
            created = cur.rowcount == 1
            if created:
                conn.execute("INSERT INTO jobs (sha256, status, created_at) VALUES (?, 'queued', ?)", (sha256, t))
        return self.get_document(sha256), created

    def get_document(self, sha256: str) -> Optional[dict]:
        with self._connect() as conn:
            row = conn.execute(_DOC_SELECT + " WHERE d.sha256 = ?", (sha256,)).fetchone()
        return _doc(row) if row else None

    def list_documents(self, template: Optional[str] = None, year: Optional[int] = None,
                       agency: Optional[str] = None, status: Optional[str] = None,
                       needs_review: Optional[bool] = None, limit: int = 100, offset: int = 0) -> tuple[int, list[dict]]:
        where, args = [], []
        if template is not None:
            where.append("r.template = ?")
            args.append(template)
        if year is not None:
            where.append("r.year = ?")
            args.append(year)
        if agency:
            where.append("instr(r.agency, ?) > 0")
            args.append(agency)
        if status is not None:  # a job status, or the result's own success / partial / failure
            where.append("j.status = ?" if status in JOB_STATUSES else "r.doc_status = ?")
            args.append(status)
        if needs_review is not None:
            where.append(f"({_OPEN_COUNT}) {'>' if needs_review else '='} 0")
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        with self._connect() as conn:
            total = conn.execute(f"SELECT count(*) FROM ({_DOC_SELECT}{clause})", args).fetchone()[0]
            rows = conn.execute(_DOC_SELECT + clause + " ORDER BY j.id DESC LIMIT ? OFFSET ?",
                                [*args, limit, offset]).fetchall()
        return total, [_doc(r) for r in rows]

    def get_job(self, job_id: int) -> Optional[dict]:
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return dict(row) if row else None

    def job_counts(self) -> dict[str, int]:
        with self._connect() as conn:
            rows = conn.execute("SELECT status, count(*) FROM jobs GROUP BY status").fetchall()
        return {s: 0 for s in JOB_STATUSES} | {r[0]: r[1] for r in rows}

    def recover(self, max_attempts: int) -> int:
        """At start: jobs left running by a process that died are queued again (or failed when
        they have been interrupted ``max_attempts`` times). Returns how many were requeued."""
        with self._write() as conn:
            conn.execute("UPDATE jobs SET status = 'failed', finished_at = ?, error = ? "
                         "WHERE status = 'running' AND attempts >= ?",
                         (now(), f"interrupted {max_attempts} times while running; not retried", max_attempts))
            return conn.execute("UPDATE jobs SET status = 'queued', started_at = NULL "
                                "WHERE status = 'running'").rowcount

    def claim_job(self) -> Optional[dict]:
        """The oldest queued job, marked running (one transaction: two workers never share a job)."""
        with self._write() as conn:
            row = conn.execute("SELECT id FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1").fetchone()
            if row is None:
                return None
            conn.execute("UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = ?, "
                         "error = NULL WHERE id = ?", (now(), row[0]))
            job = conn.execute("SELECT j.*, d.name, d.kind FROM jobs j JOIN documents d USING (sha256) "
                               "WHERE j.id = ?", (row[0],)).fetchone()
        return dict(job)

    def finish_job(self, job_id: int, sha256: str, result: dict) -> None:
        """Store a result, its review items, and mark the job done: one transaction."""
        review = [(sha256, fid, f["confidence"], i) for i, (fid, f) in enumerate(result.get("fields", {}).items())
                  if f.get("status") == "review"]
        with self._write() as conn:
            conn.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (sha256, json.dumps(result, ensure_ascii=False), result.get("template"),
                          result.get("year"), result.get("agency"), result["document"].get("status"), now()))
            conn.execute("DELETE FROM review_items WHERE sha256 = ?", (sha256,))
            conn.executemany("INSERT INTO review_items VALUES (?, ?, ?, ?)", review)
            conn.execute("UPDATE jobs SET status = 'done', error = NULL, finished_at = ? WHERE id = ?",
                         (now(), job_id))

    def fail_job(self, job_id: int, error: str) -> None:
        with self._write() as conn:
            conn.execute("UPDATE jobs SET status = 'failed', error = ?, finished_at = ? WHERE id = ?",
                         (error, now(), job_id))

    def release_job(self, job_id: int) -> None:
        """Put a running job back in the queue (the service is stopping)."""
        with self._write() as conn:
            conn.execute("UPDATE jobs SET status = 'queued', started_at = NULL, attempts = max(attempts - 1, 0) "
                         "WHERE id = ? AND status = 'running'", (job_id,))

    def requeue(self, sha256: str) -> bool:
        """Queue a document's job again (after a failure, or to re-extract); False if it is busy."""
        with self._write() as conn:
            return conn.execute("UPDATE jobs SET status = 'queued', error = NULL, attempts = 0, started_at = NULL, "
                                "finished_at = NULL WHERE sha256 = ? AND status IN ('done', 'failed')",
                                (sha256,)).rowcount == 1

    # ------------------------------------------------------------------ results

    def get_result(self, sha256: str) -> Optional[dict]:
        with self._connect() as conn:
            row = conn.execute("SELECT result FROM results WHERE sha256 = ?", (sha256,)).fetchone()
        return json.loads(row[0]) if row else None

    def iter_results(self, template: Optional[str] = None, year: Optional[int] = None,
                     agency: Optional[str] = None, needs_review: Optional[bool] = None) -> Iterator[tuple[dict, dict]]:
        """(document, result) of every done document that passes the filters."""
        total, docs = self.list_documents(template, year, agency, "done", needs_review, limit=-1)
        for d in docs:
            r = self.get_result(d["sha256"])
            if r is not None:
                yield d, r

    # ------------------------------------------------------------------ review queue and corrections

    def review_queue(self, sha256: Optional[str] = None, template: Optional[str] = None,
                     limit: int = 50, offset: int = 0) -> tuple[int, list[dict]]:
        """Open review items (no correction yet), least confident first."""
        where, args = ["NOT EXISTS (SELECT 1 FROM corrections c WHERE c.sha256 = ri.sha256 "
                       "AND c.field_id = ri.field_id)"], []
        if sha256:
            where.append("ri.sha256 = ?")
            args.append(sha256)
        if template:
            where.append("r.template = ?")
            args.append(template)
        base = ("FROM review_items ri JOIN results r USING (sha256) JOIN documents d USING (sha256) "
                "WHERE " + " AND ".join(where))
        with self._connect() as conn:
            total = conn.execute("SELECT count(*) " + base, args).fetchone()[0]
            rows = conn.execute("SELECT ri.sha256, ri.field_id, ri.confidence, d.name, d.kind, r.template " + base +
                                " ORDER BY ri.confidence, ri.sha256, ri.position LIMIT ? OFFSET ?",
                                [*args, limit, offset]).fetchall()
        return total, [dict(r) for r in rows]

    def review_counts(self, sha256: Optional[str] = None) -> dict[str, int]:
        """Fields sent to review, and how many of them have been decided."""
        clause, args = ("WHERE ri.sha256 = ?", [sha256]) if sha256 else ("", [])
        with self._connect() as conn:
            row = conn.execute(
                "SELECT count(*), sum(EXISTS (SELECT 1 FROM corrections c WHERE c.sha256 = ri.sha256 "
                f"AND c.field_id = ri.field_id)) FROM review_items ri {clause}", args).fetchone()
        return {"total": row[0], "decided": row[1] or 0, "open": row[0] - (row[1] or 0)}

    def decide(self, sha256: str, field_id: str, value_after, reviewer: str, extracted: dict,
               expected_before=...) -> Correction:
        """Record a reviewer's decision on a field (one transaction): ``value_before`` is the value
        in force (the latest correction's, else the extractor's); ``value_after=...`` confirms it.
        With ``expected_before`` given,
        a decision made on a value someone else has changed since is refused (:class:`Conflict`)."""
        source = extracted.get("source") or {}
        with self._write() as conn:
            row = conn.execute("SELECT value_after FROM corrections WHERE sha256 = ? AND field_id = ? "
                               "ORDER BY id DESC LIMIT 1", (sha256, field_id)).fetchone()
            before = json.loads(row[0]) if row else extracted.get("value")
            if expected_before is not ... and expected_before != before:
                raise Conflict(f"{field_id} is now {before!r}, not {expected_before!r}: someone decided it meanwhile")
            c = Correction(sha256=sha256, field_id=field_id, value_before=before,
                           value_after=before if value_after is ... else value_after,
                           reviewer=reviewer, time=now(), page=source.get("page"),
                           bbox=tuple(source["bbox"]) if source.get("bbox") else None, line=source.get("line"),
                           confidence_before=extracted.get("confidence"), status_before=extracted.get("status"))
            self._insert_correction(conn, c)
        return c

    def add_correction(self, c: Correction) -> int:
        with self._write() as conn:
            return self._insert_correction(conn, c)

    @staticmethod
    def _insert_correction(conn: sqlite3.Connection, c: Correction) -> int:
        return conn.execute(
            "INSERT INTO corrections (sha256, field_id, value_before, value_after, reviewer, created_at, "
            "page, bbox, line, confidence_before, status_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (c.sha256, c.field_id, json.dumps(c.value_before), json.dumps(c.value_after), c.reviewer, c.time,
             c.page, json.dumps(list(c.bbox)) if c.bbox else None, c.line, c.confidence_before,
             c.status_before)).lastrowid

    def corrections(self, sha256: Optional[str] = None, field_id: Optional[str] = None,
                    since: Optional[str] = None) -> list[Correction]:
        """Corrections in the order they were made."""
        where, args = [], []
        for col, v in (("sha256", sha256), ("field_id", field_id)):
            if v:
                where.append(f"{col} = ?")
                args.append(v)
        if since:
            where.append("created_at >= ?")
            args.append(since)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        with self._connect() as conn:
            rows = conn.execute("SELECT * FROM corrections" + clause + " ORDER BY id", args).fetchall()
        return [_correction(r) for r in rows]

    def latest_corrections(self, sha256: str) -> dict[str, Correction]:
        """The correction in force for each corrected field of a document."""
        return {c.field_id: c for c in self.corrections(sha256)}


_OPEN_COUNT = ("SELECT count(*) FROM review_items ri WHERE ri.sha256 = d.sha256 AND NOT EXISTS "
               "(SELECT 1 FROM corrections c WHERE c.sha256 = ri.sha256 AND c.field_id = ri.field_id)")
_DOC_SELECT = (
    "SELECT d.*, j.id AS job_id, j.status, j.error, j.attempts, j.created_at, j.started_at, j.finished_at, "
    "r.template, r.year, r.agency, r.doc_status, "
    "(SELECT count(*) FROM review_items ri WHERE ri.sha256 = d.sha256) AS review_total, "
    f"({_OPEN_COUNT}) AS review_open "
    "FROM documents d JOIN jobs j USING (sha256) LEFT JOIN results r USING (sha256)")


def _doc(row: sqlite3.Row) -> dict[str, Any]:
    d = dict(row)
    d["job"] = {k: d.pop(k) for k in ("job_id", "status", "error", "attempts", "created_at",
                                      "started_at", "finished_at")}
    d["job"]["id"] = d["job"].pop("job_id")
    d["needs_review"] = bool(d["review_open"])
    return d


def _correction(r: sqlite3.Row) -> Correction:
    return Correction(sha256=r["sha256"], field_id=r["field_id"], value_before=json.loads(r["value_before"]),
                      value_after=json.loads(r["value_after"]), reviewer=r["reviewer"], time=r["created_at"],
                      page=r["page"], bbox=tuple(json.loads(r["bbox"])) if r["bbox"] else None, line=r["line"],
                      confidence_before=r["confidence_before"], status_before=r["status_before"])
