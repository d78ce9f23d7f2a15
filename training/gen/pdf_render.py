"""The PDF page flow: pages, a write cursor, prose blocks, and writing the file.

Text and rules are queued per page and written with pymupdf at the end, one content
stream per page (text in the CJK font or a base-14 font for numbers, named only or embedded
as subsets the way Word and WPS embed them; the stream written as a producer writes it, see
:mod:`.pdf_writers`), which keeps generation fast and the output deterministic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from extractor.mupdf import pymupdf

from .document import Block
from .pdf_text import CJK_FONT, font, text_width, wrap, write
from .pdf_writers import page_content, resource

PORTRAIT = (595.0, 842.0)
# the document information a writer leaves (a plainly written file keeps WPS's, as before)
PRODUCERS = {"word": ("Microsoft® Word 2016", "Microsoft® Word 2016"), "wps": ("WPS 文字", "WPS 文字")}


@dataclass
class PageSpec:
    """A page to be made: its size and the drawing operations queued for it."""

    width: float
    height: float
    ops: list = field(default_factory=list)


class Flow:
    """Pages and a write cursor: blocks are laid out top to bottom, page after page.

    Drawing is queued per page and done in :meth:`finish` (pymupdf page objects do not
    survive the creation of further pages).
    """

    def __init__(self, rng: random.Random, page_numbers: bool):
        self.pages: list[PageSpec] = []
        self.margin = rng.uniform(55, 85)
        self.page_numbers = page_numbers
        self.new_page(False)

    @property
    def index(self) -> int:
        return len(self.pages) - 1

    @property
    def ops(self) -> list:
        return self.pages[-1].ops

    def new_page(self, landscape: bool) -> None:
        w, h = PORTRAIT if not landscape else PORTRAIT[::-1]
        self.pages.append(PageSpec(w, h))
        self.landscape = landscape
        self.left, self.right = self.margin, w - self.margin
        self.top, self.bottom = self.margin, h - self.margin
        self.y = self.top

    def break_page(self, landscape: bool | None = None) -> None:
        self.new_page(self.landscape if landscape is None else landscape)

    def ensure(self, height: float) -> None:
        if self.y + height > self.bottom:
            self.break_page()

    def add_page_numbers(self) -> None:
        for n, spec in enumerate(self.pages, start=1):
            label = f"- {n} -"
            x = (spec.width - text_width(label, CJK_FONT, 11)) / 2
            write(spec.ops, x, spec.height - self.margin * 0.6, label, 11, CJK_FONT)

    def finish(self, title: str, embed: bool = False, writer: str = "plain") -> bytes:
        """The PDF's bytes. ``embed``: the fonts go into the file as subsets, with glyph
        ids and a ToUnicode map (Type0, Identity-H), as Word and WPS write them; otherwise
        they are named only (the CJK font through a Unicode CMap). ``writer``: how the
        content streams are written (:mod:`.pdf_writers`)."""
        if self.page_numbers:
            self.add_page_numbers()
        doc = pymupdf.open()
        for spec in self.pages:
            draw_page(doc, doc.new_page(width=spec.width, height=spec.height), spec.ops, embed, writer)
        if embed:
            embed_subsets(doc)
        creator, producer = PRODUCERS.get(writer, ("WPS 文字", ""))
        doc.set_metadata({"title": title, "creator": creator, "producer": producer,
                          "creationDate": "D:20250101000000+08'00'", "modDate": "D:20250101000000+08'00'"})
        return doc.tobytes(garbage=3, deflate=True, no_new_id=True)


def embed_subsets(doc: pymupdf.Document) -> None:
    """Cut the embedded fonts down to the glyphs used. The CJK font keeps one advance
    for every glyph (1 em), as the named font has, so the layout measured with
    :func:`~.pdf_text.char_width` holds."""
    doc.subset_fonts()
    for xref in range(1, doc.xref_length()):
        if doc.xref_get_key(xref, "Subtype")[1] == "/CIDFontType2" and "Droid" in doc.xref_get_key(xref, "BaseFont")[1]:
            doc.xref_set_key(xref, "W", "null")
            doc.xref_set_key(xref, "DW", "1000")


def draw_page(doc: pymupdf.Document, page: pymupdf.Page, ops: list, embed: bool = False,
              writer: str = "plain") -> None:
    """Register the fonts the page uses (and WPS's graphics state) and write its content
    stream in one go."""
    for name in sorted({op[3] for op in ops if op[0] == "text"}):
        if embed:
            page.insert_font(fontname=resource(name, embed), fontbuffer=font(name).buffer)
        else:
            page.insert_font(fontname=name)
    if writer == "wps":
        kind, value = doc.xref_get_key(page.xref, "Resources")
        at = int(value.split()[0]) if kind == "xref" else page.xref
        doc.xref_set_key(at, "ExtGState" if kind == "xref" else "Resources/ExtGState",
                         "<</GS0 <</Type/ExtGState/CA 1/ca 1>>>>")
    xref = doc.get_new_xref()
    doc.update_object(xref, "<<>>")
    doc.update_stream(xref, page_content(ops, page.rect.width, page.rect.height, embed, writer).encode("ascii"))
    page.set_contents(xref)


def write_lines(flow: Flow, lines: list[str], size: float, align: str, indent: float = 0) -> None:
    lh = size * 1.6
    for i, line in enumerate(lines):
        flow.ensure(lh)
        w = text_width(line, CJK_FONT, size)
        x = {"center": (flow.left + flow.right - w) / 2, "right": flow.right - w}.get(align, flow.left)
        write(flow.ops, x + (indent if i == 0 and align == "left" else 0), flow.y, line, size, CJK_FONT)
        flow.y += lh


def write_block(flow: Flow, block: Block, body: float) -> None:
    avail = flow.right - flow.left
    if block.kind == "title":
        size = body + 7
        write_lines(flow, wrap(block.text, avail, size), size, "center")
    elif block.kind == "heading":
        flow.y += body * 0.4
        write_lines(flow, wrap(block.text, avail, body + 1.5), body + 1.5, "left")
    elif block.kind == "sign":
        write_lines(flow, [block.text], body, "right")
    else:
        indent = body * 2
        first = wrap(block.text, avail - indent, body)[0]
        rest = wrap(block.text[len(first):], avail, body) if len(first) < len(block.text) else []
        write_lines(flow, [first] + rest, body, "left", indent)
