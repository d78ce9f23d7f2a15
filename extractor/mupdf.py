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

import re
import sys
from functools import lru_cache

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


@lru_cache(maxsize=None)
def _text_page_calls():
    """The functions pymupdf's ``Page.get_textpage`` and ``TextPage.extractRAWDICT`` end in,
    once they are seen to give what those methods give on a small page; else None."""
    try:
        from pymupdf import extra, mupdf
        calls = extra.page_get_textpage, extra.JM_make_textpage_dict, mupdf.FzStextPage, pymupdf.Matrix(1, 1)
        with pymupdf.open() as doc:
            page = doc.new_page(width=200, height=100)
            page.insert_text((20, 50), "1 23", fontsize=11)
            page.draw_line((10, 60), (190, 60))
            flags = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_COLLECT_VECTORS
            want = page.get_textpage(flags=flags).extractRAWDICT()["blocks"]
            if _direct(calls, page, flags) != (want, 200.0, 100.0):
                return None
        return calls
    except Exception:  # not this pymupdf's functions, or not called so
        return None


def _direct(calls, page: "pymupdf.Page", flags: int) -> tuple[list[dict], float, float]:
    make_page, make_dict, owned, identity = calls
    text = owned(make_page(page.this, None, flags, identity))  # freed with it
    out: dict = {}
    make_dict(text.m_internal, out, True)
    box = text.m_internal.mediabox
    return out["blocks"], box.x1 - box.x0, box.y1 - box.y0


def text_page(page: "pymupdf.Page", flags: int, rotation: int) -> tuple[list[dict], float, float]:
    """``page.get_textpage(flags=flags).extractRAWDICT()["blocks"]`` (``rotation``: the
    page's ``/Rotate``), and the width and height of the unrotated page (the text page's
    box: ``page.get_textpage`` turns the page upright meanwhile).

    On an upright page this calls what those two methods call, without their Python
    wrappers, which check arguments, read the page's rotation and work out the page size
    for the dict (they and ``page.rect`` cost 0.05-0.1 ms a page under pymupdf 2.0). A
    turned page goes through the methods, and so does every page when the functions
    underneath are not found or not called as they were (another pymupdf)."""
    calls = _text_page_calls()
    if calls is None or rotation:
        text = page.get_textpage(flags=flags)
        box = text.rect
        return text.extractRAWDICT()["blocks"], abs(box.width), abs(box.height)
    return _direct(calls, page, flags)


def page_drawing(page: "pymupdf.Page") -> tuple[int, bool]:
    """Bytes of the page's content streams and of the forms it draws, as stored, and
    whether it draws any image (its own or a form's, forms within forms included): what
    ``page.get_contents()``, ``page.get_xobjects()`` and ``page.get_images()`` tell, read
    from the page's PDF objects in one walk (the three cost 70-100 µs a page under
    pymupdf 2.0, this 10-20 µs). Falls back to them when the objects cannot be read so."""
    try:
        from pymupdf import mupdf
        obj = mupdf.pdf_page_from_fz_page(page.this).obj()
        size = _stored_bytes(mupdf, mupdf.pdf_dict_get(obj, mupdf.PDF_ENUM_NAME_Contents))
        resources = mupdf.pdf_dict_get_inheritable(obj, mupdf.PDF_ENUM_NAME_Resources)
        forms, images = _xobjects(mupdf, resources, set())
        return size + forms, images
    except Exception:  # an odd object tree, or a pymupdf without these calls
        return _page_drawing_slowly(page)


def _stored_bytes(mupdf, obj) -> int:
    """Stored bytes of a content stream, or of an array of them."""
    if mupdf.pdf_is_array(obj):
        return sum(_stored_bytes(mupdf, mupdf.pdf_array_get(obj, i)) for i in range(mupdf.pdf_array_len(obj)))
    if not mupdf.pdf_is_stream(obj):
        return 0
    n = mupdf.pdf_to_int(mupdf.pdf_dict_get(obj, mupdf.PDF_ENUM_NAME_Length))
    if n <= 0:
        raise ValueError("a stream without its length")
    return n


def _xobjects(mupdf, resources, seen: set[int]) -> tuple[int, bool]:
    """Stored bytes of the forms in ``resources`` (and in theirs), and whether an image is."""
    size, images = 0, False
    xobjects = mupdf.pdf_dict_get(resources, mupdf.PDF_ENUM_NAME_XObject)
    for i in range(mupdf.pdf_dict_len(xobjects)):
        x = mupdf.pdf_dict_get_val(xobjects, i)
        kind = mupdf.pdf_dict_get(x, mupdf.PDF_ENUM_NAME_Subtype)
        if mupdf.pdf_name_eq(kind, mupdf.PDF_ENUM_NAME_Image):
            images = True
        elif mupdf.pdf_name_eq(kind, mupdf.PDF_ENUM_NAME_Form):
            num = mupdf.pdf_to_num(x)
            if num in seen:
                continue
            seen.add(num)
            inner, inner_images = _xobjects(mupdf, mupdf.pdf_dict_get(x, mupdf.PDF_ENUM_NAME_Resources), seen)
            size += _stored_bytes(mupdf, x) + inner
            images = images or inner_images
    return size, images


def _page_drawing_slowly(page: "pymupdf.Page") -> tuple[int, bool]:
    """:func:`page_drawing` through pymupdf's methods."""
    doc = page.parent
    size = 0
    for xref in [*page.get_contents(), *(x[0] for x in page.get_xobjects())]:
        kind, value = doc.xref_get_key(xref, "Length")
        size += int(value) if kind == "int" else len(doc.xref_stream_raw(xref) or b"")
    return size, bool(page.get_images())


# the path operator "l" (line to) as a token: white space before it, a delimiter or white
# space after (text strings holding " l " are taken for it too: a false alarm costs time only)
_LINE_TO = re.compile(rb"\sl[\s/\[<(%]")


def draws_no_open_paths(page: "pymupdf.Page") -> bool:
    """Whether every path the page paints is built of rectangles (``re``) and curves: its
    content streams hold no line-to operator and it draws no forms (whose streams are not
    read here). Then a stroked path that MuPDF calls a rectangle is a closed rectangle's
    outline, not three sides of one (which it calls a rectangle as well)."""
    try:
        if page.get_xobjects():
            return False
        return _LINE_TO.search(page.read_contents() + b" ") is None
    except Exception:  # a content stream that cannot be read: claim nothing
        return False

