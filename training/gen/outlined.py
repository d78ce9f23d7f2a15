"""Born-digital reports whose tables are drawn as shapes (family ``scan_outlined``).

Some PDFs print their text as the glyphs' outlines, not as text: a table pasted into the
document as a vector picture (from a spreadsheet or a drawing tool), or a whole file
exported with "text as curves". The pages look as usual, but the text layer holds the prose
only, or nothing at all; the tables can only be read by OCR of the rendered pages. This
renders a report as a born-digital PDF of a ruled layout family and redraws either the
region of each page's tables (the box around its rules) or the whole page as shapes: the
text there is taken out of the text layer and the page's own look, turned into paths
(MuPDF's SVG writer with ``text_as_path``), is drawn over it. The truth is the report's.
"""

from __future__ import annotations

import random

from extractor.layout import union
from extractor.mupdf import pymupdf

from .document import Block
from .pdf_doc import render_pdf

LAYOUTS = ["ruled", "ruled", "partly_ruled", "vgroup"]  # tables with rules on every page they stand on
WHOLE_PAGES = 0.3  # share of documents drawn as shapes from end to end


def outline(pdf: bytes, whole: bool) -> bytes:
    """``pdf`` with its tables (the box around each page's rules), or with its whole pages
    (``whole``), drawn as shapes instead of text."""
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    look = pymupdf.open(stream=pdf, filetype="pdf")
    for page in doc:
        box = page.rect if whole else _ruled_box(page)
        if box is None:
            continue
        shapes = _as_shapes(look[page.number])
        page.add_redact_annot(box)
        page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE, graphics=pymupdf.PDF_REDACT_LINE_ART_NONE)
        page.show_pdf_page(box, shapes, 0, clip=box)
    out = doc.tobytes(garbage=3, deflate=True, no_new_id=True)
    doc.close()
    return out


def _ruled_box(page: pymupdf.Page) -> pymupdf.Rect | None:
    """The box around everything the page draws (a generated page draws its tables only),
    a little grown; None for a page that draws nothing."""
    rects = [d["rect"] for d in page.get_drawings()]
    if not rects:
        return None
    # not MuPDF's union, which leaves out empty rectangles (a rule's box has no height or width)
    return (pymupdf.Rect(union(rects)) + (-1, -1, 1, 1)) & page.rect


def _as_shapes(page: pymupdf.Page) -> pymupdf.Document:
    """A one-page PDF of ``page`` with its text turned into paths."""
    svg = pymupdf.open(stream=page.get_svg_image(text_as_path=True).encode("utf-8"), filetype="svg")
    return pymupdf.open(stream=svg.convert_to_pdf(), filetype="pdf")


def render_outlined(rng: random.Random, blocks: list[Block]) -> tuple[bytes, list[str], str]:
    """The document's bytes, notes and extension (see :func:`training.gen.scan.render_scan`)."""
    layout = rng.choice(LAYOUTS)
    whole = rng.random() < WHOLE_PAGES
    pdf = outline(render_pdf(rng, layout, blocks, embed=True), whole)
    return pdf, [f"layout={layout}", f"outlined={'pages' if whole else 'tables'}"], "pdf"
