"""Agency and year from the title and the text."""

from extractor.meta import find_agency, find_year
from extractor.readers.text import read_text_bytes


def doc(text):
    return read_text_bytes(text.encode())


def test_agency_before_the_year_in_the_title():
    d = doc("甲市财政局2021年政府信息公开工作年度报告\n一、总体情况\n")
    assert find_agency(d).value == "甲市财政局" and find_year(d).value == 2021
    assert find_agency(d).confidence >= 0.9


def test_agency_on_the_line_before_the_title():
    d = doc("乙县教育局\n\n2020 年政府信息公开工作年度报告\n")
    assert find_agency(d).value == "乙县教育局" and find_year(d).value == 2020


def test_year_first_title():
    d = doc("2022年丙区人民政府政府信息公开工作年度报告\n")
    assert find_agency(d).value == "丙区人民政府" and find_year(d).value == 2022
    assert find_year(d).confidence >= 0.9 and find_year(d).line == 0


def test_title_with_guanyu():
    d = doc("丁市卫生健康委员会关于2023年度政府信息公开工作年度报告\n")
    assert find_agency(d).value == "丁市卫生健康委员会" and find_year(d).value == 2023


def test_year_from_the_statistics_period():
    d = doc("本报告中所列数据的统计期限自2020年1月1日至2020年12月31日止。\n")
    assert find_year(d).value == 2020 and find_year(d).confidence == 0.9


def test_no_title_falls_back_to_the_most_named_body_with_low_confidence():
    d = doc("一、总体情况\n2020年，在区委的领导下，甲乙分局紧紧围绕中心。甲乙分局还做了很多工作。\n")
    a = find_agency(d)
    assert a.value == "甲乙分局" and a.confidence < 0.8


def test_title_wrapped_over_two_lines():
    d = doc("南江市公安局江北分局 2023 年度政府信息公开\n工作年度报告\n一、总体情况\n")
    assert find_agency(d).value == "南江市公安局江北分局" and find_year(d).value == 2023


def test_table_words_are_not_taken_for_a_body():
    d = doc("信息内容\t本年处理决定数量\n行政许可\t3\n")
    assert find_agency(d).value != "信息内容本年处"


def test_year_with_digits_spaced_by_ocr():
    d = doc("乙镇人民政府\n2 02 3 年度政府信息公开工作年度报告\n本报告由乙镇人民政府编制。\n")
    assert find_agency(d).value == "乙镇人民政府" and find_agency(d).confidence >= 0.9
    assert find_year(d).value == 2023 and find_year(d).confidence >= 0.9


def test_a_year_written_in_chinese_numerals():
    """二〇二一年 (〇 also set as ○, 零 or a letter O) is the year 2021; a number that is no
    year (十二月, 三〇二室) stays as it is."""
    for title, year in [("甲市人民政府办公室二〇二一年政府信息公开工作年度报告", 2021),
                        ("乙县农业农村局二O二O年度政府信息公开工作报告", 2020),
                        ("二○二三年丙区水利局政府信息公开工作年度报告", 2023)]:
        d = doc(title + "\n一、总体情况\n")
        assert find_year(d).value == year and find_year(d).confidence >= 0.9, title
        assert find_agency(d).value[0] in "甲乙丙", title
    d = doc("一、总体情况\n三〇二室于十二月收到申请。\n")
    assert find_year(d).value is None
    d = doc("甲市人民政府办公室二〇二一年政府信息公开工作年度报告\n一、总体情况\n")
    assert find_year(d).text == "甲市人民政府办公室二〇二一年政府信息公开工作年度报告", "its source, as printed"


def test_a_title_calling_the_report_nianbao():
    d = doc("丁镇人民政府2019年政府信息公开年报\n一、总体情况\n")
    assert find_agency(d).value == "丁镇人民政府" and find_year(d).value == 2019
    assert find_agency(d).confidence >= 0.9


def test_a_title_without_a_year_before_its_report():
    """政府信息公开工作年度报告 with the year on a line of its own below it, or inside it
    (…工作2021年度报告), and the agency before it on its line or alone above or below."""
    for text in ["政府信息公开工作年度报告\n（2021年度）\n甲市财政局\n",
                 "甲市财政局\n政府信息公开工作年度报告\n（2021年度）\n",
                 "甲市财政局政府信息公开工作2021年度报告\n"]:
        d = doc(text + "一、总体情况\n本机关认真贯彻落实条例。\n")
        assert (find_agency(d).value, find_year(d).value) == ("甲市财政局", 2021), text
        assert find_agency(d).confidence >= 0.85 and find_year(d).confidence >= 0.9, text
    prose = doc("本机关政府信息公开工作年度报告如下。\n一、总体情况\n")
    assert find_agency(prose).value is None


def test_a_year_in_brackets_before_the_agency():
    d = doc("【2021年度】甲市财政局政府信息公开工作年度报告\n")
    assert find_agency(d).value == "甲市财政局" and find_year(d).value == 2021


def test_agency_on_the_line_before_a_title_whose_year_ocr_garbled():
    text = ("丙市公安局交通警察支队\n2 0 2 1 1年政府信息公开工作年度报告\n"
            "本报告由丙市公安局交通警察支队编制。丙市公安局负责指导。丙市公安局\n"
            "本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。\n")
    a = find_agency(doc(text))
    assert a.value == "丙市公安局交通警察支队" and a.confidence >= 0.8
    assert find_year(doc(text)).value == 2021


def test_a_garbled_title_without_a_name_before_it_leaves_the_agency_in_doubt():
    a = find_agency(doc("一、总体情况\n2 0 2 1 1年政府信息公开工作年度报告\n甲乙分局做了工作。甲乙分局\n"))
    assert a.confidence < 0.8


def test_a_web_page_titled_only_in_its_title_tag_names_agency_and_year_there():
    from extractor.readers.html import read_html_bytes
    page = ("<html><head><title>甲市审计局2023年政府信息公开工作年度报告_甲市人民政府</title></head>"
            "<body><p>一、总体情况</p><p>本年度，我局做了很多工作。</p></body></html>")
    d = read_html_bytes(page.encode(), "page.html")
    agency, year = find_agency(d), find_year(d)
    assert agency.value == "甲市审计局" and year.value == 2023
    assert agency.line is None and "甲市审计局" in agency.text and agency.confidence <= 0.9


def test_a_title_in_the_text_wins_over_the_title_tag():
    from extractor.readers.html import read_html_bytes
    page = ("<html><head><title>首页_乙县人民政府网站</title></head>"
            "<body><p>乙县民政局2022年政府信息公开工作年度报告</p></body></html>")
    assert find_agency(read_html_bytes(page.encode(), "page.html")).value == "乙县民政局"


def test_table_rows_and_the_term_government_information_name_no_body():
    # no title anywhere: the row label "…行政机关不再处理其政府信息公开申请" and the heading
    # "主动公开政府信息情况" end in 政府 but name no body
    d = doc("二、主动公开政府信息情况\n主动公开政府信息情况见下表。\n"
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请\t3\t0\t3\n"
            "3.申请人逾期、行政机关不再处理其政府信息公开申请\t1\t0\t1\n")
    assert find_agency(d).value is None
