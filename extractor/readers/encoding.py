"""Turn the bytes of a text-like file into ``str``, detecting the encoding.

:func:`decode_bytes` is shared by the text and HTML readers; it knows nothing about
markup (the HTML reader finds a ``<meta charset>`` itself and passes it as ``declared``).

Order of evidence:

1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) is final;
2. UTF-16 without a BOM is recognised by its NUL bytes (ASCII-heavy text such as markup);
3. strict decodes, in order: the declared encoding (GB2312/GBK are read as their superset
   GB18030), UTF-8, GB18030. Text that is valid UTF-8 with several non-ASCII characters
   is read as UTF-8 even when something else was declared: GBK bytes are practically
   never valid UTF-8, while mislabelled pages are common;
4. the same encodings decoded leniently, if one loses at most a few bytes (a stray byte
   in a long GB18030 page; the lost bytes become U+FFFD);
5. a declared single-byte encoding (Latin-1 and the like accept any bytes, so they are
   the weakest evidence);
6. ``charset-normalizer``'s best guess.

Bytes that fit none of these, or whose decoding is full of control characters (binary
data), raise :class:`~extractor.errors.DocumentLoadError`.
"""

from __future__ import annotations

import codecs
import re
from typing import Optional

from ..errors import DocumentLoadError

_BOMS = (  # UTF-32 first: its LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_GB_ALIASES = {"gb2312", "gbk", "x-gbk", "gb_2312", "gb_2312-80", "csgb2312", "chinese",
               "iso-ir-58", "cp936", "ms936", "windows-936", "euc-cn", "x-euc-cn", "csiso58gb231280"}
_SINGLE_BYTE_PREFIXES = ("iso8859", "cp125", "cp437", "cp850", "latin", "mac-", "koi8", "tis-620")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL_RATIO = 0.05
_MAX_LOST_RATIO = 0.002  # lenient decode: at most 1 replaced character in 500
_UTF8_EVIDENCE = 4  # non-ASCII characters that make valid UTF-8 beat a declared encoding
_HIGH_BYTES = bytes(range(0x80, 0x100))


def decode_bytes(data: bytes, declared: Optional[str] = None) -> tuple[str, str]:
    """Decode ``data``; return ``(text, encoding)``.

    ``declared`` is an encoding name the container claims (a ``<meta charset>``, an HTTP
    header); unknown or non-text codec names are ignored. ``encoding`` is the Python codec
    name actually used: ``"utf-8"``, ``"utf-8-sig"`` (UTF-8 with BOM), ``"utf-16-le"``,
    ``"utf-16-be"``, ``"gb18030"``, ... A BOM is removed from the text. Empty input gives
    ``("", "utf-8")``. Undecodable or binary input raises ``DocumentLoadError``.
    """
    if not data:
        return "", "utf-8"
    strong, weak = _candidates(data, declared)
    steps = (lambda: _from_bom(data), lambda: _from_nul_pattern(data),
             lambda: _strict(data, strong), lambda: _lenient(data, strong),
             lambda: _strict(data, weak), lambda: _guess(data))
    for step in steps:
        decoded = step()
        if decoded is not None:
            return _checked(decoded)
    raise DocumentLoadError("cannot detect the text encoding (binary or corrupt data?)")


def canonical_encoding(name: Optional[str]) -> Optional[str]:
    """Python codec name for an encoding label, GB2312/GBK folded to GB18030; None if unknown."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    if label in _GB_ALIASES:
        return "gb18030"
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None  # a bytes-to-bytes codec such as base64
    codec = info.name
    return "gb18030" if codec in ("gb2312", "gbk") else codec


def _from_bom(data: bytes) -> Optional[tuple[str, str]]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            body = data if codec == "utf-8-sig" else data[len(bom):]
            return body.decode(codec, errors="replace"), codec
    return None


def _from_nul_pattern(data: bytes) -> Optional[tuple[str, str]]:
    """UTF-16 without BOM: ASCII characters leave a NUL in every other byte."""
    sample = data[:4096]
    if sample.count(0) < len(sample) // 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    codec = "utf-16-le" if odd > 4 * even else "utf-16-be" if even > 4 * odd else None
    if codec is None:
        return None
    return _try(data[: len(data) // 2 * 2], codec)


def _candidates(data: bytes, declared: Optional[str]) -> tuple[list[str], list[str]]:
    """Encodings to try, most likely first: multi-byte ones, then single-byte ones.

    Single-byte encodings accept (nearly) any bytes, so a declared one is tried only
    after UTF-8 and GB18030 have failed even leniently.
    """
    codec = canonical_encoding(declared)
    order = ["utf-8", "gb18030"]
    if codec is None or codec == "utf-8" or codec.startswith(("utf-16", "utf-32")):
        return order, []  # a UTF-16/32 label without a BOM or NUL pattern is wrong
    if codec.startswith(_SINGLE_BYTE_PREFIXES):
        return order, [codec]
    rest = [c for c in order if c != codec]
    if _strong_utf8(data):
        return ["utf-8", codec] + [c for c in rest if c != "utf-8"], []
    return [codec] + rest, []


def _strong_utf8(data: bytes) -> bool:
    """Valid UTF-8 with enough multi-byte characters to outweigh a declaration."""
    if len(data) - len(data.translate(None, _HIGH_BYTES)) < 2 * _UTF8_EVIDENCE:
        return False
    return _try(data, "utf-8") is not None


def _strict(data: bytes, codecs_: list[str]) -> Optional[tuple[str, str]]:
    for codec in codecs_:
        decoded = _try(data, codec)
        if decoded is not None:
            return decoded
    return None


def _lenient(data: bytes, codecs_: list[str]) -> Optional[tuple[str, str]]:
    """The candidate that replaces fewest bytes, if it replaces only a handful."""
    best: Optional[tuple[int, str, str]] = None
    for codec in codecs_:
        text = data.decode(codec, errors="replace")
        lost = text.count("\ufffd")
        if best is None or lost < best[0]:
            best = (lost, text, codec)
    if best is not None and best[0] <= max(1, int(len(best[1]) * _MAX_LOST_RATIO)):
        return best[1], best[2]
    return None


def _guess(data: bytes) -> Optional[tuple[str, str]]:
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is None or match.encoding is None:
        return None
    return str(match), match.encoding


def _try(data: bytes, codec: str) -> Optional[tuple[str, str]]:
    try:
        return data.decode(codec), codec
    except (UnicodeDecodeError, LookupError):
        return None


def _checked(decoded: tuple[str, str]) -> tuple[str, str]:
    """Refuse text that is mostly control characters: the bytes were binary."""
    text, codec = decoded
    if text and len(_CONTROL.findall(text)) > len(text) * _MAX_CONTROL_RATIO:
        raise DocumentLoadError(f"the data does not look like text (decoded as {codec}, "
                                "full of control characters)")
    return text, codec
