"""Untrusted uploads: checked, hashed and stored by content hash.

An upload is refused, with a one-line reason and an HTTP status, when it is too large (413),
empty or not a report this tool reads by its bytes, whatever its name says (415), or a PDF
that cannot be opened, is encrypted or has too many pages (422). The file's name is kept only
as a label for people: nothing derived from it reaches the disk, where the original is stored
as ``blobs/<aa>/<sha256>``. The same bytes uploaded twice are one document.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Optional

from ..errors import DocumentLoadError, UnsupportedInput
from ..readers import MAX_TEXT_BYTES, sniff
from ..readers.encoding import decode_bytes
from .settings import ServiceSettings
from .store import Store

CHUNK = 1 << 20
ACCEPTED_KINDS = ("pdf", "image", "html", "text")
REPORT_SUFFIXES = (".pdf", ".html", ".htm", ".txt", ".md", ".text")  # only to pick files out of a folder
# PyMuPDF is not thread-safe: every use of it in the service process holds this lock.
MUPDF_LOCK = threading.Lock()
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class UploadRejected(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Stored:
    sha256: str
    name: str
    kind: str
    size: int
    pages: Optional[int]


def display_name(filename: Optional[str]) -> str:
    """A label for people: the last path component, no control characters, at most 200 characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _CONTROL.sub("", unicodedata.normalize("NFC", name)).strip()
    return name[:200] or "upload"


def store_upload(store: Store, settings: ServiceSettings, stream: BinaryIO, filename: Optional[str]) -> Stored:
    """Copy an upload into the store (hashing it on the way), check it, keep it by hash."""
    name = display_name(filename)
    limit = settings.max_upload_bytes
    h = hashlib.sha256()
    size = 0
    head = b""
    tmp = store.temp_file()
    try:
        with tmp:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise UploadRejected(413, f"{name}: larger than the limit of {settings.max_upload_mb:g} MB")
                if len(head) < 65536:
                    head += chunk[:65536 - len(head)]
                h.update(chunk)
                tmp.write(chunk)
            tmp.flush()
            os.fsync(tmp.fileno())
        kind, pages = check_content(tmp.name, head, size, name, settings)
        sha = h.hexdigest()
        store.keep_blob(tmp.name, sha)
    except BaseException:
        Path(tmp.name).unlink(missing_ok=True)
        raise
    return Stored(sha, name, kind, size, pages)


def check_content(path: str, head: bytes, size: int, name: str, settings: ServiceSettings) -> tuple[str, Optional[int]]:
    """(kind, pages) of a file, by its bytes; :class:`UploadRejected` when it is not acceptable."""
    if size == 0 or not head.strip():
        raise UploadRejected(415, f"{name}: the file is empty")
    try:
        kind = sniff(head)
    except UnsupportedInput as e:
        raise UploadRejected(415, f"{name}: {e}") from None
    if kind not in ACCEPTED_KINDS:
        raise UploadRejected(415, f"{name}: {kind} files are not accepted")
    if kind == "pdf":
        return kind, _pdf_pages(path, name, settings.max_pdf_pages)
    if kind == "image":
        return kind, _image_pages(path, name, settings.max_pdf_pages)
    if size > MAX_TEXT_BYTES:
        raise UploadRejected(413, f"{name}: {size / 2**20:.0f} MB is too large for a text or HTML report "
                                  f"(limit {MAX_TEXT_BYTES / 2**20:g} MB)")
    if not _decodes(head, complete=size <= len(head)):
        raise UploadRejected(415, f"{name}: not text, HTML or PDF (binary or corrupt data)")
    return kind, None


def _decodes(head: bytes, complete: bool) -> bool:
    """Whether the first bytes decode as text; a head cut from a longer file may end inside a
    character (up to 3 bytes of it)."""
    for cut in ((0,) if complete else (0, 1, 2, 3)):
        try:
            decode_bytes(head[:len(head) - cut])
            return True
        except DocumentLoadError:
            continue
    return False


def _pdf_pages(path: str, name: str, max_pages: int) -> int:
    from ..mupdf import pymupdf
    with MUPDF_LOCK:
        try:
            doc = pymupdf.open(path, filetype="pdf")
        except Exception as e:
            raise UploadRejected(422, f"{name}: the PDF cannot be opened ({e})") from None
        try:
            if doc.needs_pass:
                raise UploadRejected(422, f"{name}: the PDF is encrypted with a password")
            pages = doc.page_count
        finally:
            doc.close()
    if pages == 0:
        raise UploadRejected(422, f"{name}: the PDF has no pages")
    if pages > max_pages:
        raise UploadRejected(422, f"{name}: {pages} pages is more than the limit of {max_pages}")
    return pages


def _image_pages(path: str, name: str, max_pages: int) -> int:
    """Pages (frames) of an image that decodes; a damaged or oversized image is refused."""
    from PIL import Image

    from ..readers.image import MAX_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(path) as im:
            pages = getattr(im, "n_frames", 1)
            im.load()  # decodes the first frame: a truncated or corrupt image fails here
    except Exception as e:  # PIL raises many kinds for damaged data
        raise UploadRejected(422, f"{name}: the image cannot be read ({e})") from None
    if pages > max_pages:
        raise UploadRejected(422, f"{name}: {pages} pages is more than the limit of {max_pages}")
    return pages


def ingest_path(store: Store, settings: ServiceSettings, path: Path, who: str) -> list[tuple[str, str]]:
    """Upload the file at ``path``, or the report files of a folder (by suffix: a folder also
    holds truth files and notes), as ``who``. The type is still judged by the bytes.

    Returns ``(file, outcome)`` for each: ``queued``, ``duplicate`` or the reason it was refused.
    """
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES)
    else:
        files = [path]
    out = []
    for f in files:
        try:
            with f.open("rb") as stream:
                s = store_upload(store, settings, stream, f.name)
            _, created = store.add_document(s.sha256, s.name, s.kind, s.size, s.pages, who)
            out.append((str(f), "queued" if created else "duplicate"))
        except UploadRejected as e:
            out.append((str(f), e.reason))
    return out
