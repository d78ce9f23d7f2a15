"""One scanned page image → rows of cells, through OCR and the PDF reader's layout.

Steps (all on a grey image; boxes end in the source's own space):

1. **Detect** text boxes (PP-OCRv4, :mod:`extractor.ocr`); a very tall image (a long
   picture of several pages) is detected in overlapping tiles.
2. **Orientation**: when most long text boxes stand upright the page is sideways; the
   quarter turn (and 0° against 180°) is the one whose sample lines read with the higher
   recognition confidence. The image is turned and the boxes with it (no second
   detection).
3. **Skew**: the median slope of long text boxes; above :data:`MIN_SKEW` degrees the
   image and the boxes are rotated straight.
4. **Recognise** every box; a tall box (characters stacked one per line, as in narrow
   group-label cells) is also read cut into its characters laid side by side, and the
   better reading kept. A box much lower than the text whose ink is one flat bar is a
   printed blank mark "—" (:func:`dash_reading`), whatever its widened crop reads as.
5. **Re-read unsure numbers**: a box that reads as a short number (or letters OCR makes
   of digits, or more digits than its width holds) with a character below
   :data:`REREAD_BELOW` is read again from the crop cut close to its ink (one more
   recognition per unsure number: the whole extraction costs some 15% over the bare
   OCR call; re-reading more numbers, below 0.93, and from a second, enlarged crop as well
   cost 20% more for the same accuracy on 100 generated scans); the reading of digits that
   fit the box with the best
   weakest character wins; readings agreeing on the value shrink the doubt, a reading of
   another value caps the confidence at :data:`DISAGREE_CAP` (so the field goes to
   review unless a rule confirms it).
6. **Glyphs**: each recognised character gets a box from its place in the CTC output,
   in points (72/dpi), so that the tolerances of :mod:`extractor.grid` and
   :mod:`extractor.layout` (made for PDF points) hold.
7. **Rules** printed on the page: OpenCV morphology (long horizontal and vertical
   openings of the inked image) → rule segments, handed to the PDF reader's layout as
   line drawings; ruled tables become lattices, the rest is laid out from word
   alignment exactly as a born-digital PDF's text (:func:`extractor.readers.pdf._layout`).
8. **Inked cells** (:mod:`extractor.cellink`): an empty cell of a ruled table that holds
   character-sized ink no word covers (a lone "0" the detector missed), and a cell of
   one unsure character that is no digit in a row of numbers ("口" for a boxed-in "0";
   a letter or punctuation mark however sure; or such a character beside digits, "0口"),
   is read again from its ink; a number or blank mark read there becomes the cell's
   text, anything else marks the cell ``unread`` (its field goes to review, never
   ``blank``).
9. **Cells**: each cell's confidence is the lowest probability of the characters in it;
   text is normalised as every reader does; the OCR text is kept in ``Cell.raw``.

Nothing here corrects a digit: letters read in a number cell ("o", "l", "1s") reach the
tokenizer as read, where :func:`extractor.tokens.ocr_digits` repairs them and marks the
repair (the field's source says so and its confidence drops).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from .cellink import CellReading, read_empty_cells, unsure_glyph
from .grid import page_rules
from .layout import Frame, Glyph, furniture_key, in_margin, union
from .model import BBox, Cell
from .normalize import normalize_cell
from .ocr import Engine, Reading, Word, crop_quad, engine, read_turned, word_of

# the confidence of a cell OCR read (or found empty) never reaches a text layer's 1.0: the
# stages tell OCR's lines by it (fields._read_by_ocr), and a recogniser's 1.0 is rounding
OCR_CEILING = 0.999
MIN_SKEW = 0.15  # degrees: straighter pages are left alone
MAX_SKEW = 10.0  # steeper slopes are not skew (rotated stamps, diagonal text)
SIDEWAYS_SHARE = 0.5  # share of long boxes standing upright that makes a page sideways
ORIENT_SAMPLE = 6  # long boxes read to choose between a turn and its opposite
ORIENT_SURE = 0.9  # upright sample reading at least this well: no 180° check
REREAD_BELOW = 0.85  # a number's weakest character below this is read again
DISAGREE_CAP = 0.6  # confidence of a number whose readings disagree (review unless a rule confirms)
BOX_PER_EM = 1.2  # a detected box of a text line is about this many font sizes high
TILE_RATIO = 1.5  # a tall image is detected in tiles this many widths high
_NUMBERISH = re.compile(r"^[0-9oO〇○。QDCcUulIi|sSBZzgqb.,，]{1,9}$")


@dataclass
class OcrRow:
    """One row of cells of a page (boxes already in the source's space)."""

    cells: list[Cell]
    bbox: BBox
    furniture_key: str = ""


@dataclass
class OcrPage:
    rows: list[OcrRow]
    turn: int = 0  # quarter turns applied (counter-clockwise) to make the page upright
    skew: float = 0.0  # degrees corrected
    words: int = 0
    warnings: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ geometry helpers

def _order(q: np.ndarray) -> np.ndarray:
    """Quad points clockwise from the top-left (image coordinates, y down)."""
    c = q.mean(axis=0)
    ang = np.arctan2(q[:, 1] - c[1], q[:, 0] - c[0])
    q = q[np.argsort(ang)]  # clockwise on screen, starting near -180° (left)
    start = int(np.argmin(q[:, 0] + q[:, 1]))
    return np.roll(q, -start, axis=0).astype(np.float32)


def _rot90_points(pts: np.ndarray, k: int, w: int, h: int) -> np.ndarray:
    """Points of an image w×h after ``np.rot90(img, k)`` (counter-clockwise turns)."""
    p = pts.astype(np.float64).copy()
    for _ in range(k % 4):
        p = np.stack([p[..., 1], (w - 1) - p[..., 0]], axis=-1)
        w, h = h, w
    return p.astype(np.float32)


def _affine(pts: np.ndarray, m: np.ndarray) -> np.ndarray:
    flat = pts.reshape(-1, 2).astype(np.float64)
    out = flat @ m[:, :2].T + m[:, 2]
    return out.reshape(pts.shape).astype(np.float32)


def _sides(q: np.ndarray) -> tuple[float, float]:
    return float(np.linalg.norm(q[1] - q[0])), float(np.linalg.norm(q[3] - q[0]))


# --------------------------------------------------------------------- detection

def detect(eng: Engine, img: np.ndarray) -> list[np.ndarray]:
    """Text quads of a page; a tall image is detected in overlapping tiles."""
    h, w = img.shape[:2]
    if h <= TILE_RATIO * w * 1.3:
        return [_order(q) for q in eng.detect(img)]
    tile = int(TILE_RATIO * w)
    step = int(tile * 0.85)
    quads: list[np.ndarray] = []
    for top in range(0, max(h - tile, 0) + step, step):
        part = img[top:top + tile]
        if part.shape[0] < 16:
            break
        for q in eng.detect(part):
            q = _order(q + np.array([0, top], dtype=np.float32))
            if not any(_same_box(q, o) for o in quads):
                quads.append(q)
        if top + tile >= h:
            break
    quads.sort(key=lambda q: (q[:, 1].min(), q[:, 0].min()))
    return quads


def _same_box(a: np.ndarray, b: np.ndarray) -> bool:
    ax0, ay0, ax1, ay1 = a[:, 0].min(), a[:, 1].min(), a[:, 0].max(), a[:, 1].max()
    bx0, by0, bx1, by1 = b[:, 0].min(), b[:, 1].min(), b[:, 0].max(), b[:, 1].max()
    iw, ih = min(ax1, bx1) - max(ax0, bx0), min(ay1, by1) - max(ay0, by0)
    if iw <= 0 or ih <= 0:
        return False
    inter = iw * ih
    return inter >= 0.5 * min((ax1 - ax0) * (ay1 - ay0), (bx1 - bx0) * (by1 - by0))


# ------------------------------------------------------------------- orientation

def _long(quads: list[np.ndarray]) -> list[np.ndarray]:
    out = []
    for q in quads:
        a, b = _sides(q)
        if max(a, b) >= 3 * max(min(a, b), 1):
            out.append(q)
    return out


def orientation(eng: Engine, img: np.ndarray, quads: list[np.ndarray]) -> int:
    """Quarter turns (counter-clockwise, as ``np.rot90``) that make the page upright."""
    long = _long(quads)
    if not long:
        return 0
    tall = [_sides(q)[1] > _sides(q)[0] for q in long]
    sideways = sum(tall) >= SIDEWAYS_SHARE * len(long)
    pool = [q for q, t in zip(long, tall) if t == sideways]
    # lines of a few characters: as telling as long ones and far cheaper to read
    mid = [q for q in pool if max(_sides(q)) <= 10 * max(min(_sides(q)), 1)] or pool
    sample = sorted(mid, key=lambda q: -max(_sides(q)))[:ORIENT_SAMPLE]
    h, w = img.shape[:2]
    scores = {}
    for k in ((1, 3) if sideways else (0, 2)):
        turned = np.rot90(img, k) if k else img
        crops = [crop_quad(turned, _order(_rot90_points(q, k, w, h))) for q in sample]
        reads = eng.recognize(crops)
        scores[k] = float(np.mean([r.conf * min(len(r.text), 10) for r in reads])) / 10
        if not sideways and k == 0 and float(np.mean([r.conf for r in reads])) >= ORIENT_SURE:
            return 0
    return max(scores, key=lambda k: scores[k])


def skew_angle(quads: list[np.ndarray]) -> float:
    """Median slope (degrees, y down) of the long horizontal text boxes."""
    angles = []
    for q in quads:
        a, b = _sides(q)
        if a >= 3 * max(b, 1) and a > 40:
            d = q[1] - q[0]
            ang = math.degrees(math.atan2(float(d[1]), float(d[0])))
            if abs(ang) <= MAX_SKEW:
                angles.append(ang)
    return float(np.median(angles)) if len(angles) >= 3 else 0.0


# ------------------------------------------------------------------- missed text

ORPHAN_MIN_HEIGHT = 0.45  # share of the text height an ink blob must reach to be read
ORPHAN_MAX_HEIGHT = 1.6
ORPHAN_MIN_INK = 0.04  # share of text_h² of inked pixels (specks of noise have fewer)


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Inked pixels: darker than their neighbourhood (uneven paper) or darker than the
    page's ink/paper split (Otsu), so that a thick blurred rule is inked through and not
    just along its two edges (which would make two rules and an empty column)."""
    import cv2
    local = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    _, glob = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return local | glob


def orphan_ink(gray: np.ndarray, quads: list[np.ndarray], text_h: float) -> list[np.ndarray]:
    """Boxes around ink the detector left out: character-sized blobs, off the printed
    rules, outside every detected box. The detector misses thin lone digits ("1" in a
    table cell) more than anything, and a missed digit is an empty cell."""
    import cv2
    if text_h <= 0:
        return []
    ink = ink_mask(gray)
    length = max(int(2.5 * text_h), 25)
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    rules |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    rules = cv2.dilate(rules, np.ones((5, 5), np.uint8))
    covered = np.zeros_like(ink)
    for q in quads:
        cv2.fillPoly(covered, [np.round(q).astype(np.int32)], 255)
    covered = cv2.dilate(covered, np.ones((7, 7), np.uint8))
    rest = ink & ~rules & ~covered
    gap = max(3, int(0.4 * text_h))  # digits of one number run together
    grouped = cv2.morphologyEx(rest, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, 3)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(grouped, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if not (ORPHAN_MIN_HEIGHT * text_h <= h <= ORPHAN_MAX_HEIGHT * text_h) or w > 8 * text_h:
            continue
        if int(np.count_nonzero(rest[y:y + h, x:x + w])) < ORPHAN_MIN_INK * text_h * text_h:
            continue
        pad = 0.15 * text_h
        x0, y0, x1, y1 = x - pad, y - pad, x + w + pad, y + h + pad
        out.append(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32))
    return out


# -------------------------------------------------------------------- recognition

LOW_BOX = 0.8  # a box lower than this share of the page's text height is widened


def _low(q: np.ndarray, text_h: float) -> bool:
    """Is box ``q`` much lower than the page's text, so :func:`widen` grows it?"""
    return text_h > 0 and _sides(q)[1] < LOW_BOX * text_h


def widen(q: np.ndarray, text_h: float = 0.0) -> np.ndarray:
    """A box much lower than the page's text (``text_h``, the median box height) scaled
    about its centre to that height: the detector boxes only the middle of a thin "0" or
    "1", and read so it comes out "C", "D" or nothing. (Widening every short box with
    paper instead made lone zeros read "。" or "00".) The grown box may stand upright;
    it is read as it stands all the same (:func:`recognise`): turned, a dash reads "1"
    and a "1" reads "一"."""
    if not _low(q, text_h):
        return q
    a, b = _sides(q)
    grow = text_h / max(b, 1.0) - 1.0  # scaled about its centre to the text's height
    grow_x = a * grow / 2
    grow_y = b * grow / 2
    ux = (q[1] - q[0]) / max(a, 1.0)
    uy = (q[3] - q[0]) / max(b, 1.0)
    out = q.astype(np.float32).copy()
    for i, (sx, sy) in enumerate(((-1, -1), (1, -1), (1, 1), (-1, 1))):
        out[i] = q[i] + sx * ux * grow_x + sy * uy * grow_y
    return out


def text_height(quads: list[np.ndarray]) -> float:
    """Median height of the horizontal text boxes of a page (pixels)."""
    hs = sorted(_sides(q)[1] for q in quads if _sides(q)[0] >= _sides(q)[1])
    return float(hs[len(hs) // 2]) if hs else 0.0


def recognise(eng: Engine, img: np.ndarray, quads: list[np.ndarray],
              first_orphan: Optional[int] = None) -> list[Word]:
    """Words of the (upright, straight) page; tall boxes also read as stacked characters.

    Quads from ``first_orphan`` on are ink the detector left out (:func:`orphan_ink`):
    their readings are kept only when they read well (:data:`ORPHAN_MIN_CONF`), since
    most such blobs on a noisy page are specks."""
    th = text_height(quads[:first_orphan])
    n = len(quads) if first_orphan is None else first_orphan
    grown = [_low(q, th) for q in quads]  # widened: never read turned
    quads = [widen(q, th) for q in quads]
    crops = [crop_quad(img, q, turn=not g) for q, g in zip(quads, grown)]
    reads = eng.recognize(crops)
    reads = [dash_reading(r, c, th) if i < n and (g or not read_turned(q)) else r
             for i, (r, c, g, q) in enumerate(zip(reads, crops, grown, quads))]
    tall = [i for i, q in enumerate(quads) if not grown[i] and _sides(q)[1] >= 1.5 * _sides(q)[0]]
    if tall:
        stacked = eng.recognize([_unstack(img, quads[i]) for i in tall])
        for i, r in zip(tall, stacked):
            if r.text and r.conf > reads[i].conf:
                chars = len(r.text)
                reads[i] = Reading(r.text, r.conf, r.probs, r.alts, r.alt_probs,
                                   tuple((k + 0.5) / chars for k in range(chars)))
    words = [word_of(q, r) for i, (q, r) in enumerate(zip(quads, reads))
             if r.text.strip() and (_orphan_ok(r) if i >= n else not _speck(q, r, th))]
    words = [trim_number(w) for w in dedupe(words)]
    return [separator_doubt(minus_doubt(slash_reading(w, img), img)) for w in reread_numbers(eng, img, words, th)]


DASH_GLYPHS = set("二=一-—ー_")  # what a printed "—" reads as, its box widened or not
BAR_GLYPHS = {"1", "l", "I", "|"}  # a "—" read with the cell's rule beside it, unsurely
BAR_SURE = 0.95  # a stroke read at least this surely is a "1"
DASH_THIN = 0.2  # ink lower than this share of the text height is a stroke, not a character
DASH_WIDE = 0.25  # a dash read as a stroke is at least this wide (specks are smaller)
DASH_CONF = 0.95  # confidence of a dash told by its shape
RULE_SPAN = 0.8  # ink along a crop's side over this share of it is a piece of a rule


def dash_reading(r: Reading, crop: np.ndarray, text_h: float) -> Reading:
    """A reading of a box whose ink, rules left out, is one flat bar is a printed blank
    mark "—", whatever the crop reads as: "二" or "=" once a low box is widened
    (:func:`widen`), "1" (unsurely) beside the cell's rule. No digit is that flat: a thin
    "0" or "1" boxed in its middle has ink as high as the text."""
    if not r.text or text_h <= 0:
        return r
    bar = r.text in BAR_GLYPHS and r.conf < BAR_SURE
    if not (bar or set(r.text) <= DASH_GLYPHS):
        return r
    box = _ink_extent(crop)
    if box is None:
        return r
    w, h = box[2] - box[0], box[3] - box[1]
    if not (h <= DASH_THIN * text_h and w >= 2 * h and (w >= DASH_WIDE * text_h or not bar)):
        return r
    return Reading("-", DASH_CONF, (DASH_CONF,), ("",), (0.0,), (0.5,))


SLASH_LEAN = 0.1  # a stroke whose top stands right of its foot by this share of its height is "/"


def leans_like_a_slash(crop: np.ndarray) -> bool:
    """Whether a crop's tallest piece of ink (rules left out) leans right as a printed "/"
    does: the middle of its top quarter stands right of the middle of its bottom quarter by
    :data:`SLASH_LEAN` of its height or more. A "1" stands upright (its flag, if any, on the
    left): OCR reads a slash, a blank mark, as "1"."""
    ink = _ink(crop)
    parts = _ink_parts(ink)
    if not parts:
        return False
    box = max(parts, key=lambda b: b[3] - b[1])
    h = box[3] - box[1]
    mask = _piece_mask(ink, box)
    if h < 6 or mask is None:
        return False
    band = max(1, h // 4)
    top, foot = np.nonzero(mask[:band].any(axis=0))[0], np.nonzero(mask[-band:].any(axis=0))[0]
    return top.size > 0 and foot.size > 0 and float(top.mean() - foot.mean()) >= SLASH_LEAN * h


SLASH_MARGIN = 0.5  # share of a stroke's box height added on either side to see all of it


def slash_reading(w: Word, img: np.ndarray) -> Word:
    """A word read as a lone stroke ("1", "l", "|") whose ink leans as "/" does: "/". Its
    box is widened first: the detector may box a slash's middle only, which stands upright."""
    if w.text not in BAR_GLYPHS:
        return w
    x0, y0, x1, y1 = w.box
    m, v = SLASH_MARGIN * (y1 - y0), 0.15 * (y1 - y0)  # (and a little above and below)
    h, wd = img.shape[:2]
    crop = img[max(int(y0 - v), 0):min(int(np.ceil(y1 + v)), h), max(int(x0 - m), 0):min(int(np.ceil(x1 + m)), wd)]
    if crop.size == 0 or not leans_like_a_slash(crop):
        return w
    return Word("/", w.box, w.conf, w.probs, w.alts, w.alt_probs, w.xs, w.quad)


def _ink_extent(crop: np.ndarray) -> Optional[tuple[int, int, int, int]]:
    """Box (x0, y0, x1, y1) of a crop's ink (:func:`_ink_parts`), None without ink."""
    inner = _ink_parts(_ink(crop))
    if not inner:
        return None
    return (min(c[0] for c in inner), min(c[1] for c in inner),
            max(c[2] for c in inner), max(c[3] for c in inner))


def _ink(crop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A crop's connected pieces of ink (Otsu threshold): the label of each pixel, and
    each label's (x, y, width, height, area); label 0 is the paper."""
    import cv2
    grey = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    _, b = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(b, connectivity=8)
    return labels, stats


def _ink_parts(ink: tuple[np.ndarray, np.ndarray]) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) of a crop's connected pieces of ink (:func:`_ink`) but for
    pieces of rules (ink along a whole side; running through from top to bottom; or from
    side to side off the middle, where a dash lies)."""
    labels, stats = ink
    h, w = labels.shape
    return [(x, y, x + bw, y + bh) for x, y, bw, bh, _ in stats[1:]
            if not ((y == 0 or y + bh == h) and bw >= RULE_SPAN * w)
            and not ((x == 0 or x + bw == w) and bh >= RULE_SPAN * h)
            and not (y == 0 and y + bh == h)
            and not (x == 0 and x + bw == w and abs(2 * y + bh - h) > h / 2)]


_UNSIGNED = re.compile(r"^\d[\d.,]*$")


def minus_doubt(w: Word, img: np.ndarray) -> Word:
    """A number whose box shows, just left of its first digit and at its middle height, a
    flat bar the recognizer did not read: a minus sign dropped ("-6" read as "6"), which
    turns a fall into a rise. The digits are kept, but the confidence is capped at
    :data:`DISAGREE_CAP` (review unless a rule confirms the value), for a person to look.
    The bar is measured against the digit's height: at most a quarter of it high, at least
    twice as wide as high, a fifth to 1.2 of it wide, at most 0.8 of it away."""
    if not _UNSIGNED.match(w.text):
        return w
    ink = _ink(crop_quad(img, np.array(w.quad, dtype=np.float32), turn=False))
    parts = _ink_parts(ink)
    if not parts:
        return w
    tall = max(p[3] - p[1] for p in parts)
    dx0, dy0, dx1, dy1 = min(p for p in parts if p[3] - p[1] >= 0.6 * tall)
    dh = dy1 - dy0
    for x0, y0, x1, y1 in parts:
        bw, bh, mid = x1 - x0, y1 - y0, (y0 + y1) / 2
        if x1 <= dx0 + 1 and dx0 - x1 <= 0.8 * dh and bh <= 0.25 * dh and bw >= 2 * bh \
                and 0.2 * dh <= bw <= 1.2 * dh and dy0 + 0.3 * dh <= mid <= dy0 + 0.75 * dh:
            return _doubted(w)
    if len(w.text) == 1 and dx1 - dx0 >= GLUED_BAR_WIDTH * dh and _bar_on_left(ink, (dx0, dy0, dx1, dy1)):
        return _doubted(w)
    return w


GLUED_BAR_WIDTH = 0.8  # a lone digit's ink this wide against its height may hold a bar


def _bar_on_left(ink: tuple[np.ndarray, np.ndarray], box: tuple[int, int, int, int]) -> bool:
    """The bar of a minus sign touching its digit ("-6" printed tight, one piece of ink: the
    piece ``box`` of ``ink``, see :func:`_ink`): the columns at the piece's left edge, a fifth
    of its height wide, hold ink only in the middle band of its height."""
    mask = _piece_mask(ink, box)
    if mask is None:
        return False
    h = box[3] - box[1]
    strip = mask[:, :max(1, int(0.2 * h))]  # the piece's own ink only
    rows = np.nonzero(strip.any(axis=1))[0]
    return rows.size > 0 and rows.min() >= 0.3 * h and rows.max() < 0.75 * h


def _piece_mask(ink: tuple[np.ndarray, np.ndarray], box: tuple[int, int, int, int]) -> Optional[np.ndarray]:
    """Within ``box``, the pixels of the piece of ``ink`` (:func:`_ink`) whose box it is
    (other pieces reaching into the box left out); None when no piece has that box."""
    labels, stats = ink
    x0, y0, x1, y1 = box
    own = next((k for k, (x, y, bw, bh, _) in enumerate(stats) if k and (x, y, x + bw, y + bh) == box), None)
    return None if own is None else labels[y0:y1, x0:x1] == own


ORPHAN_MIN_CONF = 0.6  # a blob the detector missed is kept when it reads at least this well
DUP_SHARE = 0.7  # a box lying this much inside another one repeats it


SPECK_CONF = 0.35  # a small box read no surer than this is noise ("福" read into a speck)


def _speck(q: np.ndarray, r: Reading, text_h: float) -> bool:
    a, b = _sides(q)
    small = text_h > 0 and b < 1.2 * text_h and a < 1.5 * text_h
    return small and max(r.probs or (0.0,)) < SPECK_CONF


def _orphan_ok(r: Reading) -> bool:
    return bool(r.probs) and min(r.probs) >= ORPHAN_MIN_CONF and (
        (_NUMBERISH.match(r.text) is not None and any(c.isdigit() for c in r.text)) or r.conf >= 0.9)


def dedupe(words: list[Word]) -> list[Word]:
    """Drop a word whose box lies mostly inside a better-read word's box (the detector
    sometimes boxes one character twice, and a table cell then shows "0 0")."""
    drop: set[int] = set()
    boxes = [w.box for w in words]
    for i, a in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            b = boxes[j]
            iw = min(a[2], b[2]) - max(a[0], b[0])
            ih = min(a[3], b[3]) - max(a[1], b[1])
            if iw <= 0 or ih <= 0:
                continue
            small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
            if iw * ih >= DUP_SHARE * max(small, 1.0):
                wi, wj = words[i], words[j]
                worse = j if (len(wj.text), wj.conf) <= (len(wi.text), wi.conf) else i
                if normalize_cell(words[worse].text) in normalize_cell(words[i + j - worse].text):
                    drop.add(worse)
    return [w for k, w in enumerate(words) if k not in drop]


_JUNK = ".,:;'`·。，"
JUNK_BELOW = 0.97  # a stray mark at the end of a number read less surely than this is a speck


_GROUPED = re.compile(r"^\d{1,3}(?:[.,，]\d{3})+$")
SEPARATOR_SURE = 0.995  # a separator before three digits read less surely than this: doubt


def separator_doubt(w: Word) -> Word:
    """"2,969" and "2.969" differ by a few pixels and by a factor of a thousand. A number
    with a separator before a group of three digits keeps its reading, but unless every
    separator was read with :data:`SEPARATOR_SURE` its confidence is capped at
    :data:`DISAGREE_CAP` (review, unless a rule of the form confirms the value)."""
    t = w.text.replace(" ", "")
    if not _GROUPED.match(t) or len(w.probs) != len(w.text):
        return w
    seps = [p for c, p in zip(w.text, w.probs) if c in ".,，"]
    if min(seps) >= SEPARATOR_SURE:
        return w
    return _doubted(w)


def _doubted(w: Word) -> Word:
    """``w`` with every character's probability capped at :data:`DISAGREE_CAP`."""
    probs = tuple(min(p, DISAGREE_CAP) for p in w.probs)
    return Word(w.text, w.box, float(np.mean(probs)), probs, w.alts, w.alt_probs, w.xs, w.quad)


def trim_number(w: Word) -> Word:
    """A number with a stray mark at either end ("0." from a speck of noise, "福0" from a
    blot read as a character) loses the mark when the mark itself was read unsurely
    (below :data:`JUNK_BELOW` for punctuation, :data:`SPECK_CONF` for anything).
    Numbering such as "2." reads surely and stays."""
    t = w.text
    if not any(c.isdigit() for c in t):
        return w

    def junk(k: int) -> bool:
        return (t[k] in _JUNK and w.probs[k] < JUNK_BELOW) or w.probs[k] < SPECK_CONF

    lo, hi = 0, len(t)
    while lo < hi and junk(lo):
        lo += 1
    while hi > lo and junk(hi - 1):
        hi -= 1
    if not all(c.isdigit() or c in _JUNK for c in t[lo:hi]):
        return w
    if (lo, hi) == (0, len(t)) or not any(c.isdigit() for c in t[lo:hi]):
        return w
    cut = slice(lo, hi)
    probs = w.probs[cut]
    return Word(t[cut], w.box, float(np.mean(probs)), probs, w.alts[cut], w.alt_probs[cut],
                w.xs[cut] if len(w.xs) == len(t) else (), w.quad)


def _unstack(img: np.ndarray, q: np.ndarray) -> np.ndarray:
    """A tall box of characters stacked one per line, laid out side by side."""
    x0, y0 = int(max(q[:, 0].min(), 0)), int(max(q[:, 1].min(), 0))
    x1, y1 = int(q[:, 0].max()) + 1, int(q[:, 1].max()) + 1
    crop = img[y0:y1, x0:x1]
    h, w = crop.shape[:2]
    n = max(1, int(round(h / max(w, 1))))
    step = h / n
    parts = [crop[int(i * step):int((i + 1) * step)] for i in range(n)]
    size = max(p.shape[0] for p in parts)
    parts = [np.pad(p, ((0, size - p.shape[0]), (0, 0)), mode="edge") if p.shape[0] < size else p
             for p in parts]
    return np.hstack(parts)


def capacity(w: Word, text_h: float) -> int:
    """How many digits the word's box can hold (a digit is about half a font size wide;
    boxes are about BOX_PER_EM font sizes high): a thin "0" read "00" does not fit."""
    if text_h <= 0:
        return 99
    size = text_h / BOX_PER_EM
    return max(1, int((w.box[2] - w.box[0]) / (0.45 * size)))


def _ndigits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def reread_numbers(eng: Engine, img: np.ndarray, words: list[Word], text_h: float = 0.0) -> list[Word]:
    """Read unsure number boxes again, cut close to their ink; keep the better reading."""
    unsure = [i for i, w in enumerate(words)
              if _NUMBERISH.match(w.text) and (min(w.probs or (0.0,)) < REREAD_BELOW
                                               or not w.text.replace(",", "").replace(".", "").isdigit()
                                               or _ndigits(w.text) > capacity(w, text_h))]
    if not unsure:
        return words
    # a number is never upright text: its box (widened, or a lone digit) is read as it stands
    reads = eng.recognize([ink_crop(crop_quad(img, np.array(words[i].quad, dtype=np.float32), turn=False))
                           for i in unsure])
    out = list(words)
    for i, again in zip(unsure, reads):
        first = words[i]
        cands = [Reading(first.text, first.conf, first.probs, first.alts, first.alt_probs, first.xs), again]
        out[i] = _best_reading(first, cands, capacity(first, text_h))
    return out


INK_MARGIN = 0.3  # margin (share of the ink height) around the ink of a re-read number


def ink_crop(crop: np.ndarray) -> np.ndarray:
    """The crop cut down to its ink plus a small margin: a lone digit in a box with much
    paper around it reads as "。" or "o" far more often than cut close."""
    import cv2
    _, b = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    ys, xs = np.nonzero(b)
    if len(xs) == 0:
        return crop
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    m = int(round(INK_MARGIN * (y1 - y0)))
    return crop[max(y0 - m, 0):y1 + m, max(x0 - m, 0):x1 + m]


def _weakest(r: Reading) -> float:
    return min(r.probs) if r.probs else 0.0


def _value(text: str) -> Optional[str]:
    """The number a reading stands for: its digits, or the digits OCR letters stand for."""
    from .tokens import ocr_digits
    t = normalize_cell(text).replace(",", "")
    if t.replace(".", "", 1).isdigit():
        return t
    return ocr_digits(t)


def _digits(text: str) -> bool:
    t = text.replace(",", "").replace(".", "", 1)
    return bool(t) and t.isdigit()


AGREE_DOUBT = {1: 1.0, 2: 0.5, 3: 0.35}  # doubt kept when this many readings agree


def _best_reading(first: Word, cands: list[Reading], cap: int = 99) -> Word:
    """The best of several readings of one number box (digits that fit the box preferred,
    then the best weakest character). Readings that agree on the value shrink the doubt;
    a reading of another value caps the confidence at :data:`DISAGREE_CAP`."""
    fit = [r for r in cands if _ndigits(r.text) <= cap]
    if fit and len(fit) < len(cands):
        cands_ok = fit
    else:
        cands_ok = cands
    digit = [r for r in cands_ok if _value(r.text) is not None and _digits(normalize_cell(r.text))]
    best = max(digit or cands_ok, key=_weakest)
    value = _value(best.text)
    values = [_value(r.text) for r in cands]
    agree = sum(1 for v in values if value is not None and v == value)
    other = any(v is not None and v != value for v in values)  # no value: abstains
    c = _weakest(best)
    if other or value is None:
        c = min(c, DISAGREE_CAP)
    else:
        c = 1.0 - (1.0 - c) * AGREE_DOUBT.get(agree, 0.35)
    probs = tuple(min(p, c) if other or value is None else max(p, c) for p in best.probs)
    xs = best.xs if len(best.xs) == len(best.text) else ()
    if not xs:
        xs = tuple((k + 0.5) / max(len(best.text), 1) for k in range(len(best.text)))
    return Word(best.text, first.box, float(np.mean(probs)) if probs else 0.0, probs, best.alts,
                best.alt_probs, xs, first.quad)


# ------------------------------------------------------------------------- glyphs

def _wide(c: str) -> bool:
    return ord(c) > 0x2e7f


def word_glyphs(words: list[Word], scale: float) -> tuple[list[Glyph], list[float]]:
    """Glyphs (points) of the words, with each glyph's probability."""
    glyphs: list[Glyph] = []
    probs: list[float] = []
    flat = sorted(w.box[3] - w.box[1] for w in words if w.box[3] - w.box[1] < w.box[2] - w.box[0])
    body = flat[len(flat) // 2] / BOX_PER_EM if flat else 0.0  # the page's usual text height
    for lid, w in enumerate(words):
        x0, y0, x1, y1 = w.box
        bw, bh = x1 - x0, y1 - y0
        chars = list(w.text)
        if not chars:
            continue
        if bh >= 1.5 * bw and len(chars) > 1:  # characters stacked top to bottom
            _stacked(w, lid, scale, glyphs, probs)
            continue
        height = bh / BOX_PER_EM if bh < 1.5 * bw else bw / BOX_PER_EM
        # digits box lower than characters: a number is set in the text's size, not less
        height = max(height, 0.9 * body)
        size = height * scale
        cy = (y0 + y1) / 2 * scale
        xs = w.xs if len(w.xs) == len(chars) else tuple((k + 0.5) / len(chars) for k in range(len(chars)))
        centres = [x0 + f * bw for f in xs]
        chars = _close_digit_gaps(chars, centres, height)
        space = False
        for k, ch in enumerate(chars):
            if ch == "\0":  # a dropped space
                continue
            if ch.isspace():
                space = True
                continue
            # inside a word characters meet halfway (the recogniser marks real gaps with a
            # space); beside a space a character reaches no further than its own width
            reach = height * (0.9 if _wide(ch) else 0.6)
            # a dropped space leaves no gap: characters on both sides of it meet halfway
            i = k - 1 if k and chars[k - 1] != "\0" else k - 2
            j = k + 1 if k + 1 < len(chars) and chars[k + 1] != "\0" else k + 2
            before = chars[i] if i >= 0 else ""
            after = chars[j] if j < len(chars) else ""
            a = x0 if not before else (centres[k] + centres[i]) / 2 if not before.isspace() \
                else centres[k] - reach / 2
            b = x1 if not after else (centres[k] + centres[j]) / 2 if not after.isspace() \
                else centres[k] + reach / 2
            a, b = max(a, x0), min(b, x1)
            if b <= a:
                a, b = centres[k] - 0.5, centres[k] + 0.5
            glyphs.append(Glyph(a * scale, cy - size / 2, b * scale, cy + size / 2, ch, lid, size, True, space))
            probs.append(w.probs[k] if k < len(w.probs) else w.conf)
            space = False
    return glyphs, probs


def _close_digit_gaps(chars: list[str], centres: list[float], height: float) -> list[str]:
    """Spaces the recogniser saw between digits set in a CJK font's wide cells ("2 0 2 2
    年") are no gap between numbers: a space is dropped when the digits on both sides are
    closer than one character height (a space between two table values is wider)."""
    out = list(chars)
    for k in range(1, len(chars) - 1):
        if chars[k] == " " and chars[k - 1].isdigit() and (chars[k + 1].isdigit() or _wide(chars[k + 1])) \
                and centres[k + 1] - centres[k - 1] <= 1.1 * height:
            out[k] = ""
        elif chars[k] == " " and _wide(chars[k - 1]) and chars[k + 1].isdigit() \
                and centres[k + 1] - centres[k - 1] <= 1.3 * height:
            out[k] = ""
    return [c if c else "\0" for c in out]


def _stacked(w: Word, lid: int, scale: float, glyphs: list[Glyph], probs: list[float]) -> None:
    """A tall box read as stacked characters: one glyph per character, each its own line
    (as a PDF prints them), so that the layout joins them into a tall label."""
    x0, y0, x1, y1 = w.box
    keep = [k for k, c in enumerate(w.text) if not c.isspace()]
    step = (y1 - y0) / len(keep)
    size = min(x1 - x0, step) / 1.2 * scale
    cx = (x0 + x1) / 2 * scale
    along = w.xs if len(w.xs) == len(w.text) else tuple((k + 0.5) / len(w.text) for k in range(len(w.text)))
    for k in keep:
        ch = w.text[k]
        cy = (y0 + along[k] * (y1 - y0)) * scale
        glyphs.append(Glyph(cx - size / 2, cy - size / 2, cx + size / 2, cy + size / 2, ch,
                            100000 + lid * 100 + k, size, True, False))
        probs.append(w.probs[k] if k < len(w.probs) else w.conf)


# -------------------------------------------------------------------------- rules

def page_rule_drawings(img: np.ndarray, scale: float, text_height: float,
                       ink: Optional[np.ndarray] = None) -> list[dict]:
    """Printed rules of a page as line drawings (points), for the PDF layout.

    The inked image (adaptive threshold) is opened with a long horizontal and a long
    vertical kernel (longer than any character stroke); each remaining connected
    component is a rule segment. ``ink``: the page's :func:`ink_mask`, when already made.
    """
    import cv2
    if ink is None:
        ink = ink_mask(img)
    length = max(int(2.5 * text_height), 25)
    across = max(3, int(0.3 * text_height))  # parallel edges of one thick rule fuse
    out: list[dict] = []
    for horizontal in (True, False):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
        lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
        # bridge small breaks (noise, JPEG) along the rule
        bridge = cv2.getStructuringElement(cv2.MORPH_RECT, (9, across) if horizontal else (across, 9))
        lines = cv2.morphologyEx(lines, cv2.MORPH_CLOSE, bridge)
        n, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
        for x, y, w, h, area in stats[1:]:
            if horizontal and w >= length and h <= max(8, 0.7 * text_height):
                yc = (y + h / 2) * scale
                out.append(_line((x * scale, yc), ((x + w) * scale, yc)))
            elif not horizontal and h >= length and w <= max(8, 0.7 * text_height):
                xc = (x + w / 2) * scale
                out.append(_line((xc, y * scale), (xc, (y + h) * scale)))
    return out


def at_a_rule_end(w: Word, drawings: list[dict], scale: float) -> bool:
    """Is ``w`` a dash read over the end of a horizontal rule (:func:`page_rule_drawings`,
    points; ``w.box`` in pixels): the rule's own ink where it stops, not a printed blank?
    A blank mark stands inside its cell, clear of where the table's rules end."""
    if not w.text.strip() or not set(w.text.strip()) <= DASH_GLYPHS:
        return False
    x0, y0, x1, y1 = (v * scale for v in w.box)
    for d in drawings:
        (_, (px, py), (qx, qy)), = d["items"]
        if py == qy and y0 <= py <= y1 and (x0 < px < x1 or x0 < qx < x1):
            return True
    return False


def _line(p: tuple[float, float], q: tuple[float, float]) -> dict:
    return {"type": "s", "color": (0.0, 0.0, 0.0), "stroke_opacity": 1.0, "items": [("l", p, q)]}


# --------------------------------------------------------------------------- page

@dataclass
class Straighten:
    """How the source image was turned and straightened (for mapping boxes back)."""

    k: int  # np.rot90 turns applied
    w: int  # source width, height (pixels)
    h: int
    m_inv: Optional[np.ndarray]  # straightened → turned image (2×3), None without skew

    def back(self, pts: np.ndarray) -> np.ndarray:
        """Points of the straightened image → points of the source image."""
        p = _affine(pts, self.m_inv) if self.m_inv is not None else pts
        if self.k:
            tw, th = (self.h, self.w) if self.k % 2 else (self.w, self.h)
            p = _rot90_points(p, (4 - self.k) % 4, tw, th)
        return p


def read_page_image(img: np.ndarray, dpi: float,
                    to_source: Callable[[BBox], BBox] | None = None, upright: bool = False) -> OcrPage:
    """OCR one page image (grey uint8, or BGR) and lay it out into rows of cells.

    ``dpi`` relates pixels to points (the layout's tolerances are in points);
    ``to_source`` maps a box in source-image pixels to the space the cells' boxes should be
    in (for a PDF page: page points); by default boxes stay in source-image pixels.
    ``upright``: the image is known to stand upright (a picture on an upright PDF page),
    so no quarter turn is looked for: a table with many vertical headers can look turned.
    """
    from .readers.pdf import _layout  # the born-digital reader's layout, shared
    words, gray, straight, angle = page_words(img, upright)
    if not words:
        return OcrPage([], warnings=["no text found on the page image"])
    scale = 72.0 / dpi
    heights = sorted(w.box[3] - w.box[1] for w in words if w.box[3] - w.box[1] < w.box[2] - w.box[0])
    text_h = heights[len(heights) // 2] / BOX_PER_EM if heights else 20.0
    ink = ink_mask(gray)
    drawings = page_rule_drawings(gray, scale, text_h, ink)
    words = [w for w in words if not at_a_rule_end(w, drawings, scale)]
    glyphs, probs = word_glyphs(words, scale)
    hh, ww = gray.shape[:2]
    frame = Frame(0, ww * scale, hh * scale)
    items = _layout(glyphs, page_rules(drawings, frame), frame)
    inked = read_empty_cells(engine(), gray, ink, items, words, scale, text_h,
                             unsure_cells(items, glyphs, probs))
    rows = _rows(items, frame, glyphs, probs, straight, scale, to_source, inked)
    return OcrPage(rows, turn=straight.k, skew=angle if straight.m_inv is not None else 0.0,
                   words=len(words))


def page_words(img: np.ndarray, upright: bool = False) -> tuple[list[Word], np.ndarray, Straighten, float]:
    """Words of a page image, and the upright straightened grey image they are placed on,
    how it was made from the source, and the skew angle found (no quarter turn looked for
    when ``upright``)."""
    import cv2
    gray = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    eng = engine()
    h0, w0 = gray.shape[:2]
    quads = detect(eng, gray)
    if not quads:
        return [], gray, Straighten(0, w0, h0, None), 0.0
    k = 0 if upright else orientation(eng, gray, quads)
    if k:
        quads = [_order(_rot90_points(q, k, w0, h0)) for q in quads]
        gray = np.ascontiguousarray(np.rot90(gray, k))
    angle = skew_angle(quads)
    m_inv = None
    if abs(angle) >= MIN_SKEW:
        hh, ww = gray.shape[:2]
        m = cv2.getRotationMatrix2D((ww / 2, hh / 2), angle, 1.0)
        gray = cv2.warpAffine(gray, m, (ww, hh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        quads = [_order(_affine(q, m)) for q in quads]
        m_inv = cv2.invertAffineTransform(m)
    orphans = orphan_ink(gray, quads, text_height(quads))
    words = recognise(eng, gray, quads + orphans, first_orphan=len(quads))
    return words, gray, Straighten(k, w0, h0, m_inv), angle


def unsure_cells(items, glyphs: list[Glyph], probs: list[float]) -> frozenset[tuple[int, int]]:
    """(item, cell) indexes of the ruled tables' cells holding one unsure character that
    is no digit (:func:`extractor.cellink.unsure_glyph`), alone or at an end of digits
    ("0口": a speck or a rule read beside a digit, or a digit misread), in rows of at least
    two numbers."""
    from .tokens import ocr_digits, parse_number
    out = set()
    for i, it in enumerate(items):
        if it.kind != "table" or sum(parse_number(normalize_cell(c.raw).strip()) is not None
                                     for c in it.cells) < 2:
            continue
        for j, c in enumerate(it.cells):
            t = c.raw.strip()
            odd = t if len(t) == 1 else _odd_end(t)
            if odd and ocr_digits(t) is None and unsure_glyph(odd, _weakest_in(c.bbox, glyphs, probs)):
                out.add((i, j))
    return frozenset(out)


def _odd_end(text: str) -> str:
    """The one letter or character at either end of ``text``, when the rest is digits
    ("0口" → "口": read as printed it is a label, ending the row's values); else "".
    (Punctuation beside digits, "0°", is no token and leaves the number as it is.)"""
    for odd, rest in ((text[-1:], text[:-1]), (text[:1], text[1:])):
        if rest.isdigit() and odd.isalpha():
            return odd
    return ""


def _weakest_in(box: BBox, glyphs: list[Glyph], probs: list[float]) -> float:
    """The lowest probability of the glyphs whose centre lies in ``box`` (1.0: none)."""
    x0, y0, x1, y1 = box
    ps = [p for g, p in zip(glyphs, probs)
          if x0 - 1 <= (g.x0 + g.x1) / 2 <= x1 + 1 and y0 - 1 <= (g.y0 + g.y1) / 2 <= y1 + 1]
    return min(ps) if ps else 1.0


_DASH_READINGS = {"一", "一一", "ー", "一-", "-一"}


def _rows(items, frame: Frame, glyphs: list[Glyph], probs: list[float], straight: Straighten,
          scale: float, to_source, inked: Optional[dict[tuple[int, int], CellReading]] = None) -> list[OcrRow]:
    """Rows of cells of the page's items; ``inked`` holds what the empty cells with ink
    turned out to hold (:func:`extractor.cellink.read_empty_cells`)."""
    inked = inked or {}
    if glyphs:
        cx = np.array([(g.x0 + g.x1) / 2 for g in glyphs])
        cy = np.array([(g.y0 + g.y1) / 2 for g in glyphs])
        pr = np.array(probs)
    rows: list[OcrRow] = []

    def source_box(b: BBox) -> BBox:
        pts = np.array([[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]], dtype=np.float64) / scale
        p = straight.back(pts)
        box = (float(p[:, 0].min()), float(p[:, 1].min()), float(p[:, 0].max()), float(p[:, 1].max()))
        box = to_source(box) if to_source else box
        return tuple(round(v, 2) for v in box)  # type: ignore[return-value]

    for i, it in enumerate(items):
        cells = []
        for j, c in enumerate(it.cells):
            found = inked.get((i, j))
            if found is not None:
                cells.append(Cell(text=normalize_cell(found.text), raw=found.text, bbox=source_box(c.bbox),
                                  confidence=found.conf, unread=found.unread))
                continue
            conf = OCR_CEILING
            if c.raw.strip() and glyphs:
                x0, y0, x1, y1 = c.bbox
                m = (cx >= x0 - 1) & (cx <= x1 + 1) & (cy >= y0 - 1) & (cy <= y1 + 1)
                if m.any():
                    conf = min(float(pr[m].min()), OCR_CEILING)
            text = normalize_cell(c.raw)
            if text in _DASH_READINGS:
                text = "-"  # a printed blank mark ("—") read as the character 一
            cells.append(Cell(text=text, raw=c.raw, bbox=source_box(c.bbox), confidence=conf))
        if not any(c.text for c in cells):
            continue
        box = it.bbox or union(c.bbox for c in it.cells)
        key = it.furniture_key or (furniture_key(" ".join(c.text for c in cells))
                                   if in_margin(box, frame) else "")
        rows.append(OcrRow(cells, source_box(box), key))
    return rows
