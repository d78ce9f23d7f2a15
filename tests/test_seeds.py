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
