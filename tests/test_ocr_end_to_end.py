"""Generated scans (image-only PDFs, PNG/JPEG/TIFF pages) through the whole extraction."""

from __future__ import annotations

import pytest

pytest.importorskip("cv2")
pytest.importorskip("rapidocr_onnxruntime")

from training.generate import generate  # noqa: E402

from .conftest import extract_and_score  # noqa: E402


def test_one_scanned_report_end_to_end(tmp_path):
    """A clean scan (3–4 pages): template, agency, year and nearly every field right, and
    no wrong value left with status ok."""
    path = generate(tmp_path, 1, seed=21, families=["scan_clean"])[0]
    result, score = extract_and_score(tmp_path, path)
    assert result["document"]["status"] != "failure"
    assert score.template_ok and score.agency_ok and score.year_ok
    assert score.silent == 0
    assert score.correct >= 0.95 * score.scored, (score.correct, score.scored)


@pytest.mark.slow
@pytest.mark.parametrize("family", ["scan_noisy", "scan_rotated", "scan_tiff", "scan_long"])
def test_each_scan_family_end_to_end(tmp_path, family):
    path = generate(tmp_path, 1, seed=23, families=[family])[0]
    result, score = extract_and_score(tmp_path, path)
    assert score.template_ok and score.year_ok
    assert score.silent <= 1
    assert score.correct >= 0.85 * score.scored, (family, score.correct, score.scored)


@pytest.mark.slow
@pytest.mark.parametrize("family, seed, share", [("scan_pictures", 3, 0.97), ("html_pictures", 8, 0.95)])
def test_tables_as_pictures_in_a_report_of_text(tmp_path, family, seed, share):
    """Prose as text, tables as pictures (pasted into a born-digital PDF, or screenshots on
    a web page): the pictures are read by OCR and their rows put where they stand (without
    it, the tables' fields are all missing)."""
    path = generate(tmp_path, 1, seed=seed, families=[family])[0]
    result, score = extract_and_score(tmp_path, path)
    assert any("read by OCR (" in w for w in result["document"]["warnings"])
    assert score.template_ok and score.agency_ok and score.year_ok
    assert score.silent == 0
    assert score.correct >= share * score.scored, (score.correct, score.scored)
