"""Tests of the evaluation module: scoring rules, aggregates, floors and the CLI command."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from extractor import evaluate as ev
from extractor.evaluate import (
    Report,
    bin_index,
    calibration,
    eval_command,
    evaluate,
    expected_calibration_error,
    score_document,
)

SEEDS = Path(__file__).parent / "data" / "seeds"

TRUTH = {
    "document": "a.txt",
    "template": "2019",
    "agency": "某某局",
    "year": 2020,
    "fields": {"t.r.printed": 5, "t.r.blank": None, "t.r.big": 542280},
    "implied": {"t.r.implied": 0},
    "missing": ["t.r.gone"],
}


def fld(value, status="ok", confidence=0.99) -> dict:
    return {"value": value, "confidence": confidence, "status": status, "source": None}


def result(fields: dict, template="2019", agency="某某局", year=2020) -> dict:
    return {"document": {"path": "a.txt", "kind": "text"}, "template": template, "agency": agency,
            "year": year, "fields": fields, "checks": [], "errors": []}


def perfect_fields() -> dict:
    return {
        "t.r.printed": fld(5),
        "t.r.blank": fld(None, "blank"),
        "t.r.big": fld(542280.0000001),  # within 1e-6 relative
        "t.r.implied": fld(0, "inferred"),
        "t.r.gone": fld(None, "missing"),
    }


def outcome(score, fid):
    return next(f for f in score.fields if f.id == fid)


# ----------------------------------------------------------------- scoring rules


def test_all_correct():
    s = score_document(result(perfect_fields()), TRUTH)
    assert (s.scored, s.correct, s.wrong, s.silent) == (5, 5, 0, 0)
    assert s.accuracy == 1.0
    assert s.template_ok and s.agency_ok and s.year_ok
    assert outcome(s, "t.r.implied").outcome == "recovered"


def test_wrong_value_with_status_ok_is_silent():
    f = perfect_fields() | {"t.r.printed": fld(6, "ok")}
    s = score_document(result(f), TRUTH)
    o = outcome(s, "t.r.printed")
    assert o.outcome == "wrong" and o.silent
    assert s.silent == 1 and s.wrong == 1


def test_wrong_value_under_review_is_not_silent():
    f = perfect_fields() | {"t.r.printed": fld(6, "review", 0.4)}
    s = score_document(result(f), TRUTH)
    assert s.wrong == 1 and s.silent == 0 and s.review == 1


def test_printed_blank_needs_null_any_status():
    s = score_document(result(perfect_fields() | {"t.r.blank": fld(None, "missing")}), TRUTH)
    assert outcome(s, "t.r.blank").outcome == "correct"
    s = score_document(result(perfect_fields() | {"t.r.blank": fld(0, "ok")}), TRUTH)
    assert outcome(s, "t.r.blank").outcome == "wrong" and s.silent == 1


def test_printed_field_absent_or_null_is_wrong():
    f = perfect_fields()
    del f["t.r.printed"]
    s = score_document(result(f), TRUTH)
    assert outcome(s, "t.r.printed").outcome == "wrong"
    assert outcome(s, "t.r.printed").status == "absent"
    s = score_document(result(perfect_fields() | {"t.r.printed": fld(None, "missing")}), TRUTH)
    assert outcome(s, "t.r.printed").outcome == "wrong"


def test_printed_blank_absent_is_wrong():
    f = perfect_fields()
    del f["t.r.blank"]
    assert outcome(score_document(result(f), TRUTH), "t.r.blank").outcome == "wrong"


def test_implied_left_missing_is_not_scored():
    s = score_document(result(perfect_fields() | {"t.r.implied": fld(None, "missing", 0.0)}), TRUTH)
    assert outcome(s, "t.r.implied").outcome == "left_missing"
    assert (s.scored, s.correct, s.wrong) == (4, 4, 0)


def test_implied_wrong_and_inferred_wrong():
    s = score_document(result(perfect_fields() | {"t.r.implied": fld(3, "inferred")}), TRUTH)
    o = outcome(s, "t.r.implied")
    assert o.outcome == "wrong" and o.inferred_wrong and not o.silent
    t = ev.Totals.of([s])
    assert (t.implied, t.recovered, t.implied_wrong, t.inferred_wrong, t.silent) == (1, 0, 1, 1, 0)


def test_a_printed_value_read_as_blank_is_counted_apart():
    f = perfect_fields()
    f["t.r.printed"] = fld(None, "blank")
    s = score_document(result(f), TRUTH)
    o = outcome(s, "t.r.printed")
    assert o.outcome == "wrong" and o.blank_wrong and not o.silent and not o.inferred_wrong
    assert ev.Totals.of([s]).blank_wrong == 1


def test_implied_recovered_with_any_status():
    s = score_document(result(perfect_fields() | {"t.r.implied": fld(0, "ok")}), TRUTH)
    assert outcome(s, "t.r.implied").outcome == "recovered"


def test_missing_field_invented_is_wrong():
    s = score_document(result(perfect_fields() | {"t.r.gone": fld(7, "ok")}), TRUTH)
    assert outcome(s, "t.r.gone").outcome == "wrong" and s.silent == 1
    assert ev.Totals.of([s]).invented == 1
    f = perfect_fields()
    del f["t.r.gone"]  # absent counts as null: correct
    assert outcome(score_document(result(f), TRUTH), "t.r.gone").outcome == "correct"
    s = score_document(result(perfect_fields() | {"t.r.gone": fld(None, "blank")}), TRUTH)
    assert outcome(s, "t.r.gone").outcome == "correct"


def test_non_numeric_value_is_wrong_and_serialisable():
    s = score_document(result(perfect_fields() | {"t.r.printed": fld("五", "ok")}), TRUTH)
    o = outcome(s, "t.r.printed")
    assert o.outcome == "wrong" and o.to_dict()["value"] == "non-numeric"
    assert outcome(score_document(result(perfect_fields() | {"t.r.printed": fld("5")}), TRUTH),
                   "t.r.printed").outcome == "correct"


def test_document_level_matches():
    s = score_document(result(perfect_fields(), template="2021", agency=" 某某局 ", year="2020"), TRUTH)
    assert not s.template_ok and s.agency_ok and s.year_ok
    s = score_document(result(perfect_fields(), template=None, agency="某局", year=2021), TRUTH)
    assert not (s.template_ok or s.agency_ok or s.year_ok)


def test_extra_result_fields_are_counted_not_scored():
    s = score_document(result(perfect_fields() | {"x.y.z": fld(1)}), TRUTH)
    assert s.extra_fields == 1 and s.scored == 5


def test_rates_over_scored_fields():
    f = perfect_fields() | {"t.r.printed": fld(6, "ok"), "t.r.big": fld(542280, "review", 0.6)}
    t = ev.Totals.of([score_document(result(f), TRUTH)])
    assert t.accuracy == pytest.approx(4 / 5)
    assert t.silent_rate == pytest.approx(1 / 5)
    assert t.review_rate == pytest.approx(1 / 5)


# ----------------------------------------------------------------- calibration


def test_bins_and_ece():
    assert [bin_index(c) for c in (0.0, 0.49, 0.5, 0.85, 0.9, 0.97, 0.99, 1.0)] == [0, 0, 1, 2, 3, 4, 5, 5]
    f = perfect_fields() | {"t.r.printed": fld(6, "ok", 0.995)}
    bins = calibration(score_document(result(f), TRUTH).fields)
    top = bins[-1]
    # fields with a value: printed (wrong, .995), big (right, .99), implied (right, .99)
    assert top.count == 3 and top.correct == 2
    ece = expected_calibration_error(bins)
    assert ece == pytest.approx(abs(2 / 3 - (0.995 + 0.99 + 0.99) / 3))
    assert expected_calibration_error(calibration([])) is None


# ----------------------------------------------------------------- running


def write_case(docs: Path, truth_dir: Path, stem: str, suffix: str, truth: dict) -> None:
    (docs / f"{stem}{suffix}").write_text("x", encoding="utf-8")
    (truth_dir / f"{stem}.json").write_text(
        json.dumps(truth | {"document": f"{stem}{suffix}"}, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def dirs(tmp_path):
    docs, truth = tmp_path / "docs", tmp_path / "truth"
    docs.mkdir()
    truth.mkdir()
    write_case(docs, truth, "a", ".txt", TRUTH)
    write_case(docs, truth, "b", ".html", TRUTH | {"family": "grid"})
    write_case(docs, truth, "c", ".pdf", TRUTH)
    (truth / "nodoc.json").write_text(json.dumps(TRUTH | {"document": "nodoc.txt"}), encoding="utf-8")
    return docs, truth


def fake_extract(path: str) -> dict:
    name = Path(path).name
    if name.startswith("c"):
        raise RuntimeError("boom")
    f = perfect_fields()
    if name.startswith("b"):
        f["t.r.printed"] = fld(9, "ok")
    return result(f)


def test_evaluate_kinds_failed_and_skipped(dirs):
    r = evaluate(*dirs, extract=fake_extract)
    assert [d.name for d in r.docs] == ["a.txt", "b.html", "c.pdf"]
    assert r.skipped == ["nodoc.json"]
    kinds = r.by_kind()
    assert set(kinds) == {"text", "html", "pdf"}
    assert kinds["text"].accuracy == 1.0
    assert kinds["html"].silent == 1
    assert set(r.by_family()) == {"grid", "unknown"}
    failed = r.failed
    assert len(failed) == 1 and "boom" in failed[0].error
    c = failed[0]
    assert c.wrong == len(c.fields) == 5 and c.silent == 0
    assert not (c.template_ok or c.agency_ok or c.year_ok)
    t = r.totals
    assert (t.docs, t.failed, t.scored, t.correct) == (3, 1, 15, 9)
    assert r.worst_documents()[0].name == "c.pdf"
    worst = r.worst_fields()  # the failed document is listed apart, not counted here
    assert [(w.id, w.errors, w.silent) for w in worst] == [("t.r.printed", 1, 1)]
    assert t.invented == 0  # a failed document's missing fields are wrong but not invented
    d = json.loads(json.dumps(r.to_dict()))
    assert d["summary"]["failed"] == 1 and d["failed_documents"][0]["document"] == "c.pdf"


def test_filters(dirs):
    r = evaluate(*dirs, extract=fake_extract, kinds=["text", "html"])
    assert [d.kind for d in r.docs] == ["text", "html"]
    r = evaluate(*dirs, extract=fake_extract, families=["grid"])
    assert [d.name for d in r.docs] == ["b.html"]
    r = evaluate(*dirs, extract=fake_extract, exclude_families=["grid"])
    assert [d.name for d in r.docs] == ["a.txt", "c.pdf"]


def test_generated_pdfs_are_broken_down_by_writer(tmp_path):
    from rich.console import Console

    docs, truth = tmp_path / "d", tmp_path / "t"
    docs.mkdir()
    truth.mkdir()
    write_case(docs, truth, "a", ".pdf", TRUTH | {"notes": "Generated (pdf/ruled). fonts=embedded writer=wps"})
    write_case(docs, truth, "b", ".pdf", TRUTH | {"notes": "Generated (pdf/ruled). fonts=named writer=plain"})
    write_case(docs, truth, "c", ".pdf", TRUTH | {"notes": "Generated (pdf/ruled). fonts=embedded writer=wps"})
    write_case(docs, truth, "d", ".txt", TRUTH)  # no writer: left out of the breakdown
    r = evaluate(docs, truth, extract=fake_extract)
    writers = r.by_writer()
    assert {k: t.docs for k, t in writers.items()} == {"plain": 1, "wps": 2}
    assert writers["wps"].failed == 1  # c raised
    assert set(json.loads(json.dumps(r.to_dict()))["by_writer"]) == {"plain", "wps"}
    console = Console(record=True, width=200)
    ev.print_report(r, console)
    assert "Generated PDFs by writer" in console.export_text()


def test_truth_kind_overrides_extension(tmp_path):
    docs, truth = tmp_path / "d", tmp_path / "t"
    docs.mkdir()
    truth.mkdir()
    write_case(docs, truth, "scan", ".pdf", TRUTH | {"kind": "image"})
    r = evaluate(docs, truth, extract=fake_extract)
    assert list(r.by_kind()) == ["image"]


def test_failures_floors():
    r = Report()
    assert r.failures() == ["no documents were evaluated"]
    f = perfect_fields() | {"t.r.printed": fld(6, "ok"), "t.r.big": fld(542280, "review")}
    r = Report(docs=[score_document(result(f), TRUTH)])
    assert r.failures(0.5, 0.5, 0.5) == []
    msgs = r.failures(min_accuracy=0.9, max_silent=0.1, max_review=0.1)
    assert len(msgs) == 3
    assert "accuracy" in msgs[0] and "silent" in msgs[1] and "review" in msgs[2]


def test_print_report_runs(dirs):
    from rich.console import Console

    console = Console(record=True, width=200)
    ev.print_report(evaluate(*dirs, extract=fake_extract), console)
    text = console.export_text()
    for needle in ("field accuracy", "silent errors", "By input kind", "Calibration", "c.pdf", "nodoc.json"):
        assert needle in text
    assert "by writer" not in text  # no generated PDF here


def test_seed_truth_round_trip():
    """A result built from the truth itself scores 100%."""

    def from_truth(path: str) -> dict:
        t = json.loads((SEEDS / "truth" / (Path(path).stem + ".json")).read_text(encoding="utf-8"))
        fields = {k: fld(v, "blank" if v is None else "ok") for k, v in t["fields"].items()}
        fields |= {k: fld(v, "inferred") for k, v in t["implied"].items()}
        fields |= {k: fld(None, "missing") for k in t["missing"]}
        return result(fields, t["template"], t["agency"], t["year"])

    r = evaluate(SEEDS, SEEDS / "truth", extract=from_truth)
    t = r.totals
    assert t.docs == 5 and t.accuracy == 1.0 and t.silent == 0
    assert t.template_accuracy == t.agency_accuracy == t.year_accuracy == 1.0
    assert t.recovered == t.implied > 0


# ----------------------------------------------------------------- CLI command


@pytest.fixture
def cli(monkeypatch):
    """A Typer app with the command registered as the lead will, and a fake pipeline module."""
    monkeypatch.setitem(sys.modules, "extractor.pipeline", types.SimpleNamespace(extract=fake_extract))
    app = typer.Typer()
    app.command("eval")(eval_command)
    app.command("noop")(lambda: None)  # keep "eval" a named sub-command
    return app


def test_cli_floor_broken_exits_1(cli, dirs, tmp_path):
    out = tmp_path / "report.json"
    res = CliRunner().invoke(cli, ["eval", str(dirs[0]), str(dirs[1]), "--min-accuracy", "0.9",
                                   "--json", str(out)])
    assert res.exit_code == 1, res.output
    assert "FAIL" in res.output and "accuracy" in res.output
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["docs"] == 3


def test_cli_floors_met_exits_0(cli, dirs):
    res = CliRunner().invoke(cli, ["eval", str(dirs[0]), str(dirs[1]), "--kind", "text",
                                   "--min-accuracy", "0.99", "--max-silent-rate", "0", "--max-review-rate", "0"])
    assert res.exit_code == 0, res.output


def test_cli_silent_floor_and_family_filter(cli, dirs):
    res = CliRunner().invoke(cli, ["eval", str(dirs[0]), str(dirs[1]), "--family", "grid",
                                   "--max-silent-rate", "0.01"])
    assert res.exit_code == 1
    assert "silent" in res.output


def test_cli_rejects_bad_rate(cli, dirs):
    res = CliRunner().invoke(cli, ["eval", str(dirs[0]), str(dirs[1]), "--min-accuracy", "95"])
    assert res.exit_code == 2


def test_cli_bad_directory(cli, tmp_path):
    res = CliRunner().invoke(cli, ["eval", str(tmp_path / "nope"), str(tmp_path)])
    assert res.exit_code == 2


def test_cli_nothing_evaluated_fails(cli, dirs):
    res = CliRunner().invoke(cli, ["eval", str(dirs[0]), str(dirs[1]), "--kind", "image"])
    assert res.exit_code == 1 and "no documents" in res.output
