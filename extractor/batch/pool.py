"""The local engine: ``workers`` isolated worker processes, fed by one thread each.

:class:`IsolatedWorker` owns one worker process (forked from a fork server that has the
extractor loaded, or spawned; either way it shares no threads or locks with the parent) and
runs documents through it one at a time. From the
outside it enforces what a process cannot enforce on itself:

* a **timeout** per document: a worker still busy when it runs out is killed;
* a **memory cap**: the worker's resident memory is read from ``/proc`` while it works, and
  a worker above the cap is killed (inside, ``RLIMIT_AS`` makes a sudden huge allocation fail
  at once instead);
* **crashes**: a worker that dies (segfault, abort, the kernel's OOM killer) is noticed by its
  process sentinel.

Each of these ends the document as a failed record with the reason, and the next document
gets a fresh worker. The Ray engine uses the same class inside each of its actors.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
import socket
import threading
import time
from collections import deque
from multiprocessing.connection import wait
from typing import Callable, Iterable, Optional

from ..errors import ExtractorError
from .walk import Item
from .worker import DEFAULT_FUNCTION, Limits, current_rss_mb, failed_record, record_bytes, worker_main

POLL_S = 0.1  # how often a busy worker's clock and memory are looked at
START_TIMEOUT_S = 120.0  # a worker that cannot even start is a broken installation
Emit = Callable[[Item, bytes, dict], None]  # the record as JSON (UTF-8), facts about it


class WorkerStartError(ExtractorError):
    """A worker process cannot start (the extractor cannot be imported there): the run stops."""


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


_forkserver_lock = threading.Lock()
_forkserver_started = False


def worker_context(pdf: bool = False):
    """How worker processes start: from a fork server preloaded with the extractor
    (:mod:`.preload`) where the platform has one, else ``spawn``. Either way a worker shares
    no threads or locks with the parent; the fork server makes starting one cheap.

    With ``pdf`` the fork server also loads the PDF reader (:mod:`.preload_pdf`). The fork
    server is started once per process, by the first call: later calls get it as it is."""
    global _forkserver_started
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    with _forkserver_lock:
        if not _forkserver_started:
            preload = ["extractor.batch.preload"] + (["extractor.batch.preload_pdf"] if pdf else [])
            ctx.set_forkserver_preload(preload)  # ignored if one already runs
            from multiprocessing import forkserver
            forkserver.ensure_running()
            _forkserver_started = True
    return ctx


def has_pdf(items: Iterable[Item]) -> bool:
    """Whether some item is named as a PDF (a hint only: a PDF under another name is read all the same)."""
    return any(item.suffix == ".pdf" for item in items)


class IsolatedWorker:
    """One worker process; :meth:`process` never raises for a bad document."""

    def __init__(self, settings, limits: Limits, key: str, function: str = DEFAULT_FUNCTION):
        self.settings = settings
        self.limits = limits
        self.key = key
        self.function = function
        self.ctx = worker_context()
        self.proc = None
        self.conn = None
        self.peak_rss_mb = 0.0  # over every process this worker has run
        self.last_pid: Optional[int] = None
        self.starts = 0  # worker processes started (more than one: after a kill or a crash)
        self.cpu_s = 0.0  # CPU seconds of the processes that have ended (as last reported)
        self._cpu_now = 0.0  # CPU seconds of the current process, as of its last answer

    # -- process life -------------------------------------------------------------------
    def start(self) -> None:
        parent_end, child_end = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=worker_main, name="extractor-batch-worker", daemon=True,
                                     args=(child_end, self.settings, self.limits, self.key,
                                           os.getpid() if self.ctx.get_start_method() == "spawn" else None,
                                           self.function))
        self.proc.start()
        self.last_pid = self.proc.pid
        child_end.close()
        self.conn = parent_end
        if not parent_end.poll(START_TIMEOUT_S):
            self.kill()
            raise WorkerStartError(f"a worker did not start within {START_TIMEOUT_S:g} s")
        try:
            kind, detail = parent_end.recv()
        except (EOFError, OSError):
            code = self.proc.exitcode if self.proc else None
            self.kill()
            raise WorkerStartError(f"a worker died while starting (exit code {code})") from None
        if kind != "ready":
            self.kill()
            raise WorkerStartError(f"a worker could not start: {detail}")

    @property
    def total_cpu_s(self) -> float:
        """CPU seconds of every process this worker has run, as each last reported it
        (start-up included; the work of a killed process after its last answer is not)."""
        return self.cpu_s + self._cpu_now

    def alive(self) -> bool:
        return self.proc is not None and self.proc.is_alive()

    def kill(self) -> None:
        if self.proc is not None:
            if self.proc.is_alive():
                try:
                    os.kill(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.proc.join(5)
            self.proc.close()
            self.cpu_s += self._cpu_now
            self._cpu_now = 0.0
        if self.conn is not None:
            self.conn.close()
        self.proc = self.conn = None

    def interrupt(self) -> None:
        """Kill the process from another thread; its feeding thread notices and cleans up."""
        proc = self.proc
        if proc is not None:
            try:
                os.kill(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, TypeError, ValueError):
                pass

    def stop(self) -> None:
        """Ask the worker to finish, then make sure it has."""
        if self.proc is not None and self.proc.is_alive():
            try:
                self.conn.send(None)
            except (OSError, ValueError):
                pass
            self.proc.join(2)
        self.kill()

    # -- one document -------------------------------------------------------------------
    def process(self, item: Item) -> tuple[bytes, dict]:
        """The record (JSON, UTF-8 bytes) of one document, and facts about the worker."""
        if item.problem:
            return self._failed(item, item.problem, time.monotonic())
        if not self.alive():
            self.kill()
            self.start()
            self.starts += 1
        t0 = time.monotonic()  # the document's clock starts once its worker is ready
        try:
            self.conn.send(item)
        except (OSError, ValueError):
            self.kill()
            return self._failed(item, "worker could not be reached", t0)
        return self._wait(item, t0)

    def _wait(self, item: Item, t0: float) -> tuple[bytes, dict]:
        timeout = self.limits.timeout_s
        cap = self.limits.memory_mb
        while True:
            ready = wait([self.conn, self.proc.sentinel], timeout=POLL_S)
            if self.conn in ready or self.conn.poll():
                try:
                    text, info = self.conn.recv()
                except (EOFError, OSError):
                    return self._crashed(item, t0)
                self.peak_rss_mb = max(self.peak_rss_mb, info.get("peak_rss_mb", 0.0))
                self._cpu_now = info.get("cpu_s", self._cpu_now)
                if info.get("retire"):
                    self.stop()
                return text, info
            if self.proc.sentinel in ready:
                return self._crashed(item, t0)
            elapsed = time.monotonic() - t0
            if timeout and elapsed > timeout:
                self.kill()
                return self._failed(item, f"timed out after {timeout:g} s (the worker was stopped)", t0)
            rss = current_rss_mb(self.proc.pid)
            if rss is not None:
                self.peak_rss_mb = max(self.peak_rss_mb, rss)
                if cap and rss > cap:
                    self.kill()
                    return self._failed(item, f"memory cap exceeded: {rss:.0f} MB resident, cap {cap} MB "
                                              "(the worker was stopped)", t0)

    def _crashed(self, item: Item, t0: float) -> tuple[bytes, dict]:
        self.proc.join(1)
        code = self.proc.exitcode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            how = f"killed by {name}" + (" (out of memory?)" if -code == signal.SIGKILL else "")
        else:
            how = f"exited with code {code}"
        self.kill()
        return self._failed(item, f"worker crashed ({how})", t0)

    def _failed(self, item: Item, reason: str, t0: float) -> tuple[bytes, dict]:
        extra = {"worker": f"{socket.gethostname()}:{self.last_pid}"} if self.last_pid else {}
        record = failed_record(item, self.key, reason, (time.monotonic() - t0) * 1000, **extra)
        return record_bytes(record), {"status": "failed", "peak_rss_mb": self.peak_rss_mb,
                                                        "retire": False}


class LocalEngine:
    """Run items through ``workers`` isolated workers; results are handed to ``emit`` in
    the calling thread, one at a time, in the order they finish."""

    name = "local"

    def __init__(self, settings, limits: Limits, key: str, workers: Optional[int] = None,
                 function: str = DEFAULT_FUNCTION):
        self.settings, self.limits, self.key, self.function = settings, limits, key, function
        self.workers = workers or default_workers()
        self.peak_rss_mb: list[float] = []
        self.worker_cpu_s = 0.0  # CPU seconds of the worker processes, over the last run

    def describe(self) -> str:
        return f"local, {self.workers} worker{'s' if self.workers != 1 else ''}"

    def run(self, items: Iterable[Item], emit: Emit) -> None:
        pending = deque(items)
        n = min(self.workers, len(pending))
        if n == 0:
            return
        lock = threading.Lock()
        stop = threading.Event()
        results: queue.Queue = queue.Queue()
        worker_context(pdf=has_pdf(pending))  # starts the fork server, if this is the first run
        workers = [IsolatedWorker(self.settings, self.limits, self.key, self.function) for _ in range(n)]
        done = object()

        def feed(w: IsolatedWorker) -> None:
            try:
                while not stop.is_set():
                    with lock:
                        if not pending:
                            break
                        item = pending.popleft()
                    results.put((item, *w.process(item)))
            except BaseException as e:  # noqa: BLE001 — reported in the main thread
                results.put(e)
            finally:
                w.stop()
                results.put(done)

        threads = [threading.Thread(target=feed, args=(w,), daemon=True, name=f"batch-feed-{i}")
                   for i, w in enumerate(workers)]
        for t in threads:
            t.start()
        finished = 0
        try:
            while finished < n:
                try:
                    got = results.get(timeout=0.5)
                except queue.Empty:
                    continue
                if got is done:
                    finished += 1
                elif isinstance(got, BaseException):
                    raise got
                else:
                    emit(*got)
        finally:
            stop.set()
            if any(t.is_alive() for t in threads):  # interrupted: do not wait for documents
                for w in workers:
                    w.interrupt()
            for t in threads:
                t.join(10)
            self.peak_rss_mb = [w.peak_rss_mb for w in workers]
            self.worker_cpu_s = sum(w.total_cpu_s for w in workers)
