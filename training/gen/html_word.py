"""The ``html_word`` family: reports as government sites really publish web pages.

Each document is written by one producer, chosen at random: Word's or WPS's "Save as
Web Page" (:mod:`.html_office`) or a site's content editor (:mod:`.html_cms`). Its
charset is declared in ``<meta charset>``, only in ``<meta http-equiv=Content-Type>``, or
not at all (GBK bytes); a GB2312 declaration is written in GBK bytes, as browsers read it.
A long table is sometimes cut in two at a page break (a page converted from PDF, or
typed page by page), its second part repeating the header rows or not; a merged cell cut
by the break keeps its text in the part that holds more of its rows.

The family is made only when named (``--families html_word``), so the seeded sets of the
ordinary families do not change.
"""

from __future__ import annotations

import random

from .document import Block
from .grid import Grid
from .html_cms import cms_page
from .html_office import office_page

SPLIT_TABLE = 0.35  # chance that one long table is cut in two
REPEAT_HEADER = 0.5  # chance that the second part repeats the header rows
MISALIGNED = 0.4  # chance that a Word or WPS page's tables have misaligned columns
MISDECLARED = 0.08  # chance that a page declares a charset its bytes are not in
SLIVER = 0.05  # width of a misalignment column, relative to the table's columns


def split_grid(rng: random.Random, grid: Grid) -> list[Grid]:
    """The grid cut before a random body row; the cut is never in the header."""
    low, high = grid.header_rows + 1, grid.nrows - 1
    if high <= low:
        return [grid]
    cut = rng.randint(low, high)
    repeat = grid.header_rows if rng.random() < REPEAT_HEADER else 0
    top = Grid(grid.name, cut, grid.ncols, header_rows=grid.header_rows, col_weights=grid.col_weights)
    bottom = Grid(grid.name, grid.nrows - cut + repeat, grid.ncols, header_rows=repeat,
                  col_weights=grid.col_weights)
    for c in grid.cells:
        kw = dict(colspan=c.colspan, role=c.role, field=c.field)
        end = c.row + c.rowspan
        if end <= cut:
            top.add(c.row, c.col, c.text, rowspan=c.rowspan, **kw)
            if c.row < repeat:
                bottom.add(c.row, c.col, c.text, rowspan=c.rowspan, **kw)
        elif c.row >= cut:
            bottom.add(c.row - cut + repeat, c.col, c.text, rowspan=c.rowspan, **kw)
        else:
            above, below = cut - c.row, end - cut
            top.add(c.row, c.col, c.text if above >= below else "", rowspan=above, **kw)
            bottom.add(repeat, c.col, "" if above >= below else c.text, rowspan=below, **kw)
    return [top, bottom]


def _row_groups(grid: Grid, boundary: int) -> list[int]:
    """Per row, the first row of the run of rows a merged cell on ``boundary`` ties it to."""
    first = list(range(grid.nrows))
    for c in sorted(grid.cells, key=lambda c: c.row):
        if c.rowspan > 1 and boundary in (c.col, c.col + c.colspan):
            for r in range(c.row + 1, c.row + c.rowspan):
                first[r] = first[c.row]
    return first


def misalign(rng: random.Random, grid: Grid) -> Grid:
    """The grid with Word's misaligned columns.

    When a row's cell edge sits a few points off the edge of the rows above, Word's
    exported grid gains a sliver column there: in some rows the cell left of the edge spans
    it, in others the cell right of it does. A merged cell keeps one edge over its rows.
    """
    left_owns = {}  # boundary -> per row: the sliver belongs to the cell on the left
    for j in rng.sample(range(1, grid.ncols), min(grid.ncols - 1, rng.randint(1, 3))):
        first = _row_groups(grid, j)
        edged = sorted({first[r] for c in grid.cells if j in (c.col, c.col + c.colspan)
                        for r in range(c.row, c.row + c.rowspan)})
        if len(edged) < 2:
            continue  # Word makes a sliver only where rows put an edge on either side of it
        usual = rng.random() < 0.5
        choice = {g: (usual if rng.random() < 0.75 else not usual) for g in edged}
        if len(set(choice.values())) == 1:
            choice[rng.choice(edged)] = not usual
        left_owns[j] = [choice.get(first[r], usual) for r in range(grid.nrows)]
    bounds = sorted(left_owns)

    def new(k: int) -> int:
        return k + sum(1 for j in bounds if j <= k)

    out = Grid(grid.name, grid.nrows, grid.ncols + len(bounds), header_rows=grid.header_rows)
    weights = grid.col_weights or [1.0] * grid.ncols
    out.col_weights = [w for k, w in enumerate(weights) for w in ([SLIVER, w] if k in bounds else [w])]
    for c in grid.cells:
        a, b = c.col, c.col + c.colspan
        start = new(a) - (a in bounds and not left_owns[a][c.row])
        end = new(b) - (b in bounds and not left_owns[b][c.row])
        out.add(c.row, start, c.text, rowspan=c.rowspan, colspan=end - start, role=c.role, field=c.field)
    return out


def page_blocks(rng: random.Random, blocks: list[Block], producer: str) -> list[Block]:
    """The blocks with, sometimes, misaligned columns and the longest table cut in two."""
    if producer != "cms" and rng.random() < MISALIGNED:
        blocks = [Block("table", grid=misalign(rng, b.grid), section=b.section)
                  if b.kind == "table" and b.grid.ncols > 1 else b for b in blocks]
    tables = [b for b in blocks if b.kind == "table" and b.grid.nrows >= 6]
    if not tables or rng.random() >= SPLIT_TABLE:
        return blocks
    target = max(tables, key=lambda b: b.grid.nrows)
    out = []
    for block in blocks:
        if block is not target:
            out.append(block)
            continue
        parts = split_grid(rng, block.grid)
        for k, part in enumerate(parts):
            if k:
                out.append(Block("break", section=block.section))
            out.append(Block("table", grid=part, section=block.section))
    return out


def charset_choice(rng: random.Random, producer: str) -> tuple[str, str, str]:
    """(encoding of the bytes, charset named, how it is declared: meta | http-equiv | none)."""
    if producer != "cms":
        return ("utf-8", "utf-8", "http-equiv") if rng.random() < 0.3 else ("gbk", "gb2312", "http-equiv")
    way = rng.choice(["meta", "http-equiv", "http-equiv", "none"])
    if way == "meta":
        return "utf-8", "utf-8", way
    if way == "none":
        return ("gbk", "", way) if rng.random() < 0.7 else ("utf-8", "", way)
    encoding = "gbk" if rng.random() < 0.7 else "utf-8"
    named = rng.choice(["gb2312", "GBK", "gb2312"]) if encoding == "gbk" else "utf-8"
    if rng.random() < MISDECLARED:  # a saved page keeps the template's declaration
        named = "utf-8" if encoding == "gbk" else "gb2312"
    return encoding, named, way


def meta_tag(charset: str, way: str) -> str:
    if way == "meta":
        return f'<meta charset="{charset}">'
    if way == "http-equiv":
        return f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    return ""


def page_text(rng: random.Random, blocks: list[Block], agency: str, producer: str, charset: str, way: str) -> str:
    if producer == "cms":
        return cms_page(rng, blocks, meta_tag(charset, way), agency)
    return office_page(rng, blocks, charset, wps=producer == "wps")


def render_html_word(rng: random.Random, blocks: list[Block], agency: str) -> tuple[bytes, list[str]]:
    """The page's bytes and notes (producer, encoding, declaration)."""
    producer = rng.choice(["word", "wps", "cms"])
    encoding, charset, way = charset_choice(rng, producer)
    blocks = page_blocks(rng, blocks, producer)
    state = rng.getstate()
    page = page_text(rng, blocks, agency, producer, charset, way)
    try:
        data = page.encode(encoding)
    except UnicodeEncodeError:  # a character GBK lacks: the page is published in UTF-8
        rng.setstate(state)
        encoding, charset = "utf-8", "utf-8" if way != "none" else ""
        data = page_text(rng, blocks, agency, producer, charset, way).encode(encoding)
    return data, [f"producer={producer}", f"encoding={encoding}", f"declared={way}"]
