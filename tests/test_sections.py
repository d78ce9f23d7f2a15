"""Section headings: found by the form's titles, in the form's order."""

from extractor.model import Document, Line, new_cell
from extractor.sections import find_sections, is_section_heading


def _doc(texts):
    lines = [Line((new_cell(t, t),), page=1, number=i + 1) for i, t in enumerate(texts)]
    return Document(path="x.txt", kind="text", lines=lines, pages=1)


def test_a_heading_whose_numeral_ocr_misread_is_found_by_its_title():
    """OCR drops a stroke of 二 and reads 一: the heading of 二 is still 二, by its own title."""
    doc = _doc(["一、总体情况", "今年我局……", "一、主动公开政府信息情况", "第二十条第(一)项",
                "三、收到和处理政府信息公开申请情况", "自然人 商业企业"])
    found = find_sections(doc)
    assert {n: s.line for n, s in found.items()} == {1: 0, 2: 2, 3: 4}
    assert is_section_heading("一、主动公开政府信息情况")


def test_a_numbered_row_label_is_no_section_heading():
    # the rows of 三 are numbered 一、 二、 … too, but no title of the form is theirs
    assert not is_section_heading("一、本年新收政府信息公开申请数量")
    assert not is_section_heading("二、上年结转政府信息公开申请数量")
    assert not is_section_heading("四、结转下年度继续办理")


def test_a_garbled_heading_run_into_its_table_is_found_by_its_whole_title():
    """OCR read 二、 as 一主 and ran the table's first cells into the heading's line: the
    title stands whole after two characters, so the line is 二's heading (and tables of 二
    are read). A title cut short, or standing further in, is not."""
    doc = _doc(["一、总体情况", "今年我局……", "一主主动公开政府信息情况信息内容规章", "第二十条第(一)项",
                "三、收到和处理政府信息公开申请情况", "自然人 商业企业"])
    assert {n: s.line for n, s in find_sections(doc).items()} == {1: 0, 2: 2, 3: 4}
    doc = _doc(["一、总体情况", "本年度主动公开政府信息情况良好", "三、收到和处理政府信息公开申请情况"])
    assert 2 not in find_sections(doc)
    # a line of prose after 三's heading that holds 二's title yields to 三
    doc = _doc(["一、总体情况", "三、收到和处理政府信息公开申请情况", "自然人 商业企业",
                "五、存在的主要问题及改进情况", "我局主动公开政府信息情况仍需改进"])
    assert {n: s.line for n, s in find_sections(doc).items()} == {1: 0, 3: 1, 5: 3}
