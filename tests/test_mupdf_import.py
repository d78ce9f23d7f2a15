"""The PDF reader imports pymupdf without the layout and LLM add-ons that pymupdf 2 loads."""

import subprocess
import sys


def test_reader_leaves_out_pymupdf_add_ons():
    code = ("import sys, extractor.readers.pdf as r; "
            "print(sorted(m for m in ('pymupdf.layout', 'pymupdf4llm') if sys.modules.get(m) is not None)); "
            "print(r.pymupdf.open().page_count)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["[]", "0"]


def test_text_page_is_pymupdfs_rawdict_and_page_size():
    """The text page's blocks, read without pymupdf's wrappers, are what its methods return,
    characters and vector boxes included, and its size is the unrotated page's; a turned
    page goes through the methods."""
    from pathlib import Path

    from extractor.mupdf import _text_page_calls, pymupdf, text_page

    assert _text_page_calls() is not None, "this pymupdf no longer has the functions its methods call"
    flags = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP | pymupdf.TEXT_COLLECT_VECTORS
    with pymupdf.open(Path(__file__).parent / "data" / "real" / "101.pdf") as doc:
        blocks = []
        for page in doc:
            want = page.get_textpage(flags=flags).extractRAWDICT()["blocks"]
            assert text_page(page, flags, page.rotation) == (want, page.rect.width, page.rect.height)
            blocks += want
        assert any(b["type"] == 3 for b in blocks) and any(b.get("lines") for b in blocks)
        page = doc[3]
        upright = page.rect
        page.set_rotation(90)
        assert page.rect.width == upright.height  # pymupdf's rect turns with the page
        want = page.get_textpage(flags=flags).extractRAWDICT()["blocks"]
        assert text_page(page, flags, 90) == (want, upright.width, upright.height)


def test_page_drawing_counts_content_forms_and_images(tmp_path):
    """The page's stored content bytes (forms within forms included) and whether it draws an
    image, read from its objects, are what pymupdf's methods tell."""
    from extractor.mupdf import _page_drawing_slowly, page_drawing, pymupdf

    inner = pymupdf.open()
    page = inner.new_page(width=200, height=200)
    pix = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 8, 8), False)
    page.insert_image(pymupdf.Rect(10, 10, 50, 50), pixmap=pix)
    page.insert_text((60, 60), "form text " * 40)
    middle = pymupdf.open()
    middle.new_page(width=200, height=200).show_pdf_page(pymupdf.Rect(0, 0, 200, 200), inner, 0)
    doc = pymupdf.open()
    plain = doc.new_page()
    plain.insert_text((72, 72), "plain text")
    drawn = doc.new_page()
    drawn.show_pdf_page(pymupdf.Rect(0, 0, 300, 300), middle, 0)  # a form holding a form with an image
    path = tmp_path / "forms.pdf"
    doc.save(path)
    with pymupdf.open(path) as saved:
        got = [page_drawing(p) for p in saved]
        assert got == [_page_drawing_slowly(p) for p in saved]
    (plain_size, plain_images), (drawn_size, drawn_images) = got
    assert plain_size > 0 and not plain_images
    assert drawn_images and drawn_size > plain_size


def test_text_page_takes_pymupdfs_methods_when_its_functions_differ(monkeypatch):
    """Functions underneath that do not give what the methods give (another pymupdf calls
    them otherwise) are not used: every page goes through the methods."""
    from pathlib import Path

    from extractor import mupdf as m

    def otherwise(calls, page, flags):
        raise TypeError("page_get_textpage() takes 3 arguments")

    m._text_page_calls.cache_clear()
    monkeypatch.setattr(m, "_direct", otherwise)
    try:
        assert m._text_page_calls() is None
        with m.pymupdf.open(Path(__file__).parent / "data" / "real" / "101.pdf") as doc:
            page = doc[3]
            blocks, width, height = m.text_page(page, 0, 0)
            assert blocks and blocks == page.get_textpage(flags=0).extractRAWDICT()["blocks"]
            assert (width, height) == (page.rect.width, page.rect.height)
    finally:
        monkeypatch.undo()
        m._text_page_calls.cache_clear()
    assert m._text_page_calls() is not None
