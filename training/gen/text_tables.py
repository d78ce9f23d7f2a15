"""Table flatteners of the text families: tabs, markdown, cells and crawler.

- tabs: one line per grid row, cells joined by tabs, merged cells as empty fields;
- markdown: pipe tables; some rows drift one or two columns left or right, and a long
  table may be split in two by a page break;
- cells: Word's text export, one cell per line after a tab, rows separated by a blank line;
- crawler: a whole table on one line with no separators, digits of adjacent cells run together.
"""

from __future__ import annotations

import random

from .grid import Grid


def flat(text: str) -> str:
    return text.replace("\n", "")


def tabs_lines(rng: random.Random, grid: Grid) -> list[str]:
    rows = grid.word_rows() if rng.random() < 0.3 else grid.expanded()
    out = []
    for row in rows:
        out.append("\t".join(flat(t) for t in row))
        if rng.random() < 0.04:
            out.append("")
    return out


def drift(rng: random.Random, row: list[str]) -> list[str]:
    """Shift a row's cells left (drop leading empties) or right (insert one)."""
    if rng.random() < 0.75:
        lead = 0
        while lead < len(row) - 1 and row[lead] == "":
            lead += 1
        k = min(lead, rng.randint(1, 2))
        return row[k:] if k else row
    return [""] + row


def pipe(row: list[str], width: int) -> str:
    cells = [flat(t) for t in row] + [""] * (width - len(row))
    return "| " + " | ".join(cells) + " |"


def pipe_table(rows: list[list[str]], width: int) -> list[str]:
    sep = "|" + "|".join("-" * 8 for _ in range(width)) + "|"
    return [pipe(rows[0], width), sep] + [pipe(r, width) for r in rows[1:]]


def markdown_lines(rng: random.Random, grid: Grid, drifting: bool) -> list[str]:
    rows = grid.expanded()
    if drifting and grid.name == "requests":
        body = [drift(rng, r) if rng.random() < 0.25 else r for r in rows[grid.header_rows:]]
        rows = rows[:grid.header_rows] + body
    width = max(len(r) for r in rows)
    split = rng.random() < 0.35 and len(rows) > 8
    if not split:
        return pipe_table(rows, width)
    cut = rng.randint(grid.header_rows + 2, len(rows) - 2)
    second = [[""] * width] + rows[cut:]
    return pipe_table(rows[:cut], width) + [""] + pipe_table(second, width)


def cells_lines(rng: random.Random, grid: Grid) -> list[str]:
    out = []
    for row in grid.word_rows():
        for text in row:
            if text and text[0].isdigit() and rng.random() < 0.05:
                text = rng.choice(["\u3000" + text, text + " ", " " + text])
            out.append("\t" + text)
        out.append("")
    return out


def crawler_line(grid: Grid) -> str:
    cells = sorted(grid.cells, key=lambda c: (c.row, c.col))
    return "".join(flat(c.text) for c in cells)
