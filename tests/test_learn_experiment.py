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
