"""The OCR reader on small page images made here: files, turns, skew, TIFF, scanned PDF."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pymupdf
import pytest

cv2 = pytest.importorskip("cv2")
pytest.importorskip("rapidocr_onnxruntime")

from extractor.errors import DocumentLoadError  # noqa: E402
from extractor.readers.image import ocr_pdf, read_image  # noqa: E402
from extractor.readers.pdf import read_pdf  # noqa: E402

ROWS = [("行政许可", "28"), ("行政处罚", "3"), ("行政强制", "150"), ("行政事业性收费", "0")]
DPI = 150


def _page_pdf(empty: str = "") -> bytes:
    """A small page: a heading and a ruled two-column table (the row labelled ``empty``
    printed without its value)."""
    doc = pymupdf.open()
    page = doc.new_page(width=320, height=230)
    page.insert_text((20, 30), "二、主动公开政府信息情况", fontname="china-s", fontsize=12)
    x0, x1, x2 = 20, 200, 300
    top, h = 45, 30
    for i in range(len(ROWS) + 2):
        page.draw_line((x0, top + i * h), (x2, top + i * h), width=0.8)
    for x in (x0, x1, x2):
        page.draw_line((x, top), (x, top + (len(ROWS) + 1) * h), width=0.8)
    page.insert_text((28, top + 20), "信息内容", fontname="china-s", fontsize=11)
    page.insert_text((210, top + 20), "本年处理决定数量", fontname="china-s", fontsize=9)
    for i, (label, value) in enumerate(ROWS, start=1):
        page.insert_text((28, top + i * h + 20), label, fontname="china-s", fontsize=11)
        if label != empty:
            page.insert_text((240, top + i * h + 20), value, fontname="helv", fontsize=11)
    return doc.tobytes()


@pytest.fixture(scope="module")
def page_image() -> np.ndarray:
    with pymupdf.open(stream=_page_pdf(), filetype="pdf") as doc:
        pix = doc[0].get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY)
        img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width).copy()
    noise = np.random.default_rng(0).normal(0, 4, img.shape)
    return np.clip(img.astype(float) * 0.9 + 20 + noise, 0, 255).astype(np.uint8)


def _rows(doc) -> list[list[str]]:
    return [[c.text for c in ln.cells if c.text] for ln in doc.lines]


def _table_ok(doc) -> None:
    rows = _rows(doc)
    for label, value in ROWS:
        assert [label, value] in rows, rows
    assert any("主动公开政府信息情况" in "".join(r) for r in rows), rows
    for ln in doc.lines:
        for c in ln.cells:
            if c.text in {v for _, v in ROWS}:
                assert 0.8 <= c.confidence <= 1.0, (c.text, c.confidence)
                assert c.raw


def test_png_page_is_read_into_rows_of_cells(tmp_path, page_image):
    path = tmp_path / "page.png"
    cv2.imwrite(str(path), page_image)
    doc = read_image(path)
    assert doc.kind == "image" and doc.pages == 1 and len(doc.sha256) == 64
    _table_ok(doc)
    h, w = page_image.shape
    for ln in doc.lines:
        for c in ln.cells:
            x0, y0, x1, y1 = c.bbox
            assert -2 <= x0 <= x1 <= w + 2 and -2 <= y0 <= y1 <= h + 2


def test_ocr_cells_stay_below_a_text_layers_confidence(tmp_path):
    """Every cell OCR read, and every empty one of its rows, is less sure than a text layer's
    (1.0): the stages tell OCR's lines by it (a blank where no cell stands is then no proof)."""
    with pymupdf.open(stream=_page_pdf(empty="行政处罚"), filetype="pdf") as doc:
        pix = doc[0].get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY)
    path = tmp_path / "page.png"
    path.write_bytes(pix.tobytes("png"))
    doc = read_image(path)
    row = next(ln for ln in doc.lines if ln.cells[0].text == "行政处罚")
    assert [c.text for c in row.cells] == ["行政处罚", ""]
    assert all(c.confidence < 1.0 for ln in doc.lines for c in ln.cells)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_turned_pages_are_read_upright_with_boxes_on_the_file(tmp_path, page_image, k):
    path = tmp_path / f"turned{k}.jpg"
    cv2.imwrite(str(path), np.rot90(page_image, k), [cv2.IMWRITE_JPEG_QUALITY, 85])
    doc = read_image(path)
    _table_ok(doc)
    assert any(f"turned by {((4 - k) % 4) * 90}°" in w for w in doc.warnings), doc.warnings
    turned = np.rot90(page_image, k)
    cell = next(c for ln in doc.lines for c in ln.cells if c.text == "150")
    x0, y0, x1, y1 = (int(v) for v in cell.bbox)
    ink = turned[max(y0, 0):y1, max(x0, 0):x1]
    assert ink.size and ink.min() < 100  # the box is where the digits are in the file


def test_skewed_page_is_straightened(tmp_path, page_image):
    h, w = page_image.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), 1.8, 1.0)
    skewed = cv2.warpAffine(page_image, m, (w, h), borderValue=235)
    path = tmp_path / "skewed.png"
    cv2.imwrite(str(path), skewed)
    doc = read_image(path)
    _table_ok(doc)
    assert any("straightened" in w for w in doc.warnings)


def test_multipage_tiff_gives_one_page_per_frame(tmp_path, page_image):
    from PIL import Image
    path = tmp_path / "two.tif"
    frames = [Image.fromarray(page_image), Image.fromarray(page_image).point(lambda v: 255 if v > 140 else 0)]
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(DPI, DPI))
    doc = read_image(path)
    assert doc.pages == 2
    assert {ln.page for ln in doc.lines} == {1, 2}
    for page in (1, 2):
        rows = [[c.text for c in ln.cells if c.text] for ln in doc.lines if ln.page == page]
        assert ["行政强制", "150"] in rows


def test_scanned_pdf_pages_are_read_in_page_points(tmp_path, page_image):
    ok, jpg = cv2.imencode(".jpg", page_image)
    pdf = pymupdf.open()
    page = pdf.new_page(width=320, height=230)
    page.insert_image(page.rect, stream=jpg.tobytes())
    path = tmp_path / "scan.pdf"
    pdf.save(path)
    doc = read_pdf(path)
    assert doc.needs_ocr == [1]
    doc = ocr_pdf(doc)
    assert doc.needs_ocr == [] and doc.kind == "pdf"
    assert "page 1: read by OCR" in doc.warnings
    _table_ok(doc)
    for ln in doc.lines:
        for c in ln.cells:
            assert -1 <= c.bbox[0] <= c.bbox[2] <= 321 and -1 <= c.bbox[1] <= c.bbox[3] <= 231


def test_bad_image_files_raise_one_line_errors(tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    with pytest.raises(DocumentLoadError, match="not a readable image|damaged image"):
        read_image(bad)
    with pytest.raises(DocumentLoadError, match="no such file"):
        read_image(tmp_path / "missing.png")
    tiny = tmp_path / "tiny.png"
    cv2.imwrite(str(tiny), np.full((8, 8), 255, np.uint8))
    with pytest.raises(DocumentLoadError, match="too small"):
        read_image(tiny)


def test_blank_page_gives_no_lines_and_a_warning(tmp_path):
    path = tmp_path / "blank.png"
    cv2.imwrite(str(path), np.full((400, 300), 250, np.uint8))
    doc = read_image(path)
    assert doc.lines == [] and any("no text" in w for w in doc.warnings)


def test_engine_loads_and_reads_with_the_network_cut_off(tmp_path, page_image):
    """The models come from the installed wheel: loading and reading open no socket."""
    path = tmp_path / "page.png"
    cv2.imwrite(str(path), page_image)
    code = (
        "import socket\n"
        "def refuse(*a, **k):\n"
        "    raise OSError('network use during OCR')\n"
        "socket.socket = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from extractor.readers.image import read_image\n"
        f"doc = read_image({str(path)!r})\n"
        "print(sum(len(l.cells) for l in doc.lines))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert int(out.stdout.strip().splitlines()[-1]) >= 10


def test_engine_is_loaded_once_per_process():
    from extractor.ocr import engine
    assert engine() is engine()
