"""Sections 一 … 六 of the report and the prose lines that tables never live in."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from .model import Document
from .template import label_key

SECTION_TITLES = {
    1: "总体情况",
    2: "主动公开政府信息情况",
    3: "收到和处理政府信息公开申请情况",
    4: "政府信息公开行政复议行政诉讼情况",
    5: "存在的主要问题及改进情况",
    6: "其他需要报告的事项",
}
NUMERALS = "一二三四五六"
_HEAD = re.compile(r"^\s*#*\s*(?P<num>[一二三四五六])\s*[、.．]")
MIN_TITLE_SCORE = 80
WEAK = 0.85  # the score of a title found inside a longer line (see _title_only)
_LONGEST_TITLE = max(map(len, SECTION_TITLES.values()))


@dataclass(frozen=True)
class Section:
    number: int  # 1..6
    line: int  # index into Document.lines
    score: float  # 0..1 match of the heading to the form's title


def find_sections(doc: Document) -> dict[int, Section]:
    """The best heading line for each section number found, in document order."""
    found: dict[int, Section] = {}
    for i, line in enumerate(doc.lines):
        if not line.cells:
            continue
        first = next((c.text for c in line.cells if c.text), "")
        if not first or not (_HEAD.match(first) or (len(first) <= 26 and "情况" in first or "事项" in first)):
            continue
        hit = _heading(first)
        if hit is None:
            continue
        number, score = hit
        prev = found.get(number)
        if prev is None or score > prev.score:
            found[number] = Section(number, i, score)
    return _in_order(found)


def is_section_heading(text: str) -> bool:
    """A numbered heading of one of the report's sections (二、主动公开政府信息情况), which
    no table holds: its rows numbered 一、 二、 … (一、本年新收…) are not the titles."""
    return bool(_HEAD.match(text)) and _heading(text) is not None


def _heading(text: str) -> tuple[int, float] | None:
    m = _HEAD.match(text)
    body = label_key(text)
    if m:
        number = NUMERALS.index(m.group("num")) + 1
        title = SECTION_TITLES[number]
        score = max(fuzz.ratio(body, title), fuzz.ratio(body[: len(title) + 2], title))
        if score >= MIN_TITLE_SCORE:
            return number, score / 100
        # the numeral misread (OCR drops a stroke: 二 → 一) under another section's own title
        return _title_only(body[: _LONGEST_TITLE + 2])
    # an unnumbered heading must be the title itself
    if len(body) > 22:
        return None
    return _title_only(body)


def _title_only(body: str) -> tuple[int, float] | None:
    """The section (二 on: 一's title 总体情况 is too short to tell) whose title ``body`` is,
    nearly letter for letter; or, a weaker heading, whose title ``body`` holds letter for
    letter after a character or two (a numeral OCR misread, "一主主动公开…"), with the
    table's first cells run into the same line."""
    for number, title in SECTION_TITLES.items():
        if number > 1 and len(body) <= len(title) + 2 and fuzz.ratio(body, title) >= 90:
            return number, 0.9
    for number, title in SECTION_TITLES.items():
        if number > 1 and title in body[: len(title) + 2]:
            return number, WEAK
    return None


def _in_order(found: dict[int, Section]) -> dict[int, Section]:
    """Drop headings that break the order 一 < 二 < … (a stray match in prose); a weak one
    standing after a later section's own heading goes first."""
    found = {n: s for n, s in found.items() if s.score > WEAK or not any(
        m > n and t.score > WEAK and t.line < s.line for m, t in found.items())}
    kept: dict[int, Section] = {}
    last = -1
    for number in sorted(found):
        s = found[number]
        if s.line > last:
            kept[number] = s
            last = s.line
    return kept


def is_prose(text: str) -> bool:
    """A paragraph of running text: tables never live in one."""
    if len(text) < 40:
        return False
    sentences = text.count("。") + text.count("；")
    return sentences >= 1 and len(_DIGIT.findall(text)) < 0.2 * len(text)


_DIGIT = re.compile(r"\d")
_FURNITURE = re.compile(r"^(?:-\s*\d{1,4}\s*-|第\s*\d{1,4}\s*页(?:\s*[,，]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$")


def is_furniture(text: str) -> bool:
    """A page number such as "- 4 -", "第4页 共12页" or "4/12": never a table cell."""
    return bool(_FURNITURE.match(text.strip()))
