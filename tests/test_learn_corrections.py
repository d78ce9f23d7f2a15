"""Corrections: the JSONL format, bad lines rejected by number, applying them to a result
(a new result, the original untouched), and corrected documents as training rows."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from extractor.learn.cli import correct_command, train_command
from extractor.learn.corrections import (CorrectionsFileError, apply_corrections, corrected_documents,
                                         known_values, latest, read_corrections)
from extractor.learn.labelling import label_document
from extractor.pipeline import extract

from .conftest import SEEDS

SEED = SEEDS / "001_29ee529a4ac3a460.txt"
app = typer.Typer(add_completion=False)
app.command("correct")(correct_command)
app.command("train")(train_command)
runner = CliRunner()


@pytest.fixture(scope="module")
def result() -> dict:
    return extract(SEED, model=None)


def line(sha: str, fid: str, before, after, t: str = "2025-03-01T10:00:00Z", **extra) -> str:
    d = {"sha256": sha, "field_id": fid, "value_before": before, "value_after": after, "reviewer": "alice",
         "time": t, **extra}
    return json.dumps(d, ensure_ascii=False)


def test_bad_lines_are_all_rejected_with_their_numbers(tmp_path, result):
    sha = result["document"]["sha256"]
    p = tmp_path / "c.jsonl"
    p.write_text("\n".join([
        line(sha, "requests.new_received.total", 86, 87),
        "{not json",
        "",
        line(sha, "requests.new_received.total", 86, 87, t="yesterday"),
        line("abc", "requests.new_received.total", 86, 87),
        json.dumps({"sha256": sha, "field_id": "requests.total.total"}),
        line(sha, "requests.total.total", 86, "many"),
    ]) + "\n", encoding="utf-8")
    with pytest.raises(CorrectionsFileError) as e:
        read_corrections(p)
    msg = str(e.value)
    assert "5 bad line(s)" in msg
    for n, words in ((2, "not JSON"), (4, "time"), (5, "sha256"), (6, "missing key"), (7, "value_after")):
        assert f"line {n}: " in msg and words in msg.split(f"line {n}: ")[1].split("; line")[0]
    assert "line 1:" not in msg and "line 3:" not in msg


def test_apply_writes_a_new_result_latest_decision_wins(result):
    sha = result["document"]["sha256"]
    from extractor.learn.corrections import Numbered
    from extractor.corrections_format import parse_line
    lines = [line(sha, "requests.new_received.total", 86, 90, t="2025-03-01T10:00:00Z"),
             line(sha, "requests.new_received.total", 90, 87, t="2025-03-02T10:00:00Z"),
             line(sha, "requests.total.total", None, None),
             line("0" * 64, "requests.total.total", 1, 2)]  # another document: ignored
    numbered = [Numbered(i + 1, parse_line(x)) for i, x in enumerate(lines)]
    before = json.dumps(result, sort_keys=True)
    out = apply_corrections(result, numbered, "c.jsonl")
    assert json.dumps(result, sort_keys=True) == before  # the original is not touched
    f = out["fields"]["requests.new_received.total"]
    assert f["value"] == 87 and f["status"] == "ok" and f["confidence"] == 1.0
    assert f["reviewed"]["action"] == "corrected" and f["reviewed"]["value_extracted"] == 86
    assert out["fields"]["requests.total.total"]["status"] == "blank"
    assert out["document"]["corrections"]["applied"] == 2
    assert set(latest(numbered, sha)) == {"requests.new_received.total", "requests.total.total"}


def test_unknown_field_and_other_document_are_errors(result):
    from extractor.learn.corrections import Numbered
    from extractor.corrections_format import parse_line
    sha = result["document"]["sha256"]
    bad = [Numbered(3, parse_line(line(sha, "requests.nothing.total", 1, 2)))]
    with pytest.raises(CorrectionsFileError, match=r"line 3: field_id 'requests.nothing.total'"):
        apply_corrections(result, bad)
    other = [Numbered(1, parse_line(line("f" * 64, "requests.total.total", 1, 2)))]
    with pytest.raises(CorrectionsFileError, match="no line is about this document"):
        apply_corrections(result, other)


def test_correct_command(tmp_path, result):
    res = tmp_path / "r.json"
    res.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    c = tmp_path / "c.jsonl"
    c.write_text(line(result["document"]["sha256"], "requests.new_received.total", 86, 88) + "\n", encoding="utf-8")
    out = tmp_path / "r2.json"
    r = runner.invoke(app, ["correct", str(res), str(c), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert json.loads(out.read_text(encoding="utf-8"))["fields"]["requests.new_received.total"]["value"] == 88
    assert json.loads(res.read_text(encoding="utf-8")) == result
    r = runner.invoke(app, ["correct", str(res), str(c), "--out", str(res)])
    assert r.exit_code == 2 and "never edit the original" in r.output
    c.write_text("oops\n", encoding="utf-8")
    r = runner.invoke(app, ["correct", str(res), str(c)])
    assert r.exit_code == 2 and "line 1:" in r.output


def test_a_corrected_field_labels_its_row(tmp_path, result):
    """A reviewed document (the decision plus the fields left standing) labels its rows: the
    label printed before a row's values becomes that row in the training rows."""
    text = SEED.read_text(encoding="utf-8")
    doc = tmp_path / "doc.txt"
    doc.write_text(text, encoding="utf-8")
    sha = extract(doc, model=None)["document"]["sha256"]
    c = tmp_path / "c.jsonl"
    c.write_text(line(sha, "requests.new_received.total", 86, 86) + "\n", encoding="utf-8")
    [cd] = corrected_documents([c], [tmp_path], model=None)
    assert cd.path == doc and cd.known["requests.new_received.total"] == 86
    labelled = label_document(str(doc), cd.known)
    assert "requests.new_received" in labelled.classes and "requests.total" in labelled.classes
    assert known_values({"a.b.c": {"status": "review", "value": 3}}, {}) == {}


def test_training_refuses_missing_documents(tmp_path):
    c = tmp_path / "c.jsonl"
    c.write_text(line("a" * 64, "requests.total.total", 1, 2) + "\n", encoding="utf-8")
    with pytest.raises(CorrectionsFileError, match="not found"):
        corrected_documents([c], [tmp_path / "nowhere"], model=None)
    r = runner.invoke(app, ["train", "--corrections", str(c), "--out", str(tmp_path / "m"), "--n-train", "7",
                            "--n-calib", "7", "--n-test", "7", "--jobs", "1", "--workdir", str(tmp_path / "w")])
    assert r.exit_code == 2 and "not found" in r.output


def test_train_takes_the_correction_weight(tmp_path, monkeypatch):
    import training.train as tt
    seen = {}
    monkeypatch.setattr(tt, "train", lambda cfg, out, log: seen.update(cfg=cfg))
    r = runner.invoke(app, ["train", "--correction-weight", "2.5", "--out", str(tmp_path / "m")])
    assert r.exit_code == 0 and seen["cfg"].correction_weight == 2.5
    r = runner.invoke(app, ["train", "--out", str(tmp_path / "m")])
    assert seen["cfg"].correction_weight == tt.CORRECTION_WEIGHT
    assert runner.invoke(app, ["train", "--correction-weight", "-1"]).exit_code == 2
