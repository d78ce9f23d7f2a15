"""Render a report as a born-digital PDF in one of the PDF layout families.

- ruled: every grid line drawn;
- borderless: no lines;
- partly_ruled: horizontal rules only, or an outer frame only;
- vgroup: ruled, 三、本年度办理结果 and long parent labels such as （三）不予公开
  written one character per line in narrow merged cells;
- multipage: table 三 forced over 2–3 pages, header repeated or not, “- N -” page numbers;
- landscape: sections 二 to 四 on landscape pages.

The held-out families (:data:`training.gen.pdf_heldout.HELD_OUT_PDF`) are drawn by
:mod:`training.gen.pdf_heldout`.

Per document it chooses the table font size (9–12 pt), padding, rules, alignment and
number font; per table the family's specials.
"""

from __future__ import annotations

import random

from .document import Block
from .grid import Grid
from .pdf_heldout import HELD_OUT_PDF, render_heldout
from .pdf_render import Flow, write_block
from .pdf_table import TableOpts, draw_table

RULES = {"ruled": "all", "borderless": "none", "vgroup": "all", "multipage": "all", "landscape": "all"}


def base_opts(rng: random.Random, family: str) -> TableOpts:
    rules = RULES.get(family) or rng.choice(["horizontal", "frame"])
    if family in ("multipage", "landscape") and rng.random() < 0.3:
        rules = rng.choice(["horizontal", "none"])
    return TableOpts(size=rng.choice([9, 9, 9.5, 10, 10.5, 11, 12]), pad=rng.uniform(2, 6), rules=rules,
                     digit_font=rng.choice(["tiro", "helv"]),
                     value_align=rng.choice(["center", "center", "right"]),
                     label_align=rng.choice(["left", "center"]), shade_titles=rng.random() < 0.3)


def vgroup_specials(grid: Grid, opts: TableOpts) -> None:
    """Narrow columns with one character per line for the row-group and long parent labels."""
    if grid.name != "requests":
        return
    opts.narrow_cols = {0: opts.size * 1.2 + 2 * opts.pad + 4, 1: opts.size * 3.2 + 2 * opts.pad}
    for cell in grid.cells:
        if cell.role == "group" and cell.rowspan > 1:
            cell.vertical = True
        if cell.role == "parent" and cell.rowspan >= 5:
            cell.vertical = True


def multipage_specials(rng: random.Random, grid: Grid, opts: TableOpts) -> None:
    """Force table 三 over 2–3 pages, with or without a repeated header."""
    if grid.name != "requests" or grid.nrows < 8:
        return
    candidates = list(range(grid.header_rows + 2, grid.nrows - 1))
    opts.breaks = set(rng.sample(candidates, min(len(candidates), rng.randint(1, 2))))
    opts.repeat_header = rng.random() < 0.5


def table_opts(rng: random.Random, family: str, base: TableOpts, grid: Grid) -> TableOpts:
    opts = TableOpts(**{**base.__dict__, "breaks": set(), "narrow_cols": {}})
    if family == "vgroup":
        vgroup_specials(grid, opts)
    elif family == "multipage":
        multipage_specials(rng, grid, opts)
    return opts


def render_pdf(rng: random.Random, family: str, blocks: list[Block], embed: bool = False,
               writer: str = "plain") -> bytes:
    """The report as a PDF; ``embed``: fonts embedded as subsets, ``writer``: how its
    content streams are written (:meth:`Flow.finish`)."""
    if family in HELD_OUT_PDF:
        return render_heldout(rng, family, blocks, embed, writer)
    flow = Flow(rng, page_numbers=family == "multipage" or rng.random() < 0.5)
    body = rng.choice([10, 10.5, 11, 12])
    base = base_opts(rng, family)
    for block in blocks:
        if family == "landscape" and block.kind == "heading" and block.section in ("two", "five"):
            flow.break_page(landscape=block.section == "two")
        if block.kind == "table":
            draw_table(flow, block.grid, table_opts(rng, family, base, block.grid), rng)
        else:
            write_block(flow, block, body)
    title = "".join(b.text for b in blocks if b.kind == "title")
    return flow.finish(title, embed, writer)
