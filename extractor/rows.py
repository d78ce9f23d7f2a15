"""Row assignment: printed labels → template rows, by an ordered alignment.

The template's rows come in a fixed order (tables of 二, then 三; parent labels such as
(三)不予公开 are optional items of the sequence). Each printed label gets a similarity to
each item (:class:`LabelScorer`, swappable: a learned scorer can replace it), and dynamic
programming picks the order-preserving matching with the largest total similarity.
So one unclear label is settled by its neighbours, header labels that resemble a row
("总计") are left out, and missing or truncated rows are simply skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from .template import Table, Template, label_key

MIN_SIMILARITY = 0.62
SHORT_KEY = 2  # keys this short must match exactly
FRAGMENT_WEIGHT = 0.9  # a label with no values on its line, when other labels have some
SHORT_WEIGHT = 0.6  # and count for less: "其他", "总计" also head columns


@dataclass(frozen=True)
class Item:
    """One step of the template sequence: a row, or a parent/title label without values."""

    table: str
    row: str  # row id; "" for a parent or title label
    keys: tuple[str, ...]
    weight: float = 1.0


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
    attribute sets the smallest score the alignment takes (default :data:`MIN_SIMILARITY`)."""

    def __call__(self, observed: Sequence[str], items: Sequence[Item]) -> list[list[float]]: ...


def similarity(obs: str, key: str) -> float:
    """Similarity of a printed label key and a template key, 0..1.

    Exact match 1.0; keys of two characters or fewer match only exactly; otherwise the
    rapidfuzz ratio, raised when one contains the other (a label run together with its
    parent, or cut short by a cell boundary)."""
    return _adjust(obs, key, fuzz.ratio(obs, key) / 100 if obs and key else 0.0)


class LabelScorer:
    """The transparent scorer: best rapidfuzz similarity over an item's keys.

    Plain ratios for all pairs come from one ``process.cdist`` call; the short-key rule and
    the containment rules of :func:`similarity` are applied on top."""

    def __call__(self, observed: Sequence[str], items: Sequence[Item]) -> list[list[float]]:
        uniq = list(dict.fromkeys(observed))
        keys = list(dict.fromkeys(k for it in items for k in it.keys))
        if not uniq or not keys:
            return [[0.0] * len(items) for _ in observed]
        sims = process.cdist(uniq, keys, scorer=fuzz.ratio, workers=1, dtype=np.float32) / 100
        short = np.array([len(k) <= SHORT_KEY for k in keys])[None, :] | \
            np.array([len(o) <= SHORT_KEY for o in uniq])[:, None]
        sims[short & (sims < 1)] = 0.0
        for i, o in enumerate(uniq):  # containment: a cheap pass finds the few candidates
            for j in [j for j, k in enumerate(keys) if k in o or o in k]:
                k = keys[j]
                if (len(o) > len(k) and k in o) or (len(o) >= 4 and o in k):
                    sims[i, j] = _adjust(o, k, float(sims[i, j]))
        col = {k: j for j, k in enumerate(keys)}
        per_item = np.stack([sims[:, [col[k] for k in it.keys]].max(axis=1) for it in items], axis=1)
        row = {o: i for i, o in enumerate(uniq)}
        return [per_item[row[o]].tolist() for o in observed]


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
          has_values: Sequence[bool] | None = None, context: Sequence | None = None
          ) -> list[tuple[int, int, float]]:
    """Order-preserving matching (observed index, item index, similarity).

    ``has_values[i]`` tells whether label i has values after it on its own line; when some
    labels do, a row is preferably matched to one of them rather than to a fragment of a
    wrapped label (weight :data:`FRAGMENT_WEIGHT`)."""
    scorer = scorer or LabelScorer()
    if context is not None and getattr(scorer, "uses_context", False):
        scores = scorer(observed, items, context=context)
    else:
        scores = scorer(observed, items)
    floor = getattr(scorer, "min_score", MIN_SIMILARITY)
    if has_values is not None and any(has_values):
        for i, hv in enumerate(has_values):
            if not hv:
                scores[i] = [s * FRAGMENT_WEIGHT if it.row else s for s, it in zip(scores[i], items)]
    n, m = len(observed), len(items)
    best = _best_scores(scores, [it.weight for it in items], floor, n, m)
    pairs: list[tuple[int, int, float]] = []
    i, j = n, m
    while i > 0 and j > 0:
        s = scores[i - 1][j - 1]
        if s >= floor and best[i][j] == best[i - 1][j - 1] + items[j - 1].weight * s:
            pairs.append((i - 1, j - 1, s))
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def _best_scores(scores: Sequence[Sequence[float]], weights: Sequence[float], floor: float,
                 n: int, m: int) -> list[list[float]]:
    """``best[i][j]``: the best total of matching the first i labels to the first j items,
    where ``best[i][j] = max(best[i-1][j], best[i][j-1], best[i-1][j-1] + weight_j * s_ij)``
    (the last only when s_ij reaches the floor). A row at a time: the ``best[i][j-1]`` term
    is a running maximum."""
    score = np.array(scores, dtype=np.float64).reshape(n, m)
    weight = np.array(weights, dtype=np.float64)
    best = np.zeros((n + 1, m + 1))
    for i in range(1, n + 1):
        s, prev = score[i - 1], best[i - 1]
        take = np.where(s >= floor, prev[:-1] + weight * s, -1.0)
        np.maximum.accumulate(np.maximum(prev[1:], take), out=best[i, 1:])
    return best.tolist()


def doubt_shared_cells(tokens: Sequence, matches: list[RowMatch]) -> list[RowMatch]:
    """Labels of two template rows in one cell with no value between them (OCR merged two
    table rows into one line): which row the values after them belong to is not known, so
    both matches are marked, and their fields go to review whatever the rules say."""
    shared: set[int] = set()
    for a, b in zip(matches, matches[1:]):
        ta, tb = tokens[a.token], tokens[b.token]
        if (ta.line, ta.cell) == (tb.line, tb.cell) and \
                not any(t.kind in ("num", "mark") for t in tokens[a.token + 1:b.token]):
            shared.update((a.token, b.token))
    return [replace(m, shared=True) if m.token in shared else m for m in matches]
