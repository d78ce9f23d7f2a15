"""Born-digital reports whose tables are pasted as pictures (family ``scan_pictures``).

Many agencies write the report's prose in Word or WPS and paste each table in as a
screenshot of a spreadsheet or a scan. The PDF then has a text layer for the prose and
none for the tables: only OCR reads them. This renders a report as a born-digital PDF of
an ordinary layout family, then replaces each page's tables (found by the extractor's own
PDF reader, which reads the generated layouts without error) with a greyscale picture of
them at a screen or scanner resolution (96–200 dpi). The truth is the report's: every value is still
printed, in the picture.
"""

from __future__ import annotations

import random

from extractor.mupdf import pymupdf

from .document import Block
from .pdf_doc import render_pdf

LAYOUTS = ["ruled", "ruled", "borderless", "partly_ruled", "vgroup", "multipage"]
DPIS = [96, 110, 130, 150, 200]  # screenshots are coarse (96 dpi at 100% zoom), scans finer
MARGIN = 3.0  # points of white kept around a table in its picture


def table_boxes(page: pymupdf.Page) -> list[pymupdf.Rect]:
    """Boxes (page space) of the runs of table rows on an upright page."""
    from extractor.readers.pdf import read_page
    res = read_page(page, page.number + 1)
    boxes: list[pymupdf.Rect] = []
    previous = None
    for it in res.items:
        if it.kind != "table" or not it.cells:
            previous = None
            continue
        box = pymupdf.Rect(it.bbox or _around(it.cells))
        if previous == "table" and boxes:
            boxes[-1] |= box
        else:
            boxes.append(box)
        previous = "table"
    return [b + (-MARGIN, -MARGIN, MARGIN, MARGIN) for b in boxes]


def _around(cells) -> tuple[float, float, float, float]:
    return (min(c.bbox[0] for c in cells), min(c.bbox[1] for c in cells),
            max(c.bbox[2] for c in cells), max(c.bbox[3] for c in cells))


def paste_as_pictures(rng: random.Random, pdf: bytes) -> bytes:
    """``pdf`` with every table cut out of the text layer and pasted back as a picture."""
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    for page in doc:
        boxes = table_boxes(page)
        pictures = []
        for box in boxes:
            pix = page.get_pixmap(dpi=rng.choice(DPIS), clip=box, colorspace=pymupdf.csGRAY, alpha=False)
            pictures.append(pix.tobytes("jpeg" if rng.random() < 0.5 else "png"))
            page.add_redact_annot(box)
        if boxes:
            page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE,
                                  graphics=pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_COVERED)
        for box, data in zip(boxes, pictures):
            page.insert_image(box, stream=data)
    out = doc.tobytes(garbage=3, deflate=True, no_new_id=True)
    doc.close()
    return out


def render_pictures(rng: random.Random, blocks: list[Block]) -> tuple[bytes, list[str], str]:
    """The document's bytes, notes and extension (see :func:`training.gen.scan.render_scan`)."""
    layout = rng.choice(LAYOUTS)
    return paste_as_pictures(rng, render_pdf(rng, layout, blocks)), [f"layout={layout}"], "pdf"
