"""The report's issuing body (agency) and report year, each with a confidence.

Evidence, strongest first:
- the title line "<agency><year>年(度)政府信息公开工作(年度)报告" (or 年报) (0.95), or a
  title that starts with the year, the agency after it or alone on the line before (0.9);
  a year may be written in Chinese numerals (二〇二一年) or with its digits spaced by OCR;
- for the year, the statistics period "<year>年1月1日至<year>年12月31日" (0.9);
- a title found only in the file's own title (an HTML page's ``<title>``), no line (0.9 at most);
- otherwise the most frequent body name or year in the text (0.5: goes to review).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Iterator, Optional

from .model import Document

_REPORT = r"政府信息公开\s*(?:工作)?\s*(?:(?:年度)?\s*报告|年报)"
_AFTER_YEAR = r"年度?\s*(?:度\s*)?(?:本机关|本单位)?\s*" + _REPORT
_TITLE = re.compile(r"(?P<year>(?:19|20)\d{2})\s*" + _AFTER_YEAR)
# a title whose year OCR garbled ("2 0 2 1 1年政府信息公开工作年度报告"): only its place counts
_LOOSE_TITLE = re.compile(_AFTER_YEAR)
_YEAR_FIRST = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年度?\s*[)）\]】]?\s*"
                         r"(?P<agency>[\u4e00-\u9fff][\u4e00-\u9fff()（）]{1,29}?)\s*(?:关于)?\s*" + _REPORT)
# a title without a year before 报告 ("政府信息公开工作年度报告", "…政府信息公开工作2021年度报告"):
# the agency before it on the line, or alone on a line before or after it
_BARE_TITLE = re.compile(r"政府信息公开\s*(?:工作)?\s*(?:(?P<year>(?:19|20)\d{2})\s*年度?\s*)?"
                         r"(?:年度)?\s*(?:报告|年报)")
_YEAR_LINE = re.compile(r"^[(（\[【]?\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*[)）\]】]?$")  # "（2021年度）"
_NAME = re.compile(r"[\u4e00-\u9fff()（）]{2,30}")  # a body's name on a line of its own
_PERIOD = re.compile(r"(?P<year>20\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*至\s*(?P=year)\s*年\s*12\s*月\s*31\s*日")
_ORG_SUFFIX = ("人民政府办公室", "人民政府办公厅", "人民政府", "办事处", "管理委员会", "委员会", "分局", "局",
               "办公室", "办公厅", "厅", "中心", "院", "委", "办", "所", "署", "会", "政府", "支队", "大队", "总队",
               "处", "站", "馆", "社", "部", "街道", "镇", "乡", "管委会", "公司", "集团")
_PROSE_SUFFIX = tuple(x for x in _ORG_SUFFIX if x not in ("处", "站", "馆", "社", "部", "会", "办", "所"))
_ORG = re.compile(r"(?:^|(?<=[，。、；：:,\s(（“]))([\u4e00-\u9fff]{2,24}?(?:" + "|".join(_PROSE_SUFFIX) + r"))(?![\u4e00-\u9fff]{0,1}(?:长|员|主任|党委))")
_GENERIC = re.compile(r"^(?:我|本|各|全|该|上级|市|区|县|省|镇|乡|分|有关|相关|政务|我们|县级|市级)")
_TITLE_NOISE = re.compile(r"^(?:关于|[#\s]+)|(?:关于|[《》\s])+$")
HEAD_LINES = 12
TITLE_TAG = 0.9  # the most a title found only outside the text (an HTML <title>) earns


@dataclass(frozen=True)
class MetaField:
    value: Optional[object]
    confidence: float
    line: Optional[int] = None  # index into Document.lines
    text: str = ""


def _texts(doc: Document) -> list[str]:
    texts = ["".join([c.text for c in line.cells]) for line in doc.lines]
    return [_years(t) if "年" in t else t for t in texts]  # the patterns need a 年


def _years(text: str) -> str:
    """A year written in Chinese numerals or with its digits spaced, as four digits."""
    return _YEAR_SPACED.sub(_unspaced, _CN_YEAR.sub(_arabic, text))


def _unspaced(m: re.Match) -> str:
    return re.sub(r"\s", "", m.group(1))


def _arabic(m: re.Match) -> str:
    return m.group(0).translate(_CN_DIGITS)


# "二〇二一年" (〇 also typed as ○, 零 or the letter O): 2021
_CN_YEAR = re.compile(r"(?:一九|二[〇○零OＯ])[〇○零OＯ一二三四五六七八九]{2}(?=\s*年)")
_CN_DIGITS = str.maketrans("〇○零OＯ一二三四五六七八九", "00000123456789")


# OCR spaces the digits of a title's year: "2 02 3 年度" is 2023年度
_YEAR_SPACED = re.compile(r"(?<!\d)((?:19|20|1\s+9|2\s+0)\s*\d\s*\d)(?=\s*年)")


def _head(texts: list[str], pattern: re.Pattern) -> Iterator[tuple[int, str, re.Match]]:
    """Matches of a title pattern that start on one of the first lines, that line joined
    with the next (a title may wrap onto a second line)."""
    head = texts[:HEAD_LINES]
    for i, t in enumerate(head):
        joined = t + (head[i + 1] if i + 1 < len(head) else "")
        m = pattern.search(joined)
        if m and m.start() < len(t):
            yield i, joined, m


def find_year_and_agency(doc: Document) -> tuple[MetaField, MetaField]:
    """Both, from one pass over the lines' text."""
    texts = _texts(doc)
    return find_year(doc, texts), find_agency(doc, texts)


def _as_printed(doc: Document, found: MetaField) -> MetaField:
    """``found`` with its text as its line prints it (二〇二一, "2 02 3"), not as read (2021),
    and without the next line that a title's search joins to it."""
    if found.line is None or found.line >= len(doc.lines):
        return found
    return replace(found, text="".join([c.text for c in doc.lines[found.line].cells]))


def find_year(doc: Document, texts: Optional[list[str]] = None) -> MetaField:
    texts = _texts(doc) if texts is None else texts
    return _as_printed(doc, _find_year(doc, texts))


def find_agency(doc: Document, texts: Optional[list[str]] = None) -> MetaField:
    texts = _texts(doc) if texts is None else texts
    return _as_printed(doc, _find_agency(doc, texts))


def _find_year(doc: Document, texts: list[str]) -> MetaField:
    for i, t, m in _head(texts, _TITLE):
        return MetaField(int(m.group("year")), 0.95, i, t)
    for i, t, m in _head(texts, _YEAR_FIRST):
        return MetaField(int(m.group("year")), 0.9, i, t)
    for i, t, m in _head(texts, _BARE_TITLE):
        if m.group("year"):
            return MetaField(int(m.group("year")), 0.9, i, t)
        for j in range(i + 1, min(i + 3, len(texts))):  # the year on a line of its own below
            y = _YEAR_LINE.match(texts[j].strip())
            if y:
                return MetaField(int(y.group("year")), 0.9, j, texts[j])
        break
    for i, t in enumerate(texts):
        m = _PERIOD.search(t)
        if m:
            return MetaField(int(m.group("year")), 0.9, i, t)
    for i, t in enumerate(texts):
        m = _TITLE.search(t)
        if m:
            return MetaField(int(m.group("year")), 0.85, i, t)
    m = _TITLE.search(doc.title)
    if m:
        return MetaField(int(m.group("year")), TITLE_TAG, None, doc.title)
    years = Counter(int(y) for t in texts for y in re.findall(r"(20[12]\d)\s*年", t))
    if years:
        year, _ = years.most_common(1)[0]
        return MetaField(year, 0.5)
    return MetaField(None, 0.0)


def _find_agency(doc: Document, texts: list[str]) -> MetaField:
    found = _titled_agency(texts)
    if found is None and doc.title:  # a web page whose title shows only in its <title>
        found = _titled_agency([doc.title])
        if found is not None:
            found = MetaField(found.value, min(found.confidence, TITLE_TAG), None, doc.title)
    return found or _most_named_body(doc, texts)


def _titled_agency(texts: list[str]) -> Optional[MetaField]:
    """The agency a report title on one of the first lines names."""
    for i, t, y in _head(texts, _YEAR_FIRST):
        m = _TITLE.search(t)
        name = y.group("agency")
        if not (m and m.start() < y.start()) and (name.endswith(_ORG_SUFFIX) or len(name) >= 4):
            return MetaField(name, 0.9, i, t)
    for i, t, m in _head(texts, _TITLE):
        before = _TITLE_NOISE.sub("", t[: m.start()]).strip()
        if len(before) >= 2 and re.fullmatch(r"[\u4e00-\u9fff()（）]+", before):
            return MetaField(before, 0.95, i, t)
        prev = _previous_name(texts, i)
        if prev is not None:
            name = texts[prev].strip()
            return MetaField(name, 0.9 if name.endswith(_ORG_SUFFIX) else 0.8, prev, texts[prev])
    loose = next(_head(texts, _LOOSE_TITLE), None)
    if loose is not None:  # a title whose year is not legible: the name alone on the line before
        prev = _previous_name(texts, loose[0])
        if prev is not None and texts[prev].strip().endswith(_ORG_SUFFIX):
            return MetaField(texts[prev].strip(), 0.85, prev, texts[prev])
    bare = next(_head(texts, _BARE_TITLE), None)
    if bare is not None:  # a title without a year before 报告
        i, t, m = bare
        before = _TITLE_NOISE.sub("", t[: m.start()]).strip()
        if (_NAME.fullmatch(before) and before.endswith(_ORG_SUFFIX)
                and not _GENERIC.match(before)):
            return MetaField(before, 0.9, i, t)
        for k in (_previous_name(texts, i), _next_name(texts, i)):
            if k is not None and texts[k].strip().endswith(_ORG_SUFFIX):
                return MetaField(texts[k].strip(), 0.85, k, texts[k])
    return None


def _previous_name(texts: list[str], i: int) -> Optional[int]:
    """The line before the title when it is a short name (Chinese characters only)."""
    return _name_line(texts, range(i - 1, max(-1, i - 4), -1))


def _next_name(texts: list[str], i: int) -> Optional[int]:
    """The line after the title (a line holding only the year skipped) when it is a short
    name (Chinese characters only)."""
    return _name_line(texts, range(i + 1, min(len(texts), i + 4)), skip=_YEAR_LINE)


def _name_line(texts: list[str], near: range, skip: Optional[re.Pattern] = None) -> Optional[int]:
    """The first line of ``near`` that is not empty (nor matched by ``skip``), when it is a
    short name; else None."""
    for j in near:
        t = texts[j].strip()
        if not t or (skip is not None and skip.match(t)):
            continue
        return j if _NAME.fullmatch(t) else None
    return None


def _most_named_body(doc: Document, texts: list[str]) -> MetaField:
    """The body the prose names most (table rows left out: their labels name no body). The
    term 政府信息 (government information) is no body's name: "…其政府信息公开申请"."""
    counts: Counter[str] = Counter()
    first_line: dict[str, int] = {}
    for i, t in enumerate(texts):
        if len(doc.lines[i].cells) > 1:
            continue
        for m in _ORG.finditer(t):
            name = m.group(1)
            if len(name) < 4 or _GENERIC.match(name):
                continue
            if name.endswith("政府") and not name.endswith("人民政府") and t.startswith("信息", m.end(1)):
                continue
            counts[name] += 1
            first_line.setdefault(name, i)
    if not counts:
        return MetaField(None, 0.0)
    name, n = counts.most_common(1)[0]
    return MetaField(name, 0.5 if n >= 2 else 0.3, first_line[name], texts[first_line[name]])
