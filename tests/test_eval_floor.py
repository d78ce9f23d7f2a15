"""CI floor: a small generated set through `extractor eval`, which must stay above the floor."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from training.generate import generate

runner = CliRunner()
# families the text/HTML path reads exactly (the crawler and raw families print blanks as
# nothing, so some of their rows are rightly left for review)
EXACT = ["tabs", "markdown", "cells", "layout", "html_table"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen")
    generate(out, n=30, seed=20261122, families=EXACT)
    return out


def eval_summary(out, tmp_path, max_review: str, min_accuracy: str = "0.99") -> dict:
    """`extractor eval` over a generated set with the floors; the summary it wrote."""
    report = tmp_path / "report.json"
    res = runner.invoke(app, ["eval", str(out / "docs"), str(out / "truth"),
                              "--min-accuracy", min_accuracy, "--max-silent-rate", "0.001",
                              "--max-review-rate", max_review, "--json", str(report)])
    assert res.exit_code == 0, res.output[-2000:]
    return json.loads(report.read_text())["summary"]


def test_generated_set_holds_the_floor(generated, tmp_path):
    summary = eval_summary(generated, tmp_path, "0.05")
    assert summary["docs"] == 30 and summary["silent"] == 0


def test_run_together_families_hold_their_floor(tmp_path):
    """pdftotext -raw and web-crawler text: blank marks ("—", "/") keep their cells' places
    even when glued to the digits around them; blanks printed as nothing go to review."""
    out = tmp_path / "gen"
    generate(out, n=16, seed=20261203, families=["raw", "crawler"])
    summary = eval_summary(out, tmp_path, "0.15", min_accuracy="0.94")
    assert summary["docs"] == 16 and summary["silent"] == 0


def test_web_pages_of_word_wps_and_editors_hold_the_floor(tmp_path):
    """Word/WPS "Save as Web Page" and CMS-editor pages (html_word): read exactly."""
    out = tmp_path / "gen"
    generate(out, n=30, seed=20261207, families=["html_word"])
    summary = eval_summary(out, tmp_path, "0.01", min_accuracy="0.998")
    assert summary["docs"] == 30 and summary["silent"] == 0


def test_floor_breaks_are_reported(generated):
    res = runner.invoke(app, ["eval", str(generated / "docs"), str(generated / "truth"),
                              "--min-accuracy", "1.01"])
    assert res.exit_code in (1, 2)


@pytest.fixture(scope="module")
def generated_pdfs(tmp_path_factory):
    """Born-digital PDFs: half of the tuned layout families, half of those held out of tuning."""
    out = tmp_path_factory.mktemp("pdf")
    generate(out, n=16, seed=20261123, kinds=["pdf"])
    generate(out, n=14, seed=20261124, families=["cell_boxes", "shaded", "thick_frame", "dense",
                                                 "split_header", "label_right"])
    return out


def test_generated_pdfs_hold_the_floor(generated_pdfs, tmp_path):
    assert eval_summary(generated_pdfs, tmp_path, "0.03")["docs"] == 30
