"""A tilted scan's invisible OCR layer: its rows are turned level before the layout, and cell
boxes go back to where the text stands on the page."""

from __future__ import annotations

import math

import pytest

from extractor.layout import Frame, Glyph, PageText
from extractor.level import leveled, text_tilt
from extractor.mupdf import pymupdf
from extractor.pipeline import extract
from training.generate import generate


def _turn(x, y, cx, cy, degrees):
    """(x, y) turned ``degrees`` around (cx, cy), y down: positive runs down to the right."""
    a = math.radians(degrees)
    dx, dy = x - cx, y - cy
    return cx + dx * math.cos(a) - dy * math.sin(a), cy + dx * math.sin(a) + dy * math.cos(a)


def _rows_of_glyphs(degrees, w=600.0, h=800.0):
    glyphs = []
    for row in range(20):
        for col in range(8):
            x, y = _turn(60 + 60 * col, 100 + 24 * row, w / 2, h / 2, degrees)
            glyphs.append(Glyph(x - 6, y - 5, x + 6, y + 5, "12", row * 8 + col, 10.0, True))
    return PageText(Frame(0, w, h), glyphs, chars=2 * len(glyphs))


@pytest.mark.parametrize("degrees", [-2.0, -0.6, 0.8, 1.5])
def test_tilt_is_found_and_rows_come_out_level(degrees):
    pt = _rows_of_glyphs(degrees)
    assert math.degrees(text_tilt(pt.glyphs)) == pytest.approx(degrees, abs=0.06)
    out = leveled(pt)
    for row in range(20):
        ys = [(g.y0 + g.y1) / 2 for g in out.glyphs[row * 8:(row + 1) * 8]]
        assert max(ys) - min(ys) < 1.0
    # a cell's box goes back to where its glyph stands on the page
    g, orig = out.glyphs[5], pt.glyphs[5]
    back = out.frame.to_page((g.x0, g.y0, g.x1, g.y1))
    assert back[0] <= orig.x0 + 0.5 and back[2] >= orig.x1 - 0.5
    assert abs((back[1] + back[3]) / 2 - (orig.y0 + orig.y1) / 2) < 0.5


def test_level_text_is_left_as_it_is():
    pt = _rows_of_glyphs(0.0)
    assert text_tilt(pt.glyphs) == 0.0
    assert leveled(pt) is pt


def _tilted_ocr_layer(src, dst, degrees):
    """``src`` (a born-digital PDF) as a scan's OCR layer would give it: every span's text
    painted invisibly, in its size, where it would stand on a page scanned ``degrees`` off
    level, turned with the page."""
    with pymupdf.open(src) as pdf:
        out = pymupdf.open()
        for page in pdf:
            new = out.new_page(width=page.rect.width, height=page.rect.height)
            cx, cy = page.rect.width / 2, page.rect.height / 2
            for block in page.get_text("dict")["blocks"]:
                for line in block.get("lines", ()):
                    for span in line["spans"]:
                        if not span["text"].strip():
                            continue
                        at = pymupdf.Point(_turn(*span["origin"], cx, cy, degrees))
                        new.insert_text(at, span["text"], fontsize=span["size"], fontname="china-s",
                                        render_mode=3, morph=(at, pymupdf.Matrix(-degrees)))
        out.save(dst)


def test_tilted_ocr_layer_reads_as_the_level_one(tmp_path):
    src = generate(tmp_path, 1, seed=3, families=["borderless"])[0]
    level, tilted = tmp_path / "level.pdf", tmp_path / "tilted.pdf"
    _tilted_ocr_layer(src, level, 0.0)
    _tilted_ocr_layer(src, tilted, 1.2)
    want, got = extract(level), extract(tilted)
    assert want["template"] is not None
    assert {k: v["value"] for k, v in got["fields"].items()} == {k: v["value"] for k, v in want["fields"].items()}
    # boxes are where the tilted text stands: a value far right sits lower than it would level
    fid = next(k for k, v in want["fields"].items() if v["source"] and v["source"].get("bbox")
               and v["source"]["bbox"][0] > 400)
    assert got["fields"][fid]["source"]["bbox"][1] > want["fields"][fid]["source"]["bbox"][1] + 1
