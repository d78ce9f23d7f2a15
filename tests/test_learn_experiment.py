"""Pieces of the held-out family experiment: label damage and the simulated reviewer."""

from __future__ import annotations

import json
import random
from types import SimpleNamespace

import pytest

from extractor.evaluate import Case, find_cases
from extractor.learn.corrections import read_corrections
from extractor.learn.labelling import label_document, truth_known
from extractor.readers.encoding import decode_bytes
from extractor.template import label_key
from training.experiments.heldout_family import damage_text, pick_for_review, simulate_review
from training.gen import spec
from training.gen.grid import Grid
from training.gen.style import make_style
from training.gen.wording import WORDINGS, add_subtotals, reword_grid
from training.generate import FAMILIES, generate, select_families
from training.train import TrainConfig, fit_rows

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
    generate(tmp_path, n, seed=7, families=["wording"])
    return sorted((tmp_path / "truth").glob("*.json"))


def test_wording_family_is_made_only_when_named():
    assert FAMILIES["wording"] == "text"
    assert "wording" not in select_families() and "wording" not in select_families(["text"])
    assert select_families(families=["wording"]) == ["wording"]


def test_wording_family_prints_own_labels_and_keeps_the_truth_whole(tmp_path):
    own = {w for ws in WORDINGS.values() for w in ws} - {"部分公开"}
    reworded = shortened = 0
    for tp in _wording_docs(tmp_path):
        truth = json.loads(tp.read_text(encoding="utf-8"))
        text = decode_bytes((tmp_path / "docs" / truth["document"]).read_bytes())[0]
        reworded += sum(w in text for w in own)
        shortened += "leaves out" in truth["notes"]
        every = set(truth["fields"]) | set(truth["implied"]) | set(truth["missing"])
        assert every == set(spec.field_ids(truth["template"]))  # each field printed, implied or missing
        known = {**truth["fields"], **truth["implied"]}
        assert not spec.violations(truth["template"], known) or truth["rule_breaks"]
    assert reworded >= 6 and shortened >= 1


def test_reword_keeps_the_numbering_and_subtotals_add_up():
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


def _own_wording_samples(tmp_path):
    """A wording document reviewed in full: its labelled rows, and which are own wordings."""
    _wording_docs(tmp_path, 3)
    cases, _ = find_cases(tmp_path / "docs", tmp_path / "truth")
    case = cases[0]
    doc = label_document(str(case.doc_path), truth_known(case.truth))
    own = {w: r for r, ws in WORDINGS.items() for w in ws}
    keys = {label_key(w): r for w, r in own.items()}
    hits = [(i, keys[k]) for i, k in enumerate(doc.keys) if k in keys]
    return cases, doc, hits


def test_a_reviewed_wording_document_labels_its_own_wordings(tmp_path):
    """What the corrections teach: a label printed in the agency's words becomes its row."""
    _, doc, hits = _own_wording_samples(tmp_path)
    assert len(hits) >= 5
    right = sum(doc.classes[i].split(".", 1)[1] == row for i, row in hits)
    assert right >= len(hits) - 1


def test_corrected_rows_count_correction_weight_times(tmp_path):
    """The weight of a corrected document's rows moves the row model toward its labels."""
    cases, doc, hits = _own_wording_samples(tmp_path / "w")
    generate(tmp_path / "g", 6, seed=5, families=["tabs"])
    train, _ = find_cases(tmp_path / "g" / "docs", tmp_path / "g" / "truth")
    corrected = [SimpleNamespace(path=cases[0].doc_path, known=truth_known(cases[0].truth))]

    def p_right(weight):
        cfg = TrainConfig(jobs=1, correction_weight=weight, row_params={"max_iter": 100})
        clf = fit_rows(train, corrected, cfg, log=lambda m: None)
        p = clf.predict_proba([doc.features[i] for i, _ in hits])
        col = {c: k for k, c in enumerate(clf.classes_)}
        return sum(p[n, col[doc.classes[i]]] for n, (i, _) in enumerate(hits) if doc.classes[i] in col)

    assert p_right(5.0) > p_right(1.0)


@pytest.mark.slow
def test_the_experiment_end_to_end_on_a_tiny_set(tmp_path):
    from training.experiments.heldout_family import run
    cfg = TrainConfig(n_train=14, n_calib=14, n_test=0, jobs=1, row_params={"max_iter": 60})
    res = run("wording", k=2, cfg=cfg, n_family=6, workdir=tmp_path, log=lambda m: None)
    assert len(res["reviewed_documents"]) == 2 and res["measured_documents"] == 4
    assert (tmp_path / "corrections-wording-d0.0-k2-uncertain-w5.0.jsonl").exists()
    assert res["models"]["before"] != res["models"]["after"]  # the corrections changed the model
    for f in res["figures"].values():
        assert f["documents"] == 4 and 0 <= f["accuracy"] <= 1
        assert sum(f["wrong_by_status"].values()) == round((1 - f["accuracy"]) * f["scored"])
