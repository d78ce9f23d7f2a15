"""Inputs of a batch: files, folders (walked recursively) and zip files (their members).

Every input becomes an :class:`Item` with the SHA-256 of its content, which keys its result.
A file named on the command line is always taken; inside folders and zip files only files
whose suffix says they may be a report (:data:`REPORT_SUFFIXES`) are, so that truth files,
notes and the like are not read as reports. Hidden files and the output folder are skipped.

Something that cannot be read while walking (a broken or encrypted zip, a member that fails
its CRC, an unreadable file) becomes an Item with ``problem`` set: it is listed as failed
with that reason and never sent to a worker.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator, Optional

# Suffixes taken inside folders and zips: the formats reports are published in. Images and
# office files are taken so they are listed (as failed, with the reason) rather than ignored.
REPORT_SUFFIXES = frozenset({
    ".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".shtml", ".pdf",
    ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".gif",
    ".doc", ".docx", ".wps", ".xls", ".xlsx", ".ofd",
})
ZIP_SUFFIXES = frozenset({".zip"})
MAX_MEMBER_BYTES = 512 * 2**20  # a zip member larger than this (uncompressed) is not unpacked
ZIP_SEP = "!"  # source of a zip member: "<zip path>!<member name>"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Item:
    """One document to extract: a file, or a member of a zip file."""

    source: str  # how the document is named in every output: a path, or "<zip>!<member>"
    path: str  # absolute path of the file, or of the zip holding it
    member: Optional[str] = None  # the member's name in the zip (as stored), if any
    sha256: str = ""  # of the document's bytes; "" when they could not be read
    size: int = 0
    problem: Optional[str] = None  # why it cannot be processed, found while walking

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.member or self.path).suffix.lower()


@dataclass
class WalkReport:
    items: list[Item]
    skipped: list[str]  # files inside folders or zips whose type is not a report's


def walk(inputs: Iterable[str | os.PathLike], exclude: Iterable[str | os.PathLike] = ()) -> WalkReport:
    """All documents under the inputs, in a stable order (sorted within each input).

    A missing input raises FileNotFoundError: that is a mistake on the command line,
    not a document to list as failed.
    """
    excluded = [Path(p).resolve() for p in exclude]
    items: list[Item] = []
    skipped: list[str] = []
    for raw in inputs:
        p = Path(raw)
        if not p.exists():
            raise FileNotFoundError(f"{p}: no such file or folder")
        if p.is_dir():
            for f in _files_under(p.resolve(), excluded):
                _take(f, items, skipped, named=False)
        else:
            _take(p.resolve(), items, skipped, named=True)
    return WalkReport(items, skipped)


def _files_under(root: Path, excluded: list[Path]) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and not any(_same_or_under(here / d, e) for e in excluded))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield here / name


def _same_or_under(path: Path, other: Path) -> bool:
    try:
        path.resolve().relative_to(other)
        return True
    except ValueError:
        return False


def _take(path: Path, items: list[Item], skipped: list[str], named: bool) -> None:
    suffix = path.suffix.lower()
    if suffix in ZIP_SUFFIXES or (named and _looks_like_zip(path)):
        items.extend(_zip_items(path, skipped))
    elif named or suffix in REPORT_SUFFIXES:
        items.append(_file_item(path))
    else:
        skipped.append(str(path))


def _looks_like_zip(path: Path) -> bool:
    """A named file with another suffix is unpacked only if it really is a zip of reports.

    DOCX/XLSX files are zips too; they are left to the reader (which names them).
    """
    if path.suffix.lower() in (".docx", ".xlsx", ".odt", ".ods", ".epub", ".ofd"):
        return False
    try:
        with path.open("rb") as f:
            return f.read(4) == b"PK\x03\x04" and zipfile.is_zipfile(path)
    except OSError:
        return False


def _file_item(path: Path) -> Item:
    try:
        digest, size = _hash_stream(path.open("rb"))
    except OSError as e:
        return Item(str(path), str(path), problem=f"cannot read the file ({e.strerror or e})")
    return Item(str(path), str(path), sha256=digest, size=size)


def _hash_stream(f) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def member_display_name(info: zipfile.ZipInfo) -> str:
    """The member's name; names stored in GBK without the UTF-8 flag are decoded as GBK."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def _zip_items(path: Path, skipped: list[str]) -> list[Item]:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        return [Item(str(path), str(path), problem=f"broken zip file ({e})")]
    out = []
    with zf:
        for info in sorted(zf.infolist(), key=lambda i: i.filename):
            name = member_display_name(info)
            base = PurePosixPath(name).name
            if info.is_dir() or base.startswith(".") or name.startswith("__MACOSX/"):
                continue
            source = f"{path}{ZIP_SEP}{name}"
            if PurePosixPath(name).suffix.lower() not in REPORT_SUFFIXES:
                skipped.append(source)
                continue
            out.append(_member_item(zf, info, path, source))
    return out


def _member_item(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, source: str) -> Item:
    def failed(reason: str) -> Item:
        return Item(source, str(path), member=info.filename, size=info.file_size, problem=reason)

    if info.flag_bits & 0x1:
        return failed("encrypted zip member: a password is needed to read it")
    if info.file_size > MAX_MEMBER_BYTES:
        return failed(f"zip member of {info.file_size / 2**20:.0f} MB is too large to unpack "
                      f"(limit {MAX_MEMBER_BYTES / 2**20:.0f} MB)")
    try:
        digest, size = _hash_stream(zf.open(info))
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError, NotImplementedError) as e:
        return failed(f"zip member cannot be unpacked ({e})")
    return Item(source, str(path), member=info.filename, sha256=digest, size=size)


def materialize(item: Item, folder: str) -> str:
    """A path holding the item's bytes: the file itself, or the zip member unpacked into folder."""
    if item.member is None:
        return item.path
    suffix = PurePosixPath(item.member).suffix or ".bin"
    target = os.path.join(folder, "member" + suffix)
    with zipfile.ZipFile(item.path) as zf, zf.open(item.member) as src, open(target, "wb") as dst:
        while chunk := src.read(_CHUNK):
            dst.write(chunk)
    return target
