"""A PDF whose text layer shows none of the form's tables (fonts that map their characters
to wrong ones) is read again by OCR; the text layer's result stands when OCR cannot help."""

from __future__ import annotations

import pytest

import extractor.readers as readers
from extractor.pipeline import extract, run
from extractor.settings import Settings
from training.generate import generate

from .conftest import extract_and_score


@pytest.fixture(scope="module")
def miscoded(tmp_path_factory):
    out = tmp_path_factory.mktemp("miscoded")
    return out, generate(out, 1, seed=5, families=["scan_miscoded"])[0]


@pytest.fixture
def asked(monkeypatch):
    """Record the pages handed to OCR; OCR "reads" the document as it was (finds no form)."""
    calls: list[list[int]] = []

    def fake_read_by_ocr(doc, pages):
        calls.append(pages)
        return doc
    monkeypatch.setattr(readers, "read_by_ocr", fake_read_by_ocr)
    return calls


def test_miscoded_text_layer_shows_no_form(miscoded):
    _, path = miscoded
    result = extract(path, Settings(ocr=False))
    assert result["template"] is None
    assert [e["stage"] for e in result["errors"]] == ["template"]


def test_every_page_goes_to_ocr_and_the_text_result_stands_when_ocr_finds_nothing(miscoded, asked):
    _, path = miscoded
    state = run(path)
    assert asked == [list(range(1, state.doc.pages + 1))]
    assert state.template is None and [e.stage for e in state.errors] == ["template"]
    assert any("pages show none either" in w for w in state.doc.warnings)


def test_no_second_reading_when_off_or_the_form_is_found(miscoded, asked, tmp_path):
    _, path = miscoded
    run(path, Settings(ocr_fallback_pages=0))
    run(path, Settings(ocr=False))
    state = run(path, Settings(ocr_fallback_pages=2))  # the report has more pages than that
    assert any("more than ocr_fallback_pages=2" in w for w in state.doc.warnings)
    good = generate(tmp_path, 1, seed=5, kinds=["pdf"])[0]
    assert run(good).template is not None
    assert asked == []


@pytest.mark.parametrize("year, reread", [(2017, False), (2021, True)])
def test_a_report_older_than_the_form_is_not_read_again(tmp_path, asked, year, reread):
    """A report of a year before the national form (2019) prints other tables: its text layer
    showing none of the form's is no sign of a broken text layer."""
    from extractor.mupdf import pymupdf
    path = tmp_path / "old.pdf"
    with pymupdf.open() as doc:
        page = doc.new_page()
        page.insert_text((72, 80), f"某市教育局{year}年政府信息公开工作年度报告", fontname="china-s", fontsize=14)
        page.insert_text((72, 120), "一、概述 本年度主动公开政府信息共计120条。", fontname="china-s", fontsize=11)
        doc.save(path)
    state = run(path)
    assert state.year.value == year and state.template is None
    assert asked == ([[1]] if reread else [])


@pytest.mark.slow
def test_miscoded_report_is_read_by_ocr(miscoded):
    pytest.importorskip("cv2")
    pytest.importorskip("rapidocr_onnxruntime")
    out, path = miscoded
    result, score = extract_and_score(out, path)
    assert any("read by OCR instead" in w for w in result["document"]["warnings"])
    assert score.template_ok and score.agency_ok and score.year_ok
    assert score.silent == 0
    assert score.correct >= 0.97 * score.scored, (score.correct, score.scored)
