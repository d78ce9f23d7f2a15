"""Born-digital reports whose fonts map their characters to wrong ones (family ``scan_miscoded``).

A PDF's text layer is only as good as its fonts' maps from glyphs to characters (the
``/ToUnicode`` CMaps). Some producers write broken ones: the pages print the report, but
the text layer reads as other Chinese characters, or as letters where digits stand. Only
OCR of the rendered pages reads such a report. This renders a report as a born-digital PDF
of an ordinary layout family with its fonts embedded, then shifts the targets of every
font's map: either the Chinese characters only (digits and Latin letters stay right) or
every character. The pages look as before; the truth is the report's.
"""

from __future__ import annotations

import random
import re

from extractor.mupdf import pymupdf

from .document import Block
from .pdf_doc import render_pdf

LAYOUTS = ["ruled", "ruled", "borderless", "partly_ruled", "vgroup", "multipage"]
CJK = (0x4E00, 0x9FFF)
ASCII = (0x21, 0x7E)  # printable, space left out
# a target in a CMap: "<src> <dst>" (bfchar) or "<lo> <hi> <dst>" (bfrange), dst one UTF-16 unit
_TARGET = re.compile(r"^((?:<[0-9a-fA-F]+>\s+){1,2})<([0-9a-fA-F]{4})>\s*$", re.M)


def miscode(pdf: bytes, shift: int, cjk_only: bool) -> bytes:
    """``pdf`` with each font's ToUnicode targets moved by ``shift`` code points (only those
    in the CJK block with ``cjk_only``; a target that would leave its block stays)."""
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    done: set[int] = set()
    for page in doc:
        for xref, *_ in page.get_fonts():
            kind, value = doc.xref_get_key(xref, "ToUnicode")
            if kind != "xref" or xref in done:
                continue
            done.add(xref)
            cmap = int(value.split()[0])
            text = doc.xref_stream(cmap).decode("latin-1")
            doc.update_stream(cmap, _TARGET.sub(lambda m: m.group(1) + _moved(m.group(2), shift, cjk_only),
                                                text).encode("latin-1"))
    out = doc.tobytes(garbage=3, deflate=True, no_new_id=True)
    doc.close()
    return out


def _moved(target: str, shift: int, cjk_only: bool) -> str:
    v = int(target, 16)
    if CJK[0] <= v <= CJK[1]:
        lo, hi = CJK
    elif not cjk_only and ASCII[0] <= v <= ASCII[1]:
        lo, hi = ASCII
    else:
        return f"<{target}>"
    return f"<{v + shift:04x}>" if lo <= v + shift <= hi else f"<{target}>"


def render_miscoded(rng: random.Random, blocks: list[Block]) -> tuple[bytes, list[str], str]:
    """The document's bytes, notes and extension (see :func:`training.gen.scan.render_scan`)."""
    layout = rng.choice(LAYOUTS)
    cjk_only = rng.random() < 0.5
    shift = rng.choice([1, -1]) * rng.randint(3, 40 if not cjk_only else 400)
    pdf = miscode(render_pdf(rng, layout, blocks, embed=True), shift, cjk_only)
    return pdf, [f"layout={layout}", f"miscoded={'cjk' if cjk_only else 'all'}:{shift}"], "pdf"
