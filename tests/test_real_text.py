"""The real published PDF, as pdftotext prints it (-layout and -raw), against its truth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.pipeline import extract

REAL = Path(__file__).parent / "data" / "real"
TRUTH = json.loads((REAL / "truth" / "101.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["101_layout.txt", "101_raw.txt"])
def test_pdftotext_output_reads_like_the_pdf(name):
    result = extract(REAL / name)
    assert (result["template"], result["agency"], result["year"]) == (TRUTH["template"], TRUTH["agency"], TRUTH["year"])
    wrong = {f: (v, result["fields"][f]["value"]) for f, v in TRUTH["fields"].items() if result["fields"][f]["value"] != v}
    assert not wrong
    assert all(c["ok"] for c in result["checks"])
    assert result["fields"]["art20_8.administrative_fees.amount_10k_yuan"]["unit"] == "万元"


def test_default_pdftotext_output_places_rows_printed_apart_from_their_labels():
    """pdftotext without -layout prints one cell per line, and a label spanning several
    rows after its values; those rows are placed by the template's order, for review."""
    result = extract(REAL / "101_plain.txt")
    fields = result["fields"]
    requests = {f: v for f, v in TRUTH["fields"].items() if f.startswith("requests.")}
    assert {f: fields[f]["value"] for f in requests} == requests
    placed = [f for f in requests if "placed by the template's row order" in (fields[f]["source"] or {}).get("note", "")]
    assert {f.split(".")[1] for f in placed} >= {"granted", "partially_granted"}
    assert all(fields[f]["status"] == "review" for f in placed)
    wrong = [f for f, v in TRUTH["fields"].items() if fields[f]["value"] != v]
    assert all(fields[f]["status"] != "ok" for f in wrong)


@pytest.mark.slow
def test_the_real_pdf_scanned_at_low_resolution(tmp_path):
    """The real PDF's pages as 150 dpi JPEG images: every field right or sent to review."""
    from extractor.mupdf import pymupdf

    src, scan = pymupdf.open(REAL / "101.pdf"), pymupdf.open()
    for page in src:
        image = page.get_pixmap(dpi=150).tobytes("jpeg", jpg_quality=55)
        scan.new_page(width=page.rect.width, height=page.rect.height).insert_image(page.rect, stream=image)
    scan.save(tmp_path / "scan.pdf")
    result = extract(tmp_path / "scan.pdf")
    fields = result["fields"]
    assert (result["template"], result["agency"], result["year"]) == (TRUTH["template"], TRUTH["agency"], TRUTH["year"])
    wrong = [f for f, v in TRUTH["fields"].items() if fields[f]["value"] != v]
    assert len(wrong) <= 5
    assert all(fields[f]["status"] not in ("ok", "blank") for f in wrong)
