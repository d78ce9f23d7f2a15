"""Broken files, hangs, crashes and memory hogs become failed rows with a reason; the run goes on."""

from __future__ import annotations

import os
import random
import shutil
import zipfile

import pytest

from extractor.batch.run import BatchOptions, run_batch
from extractor.batch.worker import Limits
from extractor.errors import ExtractorError

from .batch_support import FAULTS, corpus, encrypted_copy, damaged_jpeg_bytes, read_csv


def by_name(rows: list[dict]) -> dict[str, dict]:
    return {r["source"].rsplit("/", 1)[-1]: r for r in rows}


@pytest.mark.slow
def test_broken_files_mixed_in(tmp_path):
    src = corpus(tmp_path, 7)  # six text layouts and a web page
    pdf = next(corpus(tmp_path, 1, seed=11, kinds=("pdf",)).glob("*.pdf"))
    shutil.copy(pdf, src / "good.pdf")
    good = sorted(p.name for p in src.iterdir())
    first_text = sorted(src.glob("*.txt"))[0]
    rnd = random.Random(5)
    (src / "empty.txt").write_bytes(b"")
    (src / "garbage.txt").write_bytes(bytes(rnd.randrange(256) for _ in range(20000)))
    (src / "truncated.pdf").write_bytes(pdf.read_bytes()[: pdf.stat().st_size // 2])
    (src / "photo.pdf").write_bytes(damaged_jpeg_bytes())  # a damaged JPEG renamed
    encrypted_copy(pdf, src / "encrypted.pdf")
    (src / "broken.zip").write_bytes(b"PK\x03\x04" + os.urandom(300))
    with zipfile.ZipFile(src / "mixed.zip", "w") as zf:
        zf.write(first_text, "inner/good_copy.txt")  # same content as a file outside: one document
        zf.write(sorted(src.glob("*.html"))[0], "inner/other.html")
        zf.writestr("inner/bad.html", os.urandom(5000))
        zf.writestr("inner/empty.txt", b"")
    out = tmp_path / "out"
    summary = run_batch([src], out, BatchOptions(workers=2))
    docs = by_name(read_csv(out / "documents.csv"))
    for name in good:
        assert docs[name]["status"] in ("success", "partial"), (name, docs[name])
        assert docs[name]["template"] in ("2019", "2021")
    assert docs["good_copy.txt"]["same_as"] == str(first_text.resolve())
    assert docs["other.html"]["status"] in ("success", "partial")
    expect = {"empty.txt": "empty", "garbage.txt": "", "truncated.pdf": "truncated", "photo.pdf": "image",
              "encrypted.pdf": "encrypted", "broken.zip": "broken zip", "bad.html": ""}
    for name, word in expect.items():
        assert docs[name]["status"] == "failed", (name, docs[name])
        assert word in docs[name]["reason"] and docs[name]["reason"], (name, docs[name])
    assert "mixed.zip!inner/empty.txt" in " ".join(r["source"] for r in read_csv(out / "documents.csv")
                                                   if r["status"] == "failed")
    # the dataset: every good document's fields, and one row for each failed document
    rows = read_csv(out / "dataset.csv")
    failed_rows = [r for r in rows if r["doc_status"] == "failed"]
    assert all(r["id"] == "" and r["reason"] for r in failed_rows)
    assert len(failed_rows) == summary.by_status["failed"] == len(expect)  # the zip's empty.txt is empty.txt
    assert {r["source"].rsplit("/", 1)[-1] for r in rows if r["id"]} >= set(good)
    assert summary.by_status["success"] + summary.by_status["partial"] == len(good)  # the zip's are copies


def test_hang_crash_exit_and_memory_hog(tmp_path):
    src = corpus(tmp_path, 4)
    text = sorted(src.glob("*.txt"))[0].read_bytes()
    for i, fault in enumerate(["HANG", "CRASH", "EXIT", "HOG"]):
        (src / f"{fault}.txt").write_bytes(text + f"\n{i}\n".encode())  # distinct content
    out = tmp_path / "out"
    options = BatchOptions(workers=2, limits=Limits(timeout_s=6, memory_mb=300), function=FAULTS)
    summary = run_batch([src], out, options)
    docs = by_name(read_csv(out / "documents.csv"))
    assert "timed out after 6 s" in docs["HANG.txt"]["reason"]
    assert "crashed (killed by SIGSEGV)" in docs["CRASH.txt"]["reason"]
    assert "crashed (exited with code 3)" in docs["EXIT.txt"]["reason"]
    assert "memory cap exceeded" in docs["HOG.txt"]["reason"]
    assert summary.by_status["failed"] == 4
    assert summary.by_status["success"] + summary.by_status["partial"] == 4
    assert all(max(p, 0) < 1024 for p in summary.peak_rss_mb)


def test_a_worker_that_cannot_start_stops_the_run(tmp_path):
    src = corpus(tmp_path, 1)
    options = BatchOptions(workers=1, function="no_such_module:process_item")
    with pytest.raises(ExtractorError, match="a worker could not start: ModuleNotFoundError"):
        run_batch([src], tmp_path / "out", options)
