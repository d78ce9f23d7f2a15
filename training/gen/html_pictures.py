"""Web pages whose tables are pictures (family ``html_pictures``, made only when named).

Many sites post a report's prose as text and each table as a screenshot (of a spreadsheet,
of the Word file, of a scan). This renders the page as the ``html_table`` family does, but
each table is drawn as a born-digital PDF of its own (a layout family picked per table),
cut out of its pages at a screen resolution and put in as a greyscale PNG or JPEG, inline
as a ``data:`` URI (as single-file page savers write it). The truth is the report's: every
value is still printed, in a picture.
"""

from __future__ import annotations

import base64
import random

import numpy as np

from extractor.mupdf import pymupdf

from .document import Block
from .html_render import block_html, render_html
from .pdf_doc import render_pdf
from .pictures import MARGIN

LAYOUTS = ["ruled", "ruled", "borderless", "partly_ruled"]
DPIS = [96, 110, 120, 144]


def table_picture(rng: random.Random, block: Block) -> tuple[bytes, str]:
    """A table block as a picture (drawn alone, its pages cut to their content and stacked)
    and the picture's MIME type."""
    import cv2
    doc = pymupdf.open(stream=render_pdf(rng, rng.choice(LAYOUTS), [block]), filetype="pdf")
    dpi = rng.choice(DPIS)
    strips = []
    for page in doc:
        for box in _content_box(page):
            pix = page.get_pixmap(dpi=dpi, clip=box, colorspace=pymupdf.csGRAY, alpha=False)
            strips.append(np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)[:, :pix.width])
    doc.close()
    width = max(s.shape[1] for s in strips)
    img = np.vstack([np.pad(s, ((0, 0), (0, width - s.shape[1])), constant_values=255) for s in strips])
    if rng.random() < 0.5:
        return cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(70, 95)])[1].tobytes(), "image/jpeg"
    return cv2.imencode(".png", img)[1].tobytes(), "image/png"


def _content_box(page: pymupdf.Page) -> list[pymupdf.Rect]:
    """Around all the page's text and drawings: the table, drawn alone."""
    box = pymupdf.Rect()
    for b in page.get_text("blocks"):
        box |= pymupdf.Rect(b[:4])
    for d in page.get_drawings():
        box |= d["rect"]
    return [box + (-MARGIN, -MARGIN, MARGIN, MARGIN)] if not box.is_empty else []


def render_html_pictures(rng: random.Random, blocks: list[Block]) -> tuple[bytes, list[str], str]:
    """The page's bytes (UTF-8), notes and extension."""
    return render_html(rng, blocks, "utf-8", _picture_or_html).encode("utf-8"), ["pictures=data-uri"], "html"


def _picture_or_html(rng: random.Random, b: Block) -> str:
    """A table block as an ``<img>`` of it, any other block as the html_table family writes it."""
    if b.kind != "table":
        return block_html(rng, b)
    data, mime = table_picture(rng, b)
    return (f'<p style="text-align:center"><img src="data:{mime};base64,{base64.b64encode(data).decode()}" '
            f'alt="" style="max-width:100%"></p>')
