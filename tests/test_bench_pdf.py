"""bench_pdf --against loads another checkout of the project beside this one."""

import sys
from pathlib import Path

import pytest

from extractor.pipeline import extract
from training.bench_pdf import other_extract

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "data" / "real" / "101.pdf"


def test_another_checkout_extracts_beside_this_one(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))  # other_extract puts its copy first
    theirs = other_extract(ROOT, tmp_path)
    assert theirs.__module__ == "extractor_against.pipeline"
    assert (tmp_path / "against" / "models").is_dir()  # found where the package looks for it
    mine, other = extract(REAL), theirs(REAL)
    assert other["document"]["model_version"] == mine["document"]["model_version"] != "hand-made"
    assert other["fields"] == mine["fields"]
    sys.modules.pop("extractor_against", None)
    for name in [m for m in sys.modules if m.startswith("extractor_against.")]:
        sys.modules.pop(name)


def test_a_folder_without_the_package_is_refused(tmp_path):
    with pytest.raises(SystemExit, match="no extractor/pipeline.py"):
        other_extract(tmp_path, tmp_path)


def test_the_writer_of_a_generated_pdf_is_read_from_its_truth(tmp_path):
    from training.bench_pdf import writer_of
    from training.generate import generate
    paths = generate(tmp_path, 6, seed=11, kinds=["pdf"])
    notes = [(tmp_path / "truth" / f"{p.stem}.json").read_text(encoding="utf-8") for p in paths]
    assert [writer_of(p) for p in paths] == [n.split("writer=")[1].split('"')[0].split()[0] for n in notes]
    assert {writer_of(p) for p in paths} <= {"plain", "wps", "word"}
    assert writer_of(REAL) == "other"


def test_the_default_pdfs_are_written_four_by_each_writer(tmp_path):
    from collections import Counter

    from training.bench_pdf import default_pdfs, writer_of
    pdfs = default_pdfs(tmp_path)
    assert pdfs[0] == REAL
    assert Counter(writer_of(p) for p in pdfs[1:]) == {"plain": 4, "wps": 4, "word": 4}
    families = Counter(p.stem.split("_pdf_")[1] for p in pdfs[1:])
    assert set(families.values()) == {2}  # every layout family twice, by two writers
    by_family = {}
    for p in pdfs[1:]:
        by_family.setdefault(p.stem.split("_pdf_")[1], set()).add(writer_of(p))
    assert all(len(w) == 2 for w in by_family.values())
