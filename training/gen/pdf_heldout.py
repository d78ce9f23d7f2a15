"""Held-out PDF layout families: table drawings the PDF reader was never tuned on.

They are kept apart from the families of :mod:`training.gen.pdf_doc` so that evaluation
on them is a blind test (``HELD_OUT_FAMILIES`` in :mod:`training.generate`):

- cell_boxes: every cell framed on its own, as WPS and Word exports draw it: each border
  edge a separate thin filled bar (0.5 pt, shared edges doubled and a little apart), or
  cells set apart by a cell spacing of 1–2 pt so that every inner border is a double line;
- shaded: no ruling; header cells filled dark with white text, body rows banded in light
  grey, sometimes with white borders between the cells (present in the file, invisible);
- thick_frame: thick outer frame (1.5–2.25 pt) per page, thin inner lines drawn as
  separate segments, the header separated from the body by a double rule;
- dense: 7.5–8.5 pt type, tight padding, a table narrower than the text block, narrow
  label columns so that labels wrap over three lines and more;
- split_header: table 三 forced over 2–3 pages with its full three-row header repeated,
  a running header line (agency or report title over a rule) and a 第 N 页 共 M 页 footer
  on every page;
- label_right: table 三 with the sub-row numbers in a narrow column of their own
  (“1” | “属于国家秘密”), left of the sub-row labels and right of the parent labels.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace

from .document import Block
from .grid import Grid
from .pdf_render import Flow, write_block
from .pdf_table import TableOpts, draw_table, segments
from .pdf_text import CJK_FONT, font_for, text_width, write

HELD_OUT_PDF = ("cell_boxes", "shaded", "thick_frame", "dense", "split_header", "label_right")
RULES = {"cell_boxes": "none", "shaded": "none", "thick_frame": "none", "dense": "all"}
HEADER_ROLES = ("header", "title", "note")
BLACK, WHITE = (0.0, 0.0, 0.0), (1.0, 1.0, 1.0)
SUB_NUMBER = re.compile(r"^\s*[（(]?(\d+)[)）.、．]?\s*(.*)$", re.S)


class RunningFlow(Flow):
    """Pages with a running header over a rule and a “第 N 页 共 M 页” footer."""

    def __init__(self, rng: random.Random, header: str):
        super().__init__(rng, page_numbers=True)
        self.header = header
        self.footer = rng.choice(["第 {} 页 共 {} 页", "第{}页 共{}页", "第 {} 页，共 {} 页", "第{}页/共{}页"])
        self.header_align = rng.choice(["center", "right"])

    def add_page_numbers(self) -> None:
        for n, spec in enumerate(self.pages, start=1):
            left, right, size = self.margin, spec.width - self.margin, 9
            w = text_width(self.header, CJK_FONT, size)
            x = (left + right - w) / 2 if self.header_align == "center" else right - w
            y = self.margin * 0.45
            write(spec.ops, x, y, self.header, size, CJK_FONT)
            spec.ops.append(("paint", ((left, y + size * 1.4), (right, y + size * 1.4)), None, BLACK, 0.5))
            label = self.footer.format(n, len(self.pages))
            x = (spec.width - text_width(label, CJK_FONT, size)) / 2
            write(spec.ops, x, spec.height - self.margin * 0.55, label, size, CJK_FONT)


def running_header(rng: random.Random, blocks: list[Block]) -> str:
    titles = [b.text for b in blocks if b.kind == "title"]
    return rng.choice(["".join(titles), titles[0] + ("政府信息公开" if len(titles) > 1 else ""),
                       "政府信息公开工作年度报告"])


def document_opts(rng: random.Random, family: str) -> TableOpts:
    dense = family == "dense"
    return TableOpts(size=rng.choice([7.5, 8, 8.5]) if dense else rng.choice([9, 9.5, 10, 10.5, 11]),
                     pad=rng.uniform(0.8, 1.8) if dense else rng.uniform(2, 5),
                     rules=RULES.get(family) or rng.choice(["all", "all", "horizontal"]),
                     digit_font=rng.choice(["tiro", "helv"]),
                     value_align=rng.choice(["center", "center", "right"]),
                     label_align=rng.choice(["left", "center"]))


def document_look(rng: random.Random, family: str) -> dict:
    """The family's drawing choices for one document."""
    if family == "cell_boxes":
        return {"mode": rng.choice(["bars", "bars", "spaced"]), "width": rng.choice([0.5, 0.5, 0.75]),
                "gap": rng.uniform(1, 2), "colour": rng.choice([BLACK, BLACK, (0.3, 0.3, 0.3)])}
    if family == "shaded":
        grey = rng.uniform(0.88, 0.95)
        return {"dark": rng.choice([(0.25, 0.25, 0.25), (0.18, 0.3, 0.48), (0.27, 0.4, 0.55), (0.15, 0.35, 0.3)]),
                "band": (grey, grey, grey + 0.03 if grey < 0.95 else grey), "white_lines": rng.random() < 0.5}
    if family == "thick_frame":
        return {"thin": rng.choice([0.4, 0.5, 0.6]), "thick": rng.choice([1.5, 1.5, 2.0, 2.25]),
                "gap": rng.uniform(1.5, 2.5)}
    if family == "dense":
        return {"share": rng.uniform(0.55, 0.8), "align": rng.choice(["center", "left"])}
    if family == "label_right":
        return {"bare": rng.random() < 0.75}
    return {}


def pieces(grid: Grid, layout: tuple):
    """(cell, page, (x0, top, x1, bottom), first piece?) of every drawn cell piece."""
    xs, placed, heights = layout
    for cell in grid.cells:
        for i, (page, top, bottom) in enumerate(segments(cell, placed, heights)):
            yield cell, page, (xs[cell.col], top, xs[cell.col + cell.colspan], bottom), i == 0


def page_spans(layout: tuple) -> dict[int, tuple[float, float]]:
    """Top and bottom of the table on each page it is on."""
    _, placed, heights = layout
    spans: dict[int, tuple[float, float]] = {}
    for r, page, y in placed:
        top, bottom = spans.get(page, (y, y + heights[r]))
        spans[page] = (min(top, y), max(bottom, y + heights[r]))
    return spans


def draw_cell_boxes(flow: Flow, grid: Grid, layout: tuple, look: dict, rng: random.Random) -> None:
    w, colour = look["width"], look["colour"]
    for cell, page, (x0, top, x1, bottom), _ in pieces(grid, layout):
        ops = flow.pages[page].ops
        if look["mode"] == "spaced":
            g = look["gap"] / 2
            ops.append(("paint", (x0 + g, top + g, x1 - g, bottom - g), None, colour, w))
            continue
        for y in (top, bottom):
            j = rng.uniform(-0.3, 0.3)
            ops.append(("paint", (x0 - w / 2, y - w / 2 + j, x1 + w / 2, y + w / 2 + j), colour, None, 0))
        for x in (x0, x1):
            j = rng.uniform(-0.3, 0.3)
            ops.append(("paint", (x - w / 2 + j, top - w / 2, x + w / 2 + j, bottom + w / 2), colour, None, 0))


def recolour_text(ops: list, box: tuple, colour: tuple) -> None:
    x0, top, x1, bottom = box
    for i, op in enumerate(ops):
        if op[0] == "text" and len(op) == 5 and x0 <= op[1][0] <= x1 and top <= op[1][1] <= bottom:
            ops[i] = op + (colour,)


def draw_shaded(flow: Flow, grid: Grid, layout: tuple, look: dict, rng: random.Random) -> None:
    boxes = list(pieces(grid, layout))
    for cell, page, box, _ in boxes:
        ops = flow.pages[page].ops
        if cell.role in HEADER_ROLES:
            ops.append(("paint", box, look["dark"], None, 0))
            recolour_text(ops, box, WHITE)
        elif (cell.row - grid.header_rows) % 2:
            ops.append(("paint", box, look["band"], None, 0))
    for cell, page, box, _ in boxes if look["white_lines"] else []:
        flow.pages[page].ops.append(("paint", box, None, WHITE, 1.0))


def double_rule_rows(grid: Grid) -> set[int]:
    """Rows whose top border is the double rule: the first body row after header rows."""
    cover = grid.covering()
    is_head = [any(cover[(r, k)].role in HEADER_ROLES for k in range(grid.ncols) if (r, k) in cover)
               for r in range(grid.nrows)]
    return {r for r in range(1, grid.nrows) if is_head[r - 1] and not is_head[r]}


def draw_thick_frame(flow: Flow, grid: Grid, layout: tuple, look: dict, rng: random.Random) -> None:
    thin, gap = look["thin"], look["gap"]
    doubled = double_rule_rows(grid)
    for cell, page, (x0, top, x1, bottom), first in pieces(grid, layout):
        ops = flow.pages[page].ops
        ops.append(("paint", ((x0, top), (x0, bottom)), None, BLACK, thin))
        tops = (top - gap / 2, top + gap / 2) if first and cell.row in doubled else (top,)
        for y in tops:
            ops.append(("paint", ((x0, y), (x1, y)), None, BLACK, thin))
    xs = layout[0]
    for page, (top, bottom) in page_spans(layout).items():
        flow.pages[page].ops.append(("paint", (xs[0], top, xs[-1], bottom), None, BLACK, look["thick"]))


DECORATIONS = {"cell_boxes": draw_cell_boxes, "shaded": draw_shaded, "thick_frame": draw_thick_frame}


def split_sub_numbers(grid: Grid, bare: bool) -> Grid:
    """Table 三 with the sub-row numbers in a narrow column of their own: “1” | “属于国家秘密”."""
    w = grid.col_weights
    out = Grid(grid.name, grid.nrows, grid.ncols + 1, header_rows=grid.header_rows,
               col_weights=w[:2] + [0.35] + w[2:])
    for c in grid.cells:
        m = SUB_NUMBER.match(c.text) if (c.col, c.colspan, c.role) == (2, 1, "label") else None
        if m and m.group(2):
            out.add(c.row, 2, m.group(1) if bare else c.text[:m.start(2)].strip())
            out.add(c.row, 3, m.group(2))
            continue
        col = c.col + 1 if c.col > 2 else c.col
        colspan = c.colspan + 1 if c.col <= 2 < c.col + c.colspan else c.colspan
        out.cells.append(replace(c, col=col, colspan=colspan))
    return out


def dense_columns(grid: Grid, opts: TableOpts, rng: random.Random) -> dict[int, float]:
    """Narrow label columns (absolute widths) so that labels wrap over three lines or more."""
    s, p = opts.size, 2 * opts.pad
    if grid.name == "requests":
        return {0: s * rng.uniform(1.2, 2.2) + p, 1: s * rng.uniform(2.5, 3.5) + p, 2: s * rng.uniform(3.5, 5) + p}
    if grid.name == "art20":
        return {0: s * rng.uniform(4, 6) + p}
    return {}


def draw_held_table(flow: Flow, grid: Grid, family: str, base: TableOpts, look: dict,
                    rng: random.Random) -> None:
    opts = TableOpts(**{**base.__dict__, "breaks": set(), "narrow_cols": {}})
    if family == "label_right" and grid.name == "requests":
        grid = split_sub_numbers(grid, look["bare"])
        numbers = [c.text for c in grid.cells if c.col == 2 and c.colspan == 1 and c.text]
        widest = max((text_width(n, font_for(n, opts.digit_font), opts.size) for n in numbers), default=opts.size)
        opts.narrow_cols = {2: widest + 2 * opts.pad + rng.uniform(2, 8)}
    if family == "split_header" and grid.name == "requests" and grid.nrows >= 8:
        body = list(range(grid.header_rows + 2, grid.nrows - 1))
        opts.breaks = set(rng.sample(body, min(len(body), rng.randint(1, 2))))
        opts.repeat_header = opts.full_repeat = True
    left, right = flow.left, flow.right
    if family == "dense":
        opts.narrow_cols = dense_columns(grid, opts, rng)
        width = (right - left) * look["share"]
        flow.left = left + ((right - left - width) / 2 if look["align"] == "center" else 0)
        flow.right = flow.left + width
    layout = draw_table(flow, grid, opts, rng)
    flow.left, flow.right = left, right
    if family in DECORATIONS:
        DECORATIONS[family](flow, grid, layout, look, rng)


def render_heldout(rng: random.Random, family: str, blocks: list[Block], embed: bool = False,
                   writer: str = "plain") -> bytes:
    """The report as a PDF in one of the held-out families (same blocks, same truth);
    ``embed``, ``writer``: as :meth:`Flow.finish` takes them."""
    if family == "split_header":
        flow = RunningFlow(rng, running_header(rng, blocks))
    else:
        flow = Flow(rng, page_numbers=rng.random() < 0.5)
    body = rng.choice([9, 9.5, 10]) if family == "dense" else rng.choice([10, 10.5, 11, 12])
    base, look = document_opts(rng, family), document_look(rng, family)
    for block in blocks:
        if block.kind == "table":
            draw_held_table(flow, block.grid, family, base, look, rng)
        else:
            write_block(flow, block, body)
    return flow.finish("".join(b.text for b in blocks if b.kind == "title"), embed, writer)
