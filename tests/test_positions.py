"""Columns by position: a stray empty cell inside a PDF row, or a wider label cell in a web
page's row, must not shift its values."""

from __future__ import annotations

import json

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
