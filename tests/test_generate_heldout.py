"""Tests of the held-out PDF layout families (training.gen.pdf_heldout).

Only the generator is tested here: these families are a blind test of the PDF reader, so
no test runs the extractor on them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pymupdf
import pytest

from training.gen import spec
from training.gen.pdf_heldout import HELD_OUT_PDF
from training.generate import FAMILIES, HELD_OUT_FAMILIES, generate, select_families

TUNED_PDF = ("ruled", "borderless", "partly_ruled", "vgroup", "multipage", "landscape")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("heldout")
    generate(out, 3 * len(HELD_OUT_FAMILIES), seed=11, families=list(HELD_OUT_FAMILIES))
    return out


def cases(out: Path, family: str | None = None):
    for path in sorted((out / "truth").glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        if family in (None, truth["family"]):
            with pymupdf.open(out / "docs" / truth["document"]) as doc:
                yield truth, [page for page in doc]


def words_of(pages) -> list[str]:
    return [w[4] for page in pages for w in page.get_text("words")]


def test_held_out_families_are_registered_pdf_families():
    assert len(HELD_OUT_FAMILIES) >= 4 and set(HELD_OUT_FAMILIES) == set(HELD_OUT_PDF)
    assert all(FAMILIES[f] == "pdf" for f in HELD_OUT_FAMILIES)
    assert not set(HELD_OUT_FAMILIES) & set(TUNED_PDF)


def test_held_out_families_are_made_only_when_named():
    assert not set(HELD_OUT_FAMILIES) & set(select_families())
    assert set(TUNED_PDF) <= set(select_families(kinds=["pdf"]))
    assert not set(HELD_OUT_FAMILIES) & set(select_families(kinds=["pdf"]))
    assert select_families(families=list(HELD_OUT_FAMILIES)) == list(HELD_OUT_FAMILIES)
    assert select_families(kinds=["pdf"], families=["dense"]) == ["dense"]


def test_truth_partitions_the_fields_and_keeps_the_rules(corpus):
    seen = set()
    for t, _ in cases(corpus):
        seen.add(t["family"])
        assert t["kind"] == "pdf" and re.fullmatch(rf"g\d{{5}}_pdf_{t['family']}\.pdf", t["document"])
        placed = list(t["fields"]) + list(t["implied"]) + t["missing"]
        assert sorted(placed) == sorted(spec.field_ids(t["template"])), t["document"]
        assert spec.violations(t["template"], {**t["fields"], **t["implied"]}) == t["rule_breaks"]
    assert seen == set(HELD_OUT_FAMILIES)


def test_text_layer_holds_agency_year_and_numbers(corpus):
    for t, pages in cases(corpus):
        text = re.sub(r"\s+", "", "".join(page.get_text() for page in pages))
        assert t["agency"] in text and str(t["year"]) in text, t["document"]
        words = {w.replace(",", "") for w in words_of(pages)}
        for f, v in t["fields"].items():
            if f.startswith(("requests", "appeals")) and v is not None and v >= 10:
                assert str(v) in words, (t["document"], f, v)


def test_same_seed_gives_same_bytes(tmp_path):
    families = list(HELD_OUT_FAMILIES)
    a = generate(tmp_path / "a", len(families), seed=5, families=families)
    b = generate(tmp_path / "b", len(families), seed=5, families=families)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_cell_boxes_frame_every_cell_with_separate_rectangles(corpus):
    for t, pages in cases(corpus, "cell_boxes"):
        paths = [d for page in pages for d in page.get_drawings()]
        assert len(paths) > 200
        assert all([item[0] for item in d["items"]] == ["re"] for d in paths)


def test_shaded_has_white_header_text_and_no_black_rules(corpus):
    for t, pages in cases(corpus, "shaded"):
        spans = [s for page in pages for b in page.get_text("dict")["blocks"] for ln in b.get("lines", [])
                 for s in ln["spans"]]
        assert any(s["color"] == 0xFFFFFF and "申请人情况" in s["text"] for s in spans)
        paths = [d for page in pages for d in page.get_drawings()]
        assert paths and not any(d["color"] == (0.0, 0.0, 0.0) for d in paths if d["type"] == "s")


def test_thick_frame_has_thick_frame_and_double_header_rule(corpus):
    for t, pages in cases(corpus, "thick_frame"):
        widths = [d["width"] for page in pages for d in page.get_drawings() if d["type"] == "s"]
        assert max(widths) >= 1.5 and min(widths) < 0.61


def test_dense_prints_small_type(corpus):
    for t, pages in cases(corpus, "dense"):
        sizes = {round(s["size"], 1) for page in pages for b in page.get_text("dict")["blocks"]
                 for ln in b.get("lines", []) for s in ln["spans"] if "申请人情况" in s["text"]}
        assert sizes and max(sizes) <= 8.5


def test_split_header_repeats_the_header_with_running_furniture(corpus):
    for t, pages in cases(corpus, "split_header"):
        texts = [page.get_text() for page in pages]
        assert sum("申请人情况" in text and "法人或其他组织" in text for text in texts) >= 2
        for n, text in enumerate(texts, start=1):
            assert re.search(rf"第\s*{n}\s*页.*共\s*{len(texts)}\s*页", text.replace("\n", " ")), (t["document"], n)


def test_label_right_prints_sub_row_numbers_in_their_own_cells(corpus):
    found = 0
    for t, pages in cases(corpus, "label_right"):
        if "requests.denied.state_secret.natural_person" not in t["fields"]:
            continue
        found += 1
        words = [w for page in pages for w in page.get_text("words")]
        label = next(w for w in words if w[4].startswith("属于国家秘密"))
        number = [w for w in words if re.fullmatch(r"[（(]?1[).）、．]?", w[4])
                  and abs(w[1] + w[3] - label[1] - label[3]) < 4 and w[2] < label[0]]
        assert number, t["document"]
    assert found
