"""Regions of text drawn as shapes (extractor.shapes)."""

from extractor.layout import Glyph
from extractor.shapes import MIN_SHAPES, filled_boxes, shape_regions


def _table(top: float, rows: int = 10, cols: int = 7) -> list[tuple]:
    """Glyph-sized boxes (8 x 10 pt) in a grid of cells starting at ``top``."""
    return [(100 + 50 * c, top + 20 * r, 108 + 50 * c, top + 20 * r + 10) for r in range(rows) for c in range(cols)]


def _text(y: float, x0: float = 100, n: int = 20) -> list[Glyph]:
    return [Glyph(x0 + 10 * k, y, x0 + 10 * k + 9, y + 10, "字", 0, 10.0, True) for k in range(n)]


def test_a_crowd_of_glyph_sized_shapes_is_a_region():
    shapes = _table(300)
    assert shape_regions(shapes, _text(100)) == [(100, 300, 408, 490)]


def test_rules_shading_and_a_seal_are_not_text():
    rules = [(100, 300 + 20 * r, 450, 300.5 + 20 * r) for r in range(11)]  # thin
    shading = [(100, 300, 450, 320), (100, 340, 450, 380)]  # large
    seal = _table(600, rows=3, cols=5)  # a few glyphs
    assert len(seal) < MIN_SHAPES
    assert shape_regions(rules + shading + seal, []) == []


def test_shapes_under_text_are_the_texts_own():
    shapes = _table(100, rows=2, cols=25)  # a highlight under every character of two lines
    glyphs = [Glyph(b[0] - 1, b[1] - 1, b[2] + 1, b[3] + 1, "字", 0, 10.0, True) for b in shapes]
    assert len(shapes) >= MIN_SHAPES
    assert shape_regions(shapes, glyphs) == []


def test_a_region_holding_text_of_its_own_is_left_alone():
    shapes = _table(300)
    glyphs = _text(311, x0=110, n=30)  # a line of text inside the region, between two rows of shapes
    assert shape_regions(shapes, glyphs) == []


def test_tables_apart_down_the_page_are_read_apart():
    regions = shape_regions(_table(100) + _table(500), _text(400))
    assert [r[1] for r in regions] == [100, 500]


def test_filled_boxes_from_the_text_page_or_from_the_drawings():
    vectors = [{"bbox": (1, 2, 3, 4), "stroked": False}, {"bbox": (5, 6, 7, 8), "stroked": True}]
    drawings = [{"rect": (1, 2, 3, 4), "type": "f"}, {"rect": (5, 6, 7, 8), "type": "s"},
                {"rect": (9, 9, 10, 10), "type": "fs"}]
    assert filled_boxes(vectors) == [(1, 2, 3, 4)]
    assert filled_boxes(None, drawings) == [(1, 2, 3, 4), (9, 9, 10, 10)]
