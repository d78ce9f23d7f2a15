"""pymupdf, imported without the add-ons it loads by itself when they are installed.

Recent pymupdf releases import ``pymupdf.layout`` (which loads an ONNX layout model into
onnxruntime) and ``pymupdf4llm`` on ``import pymupdf`` whenever those packages are present.
The extractor uses neither (they serve ``Page.get_layout``, ``find_tables`` and the
Markdown/text/JSON exports), and together they cost about 0.8 s of CPU and 75 MB of memory
in every process that reads a PDF, plus onnxruntime's threads. pymupdf imports both inside
``try``/``except ImportError``, so hiding them during its import leaves them out; they stay
importable afterwards for anyone who asks for them by name.
"""

from __future__ import annotations

import sys

ADD_ONS = ("pymupdf.layout", "pymupdf4llm")


def _import_pymupdf():
    if "pymupdf" in sys.modules:  # imported already (by something else): take it as it is
        return sys.modules["pymupdf"]
    hidden = [name for name in ADD_ONS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # "import name" raises ImportError
    try:
        import pymupdf
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    return pymupdf


pymupdf = _import_pymupdf()
