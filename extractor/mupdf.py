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


def _text_page_calls():
    """The functions pymupdf's ``Page.get_textpage`` and ``TextPage.extractRAWDICT`` end in,
    or None when this pymupdf does not have them."""
    try:
        from pymupdf import extra, mupdf
        return extra.page_get_textpage, extra.JM_make_textpage_dict, mupdf.FzStextPage, pymupdf.Matrix(1, 1)
    except (ImportError, AttributeError):
        return None


_TEXT_PAGE = _text_page_calls()


def text_blocks(page: "pymupdf.Page", flags: int, rotation: int) -> list[dict]:
    """``page.get_textpage(flags=flags).extractRAWDICT()["blocks"]`` (``rotation``: the
    page's ``/Rotate``).

    On an upright page this calls what those two methods call, without their Python
    wrappers, which check arguments, read the page's rotation and work out the page size
    for the dict: 0.1-0.15 ms a page under pymupdf 2.0, as much as 10% of reading the
    text. A turned page goes through the methods, which turn it upright meanwhile."""
    if _TEXT_PAGE is None or rotation:
        return page.get_textpage(flags=flags).extractRAWDICT()["blocks"]
    make_page, make_dict, owned, identity = _TEXT_PAGE
    text_page = owned(make_page(page.this, None, flags, identity))  # freed with it
    out: dict = {}
    make_dict(text_page.m_internal, out, True)
    return out["blocks"]
