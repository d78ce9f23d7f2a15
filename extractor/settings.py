"""Settings for one extraction, checked when made: a bad value names the setting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .errors import SettingsError
from .readers import MAX_PDF_PAGES


@dataclass(frozen=True)
class Settings:
    # fields below this confidence get status review; None: the learned model's threshold
    # (chosen for a target precision of ok fields), or confidence.REVIEW_THRESHOLD without one
    review_threshold: Optional[float] = None
    max_text_mb: float = 20.0  # a text or HTML file larger than this is refused
    max_pdf_pages: int = MAX_PDF_PAGES  # a PDF with more pages is refused
    # a PDF whose text layer shows none of the form's tables is read again by OCR when it has
    # at most this many pages (its fonts may map characters wrongly, or its tables be drawn as
    # shapes); 0: never
    ocr_fallback_pages: int = 20
    ocr: bool = True  # read images and PDF pages without a usable text layer by OCR

    def __post_init__(self) -> None:
        if self.review_threshold is not None and not (
                isinstance(self.review_threshold, (int, float)) and 0.0 <= self.review_threshold <= 1.0):
            raise SettingsError(f"review_threshold must lie between 0 and 1, not {self.review_threshold!r}")
        if not self.max_text_mb > 0:
            raise SettingsError(f"max_text_mb must be positive, not {self.max_text_mb!r}")
        if not (isinstance(self.max_pdf_pages, int) and self.max_pdf_pages > 0):
            raise SettingsError(f"max_pdf_pages must be a positive whole number, not {self.max_pdf_pages!r}")
        if not (isinstance(self.ocr_fallback_pages, int) and self.ocr_fallback_pages >= 0):
            raise SettingsError(f"ocr_fallback_pages must be a whole number, 0 or more, not {self.ocr_fallback_pages!r}")
