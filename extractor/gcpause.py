"""Cyclic garbage collection paused while a document is read or extracted.

Reading and extracting make many small objects that reference counting frees (MuPDF's
character dicts, glyphs, cells, tokens, feature dicts), and their number alone keeps
triggering the cyclic collector, which then walks the whole heap again and again. Any
cycles made meanwhile are collected once it is back on.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def gc_paused() -> Iterator[None]:
    """Cyclic GC off for the block (nested uses leave it to the outermost one)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
