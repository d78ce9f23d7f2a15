"""Template detection from the evidence."""

from extractor.detect import detect_template
from extractor.template import label_key

COMMON = ["本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "予以公开", "属于国家秘密", "结转下年度继续办理"]


def keys(*labels):
    return [label_key(x) for x in (*COMMON, *labels)]


def test_2019_columns():
    g = detect_template(keys("本年新制作数量", "本年新公开数量", "对外公开总数量", "政府集中采购"), 2020)
    assert g.name == "2019" and g.confidence > 0.9


def test_2021_columns_and_subrows():
    g = detect_template(keys("本年制发件数", "本年废止件数", "现行有效件数", "申请人无正当理由逾期不补正"), 2022)
    assert g.name == "2021" and g.confidence > 0.9


def test_labels_outweigh_a_misread_year():
    g = detect_template(keys("本年制发件数", "本年废止件数", "现行有效件数"), 2020)
    assert g.name == "2021" and g.confidence < 0.9


def test_no_form_labels_no_template():
    g = detect_template([label_key("今天天气很好")], 2021)
    assert g.name is None and "no table" in g.reason


def test_pre_2019_reports_are_not_forced():
    g = detect_template(keys(), 2016)
    assert g.name is None and "2016" in g.reason
