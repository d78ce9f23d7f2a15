"""Cross-year check: this year's 上年结转 equals last year's 结转下年度继续办理, per agency."""

from __future__ import annotations

import json

from extractor.batch.crossyear import COLUMNS, YearFacts, check, facts
from extractor.batch.run import BatchOptions, run_batch
from training.generate_pairs import generate_pairs

from .batch_support import read_csv


def year(agency, y, over=0, forward=0, source=None, status="success", **cols):
    f = YearFacts(agency, y, source or f"{agency}-{y}", status)
    for c in COLUMNS:
        f.over[c] = cols.get(f"over_{c}", over)
        f.forward[c] = cols.get(f"forward_{c}", forward)
    return f


def test_pairs_ok_mismatch_incomplete():
    rows = check([
        year("甲局", 2020, forward=3), year("甲局", 2021, over=3, forward=1),
        year("甲局", 2022, over=1, over_commercial=4),  # planted: commercial differs
        year("乙局", 2021, forward=2), year("乙局", 2022, over=2, over_total=None),
        year("丙局", 2019, forward=1), year("丙局", 2021, over=9),  # no 2020: no pair
    ])
    got = [(r.agency, r.previous_year, r.year, r.status) for r in rows]
    assert got == [("乙局", 2021, 2022, "incomplete"), ("甲局", 2020, 2021, "ok"),
                   ("甲局", 2021, 2022, "mismatch")]
    mismatch = rows[-1]
    assert "commercial: 上年结转 4 ≠ 2021 结转下年度 1" in mismatch.detail
    assert "natural_person" not in mismatch.detail


def test_several_documents_of_one_year_use_the_most_complete():
    rows = check([year("甲局", 2020, forward=3, source="a.pdf", status="partial"),
                  year("甲局", 2020, forward=3, source="a.html"),
                  year("甲局", 2021, over=3)])
    assert rows[0].status == "ok" and rows[0].previous_source == "a.html"
    assert "2 documents for 2020" in rows[0].note


def test_facts_read_blank_as_zero_and_missing_as_unknown():
    fields = {f"requests.carried_over.{c}": {"value": 1, "status": "ok"} for c in COLUMNS}
    fields.update({f"requests.carried_forward.{c}": {"value": None, "status": "blank"} for c in COLUMNS})
    fields["requests.carried_over.total"] = {"value": None, "status": "missing"}
    fields["requests.carried_over.research"] = {"value": 1, "status": "review"}
    f = facts({"template": "2021", "agency": "某 市 局", "year": 2022, "fields": fields}, "x", "partial")
    assert f.agency == "某市局" and f.forward["total"] == 0 and f.over["total"] is None
    assert f.review == {"requests.carried_over.research"}
    assert facts({"template": None, "agency": "x", "year": 2022, "fields": {}}, "x", "failure") is None


def test_generated_pairs_with_a_planted_mismatch(tmp_path):
    pairs = generate_pairs(tmp_path / "gen", agencies=4, seed=1, mismatches=1)
    assert sum(p["expected"] == "mismatch" for p in pairs) == 1
    summary = run_batch([tmp_path / "gen" / "docs"], tmp_path / "out", BatchOptions(workers=1))
    got = {(r.agency, r.year): r.status for r in summary.crossyear}
    want = {(p["agency"], p["year"]): p["expected"] for p in pairs}
    assert got == want
    planted = next(p for p in pairs if p["expected"] == "mismatch")
    row = next(r for r in summary.crossyear if r.status == "mismatch")
    assert row.detail.startswith(planted["column"] + ": 上年结转")
    table = read_csv(tmp_path / "out" / "crossyear.csv")
    assert [(r["agency"], int(r["year"]), r["status"]) for r in table] == \
        [(r.agency, r.year, r.status) for r in summary.crossyear]
    saved = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert saved["crossyear"]["by_status"] == {"ok": len(pairs) - 1, "mismatch": 1}
