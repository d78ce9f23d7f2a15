"""Tests for extractor.readers.html: grid expansion, flow text, encodings, bad markup."""

from __future__ import annotations

import codecs
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.errors import DocumentLoadError
from extractor.readers.html import parse_html, read_html, read_html_bytes, sniff_charset


def cells(html: str) -> list[list[str]]:
    """Normalised cell texts of every line."""
    return [[c.text for c in line.cells] for line in read_html_bytes(html.encode("utf-8")).lines]


# --- rowspan / colspan -------------------------------------------------------------------

def test_rowspan_leaves_empty_cells_below():
    rows = cells("""<table>
        <tr><td rowspan="3">A</td><td>b1</td></tr>
        <tr><td>b2</td></tr>
        <tr><td>b3</td></tr>
        <tr><td>z</td><td>b4</td></tr></table>""")
    assert rows == [["A", "b1"], ["", "b2"], ["", "b3"], ["z", "b4"]]


def test_colspan_leaves_empty_cells_after():
    rows = cells("<table><tr><td colspan=2>A</td><td>c</td></tr><tr><td>1</td><td>2</td><td>3</td></tr></table>")
    assert rows == [["A", "", "c"], ["1", "2", "3"]]


def test_rowspan_and_colspan_together():
    rows = cells("""<table>
        <tr><td rowspan=2 colspan=2>A</td><td>x</td></tr>
        <tr><td>y</td></tr>
        <tr><td>1</td><td>2</td><td>3</td></tr></table>""")
    assert rows == [["A", "", "x"], ["", "", "y"], ["1", "2", "3"]]


def test_rowspan_in_middle_column():
    rows = cells("""<table>
        <tr><td>a1</td><td rowspan=2>M</td><td>c1</td></tr>
        <tr><td>a2</td><td>c2</td></tr></table>""")
    assert rows == [["a1", "M", "c1"], ["a2", "", "c2"]]


def test_rowspan_past_the_last_row_adds_no_rows():
    rows = cells("<table><tr><td rowspan=9>A</td><td>b</td></tr><tr><td>c</td></tr></table>")
    assert rows == [["A", "b"], ["", "c"]]


def test_rowspan_zero_spans_to_the_end_and_bad_values_read_like_browsers():
    rows = cells("""<table>
        <tr><td rowspan="0">A</td><td colspan="2px">b</td></tr>
        <tr><td>c</td><td colspan="x">d</td></tr>
        <tr><td>e</td></tr></table>""")
    assert rows == [["A", "b", ""], ["", "c", "d"], ["", "e"]]


def test_row_width_is_the_last_occupied_column():
    # a right-hand rowspan keeps the covered position in the next row
    rows = cells("<table><tr><td>a</td><td rowspan=2>R</td></tr><tr><td>b</td></tr></table>")
    assert rows == [["a", "R"], ["b", ""]]


# --- the national requests table -----------------------------------------------------------

NUMS = ["1", "0", "0", "0", "0", "0", "1"]


def _num_cells(values: list[str]) -> str:
    return "".join(f"<td>{v}</td>" for v in values)


def _requests_table() -> tuple[str, list[list[str]]]:
    """A snippet modelled on 收到和处理政府信息公开申请情况, with the grid it should give."""
    header = """
<tr><td colspan="3" rowspan="3">本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和</td>
    <td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"""
    expected = [
        ["本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和", "", "", "申请人情况"] + [""] * 6,
        ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
        ["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
    ]
    body = []
    body.append(f'<tr><td colspan="3">一、本年新收政府信息公开申请数量</td>{_num_cells(NUMS)}</tr>')
    expected.append(["一、本年新收政府信息公开申请数量", "", ""] + NUMS)
    body.append(f'<tr><td colspan="3">二、上年结转政府信息公开申请数量</td>{_num_cells(["0"] * 7)}</tr>')
    expected.append(["二、上年结转政府信息公开申请数量", "", ""] + ["0"] * 7)
    body.append(f'<tr><td rowspan="20">三、本年度办理结果</td><td colspan="2">（一）予以公开</td>{_num_cells(NUMS)}</tr>')
    expected.append(["三、本年度办理结果", "(一)予以公开", ""] + NUMS)
    body.append(f'<tr><td colspan="2">（二）部分公开</td>{_num_cells(["0"] * 7)}</tr>')
    expected.append(["", "(二)部分公开", ""] + ["0"] * 7)
    groups = [
        ("（三）不予公开", "(三)不予公开", ["1.属于国家秘密", "2.其他法律行政法规禁止公开",
                                       "3.危及“三安全一稳定”", "4.保护第三方合法权益",
                                       "5.属于三类内部事务信息", "6.属于四类过程性信息",
                                       "7.属于行政执法案卷", "8.属于行政查询事项"]),
        ("（四）无法提供", "(四)无法提供", ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作",
                                       "3.补正后申请内容仍不明确"]),
        ("（五）不予处理", "(五)不予处理", ["1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物",
                                       "4.无正当理由大量反复申请",
                                       "5.要求行政机关确认或重新出具已获取信息"]),
    ]
    for source, label, items in groups:
        for i, item in enumerate(items):
            first = f'<td rowspan="{len(items)}">{source}</td>' if i == 0 else ""
            body.append(f"<tr>{first}<td>{item}</td>{_num_cells(['0'] * 7)}</tr>")
            expected.append(["", label if i == 0 else "", item] + ["0"] * 7)
    body.append(f'<tr><td colspan="2">（六）其他处理</td>{_num_cells(["0"] * 7)}</tr>')
    expected.append(["", "(六)其他处理", ""] + ["0"] * 7)
    body.append(f'<tr><td colspan="2">（七）总计</td>{_num_cells(NUMS)}</tr>')
    expected.append(["", "(七)总计", ""] + NUMS)
    body.append(f'<tr><td colspan="3">四、结转下年度继续办理</td>{_num_cells(["0"] * 7)}</tr>')
    expected.append(["四、结转下年度继续办理", "", ""] + ["0"] * 7)
    table = ('<table border="1" cellspacing="0"><tbody>' + header + "\n".join(body) + "</tbody></table>")
    return table, expected


def test_requests_table_lines_up_with_the_grid():
    table, expected = _requests_table()
    page = f"""<html><head><meta charset="utf-8"><title>报告</title></head><body>
        <p>三、收到和处理政府信息公开申请情况</p>{table}
        <p>四、政府信息公开行政复议、行政诉讼情况</p></body></html>"""
    doc = read_html_bytes(page.encode("utf-8"))
    rows = [[c.text for c in line.cells] for line in doc.lines]
    assert rows[0] == ["三、收到和处理政府信息公开申请情况"]
    assert rows[1:-1] == expected
    assert rows[-1] == ["四、政府信息公开行政复议、行政诉讼情况"]
    assert all(len(r) == 10 for r in rows[1:-1])
    # the 8 rows of (三)不予公开: label in column 1 of the first only, numbers in 3..9
    start = next(i for i, r in enumerate(rows) if r[1:2] == ["(三)不予公开"])
    assert [r[1] for r in rows[start:start + 8]] == ["(三)不予公开"] + [""] * 7
    assert all(r[0] == "" and r[3:] == ["0"] * 7 for r in rows[start:start + 8])
    assert rows[start + 2][2] == "3.危及“三安全一稳定”"


def test_requests_table_word_export_markup():
    # Word-style cells: <p><span> wrappers, mso attributes, &nbsp; padding, <o:p>
    html = """<table class=MsoNormalTable border=0 cellspacing=0 cellpadding=0>
 <tr style='height:21.0pt'>
  <td width=120 rowspan=2 style='width:90pt;border:solid windowtext 1.0pt'>
  <p class=MsoNormal align=center style='text-align:center'><span style='font-family:宋体'>三、本年度
  办理结果<o:p></o:p></span></p></td>
  <td width=100 colspan=2><p class=MsoNormal><span>（一）予以公开</span></p></td>
  <td><p class=MsoNormal align=center><span lang=EN-US>1<span>2</span>&nbsp;<o:p></o:p></span></p></td>
 </tr>
 <tr>
  <td colspan=2><p class=MsoNormal><span>（二）部分公开</span></p></td>
  <td><p class=MsoNormal align=center><span lang=EN-US>&nbsp;<o:p></o:p></span></p></td>
 </tr>
</table>"""
    assert cells(html) == [["三、本年度办理结果", "(一)予以公开", "", "12"],
                           ["", "(二)部分公开", "", ""]]


# --- Word's misaligned columns -----------------------------------------------------------

MISALIGNED = """<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0>
 <tr><td colspan=2>行政复议</td><td colspan=3>行政诉讼</td></tr>
 <tr><td>维持</td><td colspan=2>总计</td><td>维持</td><td>总计</td></tr>
 <tr><td>1</td><td>2</td><td colspan=2>3</td><td>4</td></tr>
 <![if !supportMisalignedColumns]>
 <tr height=0><td width=80></td><td width=80></td><td width=3></td><td width=80></td><td width=80></td></tr>
 <![endif]>
</table>"""


def test_a_sliver_column_rows_disagree_on_is_merged_away():
    # grid column 2 is nobody's own: 总计 spans it from the left, "3" from the right
    assert cells(MISALIGNED) == [["行政复议", "", "行政诉讼", ""],
                                 ["维持", "总计", "维持", "总计"],
                                 ["1", "2", "3", "4"]]


def test_a_column_only_spanned_from_one_side_is_kept():
    # the second column only ever continues the first: a form's wide column, not a sliver
    rows = cells("<table><tr><td colspan=2>合计</td><td>1</td></tr><tr><td>a</td><td>b</td><td>2</td></tr>"
                 "<tr><td colspan=2>c</td><td>3</td></tr></table>")
    assert rows == [["合计", "", "1"], ["a", "b", "2"], ["c", "", "3"]]
    rows = cells("<table><tr><td>x</td><td colspan=3>1</td></tr><tr><td>y</td><td colspan=3>2</td></tr></table>")
    assert rows == [["x", "1", "", ""], ["y", "2", "", ""]]


def test_a_sliver_is_merged_only_while_each_cell_keeps_a_column():
    # columns 1 and 2 both lack a cell of their own; merging both would leave "b" none
    rows = cells("<table><tr><td>a</td><td colspan=2>b</td><td>c</td></tr>"
                 "<tr><td colspan=2>d</td><td colspan=2>e</td></tr>"
                 "<tr><td>f</td><td colspan=2>g</td><td>h</td></tr></table>")
    assert rows == [["a", "b", "c"], ["d", "e", ""], ["f", "g", "h"]]


# --- cell text --------------------------------------------------------------------------

def test_br_and_p_inside_cells():
    rows = cells("""<table><tr>
        <td>不予<br>公开</td><td>abc<br/>def</td><td><p>三、本年度</p><p>办理结果</p></td>
        <td>12<br></td></tr></table>""")
    assert rows == [["不予公开", "abc def", "三、本年度办理结果", "12"]]


def test_nbsp_cells_are_empty():
    doc = read_html_bytes("<table><tr><td>a</td><td>&nbsp;</td><td>&#160;&nbsp; </td><td>&nbsp;7&nbsp;</td></tr></table>".encode())
    line = doc.lines[0]
    assert [c.text for c in line.cells] == ["a", "", "", "7"]
    assert line.cells[1].raw == "\xa0"


def test_inline_markup_does_not_split_numbers():
    assert cells("<table><tr><td><b>1</b><span>2</span><font>3</font></td></tr><tr><td>x</td><td>y</td></tr></table>") \
        == [["123"], ["x", "y"]]


def test_entities_and_fullwidth_forms_are_normalised():
    assert cells("<table><tr><td>&lt;一&gt; &amp; （二）１２</td><td>x</td></tr></table>") == [["<一> & (二)12", "x"]]


def test_cell_fields():
    doc = read_html_bytes("<p>标题</p><table><tr><td> 不予\n  公开 </td><td>5</td></tr></table>".encode())
    cell = doc.lines[1].cells[0]
    assert cell.text == "不予公开" and cell.raw == "不予 公开"
    assert cell.span is None and cell.bbox is None
    assert [(line.page, line.number) for line in doc.lines] == [(1, 1), (1, 2)]


# --- flow text and order ------------------------------------------------------------------

def test_text_outside_tables_keeps_order():
    html = """<html><body>
        <h1>XX市2020年政府信息公开工作年度报告</h1>
        <div>一、总体情况</div>
        <p>第一段。<br>第二段。</p>
        <ul><li>条目一</li><li>条目二</li></ul>
        <table><tr><td>规章</td><td>0</td></tr></table>
        正文后的文字
        <table><tr><td>行政复议</td><td>1</td></tr></table>
        <p>结尾</p></body></html>"""
    assert cells(html) == [["XX市2020年政府信息公开工作年度报告"], ["一、总体情况"], ["第一段。"], ["第二段。"],
                           ["条目一"], ["条目二"], ["规章", "0"], ["正文后的文字"], ["行政复议", "1"], ["结尾"]]


def test_inline_tags_in_flow_do_not_split_lines():
    assert cells("<p>本报告由<a href='#'>XX市</a><span>人民政府</span>办公室编制</p>") == [["本报告由XX市人民政府办公室编制"]]


def test_skipped_content():
    html = """<!DOCTYPE html><html><head><title>标题不要</title>
        <style>td { color: red }</style><script>var s = "<td>x</td></table>";</script>
        <meta charset="utf-8"></head><body><!-- 注释 <p>不要</p> -->
        <noscript>请启用JavaScript</noscript><script type="text/javascript">
        document.write('<p>no</p>');</script><p>要的</p></body></html>"""
    assert cells(html) == [["要的"]]


def test_pre_keeps_its_lines():
    assert cells("<pre>第一行\n第二行\n\n第三行</pre><p>后</p>") == [["第一行"], ["第二行"], ["第三行"], ["后"]]


def test_fragment_without_html_or_body():
    assert cells("只有文字<br>两行") == [["只有文字"], ["两行"]]


# --- nested and layout tables -------------------------------------------------------------

def test_nested_table_is_flattened_in_place():
    html = """<table width="100%"><tr><td>
        <p>一、总体情况</p>
        <table><tr><td>规章</td><td>3</td></tr><tr><td>规范性文件</td><td>5</td></tr></table>
        <p>二、其他</p></td></tr>
        <tr><td>页脚</td></tr></table>"""
    assert cells(html) == [["一、总体情况"], ["规章", "3"], ["规范性文件", "5"], ["二、其他"], ["页脚"]]


def test_layout_row_with_nested_table_flows_but_data_rows_stay_grid():
    html = """<table>
        <tr><td>名称</td><td>数量</td></tr>
        <tr><td>说明</td><td><table><tr><td>a</td><td>1</td></tr></table></td></tr>
        <tr><td>合计</td><td>1</td></tr></table>"""
    assert cells(html) == [["名称", "数量"], ["说明"], ["a", "1"], ["合计", "1"]]


def test_layout_cell_with_long_prose_flows():
    para = "按照条例要求,编制本报告,报告内容包括总体情况等六个部分。" * 4
    html = f"""<table><tr><td>导航</td><td><h2>年度报告</h2><p>{para}</p><p>{para}</p></td></tr></table>"""
    assert cells(html) == [["导航"], ["年度报告"], [para], [para]]


def test_caption_is_its_own_line():
    assert cells("<table><caption>表一</caption><tr><td>a</td><td>1</td></tr></table>") == [["表一"], ["a", "1"]]


# --- malformed markup ----------------------------------------------------------------------

def test_unclosed_cells_rows_and_table_uppercase_tags():
    html = """<HTML><BODY><P>前言
        <TABLE BORDER=1>
        <TR><TD ROWSPAN=2>三、本年度办理结果<TD>（一）予以公开<TD>4
        <TR><TD>（二）部分公开<TD>0
        <tr><td colspan=2>四、结转<td>1"""
    assert cells(html) == [["前言"], ["三、本年度办理结果", "(一)予以公开", "4"],
                           ["", "(二)部分公开", "0"], ["四、结转", "", "1"]]


def test_stray_end_tags_and_cells_outside_a_table():
    html = "</td></tr></table><p>a</p></p><tr><td>x</td><td>1</td></tr><tr><td>y</td><td>2</td>"
    assert cells(html) == [["a"], ["x", "1"], ["y", "2"]]


def test_odd_markup_does_not_crash():
    html = """<p>a < b and c > d</p><td title="x>y">q</td><!-- unclosed comment
        <p>gone</p>"""
    assert cells(html) == [["a < b and c > d"], ["q"]]


def test_empty_rows_give_no_lines_and_numbering_stays_sequential():
    doc = read_html_bytes(b"<table><tr></tr><tr><td></td><td>&nbsp;</td></tr><tr><td>a</td></tr></table><p></p><p>b</p>")
    assert [line.text for line in doc.lines] == ["a", "b"]
    assert [line.number for line in doc.lines] == [1, 2]


def test_tbody_thead_and_th():
    rows = cells("""<table><thead><tr><th>项目</th><th>数量</th></tr></thead>
        <tbody><tr><td>规章</td><td>2</td></tr></tbody><tfoot><tr><td>合计</td><td>2</td></tr></tfoot></table>""")
    assert rows == [["项目", "数量"], ["规章", "2"], ["合计", "2"]]


# --- encodings -------------------------------------------------------------------------------

PAGE = "<html><head>{meta}<title>报告</title></head><body><p>政府信息公开</p><table><tr><td>（三）不予公开</td><td>3</td></tr></table></body></html>"


@pytest.mark.parametrize("meta", [
    '<meta charset="gb2312">',
    '<meta http-equiv="Content-Type" content="text/html; charset=GBK">',
    "<META HTTP-EQUIV=Content-Type CONTENT='text/html;charset=gb18030'>",
    "",
])
def test_gb18030_pages(meta):
    doc = read_html_bytes(PAGE.format(meta=meta).encode("gb18030"))
    assert doc.encoding == "gb18030"
    assert [line.text for line in doc.lines] == ["政府信息公开", "(三)不予公开\t3"]
    assert doc.warnings == []


def test_sniff_charset():
    assert sniff_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />') == "gb2312"
    assert sniff_charset(b"<meta charset='UTF-8'>") == "UTF-8"
    assert sniff_charset(b'<?xml version="1.0" encoding="GBK"?><html>') == "GBK"
    assert sniff_charset(b"<html><body>") is None


@pytest.mark.parametrize("codec, bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)])
def test_utf16_bom_pages(codec, bom):
    doc = read_html_bytes(bom + PAGE.format(meta='<meta charset="utf-16">').encode(codec))
    assert doc.encoding == codec
    assert [line.text for line in doc.lines] == ["政府信息公开", "(三)不予公开\t3"]


def test_utf8_bom_page():
    doc = read_html_bytes(codecs.BOM_UTF8 + PAGE.format(meta="").encode("utf-8"))
    assert doc.encoding == "utf-8-sig"
    assert doc.lines[0].text == "政府信息公开"


def test_mislabelled_page_is_read_and_warned():
    doc = read_html_bytes(PAGE.format(meta='<meta charset="gb2312">').encode("utf-8"))
    assert doc.encoding == "utf-8"
    assert doc.lines[0].text == "政府信息公开"
    assert doc.warnings == ["page declares charset gb2312 but was decoded as utf-8"]


# --- document fields and errors -------------------------------------------------------------

def test_read_html_from_file(tmp_path):
    data = PAGE.format(meta='<meta charset="gbk">').encode("gbk")
    path = tmp_path / "report.html"
    path.write_bytes(data)
    doc = read_html(path)
    assert doc.path == str(path)
    assert doc.kind == "html" and doc.pages == 1
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.encoding == "gb18030"
    assert doc.needs_ocr == []


def test_read_html_bytes_default_path():
    assert read_html_bytes(b"<p>x</p>").path == "<bytes>"


@pytest.mark.parametrize("data", [b"", b"  \n\t "])
def test_empty_input_raises(data):
    with pytest.raises(DocumentLoadError, match="empty"):
        read_html_bytes(data, "a.html")


def test_page_without_visible_text_raises():
    with pytest.raises(DocumentLoadError, match="no visible text"):
        read_html_bytes(b"<html><head><script>render()</script></head><body><div id=app></div></body></html>")


def test_binary_input_raises():
    with pytest.raises(DocumentLoadError):
        read_html_bytes(bytes(range(256)) * 20, "x.html")


def test_missing_file_raises(tmp_path):
    with pytest.raises(DocumentLoadError, match="cannot read"):
        read_html(tmp_path / "nope.html")


# --- a large Word-export page (its speed is measured by training/bench_text.py) -------------------------------------------------------------------------------------

def _big_page() -> bytes:
    cell = ("<td width=56 style=\"width:42.5pt;border:solid windowtext 1.0pt;padding:0cm 5.4pt\">"
            "<p class=MsoNormal align=center><span lang=EN-US style='font-size:10.5pt'>{}</span><o:p></o:p></p></td>")
    parts = ['<html><head><meta charset="gb2312"></head><body>']
    while sum(map(len, parts)) < 200_000:
        parts.append("<p class=MsoNormal><span>" + "政府信息公开工作年度报告，按照条例要求编制。" * 3 + "</span></p>")
        parts.append("<table>" + "".join(
            "<tr>" + cell.format("(三)不予公开") + "".join(cell.format(i * j) for j in range(7)) + "</tr>"
            for i in range(10)) + "</table>")
    return ("".join(parts) + "</body></html>").encode("gb18030")


def test_200kb_word_export_page_reads_every_table_row():
    doc = read_html_bytes(_big_page())
    rows = [ln for ln in doc.lines if ln.cells and ln.cells[0].text == "(三)不予公开"]
    assert len(rows) >= 100 and all(len(r.cells) == 8 for r in rows)


def test_parse_html_returns_raw_rows():
    assert parse_html("<p>a</p><table><tr><td colspan=2>x</td></tr></table>") == [("a",), ("x", "")]


# --- robustness ----------------------------------------------------------------------------

_PIECES = ["<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<td rowspan=3>", "<td colspan=2>",
           "<th rowspan=0>", "<tbody>", "<caption>", "<p>", "</p>", "<br>", "<div>", "<pre>", "</pre>",
           "<script>", "</script>", "<!--", "-->", "<head>", "</head>", "<title>", "<body>", "&nbsp;",
           "<", ">", '"', "'", "三、本年度办理结果", "12", " ", "\n", "\x00"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60))
def test_any_tag_soup_gives_a_document_or_a_load_error(pieces):
    try:
        doc = read_html_bytes("".join(pieces).encode("utf-8"))
    except DocumentLoadError:
        return
    assert [line.number for line in doc.lines] == list(range(1, len(doc.lines) + 1))
    assert all(line.cells and any(c.text for c in line.cells) for line in doc.lines)


def test_the_title_tag_is_kept_as_the_title_not_as_a_line():
    page = ("<html><head><title> 甲市2021年 &amp; 报告\n</title></head><body><p>正文</p>"
            "<svg><title>图标</title></svg></body></html>")
    doc = read_html_bytes(page.encode("utf-8"))
    assert doc.title == "甲市2021年 & 报告"
    assert [line.text for line in doc.lines] == ["正文"]
