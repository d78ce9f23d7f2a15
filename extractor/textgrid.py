"""Tables without rules: columns and rows from the alignment of text alone.

A text row is *tabular* when it has two or more segments (runs of text separated by a
wide gap) and one of them is a value, or three or more segments. Two or more tabular
rows close together make a table region (up to two other rows may sit between them:
wrapped labels, sub-headings). The region's columns are the gaps in the x-projection of
the segments of its value rows; every row is then laid out on those columns, a segment
that spans several columns standing at the first of them with empty cells after it.

Two fixes make the rows read like a ruled table's:

- a *tall label* — characters stacked one per line at one x (三、本年度办理结果 written
  top to bottom), or a vertical text line — becomes one segment, placed on the first
  tabular row beside it, in a column of its own;
- lines set tight together (a wrapped label beside its values, a header written over
  several lines) become one row (:func:`extractor.grid.row_cuts`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import accumulate
from typing import Sequence

from .grid import TIGHT_GAP, Rule, TableCell, column_boxes, is_numeric, row_cuts, ruled_apart
from .layout import (Glyph, Row, Segment, blocks_text, fragments, lines_text, normalized,
                     order_fragments, union)
from .model import BBox
from .sections import is_section_heading

MAX_BETWEEN = 2  # other rows allowed between two tabular rows of one region
MAX_GAP = 5.0  # rows further apart than this many font sizes break a region
STACK_GAP = 1.2  # stacked characters are at most this many font sizes apart
STACK_MIN = 3  # at least this many stacked characters make a tall label
ROW_LABEL_CHARS = 12  # a row label of section 二's tables is at most this long (其他对外管理服务事项)

_PUNCT = set("、，,。.:：;；")


def _values(row: Row) -> int:
    n = 0
    for s in row.segments:
        if is_numeric(s.text):
            n += 1
    return n


def is_tabular(row: Row) -> bool:
    n = len(row.segments)
    return n >= 3 or (n >= 2 and _values(row) >= 1)


@dataclass
class TextTable:
    """A table region found in plain text rows: index range and its laid-out rows."""

    start: int
    end: int  # exclusive
    rows: list[list[TableCell]]


def find_text_tables(rows: list[Row], rules: Sequence[Rule] = ()) -> list[TextTable]:
    """Table regions among ``rows`` (text outside ruled tables, in reading order);
    ``rules``: the page's horizontal rules, which part rows (:func:`extractor.grid.ruled_apart`).

    ``rows`` should first go through :func:`merge_tall_labels`.
    """
    out: list[TextTable] = []
    i = done = 0
    while i < len(rows):
        if not is_tabular(rows[i]):
            i += 1
            continue
        titled = i > 0 and is_block_title(rows[i - 1].text)  # a header under 二's table title
        end = _region_end(rows, i, titled)
        if titled or sum(is_tabular(r) for r in rows[i:end]) >= 2:
            start = i
            while start > done and _tight(rows[start - 1], rows[start], rows[start - 1], rules) \
                    and not is_block_title(rows[start - 1].text):
                start -= 1  # first lines of a wrapped label above its values
            while end < len(rows) and _tight(rows[end - 1], rows[end], rows[end], rules) \
                    and not is_block_title(rows[end].text):
                end += 1  # last lines of a wrapped label below its values
            for a, b in _tables_of(rows, start, end):
                out.append(TextTable(a, b, layout_region(rows[a:b], rules)))
            i = done = end
        else:
            i += 1
    return out


def _tables_of(rows: list[Row], start: int, end: int) -> list[tuple[int, int]]:
    """The region ``rows[start:end]`` cut into tables: two tables set one under the other
    with no heading between them (a table stopping halfway, the next one's heading lost)
    part at the first row without values after which the values stand under the labels of
    the rows above, or the labels under their values. One table's values never stand in
    its label column."""
    valued = [r for r in rows[start:end] if _values(r)]
    if not _under(valued, valued):  # no value under any label: one table (nearly always)
        return [(start, end)]
    k = start + 1
    while k < end:
        if _values(rows[k]) or not _values(rows[k - 1]):
            k += 1
            continue
        above = [r for r in rows[start:k] if _values(r)]
        below = [r for r in rows[k:end] if _values(r)]
        if below and (_under(below, above) or _under(above, below)):
            return [(start, k), *_tables_of(rows, k, end)]
        k += 1
    return [(start, end)]


def _under(values: list[Row], labels: list[Row]) -> bool:
    """Does a value of ``values`` stand under (or over) a label of a row of ``labels``?"""
    spans = sorted((s.bbox[0], s.bbox[2]) for r in labels for s in r.segments
                   if not s.tall and not is_numeric(s.text))
    starts = [a for a, _ in spans]
    reach = list(accumulate((b for _, b in spans), max))  # the furthest end of spans[:k + 1]
    for r in values:
        for s in r.segments:
            if is_numeric(s.text):
                # a span that starts before the value's end (less 1 pt) and ends after its start
                k = bisect_left(starts, s.bbox[2] - 1.0)
                if k and reach[k - 1] > s.bbox[0] + 1.0:
                    return True
    return False


def _tight(a: Row, b: Row, new: Row, rules: Sequence[Rule] = ()) -> bool:
    """``b`` follows ``a`` as the next line of one cell would, and ``new`` (one of them,
    the row to take into the region) is not tabular."""
    return not is_tabular(new) and b.bbox[1] - a.bbox[3] <= TIGHT_GAP * max(a.size, b.size) \
        and not ruled_apart(a, b, rules)


# the title of one of section 二's tables ("第二十条第（五）项"): each has columns of its own
_BLOCK_TITLE = re.compile(r"^第\s*二\s*十\s*条\s*第\s*[(（]?\s*[一二三四五六七八九十]{1,2}\s*[)）]?\s*项$")


def is_block_title(text: str) -> bool:
    return _BLOCK_TITLE.match(text.strip()) is not None


def _row_label(row: Row) -> bool:
    """A row of one short label alone (no prose line)."""
    return len(row.segments) == 1 and len(row.text.strip()) <= ROW_LABEL_CHARS and not is_block_title(row.text)


def _region_end(rows: list[Row], start: int, titled: bool = False) -> int:
    """End (exclusive) of the region starting at tabular row ``start``: before a wide gap,
    more than :data:`MAX_BETWEEN` other rows, a section heading (the tables of 二 and 三,
    ruled by full-width horizontal lines alike, stand one under the other) or the title of
    one of 二's tables (set one under the other without rules, as one long scan shows them).
    Under such a title (``titled``) a row of one short label is a row of the table too (a
    row printed blank: 行政事业性收费 under its header)."""
    last = start
    j = start + 1
    while j < len(rows) and j - last <= MAX_BETWEEN + 1:
        prev = rows[j - 1]
        if rows[j].bbox[1] - prev.bbox[3] > MAX_GAP * max(prev.size, rows[j].size):
            break
        if is_tabular(rows[j]) or (titled and _row_label(rows[j])):
            last = j
        elif is_section_heading(rows[j].text) or is_block_title(rows[j].text):
            break
        j += 1
    return last + 1


# ------------------------------------------------------------------------ tall labels

def _stack_char(seg: Segment) -> bool:
    """One character (perhaps with trailing punctuation), not a digit, on one line."""
    if seg.tall or len(seg.frags) != 1 or not seg.frags[0].straight:
        return False
    t = normalized(seg.raw)
    return (len(t) == 1 or (len(t) == 2 and t[1] in _PUNCT)) and not t[0].isdigit()


def merge_tall_labels(rows: list[Row]) -> list[Row]:
    """Join stacked characters into tall labels and put every tall label (stacked or
    vertical text) on the first tabular row beside it. (``rows`` stay as they are: a row that
    gives up segments is replaced in the list returned.)"""
    rows = list(rows)
    talls = _take_stacks(rows) + _take_vertical(rows)
    rows = [r for r in rows if r.segments]
    for t in talls:
        _attach(rows, t)
    return rows


def _take_stacks(rows: list[Row]) -> list[Segment]:
    """Take runs of stacked characters out of ``rows`` (each row that loses its first segment
    is replaced by a new row); return them as tall segments."""
    runs: list[list[tuple[int, Segment]]] = []
    for i, r in enumerate(rows):
        if not r.segments or not _stack_char(r.segments[0]):
            continue
        seg = r.segments[0]
        for run in runs:
            last = run[-1][1]
            if abs(seg.bbox[0] - last.bbox[0]) <= 2.0 and \
                    0 <= seg.bbox[1] - last.bbox[3] <= STACK_GAP * r.size:
                run.append((i, seg))
                break
        else:
            runs.append([(i, seg)])
    out: list[Segment] = []
    for run in runs:
        if len(run) < STACK_MIN or _names_stacked(rows, run):
            continue
        for i, seg in run:  # seg is the row's first segment
            r = rows[i]
            rest = r.segments[1:]
            rows[i] = Row(rest, union([s.bbox for s in rest]) if rest else r.bbox, r.size)
        segs = [s for _, s in run]
        text = "".join(s.raw for s in segs)
        out.append(Segment([f for s in segs for f in s.frags], union(s.bbox for s in segs),
                           joined=text, tall=True))
    return out


def _names_stacked(rows: list[Row], run: list[tuple[int, Segment]]) -> bool:
    """Is the stack one of a header's column names, each written one character a line
    (结/果/维/持 beside 结/果/纠/正 …)? Most of its lines then hold :data:`STACK_MIN` or more
    stacked characters side by side; a row label's stack stands beside labels and values."""
    side = sum(1 for i, _ in run if sum(1 for s in rows[i].segments if _stack_char(s)) >= STACK_MIN)
    return 2 * side > len(run)


def _take_vertical(rows: list[Row]) -> list[Segment]:
    """Rows made of one vertical-text line next to tabular rows become tall segments (each
    replaced by an empty row in ``rows``)."""
    out: list[Segment] = []
    for k, r in enumerate(rows):
        if len(r.segments) == 1 and not r.segments[0].frags[0].straight:
            seg = r.segments[0]
            if any(is_tabular(o) and _beside(seg.bbox, o) for o in rows if o is not r):
                out.append(Segment(seg.frags, seg.bbox, joined=seg.raw, tall=True))
                rows[k] = Row([], r.bbox, r.size)
    return out


def _beside(box: BBox, row: Row) -> bool:
    centre = (row.bbox[1] + row.bbox[3]) / 2
    return box[1] <= centre <= box[3] and row.bbox[0] >= box[2] - 1.0


def _attach(rows: list[Row], tall: Segment) -> None:
    """Put ``tall`` first on the first tabular row beside it (or on a row of its own)."""
    for k, r in enumerate(rows):
        if is_tabular(r) and _beside(tall.bbox, r):
            box = (min(tall.bbox[0], r.bbox[0]), r.bbox[1], r.bbox[2], r.bbox[3])
            rows[k] = Row([tall] + r.segments, box, r.size)
            return
    top = next((k for k, r in enumerate(rows) if r.bbox[1] > tall.bbox[1]), len(rows))
    size = max(f.size for f in tall.frags)
    rows.insert(top, Row([tall], tall.bbox, size))


# ------------------------------------------------------------------------ regions

def layout_region(rows: list[Row], rules: Sequence[Rule] = ()) -> list[list[TableCell]]:
    """Lay the rows of a region out on common columns."""
    rows = group_rows(rows, rules)
    boxes = column_boxes([r for r in rows if len(r.segments) >= 2]) or \
        [s.bbox for r in rows if is_tabular(r) for s in r.segments if not s.tall]
    cols = _columns(boxes)
    talls = [s.bbox for r in rows for s in r.segments if s.tall]
    if talls:
        cols.insert(0, (min(b[0] for b in talls), max(b[2] for b in talls)))
    zones = _zones(cols)
    return [_place(r, cols, zones) for r in rows]


def group_rows(rows: list[Row], rules: Sequence[Rule] = ()) -> list[Row]:
    """Visual rows → table rows: lines of one wrapped cell (tight together, no rule between
    them, at most one of them with values) become one row, their segments in reading order."""
    cuts = row_cuts(rows, rules)
    groups: list[list[Row]] = [[] for _ in range(len(cuts) + 1)]
    for r in rows:
        centre = (r.bbox[1] + r.bbox[3]) / 2
        groups[sum(1 for c in cuts if c < centre)].append(r)
    out: list[Row] = []
    for g in groups:
        if len(g) == 1:
            out.append(g[0])
        elif g:
            segs = [s for r in g for s in r.segments]
            out.append(Row(segs, union(r.bbox for r in g), max(r.size for r in g)))
    return out


def _columns(boxes: list[BBox]) -> list[tuple[float, float]]:
    """Column extents: the x-projection of ``boxes`` cut at its gaps."""
    spans = sorted((b[0], b[2]) for b in boxes)
    cols = [list(spans[0])]
    for a, b in spans[1:]:
        if a > cols[-1][1] + 0.5:
            cols.append([a, b])
        else:
            cols[-1][1] = max(cols[-1][1], b)
    return [(a, b) for a, b in cols]


def _place(row: Row, cols: list[tuple[float, float]],
           zones: list[tuple[float, float]] | None = None) -> list[TableCell]:
    """One cell per column: segments at the first column they overlap, joined if several.
    ``zones``: :func:`_zones` of ``cols``."""
    segs: list[list[Segment]] = [[] for _ in cols]
    if zones is None:
        zones = _zones(cols)
    for seg in row.segments:
        for s in ([seg] if seg.tall else _split_at_columns(seg, cols, zones)):
            segs[0 if s.tall else _column_of(s.bbox, cols)].append(s)
    y0, y1 = row.bbox[1], row.bbox[3]
    return [TableCell(blocks_text(ss), union([s.bbox for s in ss])) if ss else
            TableCell("", (a, y0, z, y1)) for ss, (a, z) in zip(segs, cols)]


def _zones(cols: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The gaps between neighbouring columns."""
    return [(a[1], b[0]) for a, b in zip(cols, cols[1:])]


def _split_at_columns(seg: Segment, cols: list[tuple[float, float]],
                      zones: list[tuple[float, float]] | None = None) -> list[Segment]:
    """Cut a segment running over several columns where a gap between its glyphs falls
    between two columns (narrow header cells set close together); a heading that spans
    the columns has no such gaps and stays whole. ``zones``: :func:`_zones` of ``cols``."""
    if zones is None:
        zones = _zones(cols)
    x0, x1 = seg.bbox[0], seg.bbox[2]
    inside = [z for z in zones if x0 < z[0] and z[1] < x1]
    if not inside or not all(f.straight for f in seg.frags):
        return [seg]
    gs = sorted((g for f in seg.frags for g in f.glyphs), key=lambda g: g.x0)
    runs: list[list[Glyph]] = [[gs[0]]]
    for a, b in zip(gs, gs[1:]):
        if b.x0 - a.x1 > 0.5 and any(a.x1 <= hi and b.x0 >= lo for lo, hi in inside):
            runs.append([])
        runs[-1].append(b)
    if len(runs) == 1:
        return [seg]
    return [_piece(r) for r in runs]


def _piece(glyphs: list[Glyph]) -> Segment:
    """A piece of a cut segment: its glyphs back on their own lines, read top to bottom
    (a header name wrapped over two centred lines is not read in the order of the
    characters' left edges)."""
    frags = fragments(glyphs)
    box = union(glyphs)
    if len(frags) == 1:
        return Segment(frags, box)
    return Segment(frags, box, joined=lines_text(order_fragments(frags)))


def _column_of(box: BBox, cols: list[tuple[float, float]]) -> int:
    for k, (a, b) in enumerate(cols):
        if box[0] < b and box[2] > a:
            return k
    centre = (box[0] + box[2]) / 2
    return min(range(len(cols)), key=lambda k: abs((cols[k][0] + cols[k][1]) / 2 - centre))
