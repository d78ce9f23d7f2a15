"""Born-digital PDF reader: text layer + ruling lines → lines of cells in reading order.

Per page (see :mod:`extractor.layout` and :mod:`extractor.grid`):

1. glyphs (runs of characters set tight together) from ``page.get_text("rawdict")`` in a
   reading frame turned so that the dominant text runs left to right (page ``/Rotate``
   and sideways content alike);
2. ruling lines from the boxes of vector paths collected with the text (or, where those
   boxes cannot tell, from ``page.get_cdrawings()``) → lattices (ruled tables); rules missing
   inside a lattice are added from the text; each grid row becomes one :class:`Line`
   with one :class:`Cell` per grid column (a merged cell's text at its top-left
   position, empty cells with the merged cell's box at the others);
3. the remaining text → visual rows; runs of rows aligned in columns (tables without
   rules) are laid out on common columns the same way; other rows become one line each,
   cut into several cells only at wide gaps;
4. page numbers in the top/bottom margin are dropped, and so are running headers and
   footers (margin lines repeating on several pages).

A page without a usable text layer is listed in ``Document.needs_ocr`` with a warning; big
pictures and text drawn as shapes (:mod:`extractor.shapes`) on a page with text of its own
are listed in ``Document.image_regions``, to be read by OCR.
Files that cannot be read raise :class:`~extractor.errors.DocumentLoadError` with a
one-line reason. Boxes are in pymupdf page space (unrotated page, points, y down).
"""

from __future__ import annotations

import hashlib
import os
from operator import attrgetter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ..mupdf import draws_no_open_paths, page_drawing, pymupdf

from ..cellink import UNREAD_CONF
from ..errors import DocumentLoadError, UnsupportedInput
from ..gcpause import gc_paused
from ..grid import (Lattice, Rule, TableCell, TableRow, add_virtual_rules, find_lattices,
                    is_table, lattice_glyphs, lattice_rows, page_rules, table_box, vector_rules)
from ..layerink import mark_inked_cells
from ..layout import (Frame, Glyph, PageText, Row, furniture_key, in_margin, normalized, page_text,
                      text_rows, union)
from ..level import leveled
from ..model import BBox, Cell, Document, Line, new_cell
from ..normalize import is_page_number
from ..shapes import filled_boxes, shape_regions
from ..textgrid import find_text_tables, merge_tall_labels
from . import MAX_PDF_PAGES

BAD_TEXT = 0.3  # share of undecodable characters above which a text layer is garbage
SCARCE_TEXT = 20  # a page with fewer characters and a big image is a scan
HIDDEN_SHARE = 0.5  # of a page's characters painted invisibly: the page is a scan with an OCR layer
# reader's confidence in a cell of such a layer: it is an OCR's reading, whose own confidence
# the layer does not keep (so a blank where the row has no cell is no proof, as in a scan)
LAYER_CONF = 0.95
IMAGE_COVER = 0.5  # share of the page an image must cover to call the page a scan
REPEAT_SHARE = 0.3  # a margin line on this share of pages (and at least two) is furniture
# an image on a page with text of its own is read by OCR (a table pasted as a picture) when
# it covers this share of the page and of its width, and the text layer has at most
# IMAGE_TEXT characters on it (more: the image is a background, the text is its own)
IMAGE_AREA = 0.03
IMAGE_WIDTH = 0.35
IMAGE_TEXT = 10
# bytes of content streams (as stored, forms included) above which a page's paths are read
# from its drawings, not collected with its text (see read_page)
PATHS_CONTENT = 32 << 10

_MAGIC = [
    (b"\xff\xd8\xff", "a JPEG image"), (b"\x89PNG", "a PNG image"), (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"), (b"BM", "a BMP image"),
    (b"PK\x03\x04", "a ZIP archive (docx/xlsx/ofd?)"), (b"\xd0\xcf\x11\xe0", "an old Office file"),
    (b"{\\rtf", "an RTF file"), (b"<", "an HTML/XML file"),
]


# ----------------------------------------------------------------------------- entry

def read_pdf(path: str | os.PathLike, max_pages: int = MAX_PDF_PAGES,
             truncate: bool = False) -> Document:
    """Read a born-digital PDF into a :class:`Document`.

    A file with more than ``max_pages`` pages raises :class:`DocumentLoadError`, unless
    ``truncate`` is true: then only the first ``max_pages`` pages are read and a warning
    says so. Pages are loaded one at a time. Cyclic GC is paused meanwhile (see
    :mod:`extractor.gcpause`).
    """
    with gc_paused():
        return _read_pdf(str(path), max_pages, truncate)


def _read_pdf(path: str, max_pages: int, truncate: bool) -> Document:
    sha, complete = _check_file(path)
    warnings: list[str] = []
    with _quiet_mupdf():
        doc = _open(path, complete)
        if doc.is_repaired:
            warnings.append("the file is damaged (its cross-reference table was rebuilt); "
                            "some content may be missing")
        try:
            n = _page_budget(doc, path, max_pages, truncate, warnings)
            pages = [_read_page_safe(doc, i) for i in range(n)]
        finally:
            doc.close()
    lines = _assemble(pages)
    needs_ocr = [p.number for p in pages if p.needs_ocr]
    regions = [(p.number, box) for p in pages if not p.needs_ocr for box in p.images]
    for p in pages:
        warnings.extend(p.warnings)
    return Document(path=path, kind="pdf", lines=lines, pages=n, sha256=sha,
                    needs_ocr=needs_ocr, image_regions=regions, warnings=warnings)


# -------------------------------------------------------------------------- opening

def _check_file(path: str) -> tuple[str, bool]:
    """Check the file exists and looks like a PDF; return its sha256 and whether it ends
    with an end-of-file marker (a truncated download does not)."""
    p = Path(path)
    if not p.is_file():
        raise DocumentLoadError(f"{path}: no such file")
    size = p.stat().st_size
    if size == 0:
        raise DocumentLoadError(f"{path}: empty file (0 bytes)")
    h = hashlib.sha256()
    with p.open("rb") as f:
        head = f.read(1024)
        h.update(head)
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
        f.seek(max(0, size - (64 << 10)))
        tail = f.read()
    if b"%PDF-" not in head:
        kind = next((name for magic, name in _MAGIC if head.lstrip().startswith(magic)), None)
        what = f"it looks like {kind}" if kind else "no %PDF header"
        raise UnsupportedInput(f"{path}: not a PDF ({what})")
    return h.hexdigest(), b"%%EOF" in tail or b"startxref" in tail


def _open(path: str, complete: bool) -> pymupdf.Document:
    """Open with pymupdf; encrypted, truncated, damaged or empty files raise."""
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as e:  # pymupdf raises several types for broken files
        raise DocumentLoadError(f"{path}: not a readable PDF ({_one_line(e)})") from None
    if not complete and doc.is_repaired:
        doc.close()
        raise DocumentLoadError(f"{path}: truncated PDF (no end-of-file marker; "
                                f"the download or copy is incomplete)")
    if doc.needs_pass:
        doc.close()
        raise DocumentLoadError(f"{path}: encrypted PDF, a password is needed to read it")
    try:
        count = doc.page_count
    except Exception as e:
        doc.close()
        raise DocumentLoadError(f"{path}: corrupt PDF ({_one_line(e)})") from None
    if count == 0:
        damaged = " (file is damaged)" if doc.is_repaired else ""
        doc.close()
        raise DocumentLoadError(f"{path}: PDF has no pages{damaged}")
    return doc


def _page_budget(doc: pymupdf.Document, path: str, max_pages: int, truncate: bool,
                 warnings: list[str]) -> int:
    n = doc.page_count
    if n <= max_pages:
        return n
    if not truncate:
        raise DocumentLoadError(f"{path}: {n} pages, more than max_pages={max_pages} (not a "
                                f"single report; pass truncate=True to read the first pages)")
    warnings.append(f"{n} pages: read only the first {max_pages} (max_pages)")
    return max_pages


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return text[:200]


class _quiet_mupdf:
    """Silence MuPDF's own stderr messages while reading (restored afterwards)."""

    def __enter__(self) -> None:
        self.errors = pymupdf.TOOLS.mupdf_display_errors()
        self.warnings = pymupdf.TOOLS.mupdf_display_warnings()
        pymupdf.TOOLS.mupdf_display_errors(False)
        pymupdf.TOOLS.mupdf_display_warnings(False)

    def __exit__(self, *exc: object) -> None:
        pymupdf.TOOLS.mupdf_display_errors(self.errors)
        pymupdf.TOOLS.mupdf_display_warnings(self.warnings)


# ---------------------------------------------------------------------------- pages

@dataclass
class Item:
    """A piece of a page in reading order: one table row or one text row (frame boxes)."""

    cells: list[TableCell]
    top: float  # frame space, for the reading order
    left: float
    kind: str  # "table" | "text"
    bbox: BBox | None = None  # the row's box (frame space); default: around its cells
    furniture_key: str = ""  # margin text that may repeat as a running header/footer


@dataclass
class PageResult:
    number: int  # 1-based
    frame: Frame | None = None
    items: list[Item] = field(default_factory=list)
    needs_ocr: bool = False
    layer: bool = False  # its text is a scan's OCR layer (painted invisibly)
    # page space: pictures, and text drawn as shapes (see extractor.shapes), to read by OCR
    images: list[BBox] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _read_page_safe(doc: pymupdf.Document, i: int) -> PageResult:
    try:
        page = doc.load_page(i)
    except Exception as e:  # a broken page must not sink the document
        res = PageResult(i + 1, needs_ocr=True)
        res.warnings.append(f"page {i + 1}: cannot load the page ({_one_line(e)}); needs OCR")
        return res
    return read_page(page, i + 1)


def read_page(page: pymupdf.Page, number: int) -> PageResult:
    """Lay out one page: ruled tables, text tables and text rows in reading order."""
    res = PageResult(number)
    try:
        stored, images = page_drawing(page)
        # MuPDF's time to collect paths' boxes with the text grows with the square of their
        # number: a page of 20,000 paths (a map, a chart) takes 0.35 s, against 0.03 s to read
        # its drawings; report pages hold 1-6 KB of content
        pt = page_text(page, vectors=stored <= PATHS_CONTENT)
        rules = None if pt.vectors is None else \
            vector_rules(pt.vectors, pt.frame, lambda: draws_no_open_paths(page))
        drawings = None
        if rules is None:  # not collected, or shapes whose boxes do not tell their lines
            drawings = page.get_cdrawings()
            rules = page_rules(drawings, pt.frame)
    except Exception as e:  # MuPDF failing on a damaged page
        res.needs_ocr = True
        res.warnings.append(f"page {number}: cannot read the text ({_one_line(e)}); needs OCR")
        return res
    res.frame = pt.frame
    if not _usable(page, pt, res):
        return res
    res.layer = pt.hidden > HIDDEN_SHARE * pt.chars
    if res.layer:
        res.warnings.append(f"page {number}: its text is painted invisibly, as a scan's OCR layer is: "
                            f"read as that OCR's reading, as good as the OCR that made it")
        if not (rules[0] or rules[1]):  # a scan's layer: level its rows if the scan was tilted
            pt = leveled(pt)
            res.frame = pt.frame
    try:
        res.items = _layout(pt.glyphs, rules, pt.frame)
    except Exception as e:  # a layout bug must not lose the page's text
        res.warnings.append(f"page {number}: table analysis failed ({type(e).__name__}: "
                            f"{_one_line(e)}); read as plain text lines")
        res.items = [Item([TableCell(s.raw, s.bbox) for s in r.segments], r.bbox[1], r.bbox[0],
                          "text", r.bbox) for r in text_rows(pt.glyphs)]
    if res.layer:
        mark_inked_cells(page, res.items, pt.glyphs, pt.frame)
    _check_scan(page, res.items, res)
    if not res.needs_ocr and images:
        res.images = _pictures_to_read(page, pt.glyphs, pt.frame)
    if not res.needs_ocr and not res.layer and not pt.frame.turns:
        res.images += shape_regions(filled_boxes(pt.vectors, drawings), pt.glyphs)
    return res


def _pictures_to_read(page: pymupdf.Page, glyphs: Sequence[Glyph], frame: Frame) -> list[BBox]:
    """Big images with no text layer over them, on an upright page that has text of its
    own (and images: the layout of images is not cheap): tables (or any text) pasted as
    pictures, which only OCR can read."""
    if frame.turns:
        return []  # the OCR'd lines are put in reading order by their top: upright pages only
    area = frame.w * frame.h or 1.0
    out = []
    for info in page.get_image_info():
        x0, y0, x1, y1 = info["bbox"]
        w, h = x1 - x0, y1 - y0
        if w * h < IMAGE_AREA * area or w < IMAGE_WIDTH * frame.w:
            continue
        over = sum(len(g.c) for g in glyphs if x0 <= (g.x0 + g.x1) / 2 <= x1 and y0 <= (g.y0 + g.y1) / 2 <= y1)
        if over <= IMAGE_TEXT:
            out.append((max(x0, 0.0), max(y0, 0.0), min(x1, frame.w), min(y1, frame.h)))
    return out


def _layout(glyphs: list[Glyph], rules: tuple[list[Rule], list[Rule]], frame: Frame) -> list[Item]:
    """Items of a page in reading order (``rules``: the page's horizontal and vertical
    rules, :func:`~extractor.grid.page_rules`): rows of ruled tables, then of the rest."""
    tables: list[list[TableRow]] = []
    for lat in _lattices(rules):
        ins, rest = lattice_glyphs(lat, glyphs)
        lat, lines = add_virtual_rules(lat, ins)
        if not is_table(lat):
            continue
        rows = lattice_rows(lat, lines)
        glyphs = rest
        if rows:
            tables.append(rows)
    items = [Item(cells, y0, x0, "table", (x0, y0, x1, y1))
             for rows, (x0, _, x1, _) in ((t, table_box(t)) for t in tables)
             for cells, (y0, y1) in rows]
    items += _text_items(text_rows(glyphs), frame, rules[0])
    items.sort(key=_READING_ORDER)
    return items


_READING_ORDER = attrgetter("top", "left")  # Item key: (top, left)


def _lattices(rules: tuple[list[Rule], list[Rule]]) -> list[Lattice]:
    """Ruled grids of the page, smallest first (a table inside a frame takes its text
    before the frame does)."""
    hs, vs = rules
    return sorted(find_lattices(hs, vs), key=lambda t: _area(t.bbox))


def _area(b: BBox) -> float:
    return (b[2] - b[0]) * (b[3] - b[1])


def _usable(page: pymupdf.Page, pt: PageText, res: PageResult) -> bool:
    """False (with needs_ocr and a warning) when the page has no usable text layer."""
    n, bad, chars = res.number, pt.bad, pt.chars
    if not chars:
        if _has_ink(page, pt):
            res.needs_ocr = True
            res.warnings.append(f"page {n}: no text layer; needs OCR")
        else:
            res.warnings.append(f"page {n}: blank page")
        return False
    if bad > BAD_TEXT * chars:
        res.needs_ocr = True
        res.warnings.append(f"page {n}: text layer unreadable ({bad} of {chars} "
                            f"characters undecodable); needs OCR")
        return False
    return True


def _has_ink(page: pymupdf.Page, pt: PageText) -> bool:
    drawn = pt.vectors if pt.vectors is not None else page.get_cdrawings()
    return bool(drawn) or bool(page.get_image_info())


def _check_scan(page: pymupdf.Page, items: list[Item], res: PageResult) -> None:
    """A page whose only text is a page number or so, over a big image, is a scan."""
    text = 0
    for it in items:
        if not it.furniture_key:
            for c in it.cells:
                text += len(c.raw)
        if text >= SCARCE_TEXT:  # the total only matters up to here
            return
    area = abs(page.rect.width * page.rect.height) or 1.0
    cover = sum(abs(pymupdf.Rect(im["bbox"]) & page.rect) for im in page.get_image_info())
    if cover >= IMAGE_COVER * area:
        res.needs_ocr = True
        res.warnings.append(f"page {res.number}: an image with almost no text; needs OCR")


def _text_items(rows: list[Row], frame: Frame, hs: Sequence[Rule] = ()) -> list[Item]:
    """Text rows → items: page numbers dropped, text tables laid out (``hs``: the page's
    horizontal rules), margins tagged."""
    rows = [r for r in rows if not (in_margin(r.bbox, frame) and is_page_number(r.text))]
    rows = merge_tall_labels(rows)
    items: list[Item] = []
    tables = {t.start: t for t in find_text_tables(rows, hs)}
    i = 0
    while i < len(rows):
        t = tables.get(i)
        if t is not None:
            left = min(c.bbox[0] for r in t.rows for c in r)
            items.extend(Item(r, min(c.bbox[1] for c in r), left, "table") for r in t.rows)
            i = t.end
            continue
        r = rows[i]
        cells = [TableCell(s.raw, s.bbox) for s in r.segments]
        key = furniture_key(r.text) if in_margin(r.bbox, frame) else ""
        items.append(Item(cells, r.bbox[1], r.bbox[0], "text", r.bbox, key))
        i += 1
    return items


# ------------------------------------------------------------------------- assembly

def _assemble(pages: list[PageResult]) -> list[Line]:
    """Lines of all pages, running headers/footers dropped, numbered per page."""
    repeated = _running_keys(pages)
    lines: list[Line] = []
    memo: dict[float, float] = {}  # rounded page coordinates (see Frame.to_page)
    for p in pages:
        frame = p.frame
        number = 0
        for it in p.items:
            if it.furniture_key and it.furniture_key in repeated:
                continue
            texts = [normalized(c.raw) for c in it.cells]
            if not any(texts):
                continue
            if p.layer:
                cells = tuple(_layer_cell(t, c, frame) for t, c in zip(texts, it.cells))
            else:
                cells = tuple(new_cell(t, c.raw, bbox=frame.to_page(c.bbox, memo) if frame else c.bbox)
                              for t, c in zip(texts, it.cells))
            number += 1
            bbox = frame.to_page(it.bbox, memo) if it.bbox and frame else \
                union(c.bbox for c in cells if c.bbox)
            lines.append(Line(cells, page=p.number, number=number, bbox=bbox))
    return lines


def _layer_cell(text: str, c: TableCell, frame: Frame | None) -> Cell:
    """A cell of a page read from a scan's OCR layer: as sure as an OCR reading
    (:data:`LAYER_CONF`), or an empty cell over ink the layer has no glyph for, unread
    (see :mod:`extractor.layerink`)."""
    bbox = frame.to_page(c.bbox) if frame else c.bbox
    if c.unread:
        return Cell(text, c.raw, bbox=bbox, confidence=UNREAD_CONF, unread=True)
    return Cell(text, c.raw, bbox=bbox, confidence=LAYER_CONF)


def _running_keys(pages: list[PageResult]) -> set[str]:
    return running_keys([{it.furniture_key for it in p.items if it.furniture_key} for p in pages if p.items])


def running_keys(page_keys: list[set[str]]) -> set[str]:
    """Margin texts (keys, one set for each page with text) that repeat on enough pages to be
    running headers or footers."""
    count: dict[str, int] = {}
    for keys in page_keys:
        for key in keys:
            count[key] = count.get(key, 0) + 1
    return {k for k, n in count.items() if n >= 2 and n >= REPEAT_SHARE * max(len(page_keys), 1)}

