"""Draw a grid as a PDF table: column widths, wrapped cells, page breaks, rules.

Rows are placed top to bottom and move to a new page when they do not fit (or where a
forced break is asked for); the header rows may be repeated on the new page. A merged
cell that crosses a page break is drawn in pieces and its text lines are shared out
between the pieces, as word processors do (“（四）无” / “法提供”). Rules are drawn for
every cell, for rows only (horizontal), as an outer frame, or not at all.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from .grid import Cell, Grid
from .pdf_text import CJK_FONT, font_for, text_width, wrap, write

UNIT = re.compile(r"^(.*?)(万元|元)?$", re.S)


@dataclass
class TableOpts:
    size: float
    pad: float
    rules: str  # all | horizontal | frame | none
    digit_font: str
    value_align: str  # center | right
    label_align: str  # left | center
    repeat_header: bool = False
    breaks: set[int] = field(default_factory=set)
    shade_titles: bool = False
    narrow_cols: dict[int, float] = field(default_factory=dict)  # col -> absolute width
    full_repeat: bool = False  # a repeated header prints its whole text on every page


def column_widths(grid: Grid, total: float, opts: TableOpts, rng: random.Random) -> list[float]:
    weights = [w * rng.uniform(0.85, 1.2) for w in grid.col_weights]
    fixed = sum(opts.narrow_cols.values())
    free = sum(w for k, w in enumerate(weights) if k not in opts.narrow_cols)
    return [opts.narrow_cols.get(k, (total - fixed) * w / free) for k, w in enumerate(weights)]


def inner_width(cell: Cell, widths: list[float], opts: TableOpts) -> float:
    return sum(widths[cell.col:cell.col + cell.colspan]) - 2 * opts.pad


def lines_of(cell: Cell, widths: list[float], opts: TableOpts) -> list[str]:
    """A cell's text lines: labels wrap, numbers never break (a unit may go below)."""
    if not cell.text:
        return []
    if cell.vertical:
        return [ch for ch in cell.text if ch.strip()]
    inner = inner_width(cell, widths, opts)
    if cell.role != "value":
        return wrap(cell.text, inner, opts.size, font_for(cell.text, opts.digit_font))
    number, unit = UNIT.match(cell.text).groups()
    if unit and text_width(cell.text, CJK_FONT, opts.size) > inner:
        return [number.strip(), unit]
    return [cell.text]


def fit_size(line: str, name: str, inner: float, size: float) -> float:
    """Shrink the font of a number that would not fit its cell."""
    w = text_width(line, name, size)
    return size if w <= inner or not w else max(size * inner / w, size * 0.6)


def row_heights(grid: Grid, lines: dict, opts: TableOpts) -> list[float]:
    lh = opts.size * 1.3
    heights = [lh + 2 * opts.pad] * grid.nrows
    for cell in sorted(grid.cells, key=lambda c: c.rowspan):
        need = len(lines[id(cell)]) * lh + 2 * opts.pad
        have = sum(heights[cell.row:cell.row + cell.rowspan])
        if need > have:
            heights[cell.row + cell.rowspan - 1] += need - have
    return heights


def place_rows(flow, grid: Grid, heights: list[float], opts: TableOpts) -> list[tuple[int, int, float]]:
    """(grid row, page index, top y) of every placed row, breaking pages as needed."""
    placed, y = [], flow.y
    head = sum(heights[:grid.header_rows + 1])
    for r in range(grid.nrows):
        forced = r in opts.breaks and placed
        too_low = y + (head if r == 0 else heights[r]) > flow.bottom
        if (forced or too_low) and not 0 < r <= grid.header_rows:
            flow.break_page()
            y = flow.top
            if opts.repeat_header and r >= grid.header_rows:
                for h in range(grid.header_rows):
                    placed.append((h, flow.index, y))
                    y += heights[h]
        placed.append((r, flow.index, y))
        y += heights[r]
    flow.y = y + opts.size
    return placed


def segments(cell: Cell, placed: list, heights: list[float]) -> list[tuple[int, float, float]]:
    """(page, top, bottom) pieces of a cell, one per page it appears on."""
    pieces: dict[int, list[float]] = {}
    for r, page, y in placed:
        if cell.row <= r < cell.row + cell.rowspan:
            top, bottom = pieces.get(page, [y, y + heights[r]])
            pieces[page] = [min(top, y), max(bottom, y + heights[r])]
    return [(p, t, b) for p, (t, b) in pieces.items()]


def share_lines(lines: list[str], segs: list) -> list[list[str]]:
    """Share a cell's text lines between its pieces, in proportion to their heights."""
    if len(segs) == 1:
        return [lines]
    total = sum(b - t for _, t, b in segs)
    out, start = [], 0
    for i, (_, t, b) in enumerate(segs):
        n = len(lines) - start if i == len(segs) - 1 else round(len(lines) * (b - t) / total)
        out.append(lines[start:start + n])
        start += n
    return out


def text_x(cell: Cell, line: str, x0: float, x1: float, opts: TableOpts, name: str, size: float) -> float:
    w = text_width(line, name, size)
    align = opts.value_align if cell.role == "value" else opts.label_align
    if cell.role in ("header", "title", "note") or cell.vertical:
        align = "center"
    if align == "right":
        return x1 - opts.pad - w
    if align == "center":
        return (x0 + x1 - w) / 2
    return x0 + opts.pad


def draw_piece(flow, cell: Cell, box: tuple, lines: list[str], opts: TableOpts) -> None:
    ops = flow.pages[box[0]].ops
    x0, top, x1, bottom = box[1:]
    if opts.shade_titles and cell.role == "title":
        ops.append(("fill", (x0, top, x1, bottom)))
    if opts.rules == "all":
        ops.append(("rect", (x0, top, x1, bottom)))
    elif opts.rules == "horizontal":
        ops.append(("line", (x0, top), (x1, top)))
        ops.append(("line", (x0, bottom), (x1, bottom)))
    lh = opts.size * 1.3
    y = (top + bottom - lh * len(lines)) / 2 + opts.size * 0.15
    for line in lines:
        name = font_for(line, opts.digit_font) if not cell.vertical else CJK_FONT
        size = opts.size
        if cell.role == "value":
            size = fit_size(line, name, x1 - x0 - 2 * opts.pad, size)
        write(ops, text_x(cell, line, x0, x1, opts, name, size), y, line, size, name)
        y += lh


def draw_frames(flow, placed: list, heights: list[float], x0: float, x1: float) -> None:
    for page in sorted({p for _, p, _ in placed}):
        ys = [(y, y + heights[r]) for r, p, y in placed if p == page]
        flow.pages[page].ops.append(("rect", (x0, min(t for t, _ in ys), x1, max(b for _, b in ys))))


def draw_table(flow, grid: Grid, opts: TableOpts, rng: random.Random) -> tuple[list, list, list]:
    """Draw the grid; return its layout: column edges, placed rows (see place_rows), row heights."""
    widths = column_widths(grid, flow.right - flow.left, opts, rng)
    xs = [flow.left + sum(widths[:k]) for k in range(grid.ncols + 1)]
    lines = {id(c): lines_of(c, widths, opts) for c in grid.cells}
    heights = row_heights(grid, lines, opts)
    placed = place_rows(flow, grid, heights, opts)
    for cell in sorted(grid.cells, key=lambda c: (c.row, c.col)):
        segs = segments(cell, placed, heights)
        parts = share_lines(lines[id(cell)], segs)
        if opts.full_repeat and cell.row < grid.header_rows:
            parts = [lines[id(cell)]] * len(segs)
        for (page, top, bottom), part in zip(segs, parts):
            box = (page, xs[cell.col], top, xs[cell.col + cell.colspan], bottom)
            draw_piece(flow, cell, box, part, opts)
    if opts.rules == "frame":
        draw_frames(flow, placed, heights, xs[0], xs[-1])
    return xs, placed, heights
