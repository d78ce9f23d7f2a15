"""The batch command: summary tables on stdout, one-line errors with exit code 2."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from extractor.batch.cli import batch_command

from .batch_support import corpus

runner = CliRunner()


def app() -> typer.Typer:
    a = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    a.command()(batch_command)
    return a


def test_summary_tables(tmp_path):
    src = corpus(tmp_path, 2)
    (src / "empty.txt").write_bytes(b"")
    res = runner.invoke(app(), [str(src), "--out", str(tmp_path / "out"), "--workers", "1", "--no-progress"])
    assert res.exit_code == 0, res.output
    for words in ("3 documents from 3 files", "Documents by status", "Fields needing review",
                  "Rule breaks", "Not extracted (1", "empty.txt", "the file is empty", "Cross-year check",
                  "dataset.csv", "documents.csv", "summary.json"):
        assert words in res.stdout, words


def test_errors_are_one_line(tmp_path):
    res = runner.invoke(app(), [str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2 and res.stderr.startswith("error:") and "no such file" in res.stderr
    res = runner.invoke(app(), [str(tmp_path), "--out", str(tmp_path / "out"), "--workers", "0"])
    assert res.exit_code == 2 and "workers must be a positive whole number" in res.stderr
    res = runner.invoke(app(), [str(tmp_path), "--out", str(tmp_path / "out"), "--address", "auto"])
    assert res.exit_code == 2 and "address is for --engine ray" in res.stderr
