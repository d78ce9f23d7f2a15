"""Settings.max_pdf_pages reaches the PDF reader."""

from __future__ import annotations

import pytest

from extractor.errors import DocumentLoadError
from extractor.pipeline import run
from extractor.settings import Settings
from training.generate import generate


def test_max_pdf_pages_setting_refuses_a_longer_pdf(tmp_path):
    path = generate(tmp_path, 1, seed=5, families=["multipage"])[0]
    assert run(path).doc.pages > 2
    with pytest.raises(DocumentLoadError, match="max_pages=2"):
        run(path, Settings(max_pdf_pages=2))
