"""Ordered alignment of printed labels to template rows."""

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
