"""Text drawn as shapes: regions of a page where glyphs are painted as filled paths.

A table pasted into a report as a vector picture (from a spreadsheet or a drawing tool), or
a file exported with "text as curves", prints its text as the glyphs' outlines: the page
looks as usual, but its text layer holds nothing there. Such a region is a crowd of small
filled shapes, each about a character's size, with no text over it; only OCR of the
rendered region reads it, as a table pasted as a picture is read
(:attr:`~extractor.model.Document.image_regions`).

Rules (thin), cell shading and bars of a chart (large) are no glyphs; a seal or a logo has
a few glyph-sized shapes, a table hundreds.
"""

from __future__ import annotations

from statistics import median
from typing import Iterable, Sequence

from .layout import Glyph, union
from .model import BBox

SHAPE_SIZE = 30.0  # points: a glyph's box is no larger on either side
SHAPE_THIN = 1.2  # points: a box thinner than this is a rule or a dot, not a glyph
MIN_SHAPES = 40  # glyph-sized shapes a region needs to be read
CLUSTER_GAP = 3.0  # median shape heights: a wider gap down the page parts two regions
TEXT_SHARE = 0.1  # text characters a region may hold, per shape (more: the shapes are the text's own)


def filled_boxes(vectors: Iterable[dict] | None = None, drawings: Iterable[dict] | None = None) -> list[BBox]:
    """Boxes of the filled paths of a page, from the text page's vector blocks (``vectors``,
    see :func:`extractor.grid.vector_rules`) or from its drawings
    (``page.get_cdrawings()``)."""
    if vectors is not None:
        return [tuple(b["bbox"]) for b in vectors if not b["stroked"]]
    return [tuple(d["rect"]) for d in drawings or () if "f" in (d.get("type") or "")]


def shape_regions(boxes: Sequence[BBox], glyphs: Sequence[Glyph]) -> list[BBox]:
    """Regions of glyph-sized filled shapes (``boxes``, page space) with no text over them
    (``glyphs``, in the same space), each holding at least :data:`MIN_SHAPES` shapes."""
    shapes = [b for b in boxes if _glyph_sized(b)]
    if len(shapes) < MIN_SHAPES:  # the common case: a page of text and rules
        return []
    shapes = _not_under_text(shapes, glyphs)
    out = []
    for group in _groups(shapes):
        if len(group) < MIN_SHAPES:
            continue
        box = union(group)
        inside = sum(len(g.c) for g in glyphs if _holds(box, g))
        if inside <= TEXT_SHARE * len(group):
            out.append(box)
    return out


def _glyph_sized(b: BBox) -> bool:
    w, h = b[2] - b[0], b[3] - b[1]
    return SHAPE_THIN <= w <= SHAPE_SIZE and SHAPE_THIN <= h <= SHAPE_SIZE


def _holds(box: BBox, g: Glyph) -> bool:
    x, y = (g[0] + g[2]) / 2, (g[1] + g[3]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _not_under_text(shapes: list[BBox], glyphs: Sequence[Glyph]) -> list[BBox]:
    """The shapes whose centre no text glyph covers (a highlight or an underline under
    the text is the text's own), by bands of the page so that each shape meets only the
    glyphs of its band."""
    band = 20.0
    by_band: dict[int, list[Glyph]] = {}
    for g in glyphs:
        for k in range(int(g[1] // band), int(g[3] // band) + 1):
            by_band.setdefault(k, []).append(g)
    out = []
    for b in shapes:
        x, y = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
        if not any(g[0] <= x <= g[2] and g[1] <= y <= g[3] for g in by_band.get(int(y // band), ())):
            out.append(b)
    return out


def _groups(shapes: list[BBox]) -> list[list[BBox]]:
    """Shapes in groups down the page, a new group after a gap of :data:`CLUSTER_GAP` median
    shape heights (a paragraph or a heading between two tables)."""
    if not shapes:
        return []
    gap = CLUSTER_GAP * median(b[3] - b[1] for b in shapes)
    groups: list[list[BBox]] = []
    bottom = None
    for b in sorted(shapes, key=lambda b: b[1]):
        if bottom is None or b[1] > bottom + gap:
            groups.append([])
            bottom = b[3]
        groups[-1].append(b)
        bottom = max(bottom, b[3])
    return groups
