"""Settings for one extraction, checked when made: a bad value names the setting."""

from __future__ import annotations

from dataclasses import dataclass

from .confidence import REVIEW_THRESHOLD
from .errors import SettingsError


@dataclass(frozen=True)
class Settings:
    review_threshold: float = REVIEW_THRESHOLD  # fields below this confidence get status review
    max_text_mb: float = 20.0  # a text or HTML file larger than this is refused
    max_pdf_pages: int = 500  # a PDF with more pages is refused

    def __post_init__(self) -> None:
        if not 0.0 <= self.review_threshold <= 1.0:
            raise SettingsError(f"review_threshold must lie between 0 and 1, not {self.review_threshold!r}")
        if not self.max_text_mb > 0:
            raise SettingsError(f"max_text_mb must be positive, not {self.max_text_mb!r}")
        if not (isinstance(self.max_pdf_pages, int) and self.max_pdf_pages > 0):
            raise SettingsError(f"max_pdf_pages must be a positive whole number, not {self.max_pdf_pages!r}")
