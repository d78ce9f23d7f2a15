"""Settings of the review service, checked when made: a bad value names the setting."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

from ..errors import SettingsError
from ..settings import Settings

REVIEWERS_ENV = "EXTRACTOR_REVIEWERS"  # "alice:secret-one,bob:secret-two"
MIN_SECRET = 8
_NAME = re.compile(r"^[\w.@-]{1,64}$")


@dataclass(frozen=True)
class ServiceSettings:
    data_dir: Path  # the SQLite store, originals (by hash) and the session key live here
    reviewers: Mapping[str, str] = field(default_factory=dict)  # name -> token/password
    workers: int = 2  # extraction processes
    job_timeout_s: float = 120.0  # wall time for one document; then the job fails
    job_memory_mb: int = 3072  # address-space cap of a worker process; 0: none
    max_attempts: int = 3  # a job interrupted (server killed) this often is failed, not retried
    max_upload_mb: float = 50.0  # one file
    max_request_mb: float = 200.0  # one upload request, all files together
    max_files: int = 100  # files in one upload request
    max_pdf_pages: int = 200  # a PDF with more pages is refused at upload
    review_threshold: Optional[float] = None  # None: the extractor's own
    session_hours: float = 12.0
    secure_cookie: bool = False  # set when served over HTTPS (behind a proxy)
    context_lines: int = 4  # lines shown either side of a text field's source line

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        object.__setattr__(self, "reviewers", dict(self.reviewers))
        for name, secret in self.reviewers.items():
            if not isinstance(name, str) or not _NAME.match(name):
                raise SettingsError(f"reviewers: a name is 1-64 letters, digits or . _ @ -, not {name!r}")
            if not isinstance(secret, str) or len(secret) < MIN_SECRET:
                raise SettingsError(f"reviewers: the secret of {name!r} must have at least {MIN_SECRET} characters")
        if len(set(self.reviewers.values())) != len(self.reviewers):
            raise SettingsError("reviewers: two reviewers have the same secret (a token must name one person)")
        _positive_int("workers", self.workers)
        _positive_int("max_attempts", self.max_attempts)
        _positive_int("max_files", self.max_files)
        _positive_int("max_pdf_pages", self.max_pdf_pages)
        if not (isinstance(self.job_memory_mb, int) and self.job_memory_mb >= 0):
            raise SettingsError(f"job_memory_mb must be zero (none) or a positive whole number, not {self.job_memory_mb!r}")
        if not (isinstance(self.context_lines, int) and 0 <= self.context_lines <= 50):
            raise SettingsError(f"context_lines must be a whole number from 0 to 50, not {self.context_lines!r}")
        for name in ("job_timeout_s", "max_upload_mb", "max_request_mb", "session_hours"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and v > 0):
                raise SettingsError(f"{name} must be a positive number, not {v!r}")
        if self.max_request_mb < self.max_upload_mb:
            raise SettingsError(f"max_request_mb ({self.max_request_mb}) must be at least max_upload_mb "
                                f"({self.max_upload_mb})")
        self.extraction  # checks review_threshold

    @property
    def extraction(self) -> Settings:
        """The extractor's settings for one job."""
        chosen = {} if self.review_threshold is None else {"review_threshold": self.review_threshold}
        return Settings(max_pdf_pages=self.max_pdf_pages, **chosen)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 2**20)

    @property
    def max_request_bytes(self) -> int:
        return int(self.max_request_mb * 2**20)


def _positive_int(name: str, v) -> None:
    if not (isinstance(v, int) and not isinstance(v, bool) and v > 0):
        raise SettingsError(f"{name} must be a positive whole number, not {v!r}")


def reviewers_from_env(environ: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """Reviewers from ``EXTRACTOR_REVIEWERS``: ``name:secret`` pairs separated by commas."""
    text = (environ if environ is not None else os.environ).get(REVIEWERS_ENV, "").strip()
    out: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in text.split(","))):
        name, sep, secret = pair.partition(":")
        if not sep:
            raise SettingsError(f"{REVIEWERS_ENV}: expected name:secret pairs separated by commas, got {name!r}")
        if name in out:
            raise SettingsError(f"{REVIEWERS_ENV}: reviewer {name!r} is listed twice")
        out[name] = secret
    return out
