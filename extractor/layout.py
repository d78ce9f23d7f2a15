"""Page layout for the PDF reader: glyphs, the reading frame, fragments and text rows.

Everything here works in a *reading frame*: the page coordinates (pymupdf's unrotated
space, y down) turned by a quarter-turn multiple so that the page's dominant text runs
left to right and lines follow top to bottom. Boxes go back to page space only when a
:class:`~extractor.model.Cell` is made (:meth:`Frame.to_page`).

A :class:`Glyph` is a run of non-space characters set tight together (:data:`RUN_GAP`) on
one line in one span, or a single character, with a compact box (baseline-based height of
one font size, so neighbouring lines never overlap); a :class:`Fragment` is the glyphs of
one pymupdf line (or the part of it inside one table cell); a :class:`Row` is fragments
on one visual line, cut into :class:`Segment` runs wherever a wide gap separates them.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from statistics import median_high
from typing import Iterable, NamedTuple, Sequence

from .mupdf import pymupdf, text_page

from .model import BBox
from .normalize import normalize_cell

# rawdict without images (decoding them is slow and we do not need them); page_text adds
# TEXT_COLLECT_VECTORS for the boxes of vector paths (ruling lines read in the same pass as
# the text: see grid.vector_rules)
TEXT_FLAGS = (pymupdf.TEXT_PRESERVE_LIGATURES | pymupdf.TEXT_PRESERVE_WHITESPACE
              | pymupdf.TEXT_MEDIABOX_CLIP)
AXIS_COS = math.cos(math.radians(10))  # lines within 10° of an axis count as straight
LEVEL_SIN = math.sin(math.radians(0.05))  # lines within this of level are read as runs of glyphs
# a line painted at most this opaque (alpha 0..255), or in a colour every channel of which is at
# least FAINT_RGB (light grey), and WATERMARK_SIZE times as large as the page's other lines is
# a watermark, not text of the page (a diagonal one is dropped as skewed text anyway)
FAINT_ALPHA = 128
FAINT_RGB = 160
WATERMARK_SIZE = 1.6
SEGMENT_GAP = 1.0  # a gap wider than this many font sizes starts a new segment
SPACE_GAP = 0.25  # a gap wider than this many font sizes becomes a space in the text
ROW_OVERLAP = 0.3  # fragments overlapping this share of the smaller height share a row
# characters of one span this close (pt) form one glyph: every gap that any step measures
# is wider (gaps are measured in font sizes, at least SPACE_GAP, or are over 0.5 pt)
RUN_GAP = 0.5
_X0 = itemgetter(0)  # Glyph.x0 as a sort key


class Glyph(NamedTuple):
    """Visible characters set tight together on one line (often one), box in the reading
    frame. Counts of characters are ``len(c)``, not of glyphs."""

    x0: float
    y0: float
    x1: float
    y1: float
    c: str
    line: int  # id of the pymupdf line it came from
    size: float
    straight: bool  # runs in the frame's reading direction (not vertical/rotated text)
    space: bool = False  # the source put a space character before it on its line


@dataclass(frozen=True)
class Frame:
    """Quarter-turn rotation from page space (w × h) into the reading frame."""

    turns: int  # 0..3; 1 maps text running up (dir 0,-1) to left-to-right
    w: float
    h: float
    # radians the text ran off level before its glyphs were turned level around the frame's
    # centre (a tilted scan's OCR layer, see extractor.level); boxes go back through it
    tilt: float = 0.0

    @property
    def width(self) -> float:
        return self.h if self.turns % 2 else self.w

    @property
    def height(self) -> float:
        return self.w if self.turns % 2 else self.h

    def point(self, x: float, y: float) -> tuple[float, float]:
        """Page point → frame point."""
        t = self.turns
        if t == 0:
            return x, y
        if t == 1:
            return self.h - y, x
        if t == 2:
            return self.w - x, self.h - y
        return y, self.w - x

    def point_back(self, x: float, y: float) -> tuple[float, float]:
        """Frame point → page point."""
        t = self.turns
        if t == 0:
            return x, y
        if t == 1:
            return y, self.h - x
        if t == 2:
            return self.w - x, self.h - y
        return self.w - y, x

    def rect(self, r: Sequence[float]) -> BBox:
        """Page rect → frame rect."""
        if self.turns == 0:
            return (r[0], r[1], r[2], r[3])
        return _norm(self.point(r[0], r[1]), self.point(r[2], r[3]))

    def to_page(self, r: Sequence[float], memo: dict[float, float] | None = None) -> BBox:
        """Frame rect → page rect, rounded to 0.01 pt.

        ``memo`` keeps rounded values for reuse (``round(v, 2)`` is slow and the cells of
        a table share their edges); zero is left out of it, as -0.0 would find 0.0."""
        if self.tilt:
            r = self._untilted(r)
        if self.turns == 0:
            x0, y0, x1, y1 = r[0], r[1], r[2], r[3]
            if x0 > x1:
                x0, x1 = x1, x0
            if y0 > y1:
                y0, y1 = y1, y0
        else:
            x0, y0, x1, y1 = _norm(self.point_back(r[0], r[1]), self.point_back(r[2], r[3]))
        if memo is None:
            return (round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2))
        get = memo.get
        a, b, c, d = get(x0), get(y0), get(x1), get(y1)
        if a is None:
            a = _rounded(x0, memo)
        if b is None:
            b = _rounded(y0, memo)
        if c is None:
            c = _rounded(x1, memo)
        if d is None:
            d = _rounded(y1, memo)
        return (a, b, c, d)

    def leveled_point(self, x: float, y: float, back: bool = False) -> tuple[float, float]:
        """A point of the frame as the text ran → the point turned level by :attr:`tilt`
        around the frame's centre (``back``: the other way)."""
        cx, cy = self.width / 2, self.height / 2
        a = -self.tilt if back else self.tilt
        cos, sin = math.cos(a), math.sin(a)
        dx, dy = x - cx, y - cy
        return cx + dx * cos + dy * sin, cy - dx * sin + dy * cos

    def _untilted(self, r: Sequence[float]) -> BBox:
        """A box of the level frame → the box around it in the frame as the text ran."""
        xs, ys = zip(*(self.leveled_point(x, y, back=True)
                       for x, y in ((r[0], r[1]), (r[2], r[1]), (r[0], r[3]), (r[2], r[3]))))
        return (min(xs), min(ys), max(xs), max(ys))


def _rounded(v: float, memo: dict[float, float]) -> float:
    rounded = round(v, 2)
    if v:
        memo[v] = rounded
    return rounded


@lru_cache(maxsize=4096)
def normalized(raw: str) -> str:
    """:func:`~extractor.normalize.normalize_cell`, remembered: cell texts such as "0" or ""
    recur on every page, and a segment's text is normalised again when it becomes a cell."""
    return normalize_cell(raw)


def _norm(a: tuple[float, float], b: tuple[float, float]) -> BBox:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))


def union(boxes: Iterable[Sequence[float]]) -> BBox:
    """Smallest box around ``boxes`` (which must not be empty)."""
    x0 = y0 = math.inf
    x1 = y1 = -math.inf
    for b in boxes:
        if b[0] < x0:
            x0 = b[0]
        if b[1] < y0:
            y0 = b[1]
        if b[2] > x1:
            x1 = b[2]
        if b[3] > y1:
            y1 = b[3]
    return (x0, y0, x1, y1)


# ----------------------------------------------------------------------------- glyphs

@dataclass
class PageText:
    """The text layer of one page in the reading frame."""

    frame: Frame
    glyphs: list[Glyph]
    skewed: int = 0  # glyphs dropped because their line is neither horizontal nor vertical
    bad: int = 0  # undecodable characters (U+FFFD, private use, control characters)
    chars: int = 0  # characters of the glyphs
    hidden: int = 0  # characters of the lines painted invisibly (text render mode 3: an OCR layer)
    # vector blocks (page space, see grid.vector_rules); None: not collected
    vectors: list[dict] | None = None
    # (radians, characters) of the lines that run a little off level, down to the right
    # positive (an upright page's only)
    tilted: list[tuple[float, int]] = field(default_factory=list)


def _axis(d: Sequence[float]) -> int | None:
    """Direction (1,0)→0, (0,-1)→1, (-1,0)→2, (0,1)→3 (the frame turns it needs)."""
    dx, dy = d
    if dx >= AXIS_COS:
        return 0
    if dy <= -AXIS_COS:
        return 1
    if dx <= -AXIS_COS:
        return 2
    if dy >= AXIS_COS:
        return 3
    return None


# undecodable or control characters: a sign of a broken text layer
_BAD = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd\ue000-\uf8ff\U000f0000-\U0010ffff]")


def page_text(page: pymupdf.Page, vectors: bool = True) -> PageText:
    """Glyphs of ``page`` in the reading frame chosen from its dominant text direction, and
    (``vectors``) the boxes of its vector paths.

    Horizontal lines get their glyphs for an upright frame at once (the common case); if
    another frame wins, all lines are laid out again in it."""
    flags = TEXT_FLAGS | pymupdf.TEXT_COLLECT_VECTORS if vectors else TEXT_FLAGS
    blocks, width, height = text_page(page, flags, page.rotation)
    lines: list[tuple[int, dict, list[Glyph] | None] | None] = []
    weight = [0, 0, 0, 0]
    skewed = hidden = 0
    tilted: list[tuple[float, int]] = []
    faint: list[int] = []  # lines painted light or see-through
    seen: dict[str, tuple[list[float], list[float]]] = {}
    boxes: list[dict] = []
    for block in blocks:
        if block["type"] == 3:
            boxes.append(block)
            continue
        for line in block.get("lines", ()):
            axis = _axis(line["dir"])
            if axis is None:
                skewed += sum([len(s["chars"]) for s in line["spans"]])
                continue
            dy = line["dir"][1]
            if axis == 0 and -LEVEL_SIN < dy < LEVEL_SIN:
                flat: list[Glyph] | None = []
                text = _flat_glyphs(line, len(lines), flat)
            else:  # turned, or tilted a little (a scan's OCR layer): character by character
                flat = None
                text = _line_text(line)
            n = len(text)  # each char is one character
            if n and _painted_twice(line, text, seen):
                continue
            weight[axis] += n
            span = line["spans"][0]
            if not span["alpha"]:
                hidden += n
            elif span["alpha"] < FAINT_ALPHA or (span["color"] & 0x808080) == 0x808080 and _light(span["color"]):
                faint.append(len(lines))
            if axis == 0 and flat is None:
                tilted.append((math.asin(dy), n))
            lines.append((axis, line, flat))
    if faint:
        _drop_watermarks(lines, faint, weight)
    turns = max(range(4), key=lambda k: weight[k]) if any(weight) else 0
    frame = Frame(turns, width, height)
    glyphs: list[Glyph] = []
    for lid, entry in enumerate(lines):
        if entry is None:  # a watermark's
            continue
        axis, line, flat = entry
        if flat is not None and turns == 0:
            glyphs += flat
        else:
            _line_glyphs(line, lid, axis == turns, frame, glyphs)
    text = "".join([g.c for g in glyphs])
    return PageText(frame, glyphs, skewed, len(_BAD.findall(text)), len(text), hidden,
                    boxes if vectors else None, tilted if turns == 0 else [])


def _light(color: int) -> bool:
    """A packed sRGB colour (0xRRGGBB) every channel of which is at least :data:`FAINT_RGB`."""
    return min(color >> 16, color >> 8 & 255, color & 255) >= FAINT_RGB


def _drop_watermarks(lines: list, faint: list[int], weight: list[int]) -> None:
    """Faint lines (``faint``: their indexes in ``lines``) set :data:`WATERMARK_SIZE` times as
    large as the page's other lines (their median size) are a watermark over the page: their
    entries become None (the indexes of the others stay their glyphs' line ids) and their
    characters leave the direction ``weight``."""
    drop = set(faint)
    sizes = [_line_size(e[1]) for i, e in enumerate(lines) if i not in drop]
    if not sizes:
        return  # nothing but faint text: the page's own
    big = WATERMARK_SIZE * median_high(sizes)
    for i in faint:
        axis, line, _ = lines[i]
        if _line_size(line) >= big:
            weight[axis] -= len(_line_text(line))
            lines[i] = None


def _line_size(line: dict) -> float:
    return max(s["size"] for s in line["spans"])


def _line_text(line: dict) -> str:
    return "".join([ch["c"] for s in line["spans"] for ch in s["chars"]])


def _painted_twice(line: dict, text: str, seen: dict[str, tuple[list[float], list[float]]]) -> bool:
    """A line (all of whose characters make ``text``) repeating an earlier one at (almost)
    the same place: fake bold or shadow.

    ``seen`` holds, per text, the places (y and x lists, by y) of the lines kept so far; a
    text such as "0" recurs all over a table, so only the places near in y are compared."""
    x, y = line["bbox"][:2]
    places = seen.get(text)
    if places is None:  # a text not seen before
        seen[text] = ([y], [x]) if x == x and y == y else ([], [])
        return False
    ys, xs = places
    spans = line["spans"]
    tol = 0.3 * (spans[0]["size"] if len(spans) == 1 else max([s["size"] for s in spans], default=1.0))
    lo, hi = bisect_left(ys, y - 2 * tol), bisect_right(ys, y + 2 * tol)  # a wider window
    for k in range(lo, hi):
        if abs(x - xs[k]) < tol and abs(y - ys[k]) < tol:
            return True
    if x == x and y == y:  # a place with NaN in it matches nothing
        k = bisect_right(ys, y)
        ys.insert(k, y)
        xs.insert(k, x)
    return False


def _flat_glyphs(line: dict, lid: int, out: list[Glyph]) -> str:
    """:func:`_line_glyphs` for the common case: horizontal text on an upright page, where
    characters set tight together (:data:`RUN_GAP`) in one span make one glyph.
    Returns the text of all the line's characters (spaces and repeats too)."""
    pc, px = "", -1e9
    space = False
    append = out.append
    new = tuple.__new__  # Glyph(...) without the namedtuple's Python-level __new__
    texts: list[str] = []
    add = texts.append
    gap = RUN_GAP
    for span in line["spans"]:
        size = span["size"] or 1.0
        base = span["origin"][1]
        top, bottom, twin = base - 0.8 * size, base + 0.2 * size, 0.3 * size
        start = None  # the glyph being built (it ends with its span): start, end, text, lead
        for ch in span["chars"]:
            c = ch["c"]
            add(c)
            if not c or c.isspace():
                space = bool(pc)
                continue
            x0, _, x1, _ = ch["bbox"]
            if c == pc and abs(x0 - px) < twin:
                continue  # fake bold: the same glyph painted twice, slightly offset
            pc, px = c, x0
            if start is not None:
                if not space and -twin < x0 - end <= gap:
                    text += c
                    if x1 > end:
                        end = x1
                    continue
                append(new(Glyph, (start, top, end, bottom, text, lid, size, True, lead)))
            start, end, text, lead = x0, x1, c, space
            space = False
        if start is not None:
            append(new(Glyph, (start, top, end, bottom, text, lid, size, True, lead)))
    return "".join(texts)


def _line_glyphs(line: dict, lid: int, straight: bool, frame: Frame, out: list[Glyph]) -> None:
    """Append the visible glyphs of one rawdict line (boxes in the reading frame)."""
    prev: tuple[str, float, float] | None = None
    space = False
    for span in line["spans"]:
        size = span["size"] or 1.0
        for ch in span["chars"]:
            c = ch["c"]
            if not c or c.isspace():
                space = prev is not None
                continue
            ox, oy = ch["origin"]
            if prev and prev[0] == c and abs(prev[1] - ox) + abs(prev[2] - oy) < 0.3 * size:
                continue  # fake bold: the same glyph painted twice, slightly offset
            prev = (c, ox, oy)
            x0, y0, x1, y1 = frame.rect(ch["bbox"])
            if straight:  # compact height: one font size around the baseline
                base = frame.point(ox, oy)[1]
                y0, y1 = base - 0.8 * size, base + 0.2 * size
            out.append(Glyph(x0, y0, x1, y1, c, lid, size, straight, space))
            space = False


# -------------------------------------------------------------------------- fragments

@dataclass
class Fragment:
    """Glyphs of one source line (in reading order) with their box."""

    glyphs: list[Glyph]
    bbox: BBox
    straight: bool

    @property
    def size(self) -> float:
        size = self.glyphs[0].size  # max() of the glyph sizes, without a generator
        for g in self.glyphs:
            if g.size > size:
                size = g.size
        return size


def fragments(glyphs: Iterable[Glyph]) -> list[Fragment]:
    """Group glyphs by source line; straight lines are sorted left to right."""
    if isinstance(glyphs, list) and len(glyphs) == 1:  # most table cells: one number
        g = glyphs[0]
        return [Fragment([g], (g[0], g[1], g[2], g[3]), g.straight)]
    by_line: dict[int, list[Glyph]] = {}
    line: int | None = None
    gs: list[Glyph] = []
    for g in glyphs:  # a line's glyphs mostly come together
        if g.line != line:
            line = g.line
            gs = by_line.get(line)
            if gs is None:
                gs = by_line[line] = []
        gs.append(g)
    out: list[Fragment] = []
    for gs in by_line.values():
        straight = gs[0].straight
        if straight:
            gs.sort(key=_X0)
        out.append(Fragment(gs, union(gs), straight))
    return out


def cell_text(rows: Sequence[Sequence[Fragment]]) -> str:
    """Raw text of visual rows of fragments (each left to right), joined as one cell.

    On a row a wide gap becomes a space; between rows (a wrapped cell, or characters
    stacked one per line) nothing is inserted unless both sides are Latin letters/digits.
    """
    parts: list[str] = []
    append = parts.append
    for i, row in enumerate(rows):
        prev: Glyph | None = None
        for f in row:
            for g in f.glyphs:
                if prev is not None:
                    if (g.space and g.line == prev.line) or (
                            prev.straight and g.straight and g.x0 - prev.x1 > SPACE_GAP * (
                                g.size if g.size > prev.size else prev.size)):
                        append(" ")
                elif i and parts and _wordish(parts[-1][-1]) and _wordish(g.c[0]):
                    append(" ")
                append(g.c)
                prev = g
    return "".join(parts)


def _wordish(c: str) -> bool:
    return len(c) == 1 and c.isascii() and c.isalnum()


# -------------------------------------------------------------------------------- rows

class _cached:
    """A value computed on first use and kept in the instance dict: what
    ``functools.cached_property`` does, without its lock (reader objects stay in one
    thread), which made it cost more than many of the values it holds."""

    def __init__(self, fn):
        self.fn = fn
        self.name = fn.__name__
        self.__doc__ = fn.__doc__

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


@dataclass
class Segment:
    """A run of fragments on one row with no wide gap inside.

    A *tall* segment is a label written top to bottom (vertical text, or characters
    stacked one per line) that stands for the rows beside it; ``joined`` then holds its
    text, since its fragments are not on one row.
    """

    frags: list[Fragment]
    bbox: BBox
    joined: str | None = None
    tall: bool = False

    @_cached
    def raw(self) -> str:
        return self.joined if self.joined is not None else cell_text([self.frags])

    @_cached
    def text(self) -> str:
        return normalized(self.raw)


@dataclass
class Row:
    """Fragments on one visual line, cut into segments."""

    segments: list[Segment]
    bbox: BBox
    size: float = 0.0

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)


def order_fragments(frags: Sequence[Fragment]) -> list[list[Fragment]]:
    """Fragments grouped into visual rows (top to bottom), each row left to right.

    A straight fragment joins the current row when it overlaps the row's height by
    :data:`ROW_OVERLAP` of the smaller height; rotated or vertical fragments stand alone.
    """
    return visual_rows(frags, lambda f, row: f.straight and row[0].straight)


def make_row(frags: list[Fragment], gap: float = SEGMENT_GAP) -> Row:
    """One visual row (fragments left to right) cut into segments at wide gaps."""
    segs: list[Segment] = []
    cur: list[Fragment] = []
    right: Glyph | None = None  # the glyph of cur[:seen] furthest right (first of equals)
    seen = 0
    for f in frags:
        if f.straight and cur and cur[-1].straight:
            for x in cur[seen:]:
                for g in x.glyphs:
                    if right is None or g.x1 > right.x1:
                        right = g
            seen = len(cur)
            g_next = f.glyphs[0]
            a, b = right.size, g_next.size
            if g_next.x0 - right.x1 > gap * (b if b > a else a):  # max(a, b)
                segs.append(Segment(cur, union([x.bbox for x in cur])))
                cur, right, seen = [], None, 0
        elif cur:
            segs.append(Segment(cur, union([x.bbox for x in cur])))
            cur, right, seen = [], None, 0
        cur.append(f)
    if cur:
        segs.append(Segment(cur, union([x.bbox for x in cur])))
    segs = [s2 for s in segs for s2 in _split_segment(s, gap)]
    return Row(segs, union([s.bbox for s in segs]), max([f.size for f in frags]))


def _split_segment(seg: Segment, gap: float) -> list[Segment]:
    """Cut a segment whose own line holds a wide gap (cells typeset in one text line)."""
    if len(seg.frags) != 1 or not seg.frags[0].straight:
        return [seg]
    gs = seg.frags[0].glyphs
    cuts: list[int] = []
    prev = gs[0]
    for i in range(1, len(gs)):
        g = gs[i]
        a, b = g.size, prev.size
        if g.x0 - prev.x1 > gap * (b if b > a else a):  # max(a, b)
            cuts.append(i)
        prev = g
    if not cuts:
        return [seg]
    out: list[Segment] = []
    for a, b in zip([0] + cuts, cuts + [len(gs)]):
        part = gs[a:b]
        box = union(part)
        out.append(Segment([Fragment(part, box, True)], box))
    return out


def may_split(frags: Sequence[Fragment]) -> bool:
    """Cheap test: could this visual row (fragments left to right) hold two segments?"""
    if len(frags) > 1:
        return True
    gs = frags[0].glyphs
    ink = sum(g.x1 - g.x0 for g in gs)
    return frags[0].bbox[2] - frags[0].bbox[0] - ink > SEGMENT_GAP * frags[0].size


def lines_text(lines: Sequence[Sequence[Fragment]]) -> str:
    """Raw text of a cell's visual rows; side-by-side blocks are read one after the other
    (see :func:`blocks_text`)."""
    if len(lines) >= 2 and _several_blocks([f.bbox for x in lines for f in x]):
        return blocks_text([s for x in lines for s in make_row(list(x)).segments])
    return cell_text(lines)


def _several_blocks(boxes: list[BBox]) -> bool:
    """Do the x-extents of ``boxes`` fall apart into two or more separate blocks?"""
    spans = sorted((b[0], b[2]) for b in boxes)
    end = spans[0][1]
    for a, b in spans[1:]:
        if a > end:
            return True
        end = max(end, b)
    return False


def blocks_text(segs: Sequence[Segment]) -> str:
    """Text of segments forming one cell, block by block.

    Segments whose x-extents overlap (directly or through others) form a block — a
    wrapped label, say, beside the group label printed at its left. Blocks are read left
    to right, each top to bottom. When some block has no line of two characters or more
    (letter-spaced single characters), the plain row-by-row order is kept.
    """
    if len(segs) < 2:
        return segs[0].raw if segs else ""
    blocks: list[list[Segment]] = []
    end = -math.inf
    for s in sorted(segs, key=lambda s: s.bbox[0]):
        if blocks and s.bbox[0] < end:
            blocks[-1].append(s)
            end = max(end, s.bbox[2])
        else:
            blocks.append([s])
            end = s.bbox[2]
    if len(blocks) < 2 or any(max(_char_count(s) for s in b) < 2 for b in blocks) \
            or _numbering_beside(blocks[0], blocks[1]):
        return _rows_text(segs)
    return " ".join(_rows_text(b) for b in blocks)


# an item's number standing alone ("6.", "6 .", "6、"; OCR may space the dot, or drop it)
ITEM_NUMBER = re.compile(r"^\d{1,2}\s*[.、．]?$")


def _numbering_beside(left: list[Segment], right: list[Segment]) -> bool:
    """Is the left block's top line an item's number level with the right block's top line:
    "6." set apart from its label, the label wrapped back under the number ("6. 属于四类过程性信"
    over "息")? Then the cell reads line by line, not block by block."""
    top, other = min(left, key=_top), min(right, key=_top)
    if not ITEM_NUMBER.match(top.raw.strip()):
        return False
    return min(top.bbox[3], other.bbox[3]) - max(top.bbox[1], other.bbox[1]) >= \
        ROW_OVERLAP * min(top.bbox[3] - top.bbox[1], other.bbox[3] - other.bbox[1])


def _top(s: Segment) -> float:
    return s.bbox[1]


def _char_count(s: Segment) -> int:
    return sum(len(g.c) for f in s.frags for g in f.glyphs)


def _rows_text(segs: Sequence[Segment]) -> str:
    """Segments read row by row (top to bottom, left to right)."""
    if len(segs) == 1:
        return segs[0].raw
    parts: list[str] = []
    for row in order_segments(segs):
        text = " ".join(s.raw for s in row)
        if parts and _wordish(parts[-1][-1:]) and _wordish(text[:1]):
            parts.append(" ")
        parts.append(text)
    return "".join(parts)


def order_segments(segs: Sequence[Segment]) -> list[list[Segment]]:
    """Segments grouped into visual rows (as :func:`order_fragments` does fragments)."""
    return visual_rows(segs, lambda s, row: not s.tall)


def visual_rows(items: Sequence, joins) -> list[list]:
    """Boxed items grouped into rows, top to bottom, each left to right: an item joins the
    current row when ``joins(item, row)`` allows it and it overlaps the row's height by
    :data:`ROW_OVERLAP` of the smaller height."""
    if len(items) == 1:  # most table cells
        return [[items[0]]]
    ordered = sorted(items, key=lambda it: (it.bbox[1] + it.bbox[3]) / 2)
    rows: list[list] = []
    top = bottom = 0.0
    for it in ordered:
        y0, y1 = it.bbox[1], it.bbox[3]
        if rows and joins(it, rows[-1]) and \
                min(bottom, y1) - max(top, y0) >= ROW_OVERLAP * min(bottom - top, y1 - y0):
            rows[-1].append(it)
            top, bottom = min(top, y0), max(bottom, y1)
            continue
        rows.append([it])
        top, bottom = y0, y1
    for r in rows:
        r.sort(key=lambda it: it.bbox[0])
        if len(r) > 1:
            _stacked_top_first(r)
    return rows


ALIGNED = 0.5  # left edges closer than this share of the lower line height are one edge


def _stacked_top_first(row: list) -> None:
    """Items of one row (left to right) that stand one above the other from one left edge,
    the lines of a wrapped cell beside values centred on them, are read top to bottom
    (on a scan the second line's edge may fall a pixel further left than the first's)."""
    for i in range(1, len(row)):
        j = i
        while j and _above(row[j], row[j - 1]):
            row[j - 1], row[j] = row[j], row[j - 1]
            j -= 1


def _above(a, b) -> bool:
    """Does ``a`` stand right above ``b``, from the same left edge (:data:`ALIGNED`)?"""
    (ax0, ay0, _, ay1), (bx0, by0, _, by1) = a.bbox, b.bbox
    return ay1 <= by0 and abs(ax0 - bx0) <= ALIGNED * min(ay1 - ay0, by1 - by0)


def text_rows(glyphs: Iterable[Glyph]) -> list[Row]:
    """Glyphs outside tables → visual rows in reading order."""
    return [make_row(r) for r in order_fragments(fragments(glyphs))]


# --------------------------------------------------------------------------- furniture

MARGIN = 0.09  # top and bottom share of the page where headers and footers live


def in_margin(box: Sequence[float], frame: Frame) -> bool:
    """Box lies wholly in the top or bottom margin band of the page."""
    band = MARGIN * frame.height
    return box[3] <= band or box[1] >= frame.height - band


def furniture_key(text: str) -> str:
    """Key under which a running header or footer repeats (digits folded)."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", normalized(text)))
