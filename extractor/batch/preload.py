"""Imported only by the fork server of the local pool, never by anything else.

Importing this module loads the extractor the way a first document would (imports, model),
inside the fork server. Worker processes are then forked from it already loaded: a worker
starts in milliseconds instead of seconds, and one that was killed (timeout, memory cap,
crash) is replaced as quickly. The PDF reader is left out on purpose: a batch of text and
web pages never pays its memory (:mod:`.preload_pdf` adds it when the batch holds PDFs).

Last, everything loaded is moved out of the garbage collector's reach (``gc.freeze``): a
worker's full collections then walk only its own objects, not the 130,000 it inherits,
and do not touch (and so copy) the pages it shares with the fork server.
"""

import gc
import os

from .worker import THREAD_ENV, warm_up

for _name in THREAD_ENV:  # BLAS libraries read these when loaded: one thread per worker
    os.environ.setdefault(_name, "1")

try:
    from ..settings import Settings
    warm_up(Settings())
except Exception:  # noqa: BLE001 — a worker started without the preload reports any real problem
    pass

gc.collect()
gc.freeze()
