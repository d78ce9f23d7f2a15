"""Ink in table cells that OCR left empty.

The detector misses small isolated glyphs, a lone "0" in a table cell above all, and a
missed digit lays out as an empty cell: status ``blank``, the confident claim that the
cell is printed empty. So after layout every empty cell of a ruled table is looked at:

1. **Ink check** (:func:`ink_box`): the inked pixels (:func:`extractor.scanpage.ink_mask`)
   inside the cell, its sides cut off by :data:`INSET` of the font size (the cell's own
   rules and their blur) and with the ink of words already read taken out, form
   connected components; a component counts when it is about as high as a character
   (:data:`MIN_HEIGHT`..:data:`MAX_HEIGHT` of the font size), holds :data:`MIN_INK` of
   the font size squared in inked pixels (specks of noise hold fewer) and is not a line
   (a rule running through the cell: thin and touching two opposite sides, or thin,
   long and touching a side).
2. **Re-reading** (:func:`read_inked`): each inked cell's ink, cut out with a margin of
   paper and set on a white border, is read by the recogniser alone (no detection), all
   cells of a page in one batch.
3. **Result** (:func:`cell_reading`): a reading that is a number (digits, or the letters
   OCR makes of them) or a printed blank mark becomes the cell's text with the
   reading's weakest character as the cell's confidence, capped at :data:`READ_CAP`
   (the detector did not see it: a rule has to confirm it for it to be ``ok``); anything
   else leaves the cell empty but marked ``unread`` (:attr:`extractor.model.Cell.unread`)
   at confidence :data:`UNREAD_CONF`, and a field read from such a cell goes to
   ``review``, never ``blank`` (:func:`extractor.confidence.needs_review`).

Only empty cells with ink are read, a few per page at most: the cost is one small
recognition batch per page that has any.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

INSET = 0.2  # share of the font size cut off each side of a cell (its rules and their blur)
MIN_HEIGHT = 0.35  # a blob lower than this share of the font size is a speck or a rule's edge
MAX_HEIGHT = 1.6  # a blob higher than this is not one line of text
MIN_INK = 0.03  # inked pixels a blob needs, as a share of the font size squared
RULE_LENGTH = 1.2  # a straight run of ink longer than this many font sizes is a rule
LINE_THIN = 0.25  # a blob thinner than this share of the font size that runs along a side is a rule
READ_MARGIN = 0.3  # paper kept around the ink of a re-read cell (share of the ink height)
# confidence ceiling of what the detector missed and the re-reading found: below the review
# threshold (0.80), so such a value is ``ok`` only when a rule of the form confirms it
READ_CAP = 0.75
UNREAD_CONF = 0.3  # confidence of a cell holding ink that no reading makes a number of

PixBox = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels, end exclusive


@dataclass(frozen=True)
class CellReading:
    """What an inked empty cell turned out to hold: ``text`` ("" when unread), its
    confidence, and whether the ink stays unread."""

    text: str
    conf: float
    unread: bool


def interior(box: tuple[float, float, float, float], font: float,
             shape: tuple[int, ...]) -> Optional[PixBox]:
    """Cell ``box`` (pixels) within its rules: :data:`INSET` of the font size cut off
    each side; None when nothing is left."""
    if font <= 0:
        return None
    h, w = shape[:2]
    inset = max(2, int(round(INSET * font)))
    x0, y0 = max(int(box[0]) + inset, 0), max(int(box[1]) + inset, 0)
    x1, y1 = min(int(math.ceil(box[2])) - inset, w), min(int(math.ceil(box[3])) - inset, h)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    return x0, y0, x1, y1


def ink_box(ink: np.ndarray, box: tuple[float, float, float, float], font: float,
            covered: Optional[np.ndarray] = None) -> Optional[PixBox]:
    """The box (page pixels) around the character-like ink inside cell ``box`` (pixels),
    or None when the cell holds none. ``ink`` is the page's ink mask (non-zero = ink),
    ``font`` the font size in pixels, ``covered`` (optional, same shape) marks pixels of
    text already read, whose ink does not count."""
    import cv2
    inside = interior(box, font, ink.shape)
    if inside is None:
        return None
    x0, y0, x1, y1 = inside
    crop = ink[y0:y1, x0:x1] > 0
    if covered is not None:
        crop &= ~(covered[y0:y1, x0:x1] > 0)
    if not crop.any():
        return None
    crop = crop.astype(np.uint8)
    crop &= ~_straight_runs(crop, font)
    n, _, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
    ch, cw = crop.shape
    keep = []
    for cx, cy, bw, bh, area in stats[1:]:
        if not (MIN_HEIGHT * font <= bh <= MAX_HEIGHT * font) or area < MIN_INK * font * font:
            continue
        if _line(cx, cy, bw, bh, cw, ch, font):
            continue
        keep.append((int(cx), int(cy), int(cx + bw), int(cy + bh)))
    if not keep:
        return None
    return (x0 + min(b[0] for b in keep), y0 + min(b[1] for b in keep),
            x0 + max(b[2] for b in keep), y0 + max(b[3] for b in keep))


def _straight_runs(mask: np.ndarray, font: float) -> np.ndarray:
    """Pixels of straight horizontal or vertical runs longer than any character stroke
    (:data:`RULE_LENGTH` font sizes): rules crossing the cell, grown by a pixel for their
    blurred edges."""
    import cv2
    n = max(int(round(RULE_LENGTH * font)), 8)
    runs = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1)))
    runs |= cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, n)))
    return cv2.dilate(runs, np.ones((3, 3), np.uint8))


def _line(x: int, y: int, w: int, h: int, cw: int, ch: int, font: float) -> bool:
    """A component that is a piece of a printed rule, not a character: thin and running
    from side to side, or thin, long and lying along the side it touches."""
    thin = LINE_THIN * font
    top, bottom, left, right = y == 0, y + h >= ch, x == 0, x + w >= cw
    if (top and bottom and w <= thin) or (left and right and h <= thin):
        return True
    flat = h <= thin and w >= 3 * h and (top or bottom)
    upright = w <= thin and h >= 3 * w and (left or right)
    return flat or upright


def ink_crop_of(gray: np.ndarray, box: PixBox, inside: Optional[PixBox] = None) -> np.ndarray:
    """The ink of a cell cut close, with :data:`READ_MARGIN` of its height in paper around
    it (a lone glyph with much paper around it reads as "。" or "o", or as nothing);
    pixels outside ``inside`` (the cell within its rules) are painted paper, so that no
    piece of a rule is read with the glyph."""
    h, w = gray.shape[:2]
    m = max(2, int(round(READ_MARGIN * (box[3] - box[1]))))
    x0, y0, x1, y1 = max(box[0] - m, 0), max(box[1] - m, 0), min(box[2] + m, w), min(box[3] + m, h)
    crop = gray[y0:y1, x0:x1].copy()
    if inside is not None and crop.size:
        paper = int(np.percentile(gray[box[1]:box[3], box[0]:box[2]], 90))
        keep = np.zeros(crop.shape, bool)
        keep[max(inside[1] - y0, 0):max(inside[3] - y0, 0), max(inside[0] - x0, 0):max(inside[2] - x0, 0)] = True
        crop[~keep] = paper
    return crop


def read_inked(eng, gray: np.ndarray, boxes: Sequence[PixBox],
               insides: Sequence[Optional[PixBox]]) -> list[CellReading]:
    """Read the ink of each cell (one recognition batch) into what the cell holds;
    ``insides`` are the cells within their rules (:func:`interior`)."""
    if not boxes:
        return []
    from .scanpage import BAR_GLYPHS, leans_like_a_slash
    crops = [ink_crop_of(gray, b, i) for b, i in zip(boxes, insides)]
    reads = eng.recognize(crops)
    return [cell_reading("/" if r.text in BAR_GLYPHS and leans_like_a_slash(c) else r.text, r.probs)
            for r, c in zip(reads, crops)]


def cell_reading(text: str, probs: Sequence[float]) -> CellReading:
    """A reading of an inked cell → its text and confidence, or unread ink."""
    from .normalize import normalize_cell
    from .scanpage import _DASH_READINGS, _value
    from .tokens import BLANK_MARKS
    t = normalize_cell(text).strip()
    weakest = min(probs) if probs else 0.0
    if t and _value(t) is not None:
        return CellReading(t, min(weakest, READ_CAP), False)
    if t in _DASH_READINGS or t in BLANK_MARKS:
        mark = "-" if t in _DASH_READINGS else t
        return CellReading(mark, min(weakest, READ_CAP), False)
    return CellReading("", UNREAD_CONF, True)


def read_empty_cells(eng, gray: np.ndarray, ink: np.ndarray, items, words, scale: float,
                     font: float, unsure: frozenset = frozenset()) -> dict[tuple[int, int], CellReading]:
    """What the empty cells of the page's ruled tables that hold ink turned out to hold,
    by (item index, cell index). ``ink`` is the page's ink mask
    (:func:`extractor.scanpage.ink_mask`), ``items`` the layout's rows (boxes in points,
    ``scale`` points per pixel), ``words`` the words read on ``gray``, ``font`` the
    font size in pixels. ``unsure`` (item index, cell index) are cells holding one
    unsure character that is no digit (:func:`unsure_glyph`): their ink is read again
    too, and what the reading does not make a number of stays unread ink."""
    import cv2
    todo = [(i, j, c.bbox) for i, it in enumerate(items) if it.kind == "table"
            for j, c in enumerate(it.cells) if not c.raw.strip() or (i, j) in unsure]
    if not todo or font <= 0:
        return {}
    covered = np.zeros(gray.shape[:2], np.uint8)
    pad = 2
    for w in words:
        x0, y0, x1, y1 = w.box
        cv2.rectangle(covered, (int(x0) - pad, int(y0) - pad), (int(math.ceil(x1)) + pad, int(math.ceil(y1)) + pad),
                      255, thickness=-1)
    keys, boxes, insides = [], [], []
    seen: set[tuple[float, ...]] = set()
    for i, j, b in todo:
        if tuple(b) in seen:  # a cell spanning rows or columns repeats its box
            continue
        seen.add(tuple(b))
        px = tuple(v / scale for v in b)
        found = ink_box(ink, px, font, None if (i, j) in unsure else covered)
        if found is not None:
            keys.append((i, j))
            boxes.append(found)
            insides.append(interior(px, font, gray.shape))
        elif (i, j) in unsure:  # a character read where no character-sized ink is: a speck
            keys.append((i, j))
            boxes.append(None)
            insides.append(None)
    todo_read = [k for k, b in enumerate(boxes) if b is not None]
    reads = read_inked(eng, gray, [boxes[k] for k in todo_read], [insides[k] for k in todo_read])
    out = dict.fromkeys(keys, CellReading("", UNREAD_CONF, True))
    for k, r in zip(todo_read, reads):
        out[keys[k]] = r
    return out


UNSURE_GLYPH = 0.6  # a lone character (no digit) read less surely than this in a value row is read again


def unsure_glyph(text: str, conf: float) -> bool:
    """A cell of one character that is no digit nor blank mark, read unsurely: in a table
    row of numbers most likely a digit misread ("口" for a boxed-in "0"). A letter or
    punctuation mark ("n", "、") is unsure however surely read: no value cell prints one
    (a letter the tokenizer repairs to a digit excepted), and read as printed it would
    end the row's values or leave no token, moving the cells after it a column left."""
    from .normalize import is_cjk
    from .scanpage import _DASH_READINGS
    from .tokens import BLANK_MARKS, ocr_digits
    t = text.strip()
    return len(t) == 1 and not t.isdigit() and t not in BLANK_MARKS and t not in _DASH_READINGS \
        and ocr_digits(t) is None and (conf < UNSURE_GLYPH or not is_cjk(t))
