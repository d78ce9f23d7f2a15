"""The PDF reader imports pymupdf without the layout and LLM add-ons that pymupdf 2 loads."""

import subprocess
import sys


def test_reader_leaves_out_pymupdf_add_ons():
    code = ("import sys, extractor.readers.pdf as r; "
            "print(sorted(m for m in ('pymupdf.layout', 'pymupdf4llm') if sys.modules.get(m) is not None)); "
            "print(r.pymupdf.open().page_count)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["[]", "0"]


def test_text_blocks_are_pymupdfs_rawdict_blocks():
    """The text page's blocks, read without pymupdf's wrappers, are what its methods return,
    characters and vector boxes included; a turned page goes through the methods."""
    from pathlib import Path

    from extractor.mupdf import _TEXT_PAGE, pymupdf, text_blocks

    assert _TEXT_PAGE is not None, "this pymupdf no longer has the functions its methods call"
    flags = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP | pymupdf.TEXT_COLLECT_VECTORS
    with pymupdf.open(Path(__file__).parent / "data" / "real" / "101.pdf") as doc:
        blocks = []
        for page in doc:
            want = page.get_textpage(flags=flags).extractRAWDICT()["blocks"]
            assert text_blocks(page, flags, page.rotation) == want
            blocks += want
        assert any(b["type"] == 3 for b in blocks) and any(b.get("lines") for b in blocks)
        page = doc[3]
        page.set_rotation(90)
        assert text_blocks(page, flags, 90) == page.get_textpage(flags=flags).extractRAWDICT()["blocks"]
