"""Web pages whose tables are pictures: the pictures in the file or beside it are read by OCR
and their rows put where they stand; pictures elsewhere are not touched (the whole way
through: tests/test_ocr_end_to_end.py)."""

from __future__ import annotations

import base64

import pytest

from extractor.readers import read
from extractor.readers.html import read_html_bytes
from extractor.readers.pictures import _bytes_of

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==")


def test_pictures_are_kept_where_they_stand():
    page = ('<p>一、总体情况</p><p><img alt="" src="t1.png"></p><p>二、主动公开</p>'
            '<div><IMG SRC=\'a b/t2.jpg\' width=600></div><table><tr><td><img src="x.png">3</td><td>4</td></tr></table>')
    doc = read_html_bytes(page.encode())
    assert doc.pictures == [(1, "t1.png"), (2, "a b/t2.jpg")]  # one inside a grid's cell is not flow
    assert [ln.text for ln in doc.lines] == ["一、总体情况", "二、主动公开", "3\t4"]


def test_picture_bytes_come_from_the_file_or_its_folder_only(tmp_path):
    (tmp_path / "page_files").mkdir()
    (tmp_path / "page_files" / "t 1.png").write_bytes(PNG)
    (tmp_path.parent / "secret.png").write_bytes(PNG)
    assert _bytes_of("page_files/t%201.png", tmp_path) == PNG
    assert _bytes_of("page_files\\t 1.png?v=2", tmp_path) == PNG
    assert _bytes_of("data:image/png;base64," + base64.b64encode(PNG).decode(), tmp_path) == PNG
    assert _bytes_of("../secret.png", tmp_path) is None
    assert _bytes_of(str(tmp_path.parent / "secret.png"), tmp_path) is None
    assert _bytes_of("missing.png", tmp_path) is None


def test_pictures_not_read_are_said(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<p>报告</p><img src="https://example.org/t.png"><img src="icon.png">', encoding="utf-8")
    (tmp_path / "icon.png").write_bytes(PNG)  # 1 x 1: an icon, not read
    assert any("2 pictures on the page were not read (OCR is off)" in w for w in read(page, ocr=False).warnings)
    pytest.importorskip("cv2")
    doc = read(page)
    assert [ln.text for ln in doc.lines] == ["报告"]
    assert any("1 pictures are on the web" in w for w in doc.warnings)


def test_icons_are_skipped_and_an_animation_is_read_by_its_first_frame(tmp_path):
    """A 1 x 1 tracking pixel is no table and no unreadable picture either; an animated GIF
    big enough to hold a table is read (its first frame), not refused for its frames."""
    from PIL import Image
    frames = [Image.new("L", (240, 40), c) for c in (255, 250)]
    frames[0].save(tmp_path / "banner.gif", save_all=True, append_images=frames[1:])
    (tmp_path / "pixel.png").write_bytes(PNG)
    page = tmp_path / "page.html"
    page.write_text('<p>报告</p><img src="pixel.png"><img src="banner.gif">', encoding="utf-8")
    pytest.importorskip("cv2")
    assert not any("not a readable picture" in w for w in read(page).warnings)
