"""Walking inputs: folders, zip files, what is taken and what is skipped; the run key; atomic writes."""

from __future__ import annotations

import hashlib
import zipfile

import pytest

from extractor.batch.run import BatchOptions, unique_documents
from extractor.batch.store import Store, run_key, write_atomic
from extractor.batch.walk import ZIP_SEP, materialize, walk
from extractor.errors import SettingsError
from extractor.settings import Settings


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_folders_zips_and_skips(tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_bytes(b"report a")
    (src / "sub" / "b.html").write_bytes(b"<html>b</html>")
    (src / "notes.json").write_bytes(b"{}")  # not a report's type: skipped, counted
    (src / ".hidden.txt").write_bytes(b"hidden")
    (src / ".git").mkdir()
    (src / ".git" / "c.txt").write_bytes(b"hidden folder")
    with zipfile.ZipFile(src / "pack.zip", "w") as zf:
        zf.writestr("inner/c.pdf", b"%PDF-1.4 c")
        zf.writestr("inner/readme.csv", b"x")
        zf.writestr("__MACOSX/inner/._c.pdf", b"junk")
    out = src / "out"  # an output folder inside the input is never read
    out.mkdir()
    (out / "d.txt").write_bytes(b"old output")
    report = walk([src], exclude=[out])
    sources = [i.source for i in report.items]
    assert sources == [str(src / "a.txt"), f"{src / 'pack.zip'}{ZIP_SEP}inner/c.pdf", str(src / "sub" / "b.html")]
    assert report.items[0].sha256 == sha(b"report a") and report.items[0].size == 8
    member = report.items[1]
    assert member.member == "inner/c.pdf" and member.sha256 == sha(b"%PDF-1.4 c")
    assert materialize(member, str(tmp_path)) != member.path
    assert sorted(report.skipped) == [str(src / "notes.json"), f"{src / 'pack.zip'}{ZIP_SEP}inner/readme.csv"]


def test_named_file_is_always_taken_and_missing_input_is_an_error(tmp_path):
    p = tmp_path / "report.dat"
    p.write_bytes(b"x")
    assert [i.source for i in walk([p]).items] == [str(p)]
    with pytest.raises(FileNotFoundError):
        walk([tmp_path / "nope"])


def test_broken_and_encrypted_zips_become_problems(tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 this is not a zip at all")
    enc = tmp_path / "enc.zip"
    with zipfile.ZipFile(enc, "w") as zf:
        zf.writestr("a.txt", b"secret")
    data = bytearray(enc.read_bytes())
    data[6] |= 1  # the "encrypted" flag, in the local header and in the central directory
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 1
    enc.write_bytes(bytes(data))
    items = walk([bad, enc]).items
    assert items[0].problem.startswith("broken zip file")
    assert "encrypted" in items[1].problem


def test_gbk_member_names_are_decoded(tmp_path):
    z = tmp_path / "cn.zip"
    name = "报告.txt"
    with zipfile.ZipFile(z, "w") as zf:  # as Windows zips them: GBK bytes, no UTF-8 flag
        zf.writestr("XXXX.txt", b"x")
    z.write_bytes(z.read_bytes().replace(b"XXXX.txt", name.encode("gbk")))
    item = walk([z]).items[0]
    assert item.source.endswith(ZIP_SEP + name)


def test_identical_files_are_one_document(tmp_path):
    for n in ("a.txt", "b.txt"):
        (tmp_path / n).write_bytes(b"same")
    (tmp_path / "c.txt").write_bytes(b"other")
    entries = unique_documents(walk([tmp_path]).items)
    assert [(e.item.source.rsplit("/", 1)[1], len(e.sources)) for e in entries] == [("a.txt", 2), ("c.txt", 1)]


def test_run_key_depends_on_settings_and_model(monkeypatch, tmp_path):
    monkeypatch.delenv("EXTRACTOR_MODEL", raising=False)
    base = run_key(Settings())
    assert base == run_key(Settings()) and base != run_key(Settings(review_threshold=0.9))
    monkeypatch.setenv("EXTRACTOR_MODEL", "none")
    assert run_key(Settings()) != base
    (tmp_path / "model.json").write_text("{}")
    monkeypatch.setenv("EXTRACTOR_MODEL", str(tmp_path))
    one = run_key(Settings())
    (tmp_path / "model.json").write_text('{"retrained": 1}')
    assert run_key(Settings()) != one


def test_atomic_write_and_store(tmp_path):
    store = Store(tmp_path, "k")
    h = "ab" * 32
    assert store.load(h) is None
    store.save(h, '{"batch": {"key": "k", "record_version": 1, "status": "success"}, "result": null}')
    assert store.status(h) == "success"
    assert Store(tmp_path, "other").load(h) is None
    write_atomic(tmp_path / "x.txt", "one")
    (tmp_path / "results" / ".tmp-left-over").write_text("partial")
    assert store.clean_temporaries() == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp")] == []


def test_options_are_checked():
    with pytest.raises(SettingsError, match="engine"):
        BatchOptions(engine="spark")
    with pytest.raises(SettingsError, match="workers"):
        BatchOptions(workers=0)
    with pytest.raises(SettingsError, match="address"):
        BatchOptions(address="auto")
