"""Columns by position: a stray empty cell inside a PDF row, or a wider label cell in a web
page's row, must not shift its values."""

from __future__ import annotations

import json

import pytest

from extractor.evaluate import score_document
from extractor.pipeline import extract
from training.generate import generate, generate_one


def test_shaded_rows_with_trailing_blanks_keep_their_columns(tmp_path):
    """The shaded layout draws an empty cell between two columns. A row whose last cells
    are blank then has a run of consecutive cells that keeps the rules while shifting its
    values a column; the cells' positions must decide instead."""
    paths = generate(tmp_path, 8, seed=5, families=["shaded"])
    wrong_ok = []
    for path in paths:
        truth = json.loads((tmp_path / "truth" / f"{path.stem}.json").read_text(encoding="utf-8"))
        score = score_document(extract(str(path)), truth)
        wrong_ok += [(path.name, f.id) for f in score.fields if f.silent]
    assert wrong_ok == []



def extract_generated(tmp_path, index: int, seed: int, family: str) -> tuple[dict, dict]:
    """(extracted fields, truth fields) of one generated document."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "truth").mkdir()
    doc = generate_one(tmp_path, index, seed, family)
    truth = json.loads((tmp_path / "truth" / (doc.stem + ".json")).read_text(encoding="utf-8"))
    return extract(doc)["fields"], truth["fields"]


def test_a_sparse_row_under_a_wider_label_is_read_by_grid_column(tmp_path):
    # g00036 of seed 7: 二、上年结转 spans three label cells, the rows below two; its blank
    # cells are printed empty. Positions come from the grid, not from counting cells.
    fields, truth = extract_generated(tmp_path, 36, 7, "html_word")
    rows = [f for f in truth if f.startswith(("requests.carried_over.", "requests.carried_forward."))]
    assert len(rows) == 14 and any(truth[f] is None for f in rows)
    for f in rows:
        assert fields[f]["value"] == truth[f] and fields[f]["status"] != "review", f


def test_web_page_columns_no_row_fills_are_placed_by_the_grid(tmp_path):
    # g00094 of seed 11: no row of table 三 prints every column (社会公益组织 and 法律服务机构
    # are blank throughout), but values stand in its first and last columns; the total row,
    # which breaks a rule (planted), is still read in its columns, its blanks kept blank
    fields, truth = extract_generated(tmp_path, 94, 11, "html_word")
    assert truth["requests.total.social_org"] is None
    for f in (f for f in truth if f.startswith("requests.total.")):
        assert fields[f]["value"] == truth[f] and fields[f]["status"] != "inferred", f


def _grid_rows(x0: float, pitch: float, rows: list[list[str]], first_line: int, spans: tuple[int, ...] = ()):
    """Lines of a ruled requests grid (a label cell, the blank cells of its span, seven
    value cells) and their RowReads, read from the cells as the pipeline reads them.
    ``spans``: blank cells after each row's label (default three: a label over four
    grid columns)."""
    from extractor.columns import assign
    from extractor.model import Cell, Line, Token
    from extractor.tables import RowRead, row_validator
    from extractor.template import load_templates
    table = load_templates()["2019"].table("requests")
    lines, reads = [], []
    for k, values in enumerate(rows):
        n = first_line + k
        span = spans[k] if spans else 3
        texts = [""] * span + values
        left = x0 + (7 - len(texts)) * pitch + 4 * pitch
        cells = [Cell("label", bbox=(x0, 0, left, 10))]
        cells += [Cell(v, bbox=(left + j * pitch, 0, left + (j + 1) * pitch, 10)) for j, v in enumerate(texts)]
        lines.append(Line(tuple(cells), bbox=(x0, 0, x0 + 11 * pitch, 10)))
        toks = [Token("num", v, n, j + 1, value=float(v)) if v else Token("blank", "", n, j + 1)
                for j, v in enumerate(texts)]
        reads.append(RowRead("requests", table.rows[k].id, assign(toks, 7, row_validator(table)), 1.0, 1.0,
                             cells=tuple(toks)))
    return lines, reads


def test_a_table_continued_at_another_scale_keeps_its_columns():
    """One long picture of two pages: the table goes on at another scale, so its columns
    stand elsewhere; each run of rows of one width is placed by its own columns."""
    from extractor.model import Document
    from extractor.positions import settle_by_position
    top = [["0", "0", "0", "0", "0", "0", "0"], ["0", "", "", "", "", "0", ""]]
    bottom = [["1", "0", "0", "0", "0", "0", "1"], ["", "0", "", "0", "", "", ""]]
    l1, r1 = _grid_rows(100.0, 40.0, top, 0)
    l2, r2 = _grid_rows(130.0, 55.0, bottom, 2)
    rows = r1 + r2
    assert rows[1].assignment.how != "aligned"  # by the count of cells alone: open
    settle_by_position(Document(path="x.png", kind="image", lines=l1 + l2), rows)
    got = [[s.value if s.kind == "num" else None for s in r.reading] for r in rows]
    assert got[1] == [0, None, None, None, None, 0, None]
    assert got[3] == [None, 0, None, 0, None, None, None]


def test_columns_printed_blank_throughout_take_their_place_from_the_cells():
    """Columns no row prints a value in (their dashes unread) still have their cells: the
    rows whose every column has a cell give the columns' places."""
    from extractor.model import Document
    from extractor.positions import settle_by_position
    values = [["5", "0", "", "", "1", "0", "6"], ["0", "0", "", "", "0", "0", ""]]
    lines, rows = _grid_rows(100.0, 40.0, values, 0, spans=(0, 3))
    assert rows[0].assignment.how == "positions" and not rows[1].assignment.settled
    settle_by_position(Document(path="x.png", kind="image", lines=lines), rows)
    got = [s.value if s.kind == "num" else None for s in rows[1].reading]
    assert got == [0, 0, None, None, 0, 0, None]


def test_a_column_left_blank_keeps_its_empty_cell():
    """A blank placed by position is the empty cell of its column where the grid has one (its
    box is the field's source, and OCR's row is no longer taken to have missed it); the
    empty cells of the label's span stand in no column."""
    from extractor.model import Document
    from extractor.positions import settle_by_position
    values = [["0"] * 7, ["0", "", "", "", "", "0", ""]]
    lines, rows = _grid_rows(100.0, 40.0, values, 0)
    settle_by_position(Document(path="x.png", kind="image", lines=lines), rows)
    r = rows[1]
    assert r.assignment.how == "aligned"
    blanks = [(k, s.token.cell) for k, s in enumerate(r.reading) if s.kind == "blank"]
    assert blanks == [(k, 4 + k) for k in (1, 2, 3, 4, 6)]  # value k stands in cell 4 + k


def _turned(lines, turn):
    """The lines with their boxes in the space of a page turned a quarter: reading left to
    right runs up the page (``turn`` 1) or down it (3)."""
    from dataclasses import replace

    def box(b):
        x0, y0, x1, y1 = b
        return (y0, -x1, y1, -x0) if turn == 1 else (-y1, x0, -y0, x1)
    return [replace(ln, bbox=box(ln.bbox), cells=tuple(replace(c, bbox=box(c.bbox)) for c in ln.cells))
            for ln in lines]


@pytest.mark.parametrize("turn", [1, 3])
def test_a_turned_page_places_columns_along_its_reading_direction(turn):
    """A turned page (or a scan OCR read turned) keeps its boxes in the page's own space:
    the columns stand along the way its lines read, not along the page's x."""
    from extractor.model import Document
    from extractor.positions import settle_by_position
    values = [["5", "0", "", "", "1", "0", "6"], ["0", "0", "", "", "0", "0", ""]]
    lines, rows = _grid_rows(100.0, 40.0, values, 0, spans=(0, 3))
    doc = Document(path="x.png", kind="image", lines=_turned(lines, turn))
    assert doc.reading_axes == {1: turn}
    settle_by_position(doc, rows)
    got = [s.value if s.kind == "num" else None for s in rows[1].reading]
    assert got == [0, 0, None, None, 0, 0, None]


@pytest.mark.parametrize("index,family", [(6, "tabs"), (317, "crawler")])
def test_a_planted_rule_break_is_kept_and_reported(tmp_path, index, family):
    # seed 777: carried_forward.total is printed 1 where the rules force 0. Tab text keeps
    # the printed 1 in its cell (nine cells after the label, one run of seven holds it);
    # crawler text runs the digits together ("0000001", one split). The value must be the
    # printed one, in review, with the failing rule named, never a 0 put in its place.
    (tmp_path / "docs").mkdir()
    (tmp_path / "truth").mkdir()
    doc = generate_one(tmp_path, index, 777, family)
    truth = json.loads((tmp_path / "truth" / (doc.stem + ".json")).read_text(encoding="utf-8"))
    assert "Planted rule break: requests.carried_forward.total" in truth["notes"]
    result = extract(doc)
    field = result["fields"]["requests.carried_forward.total"]
    assert field["value"] == truth["fields"]["requests.carried_forward.total"] == 1
    assert field["status"] == "review"
    assert any(not c["ok"] and "requests.carried_forward.total" in c["fields"] for c in result["checks"])


def test_appeals_values_under_a_space_aligned_header_are_placed_by_it(tmp_path):
    # g00123 of seed 777 (pdftotext -layout text): the appeals row prints 10 values for 15
    # columns, 行政复议's five cells blank, printed as nothing. The header names each column
    # once per group, left to right, and each value stands under one of them.
    fields, truth = extract_generated(tmp_path, 123, 777, "layout")
    appeals = [f for f in truth if f.startswith("appeals.")]
    assert len(appeals) == 15 and sum(truth[f] is None for f in appeals) == 5
    for f in appeals:
        assert fields[f]["value"] == truth[f] and fields[f]["status"] in ("ok", "blank"), f


def test_appeals_printed_one_cell_a_line_keep_their_empty_cells(tmp_path):
    # g00146 of seed 777 (one cell per line, an empty cell an empty line): seven numbers in
    # the 15 cells after the header's last label. Too few numbers to find the row by them;
    # the empty lines keep each value's column.
    fields, truth = extract_generated(tmp_path, 146, 777, "cells")
    appeals = [f for f in truth if f.startswith("appeals.")]
    assert len(appeals) == 15 and sum(truth[f] is not None for f in appeals) < 10
    for f in appeals:
        assert fields[f]["value"] == truth[f] and fields[f]["status"] in ("ok", "blank"), f


def test_columns_blank_on_every_row_are_placed_by_the_header_names(tmp_path):
    # g00073 of seed 20240503 (pdftotext -layout text): table 三 prints numbers only under
    # 自然人 and 总计, so its values show two columns of seven; the header names all seven,
    # left to right, and each value stands under one of them.
    fields, truth = extract_generated(tmp_path, 73, 20240503, "layout")
    rows = [f for f in truth if f.startswith("requests.")]
    assert all(truth[f] is None for f in rows if f.endswith((".commercial", ".research", ".other_org")))
    for f in rows:
        assert fields[f]["value"] == truth[f] and fields[f]["status"] != "review", f
    assert sum(fields[f]["status"] == "ok" for f in rows) >= 20


def test_some_header_names_place_values_that_show_too_few_columns_and_blank_rows_stay_blank(tmp_path):
    # g00463 of seed 99 (a PDF without rules): table 三 prints numbers only under 自然人 and
    # 总计, and its header runs most names together ("法人或其他组织科研机构…", "其他总计");
    # 自然人 and 商业企业 stand alone. A first value left of 商业企业 is 自然人's; the rules
    # put the second under 总计.
    # Rows printed blank, their label alone on its line (1、属于国家秘密), are blank: in a
    # table without rules a blank cell prints as nothing, as in text.
    fields, truth = extract_generated(tmp_path, 463, 99, "borderless")
    printed = [f for f, v in truth.items() if f.startswith("requests.") and v is not None]
    assert len(printed) >= 20 and {f.rsplit(".", 1)[1] for f in printed} == {"natural_person", "total"}
    for f in printed:
        assert fields[f]["value"] == truth[f] and fields[f]["status"] == "ok", f
    secret = [f for f in truth if f.startswith("requests.denied.state_secret.")]
    assert len(secret) == 7 and all(truth[f] is None for f in secret)
    for f in secret:
        assert fields[f]["status"] == "blank" and fields[f]["value"] is None, f
        assert fields[f]["source"]["page"] and len(fields[f]["source"]["bbox"]) == 4


def test_values_sharing_a_cell_do_not_move_a_columns_place():
    """Two values set too tight to part ("2 120") share one cell, whose centre lies between
    their columns: they give no column its place, or the column's place shifts and a row
    whose values stand in that column is read one column over."""
    from extractor.columns import assign
    from extractor.model import Cell, Document, Line, Token
    from extractor.positions import settle_by_position
    from extractor.tables import RowRead, row_validator
    from extractor.template import load_templates
    table = load_templates()["2021"].table("requests")
    xs = [0.0, 40.0, 80.0, 120.0, 160.0, 200.0, 235.0]  # left edges of the value columns
    printed = [  # (column, text): a cell each; (5, "0 120") holds the last two values
        [(0, "1"), (1, "0"), (2, "0"), (3, "0"), (4, "0"), (5, "0"), (6, "1")],
        [(0, "120"), (1, "0"), (2, "0"), (3, "0"), (4, "0"), (5, "0 120")],
        [(0, "210"), (1, "0"), (2, "0"), (3, "0"), (4, "0"), (5, "0 210")],
        [(0, "300"), (1, "0"), (2, "0"), (3, "0"), (4, "0"), (5, "0 300")],
        [(3, "0"), (4, "0"), (5, "0")],  # the short row: social_org, legal_service, other_org
    ]
    lines, reads = [], []
    for n, row in enumerate(printed):
        cells = [Cell("label", bbox=(-100.0, 0, -60.0, 10))]
        toks = []
        for col, text in row:
            cells.append(Cell(text, bbox=(xs[col], 0, xs[col] + 6 * len(text), 10)))
            toks += [Token("num", v, n, len(cells) - 1, value=float(v)) for v in text.split()]
        lines.append(Line(tuple(cells), bbox=(-100.0, 0, 250.0, 10)))
        reads.append(RowRead("requests", table.rows[n].id, assign(toks, 7, row_validator(table)), 1.0, 1.0,
                             cells=tuple(toks)))
    settle_by_position(Document(path="x.pdf", kind="pdf", lines=lines), reads)
    short = [s.value if s.kind == "num" else None for s in reads[4].reading]
    assert reads[4].assignment.how == "aligned"
    assert short == [None, None, None, 0, 0, 0, None]


def test_a_row_printed_blank_in_a_table_without_rules_is_blank(tmp_path):
    """A table without rules lays a blank row out with empty cells on its label's line; the
    row prints no value, so its fields are blank (printed empty), not numbers the form's
    rules force."""
    fields, truth = extract_generated(tmp_path, 463, 99, "borderless")
    row = [f for f in truth if f.startswith("requests.unable.unclear.")]
    assert row and all(truth[f] is None for f in row)
    assert [(fields[f]["value"], fields[f]["status"]) for f in row] == [(None, "blank")] * len(row)


def test_a_sparse_table_with_item_numbers_in_a_column_of_their_own(tmp_path):
    """g00131 of seed 18103 (label_right, no rules): most rows print nothing, the sub-items'
    numbers stand in a column of their own left of their labels, and no row prints every
    column. The numbers are no values (a row printing nothing beside them is blank), and the
    sub-items' values take their places from the whole table's cells, their own rows showing
    too few columns."""
    fields, truth = extract_generated(tmp_path, 131, 18103, "label_right")
    rows = [f for f in truth if f.startswith("requests.denied.")]
    blank = [f for f in rows if f.startswith("requests.denied.prohibited_by_law.")]
    assert blank and all(truth[f] is None for f in blank)
    assert [(fields[f]["value"], fields[f]["status"]) for f in blank] == [(None, "blank")] * len(blank)
    printed = [f for f in rows if truth[f] is not None]
    assert len(printed) >= 4
    assert all(fields[f]["value"] == truth[f] and fields[f]["status"] == "ok" for f in printed)
    assert all(fields[f]["value"] is None for f in rows if truth[f] is None)


def test_appeals_values_within_their_names_are_placed_under_them(tmp_path):
    # g00423 of seed 13131 (pdftotext -layout text): 行政复议's five names stand on the line
    # above the other groups' ten, and each value stands at the right end of its name, past
    # the reach of the name's centre (总计 is short, so columns stand close). A value within
    # one name's printed extent is that column's; before, no placement was found and the
    # readings that were found all put a 6 in 行政复议's 总计.
    fields, truth = extract_generated(tmp_path, 423, 13131, "layout")
    appeals = [f for f in truth if f.startswith("appeals.")]
    assert sum(truth[f] is None for f in appeals) == 8
    for f in appeals:
        assert fields[f]["value"] == truth[f] and fields[f]["status"] in ("ok", "blank"), f


def test_cells_split_on_tabs_have_no_text_column(tmp_path):
    # g00028 of seed 13131 (tab text): "(六) 其他处理" spans two label cells, so its row has
    # an empty cell more than the others; its one value could stand in two columns. The
    # characters before a tab-split cell say nothing of where it stands, so its place must
    # not settle the row: before, 其他处理's 0 went to 科研机构 with status ok.
    fields, truth = extract_generated(tmp_path, 28, 13131, "tabs")
    assert truth["requests.other.research"] is None and truth["requests.other.commercial"] == 0
    assert fields["requests.other.research"]["status"] != "ok"


def test_an_item_number_is_a_small_whole_number_just_before_a_label_on_its_line():
    from extractor.model import Token
    from extractor.tables import item_number
    tokens = [Token("num", "2", 4, 0, value=2.0), Token("label", "其他法律行政法规禁止公开", 4, 1),
              Token("num", "2", 4, 2, value=2.0), Token("num", "3", 5, 0, value=3.0),
              Token("label", "危及“三安全一稳定”", 6, 0), Token("num", "120", 6, 1, value=120.0),
              Token("label", "其他", 6, 2), Token("num", "1.5", 7, 0, value=1.5), Token("label", "x", 7, 1)]
    assert [item_number(tokens, i) for i in range(len(tokens))] == [
        True, False, False,  # a value after the label is no item number
        False,  # the label it stands before is on another line
        False, False,  # 120 is too large for an item's number
        False, False, False]  # nor is 1.5 whole
