"""Cells → tokens: labels, numbers, empty cells and printed blank marks.

A cell that is all number ("1,234", "5280 元", "317.25万元") is one number token;
a cell such as "规章 0 0 0" (reading-order text) or "一、本年新收…数量120003015"
(web-crawler text) is split into a label and the numbers after it. Numbering inside
labels ("1.属于国家秘密", "(三)", "第二十条") stays part of the label.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable, Optional

from .model import Document, Token
from .normalize import is_cjk

BLANK_MARKS = {"-", "--", "---", "/", "//", "无", "空", "×", "*", "...", "…", "——"}
UNITS = ("万元", "亿元", "元", "件", "个", "项", "条", "次", "人", "家")
_UNIT_RE = "|".join(UNITS)
_NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_WHOLE = re.compile(rf"^\s*(?P<num>{_NUMBER})\s*(?P<unit>{_UNIT_RE})?\s*$")
# in running text a comma group may close digits of several cells run together
# ("行政许可0131,809" is 0 | 13 | 1,809): the whole run is one token, split later
_SCAN = re.compile(rf"(?P<num>(?:\+|(?<!\S)-)?(?:\d+(?:,\d{{3}})+|\d+)(?:\.\d+)?)(?P<sp>\s*)(?P<unit>{_UNIT_RE})?")
# a number followed by these belongs to the label ("2020年", "第20条", "3个月")
_LABEL_AFTER = re.compile(r"\s*(?:年|月|日|号|条|款|项|次会议|个工作日|周|天|%|％|:|：)")
_NUMBERING_AFTER = re.compile(r"[.、．](?!\d)")
# a cell opening with one digit and a label, set apart by a space or a spaced dot: numbering
# ("2 其他法律…", OCR dropped the dot; "6 . 属于四类…", OCR spaced it)
_NUMBERING_SPACED = re.compile(r"^[1-9](?:\s+|\s*[.、．]\s*)[\u4e00-\u9fff]{2}")


# zeros before a digit other than 0 ("08", "007"): a form prints no number so
_LEADING_ZEROS = re.compile(r"^\s*[+-]?(0+)[1-9]")


def parse_number(text: str) -> Optional[tuple[float, Optional[str]]]:
    """(value, unit) when the whole text is a number with an optional unit, else None."""
    m = _WHOLE.match(text)
    if not m:
        return None
    return float(m.group("num").replace(",", "")), m.group("unit")


def cell_tokens(text: str, line: int, cell: int, widths: Optional[dict[str, int]] = None) -> list[Token]:
    """Split one normalised cell into tokens."""
    stripped = text.strip()
    if not stripped:
        return [Token("blank", "", line, cell)]
    if stripped in BLANK_MARKS or not stripped.strip("-/"):  # or dashes and slashes only
        return [Token("mark", stripped, line, cell)]
    whole = parse_number(stripped)
    if whole is not None:
        zeros = _LEADING_ZEROS.match(stripped)
        if zeros:  # "08": no number is printed so; a decimal point OCR dropped ("0.8")?
            read = stripped[:zeros.start(1)] + stripped[zeros.end(1):]
            return [Token("num", read, line, cell, value=whole[0], unit=whole[1], repaired=stripped)]
        return [Token("num", stripped, line, cell, value=whole[0], unit=whole[1])]
    repaired = ocr_digits(stripped)
    if repaired is not None:
        return [Token("num", repaired, line, cell, value=float(repaired), repaired=stripped)]
    return list(_split_mixed(stripped, line, cell, widths))


# letters OCR reads for digits, in a cell that is otherwise a number
OCR_DIGITS_FROM = {"O": "0", "o": "0", "〇": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1", "i": "1",
                   "s": "5", "S": "5", "B": "8", "Z": "2", "z": "2", "g": "9", "q": "9", "b": "6"}
OCR_DIGITS = str.maketrans(OCR_DIGITS_FROM)
_OCR_CELL = re.compile("^[0-9" + re.escape("".join(OCR_DIGITS_FROM)) + "]{1,7}$")


def ocr_digits(text: str) -> Optional[str]:
    """The digits a cell such as "1s" or "O" most likely printed, else None. A cell of
    letters only counts when it is a lone zero-like mark (O, o, 〇)."""
    if not _OCR_CELL.match(text):
        return None
    if not any(ch.isdigit() for ch in text) and text not in ("O", "o", "〇"):
        return None
    digits = text.translate(OCR_DIGITS)
    return digits if digits.isdigit() and (digits == "0" or not digits.startswith("0")) else None


# a blank mark standing alone among the values of running text ("本年新收 10 0 - - 1 11"):
# it keeps its cell's place. Only symbols: a lone 无 may be a shredded label character.
# OCR reads a printed "—" as the character 一: so it counts only right after a value or mark.
_INLINE_MARK = re.compile(r"(?<!\S)(?:-{1,3}|—{1,2}|/{1,2}|×|…|\.{3}|(?<=[\d\-—/一ー] )(?:一{1,2}|ー))"
                          r"(?=\s*$|\s+(?:\d|[-—/×…一ー]))")
DASH_READINGS = {"一", "一一", "ー"}  # a printed "—" as OCR reads it
# blank marks glued to digits in web-crawler text ("2100-1022", "属于国家秘密--000-0"), or a
# row printed all blank between two labels ("部分公开（…）///////（三）不予公开"; not "三安全--稳定",
# the 一 of a label as OCR may read it)
_GLUED_MARKS = re.compile(r"(?<=\d)(?:-+|/+)|(?<=[^\s\d])(?:-+|/+)(?=\d)"
                          r"|(?<=[\u4e00-\u9fff)）])(?:-{3,}|/{2,})(?=[\u4e00-\u9fff(（]|$)")


EVEN_SHARE = 0.8  # of a mark's glued runs, for its blanks to be read as two characters each
# hyphens that are no blank marks: a telephone number with its area code ("0562-29825965",
# in nearly every report's opening), a date ("2021-12-31", "2021/12/31")
_NOT_MARKS = re.compile(r"(?<!\d)\d{3,4}-\d{7,8}(?!\d)|(?<!\d)(?:19|20)\d\d([-/])\d{1,2}\1\d{1,2}(?!\d)")


def mark_width(texts: Iterable[str]) -> dict[str, int]:
    """Characters per printed blank, for each mark glued to digits in a document: 2 when
    nearly every glued run of that mark has an even length (cells printed "——"; a lone
    "-" may be a minus sign of 本年增/减), else 1."""
    runs: dict[str, list[int]] = {}
    for text in texts:
        if "-" not in text and "/" not in text:
            continue  # no mark to find (most cells)
        for m in _GLUED_MARKS.finditer(_NOT_MARKS.sub(" ", text)):
            runs.setdefault(m.group()[0], []).append(len(m.group()))
    widths = {}
    for ch, ns in runs.items():
        even = sum(n % 2 == 0 for n in ns)
        widths[ch] = 2 if even >= 2 and even >= EVEN_SHARE * len(ns) else 1
    return widths


def _split_mixed(text: str, line: int, cell: int, widths: Optional[dict[str, int]] = None) -> Iterable[Token]:
    label_start = 0
    pos = 0
    numbers = list(_SCAN.finditer(text))
    inline = list(_INLINE_MARK.finditer(text))
    if inline and len(numbers) == 1 and len(inline) == 1 and len(inline[0].group()) == 1 \
            and not any(is_cjk(ch) for ch in text):
        # "/ 0" in one cell of a ruled grid: one speck beside the value, not a cell; a mark
        # of two strokes ("—— 1"), or several marks, are printed: blank cells merged with it
        inline = []
    found = sorted([*numbers, *inline, *_GLUED_MARKS.finditer(text)], key=lambda m: (m.start(), m.re is _SCAN))
    for m in found:
        if m.start() < pos:
            continue
        if m.re is not _SCAN:
            label = text[label_start:m.start()]
            if _has_label_text(label):
                yield from _labels(label.strip(), line, cell)
            yield from _marks(m, text, line, cell, widths)
            label_start = pos = m.end()
            continue
        start, end = m.start("num"), m.end("num")
        digits = m.group("num")
        before = text[start - 1] if start > 0 else ""
        after = text[end:]
        if before == "第" or _LABEL_AFTER.match(after) or (before and before in "(（"):
            continue
        if start == 0 and _NUMBERING_SPACED.match(text):
            continue  # "2 其他法律…": row numbering whose dot OCR dropped
        if _NUMBERING_AFTER.match(after) and "." not in digits and "," not in digits:
            # "00000002.其他": the last digit numbers the next label; the rest are values
            if len(digits) == 1 or digits.startswith(("+", "-")):
                continue
            end -= 1
            digits = digits[:-1]
            unit = None
            stop = end
        else:
            unit = m.group("unit")
            stop = m.end() if unit else end
        if _inside_word(text, start, end, before):
            continue
        label = text[label_start:start]
        if _has_label_text(label):
            yield from _labels(label.strip(), line, cell)
        glued = bool(before and not before.isspace() and before not in "|") or (
            end < len(text) and is_cjk(text[end]) and not unit)
        value = float(digits.replace(",", ""))
        bare = digits.lstrip("+-")
        whole = bare.replace(",", "").isdigit()
        run = whole and ((glued and len(bare) > 1) or not re.fullmatch(r"\d{1,3}(?:,\d{3})*", bare))
        yield Token("num", digits, line, cell, value=value, unit=unit, run=run)
        label_start = pos = stop
    rest = text[label_start:]
    if _has_label_text(rest):
        yield from _labels(rest.strip(), line, cell)


def _marks(m: re.Match, text: str, line: int, cell: int, widths: Optional[dict[str, int]]) -> Iterable[Token]:
    if m.re is _INLINE_MARK:
        yield Token("mark", m.group(), line, cell)
        return
    run = m.group()
    width = (widths or {}).get(run[0], 1)
    n = max(1, len(run) // width)
    # a lone-width dash glued to the digits after it may be the sign of their first number:
    # between digits ("12-35"), after a blank ("—-815": blank, -8, 15) or after a label
    # ("-70"); the reader keeps the sign only where a column may fall (本年增/减)
    glued = text[m.end():m.end() + 1].isdigit()
    between = glued and m.start() > 0 and text[m.start() - 1].isdigit() and run == "-"
    signs = between or (glued and width == 1 and run[-1] == "-")
    # blanks two dashes wide ("——"), and one dash over ("——-10"): that one is a blank
    # or the sign of the number after it
    odd = glued and width == 2 and run[0] == "-" and len(run) % 2 == 1 and len(run) > 1
    for i in range(n):
        yield Token("mark", run[0], line, cell, minus=signs and i == n - 1)
    if odd:
        yield Token("mark", run[0], line, cell, minus=True)


_VERTICAL = re.compile(r"^([\u4e00-\u9fff])\s+(?=\S{2})")
# inner numbering starts a new label: "年(四)无法提供 2. 没有现成信息" → 年 | (四)无法提供 | 2. 没有现成信息;
# "(2)没有现成信息需要另行制作(3)补正后申请内容仍不明确" (two rows OCR read as one line) → two labels;
# OCR reads the 一 of "(一)" as a dash: "上年结转…数量(-)予以公开"
_INNER_NUMBERING = re.compile(r"(?<=[^\s第(])\s*(?=\([一二三四五六七八九十\-—ー]\)|\([1-9]\)|(?<![\d.])[1-9][.、．](?![\d]))")


def _labels(text: str, line: int, cell: int) -> Iterable[Token]:
    """Label tokens; a lone character before a label (a vertical group label read across)
    and inner numbering split a run of labels into its parts."""
    m = _VERTICAL.match(text)
    if m:
        yield Token("label", m.group(1), line, cell)
        text = text[m.end():]
    for part in _INNER_NUMBERING.split(text):
        if _has_label_text(part):
            yield Token("label", part.strip(), line, cell)


def _inside_word(text: str, start: int, end: int, before: str) -> bool:
    """Digits sandwiched in a label ("三安全1稳定", "A4纸") are part of it."""
    after = text[end] if end < len(text) else ""
    return bool(before and after and is_cjk(after) and before.isascii() and before.isalpha())


def _has_label_text(s: str) -> bool:
    return any(ch.isalnum() for ch in s)


CACHE_SIZE = 4096  # cell texts whose tokens are remembered (a document repeats "0", labels recur)
_KNOWN: dict[tuple[tuple[str, int], ...], dict[str, tuple[Token, ...]]] = {}


def _known_tokens(widths: tuple[tuple[str, int], ...]) -> dict[str, tuple[Token, ...]]:
    """The remembered :func:`cell_tokens` of cell texts (at line 0, cell 0), for documents
    whose :func:`mark_width` is ``widths`` as sorted items (the only other thing the tokens
    depend on): one table per widths, so a cell is looked up by its text alone. Tokens are
    frozen: the remembered ones are only ever copied (:meth:`Token.at`)."""
    known = _KNOWN.get(widths)
    if known is None:
        if len(_KNOWN) >= 16:
            _KNOWN.clear()
        known = _KNOWN[widths] = {}
    return known


# a value cell read with a dot after it ("1."): numbering, were a label after it on its line
_DOTTED = re.compile(r"^(\d{1,6})[.．]$")


# a printed "-" with a speck over or under it, as OCR reads it: a label character elsewhere
_TWO_BARS = {"二"}
# a digit as OCR reads it standing alone: a letter (l for 1, s for 5, B for 8, ...), which
# ocr_digits takes only beside digits ("1s") or for a zero; in a value cell beside a number
# it is that digit
_DIGIT_ALONE = set(OCR_DIGITS_FROM)
# a value cell holding a letter or a sign but no digit and no Chinese ("x", "%", "a."): ink
# read as nothing a form prints there; kept as an empty cell with its text (unread)
_JUNK = re.compile(r"^[^\u4e00-\u9fff\d\s]{1,3}$")


def _value_reading(text: str) -> bool:
    """OCR's reading of what stands in a value cell, taken for a label by itself."""
    return text in _TWO_BARS or text in _DIGIT_ALONE or bool(_JUNK.match(text))


def _value_cells(cells: list[list[Token]], line: int) -> list[list[Token]]:
    """The cells of a line that prints numbers, with OCR readings of a value cell put
    right (:func:`_value_cell`)."""
    out = cells
    for j in range(1, len(cells)):
        new = _value_cell(out, j, line)
        if new is not None:
            if out is cells:
                out = list(cells)
            out[j] = new
    return out


def _value_cell(cells: list[list[Token]], j: int, line: int) -> Optional[list[Token]]:
    """Cell ``j`` read again, or None when it stands as read: 一 is a printed "—"; after the
    row's label and before no other label, 二 is a printed "-" with a speck by it, digits
    with a dot ("1.", a speck) are a number (marked repaired: the dot may be ink of a
    digit), a lone letter OCR reads for a digit (l, s, B...) beside a number is that digit
    (marked repaired), a letter or sign with no digit is an empty cell holding ink read as
    no number (its text kept: unread, not printed empty), and once the row's values have
    begun, a character glued to a number ("中 0", a speck read as a character) is no label
    ending the row: the number, marked repaired."""
    ts = cells[j]
    if len(ts) == 2:
        label, num = ts
        if (label.kind == "label" and len(label.text) == 1 and num.kind == "num" and _after_row_label(cells, j)
                and any(t.kind == "num" for c in cells[1:j] for t in c)):
            return [replace(num, repaired=num.repaired or f"{label.text} {num.text}")]
        return None
    if len(ts) != 1:
        return None
    text = ts[0].text
    if text in DASH_READINGS or (text in _TWO_BARS and _after_row_label(cells, j)):
        return [Token("mark", "-", line, j)]
    if ts[0].kind == "label" and _DOTTED.match(text) and _after_row_label(cells, j):
        digits = text[:-1]
        return [Token("num", digits, line, j, value=float(digits), repaired=text)]
    if text in _DIGIT_ALONE and _after_row_label(cells, j) and _beside_number(cells, j):
        digit = text.translate(OCR_DIGITS)
        return [Token("num", digit, line, j, value=float(digit), repaired=text)]
    if ts[0].kind == "label" and _JUNK.match(text) and _after_row_label(cells, j):
        return [Token("blank", text, line, j, unread=True)]
    return None


def _beside_number(cells: list[list[Token]], j: int) -> bool:
    """The cell before or after cell ``j`` is one number."""
    return any(0 <= k < len(cells) and len(cells[k]) == 1 and cells[k][0].kind == "num" for k in (j - 1, j + 1))


def _after_row_label(cells: list[list[Token]], j: int) -> bool:
    """A label stands in a cell before cell ``j``, and none after it (OCR's readings of a
    value cell, such as 二 or l, count as no label)."""
    def labelled(ts: list[Token]) -> bool:
        return any(t.kind == "label" and not _value_reading(t.text) for t in ts)
    return any(map(labelled, cells[:j])) and not any(map(labelled, cells[j + 1:]))


def document_tokens(doc: Document, skip_lines: Optional[set[int]] = None) -> list[Token]:
    """All tokens of a document in reading order (lines in ``skip_lines`` left out)."""
    out: list[Token] = []
    lines = [(i, line) for i, line in enumerate(doc.lines) if not (skip_lines and i in skip_lines)]
    widths = tuple(sorted(mark_width(cell.text for _, line in lines for cell in line.cells).items()))
    known = _known_tokens(widths)
    for i, line in lines:
        cells = []
        for j, cell in enumerate(line.cells):
            ts = known.get(cell.text)
            if ts is None:
                if len(known) >= CACHE_SIZE:
                    known.clear()
                ts = known[cell.text] = tuple(cell_tokens(cell.text, 0, 0, dict(widths)))
            here = [t.at(i, j) for t in ts]
            if cell.unread:  # ink OCR could not read: an empty cell, not printed empty
                here = [replace(t, unread=True) if t.kind == "blank" else t for t in here]
            cells.append(here)
        if len(cells) > 1 and any(t.kind == "num" for ts in cells for t in ts):
            cells = _value_cells(cells, i)
        for ts in cells:
            out.extend(ts)
    return out
