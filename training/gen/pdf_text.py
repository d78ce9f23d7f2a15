"""Text on PDF pages with pymupdf's built-in fonts: measuring, wrapping, writing.

CJK text uses the built-in ``china-s`` font (its text layer extracts back to the same
Unicode; every character is one em wide); numbers may use ``tiro`` (Times) or ``helv`` as WPS and Word documents often
do. Widths are cached per character at size 1.
"""

from __future__ import annotations

import re
from functools import lru_cache

from extractor.mupdf import pymupdf

CJK_FONT = "china-s"
NUMERIC = re.compile(r"^[+\-]?[\d,]*\.?\d+$")


@lru_cache(maxsize=None)
def font(name: str) -> pymupdf.Font:
    return pymupdf.Font(name)


@lru_cache(maxsize=None)
def char_width(name: str, ch: str) -> float:
    """Advance of one character at size 1.

    The built-in CJK font is written without a width array, so every character
    (ASCII included) advances one em, in viewers and in text extraction alike.
    """
    if name == CJK_FONT:
        return 1.0
    return font(name).text_length(ch, 1)


def font_for(text: str, digit_font: str) -> str:
    """The digit font for plain numbers, the CJK font for everything else."""
    return digit_font if NUMERIC.match(text) else CJK_FONT


def text_width(text: str, name: str, size: float) -> float:
    return sum(char_width(name, ch) for ch in text) * size


def wrap(text: str, max_width: float, size: float, name: str = CJK_FONT) -> list[str]:
    """Greedy wrap into lines no wider than max_width (explicit newlines kept)."""
    lines = []
    for part in text.split("\n"):
        line, w = "", 0.0
        for ch in part:
            cw = char_width(name, ch) * size
            if line and w + cw > max_width:
                lines.append(line)
                line, w = "", 0.0
            line += ch
            w += cw
        lines.append(line)
    return lines


def write(ops: list, x: float, top: float, text: str, size: float, name: str) -> None:
    """Queue one line of text whose box starts at ``top`` (baseline set from the size)."""
    if text.strip():
        ops.append(("text", (x, top + size * 0.88), text, name, size))
