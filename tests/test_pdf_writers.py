"""The generator writes one page as a PDF library, WPS or Word would: the same page whichever."""

import json

import pytest

from extractor.layout import page_text
from extractor.mupdf import pymupdf
from extractor.readers.pdf import read_page
from training.gen.pdf_render import draw_page, embed_subsets
from training.gen.pdf_text import CJK_FONT
from training.gen.pdf_writers import WRITERS, page_content
import training.generate as generate_module
from training.generate import generate

# a small framed table with a shaded cell, a coloured heading and a painted rule
OPS = [
    ("fill", (300, 140, 400, 160)),
    ("paint", ((60, 100), (530, 100)), None, (0.2, 0.2, 0.2), 0.5),
    ("text", (60, 90), "三、收到和处理政府信息公开申请情况", CJK_FONT, 12, (0.1, 0.1, 0.5)),
    *[("rect", (x0, y0, x1, y0 + 20)) for y0 in (120, 140, 160) for x0, x1 in ((60, 300), (300, 400), (400, 530))],
    ("line", (60, 200), (530, 200)),
    ("text", (64, 135), "一、本年新收政府信息公开申请数量", CJK_FONT, 10),
    ("text", (340, 135), "15", "tiro", 10),
    ("text", (450, 135), "1,024", "helv", 10),
    ("text", (64, 155), "二、上年结转政府信息公开申请数量", CJK_FONT, 10),
    ("text", (340, 155), "0", "tiro", 10),
    ("text", (64, 175), "（一）予以公开", CJK_FONT, 10),
]


RULES = 25  # distinct border segments of the table's cells, and the rule below it


def _page(writer: str, embed: bool) -> pymupdf.Page:
    doc = pymupdf.open()
    draw_page(doc, doc.new_page(width=595, height=842), OPS, embed, writer)
    if embed:
        embed_subsets(doc)
    return pymupdf.open("pdf", doc.tobytes())[0]


def _cells(page: pymupdf.Page) -> list[tuple[str, tuple]]:
    """Text and box (whole points) of every cell the reader lays out: a ruled cell's box is
    its grid cell, so the rules are compared too."""
    return [(c.raw, tuple(round(v) for v in c.bbox)) for it in read_page(page, 1).items for c in it.cells]


def _glyphs(page: pymupdf.Page) -> list[tuple[str, tuple]]:
    return sorted((g.c, (round(g.x0, 1), round(g.x1, 1), round(g.y1, 1))) for g in page_text(page).glyphs)


@pytest.mark.parametrize("embed", [True, False])
def test_every_writer_gives_the_same_cells_and_glyphs_at_the_same_places(embed):
    plain = _page("plain", embed)
    cells, glyphs = _cells(plain), _glyphs(plain)
    assert len(cells) == 1 + 3 * 3  # the heading, and the nine cells of the ruled table
    assert ("15", (300, 120, 400, 140)) in cells
    for writer in [w for w in WRITERS if w != "plain"]:
        page = _page(writer, embed)
        assert _cells(page) == cells, writer
        theirs = _glyphs(page)
        assert [c for c, _ in theirs] == [c for c, _ in glyphs], writer
        for (c, a), (_, b) in zip(glyphs, theirs):
            assert max(abs(p - q) for p, q in zip(a, b)) <= 0.2, (writer, c, a, b)


def test_wps_writes_a_flipped_page_of_clipped_lines_set_character_by_character():
    stream = page_content(OPS, 595, 842, embed=True, writer="wps")
    assert stream.startswith("q\n1 0 0 -1 0 842 cm")
    assert stream.count("BT") == sum(op[0] == "text" for op in OPS)  # a text object per line
    assert stream.count("W* n") == stream.count("BT") + 1  # each line clipped, and the page
    assert stream.count(" TD") == sum(len(op[2]) - 1 for op in OPS if op[0] == "text")
    assert "0.05 0 0 -0.05 " in stream and "/GS0 gs" in stream
    # nine framed cells as their distinct borders (12 across, 12 down) and the rule below them
    assert stream.count(" l\nS") == RULES
    assert "re\nS" not in stream


def test_word_writes_tagged_text_and_rules_as_filled_rectangles():
    stream = page_content(OPS, 595, 842, embed=True, writer="word")
    texts = sum(op[0] == "text" for op in OPS)
    assert stream.count("BDC") == texts and stream.count("] TJ") == texts
    assert stream.count("EMC") == texts + stream.count("/Artifact BMC")
    assert stream.count(" S") == 1  # the painted rule only: borders are filled
    assert stream.count("re f*") == stream.count("/Artifact BMC") == RULES


def test_an_unknown_writer_is_refused():
    with pytest.raises(ValueError, match="writer"):
        page_content(OPS, 595, 842, writer="latex")


def _truths(folder) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((folder / "truth").glob("*.json"))]


def test_generated_pdfs_come_from_every_writer_and_named_fonts_from_the_plain_one(tmp_path, monkeypatch):
    generate(tmp_path / "mixed", n=24, seed=11, kinds=["pdf"])
    mixed = _truths(tmp_path / "mixed")
    writers = {w for w in WRITERS if any(f"writer={w}" in t["notes"] for t in mixed)}
    assert writers == set(WRITERS)
    assert all("writer=plain" in t["notes"] for t in mixed if "fonts=named" in t["notes"])
    for t in mixed:  # the document information names the writer's program
        creator = pymupdf.open(tmp_path / "mixed" / "docs" / t["document"]).metadata["creator"]
        assert ("Word" in creator) == ("writer=word" in t["notes"])
    # the writer is drawn apart from the document's own random stream: written plainly, the
    # same seed makes the same reports
    monkeypatch.setattr(generate_module, "PDF_WRITERS", {"plain": 1})
    generate(tmp_path / "plain", n=24, seed=11, kinds=["pdf"])
    plain = _truths(tmp_path / "plain")
    assert [t["fields"] for t in plain] == [t["fields"] for t in mixed]
    assert [t["notes"].replace("wps", "plain").replace("word", "plain") for t in mixed] == [t["notes"] for t in plain]


def test_a_writer_can_be_asked_for_and_wps_and_word_embed_their_fonts(tmp_path):
    from training.generate import generate_one
    (tmp_path / "docs").mkdir()
    (tmp_path / "truth").mkdir()
    for index in range(6):
        for writer in WRITERS:
            path = generate_one(tmp_path, index, 11, "ruled", writer)
            notes = json.loads((tmp_path / "truth" / f"{path.stem}.json").read_text(encoding="utf-8"))["notes"]
            assert f"writer={writer}" in notes
            assert writer == "plain" or "fonts=embedded" in notes
