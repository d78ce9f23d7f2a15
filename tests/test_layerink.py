"""A scan's OCR layer that missed a lone digit: the empty cell holds ink on the page image,
so its field goes to review (or is inferred), never ``blank``."""

from __future__ import annotations

import pytest

from extractor.mupdf import pymupdf
from extractor.pipeline import extract
from training.generate import generate

pytest.importorskip("cv2")


def _scan_with_layer(src, dst, drop: int | None = None) -> str:
    """``src`` as a scan OCR'd by its producer: each page an image of itself under an
    invisible layer of its spans; ``drop``: the index of a lone "0" span the layer leaves
    out (as OCR misses such digits). Returns the dropped span's text and place."""
    dropped = ""
    zeros = 0
    with pymupdf.open(src) as pdf:
        out = pymupdf.open()
        for page in pdf:
            new = out.new_page(width=page.rect.width, height=page.rect.height)
            new.insert_image(new.rect, pixmap=page.get_pixmap(dpi=150, colorspace=pymupdf.csGRAY))
            for block in page.get_text("dict")["blocks"]:
                for line in block.get("lines", ()):
                    for span in line["spans"]:
                        text = span["text"].strip()
                        if not text:
                            continue
                        if text == "0":
                            zeros += 1
                            if zeros - 1 == drop:
                                dropped = f"page {page.number + 1} at {span['origin']}"
                                continue
                        new.insert_text(span["origin"], span["text"], fontsize=span["size"], fontname="china-s",
                                        render_mode=3)
        out.save(dst)
    return dropped


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("layerink")
    return generate(tmp, 1, seed=3, families=["borderless"])[0]


def test_layer_over_its_own_image_reads_as_the_report(report, tmp_path):
    want = extract(report)
    _scan_with_layer(report, tmp_path / "layer.pdf")
    got = extract(tmp_path / "layer.pdf")
    assert {k: v["value"] for k, v in got["fields"].items()} == {k: v["value"] for k, v in want["fields"].items()}
    assert any("painted invisibly" in w for w in got["document"]["warnings"])


@pytest.mark.parametrize("drop", [3, 17, 40])
def test_a_digit_the_layer_missed_is_never_a_confident_blank(report, tmp_path, drop):
    whole = extract(report)["fields"]
    assert _scan_with_layer(report, tmp_path / "missed.pdf", drop)
    got = extract(tmp_path / "missed.pdf")["fields"]
    changed = {k for k in whole if got[k]["value"] != whole[k]["value"] or got[k]["status"] != whole[k]["status"]}
    assert changed  # the missed digit shows somewhere
    for k in changed:
        assert got[k]["status"] in ("review", "inferred"), (k, whole[k], got[k])
