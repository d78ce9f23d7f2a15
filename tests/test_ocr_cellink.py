"""Ink in table cells OCR left empty: the ink check on drawn cells, and what a reading of
such a cell becomes (a number, a printed blank mark, or unread ink that goes to review)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("cv2")

from extractor import confidence as conf  # noqa: E402
from extractor.cellink import READ_CAP, UNREAD_CONF, cell_reading, ink_box, ink_crop_of, interior  # noqa: E402
from extractor.scanpage import ink_mask  # noqa: E402

FONT = 24.0  # font size in pixels (about 12 pt at 150 dpi)
CELL = (60.0, 60.0, 200.0, 104.0)  # x0, y0, x1, y1: a cell between its rules


def page(zero: bool = False, rules: bool = True, noise: float = 0.0, blur: bool = False,
         thick: int = 2, covered_text: bool = False) -> np.ndarray:
    """A grey page holding one ruled cell, optionally with a small "0" drawn in it."""
    import cv2
    img = np.full((170, 260), 245, np.uint8)
    img[20:40, 20:45] = 25  # some dark print elsewhere on the page, as every page has
    if rules:  # the cell's rules run on past it, as a table's do
        for y in (60, 104):
            cv2.line(img, (10, y), (250, y), 25, thick)
        for x in (60, 200):
            cv2.line(img, (x, 15), (x, 155), 25, thick)
    if zero:
        cv2.putText(img, "0", (122, 92), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 25, 2, cv2.LINE_AA)
    if covered_text:
        cv2.putText(img, "12", (122, 92), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 25, 2, cv2.LINE_AA)
    if blur:
        img = cv2.GaussianBlur(img, (3, 3), 0)
    if noise:
        rng = np.random.default_rng(7)
        img = np.clip(img + rng.normal(0, noise, img.shape), 0, 255).astype(np.uint8)
    return img


def test_a_small_zero_in_a_cell_is_ink():
    box = ink_box(ink_mask(page(zero=True)), CELL, FONT)
    assert box is not None
    x0, y0, x1, y1 = box
    assert 115 <= x0 < x1 <= 140 and 70 <= y0 < y1 <= 96  # around the drawn glyph, not the rules


@pytest.mark.parametrize("noise,blur", [(0.0, False), (10.0, True)])
def test_a_zero_is_found_through_noise_and_blur(noise, blur):
    assert ink_box(ink_mask(page(zero=True, noise=noise, blur=blur)), CELL, FONT) is not None


def test_an_empty_cell_has_no_ink():
    assert ink_box(ink_mask(page(rules=False)), CELL, FONT) is None
    assert ink_box(ink_mask(page(rules=False, noise=10.0)), CELL, FONT) is None


@pytest.mark.parametrize("thick", [1, 2, 4])
def test_a_cell_with_only_its_border_lines_has_no_ink(thick):
    assert ink_box(ink_mask(page(thick=thick)), CELL, FONT) is None
    assert ink_box(ink_mask(page(thick=thick, noise=10.0, blur=True)), CELL, FONT) is None


def test_a_rule_through_the_cell_is_not_ink():
    import cv2
    img = page()
    cv2.line(img, (10, 66), (250, 66), 25, 2)  # a rule just inside the cell (a skewed grid)
    cv2.line(img, (66, 15), (66, 155), 25, 2)
    assert ink_box(ink_mask(img), CELL, FONT) is None


def test_ink_of_words_already_read_does_not_count():
    img = page(covered_text=True)
    covered = np.zeros(img.shape, np.uint8)
    covered[70:100, 115:160] = 255
    assert ink_box(ink_mask(img), CELL, FONT) is not None
    assert ink_box(ink_mask(img), CELL, FONT, covered) is None


def test_the_crop_to_read_is_close_to_the_ink_and_free_of_rules():
    img = page(zero=True)
    box = ink_box(ink_mask(img), CELL, FONT)
    crop = ink_crop_of(img, box, interior(CELL, FONT, img.shape))
    h, w = box[3] - box[1], box[2] - box[0]
    assert h < crop.shape[0] <= 1.8 * h and w < crop.shape[1] <= w + 1.2 * h
    assert crop[0].min() > 200 and crop[-1].min() > 200  # paper at the edges, no rule
    loose = ink_crop_of(img, (box[0], box[1] - 10, box[2], box[3] + 10), interior(CELL, FONT, img.shape))
    assert loose[0].min() > 200 and loose[-1].min() > 200  # rules outside the cell painted over


def test_readings_of_inked_cells():
    zero = cell_reading("0", (0.99,))
    assert (zero.text, zero.unread) == ("0", False) and zero.conf == READ_CAP
    letter = cell_reading("o", (0.7,))  # repaired later by the tokenizer, and marked so
    assert (letter.text, letter.conf, letter.unread) == ("o", 0.7, False)
    dash = cell_reading("一", (0.95,))
    assert (dash.text, dash.unread) == ("-", False)
    junk = cell_reading("福", (0.4,))
    assert (junk.text, junk.conf, junk.unread) == ("", UNREAD_CONF, True)
    nothing = cell_reading("", ())
    assert nothing.unread


def test_a_field_from_unread_ink_is_never_blank_or_ok():
    evidence = {"settled": True, "unread": True, "blank": True}
    assert conf.needs_review(evidence, calibrated=False)
    assert conf.needs_review(evidence, calibrated=True)
    assert not conf.needs_review({**evidence, "unread": False}, calibrated=False)


def test_a_lone_unsure_character_is_read_again_and_nothing_else():
    from extractor.cellink import unsure_glyph
    assert unsure_glyph("口", 0.43)  # a boxed-in "0" read as a character
    assert not unsure_glyph("口", 0.95)  # read surely: left as printed
    assert not unsure_glyph("0", 0.3)  # digits and what the tokenizer repairs are kept
    assert not unsure_glyph("o", 0.3)
    assert not unsure_glyph("-", 0.3) and not unsure_glyph("无", 0.3)  # printed blank marks
    assert not unsure_glyph("其他", 0.3)  # words are labels


def test_letters_and_punctuation_in_a_value_cell_are_read_again_however_sure():
    from extractor.cellink import unsure_glyph
    from extractor.scanpage import _odd_end
    assert unsure_glyph("n", 0.99) and unsure_glyph("、", 0.95)  # no value cell prints them
    assert not unsure_glyph("口", 0.95) and not unsure_glyph("O", 0.99)  # O: the tokenizer's 0
    assert _odd_end("0口") == "口" and _odd_end("口12") == "口"  # a character read beside digits
    assert _odd_end("+6") == "" and _odd_end("0°") == "" and _odd_end("12") == ""
    assert _odd_end("1口2") == ""


@pytest.mark.parametrize("reader_confidence,status", [(0.9, "review"), (1.0, "blank")])
def test_a_blank_placed_where_ocr_read_no_cell_goes_to_review(reader_confidence, status):
    """A row read by OCR whose values are placed by position, one column left with no cell
    at all: nothing shows that column was printed empty (OCR may have missed its cell), so it
    goes to review, never `blank`. A text layer's row says so by leaving it out."""
    from extractor.columns import Assignment, Slot
    from extractor.fields import build_fields
    from extractor.model import Cell, Document, Line, Token
    from extractor.rules import evaluate
    from extractor.tables import RowRead
    from extractor.template import load_templates
    template = load_templates()["2021"]
    cells = (Cell("规章", confidence=reader_confidence), Cell("3", confidence=reader_confidence),
             Cell("5", confidence=reader_confidence))
    doc = Document(path="x.pdf", kind="pdf", lines=[Line(cells, page=1)])
    toks = [Token("label", "规章", 0, 0), Token("num", "3", 0, 1, value=3.0), Token("num", "5", 0, 2, value=5.0)]
    reading = (Slot("num", 3.0, toks[1], "3"), Slot("blank"), Slot("num", 5.0, toks[2], "5"))
    row = RowRead("art20_1", "regulations", Assignment((reading,), "aligned"), 1.0, 1.0, 0, tuple(toks[1:]))
    fields = build_fields(template, doc, toks, [row], evaluate(template, {}), {})
    assert fields["art20_1.regulations.repealed"].status == status
    assert fields["art20_1.regulations.issued"].status == "ok"
