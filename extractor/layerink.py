"""Ink under the empty cells of a scan's OCR layer.

A scan OCR'd by its producer carries the OCR's text as an invisible layer, and OCR misses
small lone glyphs, a "0" in a table cell above all. Read from the layer, such a cell is
empty: status ``blank``, the confident claim that it is printed empty. So on a page read
from an invisible layer, every empty cell of its tables is looked at on the rendered page:
character-like ink inside it that no glyph of the layer covers
(:func:`extractor.cellink.ink_box`) marks the cell unread, and its field goes to
``review``, never ``blank``. The ink is not read here: the layer is the document's reading.
"""

from __future__ import annotations

import math
from statistics import median
from typing import Sequence

import numpy as np

from .layout import Frame, Glyph

DPI = 150  # enough to tell a character's ink from specks at report sizes
PAD = 1.0  # points around a glyph of the layer whose ink counts as read
# font sizes a cell's box grows by each side before its ink is looked at: an empty cell of a
# table without rules is as wide as its column's text, and ink_box cuts a ruled cell's sides
# (cellink.INSET) off
GROW = 0.5


def mark_inked_cells(page, items: Sequence, glyphs: Sequence[Glyph], frame: Frame) -> int:
    """Mark unread (``TableCell.unread``) the empty table cells of ``items`` (a page's
    layout, frame space) holding ink no glyph covers; the number marked. Nothing is
    marked when OpenCV is not installed."""
    empty = [c for it in items if it.kind == "table" for c in it.cells if not c.raw.strip()]
    if not empty or not glyphs:
        return 0
    try:
        import cv2
    except ImportError:
        return 0
    from .cellink import ink_box
    from .readers.image import grey_pixels
    from .scanpage import ink_mask
    gray = grey_pixels(page, DPI)
    to_pixels = _to_pixels(page, frame)
    covered = np.zeros(gray.shape[:2], np.uint8)
    for g in glyphs:
        x0, y0, x1, y1 = to_pixels((g.x0 - PAD, g.y0 - PAD, g.x1 + PAD, g.y1 + PAD))
        cv2.rectangle(covered, (int(x0), int(y0)), (int(math.ceil(x1)), int(math.ceil(y1))), 255, thickness=-1)
    ink = ink_mask(gray)
    size = median(g.size for g in glyphs)  # points
    font, grow = size * DPI / 72, GROW * size  # pixels, points
    marked = 0
    for cell in empty:
        x0, y0, x1, y1 = cell.bbox
        if ink_box(ink, to_pixels((x0 - grow, y0 - grow, x1 + grow, y1 + grow)), font, covered) is not None:
            cell.unread = True
            marked += 1
    return marked


def _to_pixels(page, frame: Frame):
    """Frame box → box in the pixels of the page rendered at :data:`DPI` (the page's own
    rotation applied, as pymupdf renders it)."""
    from .mupdf import pymupdf
    m = page.rotation_matrix * (DPI / 72)

    def to_pixels(box: Sequence[float]) -> tuple[float, float, float, float]:
        r = pymupdf.Rect(frame.to_page(box)) * m
        return (r.x0, r.y0, r.x1, r.y1)
    return to_pixels
