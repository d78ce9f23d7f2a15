"""Labelled training rows from documents whose values are known.

Known values come from a generated document's truth file, or from a reviewed document (its
corrections plus the fields the reviewer left standing). They label the printed labels:
which label is which template row, and which is no row at all.

How: the document is read up to the row stage, and the ordered alignment is run with an
*oracle* scorer: the transparent label similarity, raised by :data:`VALUE_BONUS` where the
cells after the label can be read as the row's known values (a reading equals them, or, when
the whole row is known, the digits printed after the label are the digits of its values:
digits of adjacent cells run together in crawler text). So the matching that the alignment
picks is the one that reproduces the known values; a label it leaves out is labelled "no
row". A label whose cells cannot be read right is still matched by its text: that is a
column problem, not a row one. A label wrapped over lines prints in pieces; pieces next to the
matched one that the oracle scores as the same row (:data:`PIECE_MIN_SCORE`) get its class too.

The same :func:`label_document` serves generated documents and corrections: a corrected field
labels the row it belongs to through the values printed after that row's label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

import numpy as np

from ..columns import assign
from ..pipeline import State, row_inputs, stage_meta, stage_read, stage_template, stage_tokens
from ..rows import Item, LabelScorer, align
from ..settings import Settings
from ..tables import row_cells, row_validator
from .features import NONE, LabelContext, item_class, label_contexts, row_features, sequence_hints

VALUE_BONUS = 0.7  # oracle: the cells after the label read as the row's known values
MAX_PIECE_DISTANCE = 2  # labels (and lines) between the pieces of one wrapped row label
PIECE_MIN_SCORE = 1.0  # oracle score of a piece of the same row: its values and some of its text
MAX_READINGS_COMPARED = 200
REL_TOL = 1e-6

Known = Mapping[str, Optional[float]]  # field id -> value; None for a cell printed blank


@dataclass
class LabelledDocument:
    """The row samples of one document: features and class of every label of its table span."""

    name: str
    features: list[dict[str, float]]
    classes: list[str]
    keys: list[str]


def prepare(path: str) -> State:
    """Read a document up to the template (the inputs of the row stage)."""
    s = State(path=str(path), settings=Settings())
    for stage in (stage_read, stage_tokens, stage_meta, stage_template):
        stage(s)
    return s


def _digits_of(v) -> str:
    """The digits of a number or of a printed cell ("63,564.32" and 63564.32 give "6356432")."""
    if isinstance(v, float):
        v = str(int(v)) if v.is_integer() else repr(v)
    return "".join(ch for ch in str(v) if ch.isdigit())


class OracleScorer:
    """Label similarity raised where the printed cells agree with the known values."""

    def __init__(self, s: State, labels: Sequence[int], known: Known):
        self.s, self.labels, self.known = s, labels, known
        self._tables: dict[str, tuple] = {}
        self._compat: dict[tuple[int, str], dict[str, bool]] = {}

    def _known_rows(self, table_id: str) -> tuple:
        """Row ids, known values (NaN: printed blank), which are known, and whole-row digits."""
        if table_id not in self._tables:
            table = self.s.template.table(table_id)
            rows, vals, mask, digits = [], [], [], []
            for r in table.rows:
                ids = [table.field_id(r.id, c.id) for c in table.columns]
                rows.append(r.id)
                vals.append([np.nan if self.known.get(f) is None else self.known[f] for f in ids])
                mask.append([f in self.known for f in ids])
                full = all(f in self.known for f in ids) and any(self.known[f] is not None for f in ids)
                digits.append("".join(_digits_of(self.known[f]) for f in ids if self.known[f] is not None)
                              if full else None)
            self._tables[table_id] = (rows, np.asarray(vals, dtype=float), np.asarray(mask, dtype=bool), digits)
        return self._tables[table_id]

    def _row_compat(self, i: int, table_id: str) -> dict[str, bool]:
        """For every row of the table: can the cells after label i be read as its known values?"""
        key = (i, table_id)
        if key in self._compat:
            return self._compat[key]
        rows, vals, mask, digits = self._known_rows(table_id)
        out = dict.fromkeys(rows, False)
        table = self.s.template.table(table_id)
        cells = row_cells(self.s.tokens, self.labels[i], len(table.columns))
        a = assign(cells, len(table.columns), row_validator(table)) if cells else None
        if a is not None and mask.any():
            reads = np.asarray([[sl.value if sl.kind == "num" and sl.value is not None else np.nan for sl in r]
                                for r in a.readings[:MAX_READINGS_COMPARED]], dtype=float)
            R, K = reads[:, None, :], vals[None, :, :]
            with np.errstate(invalid="ignore"):
                close = np.abs(R - K) <= REL_TOL * np.abs(K)
            same = close | (np.isnan(R) & np.isnan(K)) | ~mask[None, :, :]
            ok = same.all(axis=2).any(axis=0) & mask.any(axis=1)
            printed = "".join(_digits_of(c.text) for c in cells if c.kind == "num")
            for k, r in enumerate(rows):
                out[r] = bool(ok[k]) or (digits[k] is not None and printed == digits[k])
        self._compat[key] = out
        return out

    def compatible(self, i: int, item: Item) -> bool:
        """Whether the cells after label i can be read as the item's known values."""
        return bool(item.row) and self._row_compat(i, item.table).get(item.row, False)

    def __call__(self, observed: Sequence[str], items: Sequence[Item]) -> list[list[float]]:
        self.sims = sims = LabelScorer()(observed, items)
        out = []
        for i, row in enumerate(sims):
            new = []
            for j, s in enumerate(row):
                it = items[j]
                if it.row and observed[i] and self.compatible(i, it):
                    s += VALUE_BONUS
                new.append(s)
            out.append(new)
        return out


def label_document(path: str, known: Known) -> Optional[LabelledDocument]:
    """Row samples of one document, labelled by the known values; None without a template."""
    s = prepare(path)
    if s.template is None:
        return None
    labels, items, keys, has_values = row_inputs(s)
    if not labels:
        return None
    oracle = OracleScorer(s, labels, known)
    scores = oracle(keys, items)
    pairs = align(keys, items, lambda _o, _i: scores, has_values)
    classes = [NONE] * len(labels)
    for i, j, _ in pairs:
        classes[i] = item_class(items[j])
    _label_pieces(s, labels, items, scores, pairs, classes)
    ctx = label_contexts(s.doc, s.tokens, s.sections, labels, keys, has_values)
    return LabelledDocument(str(path), samples(keys, items, ctx, oracle.sims), classes, list(keys))


def _label_pieces(s: State, labels: Sequence[int], items: Sequence[Item], scores, pairs, classes: list[str]) -> None:
    """A label wrapped over lines prints in pieces; the alignment takes one of them, but a
    piece next to it that the oracle scores as the same row (its text is part of the row's
    label and the cells after it read as the row's values) is that row too."""
    for i, j, _ in pairs:
        if not items[j].row:
            continue
        for k in range(max(0, i - MAX_PIECE_DISTANCE), min(len(labels), i + MAX_PIECE_DISTANCE + 1)):
            near = abs(s.tokens[labels[k]].line - s.tokens[labels[i]].line) <= MAX_PIECE_DISTANCE
            if classes[k] == NONE and near and scores[k][j] >= PIECE_MIN_SCORE:
                classes[k] = item_class(items[j])


def samples(keys: Sequence[str], items: Sequence[Item], ctx: Sequence[LabelContext],
            sims: Optional[list[list[float]]] = None) -> list[dict[str, float]]:
    """Row features of every label, as the learned scorer computes them at extraction."""
    hints = sequence_hints(keys, items, sims if sims is not None else LabelScorer()(keys, items), ctx)
    return [row_features(k, c, h) for k, c, h in zip(keys, ctx, hints)]


def truth_known(truth: Mapping) -> dict[str, Optional[float]]:
    """Known values of a truth file: its printed fields (None where printed blank)."""
    out: dict[str, Optional[float]] = {}
    for fid, v in (truth.get("fields") or {}).items():
        out[fid] = None if v is None else float(v)
    return out
