"""Helpers for the batch tests: generated corpora, broken files, a per-document function
with faults on demand, and reading a batch's outputs."""

from __future__ import annotations

import atexit
import csv
import functools
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path


@functools.lru_cache(maxsize=None)
def _corpus(n: int, seed: int, kinds: tuple[str, ...]) -> Path:
    from training.generate import generate  # not at import: worker processes import this module
    out = Path(tempfile.mkdtemp(prefix=f"batch-corpus-{n}-{seed}-"))
    atexit.register(shutil.rmtree, out, True)
    generate(out, n, seed, kinds=list(kinds))
    return out / "docs"


def corpus(tmp_path: Path, n: int, seed: int = 7, kinds: tuple[str, ...] = ("text", "html")) -> Path:
    """A private copy of a generated corpus (generated once per test session)."""
    target = tmp_path / f"docs-{n}-{seed}"
    shutil.copytree(_corpus(n, seed, tuple(kinds)), target)
    return target


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def damaged_jpeg_bytes() -> bytes:
    """The first part of a JPEG photo: judged an image by its bytes, and unreadable."""
    import pymupdf
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 64, 64), 0)
    pix.clear_with(200)
    data = pix.tobytes("jpg")
    return data[: len(data) // 3]


def encrypted_copy(pdf: Path, target: Path) -> None:
    import pymupdf
    with pymupdf.open(pdf) as doc:
        doc.save(target, encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner", user_pw="secret")


# -- a per-document function with faults, chosen by a word in the file's name -----------------

FAULTS = "tests.batch_support:process_with_faults"


def process_with_faults(item, settings, key):
    """HANG sleeps, CRASH segfaults, EXIT exits, HOG eats memory; otherwise the real thing."""
    from extractor.batch.worker import process_item
    name = Path(item.source).name
    if "HANG" in name:
        time.sleep(3600)
    if "CRASH" in name:
        os.kill(os.getpid(), signal.SIGSEGV)
    if "EXIT" in name:
        os._exit(3)
    if "HOG" in name:
        hog = []
        while True:
            hog.append(bytearray(b"\1") * (16 * 2**20))  # resident at once
            time.sleep(0.005)
    return process_item(item, settings, key)
