"""The Ray engine: the same per-document function on a cluster (``--engine ray``).

Why Ray rather than Dask: the work is many independent documents, each needing its own
isolated, killable worker; Ray's actors are exactly that (one long-lived process per CPU, each
owning one :class:`~.pool.IsolatedWorker`), a dead actor or node surfaces as an error on the
calls it held, and a cluster is one ``pip install ray`` plus ``ray start`` on each machine.
Dask's strengths (dataframes, arrays, task graphs with shared intermediate data) are not used
here, and its per-worker memory management pauses or restarts a whole worker rather than
ending one document.

Each actor runs documents through its own isolated worker process, so timeouts, the memory
cap and crashes are handled exactly as in the local engine, on whichever node the actor
lives. Inputs are read by the actors from their paths, so the inputs must be on a path every
node sees the same way (a shared file system); results come back to the driver, which writes
them to ``--out`` with the same atomic writes and resume rules as a local run. Actors check
that their node runs the same extractor build (the run key) before any work is sent.

Ray is an optional extra: ``pip install 'extractor[ray]'``.
"""

from __future__ import annotations

from collections import deque
from typing import Iterable, Optional

from ..errors import ExtractorError
from .walk import Item
from .worker import DEFAULT_FUNCTION, Limits, failed_record, record_bytes

IN_FLIGHT = 2  # calls queued per actor, so it never waits for the driver
MAX_ATTEMPTS = 2  # a document whose actor died is tried on a fresh actor once more


def _import_ray():
    try:
        import ray
    except ImportError:
        raise ExtractorError("--engine ray needs Ray: pip install 'extractor[ray]' (or pip install ray)") from None
    return ray


class _Extractor:
    """Body of the Ray actor: one isolated worker process on the actor's node."""

    def __init__(self, settings, limits: Limits, key: str, function: str = DEFAULT_FUNCTION):
        from .pool import IsolatedWorker
        self.settings = settings
        self.worker = IsolatedWorker(settings, limits, key, function)

    def start(self) -> str:
        """Start the worker process; the run key of this node's extractor build."""
        from .store import run_key
        self.worker.start()
        return run_key(self.settings)

    def process(self, item: Item) -> tuple[bytes, dict]:
        return self.worker.process(item)

    def peak_rss_mb(self) -> float:
        return self.worker.peak_rss_mb

    def stop(self) -> None:
        self.worker.stop()


class RayEngine:
    name = "ray"

    def __init__(self, settings, limits: Limits, key: str, workers: Optional[int] = None,
                 address: Optional[str] = None, function: str = DEFAULT_FUNCTION):
        self.settings, self.limits, self.key, self.function = settings, limits, key, function
        self.workers = workers
        self.address = address
        self.peak_rss_mb: list[float] = []
        self._ray = _import_ray()

    def describe(self) -> str:
        where = self.address or "a local Ray"
        n = f"{self.workers} workers" if self.workers else "a worker per CPU"
        return f"ray on {where}, {n}"

    def run(self, items: Iterable[Item], emit) -> None:
        ray = self._ray
        started = False
        if not ray.is_initialized():
            if self.address:
                ray.init(address=self.address, log_to_driver=False)
            else:
                ray.init(num_cpus=self.workers, include_dashboard=False, log_to_driver=False)
            started = True
        try:
            self._run(ray, deque(items), emit)
        finally:
            if started:
                ray.shutdown()

    def _run(self, ray, pending: deque, emit) -> None:
        n = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        n = min(n, len(pending))
        if n == 0:
            return
        actor_class = ray.remote(num_cpus=1, max_restarts=0, max_task_retries=0)(_Extractor)
        actors = [actor_class.remote(self.settings, self.limits, self.key, self.function) for _ in range(n)]
        self._check_keys(ray, actors)
        attempts: dict[str, int] = {}
        inflight: dict = {}  # object ref -> (actor, item)
        load = {a: 0 for a in actors}  # live actors -> calls queued on them
        try:
            while pending or inflight:
                for a in list(load):
                    while pending and load[a] < IN_FLIGHT:
                        item = pending.popleft()
                        inflight[a.process.remote(item)] = (a, item)
                        load[a] += 1
                ready, _ = ray.wait(list(inflight), num_returns=1, timeout=1.0)
                for ref in ready:
                    actor, item = inflight.pop(ref)
                    if actor in load:
                        load[actor] -= 1
                    try:
                        text, info = ray.get(ref)
                    except ray.exceptions.RayActorError as e:
                        if actor in load:  # first news of this actor's death: replace it
                            del load[actor]
                            fresh = actor_class.remote(self.settings, self.limits, self.key, self.function)
                            actors.append(fresh)
                            load[fresh] = 0
                        attempts[item.source] = attempts.get(item.source, 0) + 1
                        if attempts[item.source] < MAX_ATTEMPTS:
                            pending.appendleft(item)
                            continue
                        text, info = self._failed(item, f"worker lost twice ({_first_line(e)})")
                    except ray.exceptions.RayError as e:
                        text, info = self._failed(item, f"ray task failed ({_first_line(e)})")
                    emit(item, text, info)
        finally:
            peaks = []
            for a in actors:
                if a in load:
                    try:
                        peaks.append(ray.get(a.peak_rss_mb.remote(), timeout=10))
                        ray.get(a.stop.remote(), timeout=10)
                    except Exception:  # noqa: BLE001 — an actor already gone has nothing to report
                        pass
                ray.kill(a)
            self.peak_rss_mb = [p for p in peaks if p]

    def _failed(self, item: Item, reason: str) -> tuple[bytes, dict]:
        return record_bytes(failed_record(item, self.key, reason)), {"status": "failed"}

    def _check_keys(self, ray, actors) -> None:
        try:
            keys = set(ray.get([a.start.remote() for a in actors]))
        except ray.exceptions.RayError as e:
            raise ExtractorError(f"a Ray worker could not start: {_first_line(e)}") from None
        if keys != {self.key}:
            raise ExtractorError(f"the Ray workers run another extractor build (run key {sorted(keys - {self.key})}, "
                                 f"here {self.key}): install the same extractor on every node")


def _first_line(e: Exception) -> str:
    text = str(e).strip().splitlines()
    return text[0][:300] if text else type(e).__name__
