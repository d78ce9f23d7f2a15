"""Pictures of a web page, read by OCR: the tables many sites post as screenshots.

An ``<img>`` of an HTML report (:attr:`Document.pictures`) is read when its picture is in
the file (a ``data:`` URI, as single-file savers write them) or in a file beside it (a page
saved "complete", its pictures in a folder next to it), and is at least
:data:`MIN_WIDTH` × :data:`MIN_HEIGHT` pixels (smaller ones are logos and icons). Its rows
are put among the page's lines where the picture stands, their boxes in the picture's
pixels. Pictures on the web are not fetched (nothing is downloaded): a warning counts them.
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import replace
from pathlib import Path
from typing import Optional
from urllib.parse import unquote, unquote_to_bytes

from ..errors import DocumentLoadError
from ..model import Document, Line
from ..scanpage import read_page_image
from .image import load_frames

MIN_WIDTH, MIN_HEIGHT = 200, 24  # pixels: narrower pictures are logos, icons and bullets (a table of
# one row is as low as 24 pixels at a screen's 96 dpi)
MAX_BYTES = 50 << 20  # a bigger file beside the page is not one of its pictures
MAX_PICTURES = 30  # a page with more is a gallery: only the first are read
_REMOTE = ("http://", "https://", "//", "ftp://")


def ocr_pictures(doc: Document) -> Document:
    """The HTML ``doc`` with the text of its pictures read by OCR and put where each stands
    (see the module's notes); ``doc`` itself when no picture gives a row."""
    base = Path(doc.path).resolve().parent
    found: list[tuple[int, list[Line]]] = []
    warnings = list(doc.warnings)
    remote = 0
    for k, (at, src) in enumerate(doc.pictures[:MAX_PICTURES]):
        if src.lower().startswith(_REMOTE):
            remote += 1
            continue
        name = f"picture {k + 1}" if src.startswith("data:") else f"picture {src}"
        data = _bytes_of(src, base)
        size = _size_of(data) if data is not None else None
        if size is None:
            if data is not None:
                warnings.append(f"{name}: not a readable picture")
            continue
        if size[0] < MIN_WIDTH or size[1] < MIN_HEIGHT:
            continue
        try:
            img, dpi = load_frames(name, data=data, screen=True)[0]  # an animation: its first frame
        except DocumentLoadError:
            warnings.append(f"{name}: not a readable picture")
            continue
        page = read_page_image(img, dpi, upright=True)
        rows = [Line(tuple(r.cells), page=1, bbox=r.bbox) for r in page.rows]
        if rows:
            found.append((at, rows))
            warnings.append(f"{name} read by OCR ({len(rows)} rows)")
    if remote:
        warnings.append(f"{remote} pictures are on the web, not in the file or beside it: not read")
    if len(doc.pictures) > MAX_PICTURES:
        warnings.append(f"{len(doc.pictures)} pictures: only the first {MAX_PICTURES} were looked at")
    if not found:
        return replace(doc, warnings=warnings)
    lines: list[Line] = []
    taken = 0
    for at, rows in found:
        lines += doc.lines[taken:at] + rows
        taken = at
    lines += doc.lines[taken:]
    lines = [replace(ln, number=i + 1) for i, ln in enumerate(lines)]
    return replace(doc, lines=lines, warnings=warnings)


def _size_of(data: bytes) -> Optional[tuple[int, int]]:
    """A picture's width and height in pixels, from its header; None when it is no picture."""
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(io.BytesIO(data)) as im:
            return im.size
    except (UnidentifiedImageError, OSError, ValueError):
        return None


def _bytes_of(src: str, base: Path) -> Optional[bytes]:
    """The picture's bytes: a data URI's, or a file's under the page's folder (none above it:
    a page must not read files it has no business with)."""
    if src.startswith("data:"):
        head, _, payload = src.partition(",")
        try:
            return base64.b64decode(payload) if head.endswith(";base64") else unquote_to_bytes(payload)
        except (binascii.Error, ValueError):
            return None
    if src.lower().startswith("file:"):
        src = src[5:].lstrip("/")
    path = (base / unquote(src.split("#")[0].split("?")[0]).replace("\\", "/")).resolve()
    if not path.is_relative_to(base) or not path.is_file() or path.stat().st_size > MAX_BYTES:
        return None
    return path.read_bytes()
