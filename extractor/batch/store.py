"""Where results live, and the key that says whether a result is still good.

A document's result is ``OUT/results/<key>/<sha[:2]>/<sha256>.json``. The key names the
extractor that made it: its version plus a fingerprint of its code, field spec and model
files, and the settings of the run (:func:`run_key`). A run skips every document whose result exists under
its key, so re-running after a kill, or after adding documents, does only the new work; a new
extractor build or other settings get a new key, and so a fresh extraction.

Each result is written to a temporary file in the same folder and renamed into place
(:func:`write_atomic`): a run killed at any moment leaves either the whole file or none.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Optional

from .. import __version__

RECORD_VERSION = 1  # the shape of a per-document record (see worker.make_record)
RESULTS = "results"
_TMP_PREFIX = ".tmp-"
_NOT_EXTRACTION = {"__pycache__", "batch", "service", "cli.py", "show.py", "evaluate.py"}


def _outside_extraction(rel: Path) -> bool:
    return bool(set(rel.parts) & _NOT_EXTRACTION)


def code_fingerprint() -> str:
    """SHA-256 over every file of the installed extractor package that can change a result:
    code, field spec and any model file shipped in it. Left out: the layers around extraction
    (:data:`_NOT_EXTRACTION`: command line, HTTP service, evaluation, the batch layer itself
    except the worker module, which shapes the per-document record) and compiled caches."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix not in (".pyc", ".pyo")
             and not p.name.startswith(".") and not _outside_extraction(p.relative_to(root))]
    files.append(Path(__file__).with_name("worker.py"))
    for p in sorted(files):
        h.update(p.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(p.read_bytes())
    return h.hexdigest()


def model_fingerprint() -> str:
    """The model chosen through ``EXTRACTOR_MODEL`` (a folder outside the package, or "none"):
    its name and the SHA-256 of its files. Empty when the variable is not set (the package's own
    model files are part of :func:`code_fingerprint`)."""
    chosen = os.environ.get("EXTRACTOR_MODEL")
    if not chosen:
        return ""
    h = hashlib.sha256(chosen.encode())
    folder = Path(chosen)
    if folder.is_dir():
        for p in sorted(q for q in folder.rglob("*") if q.is_file()):
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def run_key(settings) -> str:
    """``<version>-<12 hex>``: extractor version, code and model fingerprints, settings,
    record version."""
    h = hashlib.sha256()
    h.update(code_fingerprint().encode())
    h.update(model_fingerprint().encode())
    h.update(json.dumps(asdict(settings), sort_keys=True).encode())
    h.update(str(RECORD_VERSION).encode())
    return f"{__version__}-{h.hexdigest()[:12]}"


class Store:
    """The per-document results of one key under an output folder."""

    def __init__(self, out: str | os.PathLike, key: str):
        self.out = Path(out)
        self.key = key
        self.root = self.out / RESULTS / key

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.json"

    def load(self, sha256: str) -> Optional[dict]:
        """The stored record, or None if there is none (or it is unreadable, or of another key)."""
        try:
            record = json.loads(self.path(sha256).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        batch = record.get("batch") if isinstance(record, dict) else None
        if not batch or batch.get("key") != self.key or batch.get("record_version") != RECORD_VERSION:
            return None
        return record

    def other_keys(self) -> list[str]:
        """Keys of other extractor builds or settings with results in the same output folder."""
        base = self.out / RESULTS
        return sorted(p.name for p in base.iterdir() if p.is_dir() and p.name != self.key) if base.exists() else []

    def discard(self, sha256: str) -> None:
        """Remove an unreadable result, so that the next run extracts the document again."""
        try:
            self.path(sha256).unlink()
        except OSError:
            pass

    def status(self, sha256: str) -> Optional[str]:
        record = self.load(sha256)
        return record["batch"]["status"] if record else None

    def save(self, sha256: str, data: str | bytes) -> Path:
        target = self.path(sha256)
        write_atomic(target, data)
        return target

    def clean_temporaries(self) -> int:
        """Remove temporary files left by a run that was killed while writing."""
        n = 0
        if self.out.exists():
            for p in self.out.rglob(f"{_TMP_PREFIX}*"):
                try:
                    p.unlink()
                    n += 1
                except OSError:
                    pass
        return n


def write_atomic(target: str | os.PathLike, data: str | bytes) -> None:
    """Write to a temporary file beside the target, then rename it over the target."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def temporary_path(target: str | os.PathLike) -> Path:
    """A temporary name beside target, for writers that need a path (Parquet)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, dir=target.parent, suffix=target.suffix)
    os.close(fd)
    return Path(tmp)
