"""Row labels wrapped over several lines, joined back into one label for matching.

A long label in a narrow column wraps ("1. 申请人无正当理由逾期不补正 / 、行政机关不再处理其
政府信息 / 公开申请"). Matched piece by piece, a fragment can resemble another row (the 2021
(六) sub-rows share most of their words). A label on the next line, starting where this one
starts, not numbered as a row of its own, is a continuation when at most one of the two lines
carries values (and the table does not print one cell per line), and when it is not, whole,
the label of another row (行政处罚 over a blank 行政强制 row is two rows; 规章 under a table
heading wrapped over two lines is a row); its text is joined to the first piece, and the
piece itself stops competing.
"""

from __future__ import annotations

import re
from typing import Iterator, Optional, Sequence

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .model import Document, Token
from .positions import cell_left
from .template import label_key

MAX_PIECES = 4
CELL_MODE_SHARE = 0.9  # cells alone on their line, for a table printed one cell per line
MIN_WHOLE = 2  # a row key this long or longer, found in a piece, names the piece's row
STRAY_CHARS = 2  # characters (OCR debris, numbering) a whole label may carry besides its key
MIN_MISREAD = 4  # a piece this long one character away from a row key is that row's label
SAME_START = 1.0  # display columns (text) or points (PDF) between the starts of two pieces
_OWN_ROW = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|\(?[一二三四五六七八九十]+\)|\(?\d{1,2}\)|\d{1,2}[.、．](?!\d)|第)")


def values_follow(tokens: Sequence[Token], i: int) -> bool:
    """Whether label ``i`` has values after it on its own line."""
    line = tokens[i].line
    for q in range(i + 1, len(tokens)):
        t = tokens[q]
        if t.line != line or t.kind == "label":
            return False
        if t.kind in ("num", "mark"):
            return True
    return False


def without_values(tokens: Sequence[Token], labels: Sequence[int], stop: int) -> list[bool]:
    """Labels whose values stand elsewhere, when the table prints one cell per line: no cell
    (a value or a printed blank) follows the label, or its unnumbered continuations, before
    the next numbered label or ``stop`` (the end of the tables' tokens). PDF-to-text
    converters print a label spanning several rows apart from its values. All False unless
    nearly every cell stands alone on its line (:data:`CELL_MODE_SHARE`)."""
    if not labels or not _one_cell_per_line(tokens, labels[0], stop):
        return [False] * len(labels)
    return [not _cells_after(tokens, labels, k, stop) for k in range(len(labels))]


def _one_cell_per_line(tokens: Sequence[Token], start: int, stop: int) -> bool:
    per_line: dict[int, int] = {}
    for t in tokens[start:stop]:
        per_line[t.line] = per_line.get(t.line, 0) + 1
    cells = [t for t in tokens[start:stop] if t.kind != "label"]
    alone = sum(1 for t in cells if per_line[t.line] == 1)
    return bool(cells) and alone >= CELL_MODE_SHARE * len(cells)


def _cells_after(tokens: Sequence[Token], labels: Sequence[int], k: int, stop: int) -> bool:
    """Whether a cell follows label ``k`` before the next numbered label (at most
    :data:`MAX_PIECES` label pieces on)."""
    for j in range(k + 1, k + MAX_PIECES + 1):
        end = labels[j] if j < len(labels) else stop
        if any(t.kind != "label" for t in tokens[labels[k] + 1:end]):
            return True
        if j >= len(labels) or _OWN_ROW.match(tokens[end].text):
            return False
    return False


def joined_labels(doc: Document, tokens: Sequence[Token], labels: Sequence[int],
                  row_keys: Optional[dict[str, str]] = None) -> tuple[list[str], list[bool]]:
    """For each label token index: its matching key (joined with its continuations; ""
    for a continuation) and whether it, or a continuation, has values on its line.
    ``row_keys``: the keys of the template's row labels, each with its row."""
    keys = [label_key(tokens[i].text) for i in labels]
    has = [values_follow(tokens, i) for i in labels]
    if not any(has) or _one_cell_per_line(tokens, labels[0], labels[-1] + 1):
        return keys, has  # one cell per line: nothing wraps
    first_of_line = _first_label_per_line(tokens, labels)
    head = list(range(len(labels)))  # the first piece of each label's chain
    last = {0: 0}  # chain head -> its last piece
    pieces = {0: 1}
    for k in range(1, len(labels)):
        for h in _open_chains(tokens, labels, head, last, k):
            if pieces[h] < MAX_PIECES and _continues(doc, tokens, labels, h, last[h], k, has, first_of_line) \
                    and not _another_row(keys[h], keys[k], row_keys or {}):
                keys[h] += keys[k]
                keys[k] = ""
                has[h] = has[h] or has[k]
                head[k], last[h] = h, k
                pieces[h] += 1
                break
        else:
            last[k], pieces[k] = k, 1
    return keys, has


def _open_chains(tokens: Sequence[Token], labels: Sequence[int], head: list[int], last: dict[int, int],
                 k: int) -> Iterator[int]:
    """The chains label ``k`` may continue: the previous label's, then those whose last
    piece is on the line before ``k``'s (a group label such as "(六)其他处理", printed
    beside the wrapped label's second line, stands between the two pieces)."""
    first = head[k - 1]
    yield first
    line = tokens[labels[k]].line
    if tokens[labels[k - 1]].line != line:
        return  # the first label on its line: the previous label's chain is the one
    j = k - 1
    while j >= 0 and tokens[labels[j]].line >= line - 1:
        h = head[j]
        if tokens[labels[j]].line == line - 1 and last[h] == j and h != first:
            yield h
        j -= 1


def _another_row(a: str, b: str, row_keys: dict[str, str]) -> bool:
    """Whether piece ``b`` is, whole, the label of a row other than the one ``a`` (the label
    joined so far) names, up to OCR damage (a stray character or two, "((一)予以公开"):
    行政处罚 over a blank 行政强制 row, or 规章 under a table's heading and column header
    ("第二十条第(一 / )项 / 信息内容 本年新制作数量…"), are not one label."""
    rb = _whole_row(b, row_keys)
    if rb is None or _whole_row(a, row_keys) == rb:
        return False
    return not any(a in key for key, row in row_keys.items() if row == rb)  # "申请人无正当" + "理由逾期不补正"


def _whole_row(piece: str, row_keys: dict[str, str]) -> Optional[str]:
    if piece in row_keys:
        return row_keys[piece]
    for key, row in row_keys.items():
        if len(key) >= MIN_WHOLE and key in piece and len(piece) - len(key) <= STRAY_CHARS:
            return row
    if len(piece) < MIN_MISREAD:
        return None
    # one character misread by OCR (行政强刺): the row, if every key that near names one
    rows = {row_keys[key] for key, _, _ in process.extract(piece, row_keys.keys(), scorer=Levenshtein.distance,
                                                          score_cutoff=1, limit=None)}
    return rows.pop() if len(rows) == 1 else None


def _first_label_per_line(tokens: Sequence[Token], labels: Sequence[int]) -> set[int]:
    seen: set[int] = set()
    out: set[int] = set()
    for i in labels:
        if tokens[i].line not in seen:
            seen.add(tokens[i].line)
            out.add(i)
    return out


def _continues(doc: Document, tokens: Sequence[Token], labels: Sequence[int], head: int, prev: int, k: int,
               has: list[bool], first_of_line: set[int]) -> bool:
    """Whether label ``k`` continues the chain from ``head`` whose last piece is ``prev``."""
    a, b = tokens[labels[prev]], tokens[labels[k]]
    if b.line != a.line + 1 or _OWN_ROW.match(b.text) or not tokens[labels[head]].text:
        return False
    if has[head] and has[k]:
        return False
    xa, xb = cell_left(doc, tokens[labels[head]]), cell_left(doc, b)
    if xa is None or xb is None or abs(xa - xb) > SAME_START:
        return False
    # the continuation must be the label that starts its line's label column
    return labels[k] in first_of_line or _same_column_first(tokens, labels, k, xb, doc)


def _same_column_first(tokens, labels, k, x, doc) -> bool:
    line = tokens[labels[k]].line
    earlier = [i for i in labels[:k] if tokens[i].line == line]
    return all((cell_left(doc, tokens[i]) or 0) < x for i in earlier)
