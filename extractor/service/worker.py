"""Extraction off the request path: a pool of isolated worker processes fed from the job store.

Each slot of :class:`WorkerPool` is a supervising thread in the service and one long-lived
worker process (``python -m extractor.service.worker``) that reads job requests as JSON lines
on its stdin and answers each with one JSON line: the result, or the error. The process caps
its own address space, dies with the service, and has its stdout reserved for answers (what a
library prints goes to stderr). The supervisor enforces the per-document timeout from outside:
a worker that overruns it, crashes or runs out of memory is killed and replaced, and that
document's job fails with the reason; the others are not affected.

Jobs are claimed from the store in one transaction, so slots never share one; a job still
running when the service stops is put back in the queue (and one left running by a service
that was killed is requeued by :meth:`~.store.Store.recover` on the next start).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import selectors
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Optional

from ..batch.worker import THREAD_ENV
from .settings import ServiceSettings
from .store import Store

log = logging.getLogger("extractor.service")
ADDRESS_HEADROOM_MB = 1024  # libraries map more address space than they touch
MAX_ANSWER_BYTES = 64 << 20  # a result is some 100 kB; more means something went wrong


class WorkerGone(Exception):
    """The worker process ended or stopped answering."""


class _Slot:
    def __init__(self, index: int):
        self.index = index
        self.proc: Optional[subprocess.Popen] = None
        self.job: Optional[dict] = None
        self.thread: Optional[threading.Thread] = None


class WorkerPool:
    def __init__(self, store: Store, settings: ServiceSettings):
        self.store = store
        self.settings = settings
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._slots = [_Slot(i) for i in range(settings.workers)]

    # ------------------------------------------------------------------ control

    def start(self) -> None:
        for slot in self._slots:
            slot.thread = threading.Thread(target=self._run_slot, args=(slot,), daemon=True,
                                           name=f"extractor-worker-{slot.index}")
            slot.thread.start()

    def wake(self) -> None:
        """New jobs were queued."""
        with self._cond:
            self._cond.notify_all()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self.wake()
        for slot in self._slots:
            proc = slot.proc
            if proc is not None and proc.poll() is None:
                proc.kill()
        for slot in self._slots:
            if slot.thread is not None:
                slot.thread.join(timeout)

    def busy(self) -> int:
        return sum(1 for s in self._slots if s.job is not None)

    # ------------------------------------------------------------------ one slot

    def _run_slot(self, slot: _Slot) -> None:
        while not self._stopping.is_set():
            try:
                job = self.store.claim_job()
            except Exception:  # the store is busy or failing: try again shortly
                log.exception("claiming a job failed")
                job = None
            if job is None:
                with self._cond:
                    self._cond.wait(timeout=1.0)
                continue
            if self._stopping.is_set():  # claimed while the service was stopping
                self.store.release_job(job["id"])
                break
            slot.job = job
            try:
                self._do_job(slot, job)
            except Exception:  # the store failed while recording: the job stays running until a restart
                log.exception("job %s could not be recorded", job["id"])
            finally:
                slot.job = None
        self._end_process(slot)

    def _do_job(self, slot: _Slot, job: dict) -> None:
        sha, name = job["sha256"], job["name"]
        started = time.monotonic()
        try:
            reply = self._ask(slot, {"job": job["id"], "path": str(self.store.blob_path(sha)), "name": name,
                                     "settings": dataclasses.asdict(self.settings.extraction)})
        except TimeoutError:
            self._end_process(slot)
            self.store.fail_job(job["id"], f"timed out after {self.settings.job_timeout_s:g} s")
            return
        except WorkerGone as e:
            self._end_process(slot)
            if self._stopping.is_set():
                self.store.release_job(job["id"])
            else:
                self.store.fail_job(job["id"], f"the extraction process failed: {e}")
            return
        if reply.get("ok"):
            try:
                self.store.finish_job(job["id"], sha, reply["result"])
            except Exception as e:  # a result the store cannot take is that job's failure
                log.exception("storing the result of job %s failed", job["id"])
                self.store.fail_job(job["id"], f"the result could not be stored: {type(e).__name__}: {e}")
                return
            log.info("job %s (%s) done in %.2f s", job["id"], name, time.monotonic() - started)
        else:
            self.store.fail_job(job["id"], reply.get("error") or "failed")
            log.info("job %s (%s) failed: %s", job["id"], name, reply.get("error"))

    def _ask(self, slot: _Slot, request: dict) -> dict:
        if slot.proc is None or slot.proc.poll() is not None:
            slot.proc = self._spawn()
        proc = slot.proc
        try:
            proc.stdin.write((json.dumps(request, ensure_ascii=False) + "\n").encode("utf-8"))
            proc.stdin.flush()
        except (BrokenPipeError, OSError) as e:
            raise WorkerGone(f"could not send the job ({e})") from None
        line = _read_line(proc, time.monotonic() + self.settings.job_timeout_s)
        try:
            return json.loads(line)
        except json.JSONDecodeError:
            raise WorkerGone("the answer was not JSON") from None

    def _spawn(self) -> subprocess.Popen:
        env = dict(os.environ)
        env.update({k: "1" for k in THREAD_ENV})
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = package_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        memory = self.settings.job_memory_mb
        cmd = [sys.executable, "-m", "extractor.service.worker",
               "--memory-mb", str(memory + ADDRESS_HEADROOM_MB if memory else 0)]
        return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                                cwd=str(self.store.tmp_dir), start_new_session=True)

    @staticmethod
    def _end_process(slot: _Slot) -> None:
        proc, slot.proc = slot.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for f in (proc.stdin, proc.stdout):
            try:
                f.close()
            except OSError:
                pass


def _read_line(proc: subprocess.Popen, deadline: float) -> bytes:
    """One answer line from the worker, or TimeoutError / WorkerGone."""
    fd = proc.stdout.fileno()
    buf = bytearray()
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            if not sel.select(timeout=min(left, 1.0)):
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                code = proc.wait(timeout=5)
                raise WorkerGone(f"it ended with exit code {code}" + (" (out of memory?)" if code in (-9, 137) else ""))
            buf += chunk
            if buf.endswith(b"\n"):
                return bytes(buf)
            if len(buf) > MAX_ANSWER_BYTES:
                raise WorkerGone(f"its answer is larger than {MAX_ANSWER_BYTES >> 20} MB")


# ---------------------------------------------------------------------- the worker process


def _limit_self(memory_mb: int) -> None:
    if memory_mb:
        import resource
        cap = memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:  # die with the service (Linux): no orphan keeps extracting after a kill -9
        import ctypes
        import signal
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def run_job(request: dict) -> dict:
    """Extract one document; never raises (bad input and bugs become an error answer)."""
    from ..errors import ExtractorError
    from ..pipeline import extract
    from ..settings import Settings
    path, name = request["path"], request["name"]
    try:
        result = extract(path, Settings(**request["settings"]))
    except ExtractorError as e:
        return {"job": request["job"], "ok": False, "error": str(e).replace(path, name)}
    except MemoryError:
        return {"job": request["job"], "ok": False, "error": "out of memory"}
    except Exception as e:
        return {"job": request["job"], "ok": False,
                "error": f"internal error: {type(e).__name__}: {e}".replace(path, name)}
    result["document"]["path"] = name  # the stored path is the service's business
    result["document"]["name"] = name
    return {"job": request["job"], "ok": True, "result": result}


def main(argv: Optional[list[str]] = None) -> None:
    import argparse
    parser = argparse.ArgumentParser(description="extractor service worker (started by the service)")
    parser.add_argument("--memory-mb", type=int, default=0)
    args = parser.parse_args(argv)
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # whatever a library prints goes to stderr, not into the answers
    sys.stdout = sys.stderr
    _limit_self(args.memory_mb)
    from .. import pipeline  # noqa: F401  (imported once, before the first job)
    for line in sys.stdin:
        if not line.strip():
            continue
        reply = run_job(json.loads(line))
        answers.write(json.dumps(reply, ensure_ascii=False) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
