"""Render a report's blocks as a text file in one of the text families.

Families: tabs, markdown, cells, layout, raw, crawler (and wording, printed as tabs) (see :mod:`.text_tables` and
:mod:`.text_layout`). ``layout`` and ``raw`` also wrap paragraphs and add page breaks
(form feeds) with page numbers such as "- 4 -", as pdftotext does.
"""

from __future__ import annotations

import random

from .document import Block
from .text_layout import grid_lines, width, wrap
from .text_tables import cells_lines, crawler_line, markdown_lines, tabs_lines


def table_lines(rng: random.Random, family: str, block: Block, drifting: bool) -> list[str]:
    grid = block.grid
    if family in ("tabs", "wording"):
        return tabs_lines(rng, grid)
    if family == "markdown":
        return markdown_lines(rng, grid, drifting)
    if family == "cells":
        return cells_lines(rng, grid)
    if family == "crawler":
        return [crawler_line(grid)]
    return grid_lines(rng, grid, raw=family == "raw")


def prose_lines(rng: random.Random, family: str, block: Block, line_width: int) -> list[str]:
    text = block.text
    if family == "markdown" and block.kind == "heading":
        return [rng.choice(["## ", "### ", "#### "]) + text]
    if family not in ("layout", "raw"):
        return [text]
    if block.kind == "title":
        pad = max(0, (line_width - width(text)) // 2) if family == "layout" else 0
        return [" " * pad + text]
    if block.kind == "sign":
        return [" " * max(0, line_width - width(text)) + text if family == "layout" else text]
    indent = "    " if block.kind == "para" and family == "layout" else ""
    return [indent + line if i == 0 else line for i, line in enumerate(wrap(text, line_width))]


def paginate(rng: random.Random, lines: list[str], line_width: int, layout: bool) -> list[str]:
    """Break into pages ending with a page number; a form feed starts each new page."""
    per_page = rng.randint(40, 60)
    out: list[str] = []
    for page, i in enumerate(range(0, len(lines), per_page), start=1):
        chunk = lines[i:i + per_page]
        if page > 1 and chunk:
            chunk = ["\f" + chunk[0]] + chunk[1:]
        number = f"- {page} -" if rng.random() < 0.8 else str(page)
        pad = (line_width - len(number)) // 2 if layout else 0
        out.extend(chunk + ["", " " * pad + number])
    return out


def render_text(rng: random.Random, family: str, blocks: list[Block]) -> str:
    """The whole document as one string (line ends and encoding are chosen by the caller)."""
    line_width = rng.randint(70, 92)
    drifting = rng.random() < 0.6
    spacing = rng.random() < 0.6 and family not in ("cells",)
    lines: list[str] = [] if rng.random() < 0.5 else [""]
    for block in blocks:
        if block.kind == "table":
            lines.extend(table_lines(rng, family, block, drifting))
        else:
            lines.extend(prose_lines(rng, family, block, line_width))
        if spacing:
            lines.append("")
    if family in ("layout", "raw"):
        lines = paginate(rng, lines, line_width, family == "layout")
    return "\n".join(lines).rstrip("\f\n") + "\n"
