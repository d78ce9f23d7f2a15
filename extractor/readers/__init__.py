"""Readers: a file → :class:`~extractor.model.Document`, chosen by sniffing the bytes.

The file's name is never trusted: a PDF is a PDF by its ``%PDF`` header, an image by
its magic number, HTML by its markup; everything else is read as text if it decodes.
"""

from __future__ import annotations

import re
from dataclasses import replace
from importlib import import_module
from pathlib import Path

from ..errors import DocumentLoadError, UnsupportedInput
from ..model import Document

MAX_PDF_PAGES = 500  # a PDF with more pages is not a single report
MAX_TEXT_BYTES = 20 * 1024 * 1024  # a text or HTML report is never this large
_HTML = re.compile(rb"<(?:!doctype\s+html|html|table|body|div|p|tr|td)[\s>]", re.I)
_IMAGE_MAGIC = {b"\xff\xd8\xff": "JPEG", b"\x89PNG": "PNG", b"II*\x00": "TIFF", b"MM\x00*": "TIFF",
                b"GIF8": "GIF", b"BM": "BMP"}
_OTHER_MAGIC = {b"PK\x03\x04": "a ZIP archive (DOCX/XLSX/ODT?)", b"\xd0\xcf\x11\xe0": "an OLE file (DOC/XLS?)",
                b"\x1f\x8b": "a gzip archive", b"Rar!": "a RAR archive", b"7z\xbc\xaf": "a 7z archive"}


def sniff(head: bytes) -> str:
    """'pdf', 'image', 'html' or 'text' from the first bytes of a file."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    for magic in _IMAGE_MAGIC:
        if head.startswith(magic):
            return "image"
    for magic, what in _OTHER_MAGIC.items():
        if head.startswith(magic):
            raise UnsupportedInput(f"the file is {what}, not a report this tool reads "
                                   "(PDF, image, HTML or text)")
    probe = head[:4096]
    if probe[:2] in (b"\xff\xfe", b"\xfe\xff"):
        probe = probe.decode("utf-16", errors="ignore").encode("utf-8")
    return "html" if _HTML.search(probe) else "text"


def read(path: str | Path, max_text_bytes: int = MAX_TEXT_BYTES, ocr: bool = True,
         max_pdf_pages: int = MAX_PDF_PAGES) -> Document:
    """Read any supported file; raise DocumentLoadError with a one-line reason otherwise.

    With ``ocr``, images and the PDF pages without a usable text layer are read by OCR;
    without it, an image is refused and such PDF pages stay listed in ``needs_ocr``. A PDF
    of more than ``max_pdf_pages`` pages is refused."""
    p = Path(path)
    if not p.exists():
        raise DocumentLoadError(f"{p}: no such file")
    if p.is_dir():
        raise DocumentLoadError(f"{p}: is a folder, not a file")
    size = p.stat().st_size
    if size == 0:
        raise DocumentLoadError(f"{p}: the file is empty")
    with p.open("rb") as f:
        head = f.read(8192)
    kind = sniff(head)
    if kind == "pdf":
        from .pdf import read_pdf
        doc = read_pdf(p, max_pages=max_pdf_pages)
        if ocr and (doc.needs_ocr or doc.image_regions):
            return _ocr_module(p).ocr_pdf(doc)
        doc.warnings.extend(f"page {n}: a picture (or text drawn as shapes) that may hold a table "
                            f"was not read (OCR is off)"
                            for n, _ in doc.image_regions)
        return doc
    if kind == "image":
        if not ocr:
            raise UnsupportedInput(f"{p}: an image can only be read by OCR, which is turned off")
        return _ocr_module(p).read_image(p)
    if size > max_text_bytes:
        raise DocumentLoadError(f"{p}: {size / 2**20:.0f} MB is too large for a text or HTML report "
                                f"(limit {max_text_bytes / 2**20:g} MB)")
    if kind == "html":
        from .html import read_html
        doc = read_html(p)
        if doc.pictures and ocr:
            doc = _ocr_module(p, "pictures").ocr_pictures(doc)
        elif doc.pictures:
            doc.warnings.append(f"{len(doc.pictures)} pictures on the page were not read (OCR is off)")
        if not doc.lines:
            raise DocumentLoadError(f"{p}: the HTML page has no visible text")
        return doc
    from .text import read_text
    return read_text(p)


def read_by_ocr(doc: Document, pages: list[int]) -> Document:
    """A PDF's ``doc`` with ``pages`` (1-based) read again by OCR, whole: their text layer's
    lines give way to what OCR reads on the rendered pages."""
    return _ocr_module(Path(doc.path)).ocr_pdf(replace(doc, needs_ocr=pages, image_regions=[]))


def _ocr_module(p: Path, name: str = "image"):
    """The OCR reader (``name``: its module of images and PDF pages, or of a web page's
    pictures), imported on first use (its engine loads once per process)."""
    try:
        module = import_module(f".{name}", __package__)
    except ImportError as e:  # the OCR packages are dependencies; a broken install lands here
        raise UnsupportedInput(f"{p}: reading scans needs OCR, which failed to load ({e}); "
                               f"reinstall with: pip install rapidocr-onnxruntime opencv-python-headless") from e
    return module
