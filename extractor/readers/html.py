"""HTML reader: web-page reports, tables included, as a :class:`~extractor.model.Document`.

A table row (``<tr>``) becomes one :class:`Line` with one :class:`Cell` per grid column of
that row after rowspan/colspan expansion: a merged cell's text sits at its top-left grid
position and every other position it covers is an empty cell, as in a tab-separated
export. A row is as wide as the last grid column it occupies (not padded to the table).

Everything else is flow text: each block (heading, paragraph, list item, div, ``<br>``
separated line, ``<pre>`` line) becomes a one-cell line, in document order with the
tables. Inside a cell, block boundaries (``<br>``, ``<p>``, ...) become a space, which
:func:`~extractor.normalize.normalize_cell` drops between CJK characters.

Layout tables are read as flow, row by row: a row is flowed (each block of each cell its
own line, in cell order) when one of its cells holds a nested table or is long
multi-paragraph prose, and every row of a one-column table is flowed. Nested tables are
read as tables in their own right, their lines placed where they occur.

Rows whose cells are all empty, and empty flow blocks, give no line. Grids are capped
at 256 columns (absurd spans only). ``<script>``,
``<style>``, ``<head>`` content (title included), ``<noscript>``, ``<template>``,
``<svg>``, ``<iframe>`` and comments are skipped. The ``<title>`` gives no line, but is
kept as the document's title (:attr:`Document.title`): a page that shows its report title
only in the browser's tab still names its agency and year there.

The parser is a regular-expression tokenizer (about 3x faster than
:mod:`html.parser` on Word-exported pages, no dependency) driving a small tree-less
state machine, with the browser rules that matter for tables: an unclosed
``<td>``/``<tr>`` is closed by the next cell or row, ``<tbody>`` is optional, a missing
``</table>`` is closed at the end, and cells outside any ``<table>`` open one.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from typing import Iterator, Optional, Union

from ..errors import DocumentLoadError
from ..model import Cell, Document, Line
from ..normalize import normalize_cell
from .encoding import canonical_encoding, decode_bytes

RawRow = tuple[str, ...]  # raw cell texts of one output line


class Picture(str):
    """An ``<img>``'s ``src`` where it stands in the flow text (its own block; a picture inside
    a table cell read as a grid cell is left out of the cell's text)."""


_BLOCK_TAGS = frozenset("""
    address article aside blockquote body center dd details dialog dir div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main
    menu nav ol p pre section summary ul caption option
""".split())
_SKIP_TAGS = frozenset("script style title template noscript svg iframe object".split())
_HEAD_TAGS = frozenset("meta link base title script style noscript template basefont bgsound".split())
_ROW_GROUP_TAGS = frozenset(("thead", "tbody", "tfoot"))
_CELL_TAGS = frozenset(("td", "th"))
_INTERESTING_TAGS = (_BLOCK_TAGS | _SKIP_TAGS | _HEAD_TAGS | _ROW_GROUP_TAGS | _CELL_TAGS
                     | {"head", "table", "tr", "br", "xmp", "textarea", "img"})
_SRC = re.compile(r"""(?:^|[\s"'/])src\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_WS = re.compile(r"[ \t\n\r\f]+")
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_RAW_TEXT_TAGS = frozenset(("script", "style", "xmp", "textarea"))
_SELF_CLOSABLE = frozenset(("td", "th", "tr", "table", "p", "div", "br"))
_TOKEN = re.compile(r"""
    <!--.*?(?:--!?>|\Z)                                        # comment
  | <![^>]*>?                                                  # doctype, CDATA, <!...>
  | <\?[^>]*>?                                                 # processing instruction
  | </(?P<end>[A-Za-z][^\t\n\f\r />]*)[^>]*>                   # end tag
  | <(?P<start>[A-Za-z][^\t\n\f\r />]*)                         # start tag, with
    (?P<attrs>[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*)>          # quoted values may hold ">"
""", re.S | re.X)
_SPAN_ATTR = {name: re.compile(rf"""(?:^|[\s"'/]){name}\s*=\s*["']?\s*(\d+)""", re.I)
              for name in ("rowspan", "colspan")}
_RAW_TEXT_END = {name: re.compile(rf"</{name}(?:[\t\n\f\r /][^>]*)?>", re.I) for name in _RAW_TEXT_TAGS}
_TEXT, _START, _END = "text", "start", "end"
_SNIFF_BYTES = 8192
_MAX_COLSPAN = 1000
_MAX_ROWSPAN = 65534
_MAX_COLUMNS = 256  # grid width cap, against absurd colspan/rowspan combinations
_PROSE_BLOCKS = 3  # a cell with this many blocks ...
_PROSE_CHARS = 200  # ... and this much text is page layout, not a table cell


def read_html(path: Union[str, Path]) -> Document:
    """Read an HTML file; see :func:`read_html_bytes`."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise DocumentLoadError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    return read_html_bytes(data, str(path))


def read_html_bytes(data: bytes, path: str = "<bytes>") -> Document:
    """Parse HTML bytes into a Document (kind "html", one page, lines numbered from 1).

    The encoding comes from :func:`~extractor.readers.encoding.decode_bytes`, given the
    charset the page declares (:func:`sniff_charset`). ``Document.warnings`` notes a
    declaration that was overruled and bytes that had to be replaced. Raises
    ``DocumentLoadError`` when the bytes are empty, cannot be decoded, or hold no
    visible text.
    """
    if not data.strip():
        raise DocumentLoadError(f"{path}: the file is empty")
    declared = sniff_charset(data)
    try:
        text, encoding = decode_bytes(data, declared)
    except DocumentLoadError as exc:
        raise DocumentLoadError(f"{path}: {exc}") from exc
    rows, title = _parse(text)
    lines, pictures = _to_lines(rows)
    if not lines and not pictures:
        raise DocumentLoadError(f"{path}: the HTML page has no visible text")
    return Document(path=path, kind="html", lines=lines, pages=1,
                    sha256=hashlib.sha256(data).hexdigest(), encoding=encoding,
                    title=title, pictures=pictures,
                    warnings=_warnings(declared, encoding, text))


def sniff_charset(data: bytes) -> Optional[str]:
    """The charset a page declares in ``<meta>`` (either form) or an XML declaration."""
    head = data[:_SNIFF_BYTES]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return match.group(1).decode("ascii") if match else None


def parse_html(text: str) -> list[RawRow]:
    """Raw cell texts of every output line of an HTML page, in reading order (no pictures)."""
    return [r for r in _parse(text)[0] if not (len(r) == 1 and isinstance(r[0], Picture))]


def _parse(text: str) -> tuple[list[RawRow], str]:
    """:func:`parse_html`'s rows, and the page's ``<title>`` (whitespace folded)."""
    parser = _Parser()
    parser.feed(text)
    return parser.finish(), " ".join("".join(parser.title).split())


def _to_lines(rows: list[RawRow]) -> tuple[list[Line], list[tuple[int, str]]]:
    """The page's lines, and its pictures: (index of the line each stands before, src)."""
    lines: list[Line] = []
    pictures: list[tuple[int, str]] = []
    for raw_cells in rows:
        if len(raw_cells) == 1 and isinstance(raw_cells[0], Picture):
            pictures.append((len(lines), str(raw_cells[0])))
            continue
        cells = tuple(Cell(text=normalize_cell(raw), raw=raw) for raw in raw_cells)
        if any(cell.text for cell in cells):
            lines.append(Line(cells=cells, page=1, number=len(lines) + 1))
    return lines, pictures


def _warnings(declared: Optional[str], encoding: str, text: str) -> list[str]:
    warnings = []
    wanted = canonical_encoding(declared)
    if wanted and wanted != encoding and not encoding.startswith(wanted):
        warnings.append(f"page declares charset {declared} but was decoded as {encoding}")
    if "\ufffd" in text:
        warnings.append(f"some bytes are not valid {encoding} and were replaced")
    return warnings


class _Box:
    """Text being collected: a cell's, or the page's flow text outside tables.

    ``items`` holds finished blocks (strings) and the output rows of nested tables.
    """

    __slots__ = ("pieces", "items", "has_table")

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.items: list[Union[str, list[RawRow]]] = []
        self.has_table = False

    def add(self, text: str) -> None:
        self.pieces.append(text)

    def boundary(self) -> None:
        """End the current block."""
        if self.pieces:
            block = _WS.sub(" ", "".join(self.pieces)).strip(" ")
            self.pieces.clear()
            if block:
                self.items.append(block)

    def add_rows(self, rows: list[RawRow]) -> None:
        self.boundary()
        self.has_table = True
        if rows:
            self.items.append(rows)

    def add_picture(self, src: str) -> None:
        self.boundary()
        self.items.append(Picture(src))

    def blocks(self) -> list[str]:
        self.boundary()
        return [item for item in self.items if isinstance(item, str) and not isinstance(item, Picture)]

    def joined(self) -> str:
        """The cell's text: its blocks joined by spaces."""
        return " ".join(self.blocks())

    def flow_rows(self) -> list[RawRow]:
        """One row per block; nested tables' rows in place."""
        self.boundary()
        rows: list[RawRow] = []
        for item in self.items:
            if isinstance(item, str):
                rows.append((item,))
            else:
                rows.extend(item)
        return rows

    def is_prose(self) -> bool:
        blocks = self.blocks()
        return len(blocks) >= _PROSE_BLOCKS and sum(map(len, blocks)) >= _PROSE_CHARS


class _TableCell:
    __slots__ = ("box", "rowspan", "colspan")

    def __init__(self, rowspan: int, colspan: int) -> None:
        self.box = _Box()
        self.rowspan = rowspan
        self.colspan = colspan


class _Table:
    """An open table: its rows so far and any text found outside its cells (captions)."""

    __slots__ = ("items", "row", "cell", "stray")

    def __init__(self) -> None:
        # a row is a list of cells; text outside the cells is a tuple of flow rows
        self.items: list[Union[list[_TableCell], tuple[RawRow, ...]]] = []
        self.row: Optional[list[_TableCell]] = None
        self.cell: Optional[_TableCell] = None
        self.stray = _Box()

    def box(self) -> _Box:
        """Where text goes now."""
        return self.cell.box if self.cell is not None else self.stray

    def start_row(self) -> None:
        self.end_row()
        self._flush_stray()
        self.row = []
        self.items.append(self.row)

    def start_cell(self, rowspan: int, colspan: int) -> None:
        self.end_cell()
        if self.row is None:
            self.start_row()
        self.cell = _TableCell(rowspan, colspan)
        self.row.append(self.cell)

    def end_cell(self) -> None:
        self.cell = None

    def end_row(self) -> None:
        self.end_cell()
        self.row = None

    def finish(self) -> list[RawRow]:
        self.end_row()
        self._flush_stray()
        return _render_table(self.items)

    def _flush_stray(self) -> None:
        rows = self.stray.flow_rows()
        if rows:
            self.items.append(tuple(rows))
        self.stray = _Box()


def _render_table(items: list) -> list[RawRow]:
    """Output rows of a table: grid rows, flowed layout rows and stray text, in order."""
    rows = [item for item in items if isinstance(item, list)]
    grid = _grid(rows)
    flow_all = max((len(r) for r in grid), default=0) <= 1
    grid_by_row = {id(row): g for row, g in zip(rows, grid)}
    out: list[RawRow] = []
    for item in items:
        if isinstance(item, tuple):
            out.extend(item)
        elif flow_all or any(c.box.has_table or c.box.is_prose() for c in item):
            for cell in item:
                out.extend(cell.box.flow_rows())
        else:
            out.append(grid_by_row[id(item)])
    return out


def _grid(rows: list[list[_TableCell]]) -> list[RawRow]:
    """Expand rowspan/colspan: the text at the top-left position, "" at the others.

    Grid columns no cell needs are merged away first (:func:`_spare_columns`).
    """
    placed = _place(rows)
    spare = _spare_columns(placed, len(rows))
    kept = [c for c in range(max((p[1] + p[3] for p in placed), default=0)) if c not in spare]
    new_col = {c: i for i, c in enumerate(kept)}
    slots: list[dict[int, str]] = [{} for _ in rows]
    for r, col, rowspan, colspan, text in placed:
        cols = [new_col[c] for c in range(col, col + colspan) if c in new_col]
        if not cols:
            continue  # an empty cell of a blank row, all in merged-away columns
        for dr in range(rowspan):
            for c in cols:
                slots[r + dr].setdefault(c, "")
        slots[r][cols[0]] = text
    return [tuple(s.get(c, "") for c in range(max(s) + 1)) if s else () for s in slots]


Placement = tuple[int, int, int, int, str]  # row, column, rowspan, colspan, text


def _place(rows: list[list[_TableCell]]) -> list[Placement]:
    """Where each cell sits in the grid, rowspan and colspan applied as browsers do."""
    taken: list[set[int]] = [set() for _ in rows]
    placed: list[Placement] = []
    for r, row in enumerate(rows):
        col = 0
        for cell in row:
            while col in taken[r]:
                col += 1
            if col >= _MAX_COLUMNS:
                break  # absurd markup: the rest of the row is dropped
            rowspan = len(rows) - r if cell.rowspan == 0 else min(cell.rowspan, len(rows) - r)
            colspan = min(cell.colspan, _MAX_COLUMNS - col)
            for dr in range(rowspan):
                taken[r + dr].update(range(col, col + colspan))
            placed.append((r, col, rowspan, colspan, cell.box.joined()))
            col += colspan
    return placed


def _spare_columns(placed: list[Placement], nrows: int) -> set[int]:
    """Misaligned-edge columns: no cell has one to itself, rows disagree on its side.

    Word's "misaligned columns": when a row's cell edge sits a little off the edge of the
    rows above, the exported grid gains a sliver column that no cell has to itself; one
    row's cell spans it with the column on its left (and ends there), another's with the
    column on its right (and starts there). Read as a column of its own, it shifts the
    rows' numbers against their headers. Such a column is spare when every cell covering it
    also covers a column that is kept. Rows with no text (Word's closing row of empty cells,
    one per grid column) are not counted.
    """
    texts = [False] * nrows
    for r, _, _, _, text in placed:
        texts[r] = texts[r] or bool(text)
    placed = [p for p in placed if texts[p[0]]]
    own = {col for _, col, _, colspan, _ in placed if colspan == 1}
    starts = {col for _, col, _, colspan, _ in placed if colspan > 1}
    ends = {col + colspan - 1 for _, col, _, colspan, _ in placed if colspan > 1}
    spare: set[int] = set()
    for c in sorted((starts & ends) - own):
        covering = [(col, col + colspan) for _, col, _, colspan, _ in placed if col <= c < col + colspan]
        if all(any(k != c and k not in spare for k in range(a, b)) for a, b in covering):
            spare.add(c)
    return spare


def _span(attrs: str, name: str, default: int) -> int:
    """A rowspan/colspan value as browsers read it: leading digits, else the default."""
    match = _SPAN_ATTR[name].search(attrs)
    if not match:
        return default
    return min(int(match.group(1)), _MAX_COLSPAN if name == "colspan" else _MAX_ROWSPAN)


def _tokens(text: str) -> Iterator[tuple[str, str, str]]:
    """(kind, name or text, attribute text) for each tag and text run of ``text``.

    Comments, doctypes and processing instructions are dropped; the content of
    ``<script>``/``<style>`` is skipped up to their end tag, that of ``<textarea>``/
    ``<xmp>`` is text; entities in text are decoded. Tags that cannot matter (``<span>``,
    ``<font>``, ...) are dropped here. A ``<`` that starts no tag is text, as in browsers.
    """
    pos = 0
    for match in _TOKEN.finditer(text):
        start = match.start()
        if start < pos:
            continue  # inside raw text skipped below
        if start > pos:
            yield _TEXT, _unescape(text[pos:start]), ""
        pos = match.end()
        name = match.group("start")
        if name is not None:
            name = name.lower()
            if name not in _INTERESTING_TAGS:
                continue
            attrs = match.group("attrs")
            yield _START, name, attrs
            if name in _RAW_TEXT_TAGS:
                close = _RAW_TEXT_END[name].search(text, pos)
                stop = close.start() if close else len(text)
                if name in ("textarea", "xmp") and stop > pos:
                    raw = text[pos:stop]
                    yield _TEXT, _unescape(raw) if name == "textarea" else raw, ""
                pos = close.end() if close else len(text)
                yield _END, name, ""
            elif attrs.endswith("/") and name in _SELF_CLOSABLE:
                yield _END, name, ""
        else:
            name = match.group("end")
            if name is not None:
                name = name.lower()
                if name in _INTERESTING_TAGS:
                    yield _END, name, ""
    if pos < len(text):
        yield _TEXT, _unescape(text[pos:]), ""


def _unescape(text: str) -> str:
    return html.unescape(text) if "&" in text else text


class _Parser:
    """Streams tokens into boxes and tables; :meth:`finish` returns the output rows."""

    def __init__(self) -> None:
        self.root = _Box()
        self.stack: list[tuple[_Table, _Box]] = []  # open tables and the box each sits in
        self.skip: list[str] = []
        self.title: list[str] = []  # the text of <title>: not shown on the page
        self.in_head = False
        self.pre = 0

    def feed(self, text: str) -> None:
        start, end, data = self.handle_starttag, self.handle_endtag, self.handle_data
        for kind, value, attrs in _tokens(text):
            if kind is _TEXT:
                data(value)
            elif kind is _START:
                start(value, attrs)
            else:
                end(value)

    # -- where text goes
    def _box(self) -> _Box:
        return self.stack[-1][0].box() if self.stack else self.root

    def _table(self) -> Optional[_Table]:
        return self.stack[-1][0] if self.stack else None

    # -- token handlers
    def handle_starttag(self, tag: str, attrs: str) -> None:
        if self.in_head:
            if tag in _HEAD_TAGS:
                if tag in _SKIP_TAGS:
                    self.skip.append(tag)
                return
            self.in_head = False
        if tag == "body":
            self.skip.clear()
        if self.skip:
            if tag in _SKIP_TAGS:
                self.skip.append(tag)
            return
        self._start(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False
            return
        if self.skip:
            if tag in self.skip:
                while self.skip.pop() != tag:
                    pass
            return
        self._end(tag)

    def handle_data(self, data: str) -> None:
        if self.skip:
            if self.skip == ["title"]:  # not an <svg>'s
                self.title.append(data)
            return
        if self.in_head:
            if not data.strip():
                return
            self.in_head = False
        box = self._box()
        if self.pre:
            first, *rest = data.split("\n")
            box.add(first)
            for line in rest:
                box.boundary()
                box.add(line)
        else:
            box.add(data)

    # -- tags
    def _start(self, tag: str, attrs: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip.append(tag)
        elif tag == "head":
            self.in_head = True
        elif tag == "table":
            box = self._box()
            box.boundary()
            self.stack.append((_Table(), box))
        elif tag in _CELL_TAGS:
            rowspan, colspan = _span(attrs, "rowspan", 1), max(1, _span(attrs, "colspan", 1))
            self._ensure_table().start_cell(rowspan, colspan)
        elif tag == "tr":
            self._ensure_table().start_row()
        elif tag in _ROW_GROUP_TAGS:
            if self.stack:
                self._table().end_row()
        elif tag == "br" or tag in _BLOCK_TAGS:
            if tag == "pre":
                self.pre += 1
            self._box().boundary()
        elif tag == "img":
            match = _SRC.search(attrs)
            src = next((g for g in match.groups() if g is not None), "") if match else ""
            if src.strip():
                self._box().add_picture(html.unescape(src.strip()))

    def _end(self, tag: str) -> None:
        table = self._table()
        if tag == "table":
            if table is not None:
                self._close_table()
        elif tag in _CELL_TAGS:
            if table is not None:
                table.end_cell()
        elif tag == "tr" or tag in _ROW_GROUP_TAGS:
            if table is not None:
                table.end_row()
        elif tag == "br" or tag in _BLOCK_TAGS:
            if tag == "pre" and self.pre:
                self.pre -= 1
            self._box().boundary()

    def _ensure_table(self) -> _Table:
        """The innermost open table; a cell or row outside any table opens one."""
        if not self.stack:
            self._start("table", "")
        return self._table()

    def _close_table(self) -> None:
        table, parent = self.stack.pop()
        parent.add_rows(table.finish())

    def finish(self) -> list[RawRow]:
        """Close what is still open and return every output row."""
        while self.stack:
            self._close_table()
        return self.root.flow_rows()
