"""Render a report as a web page: headings and paragraphs, tables with rowspan/colspan.

Variations seen on government sites: cells wrapped in <p> with inline styles, blank cells
as &nbsp;, a vertical row-group label written with <br/> between characters, and a GBK
page (declared in the meta tag) instead of UTF-8.
"""

from __future__ import annotations

import html
import random

from .document import Block
from .grid import Cell, Grid


def cell_html(rng: random.Random, cell: Cell, wrap_p: bool, vertical: bool) -> str:
    text = html.escape(cell.text).replace("\n", "<br/>")
    if vertical and cell.role == "group":
        text = "<br/>".join(html.escape(ch) for ch in cell.text)
    if not text:
        text = "&nbsp;" if rng.random() < 0.7 else ""
    elif rng.random() < 0.05:
        text = "&nbsp;" + text
    if wrap_p:
        text = f'<p style="text-align:center;line-height:150%"><span style="font-size:10.5pt">{text}</span></p>'
    attrs = ""
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    tag = "th" if cell.role in ("header", "title") and rng.random() < 0.1 else "td"
    return f"<{tag}{attrs}>{text}</{tag}>"


def table_html(rng: random.Random, grid: Grid) -> str:
    wrap_p = rng.random() < 0.4
    vertical = rng.random() < 0.4
    border = rng.choice(['border="1" cellspacing="0" cellpadding="0"', 'class="MsoNormalTable"', ""])
    lines = [f"<table {border}>".replace(" >", ">"), "<tbody>"]
    for r in range(grid.nrows):
        cells = "".join(cell_html(rng, c, wrap_p, vertical) for c in grid.row_cells(r))
        lines.append(f"<tr>{cells}</tr>")
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def block_html(rng: random.Random, block: Block) -> str:
    text = html.escape(block.text)
    if block.kind == "table":
        return table_html(rng, block.grid)
    if block.kind == "title":
        return f'<p class="title" style="text-align:center"><strong>{text}</strong></p>'
    if block.kind == "heading":
        return rng.choice([f"<h3>{text}</h3>", f"<p><strong>{text}</strong></p>", f"<p>{text}</p>"])
    if block.kind == "sign":
        return f'<p style="text-align:right">{text}</p>'
    return f'<p style="text-indent:2em">{text}</p>'


def render_html(rng: random.Random, blocks: list[Block], charset: str, block=block_html) -> str:
    """The page; ``block(rng, b)`` writes each block (default :func:`block_html`)."""
    title = html.escape(" ".join(b.text for b in blocks if b.kind == "title"))
    head = (f'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="{charset}">\n'
            f"<title>{title}</title>\n</head>\n<body>\n<div class=\"article\">")
    body = "\n".join(block(rng, b) for b in blocks)
    return f"{head}\n{body}\n</div>\n</body>\n</html>\n"
