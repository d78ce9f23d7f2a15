"""Text reader: cells from tabs, markdown, one cell per line, space-aligned text; encodings."""

from extractor.readers.text import read_text_bytes


def cells(doc):
    return [[c.text for c in ln.cells] for ln in doc.lines]


def test_tabs_keep_empty_cells():
    doc = read_text_bytes("行政许可\t\t\t218\n".encode())
    assert cells(doc) == [["行政许可", "", "", "218"]]


def test_markdown_rows_and_separators():
    doc = read_text_bytes("| 信息内容 | 本年制发件数 |\n|---|---|\n| 规章 | 0 |\n".encode())
    assert cells(doc) == [["信息内容", "本年制发件数"], ["规章", "0"]]


def test_space_aligned_columns():
    doc = read_text_bytes("规章            1        2       3\n".encode())
    assert cells(doc) == [["规章", "1", "2", "3"]]


def test_cjk_spaces_removed_inside_a_cell():
    doc = read_text_bytes("结果 维持\t自然 人\n".encode())
    assert cells(doc) == [["结果维持", "自然人"]]


def test_full_width_and_kangxi_forms_folded():
    doc = read_text_bytes("⾏政许可\t１２\n".encode())
    assert cells(doc) == [["行政许可", "12"]]


def test_one_cell_per_line_drops_the_indent():
    body = "".join(f"\t{x}\n" for x in ["规章", "0", "0", "0"] * 6) + "\t \n"
    doc = read_text_bytes(body.encode())
    assert cells(doc)[:4] == [["规章"], ["0"], ["0"], ["0"]]
    assert cells(doc)[-1] == [""]


def test_gb18030_and_utf16_decoded():
    text = "三、收到和处理政府信息公开申请情况\n"
    assert read_text_bytes(text.encode("gb18030")).lines[0].cells[0].text == text.strip()
    assert read_text_bytes(text.encode("utf-16")).lines[0].cells[0].text == text.strip()


def test_form_feed_starts_a_page():
    doc = read_text_bytes("a\fb\n".encode())
    assert [ln.page for ln in doc.lines] == [1, 2] and doc.pages == 2


def test_normalize_line_is_nfkc_with_the_project_tables():
    """The full-width shortcut of normalize_line gives what NFKC of the whole line gives,
    for every BMP character, alone and among CJK text, combining marks and full-width forms."""
    import unicodedata
    from extractor.normalize import _AFTER_NFKC, _NEEDS_TABLE, _TABLE, normalize_line

    def reference(text):
        if _NEEDS_TABLE.search(text):
            text = text.translate(_TABLE)
        return unicodedata.normalize("NFKC", text).translate(_AFTER_NFKC)

    for c in range(0x20, 0x10000):
        if 0xD800 <= c < 0xE000:
            continue
        for text in (chr(c), f"数量{chr(c)}，（一）Ａ\u0301", f"ｶ{chr(c)}\u3099１２"):
            assert normalize_line(text) == reference(text), hex(c)


def test_new_cell_is_the_dataclass_cell():
    from dataclasses import fields
    from extractor.model import Cell, new_cell
    c = new_cell("行政许可", " 行政许可", (3, 8))
    assert c == Cell("行政许可", " 行政许可", (3, 8))
    assert list(vars(c)) == [f.name for f in fields(Cell)]
    assert all(getattr(c, f.name) == f.default for f in fields(Cell)[3:])
    assert new_cell("1", " 1", bbox=(1.0, 2.0, 3.0, 4.0)) == Cell("1", " 1", bbox=(1.0, 2.0, 3.0, 4.0))


def test_page_numbers_are_dropped_and_a_table_reads_on_over_the_page_break():
    text = ("       (六)其他处理     2、申请人逾期未按\n                        收费通知要求缴纳\n\n"
            "                                         2\n\f"
            "                        费用、行政机关不          0            0\n"
            "                                      - 3 -\n"
            "规章\t4\t-4\n第4页 共6页\n")
    d = read_text_bytes(text.encode("utf-8"))
    texts = [[c.text for c in ln.cells] for ln in d.lines]
    assert texts == [["(六)其他处理", "2、申请人逾期未按"], ["收费通知要求缴纳"], ["费用、行政机关不", "0", "0"],
                     ["规章", "4", "-4"]]
    assert [ln.page for ln in d.lines] == [1, 1, 2, 2] and d.pages == 2


def test_a_lone_number_is_a_page_number_only_at_a_page_break_and_near_the_page():
    kept = read_text_bytes("一、本年新收政府信息公开申请数量\n2\n".encode("utf-8"))  # no page break: a value
    assert [ln.cells[0].text for ln in kept.lines] == ["一、本年新收政府信息公开申请数量", "2"]
    far = read_text_bytes("行政许可\n37\n\f规章\n".encode("utf-8"))  # 37 on page 1: a value
    assert [ln.cells[0].text for ln in far.lines] == ["行政许可", "37", "规章"]
    for value in ("-4", "4-"):  # a fall, or a value with a speck: no page number
        assert value in [ln.cells[0].text for ln in read_text_bytes(f"规章\n{value}\n\f".encode()).lines]
