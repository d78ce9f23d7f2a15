"""Columns by position: settle rows whose blank cells left no trace in the text.

Space-aligned text (``pdftotext -layout``) and PDF pages print a blank cell as nothing, so a
row with fewer values than columns is ambiguous by count. But the values of a column
stand at the same horizontal position on every row. The rows of a table that print every
column give the position of each column; a short row's values are then placed in the
column nearest to each of them, when that placement is clear (every value well inside one
column's reach, in order, no two in one column).

A web page's table is a grid: a cell's position is its grid column (the reader expands
rowspan and colspan), so a row whose label spans more cells than another's still puts
each value in the column of the full rows' values. The columns are consecutive grid
columns, so values printed in the first and the last column place every column, even when
no row prints them all.

A header whose cells name a table's columns gives their positions too (:func:`named_columns`):
for the appeals table's one row of values, under five column names printed once for each of
its three groups (:func:`place_under_header`), and for table 三 when its values show too few
columns to place them by each other (a column blank on every row: a small agency's requests
all from natural persons), where even some names place them (:func:`settle_by_header`).
"""

from __future__ import annotations

import statistics
from functools import lru_cache
import unicodedata
from dataclasses import replace
from typing import Optional, Sequence

from rapidfuzz import fuzz

from .columns import Assignment, Reading, Slot
from .model import Document, Token
from .tables import RowRead
from .template import Column, label_key

NAME_RATIO = 75  # a header cell of a column name's length names it at this rapidfuzz ratio
CLEAR_SHARE = 0.35  # a value must lie within this share of the column gap from its column
TEXT_JOIN = 4.0  # display columns: values closer than this belong to one column
PDF_JOIN = 12.0  # points
GRID_JOIN = 0.5  # HTML grid columns: only the same column joins


@lru_cache(maxsize=8192)
def display_width(text: str) -> int:
    """Width of text in a monospaced layout: a wide CJK character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cell_left(doc: Document, t: Token) -> Optional[float]:
    """Where a token's cell starts: its box's left edge in reading (:meth:`Document.across`:
    a turned page's boxes stand in the page's own space), display column in text; None when
    the reader gave no position (HTML)."""
    line = doc.lines[t.line]
    if t.cell >= len(line.cells):
        return None
    cell = line.cells[t.cell]
    if cell.bbox is not None:
        return doc.across(line.page, cell.bbox)[0]
    if cell.span is None:
        return None
    wide = sum(display_width(c.raw) - len(c.raw) for c in line.cells[:t.cell])
    return cell.span[0] + wide + len(cell.raw) - len(cell.raw.lstrip())


def position(doc: Document, t: Token) -> Optional[float]:
    """Horizontal centre of a token's cell (in text, only for lines of several cells set
    apart by spaces); in HTML, the cell's grid column."""
    line = doc.lines[t.line]
    if t.cell >= len(line.cells):
        return None
    if doc.kind == "html":
        return float(t.cell)
    cell = line.cells[t.cell]
    if cell.bbox is not None:
        x0, x1 = doc.across(line.page, cell.bbox)
        return (x0 + x1) / 2
    if len(line.cells) < 2 or line.split:  # (cells split on tabs: their characters are no columns)
        return None
    left = cell_left(doc, t)
    return None if left is None else left + display_width(cell.raw.strip()) / 2


def settle_by_position(doc: Document, rows: Sequence[RowRead]) -> None:
    """Settle ambiguous rows in place, from the positions of the table's full rows. A row
    read by a window (the rules held for one run of consecutive cells) is placed by position
    too where positions are known: a stray empty cell inside a row (a shaded or split
    cell) shifts a window, not the columns."""
    by_table: dict[str, list[RowRead]] = {}
    for r in rows:
        by_table.setdefault(r.table, []).append(r)
    for table_rows in by_table.values():
        if not any(_placeable(r) for r in table_rows):
            continue
        centres = _column_centres(doc, table_rows)
        if centres is not None:
            parts = [(table_rows, centres)]
        else:  # columns where a table's runs of rows show them, from values or else cells,
            # or else where the whole table's cells show them (a table without rules: its
            # rows' edges move with what each prints, and a run of sparse rows shows no column)
            runs = [(run, _column_centres(doc, run) or _slot_centres(doc, run))
                    for run in _same_width_runs(doc, table_rows)]
            whole = _slot_centres(doc, table_rows) if any(c is None for _, c in runs) else None
            parts = [(run, whole if centres is None else centres) for run, centres in runs]
        for part, centres in parts:
            if centres is None:
                continue
            for r in part:
                if _placeable(r) and r.cells:
                    reading = _place(doc, r.cells, centres)
                    if reading is not None:
                        r.assignment = Assignment((reading,), "aligned")


def _same_width_runs(doc: Document, rows: Sequence[RowRead]) -> list[list[RowRead]]:
    """The table's rows cut where the ruled rows change their left and right edges: a
    table continued on the next page of one long picture stands at another scale there,
    so its columns hold other positions (the rows of a ruled grid all span its width).
    One run when the lines have no boxes or every row spans the same width."""
    runs: list[list[RowRead]] = [[]]
    edges: Optional[tuple[float, float]] = None
    for r in rows:
        line = doc.lines[r.cells[0].line] if r.cells else None
        span = doc.across(line.page, line.bbox) if line is not None and line.bbox is not None else None
        if span is not None and edges is not None and (
                abs(span[0] - edges[0]) > PDF_JOIN or abs(span[1] - edges[1]) > PDF_JOIN):
            runs.append([])
        runs[-1].append(r)
        if span is not None:
            edges = span
    return runs


def _placeable(r: RowRead) -> bool:
    return not r.assignment.settled or r.assignment.how == "window"


def _column_centres(doc: Document, rows: Sequence[RowRead]) -> Optional[list[float]]:
    """Column positions from the values of all rows of one table, clustered (a value sharing
    its cell with another value or a label, "2 120" or "…反复申请 0" set too tight to part,
    stands nowhere of its own and is left out); None unless exactly one cluster per column
    comes out, or, in HTML, the values span exactly as many
    grid columns as the table has."""
    ncols = len(rows[0].reading) if rows else 0
    xs = sorted(x for r in rows for t in r.cells if t.kind in ("num", "mark") and not t.run
                and _alone(doc, t) for x in [position(doc, t)] if x is not None)
    if ncols < 2 or len(xs) < ncols:
        return None
    join = GRID_JOIN if doc.kind == "html" else PDF_JOIN if _on_page(doc, rows) else TEXT_JOIN
    clusters: list[list[float]] = [[xs[0]]]
    for x in xs[1:]:
        if x - clusters[-1][-1] <= join:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    if len(clusters) == ncols:
        return [statistics.median(c) for c in clusters]
    if doc.kind == "html" and xs[-1] - xs[0] + 1 == ncols:
        # grid columns: values in the first and the last column fix every column between
        return [xs[0] + k for k in range(ncols)]
    return None


def _alone(doc: Document, t: Token) -> bool:
    """Does the value fill its cell alone (so that the cell's place is the value's)?"""
    cells = doc.lines[t.line].cells
    return t.cell < len(cells) and cells[t.cell].text.strip() == t.text


def _on_page(doc: Document, rows: Sequence[RowRead]) -> bool:
    """Whether the rows' cells have boxes (a PDF page or a scan), not text columns."""
    return any(doc.lines[t.line].cells[t.cell].bbox is not None for r in rows for t in r.cells[:1])


def _slot_centres(doc: Document, rows: Sequence[RowRead]) -> Optional[list[float]]:
    """Column positions from the rows whose every column has its cell (as many values as
    columns, or empty cells keeping the places) on a page (cells with boxes): in a ruled
    grid a column printed blank on every row (its blank marks unread, or left empty)
    still has its cells. None unless every column has a position and they stand clearly
    apart, left to right."""
    ncols = len(rows[0].reading) if rows else 0
    if ncols < 2 or not _on_page(doc, rows):
        return None
    cols: list[list[float]] = [[] for _ in range(ncols)]
    for r in rows:
        if r.assignment.how in ("count", "positions") and len(r.reading) == ncols:
            for k, slot in enumerate(r.reading):
                x = position(doc, slot.token) if slot.token is not None else None
                if x is not None:
                    cols[k].append(x)
    if any(not c for c in cols):
        return None
    centres = [statistics.median(c) for c in cols]
    if any(b - a <= 2 * PDF_JOIN for a, b in zip(centres, centres[1:])):
        return None
    return centres


def _place(doc: Document, cells: Sequence[Token], centres: list[float],
           extents: Optional[Sequence[Optional[tuple[float, float]]]] = None) -> Optional[tuple[Slot, ...]]:
    """Each printed value in the column whose centre it stands near (or, with ``extents``,
    the one column whose printed name it stands within), in order, one value a column."""
    filled = [t for t in cells if t.kind in ("num", "mark")]
    if not filled or len(filled) > len(centres):
        return None
    gaps = [b - a for a, b in zip(centres, centres[1:])] or [0.0]
    reach = CLEAR_SHARE * min(gaps)
    slots: list[Slot] = [Slot("blank")] * len(centres)
    last = -1
    for t in filled:
        j = None if t.run else _column_of(doc, t, centres, extents, reach)
        if j is None or j <= last:
            return None
        slots[j] = Slot("num", t.value, t, t.text) if t.kind == "num" else Slot("mark", None, t, t.text)
        last = j
    for t in cells:  # a column left blank keeps its empty cell, where one stands (a ruled grid's)
        if t.kind == "blank":
            j = _column_of(doc, t, centres, extents, reach)
            if j is not None and slots[j].token is None:
                slots[j] = Slot("blank", None, t, t.text)
    return tuple(slots)


def _column_of(doc: Document, t: Token, centres: list[float],
               extents: Optional[Sequence[Optional[tuple[float, float]]]], reach: float) -> Optional[int]:
    """The one column whose printed name's extent holds the token's cell, else the column
    whose centre it stands within ``reach`` of; None when it stands in none."""
    x = position(doc, t)
    if x is None:
        return None
    within = [k for k, e in enumerate(extents or ()) if e is not None and e[0] <= x <= e[1]]
    if len(within) == 1:
        return within[0]
    j = min(range(len(centres)), key=lambda k: abs(centres[k] - x))
    return j if abs(centres[j] - x) <= reach else None


def place_under_header(doc: Document, cells: Sequence[Token], header: Sequence[Token],
                       columns: Sequence[Column], groups: int) -> Optional[Reading]:
    """A row of ``groups`` × ``columns`` values (the appeals table: 3 × 5) placed under the
    header's column names: None unless the header's cells name every column, in order, once
    per group, from left to right, and every value stands clearly under one of them (near
    its centre, or within the one name whose printed extent holds it)."""
    named = _names_in(doc, header, columns)
    if [k for _, k, _ in named] != list(range(len(columns))) * groups:
        return None
    return _place(doc, cells, [x for x, _, _ in named], [_extent(doc, t) for _, _, t in named])


def _extent(doc: Document, t: Token) -> Optional[tuple[float, float]]:
    """Left and right edge of a token's cell text: points in a PDF, display columns in
    text; None in HTML (grid columns) or when the reader gave no position."""
    if doc.kind == "html":
        return None
    line = doc.lines[t.line]
    cell = line.cells[t.cell]
    if cell.bbox is not None:
        return doc.across(line.page, cell.bbox)
    left = cell_left(doc, t)
    return None if left is None else (left, left + display_width(cell.raw.strip()))


def named_columns(doc: Document, header: Sequence[Token], columns: Sequence[Column]
                  ) -> list[tuple[float, int]]:
    """(position, column index) of the header cells that are a column's name, left to right
    (a cell running several names together, as the header of a table without rules may,
    names none)."""
    return [(x, k) for x, k, _ in _names_in(doc, header, columns)]


def _names_in(doc: Document, header: Sequence[Token], columns: Sequence[Column]
              ) -> list[tuple[float, int, Token]]:
    """:func:`named_columns` with the naming cells' tokens."""
    named = []
    for t in header:
        x = position(doc, t)
        k = _column_named(t.text, columns)
        if x is not None and k is not None:
            named.append((x, k, t))
    named.sort(key=lambda n: n[:2])
    return named


def _column_named(text: str, columns: Sequence[Column]) -> Optional[int]:
    """The one column whose name ``text`` is (a damaged character allowed), or None."""
    key = label_key(text)
    hits = [k for k, c in enumerate(columns) if any(_names(key, n) for n in c.keys)]
    return hits[0] if len(hits) == 1 else None


def _names(key: str, name: str) -> bool:
    return key == name or (len(name) > 2 and len(key) == len(name) and fuzz.ratio(key, name) >= NAME_RATIO)


def settle_by_header(doc: Document, rows: Sequence[RowRead], named: dict[str, list[tuple[float, int]]]) -> None:
    """Narrow in place the open rows of the tables whose header names some of their columns
    (:func:`named_columns`; at least two, to know how far apart columns stand): a reading is
    kept when each of its values stands under its column's name, or, in a column the header
    does not name, clear of the named columns on either side. A row left with one reading is
    settled ("aligned"). Values showing too few columns to place them by each other (a column
    blank on every row) are placed so, in tables without rules too, whose header may run
    some names together."""
    for r in rows:
        cols = named.get(r.table) or []
        reach = _reach(cols)
        a = r.assignment
        if a.settled or a.incomplete or reach is None:
            continue
        fits = tuple(rd for rd in a.readings if _under_names(doc, rd, cols, reach))
        if len(fits) == 1:
            r.assignment = Assignment(fits, "aligned")
        elif fits and len(fits) < len(a.readings):
            r.assignment = replace(a, readings=fits)


def _reach(named: list[tuple[float, int]]) -> Optional[float]:
    """How far from its column's name a value may stand: a share of the narrowest column the
    names show. None unless at least two columns are named, each once, in their order."""
    ks = [k for _, k in named]
    if len(ks) < 2 or any(b <= a for a, b in zip(ks, ks[1:])):
        return None
    return CLEAR_SHARE * min((x2 - x1) / (k2 - k1) for (x1, k1), (x2, k2) in zip(named, named[1:]))


def _under_names(doc: Document, reading: Reading, named: list[tuple[float, int]], reach: float) -> bool:
    for j, slot in enumerate(reading):
        if slot.token is None or slot.kind == "blank":
            continue
        x = position(doc, slot.token)
        if x is None or slot.token.run:
            continue  # no place of its own (a piece of digits run together)
        for p, k in named:
            if (k == j and abs(x - p) > reach) or (k < j and x < p + reach) or (k > j and x > p - reach):
                return False
    return True
