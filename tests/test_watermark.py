"""A watermark over the pages (large faint text) is no text of the report."""

from __future__ import annotations

import pytest

from extractor.mupdf import pymupdf
from extractor.pipeline import extract
from extractor.readers.pdf import read_pdf
from training.generate import generate


def _watermarked(src, dst, **style) -> None:
    """``src`` with a watermark line written three times down every page, under the text."""
    with pymupdf.open(src) as doc:
        for page in doc:
            for share in (0.3, 0.6, 0.85):
                page.insert_text((page.rect.width * 0.2, page.rect.height * share), "政务公开专用",
                                 fontname="china-s", overlay=False, **style)
        doc.save(dst)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("watermark"), 1, seed=1, families=["borderless"])[0]


@pytest.mark.parametrize("style", [dict(fontsize=48, color=(0.85, 0.85, 0.85)),
                                   dict(fontsize=44, color=(0, 0, 0), fill_opacity=0.15)],
                         ids=["light grey", "see-through"])
def test_watermark_leaves_the_tables_as_they_were(report, tmp_path, style):
    want = extract(report)
    _watermarked(report, tmp_path / "marked.pdf", **style)
    got = extract(tmp_path / "marked.pdf")
    assert {k: v["value"] for k, v in got["fields"].items()} == {k: v["value"] for k, v in want["fields"].items()}
    assert not any("政务公开专用" in ln.text for ln in read_pdf(tmp_path / "marked.pdf").lines)


def test_faint_text_at_the_size_of_the_page_is_kept(report, tmp_path):
    _watermarked(report, tmp_path / "note.pdf", fontsize=11, color=(0.7, 0.7, 0.7))
    assert any("政务公开专用" in ln.text for ln in read_pdf(tmp_path / "note.pdf").lines)
