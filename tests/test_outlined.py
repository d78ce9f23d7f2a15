"""Reports whose tables (or whole pages) are drawn as shapes: the generator's family
``scan_outlined``, and the reader's second reading by OCR of a PDF whose text layer shows
none of the form's tables."""

from __future__ import annotations

import json

import numpy as np
import pytest

from extractor.fields import UNSEEN_NOTE
from extractor.mupdf import pymupdf
from training.gen.outlined import outline
from training.generate import generate, select_families

from .conftest import extract_and_score


@pytest.fixture(scope="module")
def ruled(tmp_path_factory):
    """A generated report laid out with ruled tables, as PDF bytes."""
    out = tmp_path_factory.mktemp("ruled")
    return generate(out, 1, seed=3, families=["ruled"])[0].read_bytes()


def _grey(page: pymupdf.Page) -> np.ndarray:
    pix = page.get_pixmap(dpi=50, colorspace="gray")
    return np.frombuffer(pix.samples, np.uint8).astype(int)


def _drawn_box(page: pymupdf.Page) -> pymupdf.Rect | None:
    """The box around what a generated page draws: its tables."""
    boxes = [d["rect"] for d in page.get_drawings()]
    if not boxes:
        return None
    return pymupdf.Rect(min(r.x0 for r in boxes) - 1, min(r.y0 for r in boxes) - 1,
                        max(r.x1 for r in boxes) + 1, max(r.y1 for r in boxes) + 1)


@pytest.mark.parametrize("whole", [False, True])
def test_outlined_pages_look_as_before_with_their_tables_out_of_the_text_layer(ruled, whole):
    before = pymupdf.open(stream=ruled, filetype="pdf")
    after = pymupdf.open(stream=outline(ruled, whole), filetype="pdf")
    assert after.page_count == before.page_count
    tables = 0
    for old, new in zip(before, after):
        assert np.abs(_grey(old) - _grey(new)).mean() < 8  # glyphs as paths: only the edges differ
        box = _drawn_box(old)
        if box is not None and old.get_text(clip=box).strip():
            tables += 1
            assert new.get_text(clip=box).strip() == ""
        if whole:
            assert new.get_text().strip() == ""
        else:  # the prose outside the tables stays text
            outside = [w[4] for w in old.get_text("words")
                       if box is None or not box.contains(pymupdf.Point((w[0] + w[2]) / 2, (w[1] + w[3]) / 2))]
            assert [w[4] for w in new.get_text("words")] == outside
    assert tables >= 2


def test_the_reader_lists_the_tables_drawn_as_shapes_to_be_read_by_ocr(ruled, tmp_path):
    from extractor.readers.pdf import read_pdf
    plain, shapes = tmp_path / "plain.pdf", tmp_path / "shapes.pdf"
    plain.write_bytes(ruled)
    shapes.write_bytes(outline(ruled, whole=False))
    assert read_pdf(plain).image_regions == []
    before = pymupdf.open(plain)
    regions = read_pdf(shapes).image_regions
    tables = [n + 1 for n, page in enumerate(before) if _drawn_box(page) is not None]
    assert sorted({n for n, _ in regions}) == tables
    for n, box in regions:  # each region lies within the box of its page's tables
        assert pymupdf.Rect(box) in _drawn_box(before[n - 1]) + (-2, -2, 2, 2)


def test_the_family_is_made_only_when_named_and_says_what_it_drew(tmp_path):
    path = generate(tmp_path, 1, seed=17201, families=["scan_outlined"])[0]
    truth = json.loads((tmp_path / "truth" / f"{path.stem}.json").read_text(encoding="utf-8"))
    assert "outlined=tables" in truth["notes"] and truth["kind"] == "scan"
    assert "scan_outlined" not in select_families(kinds=["scan"])  # made only when named
    assert "scan_outlined" in select_families(families=["scan_outlined"])


@pytest.mark.slow
def test_a_report_whose_tables_are_drawn_as_shapes_is_read_by_ocr(tmp_path):
    pytest.importorskip("cv2")
    pytest.importorskip("rapidocr_onnxruntime")
    path = generate(tmp_path, 1, seed=17201, families=["scan_outlined"])[0]
    result, score = extract_and_score(tmp_path, path)
    warnings = result["document"]["warnings"]
    assert any("text drawn as shapes) read by OCR" in w for w in warnings)
    assert not any("read by OCR instead" in w for w in warnings)  # found without reading it all again
    # the blanks of the page OCR read whole stand in its ruled grid's empty cells: blank, not review
    assert not any(UNSEEN_NOTE in ((f["source"] or {}).get("note") or "") for f in result["fields"].values())
    assert score.template_ok and score.agency_ok and score.year_ok
    assert score.silent == 0
    assert score.correct >= 0.97 * score.scored, (score.correct, score.scored)
