"""``extractor serve``: the review service over a data folder (a thin layer over :func:`create_app`).

Register with ``app.command("serve", help=...)(serve_command)``; or run it alone with
``python -m extractor.service.cli --help``.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import ExtractorError
from .settings import REVIEWERS_ENV, ServiceSettings, reviewers_from_env


def serve_command(
    data_dir: Path = typer.Option(Path("extractor-data"), "--data-dir", "-d",
                                  help="Where the store, the originals (by hash) and the session key live."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(2, help="Extraction processes."),
    ingest: Optional[List[Path]] = typer.Option(
        None, "--ingest", help="A report, or a folder of reports, to upload on start (repeatable; "
                               "the same content is never stored twice)."),
    job_timeout: float = typer.Option(120.0, help="Seconds one document may take; then its job fails."),
    max_upload_mb: float = typer.Option(50.0, help="Largest file accepted."),
    max_pages: int = typer.Option(200, help="Most pages a PDF may have."),
    review_threshold: Optional[float] = typer.Option(
        None, help="Fields below this confidence go to review (default: the extractor's)."),
) -> None:
    """Serve the HTTP API (docs at /docs) and the review page (/) over a data folder.

    Reviewers and their tokens (or passwords) come from the environment:
    EXTRACTOR_REVIEWERS="alice:long-secret-1,bob:long-secret-2". Without it, a reviewer
    "admin" with a one-time token is made and the token is printed. Jobs left unfinished by
    a previous run are picked up again. Example:

        EXTRACTOR_REVIEWERS=me:change-this-token extractor serve --ingest samples
    """
    import uvicorn

    from .app import create_app
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        reviewers = reviewers_from_env()
        if not reviewers:
            reviewers = {"admin": secrets.token_urlsafe(18)}
            typer.echo(f"no {REVIEWERS_ENV} set: sign in as admin with token {reviewers['admin']}", err=True)
        settings = ServiceSettings(data_dir=data_dir, reviewers=reviewers, workers=workers,
                                   job_timeout_s=job_timeout, max_upload_mb=max_upload_mb,
                                   max_request_mb=max(200.0, max_upload_mb), max_pdf_pages=max_pages,
                                   review_threshold=review_threshold)
        for path in ingest or []:
            if not path.exists():
                raise ExtractorError(f"--ingest {path}: no such file or folder")
        app = create_app(settings, ingest=ingest or ())
    except ExtractorError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2)
    typer.echo(f"review page: http://{host}:{port}/   API docs: http://{host}:{port}/docs", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=10)


if __name__ == "__main__":
    typer.run(serve_command)
