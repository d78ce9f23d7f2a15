"""Ruled table grids: ruling lines from vector drawings → lattices → rows of cells.

1. :func:`page_rules` turns the page's drawings into horizontal and vertical rules in
   the reading frame: stroked lines, the edges of stroked rectangles, and thin filled
   rectangles (many producers paint borders that way). Invisible (white or transparent)
   paint and large filled areas (cell shading) are ignored.
2. :func:`find_lattices` joins rules that touch into connected groups; a group with at
   least two rules each way is a table. Its column and row positions are the clustered
   rule positions; a missing rule between two elementary cells merges them.
3. Where rules are missing inside a table (a bare frame, only horizontal or only
   vertical rules) :func:`add_virtual_rules` adds rules from the text: a grid row
   holding several lines of values is cut into rows (:func:`row_cuts`: tight lines
   stay together, row numbering and value lines start rows), and a grid column whose
   value lines fall into columns separated by clear gaps is cut into columns.
4. :func:`lattice_rows` assigns glyphs to cells by their centres and returns one list of
   :class:`TableCell` per elementary row, one per grid column; a merged cell gives its
   text at its top-left position and empty cells (with the merged box) elsewhere.
"""

from __future__ import annotations

import re
from statistics import median_high
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Callable, Iterable, Iterator, NamedTuple, Sequence

from .layout import (ITEM_NUMBER, Fragment, Frame, Glyph, Row, Segment, fragments, lines_text,
                     make_row, may_split, order_fragments, text_rows, union)
from .model import BBox
from .normalize import is_cjk

POS_TOL = 3.0  # rules this close (pt) are the same grid line
JOIN_TOL = 3.0  # a rule ending this close to another one touches it
THIN = 3.0  # a filled rectangle this thin (pt) is a rule
MIN_RULE = 4.0  # shorter rules are ignored (ticks, bullets)
MAX_RULES = 3000  # beyond this many rules a page is a drawing, not a table
COVER = 0.5  # a rule covering this share of a cell side is that side's border
TIGHT_GAP = 0.6  # lines closer than this many font sizes belong to one table row

_NUMERIC = re.compile(
    r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(?:%|万元|亿元|元|件|个|项|条|次|人|家)?$"
    r"|^(?:-{1,3}|/|—{1,2}|无|\*)$")
# row numbering at the start of a label: 一、 二. （三） (3) 4. 5、 ①
NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]{1,3}[)）]"
                       r"|\d{1,2}[.、](?!\d)|[①-⑳])")


_A = itemgetter(1)  # Rule.a as a sort key


class Rule(NamedTuple):
    """An axis-aligned rule: ``pos`` is y (horizontal) or x (vertical); a..b its extent."""

    pos: float
    a: float
    b: float


@lru_cache(maxsize=4096)
def is_numeric(text: str) -> bool:
    """A table value: a number (with an optional unit) or a printed blank mark.
    (Remembered: the same segment texts are asked about again and again.)"""
    return bool(_NUMERIC.match(text))


# ----------------------------------------------------------------------------- rules

Segment4 = tuple[float, float, float, float]  # x0, y0, x1, y1 of a line segment
Axis3 = tuple[float, float, float]  # pos, a, b of an axis-aligned rule, not merged yet


def _visible(color: Sequence[float] | None, opacity: float | None) -> bool:
    if color is None or (opacity is not None and opacity <= 0.05):
        return False
    for c in color:  # all components light: white paint on white paper
        if not c >= 0.93:
            return True
    return False


def page_rules(drawings: Iterable[dict], frame: Frame) -> tuple[list[Rule], list[Rule]]:
    """Horizontal and vertical rules (merged, in the reading frame) of a page's drawings."""
    return _axis_rules(_drawing_segments(drawings), frame)


def _drawing_segments(drawings: Iterable[dict]) -> Iterator[Segment4]:
    for d in drawings:
        typ = d.get("type") or ""
        stroke = "s" in typ and _visible(d.get("color"), d.get("stroke_opacity"))
        fill = "f" in typ and _visible(d.get("fill"), d.get("fill_opacity"))
        if stroke or fill:
            yield from _path_segments(d, stroke)


def vector_rules(vectors: Iterable[dict], frame: Frame,
                 outlines: Callable[[], bool] | None = None) -> tuple[list[Rule], list[Rule]] | None:
    """:func:`page_rules` from the text page's vector blocks (``TEXT_COLLECT_VECTORS``):
    the box of each painted path, or of each rectangle of a path of rectangles.

    Filled thin rectangles are rules, as in the drawings. A stroked path whose box is thin
    is a line; its box reaches past the line's ends and sides by the pen's reach (half the
    box's thickness), taken off. A stroked path with a wide box may be a rectangle's
    outline, an open path (three sides of a box) or a curve, which the box does not tell
    apart: unless ``outlines()`` (asked once, at the first such path) says the page draws
    no open paths that could pass for one, in which case it gives the box's four sides
    (see :func:`_outline_sides`), the answer is None and the caller reads the page's
    drawings."""
    segs: list[Segment4] = []
    boxes: list[tuple[float, float, float, float]] = []  # stroked rectangles' boxes
    outlines_only: bool | None = None  # outlines(), once asked
    reaches: list[float] = []  # of stroked lines' pens
    for v in vectors:
        x0, y0, x1, y1 = v["bbox"]
        w, h = x1 - x0, y1 - y0
        if v["stroked"]:
            if not v["isrect"]:
                return None
            if min(w, h) > THIN:
                if outlines_only is None:
                    outlines_only = outlines is not None and outlines()
                if not outlines_only:
                    return None
                if _visible_rgb(v["color"], v["alpha"]):
                    boxes.append((x0, y0, x1, y1))
            elif _visible_rgb(v["color"], v["alpha"]):
                t = min(w, h) / 2
                reaches.append(t)
                if w >= h:
                    segs.append((x0 + t, (y0 + y1) / 2, x1 - t, (y0 + y1) / 2))
                else:
                    segs.append(((x0 + x1) / 2, y0 + t, (x0 + x1) / 2, y1 - t))
        elif v["isrect"] and _thin(v["bbox"]) and _visible_rgb(v["color"], v["alpha"]):
            segs.append(_rect_axis(v["bbox"]))
    if not boxes:
        return _axis_rules(segs, frame)
    hs, vs = _outline_sides(boxes, reaches)
    if frame.turns:  # as segments, to be turned into the frame
        segs += [(a, pos, b, pos) for pos, a, b in hs] + [(pos, a, pos, b) for pos, a, b in vs]
        hs, vs = [], []
    return _axis_rules(segs, frame, hs, vs)


def _outline_sides(boxes: list[tuple[float, float, float, float]],
                   reaches: list[float]) -> tuple[list[Axis3], list[Axis3]]:
    """The sides of stroked rectangles, from their boxes: horizontal and vertical rules as
    (pos, a, b), page space.

    MuPDF's box of a stroked path reaches past the path by the pen's width, which the box
    alone does not give. Cells drawn as rectangles side by side (boxes of one band: the
    same top and bottom, or left and right) share their sides, so the boxes of such
    neighbours overlap by twice that reach: the reach is half their median overlap.
    Without such neighbours (a frame; cells set apart) it is the median reach of the page's
    stroked lines (``reaches``), or none: sides then lie a pen's width outside the true
    ones, and two cells' sides set apart by less than two pens' widths make one rule, as
    the drawings' sides would. A box flat once the reach is off is one rule."""
    overlaps: list[float] = []
    for lo, hi, a, b in ((0, 2, 1, 3), (1, 3, 0, 2)):  # along rows, then along columns
        bands: dict[tuple[float, float], list[tuple[float, float]]] = {}
        for box in boxes:
            bands.setdefault((box[a], box[b]), []).append((box[lo], box[hi]))
        for band in bands.values():
            band.sort()
            for (_, end), (start, _) in zip(band, band[1:]):
                if 0 < end - start <= 2 * THIN:
                    overlaps.append(end - start)
    reach = median_high(overlaps) / 2 if overlaps else median_high(reaches or [0.0])
    hs: list[Axis3] = []
    vs: list[Axis3] = []
    for x0, y0, x1, y1 in boxes:
        x0, y0, x1, y1 = x0 + reach, y0 + reach, x1 - reach, y1 - reach
        if y1 - y0 <= THIN:
            hs.append(((y0 + y1) / 2, x0, x1))
        elif x1 - x0 <= THIN:
            vs.append(((x0 + x1) / 2, y0, y1))
        else:
            hs += ((y0, x0, x1), (y1, x0, x1))
            vs += ((x0, y0, y1), (x1, y0, y1))
    return hs, vs


def _visible_rgb(color: int, alpha: int) -> bool:
    """:func:`_visible` for a packed sRGB colour (0xRRGGBB) and an alpha of 0..255."""
    return _visible(((color >> 16) / 255, (color >> 8 & 255) / 255, (color & 255) / 255), alpha / 255)


def _axis_rules(segments: Iterable[Segment4], frame: Frame, hs: list[Axis3] | None = None,
                vs: list[Axis3] | None = None) -> tuple[list[Rule], list[Rule]]:
    """The axis-aligned segments (page space) as merged rules in the reading frame, with the
    horizontal and vertical rules ``hs`` and ``vs`` known already (in an upright frame)."""
    hs = hs if hs is not None else []  # (pos, a, b): merge_rules makes the Rules
    vs = vs if vs is not None else []
    point = frame.point if frame.turns else None
    for px, py, qx, qy in segments:
        if point is not None:
            (px, py), (qx, qy) = point(px, py), point(qx, qy)
        # keep axis-aligned segments (dotted rules come as many short ones: merged later)
        dx, dy = abs(px - qx), abs(py - qy)
        if dy <= 1.0 and dx > 0.2:  # min(px, qx), max(px, qx)
            hs.append(((py + qy) / 2, qx if qx < px else px, qx if qx > px else px))
        elif dx <= 1.0 and dy > 0.2:
            vs.append(((px + qx) / 2, qy if qy < py else py, qy if qy > py else py))
        if len(hs) + len(vs) > 20 * MAX_RULES:
            break
    return _long(merge_rules(hs)), _long(merge_rules(vs))


def _long(rules: list[Rule]) -> list[Rule]:
    return [r for r in rules if r[2] - r[1] >= MIN_RULE]  # r.b - r.a


def _path_segments(d: dict, stroke: bool) -> list[Segment4]:
    """Segments a path paints as lines (page space), in path order."""
    rect = d.get("rect")
    out: list[Segment4] = []
    if not stroke:  # filled only: a thin path is a rule, anything else is shading
        if rect is not None and _thin(rect) and len(d["items"]) <= 2:
            return [_rect_axis(rect)]
        for it in d["items"]:
            if it[0] == "re" and _thin(it[1]):
                out.append(_rect_axis(it[1]))
        return out
    for it in d["items"]:
        kind = it[0]
        if kind == "l":
            (px, py), (qx, qy) = it[1], it[2]
            out.append((px, py, qx, qy))
        elif kind == "re" or kind == "qu":
            r = it[1] if kind == "re" else _quad_rect(it[1])
            if r is None:
                continue
            if _thin(r):
                out.append(_rect_axis(r))
            else:
                x0, y0, x1, y1 = r
                out += ((x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1))
    return out


def _quad_rect(q: Sequence) -> tuple[float, float, float, float] | None:
    pts = [tuple(p) for p in q]
    xs = sorted({round(p[0], 1) for p in pts})
    ys = sorted({round(p[1], 1) for p in pts})
    if len(xs) > 2 or len(ys) > 2:
        return None  # not axis-aligned
    return (xs[0], ys[0], xs[-1], ys[-1])


def _thin(r: Sequence[float]) -> bool:
    w, h = abs(r[2] - r[0]), abs(r[3] - r[1])
    return (h if h < w else w) <= THIN and (h if h > w else w) >= MIN_RULE  # min, max


def _rect_axis(r: Sequence[float]) -> Segment4:
    """The centre line of a thin rectangle along its long side."""
    x0, y0, x1, y1 = min(r[0], r[2]), min(r[1], r[3]), max(r[0], r[2]), max(r[1], r[3])
    if x1 - x0 >= y1 - y0:
        return (x0, (y0 + y1) / 2, x1, (y0 + y1) / 2)
    return ((x0 + x1) / 2, y0, (x0 + x1) / 2, y1)


def merge_rules(rules: Sequence[tuple[float, float, float]], tol: float = 1.5, gap: float = 2.0) -> list[Rule]:
    """Collinear rules (Rules, or (pos, a, b) tuples) that overlap or nearly touch become one rule."""
    out: list[Rule] = []
    new = tuple.__new__
    rules = sorted(rules)
    n = len(rules)
    i = 0
    while i < n:  # (r[0], r[1], r[2] are r.pos, r.a, r.b)
        j = i
        top = rules[i][0]
        while j + 1 < n and rules[j + 1][0] - top <= tol:
            j += 1
        group = sorted(rules[i:j + 1], key=_A) if j > i else [rules[i]]
        pos = sum([r[0] for r in group]) / len(group)
        a, b = group[0][1], group[0][2]
        for r in group[1:]:
            if r[1] <= b + gap:
                if r[2] > b:  # max(b, r.b)
                    b = r[2]
            else:
                out.append(new(Rule, (pos, a, b)))
                a, b = r[1], r[2]
        out.append(new(Rule, (pos, a, b)))
        i = j + 1
    return out


# -------------------------------------------------------------------------- lattices

@dataclass
class Lattice:
    """A ruled grid. ``owner[r][c]`` is the merged cell that elementary cell (r, c) is in."""

    hs: list[Rule]
    vs: list[Rule]
    xs: list[float] = field(default_factory=list)
    ys: list[float] = field(default_factory=list)
    owner: list[list[int]] = field(default_factory=list)
    spans: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1

    @property
    def bbox(self) -> BBox:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def span_box(self, k: int) -> BBox:
        r0, c0, r1, c1 = self.spans[k]
        return (self.xs[c0], self.ys[r0], self.xs[c1 + 1], self.ys[r1 + 1])


def _touch(h: Rule, v: Rule, tol: float = JOIN_TOL) -> bool:
    return h.a - tol <= v.pos <= h.b + tol and v.a - tol <= h.pos <= v.b + tol


def find_lattices(hs: list[Rule], vs: list[Rule]) -> list[Lattice]:
    """Groups of touching rules with at least two rules each way, as built lattices."""
    if not hs or not vs or len(hs) + len(vs) > MAX_RULES:
        return []
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    hs_by_pos = sorted(range(len(hs)), key=lambda i: hs[i].pos)
    h_pos = [hs[i].pos for i in hs_by_pos]
    for j, v in enumerate(vs):  # horizontal rules within the vertical one's reach
        lo = bisect_left(h_pos, v.a - JOIN_TOL)
        hi = bisect_right(h_pos, v.b + JOIN_TOL)
        for i in hs_by_pos[lo:hi]:
            if _touch(hs[i], v):
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    out = [build_lattice(g[0], g[1]) for g in groups.values() if len(g[0]) >= 2 and len(g[1]) >= 2]
    return [lat for lat in out if len(lat.xs) >= 2 and len(lat.ys) >= 2]


def _cluster(values: Iterable[float], tol: float = POS_TOL) -> list[float]:
    vals = sorted(values)
    out: list[list[float]] = []
    for v in vals:
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def build_lattice(hs: list[Rule], vs: list[Rule]) -> Lattice:
    """Grid positions from the rules, and merged cells where inner rules are missing."""
    x0 = min(min(h.a for h in hs), min(v.pos for v in vs))
    x1 = max(max(h.b for h in hs), max(v.pos for v in vs))
    y0 = min(min(v.a for v in vs), min(h.pos for h in hs))
    y1 = max(max(v.b for v in vs), max(h.pos for h in hs))
    xs = _cluster([v.pos for v in vs] + [x0, x1])
    ys = _cluster([h.pos for h in hs] + [y0, y1])
    lat = Lattice(hs, vs, xs, ys)
    _merge_cells(lat)
    return lat


def _by_position(rules: list[Rule], positions: list[float]) -> list[list[Rule]]:
    """The rules lying on each grid position."""
    out: list[list[Rule]] = [[] for _ in positions]
    for r in rules:
        k = _nearest_position(positions, r.pos)
        if abs(positions[k] - r.pos) <= POS_TOL:
            out[k].append(r)
    return out


def _nearest_position(positions: list[float], v: float) -> int:
    """Index of the sorted ``positions`` nearest to ``v`` (the first one on a tie)."""
    k = bisect_left(positions, v)
    if k == len(positions) or (k > 0 and v - positions[k - 1] <= positions[k] - v):
        return k - 1
    return k


def _covers(rules: list[Rule], a: float, b: float) -> bool:
    """Do ``rules`` (on one grid line) cover enough of the stretch a..b?"""
    got = 0.0
    for _, ra, rb in rules:
        if rb > a and ra < b:
            got += (b if b < rb else rb) - (a if a > ra else ra)  # min(rb, b) - max(ra, a)
    return got >= COVER * (b - a)


def _merge_cells(lat: Lattice) -> None:
    """Union elementary cells across missing inner rules; fill ``owner`` and ``spans``."""
    nr, nc = len(lat.ys) - 1, len(lat.xs) - 1
    parent = list(range(nr * nc))
    on_x, on_y = _by_position(lat.vs, lat.xs), _by_position(lat.hs, lat.ys)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    xs, ys = lat.xs, lat.ys
    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and not _covers(on_x[c + 1], ys[r], ys[r + 1]):
                parent[find(r * nc + c)] = find(r * nc + c + 1)
            if r + 1 < nr and not _covers(on_y[r + 1], xs[c], xs[c + 1]):
                parent[find(r * nc + c)] = find((r + 1) * nc + c)
    ids: dict[int, int] = {}
    lat.owner = [[0] * nc for _ in range(nr)]
    bounds: list[list[int]] = []
    for r in range(nr):
        row = lat.owner[r]
        for c in range(nc):
            root = find(r * nc + c)
            k = ids.get(root)
            if k is None:
                k = ids[root] = len(bounds)
                bounds.append([r, c, r, c])
            row[c] = k
            b = bounds[k]  # b = min/min/max/max of (r, c) over the cell's elementary cells
            if r < b[0]:
                b[0] = r
            if c < b[1]:
                b[1] = c
            if r > b[2]:
                b[2] = r
            if c > b[3]:
                b[3] = c
    lat.spans = [tuple(b) for b in bounds]  # type: ignore[misc]


# ------------------------------------------------------------------ glyphs into cells

def _index(edges: Sequence[float], v: float) -> int:
    """Index of the interval of the sorted ``edges`` holding ``v`` (clamped to the ends)."""
    i = bisect_right(edges, v) - 1
    return 0 if i < 0 else min(i, len(edges) - 2)


def cell_glyphs(lat: Lattice, glyphs: Iterable[Glyph]) -> list[list[Glyph]]:
    """Glyphs of each merged cell (glyph centres decide, as :func:`_index` places them)."""
    out: list[list[Glyph]] = [[] for _ in lat.spans]
    xs, ys, owner = lat.xs, lat.ys, lat.owner
    last_c, last_r = len(xs) - 2, len(ys) - 2
    for g in glyphs:
        c = bisect_right(xs, (g.x0 + g.x1) / 2) - 1
        r = bisect_right(ys, (g.y0 + g.y1) / 2) - 1
        c = 0 if c < 0 else (c if c < last_c else last_c)
        r = 0 if r < 0 else (r if r < last_r else last_r)
        out[owner[r][c]].append(g)
    return out


@dataclass
class TableCell:
    raw: str
    bbox: BBox  # frame space
    unread: bool = False  # empty, over ink no glyph covers (a scan's OCR layer: extractor.layerink)


CellLines = list[list[Fragment]]  # a cell's visual rows, each left to right


def cell_lines(lat: Lattice, glyphs: Iterable[Glyph]) -> list[CellLines]:
    """Visual rows of fragments of each merged cell."""
    return [order_fragments(fragments(gs)) if gs else [] for gs in cell_glyphs(lat, glyphs)]


TableRow = tuple[list[TableCell], tuple[float, float]]  # cells, (top, bottom)


def lattice_rows(lat: Lattice, lines: list[CellLines]) -> list[TableRow]:
    """One list of cells per elementary row that holds any text, one cell per column,
    with the row's top and bottom. ``lines`` is :func:`cell_lines` of the lattice."""
    texts = [lines_text(ls) if ls else "" for ls in lines]
    rows: list[TableRow] = []
    for r, owners in enumerate(lat.owner):
        cells: list[TableCell] = []
        for c, k in enumerate(owners):
            r0, c0 = lat.spans[k][:2]
            cells.append(TableCell(texts[k] if (r0, c0) == (r, c) else "", lat.span_box(k)))
        if any(cell.raw for cell in cells):
            rows.append((cells, (lat.ys[r], lat.ys[r + 1])))
    return rows


# ------------------------------------------------------------------ rules from text

def add_virtual_rules(lat: Lattice, glyphs: list[Glyph]) -> tuple[Lattice, list[CellLines]]:
    """Split cells that hold several columns or rows of values (rules left out inside
    the table); return the new lattice and its :func:`cell_lines`.

    Rows go first (read across the whole width), then columns, found in each row apart
    so that a header spanning several columns does not hide them in the value rows.
    """
    extra = _virtual_rows(lat, glyphs)
    if extra:
        lat = build_lattice(lat.hs + extra, lat.vs)
    lines = cell_lines(lat, glyphs)  # (the rows step reads bands, not cells)
    extra = _virtual_columns(lat, lines, glyphs)
    if extra:
        lat = build_lattice(lat.hs, lat.vs + extra)
        lines = cell_lines(lat, glyphs)
    return lat, lines


def _virtual_rows(lat: Lattice, glyphs: list[Glyph]) -> list[Rule]:
    """Rules inside grid rows that hold several table rows: two lines of values (rows
    without rules), or — in a bare frame — a line of values under other lines. Lines
    are read across the whole width, so labels go with the values beside them."""
    bare = len(lat.ys) == 2
    bands: list[list[Glyph]] = [[] for _ in lat.ys[1:]]
    ys, last = lat.ys, len(lat.ys) - 2
    for g in glyphs:  # _index(ys, centre), inline
        r = bisect_right(ys, (g.y0 + g.y1) / 2) - 1
        bands[0 if r < 0 else (r if r < last else last)].append(g)
    cuts: list[float] = []
    for band in bands:
        if not any(_has_digit(g.c) for g in band) or not _may_hold_rows(band):
            continue
        rows = text_rows(band)
        valued = sum(1 for r in rows if _has_value(r.segments))
        if valued >= 2 or (bare and valued):
            cuts.extend(row_cuts(rows))
    return [Rule(y, a, b) for y in cuts for a, b in zip(lat.xs, lat.xs[1:])]


def _has_digit(text: str) -> bool:
    return text.isdigit() or (len(text) > 1 and any(c.isdigit() for c in text))


def _may_hold_rows(band: list[Glyph]) -> bool:
    """Cheap test: two lines with digits, or lines with a wide gap between them."""
    lines: list[list[float]] = []
    for y0, y1, digit in sorted((g.y0, g.y1, _has_digit(g.c)) for g in band):
        if lines and y0 < lines[-1][1]:
            lines[-1][1] = max(lines[-1][1], y1)
            lines[-1][2] = lines[-1][2] or digit
        else:
            lines.append([y0, y1, digit])
    if len(lines) < 2:
        return False
    size = max(g.size for g in band)
    wide = any(b[0] - a[1] > TIGHT_GAP * size for a, b in zip(lines, lines[1:]))
    return wide or sum(1 for ln in lines if ln[2]) >= 2


def row_cuts(rows: Sequence[Row], rules: Sequence[Rule] = ()) -> list[float]:
    """Where to cut visual lines (top to bottom) into table rows.

    Lines closer than :data:`TIGHT_GAP` font sizes form a cluster (a wrapped cell, or a
    value line beside a wrapped label), unless one of the horizontal ``rules`` runs between
    them (:func:`ruled_apart`); clusters are rows. Inside a cluster a line whose label
    starts with row numbering (“4.”, “（三）”, “二、”) starts a row, and a stretch still
    holding several value lines is cut so that each keeps the lines nearest to it.
    """
    cuts: list[float] = []
    start = 0
    for k in range(1, len(rows) + 1):
        if k < len(rows) and _gap(rows[k - 1], rows[k]) <= TIGHT_GAP * rows[k].size \
                and not ruled_apart(rows[k - 1], rows[k], rules):
            continue
        cuts.extend(_split_cluster(rows[start:k]))
        if k < len(rows):
            cuts.append(_mid(rows[k - 1], rows[k]))
        start = k
    return cuts


def ruled_apart(a: Row, b: Row, rules: Sequence[Rule]) -> bool:
    """Does a horizontal rule run between line ``a`` and the line ``b`` under it (between
    their middles, under some stretch of both)? Lines of one cell have no rule between them:
    a table ruled across only (no column rules) still parts its rows."""
    top, bottom = (a.bbox[1] + a.bbox[3]) / 2, (b.bbox[1] + b.bbox[3]) / 2
    left, right = max(a.bbox[0], b.bbox[0]), min(a.bbox[2], b.bbox[2])
    for r in rules:  # (r[0], r[1], r[2] are r.pos, r.a, r.b)
        if top < r[0] < bottom and r[1] < right and r[2] > left:
            return True
    return False


def _split_cluster(rows: Sequence[Row]) -> list[float]:
    cuts: list[float] = []
    starts = [0] + [i for i in range(1, len(rows)) if _starts_row(rows, i) or _under_header(rows[i - 1], rows[i])]
    for a, b in zip(starts, starts[1:] + [len(rows)]):
        cuts.extend(_split_by_values(rows[a:b]))
        if b < len(rows):
            cuts.append(_mid(rows[b - 1], rows[b]))
    return cuts


def _under_header(above: Row, row: Row) -> bool:
    """``row`` holds values and the line right above it, without values, has text over one
    of them: a column header set tight over a table's first row, not a wrapped label
    (whose lines stay in the label's column)."""
    if _has_value(above.segments):
        return False
    values = [s.bbox for s in row.segments if is_numeric(s.text)]
    return any(a.bbox[0] < v[2] and v[0] < a.bbox[2] for a in above.segments for v in values)


def _starts_row(rows: Sequence[Row], i: int) -> bool:
    """Line ``i`` of a cluster starts a table row: its own label (last text segment)
    starts with row numbering, and — unless it has values — that label is not left of
    the labels of the value lines around it (then it is a piece of a group label, such
    as “（三）不” over “予公开”, printed beside several rows)."""
    label = _own_label(rows[i])
    if label is None or len(label.text) < 3 or not NUMBERING.match(label.text):
        return False
    if _has_value(rows[i].segments):
        return True
    size = rows[i].size
    near = [x for x in (_value_label_x(rows[:i][::-1]), _value_label_x(rows[i + 1:]))
            if x is not None]
    return not near or not all(label.bbox[0] < x - size for x in near)


def _own_label(row: Row) -> Segment | None:
    labels = [s for s in row.segments if not is_numeric(s.text)]
    return labels[-1] if labels else None


def _value_label_x(rows: Sequence[Row]) -> float | None:
    """x of the own label of the first value line among ``rows``."""
    for r in rows:
        if _has_value(r.segments):
            label = _own_label(r)
            return label.bbox[0] if label is not None else None
    return None


def _split_by_values(rows: Sequence[Row]) -> list[float]:
    """Each line without values goes with the nearest line of values (a wrapped label
    sits around its values, whichever way they are aligned)."""
    valued = [i for i, r in enumerate(rows) if _has_value(r.segments)]
    if len(valued) < 2:
        return []
    centre = [(r.bbox[1] + r.bbox[3]) / 2 for r in rows]
    owner = [min(valued, key=lambda v: (abs(centre[v] - centre[i]), v)) for i in range(len(rows))]
    return [_mid(rows[i], rows[i + 1]) for i in range(len(rows) - 1) if owner[i] != owner[i + 1]]


def _gap(a: Row, b: Row) -> float:
    return b.bbox[1] - a.bbox[3]


def _mid(a: Row, b: Row) -> float:
    return (a.bbox[3] + b.bbox[1]) / 2


def _virtual_columns(lat: Lattice, lines: list[CellLines], glyphs: list[Glyph]) -> list[Rule]:
    """Rules between columns of segments inside one grid column (values in them)."""
    out: list[Rule] = []
    nr = len(lat.ys) - 1
    for c in range(len(lat.xs) - 1):
        single = {r for r in range(nr) if _one_column(lat, lat.owner[r][c])}
        multi: list[Row] = []
        for k in {lat.owner[r][c] for r in single}:
            multi.extend(r for r in (make_row(x) for x in lines[k] if may_split(x))
                         if len(r.segments) >= 2)
        boxes = column_boxes(multi)
        if len(multi) < 2 or not boxes:
            continue
        band = [g for g in glyphs if lat.xs[c] <= (g.x0 + g.x1) / 2 <= lat.xs[c + 1]
                and lat.ys[min(single)] <= (g.y0 + g.y1) / 2 <= lat.ys[max(single) + 1]]
        for lo, hi in gaps(boxes):
            x = _free_x([g for g in band if g.x1 > lo and g.x0 < hi], lo, hi)
            out.extend(_open_columns(lat, glyphs, x, single))
    return out


def _one_column(lat: Lattice, k: int) -> bool:
    return lat.spans[k][1] == lat.spans[k][3]


def value_rows(rows: Sequence[Row]) -> list[Row]:
    """The rows to take columns from: those with values, when two or more have them or
    one has three or more; else all the rows given (headers too)."""
    valued = [r for r in rows if _value_count(r.segments)]
    if len(valued) >= 2 or any(_value_count(r.segments) >= 3 for r in valued):
        return valued
    return list(rows) if valued else []


def column_boxes(rows: Sequence[Row]) -> list[BBox]:
    """Boxes to take column positions from: the segments of :func:`value_rows`, plus the
    pieces (three characters or more) of the other rows (headers) that stand clear of every
    column of values, so that a column no value row fills (a sparse table) still shows.
    Tall labels (see :mod:`extractor.textgrid`) are left out: they get a column of their
    own."""
    basis = value_rows(rows)
    boxes = [s.bbox for r in basis for s in r.segments if not s.tall]
    if not boxes or len(basis) == len(rows):
        return boxes
    cols = _spans(boxes)
    taken = {id(r) for r in basis}
    for r in rows:
        if id(r) in taken:
            continue
        pieces = _pieces(r)
        width, named = _names_over_values(pieces, cols)
        for box, n in pieces:
            if n >= 3 and _own_column(box, cols) or width and n >= 2 and \
                    NAME_WIDTH[0] * width <= box[2] - box[0] <= NAME_WIDTH[1] * width and _between_named(box, cols, named):
                boxes.append(box)
    return boxes


NAME_MIN = 3  # header pieces over one value column each that make a row of column names
NAME_WIDTH = (0.6, 1.6)  # a name's width against the median of those, for a column of its own


def _names_over_values(pieces: list[tuple[BBox, int]], cols: list[tuple[float, float]]
                       ) -> tuple[float, set[int]]:
    """(median width, indexes of the value columns) of the pieces that stand over one value
    column each, when at least :data:`NAME_MIN` do (a row naming the columns, as a header
    does), else (0, none)."""
    widths, named = [], set()
    for b, n in pieces:
        over = [k for k, (a, z) in enumerate(cols) if b[0] < z and b[2] > a]
        if n >= 2 and len(over) == 1:
            widths.append(b[2] - b[0])
            named.add(over[0])
    if len(widths) < NAME_MIN:
        return 0.0, set()
    return sorted(widths)[len(widths) // 2], named


def _between_named(box: BBox, cols: list[tuple[float, float]], named: set[int]) -> bool:
    """A name clear of every value column, whose neighbouring value columns stand under names
    of their own: it names a column that no value fills (blank in every row), not the values
    set beside it (numbers aligned right past their names)."""
    if not _clear(box, cols):
        return False
    left = [k for k, (a, z) in enumerate(cols) if z <= box[0]]
    right = [k for k, (a, z) in enumerate(cols) if a >= box[2]]
    return (not left or left[-1] in named) and (not right or right[0] in named)


def _clear(box: BBox, cols: list[tuple[float, float]]) -> bool:
    return not any(box[0] < b + 1.0 and box[2] > a - 1.0 for a, b in cols)


def _own_column(box: BBox, cols: list[tuple[float, float]]) -> bool:
    """A header piece clear of the value columns, in a gap wide enough to hold a column
    of its own (not just a wide header over narrow values)."""
    if not _clear(box, cols):
        return False
    left = max((b for a, b in cols if b <= box[0]), default=None)
    right = min((a for a, b in cols if a >= box[2]), default=None)
    if left is None or right is None:
        return True
    return right - left >= 2 * (box[2] - box[0])


def _spans(boxes: list[BBox]) -> list[tuple[float, float]]:
    spans = sorted((b[0], b[2]) for b in boxes)
    out = [list(spans[0])]
    for a, b in spans[1:]:
        if a > out[-1][1]:
            out.append([a, b])
        else:
            out[-1][1] = max(out[-1][1], b)
    return [(a, b) for a, b in out]


def _pieces(row: Row, gap: float = 0.3) -> list[tuple[BBox, int]]:
    """Boxes (and character counts) of the runs of a row's glyphs split at gaps over
    ``gap`` font sizes (header cells set close together end up in one segment)."""
    out: list[tuple[BBox, int]] = []
    for s in row.segments:
        if s.tall or not all(f.straight for f in s.frags):
            continue
        gs = sorted((g for f in s.frags for g in f.glyphs), key=lambda g: g.x0)
        run = [gs[0]]
        for a, b in zip(gs, gs[1:]):
            if b.x0 - a.x1 > gap * max(a.size, b.size):
                out.append((union(run), sum(len(g.c) for g in run)))
                run = []
            run.append(b)
        out.append((union(run), sum(len(g.c) for g in run)))
    return out


def _value_count(segs: Sequence[Segment]) -> int:
    n = 0
    for s in segs:
        if is_numeric(s.text):
            n += 1
    return n


def _has_value(segs: Sequence[Segment]) -> bool:
    for k, s in enumerate(segs):
        if is_numeric(s.text) and not (k == 0 and _numbers_next(segs)):
            return True
    return False


def _numbers_next(segs: Sequence[Segment]) -> bool:
    """Is the first segment an item's number ("1", OCR having dropped its dot) set a little
    apart from the label after it ("1  申请人无正当理由…")? Then it is no value of the row."""
    if len(segs) < 2 or not ITEM_NUMBER.match(segs[0].text) or not is_cjk(segs[1].text[:1]):
        return False
    size = max(f.size for f in segs[1].frags)
    return segs[1].bbox[0] - segs[0].bbox[2] <= 2 * size


def gaps(boxes: list[BBox], min_gap: float = 1.0) -> list[tuple[float, float]]:
    """The gaps (lo, hi) in the x-projection of ``boxes``."""
    spans = sorted((b[0], b[2]) for b in boxes)
    out: list[tuple[float, float]] = []
    end = spans[0][1]
    for a, b in spans[1:]:
        if a > end + min_gap:
            out.append((end, a))
        end = max(end, b)
    return out


def _free_x(glyphs: Sequence[Glyph], lo: float, hi: float) -> float:
    """The x in (lo, hi) that the fewest glyphs straddle (the middle of the widest such
    stretch): a wide header above narrow values must not be cut."""
    edges = sorted({lo, hi} | {v for g in glyphs for v in (g.x0, g.x1) if lo < v < hi})
    best = (10 ** 9, 0.0, (lo + hi) / 2)
    for a, b in zip(edges, edges[1:]):
        mid = (a + b) / 2
        n = sum(1 for g in glyphs if g.x0 < mid < g.x1)
        if (n, -(b - a)) < best[:2]:
            best = (n, -(b - a), mid)
    return best[2]


def _open_columns(lat: Lattice, glyphs: list[Glyph], x: float, rows: set[int]) -> list[Rule]:
    """Virtual vertical rule pieces at ``x`` in the grid rows ``rows`` where no glyph
    straddles it (a glyph across it belongs to a cell spanning both sides)."""
    across = [(g.y0 + g.y1) / 2 for g in glyphs if g.x0 + 0.5 < x < g.x1 - 0.5]
    return [Rule(x, lat.ys[r], lat.ys[r + 1]) for r in sorted(rows)
            if not any(lat.ys[r] <= y <= lat.ys[r + 1] for y in across)]


def lattice_glyphs(lat: Lattice, glyphs: Iterable[Glyph]) -> tuple[list[Glyph], list[Glyph]]:
    """Split glyphs into those inside the lattice and the rest."""
    x0, y0, x1, y1 = lat.bbox
    x0, y0, x1, y1 = x0 - 1.0, y0 - 1.0, x1 + 1.0, y1 + 1.0  # glyph centres within 1 pt
    ins: list[Glyph] = []
    rest: list[Glyph] = []
    for g in glyphs:
        cx, cy = (g.x0 + g.x1) / 2, (g.y0 + g.y1) / 2
        (ins if x0 <= cx <= x1 and y0 <= cy <= y1 else rest).append(g)
    return ins, rest


def is_table(lat: Lattice) -> bool:
    """Two columns or more and more than one cell: a frame around text, or a box split
    only by horizontal rules, is not a table (its text is read as text)."""
    return len(lat.xs) >= 3 and len(lat.spans) > 1


def table_box(rows: list[TableRow]) -> BBox:
    return union(c.bbox for r, _ in rows for c in r)
