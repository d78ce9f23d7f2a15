"""Imported only by the fork server of the local pool, after :mod:`.preload`, when the batch
holds PDF files: the PDF reader is then loaded once, in the fork server, instead of once in
every worker (on its first PDF, and again in every replacement worker)."""

import gc

try:
    from ..mupdf import _text_page_calls
    from ..readers import pdf  # noqa: F401
    _text_page_calls()  # checked once here, not on the first PDF of every worker (12 ms)
except Exception:  # noqa: BLE001 — a worker then loads it on its first PDF, and reports any problem
    pass

gc.collect()
gc.freeze()  # see preload: what the workers inherit is left out of their collections
