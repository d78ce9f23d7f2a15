"""Pieces of the held-out family experiment: label damage and the simulated reviewer."""

from __future__ import annotations

import random

from extractor.evaluate import Case
from extractor.learn.corrections import read_corrections
from training.experiments.heldout_family import damage_text, pick_for_review, simulate_review

from .conftest import SEEDS, truth_for


def test_damage_touches_table_lines_only_and_is_seeded():
    text = "一、总体情况\n本年新收政府信息公开申请数量\t1\t2\n（一）予以公开\t0\t0"
    a = damage_text(text, random.Random(1), 1.0)
    assert a == damage_text(text, random.Random(1), 1.0)
    lines = a.split("\n")
    assert lines[0] == "一、总体情况"
    assert lines[1] != "本年新收政府信息公开申请数量\t1\t2" and lines[1].endswith("\t1\t2")
    assert damage_text(text, random.Random(1), 0.0) == text


def test_simulated_review_writes_valid_corrections(tmp_path):
    doc = SEEDS / "002_435f26b1a9bfaecf.txt"
    truth = dict(truth_for(doc))
    truth["fields"] = dict(truth["fields"])
    fid = "requests.new_received.natural_person"
    truth["fields"][fid] = (truth["fields"][fid] or 0) + 1  # the reviewer says the value is wrong
    case = Case(doc.parent / "truth" / (doc.stem + ".json"), doc, truth)
    out = tmp_path / "c.jsonl"
    counts = simulate_review([case], None, out)
    lines = read_corrections(out)
    assert counts["corrected"] >= 1 and len(lines) == counts["corrected"] + counts["confirmed"]
    fixed = [n.correction for n in lines if n.correction.field_id == fid]
    assert fixed and fixed[0].value_after == truth["fields"][fid] and not fixed[0].confirmed
    assert pick_for_review([case, case], None, 1, "first") == ([case], [case])


# --------------------------------------------------------------------------- the wording family


def _wording_docs(tmp_path, n=6):
    from training.generate import generate
    generate(tmp_path, n, seed=7, families=["wording"])
    return sorted((tmp_path / "truth").glob("*.json"))


def test_wording_family_is_made_only_when_named():
    from training.generate import FAMILIES, select_families
    assert FAMILIES["wording"] == "text"
    assert "wording" not in select_families() and "wording" not in select_families(["text"])
    assert select_families(families=["wording"]) == ["wording"]


def test_wording_family_prints_own_labels_and_keeps_the_truth_whole(tmp_path):
    import json

    from training.gen import spec
    from training.gen.wording import WORDINGS
    own = {w for ws in WORDINGS.values() for w in ws} - {"部分公开"}
    reworded = shortened = 0
    for tp in _wording_docs(tmp_path):
        truth = json.loads(tp.read_text(encoding="utf-8"))
        text = (tmp_path / "docs" / truth["document"]).read_bytes()
        from extractor.readers.encoding import decode_bytes
        text = decode_bytes(text)[0]
        reworded += sum(w in text for w in own)
        shortened += "leaves out" in truth["notes"]
        every = set(truth["fields"]) | set(truth["implied"]) | set(truth["missing"])
        assert every == set(spec.field_ids(truth["template"]))  # each field printed, implied or missing
        known = {**truth["fields"], **truth["implied"]}
        assert not spec.violations(truth["template"], known) or truth["rule_breaks"]
    assert reworded >= 6 and shortened >= 1


def test_reword_keeps_the_numbering_and_subtotals_add_up():
    from training.gen.grid import Grid
    from training.gen.style import make_style
    from training.gen.wording import add_subtotals, reword_grid
    style = make_style(random.Random(3), "2021")
    g = Grid("requests", 2, 4)
    g.add(0, 1, "（三）不予公开", rowspan=2, role="parent")
    g.add(0, 2, "1.属于国家秘密")
    g.add(1, 2, "2.其他法律行政法规禁止公开")
    for r, row in enumerate(("denied.state_secret", "denied.prohibited_by_law")):
        g.add(r, 3, str(r + 1), role="value", field=f"requests.{row}.total")
    labels = {"denied.state_secret": "（三）不予公开 1.属于国家秘密"}
    reword_grid(g, style, labels, {"denied.state_secret": "国家秘密"})
    assert g.cells[1].text == style.sub.format("1") + "国家秘密" and g.cells[0].text == "（三）不予公开"
    add_subtotals(random.Random(1), g, {"requests.denied.state_secret.total": 1,
                                        "requests.denied.prohibited_by_law.total": 2})
    assert g.nrows == 3 and g.cells[0].rowspan == 3
    assert [c.text for c in g.cells if c.row == 2 and c.role == "value"] == ["3"]
