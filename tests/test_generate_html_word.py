"""Tests for the html_word generator family: Word, WPS and CMS-editor web pages."""

from __future__ import annotations

import json
import random
import re

import pytest

from extractor.readers.html import read_html
from training.gen.document import build_blocks
from training.gen.html_word import SLIVER, misalign, split_grid
from training.gen.report import make_report
from training.generate import generate, select_families


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("html_word")
    generate(out, 24, seed=3, families=["html_word"])
    return out


def truths(corpus):
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((corpus / "truth").glob("*.json"))]


def requests_grid(seed: int):
    rng = random.Random(seed)
    blocks = build_blocks(rng, make_report(rng))
    return next(b.grid for b in blocks if b.grid is not None and b.grid.name == "requests")


def covered(grid) -> dict:
    cover = {}
    for c in grid.cells:
        for r in range(c.row, c.row + c.rowspan):
            for k in range(c.col, c.col + c.colspan):
                assert (r, k) not in cover, "cells overlap"
                cover[(r, k)] = c
    return cover


def test_html_word_is_made_only_when_named():
    assert "html_word" not in select_families()
    assert "html_word" not in select_families(kinds=["html"])
    assert select_families(families=["html_word"]) == ["html_word"]


def test_every_producer_and_declaration_occurs_and_pages_read(corpus):
    notes = " ".join(t["notes"] for t in truths(corpus))
    for note in ("producer=word", "producer=wps", "producer=cms", "declared=http-equiv", "declared=none"):
        assert note in notes
    for t in truths(corpus):
        doc = read_html(corpus / "docs" / t["document"])
        text = "".join(c.text for line in doc.lines for c in line.cells)
        assert t["agency"] in text and str(t["year"]) in text


def test_office_pages_carry_word_markup(corpus):
    for t in truths(corpus):
        data = (corpus / "docs" / t["document"]).read_bytes()
        if "producer=word" in t["notes"] or "producer=wps" in t["notes"]:
            assert b"<o:p>" in data and b"class=MsoNormal" in data
            assert re.search(rb"<meta http-equiv=Content-Type content=\"text/html; charset=", data)
        if "declared=none" in t["notes"]:
            assert b"charset" not in data.lower()


def test_misaligned_grid_tiles_the_table_and_keeps_every_cell():
    widened = 0
    for seed in range(20):
        grid = requests_grid(seed)
        out = misalign(random.Random(seed), grid)
        cover = covered(out)
        assert len(cover) == out.nrows * out.ncols
        widened += out.ncols > grid.ncols
        assert sorted((c.row, c.text, c.field) for c in out.cells) == sorted((c.row, c.text, c.field) for c in grid.cells)
        # a sliver column has no cell of its own, and rows put its edge on either side
        slivers = [k for k, w in enumerate(out.col_weights) if w == SLIVER]
        assert len(slivers) == out.ncols - grid.ncols
        for k in slivers:
            assert not any(c.col == k and c.colspan == 1 for c in out.cells)
            assert any(c.col + c.colspan == k for c in out.cells) and any(c.col == k + 1 for c in out.cells)
    assert widened >= 15


def test_split_grid_keeps_every_value_once():
    for seed in range(20):
        grid = requests_grid(seed)
        parts = split_grid(random.Random(seed), grid)
        assert len(parts) == 2
        for part in parts:
            assert len(covered(part)) == part.nrows * part.ncols
        values = sorted(c.field for p in parts for c in p.cells if c.field)
        assert values == sorted(c.field for c in grid.cells if c.field)
        body_rows = sum(p.nrows - (p.header_rows if k else 0) for k, p in enumerate(parts))
        assert body_rows == grid.nrows

