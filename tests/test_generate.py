"""Tests of the labelled-document generator (training.generate)."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pymupdf
import pytest

from training.gen import spec
from training.gen.report import make_report
from training.generate import EXTENSIONS, FAMILIES, generate, main, select_families

TRUTH_KEYS = ["document", "template", "agency", "year", "fields", "implied", "missing", "units",
              "notes", "kind", "family", "rule_breaks"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gen")
    generate(out, 2 * len(FAMILIES), seed=7)
    return out


def truths(out: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "truth").glob("*.json"))]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def declared_encoding(truth: dict) -> str:
    return re.search(r"encoding=(\S+)", truth["notes"]).group(1)


def test_every_family_is_generated_with_a_stem_naming_it(corpus):
    seen = set()
    for t in truths(corpus):
        stem = Path(t["document"]).stem
        assert re.fullmatch(rf"g\d{{5}}_{t['kind']}_{t['family']}", stem)
        assert FAMILIES[t["family"]] == t["kind"]
        assert t["document"].endswith("." + EXTENSIONS[t["kind"]])
        seen.add(t["family"])
    assert seen == set(select_families())  # scans are opt-in: see test_ocr_scan_gen.py


def test_truth_partitions_the_template_fields(corpus):
    for t in truths(corpus):
        assert list(t) == TRUTH_KEYS
        assert t["template"] == ("2019" if t["year"] <= 2020 else "2021")
        ids = spec.field_ids(t["template"])
        placed = list(t["fields"]) + list(t["implied"]) + t["missing"]
        assert sorted(placed) == sorted(ids), t["document"]
        assert set(t["units"]) <= set(t["fields"])


def test_printed_values_satisfy_the_rules_unless_planted(corpus):
    for t in truths(corpus):
        known = {**t["fields"], **t["implied"]}
        assert spec.violations(t["template"], known) == t["rule_breaks"], t["document"]


def test_planted_reports_break_exactly_the_recorded_rules():
    planted = 0
    for i in range(400):
        report = make_report(random.Random(i))
        known = {**report.printed.value, **report.implied}
        assert spec.violations(report.template, known) == report.rule_breaks
        if report.rule_breaks:
            planted += 1
            assert any("Planted" in n for n in report.notes)
    assert 5 <= planted <= 45


def test_truncated_reports_only_imply_forced_values():
    truncated = 0
    for i in range(400):
        report = make_report(random.Random(i))
        if not report.truncated:
            continue
        truncated += 1
        assert report.missing or report.implied
        for f, v in report.implied.items():
            assert f not in report.printed.value and report.values[f] == v
    assert truncated > 0


def test_a_table_cut_after_its_last_outcome_implies_its_total_and_what_is_carried_forward():
    from training.gen.report import forced_by_rules
    rows = [r for r in spec.row_ids("2021", "requests") if r not in ("total", "carried_forward")]
    printed = {f"requests.{r}.{c}": 0 for r in rows for c in spec.col_ids("2021", "requests")}
    printed["requests.new_received.total"] = 9
    printed["requests.granted.total"] = 5
    implied = forced_by_rules("2021", printed, rows)
    assert implied["requests.total.total"] == 5
    assert implied["requests.carried_forward.total"] == 4
    assert implied["requests.carried_forward.natural_person"] == 0


def test_same_seed_gives_same_bytes(tmp_path):
    n = len(FAMILIES)
    a = generate(tmp_path / "a", n, seed=3)
    b = generate(tmp_path / "b", n, seed=3)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    truth_a = sorted((tmp_path / "a" / "truth").iterdir())
    truth_b = sorted((tmp_path / "b" / "truth").iterdir())
    assert [p.read_bytes() for p in truth_a] == [p.read_bytes() for p in truth_b]
    c = generate(tmp_path / "c", n, seed=4)
    assert [p.read_bytes() for p in a] != [p.read_bytes() for p in c]


def test_document_i_does_not_depend_on_n(tmp_path):
    few = generate(tmp_path / "few", 3, seed=5, kinds=["text"])
    many = generate(tmp_path / "many", 8, seed=5, kinds=["text"])
    assert [p.read_bytes() for p in few] == [p.read_bytes() for p in many[:3]]


def test_cli_writes_docs_and_truth(tmp_path):
    main(["--out", str(tmp_path), "--n", "2", "--seed", "1", "--families", "crawler", "vgroup"])
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == [
        "g00000_text_crawler.txt", "g00001_pdf_vgroup.pdf"]
    assert len(list((tmp_path / "truth").iterdir())) == 2


def test_cli_names_the_kind_of_a_family_left_out_by_the_kinds(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit:
        main(["--out", str(tmp_path / "out"), "--n", "1", "--kinds", "pdf", "--families", "scan_pictures"])
    assert exit.value.code == 2
    assert "scan_pictures is scan" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_documents_open_and_show_agency_and_year(corpus):
    for t in truths(corpus):
        path = corpus / "docs" / t["document"]
        if t["kind"] == "pdf":
            with pymupdf.open(path) as doc:
                text = "".join(page.get_text() for page in doc)
        else:
            text = path.read_bytes().decode(declared_encoding(t))
        assert t["agency"] in squeeze(text), t["document"]
        assert str(t["year"]) in text


def test_pdf_text_layer_holds_the_printed_numbers(corpus):
    for t in truths(corpus):
        if t["kind"] != "pdf":
            continue
        with pymupdf.open(corpus / "docs" / t["document"]) as doc:
            words = {w[4] for page in doc for w in page.get_text("words")}
        for f, v in t["fields"].items():
            if f.startswith("requests") and v is not None and v >= 10:
                assert any(str(v) == w.replace(",", "") for w in words), (t["document"], f, v)


def test_embedded_fonts_are_subsets_that_read_back_like_named_fonts():
    from training.gen.document import build_blocks
    from training.gen.pdf_doc import render_pdf

    report = make_report(random.Random(3))
    blocks = build_blocks(random.Random(4), report)
    named, embedded = (pymupdf.open("pdf", render_pdf(random.Random(5), "ruled", blocks, embed))
                       for embed in (False, True))
    fonts = {f[3]: f for page in embedded for f in page.get_fonts()}
    assert fonts and all("+" in name and f[1] in ("ttf", "cid") and f[5] == "Identity-H"
                         for name, f in fonts.items())  # subset tag, font program, glyph ids
    assert all(f[1] == "n/a" for page in named for f in page.get_fonts())
    def words(doc):  # text and x extent (the heights follow each font's ascender)
        return [(round(w[0], 1), round(w[2], 1), w[4]) for page in doc for w in page.get_text("words")]
    assert words(embedded) == words(named)


def test_unknown_selection_is_rejected():
    with pytest.raises(ValueError, match="families"):
        select_families(families=["nope"])
    with pytest.raises(ValueError, match="kinds"):
        select_families(kinds=["image"])
    assert select_families(kinds=["html"]) == ["html_table"]
