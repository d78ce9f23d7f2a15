"""The per-document function, and the worker process that runs it in isolation.

:func:`process_item` extracts one :class:`~.walk.Item` and returns its *record*: the
extractor's result (the output contract) under ``"result"``, and under ``"batch"`` what the
run needs — content hash, source, status, reason, key, timing. It never raises for a bad
document: input the extractor refuses, a memory error or a bug all become a record with
status ``failed`` and the reason.

:func:`worker_main` is the body of a worker process (local pool and Ray actors alike). It
caps its own address space (``RLIMIT_AS``), asks the kernel to kill it when its parent dies,
then answers items sent over a pipe with records as JSON (UTF-8 bytes). Timeouts, hard crashes and the
resident-memory cap are enforced from the outside, by :class:`~.pool.IsolatedWorker`.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import shutil
import signal
import socket
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Callable, Optional

from .walk import Item, materialize

# Statuses of a document in a batch: the extractor's own three, plus "failed" when there is
# no result at all (the input was refused, or the worker timed out, ran out of memory or crashed).
STATUSES = ("success", "partial", "failure", "failed")
RETIRE_FRACTION = 0.8  # a worker above this share of its memory cap exits after its document
THREAD_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")  # one BLAS thread per worker
# (the service's worker processes use it too)
DEFAULT_FUNCTION = "extractor.batch.worker:process_item"  # the per-document function, as module:name


@dataclass(frozen=True)
class Limits:
    """Per-document limits; 0 turns a limit off."""

    timeout_s: float = 120.0  # wall time for one document
    memory_mb: int = 1024  # resident memory of a worker (watchdog); address space gets headroom
    address_headroom_mb: int = 1024  # RLIMIT_AS = memory_mb + this (libraries map more than they touch)

    def __post_init__(self) -> None:
        from ..errors import SettingsError
        if not self.timeout_s >= 0:
            raise SettingsError(f"timeout must be zero (none) or a positive number of seconds, not {self.timeout_s!r}")
        if not (isinstance(self.memory_mb, int) and self.memory_mb >= 0):
            raise SettingsError(f"memory_mb must be zero (none) or a positive whole number, not {self.memory_mb!r}")


def make_record(item: Item, key: str, status: str, reason: Optional[str], result: Optional[dict],
                elapsed_ms: float, **extra) -> dict:
    batch = {"record_version": _record_version(), "key": key, "sha256": item.sha256,
             "source": item.source, "status": status, "reason": reason,
             "elapsed_ms": round(elapsed_ms, 2), "worker": f"{socket.gethostname()}:{os.getpid()}"}
    batch.update(extra)
    return {"batch": batch, "result": result}


def record_bytes(record: dict) -> bytes:
    """A record as it is stored and sent: JSON, UTF-8. Sent as bytes, it is pickled as a plain
    copy (a ``str`` would be encoded by the worker and decoded by the parent, and the parent
    would encode it again to write it)."""
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


def _record_version() -> int:
    from .store import RECORD_VERSION
    return RECORD_VERSION


def failed_record(item: Item, key: str, reason: str, elapsed_ms: float = 0.0, **extra) -> dict:
    return make_record(item, key, "failed", reason, None, elapsed_ms, **extra)


def process_item(item: Item, settings, key: str) -> dict:
    """Extract one document; always a record, never an exception for a bad document."""
    from ..errors import ExtractorError
    from ..pipeline import extract

    t0 = time.perf_counter()

    def ms() -> float:
        return (time.perf_counter() - t0) * 1000

    if item.problem:
        return failed_record(item, key, item.problem, ms())
    folder = tempfile.mkdtemp(prefix="extractor-batch-") if item.member is not None else None
    path = item.path
    try:
        if folder:
            path = materialize(item, folder)
        result = extract(path, settings)
    except ExtractorError as e:  # the reason is about the content, which may have other names
        return failed_record(item, key, _one_line(str(e).replace(f"{path}: ", "").replace(path, "the file")), ms())
    except MemoryError:
        return failed_record(item, key, "out of memory (the worker's memory cap was reached)", ms())
    except RecursionError:
        return failed_record(item, key, "internal error: recursion too deep", ms())
    except Exception as e:  # a bug in the extractor: the document fails, the run goes on
        return failed_record(item, key, _one_line(f"internal error: {type(e).__name__}: {e}"), ms())
    finally:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
    doc = result["document"]
    if item.sha256 and doc.get("sha256") and doc["sha256"] != item.sha256:
        return failed_record(item, key, "the file changed while the batch was running", ms())
    doc["path"] = item.source
    if item.member is not None:
        doc["name"] = PurePosixPath(item.source.rsplit("!", 1)[-1]).name
    status = doc["status"]
    reason = doc.get("template_reason") if status == "failure" else None
    return make_record(item, key, status, reason, result, ms())


def _one_line(text: str, limit: int = 500) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (MB).

    Linux: ``VmHWM`` of /proc/self/status, the high-water mark of this program's memory.
    (``ru_maxrss`` would do, but it survives exec: a worker spawned by a large parent would
    report the parent's size.) Elsewhere ``ru_maxrss``.
    """
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def current_rss_mb(pid: Optional[int] = None) -> Optional[float]:
    """Resident memory of a process now (MB), from /proc; None where /proc is not available."""
    try:
        with open(f"/proc/{pid or 'self'}/statm", "rb") as f:
            pages = int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def limit_self(limits: Limits, parent_pid: Optional[int]) -> None:
    """Cap this process: address space, no core files, die with the parent, one BLAS thread."""
    for name in THREAD_ENV:
        os.environ.setdefault(name, "1")
    if limits.memory_mb:
        cap = (limits.memory_mb + limits.address_headroom_mb) * 2**20
        try:
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        except (ValueError, OSError):
            pass
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        pass
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: killed when the parent exits
        except (OSError, AttributeError):
            pass
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(0)  # the parent died before the death signal was armed


# A scrap of a report: enough to run every stage of the text path once.
WARM_UP_TEXT = ("某市某局2021年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
                "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n"
                "二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0\n")


def warm_up(settings) -> Optional[str]:
    """Extract a scrap of text once, so that what the extractor loads on first use (its model,
    lazily imported stages) is loaded before the first document's clock starts. The PDF
    reader stays unloaded until a PDF comes: a text-only batch does not pay its memory.

    Returns the reason when the extractor refuses to work at all — an
    :class:`~extractor.errors.ExtractorError` that is not about the document (a model of
    another version, bad settings): every document would fail the same way. Anything else
    going wrong on the scrap is left for real documents to show.
    """
    from ..errors import DocumentLoadError, ExtractorError
    folder = tempfile.mkdtemp(prefix="extractor-batch-")
    try:
        path = os.path.join(folder, "warm-up.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write(WARM_UP_TEXT)
        from ..pipeline import extract
        extract(path, settings)
    except DocumentLoadError:
        pass
    except ExtractorError as e:
        return _one_line(f"{type(e).__name__}: {e}")
    except Exception:  # noqa: BLE001 — a real document will show the problem with its reason
        pass
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return None


def load_function(spec: str) -> Callable[[Item, object, str], dict]:
    """``module:name`` → the function. Another per-document function (same signature as
    :func:`process_item`) can be given, e.g. by tests that inject hangs and crashes."""
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def worker_main(conn, settings, limits: Limits, key: str, parent_pid: Optional[int] = None,
                function: str = DEFAULT_FUNCTION) -> None:
    """Answer items with records (JSON, UTF-8 bytes) until told to stop or the parent goes away.

    The first message says whether the worker started: ``("ready", pid)``, or
    ``("error", reason)`` when the extractor cannot be imported or refuses to work at all
    (see :func:`warm_up`); the run then stops with that reason.

    Each answer is ``(record_json, {"status": …, "peak_rss_mb": …, "cpu_s": …, "retire": bool})``
    (``cpu_s``: CPU seconds of this process so far, start-up included); a worker whose
    resident memory has grown past :data:`RETIRE_FRACTION` of its cap retires after answering,
    and the parent starts a fresh one.
    """
    limit_self(limits, parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        from .. import pipeline  # noqa: F401  (import once, before the first document)
        process = load_function(function)
    except BaseException as e:  # a broken installation: every document would fail the same way
        conn.send(("error", f"{type(e).__name__}: {e}"))
        return
    refused = warm_up(settings)
    if refused:
        conn.send(("error", refused))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return
        if item is None:
            return
        cpu0 = time.process_time()
        try:
            record = process(item, settings, key)
        except BaseException as e:  # noqa: BLE001 — escaped the per-document function
            record = failed_record(item, key, _one_line(f"worker error: {type(e).__name__}: {e}"))
            conn.send((record_bytes(record), {"status": "failed", "retire": True}))
            os._exit(1)  # the process may be in a bad state (out of memory): no clean-up hooks
        peak = peak_rss_mb()
        record["batch"]["peak_rss_mb"] = round(peak, 1)
        record["batch"]["cpu_ms"] = round((time.process_time() - cpu0) * 1000, 2)
        now = current_rss_mb()
        retire = bool(limits.memory_mb and now and now > RETIRE_FRACTION * limits.memory_mb)
        data = record_bytes(record)
        info = {"status": record["batch"]["status"], "peak_rss_mb": peak, "retire": retire,
                "cpu_s": time.process_time()}
        try:
            conn.send((data, info))
        except (BrokenPipeError, OSError):
            return
        if retire:
            return
