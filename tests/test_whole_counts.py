"""A count read by OCR with its thousands separator as a point ("4.566") is 4566."""

from __future__ import annotations

from extractor.columns import assign
from extractor.model import Cell, Document, Line, Token
from extractor.tables import RowRead, whole_counts
from extractor.template import load_templates


def _row(table: str, row: str, texts: list[str], conf: float) -> tuple[Document, RowRead]:
    cells = (Cell("label"),) + tuple(Cell(t, raw=t, confidence=conf) for t in texts)
    doc = Document(path="x.png", kind="image", lines=[Line(cells)])
    toks = [Token("num", t, 0, j + 1, value=float(t.replace(",", ""))) for j, t in enumerate(texts)]
    return doc, RowRead(table, row, assign(toks, len(texts)), 1.0, 1.0, cells=tuple(toks))


def test_a_count_read_with_a_point_between_thousands_is_whole_and_marked():
    template = load_templates()["2019"]
    doc, r = _row("art20_6", "administrative_coercion", ["9", "0", "4.566"], 0.6)
    whole_counts(template, doc, [r])
    slot = r.reading[2]
    assert slot.value == 4566 and slot.token.repaired == "4.566"
    assert r.reading[0].token.repaired is None


def test_amounts_and_text_layers_keep_their_point():
    template = load_templates()["2019"]
    doc, r = _row("art20_9", "centralized_procurement", ["176", "2.199"], 0.6)
    whole_counts(template, doc, [r])
    assert r.reading[1].value == 2.199  # an amount may have a fraction
    doc, r = _row("art20_6", "administrative_coercion", ["9", "0", "4.566"], 1.0)
    whole_counts(template, doc, [r])
    assert r.reading[2].value == 4.566  # printed so: a rule break to report, not to repair
