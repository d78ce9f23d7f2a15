"""The ``extractor train`` and ``extractor correct`` commands: thin typer-compatible wrappers
over :func:`training.train.train` and :func:`extractor.learn.corrections.apply_corrections`.

Registered in :mod:`extractor.cli` with::

    from .learn.cli import correct_command, train_command
    app.command("train", help="Rebuild the learned row model and confidence calibrator "
                              "(seeded; from generated documents and corrections).")(train_command)
    app.command("correct", help="Apply a reviewer's corrections (JSONL) to a result; "
                                "writes a new result.")(correct_command)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import ExtractorError
from ..jsonfile import read_object


def train_command(
    out: Annotated[Optional[Path], typer.Option(help="Model folder to write (default: the shipped "
                                                     "model, models/).")] = None,
    corrections: Annotated[Optional[list[Path]], typer.Option(
        help="Corrections JSONL file, or folder of *.jsonl (repeatable): corrected documents "
             "become training rows.")] = None,
    documents: Annotated[Optional[list[Path]], typer.Option(
        help="Folder holding the corrected documents, found by SHA-256 (repeatable; default: "
             "the corrections file's folder).")] = None,
    seed: Annotated[Optional[int], typer.Option(help="Seed of the generated training data.")] = None,
    kind: Annotated[Optional[list[str]], typer.Option(help="Input kinds to generate (repeatable; "
                                                           "default text and html).")] = None,
    exclude_family: Annotated[Optional[list[str]], typer.Option(
        help="Layout families left out of training (repeatable).")] = None,
    n_train: Annotated[Optional[int], typer.Option(help="Generated documents for the row model.")] = None,
    n_calib: Annotated[Optional[int], typer.Option(help="Generated documents for calibration.")] = None,
    n_test: Annotated[Optional[int], typer.Option(help="Generated documents for the test figures.")] = None,
    correction_weight: Annotated[Optional[float], typer.Option(
        min=0.0, help="How many times a corrected document's rows count in the row model's training "
                      "(default 5: a reviewer's decision is a strong label).")] = None,
    jobs: Annotated[int, typer.Option(help="Worker processes.")] = 2,
    workdir: Annotated[Optional[Path], typer.Option(help="Keep generated documents here (reused when "
                                                         "present) instead of a temporary folder.")] = None,
) -> None:
    """Rebuild the row model and the confidence calibrator, deterministically (seeded), and
    write them with their model card. Example: ``extractor train --corrections reviews.jsonl
    --documents reports/``."""
    from training.train import TrainConfig, train

    from .store import MODEL_DIR

    defaults = TrainConfig()
    cfg = TrainConfig(
        seed=defaults.seed if seed is None else seed,
        n_train=n_train or defaults.n_train, n_calib=n_calib or defaults.n_calib, n_test=n_test or defaults.n_test,
        kinds=tuple(kind) if kind else defaults.kinds, exclude_families=tuple(exclude_family or ()),
        corrections=tuple(str(c) for c in corrections or ()), documents=tuple(str(d) for d in documents or ()),
        correction_weight=defaults.correction_weight if correction_weight is None else correction_weight,
        jobs=max(1, jobs), workdir=str(workdir) if workdir else None)
    try:
        cfg.families()
    except ValueError as e:
        raise typer.BadParameter(str(e)) from e
    try:
        train(cfg, out or MODEL_DIR, log=lambda m: typer.echo(m, err=True))
    except ExtractorError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from None


def correct_command(
    result: Annotated[Path, typer.Argument(help="A result JSON written by `extractor extract --format json`.")],
    corrections: Annotated[Path, typer.Argument(help="Corrections, one JSON object per line.")],
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write the corrected result here "
                                                                    "(default: stdout). Never the input.")] = None,
) -> None:
    """Apply a reviewer's corrections to a result and write the corrected result; the input
    is never changed. Every bad line of the corrections file is reported by its number."""
    from .corrections import CorrectionsFileError, apply_corrections, read_corrections

    if out is not None and out.resolve() == result.resolve():
        _fail("--out must not be the input result: corrections never edit the original")
    try:
        data = read_object(result, "result")
    except ValueError as e:
        _fail(str(e))
    if not isinstance(data.get("fields"), dict) or "document" not in data:
        _fail(f"{result} is not an extraction result (no document and fields)")
    try:
        corrected = apply_corrections(data, read_corrections(corrections), source=str(corrections))
    except CorrectionsFileError as e:
        _fail(str(e))
    text = json.dumps(corrected, ensure_ascii=False, indent=1)
    if out is not None:
        out.write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)
