"""Row assignment: printed labels → template rows, by an ordered alignment.

The template's rows come in a fixed order (tables of 二, then 三; parent labels such as
(三)不予公开 are optional items of the sequence). Each printed label gets a similarity to
each item (:class:`LabelScorer`, swappable: a learned scorer can replace it), and dynamic
programming picks the order-preserving matching with the largest total similarity.
So one unclear label is settled by its neighbours, header labels that resemble a row
("总计") are left out, and missing or truncated rows are simply skipped.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from itertools import accumulate
from typing import Protocol, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from .model import quick_init
from .normalize import is_cjk
from .template import Table, Template, label_key

MIN_SIMILARITY = 0.62
SHORT_KEY = 2  # keys this short must match exactly
FRAGMENT_WEIGHT = 0.9  # a label with no values on its line, when other labels have some
SHORT_WEIGHT = 0.6  # and count for less: "其他", "总计" also head columns
APART_WEIGHT = 0.1  # a label whose values stand elsewhere (labels.without_values): it yields none


@quick_init
@dataclass(frozen=True)
class Item:
    """One step of the template sequence: a row, or a parent/title label without values."""

    table: str
    row: str  # row id; "" for a parent or title label
    keys: tuple[str, ...]
    weight: float = 1.0


@quick_init
@dataclass(frozen=True)
class RowMatch:
    table: str
    row: str
    token: int  # index of the label token in the token list
    similarity: float
    shared: bool = False  # its label shares a cell with another row's label


class Scorer(Protocol):
    """Similarity (0..1) of every observed label key to every item. A scorer with
    ``uses_context = True`` is also given ``context=`` (one record per label: section, values
    on its line, position…, see :mod:`extractor.learn.features`); one with a ``min_score``
    attribute sets the smallest score the alignment takes (default :data:`MIN_SIMILARITY`);
    one with a ``matrix`` method (same arguments) gives the same scores as a new array."""

    def __call__(self, observed: Sequence[str], items: Sequence[Item]) -> list[list[float]]: ...


def similarity(obs: str, key: str) -> float:
    """Similarity of a printed label key and a template key, 0..1.

    Exact match 1.0; keys of two characters or fewer match only exactly; otherwise the
    rapidfuzz ratio, raised when one contains the other (a label run together with its
    parent, or cut short by a cell boundary)."""
    return _adjust(obs, key, fuzz.ratio(obs, key) / 100 if obs and key else 0.0)


CACHE_SIZE = 4096  # label keys whose similarity rows are remembered, per template item list


class LabelScorer:
    """The transparent scorer: best rapidfuzz similarity over an item's keys.

    Plain ratios for all pairs come from one ``process.cdist`` call; the short-key rule and
    the containment rules of :func:`similarity` are applied on top. A label's row depends
    only on its key and on the items' keys, and row labels recur within and across reports:
    rows are remembered per item key list (at most :data:`CACHE_SIZE` labels each)."""

    _rows: dict[tuple[tuple[str, ...], ...], dict[str, np.ndarray]] = {}

    def __call__(self, observed: Sequence[str], items: Sequence[Item]) -> list[list[float]]:
        return self.matrix(observed, items).tolist()

    def matrix(self, observed: Sequence[str], items: Sequence[Item]) -> np.ndarray:
        """The same similarities as an array (observed × items, float64), for callers that
        compute on them (a list of lists costs a conversion per element each way)."""
        shape = tuple(it.keys for it in items)
        if shape not in self._rows and len(self._rows) >= 16:
            self._rows.clear()  # many item lists (tests): start again
        known = self._rows.setdefault(shape, {})
        rows = {o: known.get(o) for o in observed}  # read once: another thread may clear it
        todo = [o for o, r in rows.items() if r is None]
        if todo:
            for o, r in zip(todo, self._score(todo, items)):
                rows[o] = np.array(r, dtype=np.float64)
                rows[o].flags.writeable = False  # shared through the cache
            if len(known) + len(todo) > CACHE_SIZE:
                known.clear()
            known.update((o, rows[o]) for o in todo)
        return np.array([rows[o] for o in observed], dtype=np.float64).reshape(len(observed), len(items))

    def _score(self, uniq: list[str], items: Sequence[Item]) -> list[list[float]]:
        """The rows of distinct label keys."""
        keys = list(dict.fromkeys(k for it in items for k in it.keys))
        if not keys:
            return [[0.0] * len(items) for _ in uniq]
        sims = process.cdist(uniq, keys, scorer=fuzz.ratio, workers=1, dtype=np.float32) / 100
        short = np.array([len(k) <= SHORT_KEY for k in keys])[None, :] | \
            np.array([len(o) <= SHORT_KEY for o in uniq])[:, None]
        sims[short & (sims < 1)] = 0.0
        for i, j in _containing(uniq, keys):
            sims[i, j] = _adjust(uniq[i], keys[j], float(sims[i, j]))
        col = {k: j for j, k in enumerate(keys)}
        # the best over each item's keys: one maximum over the items' runs of key columns
        starts = list(accumulate((len(it.keys) for it in items[:-1]), initial=0))
        per_item = np.maximum.reduceat(sims[:, [col[k] for it in items for k in it.keys]], starts, axis=1)
        return per_item.tolist()


def _containing(observed: list[str], keys: list[str]) -> set[tuple[int, int]]:
    """Pairs (i, j) where observed[i] holds keys[j] and is longer, or keys[j] holds an
    observed[i] of four characters or more: the pairs :func:`_adjust` may raise. Found with
    ``str.find`` over the joined strings instead of testing every pair."""
    pairs: set[tuple[int, int]] = set()
    for i, j in _occurrences(keys, observed):
        if len(observed[i]) > len(keys[j]):
            pairs.add((i, j))
    for j, i in _occurrences(observed, keys):
        if len(observed[i]) >= 4:
            pairs.add((i, j))
    return pairs


def _occurrences(needles: list[str], hay: list[str]):
    """(index in hay, index in needles) for every needle found inside a hay string."""
    joined = "\x00".join(hay)
    starts = list(accumulate((len(h) + 1 for h in hay[:-1]), initial=0))
    for j, needle in enumerate(needles):
        at = joined.find(needle) if needle else -1
        while at >= 0:
            i = bisect_right(starts, at) - 1
            yield i, j
            at = joined.find(needle, starts[i + 1]) if i + 1 < len(hay) else -1


def _adjust(obs: str, key: str, ratio: float) -> float:
    """Apply the short-key and containment rules of :func:`similarity` to a plain ratio."""
    if not obs or not key:
        return 0.0
    if obs == key:
        return 1.0
    if len(obs) > len(key) and obs.endswith(key) and not obs[-len(key) - 1].isdigit():
        # crawler text: title and headers run into the row label that ends the token
        return 0.9 if len(key) <= SHORT_KEY else max(ratio, 0.9 + 0.1 * len(key) / len(obs))
    if len(key) <= SHORT_KEY or len(obs) <= SHORT_KEY:
        return 0.0
    if len(key) >= 4 and key in obs:
        ratio = max(ratio, 0.9 + 0.1 * len(key) / len(obs))
    if len(obs) >= 4 and obs in key:
        ratio = max(ratio, 0.8 + 0.15 * len(obs) / len(key))
    return ratio


def template_items(template: Template, tables: Sequence[str]) -> list[Item]:
    items: list[Item] = []
    for table_id in tables:
        table = template.table(table_id)
        items.extend(_table_items(table))
    return items


def _table_items(table: Table) -> list[Item]:
    items: list[Item] = []
    if table.id.startswith("art20"):
        items.append(Item(table.id, "", (label_key(table.title),), 0.5))
    seen_groups: set[str] = set()
    for row in table.rows:
        if table.id == "requests" and row.id == "granted":
            items.append(Item(table.id, "", ("本年度办理结果",), 0.5))
        if row.group and row.group not in seen_groups:
            seen_groups.add(row.group)
            items.append(Item(table.id, "", (row.group,), 0.5))
        short = all(len(k) <= SHORT_KEY for k in row.keys)
        items.append(Item(table.id, row.id, row.keys, SHORT_WEIGHT if short else 1.0))
    return items


def align(observed: Sequence[str], items: Sequence[Item], scorer: Scorer | None = None,
          has_values: Sequence[bool] | None = None, context: Sequence | None = None,
          apart: Sequence[bool] | None = None) -> list[tuple[int, int, float]]:
    """Order-preserving matching (observed index, item index, similarity).

    ``has_values[i]`` tells whether label i has values after it on its own line; when some
    labels do, a row is preferably matched to one of them rather than to a fragment of a
    wrapped label (weight :data:`FRAGMENT_WEIGHT`). ``apart[i]`` tells that label i has no
    values near it at all: it still matches a row no other label claims, but counts for
    :data:`APART_WEIGHT` against a label holding values that competes for the order."""
    scorer = scorer or LabelScorer()
    score = getattr(scorer, "matrix", scorer)  # the same scores as a fresh array, where offered
    if context is not None and getattr(scorer, "uses_context", False):
        scores = score(observed, items, context=context)
    else:
        scores = score(observed, items)
    floor = getattr(scorer, "min_score", MIN_SIMILARITY)
    n, m = len(observed), len(items)
    S = np.asarray(scores, dtype=np.float64).reshape(n, m)
    rows = np.asarray([bool(it.row) for it in items], dtype=bool)
    if has_values is not None and any(has_values):
        fragments = ~np.asarray(has_values, dtype=bool)
        S[np.ix_(fragments, rows)] *= FRAGMENT_WEIGHT
    weights = np.array([it.weight for it in items], dtype=np.float64)
    take = np.where(S >= floor, weights * S, -np.inf)
    if apart is not None and any(apart):
        take[np.ix_(np.asarray(apart, dtype=bool), rows)] *= APART_WEIGHT
    best = np.zeros((n + 1, m + 1))
    step = np.empty(m)
    for i in range(1, n + 1):
        # best[i][j] = max(best[i-1][j], best[i][j-1], best[i-1][j-1] + w·s): a running maximum
        above = best[i - 1]
        np.add(above[:-1], take[i - 1], out=step)
        np.maximum(above[1:], step, out=step)
        np.maximum.accumulate(step, out=best[i, 1:])
    # the walk back visits about n + m cells: read them one by one (as Python floats)
    score, value, gain_at = S.item, best.item, take.item
    pairs: list[tuple[int, int, float]] = []
    i, j = n, m
    while i > 0 and j > 0:
        s, here = score(i - 1, j - 1), value(i, j)
        if s >= floor and here == value(i - 1, j - 1) + gain_at(i - 1, j - 1):
            pairs.append((i - 1, j - 1, s))
            i, j = i - 1, j - 1
        elif here == value(i - 1, j):
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


_AFTER_MARK = re.compile(r"^.*[-—–－/]")  # a label's text up to its last blank mark


def doubt_shared_cells(tokens: Sequence, matches: list[RowMatch], items: Sequence[Item] = (),
                       aligned: frozenset[int] = frozenset(), groups: frozenset[int] = frozenset(),
                       ocr_lines: frozenset[int] = frozenset()) -> list[RowMatch]:
    """Labels of two template rows in one cell with no value between them (OCR merged two
    table rows into one line): which row the values after them belong to is not known, so
    both matches are marked, and their fields go to review whatever the rules say.

    The same holds for one label that holds the keys of its own row and of another row of
    its table ("行政处罚行政强制"): no row's key holds another's, so such a label is two merged
    (``items``: the template's items, whose keys are looked for). Only the label's text after
    its last printed blank mark counts ("行政处罚--行政强制" is a blank row, then this one).

    And on a line OCR read (``ocr_lines``: the lines of aligned labels that OCR read), for a
    row's label after a label that no row or group took (``aligned``: the label tokens the
    alignment took) in its cell, a wrapped label's lines OCR read out of order
    ("相关政府信息本机关不掌握 (四)无法提供 2需要另行制作…"), when the row before it in the
    template matched no label: that row may be the values' (see :func:`_after_unknown_label`;
    ``groups``: the aligned labels of row groups). When that row did match, the label is
    most likely the tail of its wrapped label."""
    before = _rows_before(items)
    known = {(m.table, m.row) for m in matches} | {None}  # rows matched, and "no row before"
    shared: set[int] = {m.token for m in matches if tokens[m.token].line in ocr_lines
                        and before.get((m.table, m.row)) not in known
                        and _after_unknown_label(tokens, m.token, aligned, groups)}
    for a, b in zip(matches, matches[1:]):
        ta, tb = tokens[a.token], tokens[b.token]
        if (ta.line, ta.cell) == (tb.line, tb.cell) and \
                not any(t.kind in ("num", "mark") for t in tokens[a.token + 1:b.token]):
            shared.update((a.token, b.token))
    keys: dict[str, list[tuple[str, str]]] = {}  # table -> (row, key) of keys long enough
    for it in items:
        if it.row:
            keys.setdefault(it.table, []).extend((it.row, k) for k in it.keys if len(k) > SHORT_KEY)
    for m in matches:
        key = label_key(_AFTER_MARK.sub("", tokens[m.token].text))
        own = [k for r, k in keys.get(m.table, ()) if r == m.row and k in key]
        if own and len(key) > min(map(len, own)) + SHORT_KEY and \
                any(r != m.row and k in key for r, k in keys[m.table]):
            shared.add(m.token)
    return [replace(m, shared=True) if m.token in shared else m for m in matches]


MIN_UNKNOWN = 4  # Chinese characters an unaligned label needs to be a row's label


def _rows_before(items: Sequence[Item]) -> dict[tuple[str, str], tuple[str, str]]:
    """(table, row) → the (table, row) before it in its table, for the template's ``items``."""
    out: dict[tuple[str, str], tuple[str, str]] = {}
    last: dict[str, tuple[str, str]] = {}
    for it in items:
        if it.row and (it.table, it.row) not in out and last.get(it.table) != (it.table, it.row):
            if it.table in last:
                out[(it.table, it.row)] = last[it.table]
            last[it.table] = (it.table, it.row)
    return out


def _after_unknown_label(tokens: Sequence, at: int, aligned: frozenset[int], groups: frozenset[int]) -> bool:
    """Does label ``at`` follow, in its cell, a label the alignment did not take (of at least
    :data:`MIN_UNKNOWN` Chinese characters), with only labels of row groups and numbering
    (a number right before a label) between them?"""
    t = tokens[at]
    k = at - 1
    while k >= 0 and tokens[k].line == t.line and tokens[k].cell == t.cell:
        p = tokens[k]
        if p.kind == "label":
            if k not in aligned:
                return sum(1 for ch in p.text if is_cjk(ch)) >= MIN_UNKNOWN
            if k not in groups:
                return False  # a row's label: the pairs above tell
        elif p.kind != "num" or tokens[k + 1].kind != "label":
            return False  # a value, or a mark, between them
        k -= 1
    return False
