"""Tables: the printed cells of every template row, read into columns.

Input: the token stream and the row matches of :mod:`extractor.rows`. Output: one
:class:`RowRead` per template row found, holding the column readings
(:mod:`extractor.columns`) and the evidence behind them.

Where a row's values are: after its label on the same line (tabs, markdown, PDF grid rows,
reading-order and crawler text), or, when the label's line holds nothing else, on the
lines that follow it up to the next label (one cell per line).

The appeals table (四) is printed as one row of 15 values under a header of vertical,
often shredded, labels; it is found as the first row of at least ten cells after table 三.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Optional, Sequence

from .columns import Assignment, Reading, Slot, assign
from .model import Document, Token
from .rows import RowMatch, similarity
from .template import Table, Template, is_count, label_key

APPEALS_CHARS = set("行政复议诉讼未经直接起后结果维持纠正其他尚审总计")
MIN_APPEALS_CELLS = 10
MAX_FRAGMENTS = 3  # label lines a wrapped row label may run on before its values (labels.MAX_PIECES - 1)
EMPTY_ROW_MATCH = 0.8  # a row is read as printed empty only when its label matches this closely
# ... or this closely when its label's own line is known to hold no value, no blank mark and no
# unread ink (a PDF's table: the lines of a label wrapped in a narrow column match in pieces)
EMPTY_ROW_MATCH_BARE_LINE = 0.65
ITEM_NUMBERS = 20  # a sub-item's number (1 属于国家秘密 ... 8) is no larger
DEBRIS_CHARS = 2  # a label this short between a row label and its values is debris of another
# a label opening with an item's number ("1、", "2.", "(3)"): the first line of a row's label,
# never the wrapped rest of another's
_ITEM_START = re.compile(r"^\s*(?:[(（]\s*[1-9]\s*[)）]|[1-9]\s*[、.．])")


@dataclass
class RowRead:
    table: str
    row: str
    assignment: Assignment
    similarity: float  # label match, 0..1
    table_evidence: float  # 0..1
    label_token: Optional[int] = None  # index into the token list
    cells: tuple[Token, ...] = ()  # the value cells the reading came from
    shared: bool = False  # the label shares a cell with another row's label (rows.doubt_shared_cells)
    apart: bool = False  # no label beside the values: the row is placed by the template's order
    short: bool = False  # fewer numbers printed than columns: the row leaves some cell blank

    @property
    def reading(self) -> Reading:
        return self.assignment.readings[0]


def row_cells(tokens: Sequence[Token], p: int, ncols: int, anchors: frozenset[int] = frozenset(),
              limit: int = 0, breaks: frozenset[int] = frozenset(),
              rows_at: frozenset[int] = frozenset(), walls: frozenset[int] = frozenset()) -> list[Token]:
    """The value cells that belong to the label token at index ``p``.

    Same line first. When the label's line holds nothing else, the cells on the following
    lines, up to the next label; a label fragment that is not itself a row (``anchors``
    are the tokens matched to rows or parent labels; a label opening with an item's number
    is some row's, matched or not) is skipped while no value has been found yet, so a label
    wrapped over lines still finds its values; at most ``limit`` cells (default two rows'
    worth) are taken there; ``breaks`` are the lines after an empty line,
    where a full row of cells ends (one cell per line: the next row's group cells follow);
    no cell is taken past one of the ``walls`` (the lines of section headings); a group's
    label beside the wrapped label's next piece is passed over.
    Another label in the label's own cell, where that cell holds no value, is passed over
    unless it is a row's (``rows_at``): "4、保护第三方合法权" and the vertical "(三)不予公开"
    of its group read into one cell of a grid; so is one after values, when they stand in the
    label's cell too (:func:`_in_label_cell`)."""
    line = tokens[p].line
    out: list[Token] = []
    q = p + 1
    found = False  # a value among them yet
    while q < len(tokens) and tokens[q].line == line:
        if tokens[q].kind != "label":
            out.append(tokens[q])
            found = found or tokens[q].kind in ("num", "mark")
        elif found and _in_label_cell(tokens, p, q, out, rows_at):
            return _with_later_cells(tokens, q, out, ncols)
        elif found or not (_debris(tokens, q, anchors) or _beside(tokens, p, q, rows_at)):
            break  # (a character of a wrapped label that OCR put in a value cell, "情447", is not)
        q += 1
    if found or (q < len(tokens) and tokens[q].line == line):
        return out
    # the line holds nothing, or only empty cells (values centred beside a wrapped label)
    empty, out = out, []
    fragments = 0
    while q < len(tokens) and len(out) < (limit or 2 * ncols):
        t = tokens[q]
        if walls and any(line < w < t.line for w in walls):
            break
        if t.kind == "label":
            if not out and _group_beside_piece(tokens, q, line, anchors, rows_at):
                q += 1
                continue
            fragments += 1
            if q in anchors or _ITEM_START.match(t.text):  # another row (matched or not): the cells
                out = [c for c in out if c.line != t.line]  # before its label on its line are its own
                break  # (an item number, "7 | 属于行政执法案卷")
            if out or fragments > MAX_FRAGMENTS or t.line - line > MAX_FRAGMENTS + 1:
                break
        elif not limit and len(out) == ncols and any(n in breaks for n in range(out[-1].line + 1, t.line + 1)):
            break
        else:
            out.append(t)
        q += 1
    return out if not empty or any(t.kind in ("num", "mark") for t in out) else empty


def _group_beside_piece(tokens: Sequence[Token], q: int, line: int, anchors: frozenset[int],
                        rows_at: frozenset[int]) -> bool:
    """Label ``q`` is a group's (matched, no row's) on the line right after ``line``, before a
    label piece that is nobody's: the group label printed beside the second line of the row
    label wrapped from ``line`` ("(5)要求行政机 / 不予处理 | 关确认或重新出具 | 0 | 0 …")."""
    if q not in anchors or q in rows_at or tokens[q].line != line + 1:
        return False
    for r in range(q + 1, len(tokens)):
        t = tokens[r]
        if t.line != line + 1:
            return False
        if t.kind == "label":
            return r not in anchors
    return False


def _debris(tokens: Sequence[Token], q: int, anchors: frozenset[int]) -> bool:
    t = tokens[q]
    return t.kind == "label" and q not in anchors and len(label_key(t.text)) <= DEBRIS_CHARS


def _beside(tokens: Sequence[Token], p: int, q: int, rows_at: frozenset[int]) -> bool:
    """Label ``q`` shares the cell of label ``p``, a cell of labels only, and is no row's."""
    if not rows_at or q in rows_at or tokens[q].cell != tokens[p].cell:
        return False
    end = q
    while end < len(tokens) and tokens[end].line == tokens[p].line and tokens[end].cell == tokens[p].cell:
        if tokens[end].kind != "label":
            return False
        end += 1
    return True


def _in_label_cell(tokens: Sequence[Token], p: int, q: int, found: Sequence[Token], rows_at: frozenset[int]) -> bool:
    """Label ``q``, no row's, stands in the cell of label ``p`` after values that stand there
    too (see :func:`_with_later_cells`)."""
    cell = tokens[p].cell
    return bool(rows_at) and q not in rows_at and tokens[q].cell == cell and all(t.cell == cell for t in found)


def _with_later_cells(tokens: Sequence[Token], q: int, found: list[Token], ncols: int) -> list[Token]:
    """The row's cells when values stand inside its label's cell, before label ``q`` there.

    A table read the label column and the first value column into one cell, a group label
    and the rest of a wrapped label with them ("…信息公 0(六) 其 开申请 | 0 | 0 | - …"): the
    cells after the label's cell hold the other values. When those cells alone fill the
    row, the numbers inside the label's cell were no values (an item number column read
    into it: "…逾期1 不补正…"); when together they fill it, they all are; else only the
    values found so far are the row's (as for any label after values)."""
    line, cell = tokens[q].line, tokens[q].cell
    later: list[Token] = []
    for t in tokens[q + 1:]:
        if t.line != line or (t.kind == "label" and t.cell != cell):
            break
        if t.kind != "label" and t.cell != cell:
            later.append(t)
    if len(later) == ncols:
        return later
    if len(later) + len(found) == ncols:
        return found + later
    return found


def row_validator(table: Table):
    """The row's own rule as a test of a reading (totals column = sum of the others)."""
    if table.id == "requests":
        return lambda r: _sums(r, 7)
    if table.id == "appeals":
        return lambda r: all(_sums(r[i:i + 5], 5) for i in range(0, len(r), 5))
    return None


def _sums(reading: Reading, width: int) -> bool:
    """The row's values are counts (never negative) and the last is the sum of the others."""
    if len(reading) != width:
        return False
    vals = [s.value or 0.0 for s in reading]
    if any(v < 0 for v in vals):
        return False  # "5410000—64": the dash is a blank cell, not a minus sign
    if all(s.kind != "num" for s in reading):
        return True
    return abs(sum(vals[:-1]) - vals[-1]) < 1e-6


def read_rows(template: Template, tokens: Sequence[Token], matches: Sequence[RowMatch],
              table_evidence: dict[str, float], anchors: frozenset[int] = frozenset(),
              breaks: frozenset[int] = frozenset(), walls: frozenset[int] = frozenset()) -> list[RowRead]:
    """The rows matched by label, read from the cells after each (see :func:`row_cells`)."""
    rows_at = frozenset(m.token for m in matches)
    out: list[RowRead] = []
    for k, m in enumerate(matches):
        table = template.table(m.table)
        ncols = len(table.columns)
        evidence = table_evidence.get(m.table, 1.0)
        valid = row_validator(table)
        following = _skipped_rows(table, m, matches[k + 1] if k + 1 < len(matches) else None)
        apart = _rows_apart(tokens, m, ncols, anchors, following, valid)
        if apart:
            for row, a, cells in zip([m.row] + following, *apart):
                own = row == m.row
                out.append(RowRead(m.table, row, a, m.similarity if own else 0.0, evidence, m.token, cells,
                                   m.shared, apart=not own, short=_numbers(cells) < ncols))
            continue
        cells = row_cells(tokens, m.token, ncols, anchors, breaks=breaks, rows_at=rows_at, walls=walls)
        a = assign(cells, ncols, valid, [not is_count(table.field_id(m.row, c.id)) for c in table.columns])
        if a is None:
            continue
        out.append(RowRead(m.table, m.row, a, m.similarity, evidence, m.token, tuple(cells), m.shared,
                           short=_numbers(cells) < ncols))
    _open_blank_rows(template, tokens, out, rows_at, anchors)
    return out


def _open_blank_rows(template: Template, tokens: Sequence[Token], rows: list[RowRead],
                     rows_at: frozenset[int], anchors: frozenset[int]) -> None:
    """A row read from empty cells alone, followed by a line of values that no row took, is
    left open between the two: its label may wrap onto that line, whose values stand next
    to a group label ("三、本年度办理结果 (三)") that stopped the search for them. The rules
    may settle it; else it is reviewed."""
    taken = {id(t) for r in rows for t in r.cells}
    for r in rows:
        if r.assignment.how != "blank" or r.label_token is None:
            continue
        stray = _stray_line(tokens, r.label_token, rows_at, anchors, taken)
        table = template.table(r.table)
        a = assign(stray, len(table.columns), row_validator(table)) if stray else None
        if a is not None and a.settled and any(s.kind == "num" for s in a.readings[0]):
            r.assignment = Assignment((a.readings[0], *r.assignment.readings), "ambiguous")


def _stray_line(tokens: Sequence[Token], p: int, rows_at: frozenset[int], anchors: frozenset[int],
                taken: set[int]) -> list[Token]:
    """The value cells of the line after label ``p``'s, when it holds values that no row
    took, a group label (matched, no row's) and no row's label: the line of a subtotal (小计)
    or of a row whose label was not matched is no wrapped label's."""
    line = tokens[p].line
    q = next((q for q in range(p + 1, len(tokens)) if tokens[q].line != line), len(tokens))
    nxt = [k for k in range(q, len(tokens)) if tokens[k].line == tokens[q].line] if q < len(tokens) else []
    labels = [k for k in nxt if tokens[k].kind == "label"]
    if not any(k in anchors for k in labels) or any(k in rows_at for k in labels) or not any(
            tokens[k].kind in ("num", "mark") and id(tokens[k]) not in taken for k in nxt):
        return []
    return [tokens[k] for k in nxt if tokens[k].kind != "label"]


def _numbers(cells: Sequence[Token]) -> int:
    """How many numbers the cells may hold: a digit run may hold one per digit."""
    return sum(sum(ch.isdigit() for ch in t.text) if t.run else 1 for t in cells if t.kind == "num")


def rows_printed_empty(template: Template, tokens: Sequence[Token], matches: Sequence[RowMatch],
                       rows: Sequence[RowRead], min_similarity: float = EMPTY_ROW_MATCH) -> dict[str, Token]:
    """Field id → label token, for the rows matched by label (at least ``min_similarity``: a
    label fragment matched loosely may be a wrapped label's tail) whose values were not found, inside their
    table (a row of the same table with values follows: a label matched past
    the end of a table cut off, "总计" of the appeals header, is not a row of it), with no
    value between the rows read before and after it that no row took (those may be its
    own, beside a line of its label that was not matched)."""
    read = {(r.table, r.row) for r in rows}
    taken = {id(t) for r in rows for t in r.cells}
    out = {}
    for k, m in enumerate(matches):
        if (m.table, m.row) in read or m.similarity < min_similarity:
            continue
        after = [n for n in matches[k + 1:] if (n.table, n.row) in read]
        before = [n for n in matches[:k] if (n.table, n.row) in read]
        # or the table's last row (四、结转下年度继续办理), matched as a row, after rows of its table
        inside = any(n.table == m.table for n in after) or (
            m.row == template.table(m.table).rows[-1].id and m.similarity >= EMPTY_ROW_MATCH
            and any(n.table == m.table for n in before))
        lo = before[-1].token if before else m.token
        # the last row's own values stand before the next label (the next table's header)
        hi = after[0].token if after else next(
            (i for i in range(m.token + 1, len(tokens)) if tokens[i].kind == "label"), len(tokens))
        stray = any(t.kind in ("num", "mark") and id(t) not in taken and not item_number(tokens, i)
                    for i, t in enumerate(tokens[lo:hi], lo))
        if inside and not stray:
            table = template.table(m.table)
            out.update({table.field_id(m.row, c.id): tokens[m.token] for c in table.columns})
    return out


def item_number(tokens: Sequence[Token], i: int) -> bool:
    """Token ``i`` is a small whole number just before a label on its line: the label's item
    number printed in a column of its own ("1 | 属于国家秘密"), no value of any row."""
    t = tokens[i]
    if t.kind != "num" or t.value is None or not (0 < t.value <= ITEM_NUMBERS) or not t.value.is_integer():
        return False
    return i + 1 < len(tokens) and tokens[i + 1].kind == "label" and tokens[i + 1].line == t.line


def _skipped_rows(table: Table, m: RowMatch, nxt: Optional[RowMatch]) -> list[str]:
    """The template rows between match ``m`` and the next match of the same table."""
    if nxt is None or nxt.table != m.table:
        return []
    ids = [r.id for r in table.rows]
    return ids[ids.index(m.row) + 1:ids.index(nxt.row)]


def _rows_apart(tokens: Sequence[Token], m: RowMatch, ncols: int, anchors: frozenset[int],
                following: list[str], valid) -> Optional[tuple[list[Assignment], list[tuple[Token, ...]]]]:
    """Rows whose labels stand apart from their values (PDF-to-text converters print a label
    spanning several rows after the values): one cell per line, and exactly one row of cells
    for the matched row and for each template row skipped before the next match, each row
    keeping the row rule. Their values go to those rows in the template's order."""
    if not following:
        return None
    n = ncols * (len(following) + 1)
    cells = row_cells(tokens, m.token, ncols, anchors, limit=n + 1)
    if len(cells) != n or any(t.line == tokens[m.token].line for t in cells):
        return None
    chunks = [tuple(cells[i:i + ncols]) for i in range(0, n, ncols)]
    found = [assign(c, ncols, valid) for c in chunks]
    if any(a is None or a.how != "count" or (valid is not None and not valid(a.readings[0])) for a in found):
        return None
    return found, chunks


def appeals_column_names(table: Table) -> list[str]:
    """The appeals columns' own names (结果维持 …), not the 总计 other tables share."""
    return [k for c in table.columns for k in c.keys if len(k) >= 4]


def appeals_names(table: Table) -> tuple[str, ...]:
    """The names of the appeals table's rows, groups and columns (行政复议, 行政诉讼, 结果维持 …;
    not the 总计 it shares): a label holding one is the appeals table's, never a row of
    another table (the appeals header after table 三 cut off, no heading between, is no 总计
    row)."""
    words = {k for r in table.rows for k in r.keys} | {r.group for r in table.rows if r.group}
    return tuple(sorted(words | set(appeals_column_names(table))))


# (the row's cells, the header's label tokens) -> a reading placing each value under its
# column's label, or None (see :func:`extractor.positions.place_under_header`)
HeaderPlacer = Callable[[Sequence[Token], Sequence[Token]], Optional[Reading]]


def read_appeals(template: Template, tokens: Sequence[Token], start: int, end: int,
                 heading_found: bool, place: Optional[HeaderPlacer] = None) -> list[RowRead]:
    """Find the 15-cell appeals row among tokens[start:end] and split it by group. A row
    that blank cells leave open (or that a window settled), whose values stand clearly under
    the header's column labels, is read by ``place`` when that reading keeps the rules."""
    table = template.table("appeals")
    width = len(table.columns)
    by_rows = _appeals_by_rows(table, tokens, start, end, 1.0 if heading_found else 0.95)
    if by_rows:
        return by_rows
    n = width * len(table.rows)
    cells, header = _appeals_cells(tokens, start, end, n, appeals_column_names(table))
    if cells is None:
        return []
    valid = row_validator(table)
    a = assign(cells, n, valid)
    if a is None:
        return []
    if place is not None and (not a.settled or a.how == "window"):
        placed = place(cells, header)
        if placed is not None and valid(placed):
            a = Assignment((placed,), "aligned")
    evidence = _appeals_evidence(header, heading_found)
    short = _numbers(cells) < n
    out = []
    for g, row in enumerate(table.rows):
        readings = tuple(dict.fromkeys(r[g * width:(g + 1) * width] for r in a.readings))
        how = a.how if len(readings) == 1 or a.how == "ambiguous" else "ambiguous"
        part = a.full[g * width:(g + 1) * width] if a.full else None
        out.append(RowRead("appeals", row.id, Assignment(readings, how, part), 1.0, evidence, short=short))
    return out


def _appeals_by_rows(table: Table, tokens: Sequence[Token], start: int, end: int, evidence: float
                     ) -> list[RowRead]:
    """The appeals table printed as three labelled rows of five values (some web pages)."""
    out = []
    for row in table.rows:
        found = None
        for i in range(start, end):
            t = tokens[i]
            if t.kind == "label" and max(similarity(label_key(t.text), k) for k in row.keys) >= 0.9:
                cells = row_cells(tokens, i, len(table.columns))
                if tokens[i + 1:i + 2] and tokens[i + 1].line == t.line and len(cells) >= 3:
                    found = (i, cells, max(similarity(label_key(t.text), k) for k in row.keys))
        if found is None or any(r.label_token == found[0] for r in out):
            return []  # one label (a header run together with its values) is not three rows
        i, cells, sim = found
        a = assign(cells, len(table.columns), lambda r: _sums(r, len(table.columns)))
        if a is None or a.how == "too_many":
            return []
        out.append(RowRead("appeals", row.id, a, sim, evidence, i, tuple(cells),
                           short=_numbers(cells) < len(table.columns)))
    return out


def _appeals_cells(tokens: Sequence[Token], start: int, end: int, want: int, names: Sequence[str]
                   ) -> tuple[Optional[list[Token]], list[Token]]:
    header: list[Token] = []
    by_line: dict[int, list[Token]] = {}
    order: list[int] = []
    for t in tokens[start:end]:
        if t.kind == "label":
            header.append(t)
            continue
        if t.line not in by_line:
            by_line[t.line] = []
            order.append(t.line)
        by_line[t.line].append(t)
    for line in order:
        if _capacity(by_line[line]) >= MIN_APPEALS_CELLS:
            return by_line[line], header
    cells = _cells_below_header(tokens[start:end], want) or _line_below_header(tokens[start:end], names)
    if cells:
        return cells, header
    # one cell per line, empty cells left out: the cells from the first number on
    stream = [t for t in tokens[start:end] if t.kind != "label"]
    filled = [t for t in stream if t.kind in ("num", "mark")]
    if len(filled) >= MIN_APPEALS_CELLS:
        first = stream.index(filled[0])
        return stream[first:first + want] if len(stream) - first >= want else stream[first:], header
    # a row of a table without rules whose blank cells merged (its header's columns ran
    # together): fewer cells than columns, but its empty cells and numbers fill a wide line
    for line in order:
        cells = by_line[line]
        if len(cells) >= MIN_APPEALS_CELLS and _capacity(cells):
            return cells, header
    # a row printed all blank: the last wide enough line (a heading's empty cells come first)
    blank = [by_line[line] for line in order if len(by_line[line]) >= want]
    return (blank[-1] if blank else None), header


def _cells_below_header(tokens: Sequence[Token], want: int) -> Optional[list[Token]]:
    """One cell per line, empty cells kept as empty lines: the ``want`` cells that follow
    the header's last label, when each stands on a line of its own and one holds a number
    (a blank first cell keeps its place, as it would not if the row began at its first
    number)."""
    first = next((k for k, t in enumerate(tokens) if t.kind in ("num", "mark")), None)
    if first is None:
        return None
    head = max((k for k in range(first) if tokens[k].kind == "label"), default=-1)
    cells = [t for t in tokens[head + 1:] if t.kind != "label"][:want]
    if len(cells) < want or len({t.line for t in cells}) < want:
        return None
    return cells


def _line_below_header(tokens: Sequence[Token], names: Sequence[str]) -> Optional[list[Token]]:
    """The first line of numbers (no label on it) after a header label holding one of the
    columns' ``names``: a row whose blank cells printed as nothing may show a few numbers
    only ("3 3"), too few to tell it by them (a page number before the header is no row)."""
    seen = False
    for k, t in enumerate(tokens):
        if t.kind == "label":
            seen = seen or any(n in t.text for n in names)
        elif seen and t.kind in ("num", "mark"):
            cells = [u for u in tokens if u.line == t.line]
            return None if any(u.kind == "label" for u in cells) else cells
    return None


def _capacity(cells: Sequence[Token]) -> int:
    """How many cells a row may hold: a digit run may hold one per digit."""
    return _numbers(cells) + sum(t.kind == "mark" for t in cells)


def _appeals_evidence(header: list[Token], heading_found: bool) -> float:
    chars = [ch for t in header for ch in t.text if "\u4e00" <= ch <= "\u9fff"]
    share = sum(ch in APPEALS_CHARS for ch in chars) / len(chars) if chars else 0.0
    if heading_found and share >= 0.5:
        return 1.0
    if heading_found or share >= 0.8:
        return 0.95
    return 0.85


def header_unit(tokens: Sequence[Token], start: int, end: int) -> Optional[str]:
    """A unit printed in an amount column's header ("采购总金额(单位:万元)")."""
    for t in tokens[start:end]:
        if t.kind == "label" and "金额" in t.text:
            if "万元" in t.text:
                return "万元"
            if "元" in t.text.split("金额", 1)[1]:
                return "元"
    return None


_POINT_GROUPS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")


def whole_counts(template: Template, doc: Document, rows: Sequence[RowRead]) -> None:
    """A count read by OCR as "4.566" is 4566: "," and "." differ by a few pixels, and a
    count has no fraction (amounts and year-on-year changes may). In place, on the rows'
    readings; the number is marked repaired (its field's confidence drops and its source
    says what was read). A text layer printing "4.566" is left as printed."""
    for r in rows:
        a = r.assignment
        if not any(_grouped(s) for rd in a.readings[:1] for s in rd):
            continue  # (every reading of a row places the same printed numbers)
        table = template.table(r.table)
        ids = [table.field_id(r.row, c.id) for c in table.columns]
        readings = tuple(_whole_reading(doc, ids, rd) for rd in a.readings)
        if readings != a.readings:
            full = _whole_reading(doc, ids, a.full) if a.full else None
            r.assignment = replace(a, readings=readings, full=full)


def _whole_reading(doc: Document, ids: Sequence[str], reading: Reading) -> Reading:
    return tuple(_whole(doc, s) if is_count(fid) else s for fid, s in zip(ids, reading))


def _grouped(s: Slot) -> bool:
    """A number printed in groups of three digits after points ("4.566")."""
    return s.kind == "num" and s.token is not None and _POINT_GROUPS.match(s.text or s.token.text) is not None


def _whole(doc: Document, s: Slot) -> Slot:
    if not _grouped(s):
        return s
    t = s.token
    line = doc.lines[t.line]
    if t.cell >= len(line.cells) or line.cells[t.cell].confidence >= 1.0:
        return s  # not read by OCR
    digits = (s.text or t.text).replace(".", "")
    return Slot("num", float(digits), replace(t, text=digits, value=float(digits), repaired=t.text), digits)
