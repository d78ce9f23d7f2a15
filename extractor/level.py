"""Straightening a tilted text layer: a scan's invisible OCR layer sits where the words
stand on the tilted image, so a table's rows drift up or down across the page and run
together. The tilt is the angle the layer's lines run at, when it turns its words with the
rows; else the angle at which the glyphs' centres, projected across the page, pile up into
the sharpest rows (the projection profile, as deskewing an image does). The glyphs are
turned back by it around the page centre, and :class:`~extractor.layout.Frame` keeps the
angle to put cell boxes back where they stand on the page.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from .layout import Glyph, PageText

MAX_DEGREES = 5.0  # a scan tilted more is read as it is
STEP_DEGREES = 0.05
MIN_DEGREES = 0.15  # a tilt below this moves a row less than 1.5 pt across a page
SHARPER = 1.1  # the level rows must be this much sharper than the rows as they are
MIN_GLYPHS = 20  # short glyphs a page needs for its rows to tell a tilt
# glyphs of at most this many characters (a table's numbers) tell it: a layer that sets a
# longer run level at the left end of its box puts its centre where no row of the scan runs
SHORT = 4


def text_tilt(glyphs: list[Glyph]) -> float:
    """Radians the page's text rows run off level (positive: down to the right), or 0.0 when
    no tilt of at least :data:`MIN_DEGREES` makes them clearly sharper."""
    gs = [g for g in glyphs if g.straight and len(g.c) <= SHORT]
    if len(gs) < MIN_GLYPHS:
        return 0.0
    x = np.array([(g.x0 + g.x1) / 2 for g in gs])
    y = np.array([(g.y0 + g.y1) / 2 for g in gs])
    bin_size = max(float(np.median([g.y1 - g.y0 for g in gs])) / 4, 0.5)
    slopes = np.tan(np.radians(np.arange(-MAX_DEGREES, MAX_DEGREES + STEP_DEGREES / 2, STEP_DEGREES)))
    scores = np.empty(len(slopes))
    for k, s in enumerate(slopes):
        level = y - x * s
        bins = ((level - level.min()) / bin_size).astype(np.int64)
        scores[k] = np.square(np.bincount(bins)).sum()
    best = int(np.argmax(scores))
    flat = int(np.argmin(np.abs(slopes)))
    tilt = math.atan(slopes[best])
    if abs(math.degrees(tilt)) < MIN_DEGREES or scores[best] < SHARPER * scores[flat]:
        return 0.0
    return tilt


def lines_tilt(pt: PageText) -> float:
    """The tilt the page's lines run at themselves (an OCR layer that turns its words with the
    scan's rows): their median angle by characters, when most characters stand on lines
    tilted from :data:`MIN_DEGREES` to :data:`MAX_DEGREES`; else 0.0."""
    tilted = sorted((a, n) for a, n in pt.tilted if MIN_DEGREES <= abs(math.degrees(a)) <= MAX_DEGREES)
    total = sum(n for _, n in tilted)
    if not tilted or total < 0.5 * pt.chars:
        return 0.0
    seen = 0
    for a, n in tilted:
        seen += n
        if seen >= total / 2:
            return a
    return 0.0


def leveled(pt: PageText) -> PageText:
    """``pt`` with its glyphs turned level (by :func:`lines_tilt`, else by
    :func:`text_tilt`) and the tilt kept in its frame; ``pt`` itself when its text runs level."""
    tilt = lines_tilt(pt) or text_tilt(pt.glyphs)
    if not tilt:
        return pt
    frame = replace(pt.frame, tilt=tilt)
    glyphs = []
    for g in pt.glyphs:
        mx, my = frame.leveled_point((g.x0 + g.x1) / 2, (g.y0 + g.y1) / 2)
        hw, hh = (g.x1 - g.x0) / 2, (g.y1 - g.y0) / 2
        glyphs.append(g._replace(x0=mx - hw, y0=my - hh, x1=mx + hw, y1=my + hh))
    return replace(pt, frame=frame, glyphs=glyphs)
