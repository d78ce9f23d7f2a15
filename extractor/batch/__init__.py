"""Bulk processing: many reports on one machine (a process pool) or on a Ray cluster.

The pieces, in the order a run uses them:

* :mod:`.walk` — inputs (files, folders, zip files) → :class:`~.walk.Item` with content hash;
* :mod:`.store` — where each document's result lives, keyed by content hash and extractor
  fingerprint; atomic writes (temp file + rename), so a killed run loses nothing it finished;
* :mod:`.worker` — the per-document function :func:`~.worker.process_item` and the isolated
  worker process that runs it (timeout, memory cap, crash → a failed record with a reason);
* :mod:`.pool` — the local engine: ``--workers`` isolated worker processes, forked from a
  fork server that :mod:`.preload` has loaded with the extractor;
* :mod:`.ray_engine` — the same per-document function on a Ray cluster (optional extra);
* :mod:`.dataset` — the combined dataset (Parquet and CSV), rebuilt from the per-document
  results at the end of every run;
* :mod:`.crossyear` — 上年结转 of one year against 结转下年度继续办理 of the year before;
* :mod:`.run` — the run itself, and :mod:`.cli` — the ``extractor batch`` command.
"""

from .run import BatchOptions, BatchSummary, run_batch

__all__ = ["BatchOptions", "BatchSummary", "run_batch"]
