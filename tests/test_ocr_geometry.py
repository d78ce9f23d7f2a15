"""Pure parts of the OCR page reader: geometry, rules from pixels, glyphs, readings."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("cv2")

from extractor.ocr import Reading, Word  # noqa: E402
from extractor.scanpage import (Straighten, _affine, _best_reading, _close_digit_gaps, _order,  # noqa: E402
                                _rot90_points, page_rule_drawings, skew_angle, widen, word_glyphs)


def test_rot90_points_follow_numpy():
    img = np.zeros((30, 50), np.uint8)
    img[5, 40] = 1
    for k in range(4):
        turned = np.rot90(img, k)
        y, x = map(int, np.argwhere(turned)[0])
        p = _rot90_points(np.array([[40.0, 5.0]]), k, 50, 30)[0]
        assert (round(float(p[0])), round(float(p[1]))) == (x, y)


def test_straighten_maps_back_to_the_source():
    import cv2
    w, h = 400, 300
    pts = np.array([[10.0, 20.0], [350.0, 250.0]], dtype=np.float32)
    for k in range(4):
        turned = _rot90_points(pts, k, w, h)
        tw, th = (h, w) if k % 2 else (w, h)
        m = cv2.getRotationMatrix2D((tw / 2, th / 2), 1.5, 1.0)
        straight = _affine(turned, m)
        back = Straighten(k, w, h, cv2.invertAffineTransform(m)).back(straight)
        assert np.allclose(back, pts, atol=0.05)


def test_order_is_clockwise_from_top_left():
    q = np.array([[10, 20], [0, 0], [10, 0], [0, 20]], dtype=np.float32)
    assert _order(q).tolist() == [[0, 0], [10, 0], [10, 20], [0, 20]]


def test_skew_angle_is_the_median_slope_of_long_boxes():
    def box(x, y, w, h, deg):
        t = np.radians(deg)
        u, v = np.array([np.cos(t), np.sin(t)]), np.array([-np.sin(t), np.cos(t)])
        o = np.array([x, y])
        return np.array([o, o + w * u, o + w * u + h * v, o + h * v], dtype=np.float32)
    quads = [box(0, 100 * i, 400, 30, 1.2) for i in range(5)] + [box(0, 0, 30, 30, 20)]
    assert skew_angle(quads) == pytest.approx(1.2, abs=0.01)
    assert skew_angle(quads[:2]) == 0.0  # too little evidence


def test_rules_found_in_a_drawn_grid_and_not_in_text():
    import cv2
    img = np.full((400, 600), 245, np.uint8)
    for y in (50, 150, 250, 350):
        cv2.line(img, (40, y), (560, y), 20, 2)
    for x in (40, 300, 560):
        cv2.line(img, (x, 50), (x, 350), 20, 2)
    cv2.putText(img, "0 12 345", (320, 110), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 20, 2)
    drawings = page_rule_drawings(img, 0.5, 25)
    hs = [d for d in drawings if d["items"][0][1][1] == d["items"][0][2][1]]
    vs = [d for d in drawings if d["items"][0][1][0] == d["items"][0][2][0]]
    assert len(hs) == 4 and len(vs) == 3
    ys = sorted(round(d["items"][0][1][1]) for d in hs)
    assert ys == [25, 75, 125, 175]  # points (scale 0.5)


def test_widen_makes_a_fragment_as_high_as_the_text():
    q = np.array([[100, 50], [110, 50], [110, 70], [100, 70]], dtype=np.float32)
    assert np.array_equal(widen(q, 22), q)  # about as high as the text: kept
    w = widen(q, 40)  # the middle of a taller character: scaled to the text's height
    assert w[2][1] - w[0][1] == pytest.approx(40) and w[1][0] - w[0][0] == pytest.approx(20)
    assert w.mean(axis=0) == pytest.approx(q.mean(axis=0))


def test_digit_gaps_closed_only_when_narrow():
    chars = list("2 0 2 2年")
    centres = [0, 10, 20, 30, 40, 50, 60, 75]
    assert "".join(c for c in _close_digit_gaps(chars, centres, 25) if c != "\0") == "2022年"
    wide = [0, 40, 80]
    assert _close_digit_gaps(list("1 5"), wide, 25) == list("1 5")


def test_word_glyphs_in_points_and_one_per_character():
    w = Word("行政许可 28", (100, 100, 400, 145), 0.99, (0.99,) * 7, ("",) * 7, (0.0,) * 7,
             (0.05, 0.15, 0.25, 0.35, 0.5, 0.8, 0.9))
    glyphs, probs = word_glyphs([w], 0.5)
    assert "".join(g.c for g in glyphs) == "行政许可28"
    assert glyphs[4].space and not glyphs[5].space
    assert all(50 <= g.x0 < g.x1 <= 200 for g in glyphs)
    assert len(probs) == len(glyphs)
    assert glyphs[3].x1 <= glyphs[1].x1 + 100  # boxes keep order
    assert all(a.x1 <= b.x0 + 1e-6 for a, b in zip(glyphs, glyphs[1:]))


def _reading(text, p):
    return Reading(text, p, (p,) * len(text), ("",) * len(text), (0.0,) * len(text),
                   tuple((k + 0.5) / len(text) for k in range(len(text))))


def _word(text, p):
    r = _reading(text, p)
    return Word(text, (0, 0, 20, 30), p, r.probs, r.alts, r.alt_probs, r.xs, ((0, 0), (20, 0), (20, 30), (0, 30)))


def test_two_readings_of_one_value_shrink_the_doubt():
    w = _best_reading(_word("0", 0.8), [_reading("0", 0.8), _reading("0", 0.9)])
    assert w.text == "0" and min(w.probs) == pytest.approx(0.95)


def test_a_reading_of_digits_beats_letters_and_disagreement_caps():
    w = _best_reading(_word("o", 0.7), [_reading("o", 0.7), _reading("0", 0.95)])
    assert w.text == "0" and min(w.probs) == pytest.approx(0.975)  # same value: o stands for 0
    w = _best_reading(_word("8", 0.85), [_reading("8", 0.85), _reading("6", 0.9)])
    assert w.text == "6" and min(w.probs) <= 0.6


def test_a_separator_before_three_digits_is_doubted_unless_read_surely():
    from extractor.scanpage import separator_doubt
    w = _word("2.969", 0.99)
    assert max(separator_doubt(w).probs) <= 0.6
    sure = Word("2,969", w.box, 1.0, (1.0,) * 5, w.alts, w.alt_probs, w.xs, w.quad)
    assert separator_doubt(sure) is sure
    decimal = _word("6.2918", 0.9)
    assert separator_doubt(decimal) is decimal


def test_digits_of_one_number_meet_where_a_space_was_dropped():
    """"1114" in a font whose "1" is narrow reads "1 1 1 4": the spaces are dropped and
    the digits' glyphs must touch, or the layout splits the number at the gaps."""
    w = Word("1 1 1 4", (0, 0, 135, 37), 0.9, (1.0, 0.7, 1.0, 0.7, 1.0, 0.9, 1.0), ("",) * 7,
             (0.0,) * 7, (0.07, 0.18, 0.3, 0.43, 0.52, 0.66, 0.75))
    glyphs, _ = word_glyphs([w], 1.0)
    assert "".join(g.c for g in glyphs) == "1114"
    assert all(b.x0 - a.x1 < 1e-6 for a, b in zip(glyphs, glyphs[1:]))
    assert not any(g.space for g in glyphs)


def _dash_crop(bar_h: int, bar_w: int = 16, rule_below: bool = False) -> np.ndarray:
    crop = np.full((56, 40), 240, np.uint8)
    top = 28 - bar_h // 2
    crop[top:top + bar_h, 12:12 + bar_w] = 20
    if rule_below:
        crop[54:, :] = 30  # the cell's rule the widened box reaches into
    return crop


def test_a_flat_bar_read_as_a_character_is_a_printed_dash():
    from extractor.scanpage import DASH_CONF, dash_reading
    read = _reading("二", 0.79)
    for crop in (_dash_crop(3), _dash_crop(3, rule_below=True)):
        out = dash_reading(read, crop, 56.0)
        assert (out.text, out.conf) == ("-", DASH_CONF)
    assert dash_reading(read, _dash_crop(30, bar_w=5), 56.0) is read  # a "1" stands as high as text
    assert dash_reading(read, _dash_crop(20, bar_w=14), 56.0) is read  # no flat stroke
    digit = _reading("0", 0.5)
    assert dash_reading(digit, _dash_crop(3), 56.0) is digit  # only what a dash reads as


def test_a_minus_sign_the_recognizer_dropped_sends_the_number_to_review():
    """"-6" read as "6": the bar left of the digit, at its middle height, is ink that the
    reading does not account for. The digits stay; the confidence falls to review."""
    from extractor.scanpage import DISAGREE_CAP, minus_doubt
    page = np.full((36, 44), 240, np.uint8)
    page[10:28, 18:28] = 20  # the digit, 18 px high
    quad = ((0.0, 0.0), (44.0, 0.0), (44.0, 36.0), (0.0, 36.0))
    plain = Word("6", (0, 0, 44, 36), 0.99, (0.99,), ("",), (0.0,), (0.5,), quad)
    assert minus_doubt(plain, page) is plain
    with_bar = page.copy()
    with_bar[19:22, 9:15] = 20  # a bar 3 px high, 6 px wide, 3 px left of the digit
    assert max(minus_doubt(plain, with_bar).probs) <= DISAGREE_CAP
    low = page.copy()
    low[26:28, 9:15] = 20  # at the digit's foot: an underline or a speck, no minus
    assert minus_doubt(plain, low) is plain
    signed = Word("-6", (0, 0, 44, 36), 0.99, (0.99, 0.99), ("", ""), (0.0, 0.0), (0.3, 0.6), quad)
    assert minus_doubt(signed, with_bar) is signed  # the sign was read
    glued = page.copy()
    glued[19:22, 11:18] = 20  # printed tight: the bar touches the digit, one piece of ink
    assert max(minus_doubt(plain, glued).probs) <= DISAGREE_CAP
    wide = np.full((36, 44), 240, np.uint8)
    wide[10:28, 11:28] = 20  # a broad digit, ink down its whole left edge: no bar
    assert minus_doubt(plain, wide) is plain


def test_lines_of_a_wrapped_cell_are_read_top_down_whatever_their_left_edges():
    """A wrapped label beside values centred on its two lines is one visual row; on a scan
    the second line's left edge may fall a pixel left of the first's, which must not put
    it first. Lines of other left edges (a header centred over several columns) keep
    their left-to-right order."""
    from types import SimpleNamespace as Box
    from extractor.layout import visual_rows
    first = Box(bbox=(101.0, 100.0, 250.0, 112.0), name="(3)补正后申请内容")
    second = Box(bbox=(100.0, 114.0, 160.0, 126.0), name="仍不明确")
    value = Box(bbox=(300.0, 106.0, 310.0, 120.0), name="0")
    rows = visual_rows([value, second, first], lambda it, row: True)
    assert [[it.name for it in r] for r in rows] == [["(3)补正后申请内容", "仍不明确", "0"]]
    over = Box(bbox=(150.0, 100.0, 260.0, 112.0), name="法人或其他组织")
    under = Box(bbox=(120.0, 114.0, 160.0, 126.0), name="商业企业")
    rows = visual_rows([over, under, value], lambda it, row: True)
    assert [it.name for it in rows[0]] == ["商业企业", "法人或其他组织", "0"]


def test_a_widened_box_is_read_as_it_stands():
    """A dash or a lone digit boxed far lower than the text is widened to the text's
    height; the grown box may stand upright, but it is no vertical text: turned, a dash
    reads "1" and a "1" reads "一"."""
    from extractor.ocr import crop_quad
    img = np.full((200, 200), 255, np.uint8)
    img[95:98, 90:110] = 0  # a dash
    q = widen(np.array([[95, 87], [106, 87], [106, 106], [95, 106]], np.float32), 56.0)
    assert (q[:, 1].max() - q[:, 1].min()) >= 1.5 * (q[:, 0].max() - q[:, 0].min())  # upright
    crop = crop_quad(img, q, turn=False)
    assert crop.shape[0] > crop.shape[1]
    rows = np.nonzero((crop < 128).any(axis=1))[0]
    assert len(rows) <= 4  # the dash still lies flat
    assert crop_quad(img, q).shape[0] < crop_quad(img, q).shape[1]  # by default: turned


def test_recognise_reads_widened_boxes_unturned():
    from extractor.scanpage import recognise
    seen = []

    class Engine:
        def recognize(self, crops):
            seen.extend(c.shape for c in crops)
            return [_reading("7", 0.99) for _ in crops]

    img = np.full((300, 600), 255, np.uint8)
    line = [np.array([[x, 20], [x + 300, 20], [x + 300, 76], [x, 76]], np.float32) for x in (10, 10, 10)]
    line = [q + np.array([0, 80 * k], np.float32) for k, q in enumerate(line)]  # the text: 56 high
    dash = np.array([[400, 100], [411, 100], [411, 119], [400, 119]], np.float32)
    recognise(Engine(), img, line + [dash])
    h, w = seen[3][:2]
    assert h > w  # the dash's widened box, read as it stands


def test_a_dash_beside_its_cells_rule_read_as_a_stroke_is_a_dash():
    """A long "—" boxed with the cell's rule beside it reads "1", unsurely: the rule runs
    through the crop from top to bottom and is left out; a flat bar remains."""
    from extractor.scanpage import dash_reading
    crop = np.full((40, 70), 240, np.uint8)
    crop[19:23, 10:50] = 20  # the dash
    crop[:, 62:65] = 20  # the cell's rule, running through
    out = dash_reading(_reading("1", 0.83), crop, 40.0)
    assert out.text == "-"
    sure = _reading("1", 0.99)
    assert dash_reading(sure, crop, 40.0) is sure  # a "1" read surely stays a "1"
    speck = np.full((40, 70), 240, np.uint8)
    speck[:, 30:34] = 20  # a tight "1" touching both edges, left out as a rule...
    speck[30:32, 40:45] = 20  # ...and a speck: no dash
    unsure = _reading("1", 0.8)
    assert dash_reading(unsure, speck, 40.0) is unsure


def _stroke_word(text: str, points: list[tuple[int, int]], flag: bool = False) -> tuple[Word, np.ndarray]:
    """A word box over one stroke drawn from the first point to the second on paper (and a
    "1"'s flag from its top to the left), boxed narrowly as a detector may box it."""
    import cv2
    img = np.full((60, 80), 255, np.uint8)
    cv2.line(img, points[0], points[1], 0, 3)
    if flag:
        cv2.line(img, points[1], (points[1][0] - 6, points[1][1] + 6), 0, 2)
    box = (36.0, 15.0, 44.0, 45.0)  # the middle of the stroke only
    quad = ((36, 15), (44, 15), (44, 45), (36, 45))
    return Word(text, box, 0.8, (0.8,), ("",), (0.0,), (0.5,), quad), img


def test_a_stroke_read_as_1_that_leans_as_a_slash_is_a_slash():
    """A printed "/" (a blank mark) reads "1" with OCR; its ink leans right, a "1" stands."""
    from extractor.scanpage import slash_reading
    slash, img = _stroke_word("1", [(32, 45), (48, 15)])
    assert slash_reading(slash, img).text == "/"
    one, img = _stroke_word("1", [(40, 45), (40, 15)], flag=True)
    assert slash_reading(one, img).text == "1"
    zero, img = _stroke_word("0", [(32, 45), (48, 15)])  # only lone strokes are looked at
    assert slash_reading(zero, img).text == "0"


def test_a_dash_read_over_the_end_of_a_rule_is_the_rule_not_a_blank():
    """A table ruled across only (no column rules): OCR may read where a rule stops as "-".
    That word lies over the rule's end and is dropped; a dash inside a cell, even one whose
    box reaches the rule above it, is a printed blank and stays."""
    from extractor.scanpage import _line, at_a_rule_end
    scale = 0.5  # points per pixel
    rules = [_line((100.0, 200.0), (500.0, 200.0))]  # points
    stub = Word("-", (990.0, 392.0, 1020.0, 416.0), 0.95)  # pixels: x 495-510 pt, y 196-208 pt
    inside = Word("-", (700.0, 396.0, 730.0, 420.0), 0.95)
    value = Word("0", (990.0, 392.0, 1006.0, 416.0), 0.95)
    assert at_a_rule_end(stub, rules, scale)
    assert not at_a_rule_end(inside, rules, scale)
    assert not at_a_rule_end(value, rules, scale)
