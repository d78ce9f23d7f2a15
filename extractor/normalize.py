"""Text normalisation, done once at the reader.

- NFKC folds full-width digits and letters and the Kangxi radicals PDF producers emit
  (⽂ → 文) into their ordinary forms;
- the many bracket forms become ASCII parentheses, the many dash forms "-";
- zero-width characters go; no-break and ideographic spaces become spaces;
- inside a cell, spaces between two CJK characters go ("结果 维持" → "结果维持") and
  other runs of white space shrink to one space.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_BRACKETS = str.maketrans({
    "〔": "(", "〕": ")", "【": "(", "】": ")", "［": "(", "］": ")", "〖": "(", "〗": ")",
    "﹙": "(", "﹚": ")", "⑴": "(", "（": "(", "）": ")",
})
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−－─━﹣⁃"})
_DROP = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# CJK radicals supplement forms that NFKC leaves alone but PDF producers emit
_RADICALS = str.maketrans({"⺠": "民", "⻓": "长", "⻅": "见", "⻆": "角", "⻔": "门", "⻢": "马",
                           "⻋": "车", "⻘": "青", "⻝": "食", "⺟": "母", "⻛": "风", "⻚": "页"})

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(rf"[{_CJK}]")
_SPACE_IN_CJK = re.compile(rf"(?<=[{_CJK}])[ \u3000]+(?=[{_CJK}])")
_SPACES = re.compile(r"[ \u00a0\u3000]+")
_TIDY_SPACE = re.compile(r"[\t \u00a0\u3000]")


_TABLE = {**_DROP, **_RADICALS}
_AFTER_NFKC = {**_BRACKETS, **_DASHES, ord("\u00a0"): " ", ord("\u3000"): " "}
_NEEDS_TABLE = re.compile("[" + re.escape("".join(map(chr, _TABLE))) + "]")
_NEEDS_AFTER = re.compile("[" + re.escape("".join(map(chr, _AFTER_NFKC))) + "]")
# full-width ASCII forms ("，", "（", "：", "Ａ") and the ideographic space, each with its NFKD
_FULL_WIDTH = {chr(c): unicodedata.normalize("NFKD", chr(c)) for c in [*range(0xFF01, 0xFF5F), 0x3000]}
_NEEDS_FULL_WIDTH = re.compile("[" + re.escape("".join(_FULL_WIDTH)) + "]")


def normalize_line(text: str) -> str:
    """Fold character forms but keep the line's tabs and spacing (cells are split later)."""
    if _NEEDS_TABLE.search(text):
        text = text.translate(_TABLE)
    if not unicodedata.is_normalized("NFKC", text):
        # mostly for its full-width punctuation alone, and NFKC of a whole text costs ~1000
        # instructions a CJK character: those forms are first replaced by their decomposition
        # (NFKC of the result is NFKC of the text), which often leaves nothing more to do
        text = _NEEDS_FULL_WIDTH.sub(lambda m: _FULL_WIDTH[m.group()], text)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if _NEEDS_AFTER.search(text):
        text = text.translate(_AFTER_NFKC)
    return text


def normalize_cell(text: str) -> str:
    """Normalise one cell: fold forms, drop spaces inside CJK runs, collapse the rest."""
    return tidy_cell(normalize_line(text))


@lru_cache(maxsize=4096)  # cells repeat ("0", "", labels)
def tidy_cell(text: str) -> str:
    """The white-space part of :func:`normalize_cell`, for text already folded by line."""
    if not _TIDY_SPACE.search(text):
        return text.strip()  # nothing for the substitutions below to do
    text = _SPACES.sub(" ", text.replace("\t", " ")).strip()
    return _SPACE_IN_CJK.sub("", text)


def is_cjk(ch: str) -> bool:
    return bool(_CJK_CHAR.match(ch))


_PAGE_NO = re.compile(
    r"^(?:[-—–‐ ]*\d{1,4}[-—–‐ ]*"  # - 4 -, 4
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"  # 第4页, 第4页 共6页
    r"|\d{1,4}\s*/\s*\d{1,4}"  # 4/6
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$", re.I)  # Page 4 of 6


def is_page_number(text: str) -> bool:
    """Text that is only a page number ("- 4 -", "第4页 共6页", "4/6", "4")."""
    return bool(_PAGE_NO.match(normalize_cell(text)))
