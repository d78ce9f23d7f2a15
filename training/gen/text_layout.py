"""Place a grid's cells on a character canvas, as ``pdftotext -layout`` / ``-raw`` print them.

Cells are wrapped to a column width, vertically centred in their (merged) rows, and a
narrow merged cell may be printed one character per line (a vertical row-group label).
``layout`` pads pieces to their columns (CJK characters are two columns wide); ``raw``
joins the pieces of a line with single spaces.
"""

from __future__ import annotations

import random
import unicodedata

from .grid import Cell, Grid


def width(text: str) -> int:
    """Display width: East-Asian wide and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, cap: int) -> list[str]:
    """Wrap text to at most ``cap`` display columns per line (explicit newlines kept)."""
    lines = []
    for part in text.split("\n"):
        line = ""
        for ch in part:
            if line and width(line + ch) > cap:
                lines.append(line)
                line = ""
            line += ch
        lines.append(line)
    return lines


def cell_lines(cell: Cell, cap: int) -> list[str]:
    if not cell.text:
        return []
    if cell.vertical:
        return [ch for ch in cell.text.replace("\n", "") if ch.strip()]
    return wrap(cell.text, cap if cell.role != "value" else 999)


def column_widths(grid: Grid, lines: dict, minimum: int) -> list[int]:
    widths = [minimum] * grid.ncols
    for cell in grid.cells:
        if cell.colspan == 1 and lines[id(cell)]:
            widths[cell.col] = max(widths[cell.col], max(width(t) for t in lines[id(cell)]))
    return widths


def row_heights(grid: Grid, lines: dict) -> list[int]:
    heights = [1] * grid.nrows
    for cell in grid.cells:
        if cell.rowspan == 1:
            heights[cell.row] = max(heights[cell.row], len(lines[id(cell)]))
    for cell in grid.cells:
        need = len(lines[id(cell)])
        have = sum(heights[cell.row:cell.row + cell.rowspan])
        if need > have:
            heights[cell.row + cell.rowspan - 1] += need - have
    return heights


def place(grid: Grid, cap: int, gap: int, align_right: bool) -> list[list[tuple[int, str]]]:
    """Pieces (x, text) of every canvas line of the grid."""
    lines = {id(c): cell_lines(c, cap) for c in grid.cells}
    widths = column_widths(grid, lines, 1)
    heights = row_heights(grid, lines)
    xs = [sum(widths[:k]) + gap * k for k in range(grid.ncols)]
    ys = [sum(heights[:r]) for r in range(grid.nrows)]
    canvas: list[list[tuple[int, str]]] = [[] for _ in range(sum(heights))]
    for cell in grid.cells:
        texts = lines[id(cell)]
        span_h = sum(heights[cell.row:cell.row + cell.rowspan])
        top = ys[cell.row] + (span_h - len(texts)) // 2
        span_w = xs[cell.col + cell.colspan - 1] + widths[cell.col + cell.colspan - 1] - xs[cell.col]
        for i, t in enumerate(texts):
            x = xs[cell.col]
            if cell.role == "value" and align_right:
                x += span_w - width(t)
            elif cell.role in ("header", "title") and cell.colspan > 1:
                x += max(0, (span_w - width(t)) // 2)
            canvas[top + i].append((x, t))
    return canvas


def join_layout(pieces: list[tuple[int, str]]) -> str:
    out = ""
    for x, text in sorted(pieces):
        pad = x - width(out)
        out += " " * (pad if pad > 0 else (1 if out else 0)) + text
    return out.rstrip()


def join_raw(pieces: list[tuple[int, str]]) -> str:
    return " ".join(t for _, t in sorted(pieces))


def grid_lines(rng: random.Random, grid: Grid, raw: bool) -> list[str]:
    """The grid printed as pdftotext would print a PDF table."""
    cap = rng.randint(14, 34)
    for cell in grid.cells:
        if cell.role == "group" and cell.rowspan > 3:
            cell.vertical = rng.random() < 0.5
    canvas = place(grid, cap, rng.randint(2, 5), rng.random() < 0.6)
    join = join_raw if raw else join_layout
    return [join(p) for p in canvas]
