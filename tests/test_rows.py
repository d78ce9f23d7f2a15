"""Ordered alignment of printed labels to template rows."""

import json

from extractor.pipeline import extract
from extractor.rows import align, similarity, template_items
from extractor.template import label_key, load_templates

T21 = load_templates()["2021"]
ITEMS = template_items(T21, ["requests"])


def matched(labels):
    pairs = align([label_key(x) for x in labels], ITEMS)
    return {labels[i]: ITEMS[j].row for i, j, _ in pairs if ITEMS[j].row}


def test_exact_labels_in_order():
    m = matched(["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "(一)予以公开"])
    assert m == {"一、本年新收政府信息公开申请数量": "new_received",
                 "二、上年结转政府信息公开申请数量": "carried_over", "(一)予以公开": "granted"}


def test_header_words_are_not_taken_for_rows():
    m = matched(["自然人", "其他", "总计", "一、本年新收政府信息公开申请数量", "(七)总计", "四、结转下年度继续办理"])
    assert m.get("总计") is None and m.get("其他") is None
    assert m["(七)总计"] == "total"


def test_garbled_and_unnumbered_labels_settled_by_order():
    m = matched(["本年新收政府信息公开中请数量", "上年结转政府信息公开申请数量", "予以公开", "部分公开(区分处理的",
                 "不予公开", "属于国家秘密", "其他法律行政法规禁止公开"])
    assert m["本年新收政府信息公开中请数量"] == "new_received"
    assert m["部分公开(区分处理的"] == "partially_granted"
    assert m["属于国家秘密"] == "denied.state_secret"
    assert "不予公开" not in m  # a parent label, not a row


def test_2021_other_subrows():
    m = matched(["(六)其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                 "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他", "(七)总计"])
    assert m["3.其他"] == "other.other"
    assert m["(七)总计"] == "total"


def test_similarity_is_exact_for_short_keys():
    assert similarity("总计", "总计") == 1.0
    assert similarity("合计", "总计") == 0.0
    assert similarity("属于国家秘密", "属于国家秘密") == 1.0
    assert 0.7 < similarity("属于国家秘蜜", "属于国家秘密") < 1.0


def test_a_blank_row_under_a_row_is_not_its_wrapped_label(tmp_path):
    """行政处罚 with values, then 行政强制 printed all blank: two rows, not one wrapped label."""
    from extractor.labels import joined_labels
    from extractor.readers.text import read_text
    from extractor.tokens import document_tokens
    p = tmp_path / "r.txt"
    p.write_text("信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n"
                 "行政许可\t3\t1\t2\n其他对外管理服务事项\t5\t0\t7\n"
                 "行政处罚\t69\t14\t\n行政强制\t\t\t\n", encoding="utf-8")
    doc = read_text(p)
    tokens = document_tokens(doc)
    labels = [i for i, t in enumerate(tokens) if t.kind == "label"]
    items = template_items(load_templates()["2019"], ["art20_5", "art20_6"])
    row_keys = {k: it.row for it in items if it.row for k in it.keys}
    keys, _ = joined_labels(doc, tokens, labels, row_keys)
    assert "行政处罚" in keys and "行政强制" in keys
    joined, _ = joined_labels(doc, tokens, labels)  # without the row labels: read as one label
    assert "行政处罚行政强制" in joined


def test_a_blank_row_with_a_misread_label_is_still_not_a_wrapped_label(tmp_path):
    """OCR misread both labels by one character (行政外罚, 行政强刺): still two rows."""
    from extractor.labels import joined_labels
    from extractor.readers.text import read_text
    from extractor.tokens import document_tokens
    p = tmp_path / "r.txt"
    p.write_text("信息内容\t处理决定数量\n行政外罚\t0\n行政强刺\t\n", encoding="utf-8")
    doc = read_text(p)
    tokens = document_tokens(doc)
    labels = [i for i, t in enumerate(tokens) if t.kind == "label"]
    items = template_items(load_templates()["2021"], ["art20_6"])
    row_keys = {k: it.row for it in items if it.row for k in it.keys}
    keys, _ = joined_labels(doc, tokens, labels, row_keys)
    assert "行政外罚" in keys and "行政强刺" in keys


def test_two_row_labels_merged_into_one_cell_are_doubted():
    """OCR merged two table rows into one line: the values after the two labels may
    belong to either row, so both go to review whatever the rules say."""
    from extractor.model import Token
    from extractor.rows import RowMatch, doubt_shared_cells
    toks = [Token("label", "1.申请人无正当理由逾期不补正", 4, 0), Token("label", "2.申请人逾期未按收费通知要求缴纳费用", 4, 0),
            Token("num", "0", 4, 1, value=0.0), Token("label", "3.其他", 5, 0), Token("num", "2", 5, 1, value=2.0)]
    ms = [RowMatch("requests", "other.overdue_correction", 0, 0.9),
          RowMatch("requests", "other.overdue_fee", 1, 0.9), RowMatch("requests", "other.other", 3, 1.0)]
    assert [m.shared for m in doubt_shared_cells(toks, ms)] == [True, True, False]
    # labels in one cell with values between them (web-crawler text) are separate rows
    crawler = [Token("label", "行政处罚", 0, 0), Token("num", "12", 0, 0, value=12.0), Token("label", "行政强制", 0, 0)]
    ms = [RowMatch("art20_6", "administrative_penalty", 0, 1.0), RowMatch("art20_6", "administrative_coercion", 2, 1.0)]
    assert not any(m.shared for m in doubt_shared_cells(crawler, ms))


def test_one_label_holding_two_rows_keys_is_doubted():
    """OCR ran two row labels into one ("行政处罚行政强制") with one value after them: the label
    matches one row, but the value may be the other's, so the match goes to review."""
    from extractor.model import Token
    from extractor.rows import RowMatch, doubt_shared_cells, template_items
    from extractor.template import load_templates
    items = template_items(load_templates()["2021"], ["art20_6"])
    toks = [Token("label", "行政处罚行政强制", 0, 0), Token("num", "66", 0, 1, value=66.0)]
    ms = [RowMatch("art20_6", "administrative_coercion", 0, 0.9)]
    assert [m.shared for m in doubt_shared_cells(toks, ms, items)] == [True]
    # a label holding its own row's key, with a header run into it, is one row; so is one
    # after a blank row's mark, and one holding another row's key only (matched by its place)
    for text in ("信息内容行政强制", "行政处罚--行政强制", "行政处罚"):
        toks = [Token("label", text, 0, 0), Token("num", "66", 0, 1, value=66.0)]
        assert [m.shared for m in doubt_shared_cells(toks, ms, items)] == [False], text


def test_labels_without_values_give_way_to_labels_with_values():
    labels = ["(七)总计", "四、结转下年度继续办理", "5.要求行政机关确认或重新出具已获取信息",
              "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
              "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他"]
    keys = [label_key(x) for x in labels]
    plain = {labels[i]: ITEMS[j].row for i, j, _ in align(keys, ITEMS) if ITEMS[j].row}
    assert "(七)总计" not in plain  # four later labels outweigh two
    apart = [False, False, True, True, True, True]
    m = {labels[i]: ITEMS[j].row for i, j, _ in align(keys, ITEMS, apart=apart) if ITEMS[j].row}
    assert m["(七)总计"] == "total" and m["四、结转下年度继续办理"] == "carried_forward"


def test_a_stray_label_character_before_the_values_is_skipped():
    """OCR put the last character of a wrapped label into the first value cell ("情447")."""
    from extractor.model import Token
    from extractor.tables import row_cells
    toks = [Token("label", "(二)部分公开(区分处理的,只计这一形,不计其他情形)", 3, 1), Token("blank", "", 3, 2),
            Token("label", "情", 3, 3), Token("num", "447", 3, 3, value=447.0), Token("num", "454", 3, 4, value=454.0)]
    assert [t.text for t in row_cells(toks, 0, 2)] == ["", "447", "454"]
    toks[2] = Token("label", "1.属于国家秘密", 3, 3)  # a label of its own: the values are its
    assert [t.text for t in row_cells(toks, 0, 2)] == [""]
    toks[2] = Token("label", "情", 3, 3)
    assert [t.text for t in row_cells(toks, 0, 2, anchors=frozenset({2}))] == [""]  # matched to a row


def test_a_row_printed_blank_in_a_grid_keeps_its_empty_cells():
    """A ruled row printed blank: its cells are empty, so the search goes on to the next
    line, where an item-number column puts "7" before the next row's label. That number is
    the next row's; this row keeps its empty cells."""
    from extractor.model import Token
    from extractor.tables import row_cells
    toks = [Token("label", "属于四类过程性信息", 51, 3), *(Token("blank", "", 51, 4 + k) for k in range(3)),
            Token("blank", "", 52, 0), Token("num", "7", 52, 2, value=7.0), Token("label", "属于行政执法案卷", 52, 3),
            *(Token("num", "0", 52, 4 + k, value=0.0) for k in range(3))]
    got = row_cells(toks, 0, 3, anchors=frozenset({0, 6}))
    assert [(t.line, t.kind) for t in got] == [(51, "blank")] * 3


def test_a_row_printed_blank_stops_at_the_next_item_label_though_no_row_took_it():
    """A row printed blank in a table without column rules leaves no cell: the search for
    its values goes on past its wrapped label's next piece, and stops at a label opening
    with an item's number ("1、申请人…"), matched to no row as OCR garbled it: the values
    after that label are its row's, not this one's."""
    from extractor.model import Token
    from extractor.tables import row_cells
    toks = [Token("label", "5、要求行政机关确认或", 52, 0), Token("label", "重新出具已获取信息", 53, 0),
            Token("label", "1、申请人无正当理由逾", 54, 0), Token("label", "(六)其其其期不补正", 55, 0),
            *(Token("num", "84", 55, 1 + k, value=84.0) for k in range(3))]
    assert row_cells(toks, 0, 3, anchors=frozenset({0})) == []
    # a wrapped piece and a group's label piece opening with its Chinese numeral are passed over
    toks[2] = Token("label", "政府信息", 54, 0)
    assert [t.text for t in row_cells(toks, 0, 3, anchors=frozenset({0}))] == ["84"] * 3


def test_a_group_label_beside_the_next_piece_of_a_wrapped_row_label_is_passed_over():
    """A page break split "(5)要求行政机关确认…" and the group label (五)不予处理: the group's
    "不予处理" stands beside the label's next piece, before the row's values."""
    from extractor.model import Token
    from extractor.tables import row_cells
    toks = [Token("label", "(5)要求行政机", 51, 0), Token("label", "不予处理", 52, 0),
            Token("label", "关确认或重新出具", 52, 1), *(Token("num", "0", 52, 2 + k, value=0.0) for k in range(3)),
            Token("label", "(1)申请人无正当理由逾期不补正", 53, 0), Token("num", "1", 53, 1, value=1.0)]
    rows_at = frozenset({0, 6})
    got = row_cells(toks, 0, 3, anchors=rows_at | {1}, rows_at=rows_at)
    assert [(t.line, t.text) for t in got] == [(52, "0")] * 3
    # a piece matched to a row of its own after the group label: the values are that row's
    assert row_cells(toks, 0, 3, anchors=rows_at | {1, 2}, rows_at=rows_at | {2}) == []


def test_values_inside_the_label_cell_join_the_cells_after_it():
    """A table read the first value column, a group label and the rest of a wrapped label
    into the label's cell: the values in the later cells are the row's too. When the later
    cells fill the row alone, the number inside the label's cell was an item number."""
    from extractor.model import Token
    from extractor.tables import row_cells
    label = Token("label", "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公", 56, 0)
    inside = [Token("num", "0", 56, 0, value=0.0), Token("label", "(六)其", 56, 0), Token("label", "开申请", 56, 0)]
    later = [Token("num", str(k), 56, 1 + k, value=float(k)) for k in range(2)]
    rows_at = frozenset({0})
    assert [t.text for t in row_cells([label, *inside, *later], 0, 3, rows_at=rows_at)] == ["0", "0", "1"]
    three = later + [Token("num", "5", 56, 3, value=5.0)]
    assert [t.text for t in row_cells([label, *inside, *three], 0, 3, rows_at=rows_at)] == ["0", "1", "5"]
    # a row's own label there ends the row, as before
    assert [t.text for t in row_cells([label, *inside, *later], 0, 3, rows_at=frozenset({0, 2}))] == ["0"]


def test_a_row_of_empty_cells_is_left_open_when_the_next_line_has_values_no_row_took():
    """A partly ruled grid: the label's first line holds the row's empty cells, its values
    stand on the next line beside the group labels, which stopped the search for them."""
    from extractor.model import Token
    from extractor.rows import RowMatch
    from extractor.tables import read_rows
    from extractor.template import load_templates
    t = load_templates()["2021"]
    label = [Token("label", "(二)部分公开(区分处理的", 38, 0)] + [Token("blank", "", 38, 1 + k) for k in range(7)]
    values = [Token("num", "0", 39, 1 + k, value=0.0) if k not in (2, 3) else Token("blank", "", 39, 1 + k)
              for k in range(7)]
    groups = [Token("label", "三、本年度办理结果", 39, 0), Token("label", "(三)", 39, 0)]
    toks = label + groups + values
    match = [RowMatch("requests", "partially_granted", 0, 0.9)]
    [row] = read_rows(t, toks, match, {}, anchors=frozenset({0, 8, 9}))
    assert row.assignment.how == "ambiguous"
    assert [s.kind for s in row.assignment.readings[0]] == ["num", "num", "blank", "blank", "num", "num", "num"]
    assert all(s.kind == "blank" for s in row.assignment.readings[1])
    # values beside a row's own label are that row's: the empty row stays blank
    other = match + [RowMatch("requests", "denied.state_secret", 9, 0.9)]
    rows = read_rows(t, toks, other, {}, anchors=frozenset({0, 8, 9}))
    assert rows[0].assignment.how == "blank"


def test_values_centred_beside_a_wrapped_label_follow_its_empty_cells():
    """The label's first line has only empty cells; its values sit on the next line, after a
    fragment of the wrapped label. A row printed all blank keeps its blanks."""
    from extractor.model import Token
    from extractor.tables import row_cells
    label = Token("label", "(1)申请人无正当理由逾期不补正", 52, 2)
    blanks = [Token("blank", "", 52, 3 + i) for i in range(3)]
    wrapped = [Token("label", "、行政机关不再处", 53, 0)] + [Token("num", "0", 53, 1 + i, value=0.0) for i in range(3)]
    assert [t.kind for t in row_cells([label, *blanks, *wrapped], 0, 3)] == ["num"] * 3
    nxt = [Token("label", "(2)申请人逾期未按收费通知要求缴纳费用", 53, 0), Token("num", "4", 53, 1, value=4.0)]
    assert [t.kind for t in row_cells([label, *blanks, *nxt], 0, 3, anchors=frozenset({4}))] == ["blank"] * 3


def test_the_appeals_values_are_not_taken_from_a_heading_of_empty_cells():
    from extractor.model import Token
    from extractor.tables import read_appeals
    from extractor.template import load_templates
    heading = [Token("label", "四、政府信息公开行政复议、行政诉讼情况", 0, 0)] + [Token("blank", "", 0, i) for i in range(1, 17)]
    header = [Token("label", "结果维持", 1, 0), Token("label", "总计", 1, 1)]
    values = [Token("num", str(v), 2, i, value=float(v)) for i, v in enumerate([0, 0, 0, 0, 0, 2, 0, 0, 0, 2, 4, 1, 0, 6, 11])]
    toks = heading + header + values
    rows = read_appeals(load_templates()["2021"], toks, 0, len(toks), True)
    assert [s.value for r in rows for s in r.reading] == [0, 0, 0, 0, 0, 2, 0, 0, 0, 2, 4, 1, 0, 6, 11]


def test_a_full_row_of_cells_ends_at_an_empty_line():
    """One cell per line, rows apart by an empty line: the next row's empty group cells, after
    the empty line, are not taken as more cells of this row."""
    from extractor.model import Token
    from extractor.tables import row_cells
    label = Token("label", "6. 属于四类过程性信息", 10, 0)
    own = [Token("blank", "", 11, 0), Token("num", "0", 12, 0, value=0.0), Token("num", "0", 13, 0, value=0.0)]
    own += [Token("blank", "", 14 + i, 0) for i in range(4)]
    group = [Token("blank", "", 18, 0), Token("blank", "", 19, 0)]  # line 18 follows an empty line
    toks = [label, *own, *group, Token("label", "7. 属于行政执法案卷", 20, 0)]
    assert row_cells(toks, 0, 7, breaks=frozenset({18})) == own
    assert len(row_cells(toks, 0, 7)) == 9  # without the empty line there is no telling


def test_a_row_label_with_nothing_beside_it_is_a_blank_row(tmp_path):
    """Reading-order text prints a blank cell as nothing: a row label alone on its lines, inside
    the table, with the rules forcing 0, is a row printed blank, not numbers inferred."""
    from extractor.pipeline import extract
    rows = ["一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3", "二、上年结转政府信息公开申请数量",
            "（一）予以公开 2 0 0 0 0 0 2", "（二）部分公开 1 0 0 0 0 0 1"]
    text = "\n".join(["某某局2021年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况",
                      "自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计", *rows,
                      "（七）总计 3 0 0 0 0 0 3", "四、结转下年度继续办理 0 0 0 0 0 0 0"])
    p = tmp_path / "r.txt"
    p.write_text(text, encoding="utf-8")
    f = extract(p)["fields"]
    carried = [f[f"requests.carried_over.{c}"] for c in ("natural_person", "commercial", "total")]
    assert all(x["status"] == "blank" and x["value"] is None for x in carried)
    assert "blank row" in carried[0]["source"]["derivation"]
    assert f["requests.granted.total"]["value"] == 2


def _joined(tmp_path, text, template, tables):
    from extractor.labels import joined_labels
    from extractor.readers.text import read_text
    from extractor.tokens import document_tokens
    p = tmp_path / "r.txt"
    p.write_text(text, encoding="utf-8")
    doc = read_text(p)
    tokens = document_tokens(doc)
    labels = [i for i, t in enumerate(tokens) if t.kind == "label"]
    items = template_items(load_templates()[template], tables)
    row_keys = {k: it.row for it in items if it.row for k in it.keys}
    return joined_labels(doc, tokens, labels, row_keys)[0]


def test_a_row_under_a_wrapped_table_heading_is_not_part_of_it(tmp_path):
    """pdftotext -raw: the heading 第二十条第（一）项 wrapped over two lines, the column header,
    then 规章 with its values: 规章 stays a label of its own."""
    keys = _joined(tmp_path, "第二十条第（一\n）项\n信息内容 本年新制作数量 本年新公开数量 对外公开总数量\n"
                             "规章 0 0 0\n规范性文件 7 7 7\n", "2021", ["art20_1"])
    assert "规章" in keys and "规范性文件" in keys


def test_labels_wrapped_over_many_lines_are_joined_in_space_aligned_text(tmp_path):
    """pdftotext -layout of a narrow label column: most label lines carry no values (they are
    fragments), yet the table prints its rows as lines, so the fragments are joined."""
    rows = ["    （5）要求行政       0    0    0    0    0    0    0", "    机关确认或重新",
            "    1、申请人无正当", "    理由逾期不补正", "    、行政机关不再     4    0    0    0    0    0    4",
            "    处理其政府信息", "    公开申请", "    2、申请人逾期未", "    按收费通知要求",
            "    缴纳费用、行政     0    0    0    0    0    0    0", "    机关不再处理其", "    政府信息公开申"]
    keys = _joined(tmp_path, "\n".join(rows) + "\n", "2021", ["requests"])
    assert any(k.startswith("申请人无正当理由逾期不补正行政机关不再") for k in keys)
    assert any(k.startswith("申请人逾期未按收费通知要求缴纳费用行政") for k in keys)


def test_a_label_wrapped_beside_a_group_label_printed_on_its_second_line_is_joined(tmp_path):
    """pdftotext -layout: the group label (六)其他处理 stands left of the wrapped label's
    second line, between its two pieces; the pieces are still one label."""
    rows = ["                        （1）申请人无正当理由逾期不补正",
            "       (六)其他处理     、行政机关不再处理其政府信息公开         0    0    0    0    0    0    0",
            "                        申请",
            "                        （2）申请人逾期未按收费通知要求         0    0    0    0    0    0    0",
            "                        缴纳费用、行政机关不再处理其政府信息公开申请"]
    keys = _joined(tmp_path, "\n".join(rows) + "\n", "2021", ["requests"])
    assert "申请人无正当理由逾期不补正行政机关不再处理其政府信息公开申请" in keys
    assert "行政机关不再处理其政府信息公开" not in keys


def test_label_scorer_remembers_rows_without_changing_them():
    from extractor.rows import LabelScorer
    items = template_items(load_templates()["2021"], ["requests"])
    labels = [label_key(x) for x in ("本年新收政府信息公开申请数量", "予以公开", "总计", "属于国家秘密", "")]
    LabelScorer._rows.clear()
    first = LabelScorer()(labels, items)
    fresh = LabelScorer()._score(list(dict.fromkeys(labels)), items)
    assert first == [fresh[list(dict.fromkeys(labels)).index(o)] for o in labels]
    again = LabelScorer()(labels[::-1] + ["其他"], items)  # from the cache, one new label
    assert again[:-1] == first[::-1]
    assert again[-1] == LabelScorer()._score(["其他"], items)[0]
    again[0][0] = -1.0  # the caller's lists are its own
    assert LabelScorer()(labels, items) == first


def _generated(tmp_path, index: int, seed: int, family: str):
    """(path, truth) of one generated document."""
    from training.generate import generate_one
    for sub in ("docs", "truth"):
        (tmp_path / sub).mkdir()
    path = generate_one(tmp_path, index, seed, family)
    return path, json.loads((tmp_path / "truth" / f"{path.stem}.json").read_text(encoding="utf-8"))


def test_a_cell_every_reading_leaves_blank_is_printed_blank_not_a_forced_zero(tmp_path):
    """A markdown row printed with one 0 among blank cells and two cells too many (结转下年度,
    generated): the 0 may stand in the last three columns, but every reading leaves the first
    four blank.
    The rules force them to 0; they are blank cells, not zeros the document does not show."""
    path, truth = _generated(tmp_path, 155, 20240503, "markdown")
    truth = truth["fields"]
    fields = extract(path)["fields"]
    for col in ("natural_person", "commercial", "research", "social_org"):
        fid = f"requests.carried_forward.{col}"
        assert truth[fid] is None
        assert (fields[fid]["value"], fields[fid]["status"]) == (None, "blank")
        assert "every reading of the row leaves this cell blank" in fields[fid]["source"]["derivation"]
    for col in ("legal_service", "other_org", "total"):  # where the 0 may stand: open
        assert fields[f"requests.carried_forward.{col}"]["status"] == "inferred"


def test_a_loosely_matched_label_fragment_is_not_a_row_printed_empty(tmp_path):
    """Space-aligned text, a table cut off after 2、重复申请 (generated): the tail 类申请 of
    the wrapped label 1、信访举报投诉 / 类申请 stands alone on a line and is matched, loosely, to
    重复申请's row. Nothing stands beside it, yet the row is no blank row: its fields stay the
    rules' inferred 0, never a confident blank."""
    path, _ = _generated(tmp_path, 150, 20240503, "layout")
    fields = extract(path)["fields"]
    for col in ("natural_person", "total"):
        f = fields[f"requests.not_processed.duplicate.{col}"]
        assert f["status"] != "blank" and f["value"] == 0


def test_appeals_of_a_table_without_rules_whose_columns_merged_are_read_not_missing(tmp_path):
    # g00079 of seed 99 (a PDF without rules): the appeals header's columns run together, so
    # its row of values has 12 cells (7 numbers, 5 empty) for 15 columns. The printed table
    # must not be reported missing: its values are offered for review.
    doc, truth = _generated(tmp_path, 79, 99, "borderless")
    fields = extract(doc)["fields"]
    appeals = {k: f for k, f in fields.items() if k.startswith("appeals.")}
    assert len(appeals) == 15 and all(k in truth["fields"] for k in appeals)
    assert all(f["status"] != "missing" for f in appeals.values())
    printed = sorted(v for k, v in truth["fields"].items() if k.startswith("appeals.") and v is not None)
    shown = sorted(f["value"] for f in appeals.values() if f["value"] is not None)
    assert shown == printed


def test_the_appeals_header_after_a_table_cut_off_is_no_total_row(tmp_path):
    # g00502 of seed 777 (pdftotext -raw): table 三 stops after 4.保护第三方合法权益 and the
    # appeals table follows with no heading; its header line runs the column names together
    # ("结果维持结果纠正…总计…"). That label is the appeals table's, not 三's 总计 row, so the
    # appeals values are not read as 三's totals.
    doc, truth = _generated(tmp_path, 502, 777, "raw")
    assert "cut off" in truth["notes"] and "requests.total.total" in truth["missing"]
    fields = extract(doc)["fields"]
    assert all(fields[f]["status"] != "ok" for f in fields if f.startswith("requests.total."))
    for f in (f for f in truth["fields"] if f.startswith("appeals.review.")):
        assert fields[f]["value"] == truth["fields"][f], f


def test_appeals_values_too_few_to_tell_are_found_below_their_header(tmp_path):
    # g00268 of seed 777 (pdftotext -raw): a page number ("- 1 -") before the appeals header,
    # and a row of nine numbers (its blanks printed as nothing) below it: fewer than a row
    # is told by, but the first line of numbers after the column names is the row.
    doc, truth = _generated(tmp_path, 268, 777, "raw")
    fields = extract(doc)["fields"]
    printed = [f for f, v in truth["fields"].items() if f.startswith("appeals.") and v is not None]
    assert 5 <= len(printed) < 10
    assert all(fields[f]["status"] != "missing" for f in printed)
    assert sum(fields[f]["value"] == truth["fields"][f] for f in printed) >= len(printed) - 1


def test_a_row_printed_blank_whose_label_wraps_in_a_narrow_column_is_blank(tmp_path):
    """A PDF table without rules (generated): 4、无正当理由大 / 量反复申请 wraps in its
    narrow column and is printed blank, so its label matches its row only in pieces. Its
    label's line holds no value, no mark and no unread ink, and no stray value stands near:
    a row printed blank, not zeros the rules force."""
    path, truth = _generated(tmp_path, 103, 99, "borderless")
    fields = extract(path)["fields"]
    for col in ("natural_person", "commercial", "total"):
        fid = f"requests.not_processed.excessive.{col}"
        assert truth["fields"][fid] is None
        assert (fields[fid]["value"], fields[fid]["status"]) == (None, "blank"), fid


def test_the_appeals_header_after_a_cut_off_table_is_no_total_row(tmp_path):
    """Table 三 stops halfway and the appeals table follows with no heading of 四 between:
    the 总计 of the appeals header is no 总计 row of 三, and the appeals values are read
    from the header on, not from the last row of 三."""
    rows = ["一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3", "二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0",
            "（一）予以公开 2 0 0 0 0 0 2", "（二）部分公开 1 0 0 0 0 0 1"]
    header = ["行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉",
              *["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3]
    appeals = ["1", "0", "0", "0", "1", "0", "0", "0", "0", "0", "2", "0", "0", "0", "2"]
    text = "\n".join(["某某局2021年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况",
                      "自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计", *rows, *header, *appeals,
                      "五、存在的主要问题及改进情况", "无。"])
    p = tmp_path / "cut.txt"
    p.write_text(text, encoding="utf-8")
    f = extract(p)["fields"]
    assert all(f[f"requests.total.{c}"]["status"] in ("missing", "inferred")
               for c in ("natural_person", "total"))
    assert f["requests.granted.total"]["value"] == 2
    got = [f[f"appeals.{g}.{c}"]["value"] for g in ("review", "litigation_direct", "litigation_after_review")
           for c in ("upheld", "corrected", "other", "pending", "total")]
    assert got == [float(v) for v in appeals]


def test_the_last_row_of_a_table_printed_blank_is_a_blank_row(tmp_path):
    """四、结转下年度继续办理 printed with nothing beside it, the last row of 三, right before the
    heading of 四 and its table: a row printed blank, not zeros inferred; the appeals values
    after it are not its own."""
    rows = ["一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3", "二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0",
            "（一）予以公开 2 0 0 0 0 0 2", "（二）部分公开 1 0 0 0 0 0 1", "（七）总计 3 0 0 0 0 0 3",
            "四、结转下年度继续办理"]
    text = "\n".join(["某某局2021年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况",
                      "自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计", *rows,
                      "四、政府信息公开行政复议、行政诉讼情况", "行政复议 行政诉讼",
                      "结果维持 结果纠正 其他结果 尚未审结 总计 " * 3, "1 0 0 0 1 " + "0 0 0 0 0 " * 2])
    p = tmp_path / "last.txt"
    p.write_text(text, encoding="utf-8")
    f = extract(p)["fields"]
    last = [f[f"requests.carried_forward.{c}"] for c in ("natural_person", "total")]
    assert all(x["status"] == "blank" and x["value"] is None for x in last)
    assert "blank row" in last[0]["source"]["derivation"]
    assert f["appeals.review.upheld"]["value"] == 1


def test_a_row_of_empty_cells_takes_no_value_past_a_section_heading(tmp_path):
    """The last row of 二 printed blank (an empty cell), then the heading of 三 and a stray
    number (a speck OCR read as "1"): the row looks for values on the next lines, but never
    past a section's heading."""
    rows3 = ["一、本年新收政府信息公开申请数量\t3\t0\t0\t0\t0\t0\t3", "二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0",
             "（一）予以公开\t2\t0\t0\t0\t0\t0\t2", "（二）部分公开\t1\t0\t0\t0\t0\t0\t1"]
    text = "\n".join(["某某局2021年政府信息公开工作年度报告", "二、主动公开政府信息情况", "第二十条第（一）项",
                      "信息内容\t本年制发件数\t本年废止件数\t现行有效件数", "规章\t0\t0\t0", "行政规范性文件\t1\t0\t5",
                      "第二十条第（八）项", "信息内容\t本年收费金额（单位：万元）", "行政事业性收费\t",
                      "三、收到和处理政府信息公开申请情况", "1",
                      "自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计", *rows3])
    p = tmp_path / "wall.txt"
    p.write_text(text, encoding="utf-8")
    f = extract(p)["fields"]["art20_8.administrative_fees.amount_10k_yuan"]
    assert (f["value"], f["status"]) == (None, "blank")


def test_row_label_after_a_label_nothing_took_on_an_ocr_line_is_doubted():
    """OCR read a wrapped label's lines out of order and ran two rows into one line: the
    first row's label matches nothing, the second's does, and the values after them may be
    the first row's. On a line OCR read, that match goes to review; not on a text layer's,
    and not when the row before it matched elsewhere (the label is then its wrapped tail)."""
    from extractor.model import Token
    from extractor.rows import RowMatch, doubt_shared_cells, template_items
    from extractor.template import load_templates
    items = template_items(load_templates()["2021"], ["requests"])
    toks = [Token("num", "1", 7, 0, value=1.0), Token("label", "相关政府信息本机关不掌握", 7, 0),
            Token("label", "(四)无法提供", 7, 0), Token("num", "2", 7, 0, value=2.0),
            Token("label", "需要另行制作没有现成信息", 7, 0), Token("num", "20", 7, 1, value=20.0)]
    ms = [RowMatch("requests", "unable.needs_creation", 4, 1.0)]
    aligned, groups, ocr = frozenset({2, 4}), frozenset({2}), frozenset({7})
    assert [m.shared for m in doubt_shared_cells(toks, ms, items, aligned, groups, ocr)] == [True]
    assert [m.shared for m in doubt_shared_cells(toks, ms, items, aligned, groups, frozenset())] == [False]
    # the row before it matched on an earlier line: the unknown label is that row's tail
    held = [Token("label", "1.本机关不掌握", 6, 0), Token("num", "3", 6, 1, value=3.0)]
    ms2 = [RowMatch("requests", "unable.not_held", 0, 1.0), RowMatch("requests", "unable.needs_creation", 6, 1.0)]
    assert not any(m.shared for m in doubt_shared_cells(held + toks, ms2, items, frozenset({0, 4, 6}),
                                                         frozenset({4}), ocr))
    # a value between the unknown label and the row's: separate rows
    toks[3] = Token("num", "5", 7, 0, value=5.0)
    toks.insert(4, Token("num", "6", 7, 0, value=6.0))
    ms = [RowMatch("requests", "unable.needs_creation", 5, 1.0)]
    assert [m.shared for m in doubt_shared_cells(toks, ms, items, frozenset({2, 5}), groups, ocr)] == [False]
