"""End to end over the five real seed reports against their truth."""

from __future__ import annotations

import pytest

from extractor.pipeline import extract

from .conftest import seed_paths, truth_for

SEEDS = seed_paths()


@pytest.fixture(scope="module")
def results():
    return {p.name: (extract(p), truth_for(p)) for p in SEEDS}


def test_all_five_seeds_present():
    assert len(SEEDS) == 5


@pytest.mark.parametrize("name", [p.name for p in SEEDS])
def test_template_agency_year(results, name):
    result, truth = results[name]
    assert result["template"] == truth["template"]
    assert result["agency"] == truth["agency"]
    assert result["year"] == truth["year"]


@pytest.mark.parametrize("name", [p.name for p in SEEDS])
def test_every_field_of_the_template_present(results, name):
    from extractor.template import load_templates
    result, truth = results[name]
    assert list(result["fields"]) == load_templates()[truth["template"]].field_ids


@pytest.mark.parametrize("name", [p.name for p in SEEDS])
def test_every_printed_field_right(results, name):
    result, truth = results[name]
    wrong = {fid: (v, result["fields"][fid]["value"]) for fid, v in truth["fields"].items()
             if result["fields"][fid]["value"] != v}
    assert not wrong


@pytest.mark.parametrize("name", [p.name for p in SEEDS])
def test_no_wrong_value_marked_ok(results, name):
    result, truth = results[name]
    expected = {**truth["fields"], **truth["implied"], **{f: None for f in truth["missing"]}}
    silent = [fid for fid, f in result["fields"].items()
              if f["status"] == "ok" and f["value"] != expected.get(fid, "absent")]
    assert not silent


@pytest.mark.parametrize("name", [p.name for p in SEEDS])
def test_nothing_invented_where_the_table_is_cut(results, name):
    result, truth = results[name]
    invented = [f for f in truth["missing"] if result["fields"][f]["value"] is not None]
    assert not invented
    for f in truth["missing"]:
        assert result["fields"][f]["status"] == "missing"


def test_printed_blank_cells_come_out_blank(results):
    result, truth = results["004_a019567fb67cfa3a.txt"]
    blanks = [f for f, v in truth["fields"].items() if v is None]
    assert blanks
    assert all(result["fields"][f]["status"] == "blank" for f in blanks)


def test_rule_break_in_003_reported_and_values_kept(results):
    result, truth = results["003_94a1ddae1680c43d.txt"]
    failed = [c for c in result["checks"] if not c["ok"]]
    assert failed, "the source's broken 勾稽关系 must be reported"
    assert any("requests.granted.natural_person" in c["fields"] or "requests.total.natural_person" in c["fields"]
               for c in failed)
    assert result["fields"]["requests.granted.natural_person"]["value"] == 1
    assert result["fields"]["requests.new_received.natural_person"]["value"] == 0


def test_implied_fields_of_000_inferred_or_missing_never_wrong(results):
    result, truth = results["000_e1c1c6cf9454c6f5.txt"]
    assert truth["implied"]
    for fid, v in truth["implied"].items():
        f = result["fields"][fid]
        assert f["status"] in ("inferred", "missing", "review"), fid
        if f["status"] == "inferred":
            assert f["value"] == v
            assert "forced by" in f["source"]["derivation"]


def test_units_as_printed(results):
    for name, (result, truth) in results.items():
        for fid, unit in truth["units"].items():
            assert result["fields"][fid].get("unit") == unit, (name, fid)


def test_provenance_points_at_the_line(results):
    result, _ = results["001_29ee529a4ac3a460.txt"]
    src = result["fields"]["requests.new_received.total"]["source"]
    assert src["line"] > 0 and src["text"] == "86"


def test_appeals_printed_as_three_labelled_rows(tmp_path):
    text = (SEEDS[1].read_text(encoding="utf-8").split("四、政府信息公开行政复议")[0]
            + "四、政府信息公开行政复议、行政诉讼情况\n"
            + "\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n"
            + "行政复议\t3\t0\t0\t0\t3\n未经复议直接起诉\t4\t0\t0\t1\t5\n复议后起诉\t3\t0\t0\t1\t4\n五、存在的主要问题及改进情况\n无\n")
    p = tmp_path / "rows.txt"
    p.write_text(text, encoding="utf-8")
    fields = extract(p)["fields"]
    assert [fields[f"appeals.litigation_direct.{c}"]["value"] for c in ("upheld", "corrected", "other", "pending", "total")] == [4, 0, 0, 1, 5]
    assert fields["appeals.review.total"]["status"] == "ok"


def test_ocr_digit_confusions_go_to_review_unless_a_rule_confirms(tmp_path):
    text = SEEDS[3].read_text(encoding="utf-8")  # 003: tabs
    text = text.replace("行政处罚\t615\t\t651", "行政处罚\t6l5\t\t651")  # no rule covers art20 tables
    text = text.replace("(一) 予以公开\t1\t0\t0\t0\t0\t0\t1", "(一) 予以公开\t1\tO\t0\t0\t0\t0\t1")
    p = tmp_path / "ocr.txt"
    p.write_text(text, encoding="utf-8")
    f = extract(p)["fields"]
    penalty = f["art20_6.administrative_penalty.prev_items"]
    assert penalty["value"] == 615 and penalty["status"] == "review" and "6l5" in penalty["source"]["note"]
    granted = f["requests.granted.commercial"]
    assert granted["value"] == 0 and granted["status"] == "ok" and "'O'" in granted["source"]["note"]


def test_a_value_printed_with_a_leading_zero_goes_to_review(tmp_path):
    text = SEEDS[3].read_text(encoding="utf-8")  # 003: tabs; no rule covers art20 tables
    assert "行政处罚\t615\t\t651" in text
    p = tmp_path / "zero.txt"
    p.write_text(text.replace("行政处罚\t615\t\t651", "行政处罚\t0615\t\t651"), encoding="utf-8")
    penalty = extract(p)["fields"]["art20_6.administrative_penalty.prev_items"]
    assert penalty["value"] == 615 and penalty["status"] == "review"
    assert "read '0615' as 615" in penalty["source"]["note"]
