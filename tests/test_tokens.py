"""Cells → tokens."""

from extractor.normalize import normalize_cell
from extractor.tokens import cell_tokens, mark_width, parse_number


def kinds(text):
    return [(t.kind, t.text if t.kind == "label" else t.value) for t in cell_tokens(normalize_cell(text), 0, 0)]


def test_whole_numbers_with_units_and_separators():
    assert parse_number("1,234") == (1234.0, None)
    assert parse_number("542280 元") == (542280.0, "元")
    assert parse_number("9777.6472万元") == (9777.6472, "万元")
    assert parse_number("-3") == (-3.0, None)
    assert parse_number(normalize_cell("１２")) == (12.0, None)


def test_blank_marks_and_empty_cells():
    assert kinds("") == [("blank", None)]
    for mark in ("—", "-", "/", "无", "——"):
        assert kinds(mark)[0][0] == "mark"


def test_reading_order_row_splits_label_and_numbers():
    assert kinds("规章 0 12 3") == [("label", "规章"), ("num", 0), ("num", 12), ("num", 3)]


def test_blank_marks_among_running_values_keep_their_places():
    # pdftotext -raw prints a row's cells on one line; a printed "—" is a blank cell
    assert kinds("一.本年新收政府信 10 0 — - 1 11") == [
        ("label", "一.本年新收政府信"), ("num", 10), ("num", 0), ("mark", None), ("mark", None),
        ("num", 1), ("num", 11)]
    assert kinds("- 0 / 2") == [("mark", None), ("num", 0), ("mark", None), ("num", 2)]
    assert kinds("-- --") == [("mark", None), ("mark", None)]  # two cells a borderless grid merged
    assert kinds("/ 0") == [("num", 0)]  # one cell of a ruled grid: a speck beside its value
    # a printed blank of two strokes is no speck: two cells a borderless grid merged
    assert kinds("—— 1") == [("mark", None), ("num", 1)]
    assert kinds("-- 0") == [("mark", None), ("num", 0)]
    # a dash inside a label, or before more label text, is not a cell
    assert kinds("第一项-第二项 5") == [("label", "第一项-第二项"), ("num", 5)]
    assert kinds("甲 - 乙 5") == [("label", "甲 - 乙"), ("num", 5)]


def test_blank_marks_glued_to_digits_are_cells():
    # web-crawler text: "21 0 0 — 1 0 22" printed with no separators
    toks = cell_tokens("申请数量2100-1022二、上年结转", 0, 0)
    assert [t.kind for t in toks] == ["label", "num", "mark", "num", "label"]
    assert toks[2].minus  # between digits: in a 本年增/减 column it may be a minus sign
    assert [t.kind for t in cell_tokens("属于国家秘密--000/0", 0, 0)] == ["label", "mark", "mark", "num", "mark", "num"]
    # a minus sign standing apart stays a sign
    assert kinds("本年增/减 5 -3") == [("label", "本年增/减"), ("num", 5), ("num", -3)]


def test_a_document_printing_blanks_as_double_dashes_reads_each_pair_as_one_cell():
    assert mark_width(["秘密----000--0", "数量89--000089", "0--1"]) == {"-": 2}
    assert mark_width(["秘密--000-0", "数量89-000089"]) == {"-": 1}
    assert [t.kind for t in cell_tokens("秘密----000--0", 0, 0, {"-": 2})] == ["label", "mark", "mark", "num", "mark", "num"]
    # the hyphen of a telephone number or a date in the report's opening is no blank mark
    opening = "如对本报告有疑问,请与办公室联系(电话:0562-29825965),截至2021-12-31。"
    assert mark_width([opening, "规章00--行政规范性文件----98"]) == {"-": 2}


def test_one_dash_over_double_dash_blanks_may_be_a_sign():
    # "行政强制——-10" (blank, -1, 0) normalised: the dash left over may be a minus sign
    toks = cell_tokens("行政强制---10", 0, 0, {"-": 2})
    assert [(t.kind, t.minus) for t in toks] == [("label", False), ("mark", False), ("mark", True), ("num", False)]
    # a whole number of double-dash blanks holds no sign
    toks = cell_tokens("行政强制----10", 0, 0, {"-": 2})
    assert [(t.kind, t.minus) for t in toks] == [("label", False), ("mark", False), ("mark", False), ("num", False)]


def test_numbering_stays_in_the_label():
    assert kinds("1. 属于国家秘密") == [("label", "1. 属于国家秘密")]
    assert kinds("第二十条第（一）项") == [("label", "第二十条第(一)项")]
    assert kinds("2020年") == [("label", "2020年")]


def test_numbering_whose_dot_ocr_dropped_stays_in_the_label():
    """OCR drops the small dot of "2." and reads "2 其他法律…": the digit opens the cell and a
    label follows, so it numbers the row; it is no value of it. The label's key is the row's."""
    from extractor.template import label_key
    assert kinds("2 其他法律行政法规禁止公开") == [("label", "2 其他法律行政法规禁止公开")]
    assert kinds("2 其他法律行政法规禁止公开 0 0")[1:] == [("num", 0.0), ("num", 0.0)]
    assert label_key("2 其他法律行政法规禁止公开") == label_key("2.其他法律行政法规禁止公开")
    # OCR may box the number apart and space its dot: "6 . 属于…" is numbering too
    assert kinds("6 . 属于四类过程性信息") == [("label", "6 . 属于四类过程性信息")]
    assert kinds("5 .属于三类内部事务信息 0 0")[1:] == [("num", 0.0), ("num", 0.0)]
    # a value after a label, and a number with its unit, stay values
    assert kinds("行政许可 2 行政处罚")[1] == ("num", 2.0)
    assert kinds("12 其他") == [("num", 12.0), ("label", "其他")]


def test_crawler_digits_glued_to_labels_are_runs():
    toks = cell_tokens("属于国家秘密00000002.其他法律行政法规禁止公开0000000", 0, 0)
    assert [t.kind for t in toks] == ["label", "num", "label", "num"]
    assert toks[1].text == "0000000" and toks[1].run
    assert toks[2].text.startswith("2.")


def test_a_lone_number_cell_is_not_a_run():
    assert not cell_tokens("733641", 0, 0)[0].run


def test_a_row_of_numbers_alone_on_its_line():
    assert kinds("447 7 0 0 0 0 454") == [("num", 447), ("num", 7), ("num", 0), ("num", 0), ("num", 0),
                                          ("num", 0), ("num", 454)]


def test_ocr_letters_in_a_number_cell_are_repaired_and_marked():
    t = cell_tokens("1s", 0, 0)[0]
    assert (t.kind, t.value, t.repaired) == ("num", 15.0, "1s")
    assert cell_tokens("O", 0, 0)[0].value == 0.0
    assert cell_tokens("〇", 0, 0)[0].value == 0.0
    assert cell_tokens("so", 0, 0)[0].kind == "label"  # letters only: not a number
    assert cell_tokens("规章", 0, 0)[0].kind == "label"


def test_a_number_with_a_leading_zero_is_marked_as_doubtful():
    """No number of the form is printed "08": OCR dropped a decimal point ("0.8") or read
    two cells as one. It is read without the zeros and marked, so it goes to review unless
    a rule confirms it; "00" and decimals are left as they are."""
    t = cell_tokens("08", 0, 0)[0]
    assert (t.kind, t.text, t.value, t.repaired) == ("num", "8", 8.0, "08")
    assert cell_tokens("-03", 0, 0)[0].repaired == "-03"
    for text in ("0.8", "00", "0", "10"):
        assert cell_tokens(text, 0, 0)[0].repaired is None, text


def test_two_numbered_rows_read_as_one_line_are_two_labels():
    # OCR joined two table rows: their values may belong to either, so each label stands alone
    assert kinds("（2）没有现成信息需要另行制作（3）补正后申请内容仍不明确 0 0") == [
        ("label", "(2)没有现成信息需要另行制作"), ("label", "(3)补正后申请内容仍不明确"), ("num", 0), ("num", 0)]
    assert kinds("(3)补正后申请内容仍不明确") == [("label", "(3)补正后申请内容仍不明确")]


def test_ocr_reads_a_printed_dash_as_the_character_yi(tmp_path):
    """Text pasted out of OCR: "—" comes out as 一. Between values it is a blank cell; in a
    label (一、本年新收…) it stays text."""
    from extractor.readers.text import read_text
    from extractor.tokens import document_tokens
    p = tmp_path / "ocr.txt"
    p.write_text("1.属于国家秘密\t0\t一\t2\n2.其他法律行政法规禁止公开 0 一 0 0\n一、本年新收政府信息公开申请数量\t5\n",
                 encoding="utf-8")
    toks = document_tokens(read_text(p))
    by_line = {}
    for t in toks:
        by_line.setdefault(t.line, []).append(t.kind)
    assert list(by_line.values()) == [["label", "num", "mark", "num"], ["label", "num", "mark", "num", "num"],
                                      ["label", "num"]]


def test_a_row_printed_all_blank_between_two_labels_is_a_run_of_marks():
    # web-crawler text: "部分公开(…)" then its seven "/" cells, then the next label
    toks = cell_tokens("部分公开(区分处理的)///////(三)不予公开", 0, 0)
    assert [t.kind for t in toks] == ["label"] + ["mark"] * 7 + ["label"]
    assert [t.kind for t in cell_tokens("结转下年度继续办理//////", 0, 0)] == ["label"] + ["mark"] * 6
    # a slash inside a label, or in an address, is not a cell
    assert kinds("本年增/减") == [("label", "本年增/减")]
    assert kinds("http://www.example.gov.cn") == [("label", "http://www.example.gov.cn")]
    assert kinds("危及三安全--稳定") == [("label", "危及三安全--稳定")]  # 一 as OCR may read it


def test_token_at_copies_every_field():
    from dataclasses import fields
    from extractor.model import Token
    t = Token("num", "12-", 0, 0, value=12.0, unit="件", run=True, repaired="1z", minus=True)
    moved = t.at(5, 3)
    assert moved == Token("num", "12-", 5, 3, value=12.0, unit="件", run=True, repaired="1z", minus=True)
    assert [f.name for f in fields(Token)] == list(moved.__dict__)
    assert (t.line, t.cell) == (0, 0)  # the original is untouched
    assert Token("label", "x", 1, 2).at(3, 4).minus is False


def test_document_tokens_cache_keys_on_mark_width(tmp_path):
    """The same cell text tokenises differently under another document's mark width."""
    from extractor.readers.text import read_text
    from extractor.tokens import document_tokens
    even = tmp_path / "even.txt"
    even.write_text("秘密----000--0\n数量89--000089\n", encoding="utf-8")
    odd = tmp_path / "odd.txt"
    odd.write_text("秘密----000--0\n数量89-000089\n", encoding="utf-8")
    assert [t.kind for t in document_tokens(read_text(even)) if t.line == 0] == \
        ["label", "mark", "mark", "num", "mark", "num"]
    assert [t.kind for t in document_tokens(read_text(odd)) if t.line == 0] == \
        ["label", "mark", "mark", "mark", "mark", "num", "mark", "mark", "num"]


def test_digits_with_a_dot_in_a_value_cell_after_the_label_are_a_doubtful_number(tmp_path):
    """A scan's speck after a value ("1."): a number, marked repaired, when it stands after
    the row's label and no label follows it; numbering in a column of its own stays a label."""
    from extractor.readers.text import read_text
    from extractor.tokens import document_tokens
    p = tmp_path / "cells.txt"
    p.write_text("规章\t\t1.\t1\t1\n1.\t属于国家秘密\t0\t0\n", encoding="utf-8")
    toks = document_tokens(read_text(p))
    first = [(t.kind, t.value, t.repaired) for t in toks if t.line == 0 and t.kind != "blank"]
    assert first == [("label", None, None), ("num", 1.0, "1."), ("num", 1.0, None), ("num", 1.0, None)]
    assert [t.kind for t in toks if t.line == 1] == ["label", "label", "num", "num"]


def test_a_dash_read_for_the_one_of_inner_numbering_still_starts_a_label():
    """Two rows' labels OCR read as one line, the 一 of "(一)" read as a dash: two labels,
    so the values after them go to the second row, not the first."""
    assert kinds("上年结转政府信息公开申请数量(-)予以公开 23") == [
        ("label", "上年结转政府信息公开申请数量"), ("label", "(-)予以公开"), ("num", 23.0)]


def test_two_bars_in_a_value_cell_are_a_blank_mark_but_not_before_the_label():
    """OCR reads a printed "-" with a speck by it as 二: in a row's value cells (after
    its label, before no other) that is a blank mark keeping its cell; before the label (a
    group label's character) it stays text."""
    from extractor.readers.text import read_text_bytes
    from extractor.tokens import document_tokens
    doc = read_text_bytes("1、本机关不掌握相关政府信息\t2\t二\t-\t0\t0\t0\t2\n二\t2、重复申请\t0\t二\t0\n".encode())
    first, second = [[(t.kind, t.text) for t in document_tokens(doc) if t.line == i] for i in (0, 1)]
    assert [k for k, _ in first] == ["label", "num", "mark", "mark", "num", "num", "num", "num"]
    assert second[0] == ("label", "二") and second[3] == ("mark", "-")


def test_a_lone_letter_beside_a_number_in_a_value_cell_is_a_doubtful_digit():
    """OCR reads a printed digit standing alone as a letter (1 as l, I or |; 8 as B): in a
    row's value cells beside a number it is that digit, marked repaired (a rule must
    confirm it); the same letter before the row's label, or with no number beside it,
    stays text."""
    from extractor.readers.text import read_text_bytes
    from extractor.tokens import document_tokens
    doc = read_text_bytes("(七)总计\t33\tl\t0\t0\tI\t34\nI\t其他\t\t\tl\t\t\n".encode())
    first, second = [[(t.kind, t.value, t.repaired) for t in document_tokens(doc) if t.line == i
                      and t.kind != "blank"] for i in (0, 1)]
    assert first == [("label", None, None), ("num", 33.0, None), ("num", 1.0, "l"), ("num", 0.0, None),
                     ("num", 0.0, None), ("num", 1.0, "I"), ("num", 34.0, None)]
    assert [k for k, _, _ in second] == ["label", "label", "label"]
    other = read_text_bytes("(一)予以公开\t8\t0\tB\n".encode())
    assert [(t.kind, t.value, t.repaired) for t in document_tokens(other)][-1] == ("num", 8.0, "B")


def test_a_letter_in_a_value_cell_is_unread_ink_and_the_row_reads_on(tmp_path):
    """OCR's "x" (or "%", "a.") in one of a row's value cells: no label starting another
    row, so the values after it stay the row's; its own field is neither a number nor
    printed empty: unknown to the rules (no check fails for it), which may force it
    (inferred, its cell shown)."""
    from extractor.pipeline import extract
    from extractor.readers.text import read_text_bytes
    from extractor.tokens import document_tokens
    from tests.conftest import DATA
    doc = read_text_bytes("(七)总计\t33\tx\t0\t0\t0\t0\t34\n".encode())
    assert [(t.kind, t.text) for t in document_tokens(doc)][:4] == [
        ("label", "(七)总计"), ("num", "33"), ("blank", "x"), ("num", "0")]
    seed = DATA / "seeds" / "001_29ee529a4ac3a460.txt"
    text = seed.read_text(encoding="utf-8").replace("| (七) 总计 | 90 | 0 | 0 |", "| (七) 总计 | 90 | x | 0 |")
    assert "| x |" in text
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    got = extract(path)["fields"]
    unread = got["requests.total.commercial"]
    assert (unread["value"], unread["status"], unread["source"]["text"]) == (0, "inferred", "x")
    assert all(c["ok"] for c in extract(path)["checks"]), "no rule fails for what could not be read"
    for printed, moved in [("| (七) 总计 | 90 | x |", "| (七) 总计 | 89 | x |"),  # x is forced to 1
                           ("| 86 | 0 | 0 | 0 | 0 | 0 | 86 |", "| 85 | 1 | 0 | 0 | 0 | 0 | 86 |"),
                           ("| (一) 予以公开 | 31 | 0 |", "| (一) 予以公开 | 30 | 1 |")]:
        assert printed in text
        text = text.replace(printed, moved)
    path.write_text(text, encoding="utf-8")
    forced = extract(path)["fields"]["requests.total.commercial"]
    assert (forced["value"], forced["status"], forced["source"]["text"]) == (1, "inferred", "x")
    assert "forced by" in forced["source"]["derivation"]
    assert [got[f"requests.total.{c}"]["value"] for c in ("natural_person", "research", "total")] == [90, 0, 90]


def test_a_character_glued_to_a_value_amid_the_values_is_a_speck_not_a_label():
    """OCR's "中 0" for a 0 with a speck by it, in a row whose values have begun: the 0,
    marked repaired, and the row reads on to its last value; the same cell before any
    value (a wrapped label's last character beside the first value) stays as it is."""
    from extractor.readers.text import read_text_bytes
    from extractor.tokens import document_tokens
    doc = read_text_bytes("行政强制\t137\t中 0\t2\n其他\t情 5\t1\t6\n".encode())
    first, second = [[(t.kind, t.text, t.repaired) for t in document_tokens(doc) if t.line == i] for i in (0, 1)]
    assert first == [("label", "行政强制", None), ("num", "137", None), ("num", "0", "中 0"), ("num", "2", None)]
    assert [k for k, _, _ in second] == ["label", "label", "num", "num", "num"]
