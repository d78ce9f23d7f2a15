"""Plain-text reader: OCR output, converter output, pasted text, markdown.

A line becomes cells by the first rule that fits it:
- markdown table rows ``| a | b |`` split on pipes (separator rows are dropped);
- tab-separated lines split on tabs, empty fields kept as empty cells;
- space-aligned lines (``pdftotext -layout``) split on runs of two or more spaces;
- anything else is one cell (reading-order rows such as "规章 0 0 0" are split into
  label and numbers later, by the tokenizer).

Text where every table cell stands on its own tab-indented line is recognised as a whole
and its indentation dropped. Form feeds start a new page. Page numbers are dropped (see
:func:`_without_page_numbers`).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..errors import DocumentLoadError
from ..model import Document, Line, new_cell
from ..normalize import is_page_number, normalize_line, tidy_cell
from .encoding import decode_bytes

_MD_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_WIDE_GAP = re.compile(r"(?: {2,}|\u3000+)")
_HEADING = re.compile(r"^#{1,6}\s+")


def read_text(path: str | Path) -> Document:
    data = Path(path).read_bytes()
    return read_text_bytes(data, str(path))


def read_text_bytes(data: bytes, path: str = "<bytes>") -> Document:
    if not data.strip():
        raise DocumentLoadError(f"{path}: the file is empty")
    text, encoding = decode_bytes(data)
    folded = normalize_line(text)  # once for the whole text; spans index the folded lines
    raw_text = text if len(folded) == len(text) else folded
    pages = folded.split("\f")
    raw_pages = raw_text.split("\f")
    lines: list[Line] = []
    for p, (page, raw_page) in enumerate(zip(pages, raw_pages)):
        flines, rlines = page.splitlines(), raw_page.splitlines()
        if len(rlines) != len(flines):
            rlines = flines
        on_page = [_line(fl, rl, p + 1, n + 1) for n, (fl, rl) in enumerate(zip(flines, rlines))
                   if fl.strip() or "\t" in fl]
        lines += _without_page_numbers([ln for ln in on_page if ln.cells], p + 1, len(pages) > 1)
    if _cell_per_line(lines):
        lines = [_drop_indent(line) for line in lines]
    return Document(path=path, kind="text", lines=lines, pages=len(pages),
                    sha256=hashlib.sha256(data).hexdigest(), encoding=encoding)


def _without_page_numbers(lines: list[Line], page: int, paged: bool) -> list[Line]:
    """A page's lines without its page numbers: a line that is only a page number set off
    ("- 4 -", "第4页"), and, in text of several pages (form feeds), a page's first or last
    line that is only its number, or one off (a cover left unnumbered): a table running
    over the page break then reads on without it."""
    def number(k: int) -> bool:
        cells = lines[k].cells
        if len(cells) != 1 or not is_page_number(cells[0].text):
            return False
        text = cells[0].text.strip()
        if _SET_OFF.match(text):
            return True
        return text.isdigit() and paged and k in (0, len(lines) - 1) and abs(int(text) - page) <= 1
    return [ln for k, ln in enumerate(lines) if not number(k)]


# a page number set off as no value is printed: "- 4 -", "第4页", "4/6", "Page 4"
_SET_OFF = re.compile(r"^(?:[-—–‐]\s*\d+\s*[-—–‐]|.*[页/].*|(?i:page|p\.).*)$")


def _line(folded: str, raw: str, page: int, number: int) -> Line:
    same = len(raw) == len(folded)
    parts, split = _split(folded)
    cells = [new_cell(tidy_cell(t), raw[a:b] if same else t, (a, b)) for a, b, t in parts]
    return Line(cells=tuple(cells), page=page, number=number, split=split)


def _split(line: str) -> tuple[list[tuple[int, int, str]], bool]:
    """(start, end, text) of each cell of a line, and whether they were split on tabs or
    pipes (not at wide gaps, whose places are text columns)."""
    stripped = line.strip()
    if stripped.startswith("|") and stripped.count("|") >= 2:
        if _MD_SEPARATOR.match(stripped):
            return [], True
        return _split_on(line, "|", outer=True), True
    if "\t" in line:
        return _split_on(line.rstrip(" "), "\t", outer=False), True
    if line.startswith("#"):
        line = _HEADING.sub(lambda m: " " * len(m.group()), line)
    return [(a, b, t) for a, b, t in _split_regex(line, _WIDE_GAP) if t.strip()] or [(0, len(line), line)], False


def _split_on(line: str, sep: str, outer: bool) -> list[tuple[int, int, str]]:
    parts, start = [], 0
    for piece in line.split(sep):
        parts.append((start, start + len(piece), piece))
        start += len(piece) + 1
    if outer:
        parts = parts[1:-1] if len(parts) > 2 else parts
    return parts


def _split_regex(line: str, gap: re.Pattern) -> list[tuple[int, int, str]]:
    parts, start = [], 0
    for m in gap.finditer(line):
        parts.append((start, m.start(), line[start:m.start()]))
        start = m.end()
    parts.append((start, len(line), line[start:]))
    return parts


def _cell_per_line(lines: list[Line]) -> bool:
    """True when most tabbed lines are one indented cell (every cell on its own line)."""
    tabbed = [ln for ln in lines if len(ln.cells) >= 2]
    if len(tabbed) < 20:
        return False
    indented = sum(1 for ln in tabbed if len(ln.cells) == 2 and not ln.cells[0].text)
    return indented >= 0.6 * len(tabbed)


def _drop_indent(line: Line) -> Line:
    if len(line.cells) == 2 and not line.cells[0].text:
        return Line(cells=line.cells[1:], page=line.page, number=line.number, split=line.split)
    return line
