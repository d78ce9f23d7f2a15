"""Command line: a thin layer over :func:`extractor.pipeline.extract` and friends."""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .errors import ExtractorError

app = typer.Typer(
    help="Extract the national tables of 政府信息公开工作年度报告 (text, HTML, PDF, scans) as fields "
         "with confidence, status and provenance.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


class Format(str, Enum):
    json = "json"
    csv = "csv"
    table = "table"


@app.command()
def extract(
    file: Path = typer.Argument(..., help="A report: text (.txt/.md), a web page (.html), a PDF "
                                          "(born-digital or scanned) or page images (JPG/PNG/TIFF)."),
    format: Format = typer.Option(Format.json, "--format", "-f",
                                  help="json: the full result; csv: one row per field; "
                                       "table: the tables as the form prints them."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write here instead of stdout."),
    review_threshold: Optional[float] = typer.Option(
        None, help="Fields with a lower confidence get status review (default: the model's own, "
                   "0.80 without a calibrated model)."),
    ocr: bool = typer.Option(True, help="Read images and PDF pages without a text layer by OCR "
                                        "(a few seconds a page on a CPU)."),
) -> None:
    """Extract one report.

    Every field of the detected template is listed with its value, confidence and status
    (ok, review, inferred, blank, missing) and where it was read. Example:

        extractor extract samples/report_2021.md --format table
    """
    from .output import to_csv
    from .pipeline import extract as run_extract
    from .settings import Settings
    from rich.console import Console
    err = Console(stderr=True)
    try:
        # a spinner on a terminal: a scanned report takes a few seconds a page
        with err.status(f"extracting {file.name}", spinner="dots") if err.is_terminal else nullcontext():
            result = run_extract(file, Settings(review_threshold=review_threshold, ocr=ocr))
    except ExtractorError as e:
        _fail(str(e))
    if format is Format.table:
        from .show import print_tables
        print_tables(result)
        return
    text = to_csv(result) if format is Format.csv else json.dumps(result, ensure_ascii=False, indent=1)
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text + ("\n" if not text.endswith("\n") else ""))


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _register() -> None:
    from .evaluate import eval_command
    app.command("eval", help="Score extraction against truth files: accuracy, silent errors, "
                             "review rate, calibration; exits 1 below the given floors.")(eval_command)
    from .service.cli import serve_command
    app.command("serve", help="Serve the HTTP API and the review page (needs the service extra).")(serve_command)
    from .batch.cli import batch_command
    app.command("batch", help="Extract many reports (folders, globs, lists) into a resumable store; "
                              "exports JSONL/CSV/Parquet.")(batch_command)
    from .learn.cli import correct_command, train_command
    app.command("train", help="Train the row model and calibration from generated documents and "
                              "reviewed corrections.")(train_command)
    app.command("correct", help="Apply reviewed corrections to a result JSON; they are kept for "
                                "retraining.")(correct_command)


_register()


def main() -> None:
    try:
        app()
    except ExtractorError as e:  # bad input that slipped past a command's own handling
        typer.echo(f"error: {e}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as e:  # a bug: one line, not a traceback; EXTRACTOR_DEBUG=1 shows it
        import os
        if os.environ.get("EXTRACTOR_DEBUG"):
            raise
        typer.echo(f"internal error: {type(e).__name__}: {e} (set EXTRACTOR_DEBUG=1 for details)", err=True)
        sys.exit(3)


if __name__ == "__main__":
    main()
