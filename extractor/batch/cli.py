"""``extractor batch``: a thin layer over :func:`~.run.run_batch` — options, progress, summary.

:func:`batch_command` is a plain typer-compatible function; ``extractor.cli`` registers it
as the ``batch`` command, and ``python -m extractor.batch`` runs it on its own.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich import box
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.table import Table
from rich.text import Text

from ..errors import ExtractorError
from .run import BatchOptions, BatchSummary, run_batch

MAX_LISTED = 20  # failed documents and cross-year problems shown in the summary (all are in the CSVs)
STATUS_MEANING = {
    "success": "every field found",
    "partial": "some fields missing, or reader warnings",
    "failure": "read, but not a report of these forms (no template)",
    "failed": "not read: refused input, timeout, memory cap or crash",
}


class Engine(str, Enum):
    local = "local"
    ray = "ray"


class RateColumn(ProgressColumn):
    """Documents per second."""

    def render(self, task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("   – docs/s" if speed is None else f"{speed:6.1f} docs/s", style="progress.data.speed")


class RichProgress:
    """Progress bar with rate and time left; a line before it says what is already done."""

    def __init__(self, console: Console):
        self.console = console
        self.bar: Optional[Progress] = None
        self.failed = 0

    def start(self, total: int, done_before: int, engine: str) -> None:
        self.console.print(f"{total} document{'s' if total != 1 else ''} to extract, "
                           f"{done_before} already done ({engine})")
        if not total:
            return
        self.bar = Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                            TextColumn("{task.fields[failed]} failed, elapsed"), TimeElapsedColumn(),
                            TextColumn("left"), TimeRemainingColumn(), console=self.console)
        self.task = self.bar.add_task("extract", total=total, failed=0)
        self.bar.start()

    def advance(self, status: str) -> None:
        if status == "failed":
            self.failed += 1
        if self.bar:
            self.bar.update(self.task, advance=1, failed=self.failed)

    def stop(self) -> None:
        if self.bar:
            self.bar.stop()
            self.bar = None


def batch_command(
    inputs: Annotated[list[Path], typer.Argument(
        help="Report files, folders (walked recursively) and zip files.", show_default=False)],
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Output folder: per-document results, dataset.parquet/.csv, documents.csv, "
                            "crossyear.csv, summary.json. Re-running into it resumes.", show_default=False)],
    workers: Annotated[Optional[int], typer.Option(
        help="Worker processes (default: the cores available; with --engine ray, the cluster's CPUs).",
        show_default=False)] = None,
    engine: Annotated[Engine, typer.Option(help="local: a process pool; ray: a Ray cluster.")] = Engine.local,
    address: Annotated[Optional[str], typer.Option(
        help="Ray cluster to join (auto, or ray://HEAD:10001); default: start a local Ray.",
        show_default=False)] = None,
    timeout: Annotated[float, typer.Option(help="Seconds one document may take; 0: no limit.")] = 120.0,
    memory_mb: Annotated[int, typer.Option(help="Resident memory cap of a worker in MB; 0: no cap.")] = 1024,
    retry_failed: Annotated[bool, typer.Option(
        "--retry-failed", help="Extract again documents that failed in an earlier run.")] = False,
    review_threshold: Annotated[Optional[float], typer.Option(
        help="Fields with a lower confidence get status review (default: the extractor's own).",
        show_default=False)] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Extract many reports, resumably, into per-document JSON and one dataset.

    Documents are keyed by content hash and extractor version: a re-run skips what is done,
    and a killed run, run again, finishes with nothing lost and nothing doubled. Each document
    runs in a worker with a timeout and a memory cap; broken files become failed rows with a
    reason. Example:

        extractor batch reports/ archive.zip --out batch-out --workers 4
    """
    from ..settings import Settings
    from .worker import Limits

    console = Console(stderr=True)
    try:
        options = BatchOptions(workers=workers, engine=engine.value, address=address,
                               limits=Limits(timeout_s=timeout, memory_mb=memory_mb),
                               settings=Settings(review_threshold=review_threshold),
                               retry_failed=retry_failed)
        summary = run_batch(inputs, out, options, RichProgress(console) if progress else None)
    except (ExtractorError, FileNotFoundError) as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2)
    except KeyboardInterrupt:
        typer.echo("interrupted: finished documents are kept; run the same command again to resume", err=True)
        raise typer.Exit(130)
    print_summary(summary, Console())


def print_summary(s: BatchSummary, console: Console) -> None:
    """Documents by status, fields needing review, rule breaks, failures, cross-year checks."""
    console.print(f"[bold]{s.documents}[/] documents from {s.files} files"
                  + (f" ({s.files - s.documents} duplicate{'s' if s.files - s.documents != 1 else ''})"
                     if s.files > s.documents else "")
                  + (f"; {s.not_reports} files of other types skipped" if s.not_reports else "")
                  + f"; {s.processed} extracted now ({s.rate:.1f} docs/s), {s.done_before} done before")
    t = Table(title="Documents by status", box=box.SIMPLE_HEAD, title_justify="left")
    t.add_column("status")
    t.add_column("documents", justify="right")
    t.add_column("meaning")
    for status, meaning in STATUS_MEANING.items():
        t.add_row(status, str(s.by_status.get(status, 0)), meaning)
    console.print(t)
    console.print(f"Fields needing review: [bold]{s.review_fields}[/] in {s.docs_with_review} documents"
                  + (" — most often " + ", ".join(f"{f} ({n})" for f, n in s.review_by_field.most_common(3))
                     if s.review_by_field else ""))
    if s.rule_breaks:
        t = Table(title=f"Rule breaks (勾稽关系) in {s.docs_with_breaks} documents", box=box.SIMPLE_HEAD,
                  title_justify="left")
        t.add_column("rule")
        t.add_column("documents", justify="right")
        for rule, n in s.rule_breaks.most_common():
            t.add_row(rule, str(n))
        console.print(t)
    else:
        console.print("Rule breaks (勾稽关系): none")
    if s.failed:
        t = Table(title=f"Not extracted ({len(s.failed)}; all in documents.csv)", box=box.SIMPLE_HEAD,
                  title_justify="left")
        t.add_column("document", overflow="fold")
        t.add_column("reason", overflow="fold")
        for source, reason in s.failed[:MAX_LISTED]:
            t.add_row(source, reason)
        console.print(t)
    _print_crossyear(s, console)
    if s.note:
        console.print(f"[yellow]{s.note}[/]")
    console.print("Outputs: " + ", ".join(f"{k} {v}" for k, v in s.outputs.items()))


def _print_crossyear(s: BatchSummary, console: Console) -> None:
    rows = s.crossyear
    if not rows:
        console.print("Cross-year check (上年结转 = last year's 结转下年度继续办理): no agency has reports "
                      "of consecutive years")
        return
    counts = {k: sum(r.status == k for r in rows) for k in ("ok", "mismatch", "incomplete")}
    shown = rows if len(rows) <= MAX_LISTED else [r for r in rows if r.status != "ok"][:MAX_LISTED]
    t = Table(title=f"Cross-year check (上年结转 = last year's 结转下年度继续办理): {len(rows)} agency-years, "
                    + ", ".join(f"{v} {k}" for k, v in counts.items() if v), box=box.SIMPLE_HEAD,
              title_justify="left")
    for c in ("agency", "year", "status", "detail"):
        t.add_column(c, overflow="fold")
    for r in shown:
        style = {"ok": "green", "mismatch": "red", "incomplete": "yellow"}[r.status]
        detail = r.detail + (" (a field involved needs review)" if r.review else "")
        t.add_row(r.agency, f"{r.previous_year}→{r.year}", f"[{style}]{r.status}[/]", detail)
    console.print(t)
