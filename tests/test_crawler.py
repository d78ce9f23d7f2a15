"""Web-crawler text: each table on one line, digits of adjacent cells run together.
Only the form's arithmetic can split them; an unsettled split goes to review, never ok."""

from __future__ import annotations

from pathlib import Path

from extractor.pipeline import extract

from .conftest import SEEDS, truth_for

VARIANT = Path(__file__).parent / "data" / "variants" / "001_crawler.txt"


def test_crawler_text_splits_by_the_rules_and_reviews_the_rest():
    truth = truth_for(SEEDS / "001_29ee529a4ac3a460.txt")["fields"]
    result = extract(VARIANT)
    fields = result["fields"]
    wrong = {f: (v, fields[f]["value"]) for f, v in truth.items() if fields[f]["value"] != v}
    assert not wrong
    # 行政规范性文件 "3511" has three readings (3 5 11, 3 51 1, 35 1 1): review, not ok
    for col in ("issued", "repealed", "in_force"):
        assert fields[f"art20_1.normative_documents.{col}"]["status"] == "review"
    # the requests rows are settled by the row rule and confirmed by the column rules
    assert fields["requests.granted.natural_person"]["status"] == "ok"
    assert "split from" in fields["requests.granted.natural_person"]["source"]["note"]
    assert fields["appeals.litigation_direct.total"]["value"] == 5


def _appeals_variant(tmp_path: Path, *swaps: tuple[str, str]) -> dict:
    """The crawler variant with its appeals digits made ambiguous: "000000030300000" is
    fifteen single digits, or "30" with a blank somewhere (0 0 30 _ 30 …) by the row rules."""
    text = VARIANT.read_text(encoding="utf-8")
    for old, new in (("审结总计300034001530014", "审结总计000000030300000"), *swaps):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "crawler.txt"
    path.write_text(text, encoding="utf-8")
    return extract(path)["fields"]


def test_a_report_printing_every_cell_reads_the_split_that_fills_every_column(tmp_path):
    fields = _appeals_variant(tmp_path)
    for col, want in (("upheld", 0), ("corrected", 0), ("other", 3), ("pending", 0), ("total", 3)):
        f = fields[f"appeals.litigation_direct.{col}"]
        assert (f["value"], f["status"]) == (want, "ok")
        assert "columns read by full" in f["source"]["note"]


def test_a_report_leaving_a_count_cell_blank_keeps_the_split_open(tmp_path):
    # 上年结转 printed as "55": natural persons 5, total 5, the other cells blank
    fields = _appeals_variant(tmp_path, ("上年结转政府信息公开申请数量5000005", "上年结转政府信息公开申请数量55"))
    assert fields["requests.carried_over.commercial"]["status"] == "blank"
    for col in ("other", "total"):
        f = fields[f"appeals.litigation_direct.{col}"]
        assert f["value"] == 3 and f["status"] == "review"


def test_a_blank_last_row_takes_no_values_from_the_appeals_table_after_it(tmp_path):
    """Table 三's last row printed blank, then the appeals table with its heading lost: the
    appeals header is no part of that row's label, and its values are not the row's."""
    text = VARIANT.read_text(encoding="utf-8")
    for old, new in (("结转下年度继续办理1000001", "结转下年度继续办理"), ("四、政府信息公开行政复议、行政诉讼情况\n", "")):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "crawler.txt"
    path.write_text(text, encoding="utf-8")
    fields = extract(path)["fields"]
    row = {k: f for k, f in fields.items() if k.startswith("requests.carried_forward.")}
    # nothing is read for it; the form's rules still force its values (and say so), and a
    # cell they force to 0 beside a label with nothing printed is a cell printed blank
    got = {k.rsplit(".", 1)[1]: (f["value"], f["status"]) for k, f in row.items()}
    assert got["natural_person"] == got["total"] == (1, "inferred"), got
    assert all(v == (None, "blank") for c, v in got.items() if c not in ("natural_person", "total")), got


def test_glued_digits_beside_the_one_other_row_of_their_table_stay_open(tmp_path):
    """行政规范性文件 printed "214": split to fill every column it reads 2 1 4, but it may be
    2, a blank, 14. Only its table's one other row (规章 "000") shows how the report prints
    art. 20 (一), and the one-column tables of its group cannot show a blank cell: review."""
    text = VARIANT.read_text(encoding="utf-8")
    assert "行政规范性文件3511" in text
    path = tmp_path / "crawler.txt"
    path.write_text(text.replace("行政规范性文件3511", "行政规范性文件214"), encoding="utf-8")
    fields = extract(path)["fields"]
    for col in ("issued", "repealed", "in_force"):
        assert fields[f"art20_1.normative_documents.{col}"]["status"] == "review"
    assert fields["art20_1.regulations.issued"]["value"] == 0
