"""Scanned reports: page images (JPG, PNG, TIFF, multi-page TIFF) and the pages of a PDF
that have no usable text layer, read by offline OCR into the same lines of cells.

- :func:`read_image` reads an image file into a :class:`Document` of kind ``"image"``; a
  multi-page TIFF gives one page per frame. Boxes are in the image's pixels (of its page
  as stored, before any turn or straightening the OCR applied).
- :func:`ocr_pdf` fills in a PDF :class:`Document`'s pages listed in ``needs_ocr``
  (rendered at their scan's own resolution, within :data:`MIN_DPI`..:data:`MAX_DPI`);
  boxes are in PDF page points like the rest of the document.

Each page goes through :func:`extractor.scanpage.read_page_image`: detection,
orientation (90/180/270), skew, recognition, re-reading of unsure numbers, printed rules
by OpenCV morphology, and the born-digital reader's table layout. Every cell carries the
OCR confidence of its weakest character (``Cell.confidence``), which the field confidence
multiplies in. Running headers and footers repeating on several pages are dropped as the
PDF reader drops them.

Engine choice (``python -m training.compare_ocr_engines``: generated table pages, clean =
200 dpi light noise, noisy = 150/200 dpi blur + noise + JPEG 40–75; every truth word of
the page's text layer scored; both engines on the same images, 2 shared cores):

=========================  ==============  ===========  =============
engine                     table numbers   label chars  s/page (wall)
=========================  ==============  ===========  =============
PP-OCRv4, clean, bare      97.9 %          98.0 %       9.6
PP-OCRv4, clean, reader    99.1 %          98.5 %       9.0
Tesseract 5 chi_sim clean  11–57 %         68–83 %      4.9–18.8
PP-OCRv4, noisy, bare      93.4 %          97.6 %       10.9
PP-OCRv4, noisy, reader    97.6 %          98.1 %       8.1
Tesseract 5 chi_sim noisy  19–38 %         70–88 %      10.7–17.4
=========================  ==============  ===========  =============

(Tesseract ranges over page segmentation modes 3, 6 and 11; it loses most lone digits in
table cells whatever the mode. "reader" adds the re-reading of unsure numbers, recovery
of ink the detector missed and the lower detection threshold of :mod:`extractor.scanpage`.)

Resolution: a scanned PDF page is rendered at its image's own resolution, clamped to
:data:`MIN_DPI`..:data:`MAX_DPI`: the detector sees at most 2000 pixels a side anyway and
the recogniser scales every line to 48 pixels high, so more pixels than the scan has add
nothing, and past 300 dpi only cost time.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import replace
from pathlib import Path
from typing import Optional

import numpy as np

from ..errors import DocumentLoadError
from ..model import BBox, Document, Line
from ..scanpage import OcrPage, OcrRow, read_page_image
from .pdf import running_keys

MIN_DPI = 150
MAX_DPI = 300
DEFAULT_DPI = 200  # a PDF page without one big image (vector drawing) is rendered at this
MAX_PAGES = 100  # more pages than this in one image file is not a report
MAX_PIXELS = 120_000_000  # a bigger image is refused (decompression bombs)
A4_SHORT_INCHES = 8.27
SCREEN_DPI = 96.0


# ---------------------------------------------------------------------------- images

def read_image(path: str | os.PathLike, max_pages: int = MAX_PAGES) -> Document:
    """OCR an image file (JPG, PNG, TIFF incl. multi-page, BMP, GIF) into a Document."""
    path = str(path)
    p = Path(path)
    if not p.is_file():
        raise DocumentLoadError(f"{path}: no such file")
    data = p.read_bytes()
    if not data:
        raise DocumentLoadError(f"{path}: the file is empty")
    sha = hashlib.sha256(data).hexdigest()
    frames = load_frames(path, max_pages)
    pages: list[tuple[int, OcrPage]] = []
    warnings: list[str] = []
    for i, (img, dpi) in enumerate(frames, start=1):
        page = read_page_image(img, dpi)
        pages.append((i, page))
        warnings.extend(f"page {i}: {w}" for w in page.warnings)
        _note_geometry(i, page, warnings)
    return Document(path=path, kind="image", lines=assemble(pages), pages=len(frames), sha256=sha,
                    ocr_pages=list(range(1, len(frames) + 1)), warnings=warnings)


def load_frames(path: str, max_pages: int = MAX_PAGES, data: bytes | None = None,
                screen: bool = False) -> list[tuple[np.ndarray, float]]:
    """Grey frames of an image file (or of its bytes ``data``, ``path`` naming them) with their
    resolution (dots per inch); ``screen``: a picture of a web page, taken at 96 dpi when its
    file does not say."""
    from PIL import Image, ImageOps, UnidentifiedImageError
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        im = Image.open(io.BytesIO(data) if data is not None else path)
    except (UnidentifiedImageError, OSError) as e:
        raise DocumentLoadError(f"{path}: not a readable image ({_one_line(e)})") from None
    except Image.DecompressionBombError:
        raise DocumentLoadError(f"{path}: the image is too large to read") from None
    out: list[tuple[np.ndarray, float]] = []
    n = getattr(im, "n_frames", 1)
    if n > max_pages:
        raise DocumentLoadError(f"{path}: {n} pages in one image file, more than {max_pages}")
    try:
        for k in range(n):
            im.seek(k)
            frame = ImageOps.exif_transpose(im) if k == 0 else im
            grey = np.asarray(frame.convert("L"), dtype=np.uint8)
            if grey.size == 0 or min(grey.shape) < 16:
                raise DocumentLoadError(f"{path}: image page {k + 1} is too small to read")
            out.append((np.ascontiguousarray(grey), _dpi(im.info.get("dpi"), grey.shape, screen)))
    except (OSError, ValueError, SyntaxError) as e:
        raise DocumentLoadError(f"{path}: damaged image ({_one_line(e)})") from None
    return out


def _dpi(info, shape: tuple[int, int], screen: bool = False) -> float:
    """Resolution from the file when plausible, else a screen's (``screen``) or as if the
    short side were A4's."""
    try:
        d = float(info[0]) if info else 0.0
    except (TypeError, ValueError, IndexError):
        d = 0.0
    if 100 <= d <= 1200:
        return d
    return SCREEN_DPI if screen else max(min(shape) / A4_SHORT_INCHES, 50.0)


def _one_line(e: BaseException) -> str:
    return (" ".join(str(e).split()) or type(e).__name__)[:200]


def _note_geometry(i: int, page: OcrPage, warnings: list[str]) -> None:
    if page.turn:
        warnings.append(f"page {i}: read turned by {page.turn * 90}°")
    if page.skew:
        warnings.append(f"page {i}: straightened by {page.skew:.1f}°")


# ----------------------------------------------------------------------------- PDFs

def ocr_pdf(doc: Document) -> Document:
    """The PDF Document with its ``needs_ocr`` pages read by OCR (lines put in page order)
    and the text of its ``image_regions`` (pictures, and text drawn as shapes, on pages with
    text of their own) put among the page's lines where the region stands."""
    if not doc.needs_ocr and not doc.image_regions:
        return doc
    from ..mupdf import pymupdf
    pages: list[tuple[int, OcrPage]] = []
    pictures: list[tuple[int, BBox, OcrPage]] = []
    warnings = list(doc.warnings)
    with pymupdf.open(doc.path) as pdf:
        for number in doc.needs_ocr:
            page = pdf.load_page(number - 1)
            img, dpi = render_page(page)
            res = read_page_image(img, dpi, _to_page(page, dpi))
            pages.append((number, res))
            warnings.extend(f"page {number}: {w}" for w in res.warnings)
            _note_geometry(number, res, warnings)
        for number, box in doc.image_regions:
            page = pdf.load_page(number - 1)
            clip = pymupdf.Rect(box) * page.rotation_matrix
            res = read_page_image(grey_pixels(page, DEFAULT_DPI, clip), DEFAULT_DPI,
                                  _to_page(page, DEFAULT_DPI, clip), upright=True)
            pictures.append((number, box, res))
            warnings.append(f"page {number}: a picture (or text drawn as shapes) read by OCR ({len(res.rows)} rows)")
    done = set(doc.needs_ocr)
    warnings = [w for w in warnings if not (_page_of(w) in done and "needs OCR" in w)]
    warnings += [f"page {n}: read by OCR" for n in sorted(done)]
    ocr_lines = assemble(pages)
    kept = [ln for ln in doc.lines if ln.page not in done]  # OCR reads those pages whole
    lines = sorted(kept + ocr_lines, key=lambda ln: ln.page)  # stable: order within a page kept
    for number, box, res in pictures:
        lines = _put_picture(lines, number, box, [Line(tuple(r.cells), page=number, bbox=r.bbox) for r in res.rows])
    return Document(path=doc.path, kind=doc.kind, lines=lines, pages=doc.pages, sha256=doc.sha256,
                    encoding=doc.encoding, needs_ocr=[], ocr_pages=sorted(done.union(doc.ocr_pages)),
                    warnings=warnings)


def _to_page(page, dpi: float, clip=None):
    """Image pixels (of the page rendered at ``dpi``, or of its ``clip``) → page points."""
    from ..mupdf import pymupdf
    derot = page.derotation_matrix
    s = 72.0 / dpi
    x, y = (clip.x0, clip.y0) if clip is not None else (0.0, 0.0)

    def to_page(b: BBox) -> BBox:
        r = pymupdf.Rect(x + b[0] * s, y + b[1] * s, x + b[2] * s, y + b[3] * s) * derot
        return (r.x0, r.y0, r.x1, r.y1)
    return to_page


def _put_picture(lines: list[Line], number: int, box: BBox, picture: list[Line]) -> list[Line]:
    """The picture's lines put among page ``number``'s lines before the first line below the
    picture's top, the page's lines numbered again."""
    at = len(lines)
    for i, ln in enumerate(lines):
        if ln.page > number or (ln.page == number and ln.bbox is not None and ln.bbox[1] >= box[1]):
            at = i
            break
    merged = lines[:at] + picture + lines[at:]
    k = 0
    out = []
    for ln in merged:
        if ln.page == number:
            k += 1
            ln = replace(ln, number=k)
        out.append(ln)
    return out


def _page_of(warning: str) -> Optional[int]:
    if warning.startswith("page "):
        head = warning[5:].split(":", 1)[0]
        if head.isdigit():
            return int(head)
    return None


def render_page(page) -> tuple[np.ndarray, float]:
    """A PDF page as a grey image at its scan's resolution (clamped), and that dpi."""
    from ..mupdf import pymupdf
    dpi = DEFAULT_DPI
    area = abs(page.rect) or 1.0
    best = None
    for info in page.get_image_info():
        box = pymupdf.Rect(info["bbox"])
        if abs(box) >= 0.5 * area and box.width > 0:
            if best is None or abs(box) > abs(best[0]):
                best = (box, info)
    if best is not None:
        box, info = best
        native = max(info.get("width", 0) / (box.width / 72.0), info.get("height", 0) / (box.height / 72.0))
        if native > 0:
            dpi = int(round(min(max(native, MIN_DPI), MAX_DPI)))
    return grey_pixels(page, dpi), dpi


def grey_pixels(page, dpi: float, clip=None) -> np.ndarray:
    """The page (or its ``clip``, in the page's rotated space) rendered grey at ``dpi``."""
    from ..mupdf import pymupdf
    pix = page.get_pixmap(dpi=dpi, clip=clip, colorspace=pymupdf.csGRAY, alpha=False)
    img = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)[:, :pix.width]
    return np.ascontiguousarray(img)


# ------------------------------------------------------------------------- assembly

def assemble(pages: list[tuple[int, OcrPage]]) -> list[Line]:
    """Lines of OCR'd pages, running headers/footers dropped, numbered per page."""
    repeated = _running_keys([p for _, p in pages])
    lines: list[Line] = []
    for number, page in pages:
        k = 0
        for row in page.rows:
            if row.furniture_key and row.furniture_key in repeated:
                continue
            k += 1
            lines.append(Line(tuple(row.cells), page=number, number=k, bbox=row.bbox))
    return lines


def _running_keys(pages: list[OcrPage]) -> set[str]:
    return running_keys([{r.furniture_key for r in p.rows if r.furniture_key} for p in pages if p.rows])


__all__ = ["read_image", "ocr_pdf", "load_frames", "render_page", "assemble", "OcrRow"]
