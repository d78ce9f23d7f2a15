"""Features of the learned models, by name: one ordered list per model.

Row model (:mod:`extractor.learn.row_model`). Each printed label of the table span is one
sample, described by :func:`row_features` as a dict of named features:

- ``ng:<gram>``: character 1-, 2- and 3-grams of the label's matching key (robust to a
  damaged character: most n-grams survive it);
- ``sim:<class>``: the transparent scorer's similarity (rapidfuzz, :class:`rows.LabelScorer`)
  of the label to each template item (when at least :data:`SIM_FEATURE_MIN`);
  ``hint:<class>``: its best item, when good enough;
- context: ``prev:<class>`` the previous label's best item (the previous row's class),
  ``next:<class>`` the next label's, ``prev_head:``/``next_rest:`` the same when values stand
  on only one of the two lines (the pieces of a wrapped label),
  ``group:<class>`` the last parent label seen (the parent group, e.g. 不予公开),
  ``sec:<n>`` the section (一 … 六) the label stands in, ``vals:<n>`` how many numbers or
  blank marks follow it on its line, ``cells:<n>`` how many value cells of any kind,
  ``reach:<n>`` how many the row stage would read for it (on its line, or on the lines after
  it when a label wrapped over lines stands alone),
  ``pos:<decile>`` its position in the span, ``num:<style>`` its numbering style,
  ``len:<bucket>`` the key length, ``gap:<n>`` lines since the previous label, and flags.

A class is the template item's id (:func:`item_class`): ``table.row`` for a row,
``table:<key>`` for a parent or title label; :data:`NONE` for a label that is no row.

Calibrator (:mod:`extractor.learn.calibrate`): :data:`CAL_FEATURES` in that order, computed
from fields' evidence dicts (see :func:`extractor.fields.build_fields`) by
:func:`calibration_matrix`.

:data:`FEATURE_VERSION` names this feature set; a model built on another one is refused.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from functools import lru_cache
from itertools import chain
from typing import Mapping, NamedTuple, Optional, Sequence

import numpy as np

from ..model import Document, Token
from ..rows import MIN_SIMILARITY, Item
from ..sections import Section
from ..tables import row_cells

FEATURE_VERSION = "rows-v3+cal-v2"
NONE = "<none>"  # class of a label that is no template item
NGRAM_SIZES = (1, 2, 3)
VALUE_BUCKETS = 8  # vals:8 means eight or more
SIM_FEATURE_MIN = 0.3  # similarities below are left out of the features (they say nothing)
REACH_COLUMNS = 7  # the widest table of 二 and 三: how far ``reach`` looks
POSITION_BINS = 10
_NUMBERING = [
    ("top", re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]")),
    ("paren_cn", re.compile(r"^\s*[(（]\s*[一二三四五六七八九十]+\s*[)）]")),
    ("paren_ar", re.compile(r"^\s*[(（]\s*\d{1,2}\s*[)）]")),
    ("arabic", re.compile(r"^\s*\d{1,2}\s*[.、．](?!\d)")),
    ("circled", re.compile(r"^\s*[①-⑩]")),
    ("article", re.compile(r"^\s*第")),
]
# the patterns above as one, tried in order: the name of the first that matches is the match's group
_NUMBERING_ANY = re.compile("|".join(f"(?P<{name}>{p.pattern})" for name, p in _NUMBERING))


class LabelContext(NamedTuple):
    """Where a printed label stands: what the row model sees besides its text (a named
    tuple: a report makes one per label)."""

    text: str  # the label token's own text, numbering included
    section: int  # section 1..6 whose heading precedes the label; 0 before any
    values: int  # numbers and blank marks after it on its line, up to the next label
    cells: int  # value cells of any kind (numbers, marks, empty cells) after it on its line
    first_on_line: bool
    labels_on_line: int
    position: float  # index / count over the labels of the table span
    has_values: bool  # it, or a continuation joined to it, has values on its line
    line_gap: int  # lines since the previous label (0 on the same line)
    reach: int = 0  # numbers and marks the row stage would read after it (its line, or the next lines)


def label_contexts(doc: Document, tokens: Sequence[Token], sections: Mapping[int, Section],
                   labels: Sequence[int], keys: Sequence[str], has_values: Sequence[bool]
                   ) -> list[LabelContext]:
    """One :class:`LabelContext` per label token index in ``labels``."""
    heads = sorted((sec.line, n) for n, sec in sections.items())
    head_lines = [line for line, _ in heads]
    per_line: dict[int, int] = {}
    for i in labels:
        per_line[tokens[i].line] = per_line.get(tokens[i].line, 0) + 1
    out = []
    prev_line = None
    seen_lines: set[int] = set()
    n = max(len(labels), 1)
    for k, i in enumerate(labels):
        t = tokens[i]
        above = bisect_left(head_lines, t.line)  # the headings before the label's line
        section = heads[above - 1][1] if above else 0
        values = cells = 0
        for q in range(i + 1, len(tokens)):
            u = tokens[q]
            if u.line != t.line or u.kind == "label":
                break
            cells += 1
            values += u.kind in ("num", "mark")
        reach = sum(1 for u in row_cells(tokens, i, REACH_COLUMNS) if u.kind in ("num", "mark"))
        out.append(LabelContext(
            text=t.text, section=section, values=values, cells=cells,
            first_on_line=t.line not in seen_lines, labels_on_line=per_line[t.line],
            position=k / n, has_values=bool(has_values[k]),
            line_gap=0 if prev_line is None else t.line - prev_line, reach=reach))
        seen_lines.add(t.line)
        prev_line = t.line
    return out


def item_class(item: Item) -> str:
    """The class name of a template item (stable across documents and templates)."""
    return f"{item.table}.{item.row}" if item.row else f"{item.table}:{item.keys[0]}"


def ngrams(key: str) -> list[str]:
    return [key[i:i + n] for n in NGRAM_SIZES for i in range(len(key) - n + 1)]


@lru_cache(maxsize=4096)
def ngram_names(key: str) -> tuple[str, ...]:
    """The ``ng:`` feature names of a key, in :func:`ngrams` order without repeats (each of
    value 1 in :func:`row_features`; row labels recur: remembered)."""
    return tuple(dict.fromkeys(map("ng:".__add__, ngrams(key))))


def numbering_style(text: str) -> str:
    m = _NUMBERING_ANY.match(text)
    return m.lastgroup if m else "none"


def _length_bucket(n: int) -> str:
    for top, name in ((0, "0"), (2, "1-2"), (4, "3-4"), (8, "5-8"), (16, "9-16")):
        if n <= top:
            return name
    return "17+"


class Hints(NamedTuple):
    """The transparent scorer's view of one label in its sequence (a named tuple, as
    :class:`LabelContext`)."""

    sims: dict[str, float]  # class -> similarity ≥ SIM_FEATURE_MIN, for the items of the template
    best: Optional[str]  # best class, when its similarity reaches MIN_SIMILARITY
    prev: Optional[str]  # best class of the previous non-empty label
    group: Optional[str]  # the last parent class (table:<key>) seen before this label
    next: Optional[str] = None  # best class of the next non-empty label
    prev_values: bool = False  # the previous non-empty label has values on its line
    next_values: bool = False  # the next non-empty label has values on its line


def sequence_hints(keys: Sequence[str], items: Sequence[Item], sims: Sequence[Sequence[float]],
                   context: Optional[Sequence[LabelContext]] = None) -> list[Hints]:
    """Hints for every label from the similarity matrix of :class:`rows.LabelScorer`."""
    classes = [item_class(it) for it in items]
    parents = {c for c, it in zip(classes, items) if not it.row and it.table == "requests"}
    n = len(keys)
    S = np.asarray(sims, dtype=np.float64).reshape(n, len(items))
    by_class: list[dict[str, float]] = [{} for _ in range(n)]
    hits = np.nonzero(S >= SIM_FEATURE_MIN)
    for k, j, s in zip(hits[0].tolist(), hits[1].tolist(), S[hits].tolist()):
        if s > by_class[k].get(classes[j], 0.0):
            by_class[k][classes[j]] = s
    if len(items):
        top = S.argmax(axis=1).tolist()
        ok = (S.max(axis=1) >= MIN_SIMILARITY).tolist() if n else []
        best = [classes[j] if good else None for j, good in zip(top, ok)]
    else:
        best = [None] * n
    values = [bool(c.values) for c in context] if context is not None else [False] * n
    prevs: list[tuple[Optional[str], bool, Optional[str]]] = []  # previous class, its values, group
    prev: Optional[str] = None
    prev_values = False
    group: Optional[str] = None
    for k, key in enumerate(keys):
        prevs.append((prev, prev_values, group))
        if key:
            prev, prev_values = best[k], values[k]
            if prev in parents:
                group = prev
            elif prev is not None and not prev.startswith("requests.") or prev in (
                    "requests.new_received", "requests.carried_over", "requests.total",
                    "requests.carried_forward", "requests.granted", "requests.partially_granted"):
                group = None
    out: list[Hints] = [None] * n  # type: ignore[list-item]
    nxt: Optional[str] = None
    nxt_values = False
    for k in range(n - 1, -1, -1):
        p, pv, g = prevs[k]
        out[k] = Hints(by_class[k], best[k], p, g, nxt, pv, nxt_values)
        if keys[k]:
            nxt, nxt_values = best[k], values[k]
    return out


def row_features(key: str, ctx: LabelContext, hints: Hints) -> dict[str, float]:
    """The named features of one label (see the module docstring)."""
    f = dict.fromkeys(ngram_names(key), 1.0)
    f.update(context_features(key, ctx, hints))
    return f


def context_features(key: str, ctx: LabelContext, hints: Hints) -> dict[str, float]:
    """:func:`row_features` but the n-grams of the key: what a label's place tells."""
    f: dict[str, float] = {}
    if not key:
        f["empty"] = 1.0
    for c, s in hints.sims.items():
        if s >= SIM_FEATURE_MIN:
            f["sim:" + c] = s
    f["hint:" + (hints.best or NONE)] = 1.0
    f["prev:" + (hints.prev or NONE)] = 1.0
    f["next:" + (hints.next or NONE)] = 1.0
    if ctx.values and not hints.prev_values:
        # values on this line, none on the previous label's: maybe the rest of a wrapped label
        f["prev_head:" + (hints.prev or NONE)] = 1.0
    if not ctx.values and hints.next_values:
        # no values here, values on the next label's line: maybe the head of a wrapped label
        f["next_rest:" + (hints.next or NONE)] = 1.0
    f["group:" + (hints.group or NONE)] = 1.0
    f[f"sec:{ctx.section}"] = 1.0
    f[f"vals:{min(ctx.values, VALUE_BUCKETS)}"] = 1.0
    f[f"cells:{min(ctx.cells, VALUE_BUCKETS)}"] = 1.0
    f[f"reach:{min(ctx.reach, VALUE_BUCKETS)}"] = 1.0
    f[f"pos:{min(int(ctx.position * POSITION_BINS), POSITION_BINS - 1)}"] = 1.0
    f["num:" + numbering_style(ctx.text)] = 1.0
    f["len:" + _length_bucket(len(key))] = 1.0
    f[f"gap:{min(ctx.line_gap, 3)}"] = 1.0
    f[f"line_labels:{min(ctx.labels_on_line, 4)}"] = 1.0
    if ctx.first_on_line:
        f["first_on_line"] = 1.0
    if ctx.has_values:
        f["has_values"] = 1.0
    return f


# --------------------------------------------------------------------------- calibration

COLUMN_HOWS = ("count", "positions", "blank", "split", "full", "aligned", "window", "insert", "ambiguous", "too_many")
TABLES = ("art20_1", "art20_5", "art20_6", "art20_8", "art20_9", "requests", "appeals")
KINDS = ("text", "html", "pdf", "image")
CAL_FEATURES: tuple[str, ...] = (
    "bias_printed", "hand_logit", "row_doubt", "table_doubt", "reader_doubt", "repaired",
    "confirmed", "broken", "unsettled", "disagree", "log_readings", "split", "blank",
    *(f"how={h}" for h in COLUMN_HOWS),
    *(f"table={t}" for t in TABLES),
    *(f"kind={k}" for k in KINDS),
    "inferred", "floor_logit", "replaces_review", "inferred_no_floor",
)
LOGIT_CLIP = 1e-4


def logit(p: float) -> float:
    p = min(max(p, LOGIT_CLIP), 1 - LOGIT_CLIP)
    return math.log(p / (1 - p))


_CAL_INDEX = {name: k for k, name in enumerate(CAL_FEATURES)}


def calibration_matrix(evidence: Sequence[Mapping]) -> np.ndarray:
    """Fields' evidence dicts → one row each, values in :data:`CAL_FEATURES` order.

    The fields of one report share most of their evidence (a row's fields, a clean table's):
    each distinct evidence dict is turned into its row once (values that compare equal,
    1 and 1.0 and True, give the same features)."""
    done: dict[tuple, list[float]] = {}
    rows = []
    for ev in evidence:
        try:
            key = tuple(ev.items())
            row = done.get(key)
        except TypeError:  # a value that cannot be hashed: no sharing
            key, row = None, None
        if row is None:
            row = _calibration_row(ev)
            if key is not None:
                done[key] = row
        rows.append(row)
    n = len(CAL_FEATURES)
    return np.fromiter(chain.from_iterable(rows), dtype=np.float64, count=len(rows) * n).reshape(len(rows), n)


def _calibration_row(ev: Mapping) -> list[float]:
    """One field's evidence → its row of :func:`calibration_matrix` (0.0 where a feature is off)."""
    at = _CAL_INDEX
    v = [0.0] * len(CAL_FEATURES)
    v[at["hand_logit"]] = logit(float(ev.get("hand", 0.0)))
    _flag(v, f"table={ev.get('table_id')}")
    if ev.get("inferred"):  # an inferred field: how it was forced
        v[at["inferred"]] = 1.0
        v[at["inferred_no_floor"]] = float(ev.get("floor") is None)
        v[at["floor_logit"]] = 0.0 if ev.get("floor") is None else logit(float(ev["floor"]))
        v[at["replaces_review"]] = float(bool(ev.get("replaces_review")))
        return v
    # a printed field: what its reading rests on
    v[at["bias_printed"]] = 1.0
    v[at["row_doubt"]] = 1.0 - float(ev.get("row", 0.0))
    v[at["table_doubt"]] = 1.0 - float(ev.get("table", 0.0))
    v[at["reader_doubt"]] = 1.0 - float(ev.get("reader", 1.0))
    for k in ("repaired", "confirmed", "broken", "split", "blank"):
        v[at[k]] = float(bool(ev.get(k)))
    v[at["unsettled"]] = float(not ev.get("settled", True))
    v[at["disagree"]] = 1.0 - float(ev.get("agree", 1.0))
    v[at["log_readings"]] = math.log(max(int(ev.get("readings", 1)), 1))
    _flag(v, f"how={ev.get('columns')}")
    _flag(v, f"kind={ev.get('kind')}")
    return v


def _flag(v: list[float], name: str) -> None:
    """Set the named one-hot feature to 1; an unknown name is left out."""
    if name in _CAL_INDEX:
        v[_CAL_INDEX[name]] = 1.0
