"""Tests for extractor.readers.encoding.decode_bytes."""

from __future__ import annotations

import codecs
import random

import pytest

from extractor.errors import DocumentLoadError
from extractor.readers.encoding import canonical_encoding, decode_bytes

TEXT = "2020年政府信息公开工作年度报告\n一、总体情况\t12\t0\n"


def test_utf8():
    assert decode_bytes(TEXT.encode("utf-8")) == (TEXT, "utf-8")


def test_ascii_is_utf8():
    assert decode_bytes(b"plain ascii 123") == ("plain ascii 123", "utf-8")


def test_utf8_bom_is_stripped():
    text, encoding = decode_bytes(codecs.BOM_UTF8 + TEXT.encode("utf-8"))
    assert (text, encoding) == (TEXT, "utf-8-sig")


def test_gb18030_undeclared():
    assert decode_bytes(TEXT.encode("gb18030")) == (TEXT, "gb18030")


def test_gbk_bytes_declared_gb2312_read_as_gb18030():
    # 镕 is outside GB2312 but common in GBK pages that claim gb2312
    text = "朱镕基 政府信息公开 " * 3
    assert decode_bytes(text.encode("gbk"), "gb2312") == (text, "gb18030")
    assert decode_bytes(text.encode("gbk"), "GBK") == (text, "gb18030")


@pytest.mark.parametrize("codec, bom", [
    ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-32-le", codecs.BOM_UTF32_LE),
    ("utf-32-be", codecs.BOM_UTF32_BE),
])
def test_bom(codec, bom):
    assert decode_bytes(bom + TEXT.encode(codec)) == (TEXT, codec)


def test_bom_beats_declaration():
    data = codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")
    assert decode_bytes(data, "gb2312") == (TEXT, "utf-16-le")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_from_nul_pattern(codec):
    text = "<html><body><p>报告 report 2020</p></body></html>"
    assert decode_bytes(text.encode(codec)) == (text, codec)


def test_utf8_wins_over_wrong_legacy_declaration():
    assert decode_bytes(TEXT.encode("utf-8"), "gb2312") == (TEXT, "utf-8")


def test_gbk_wins_over_wrong_utf8_declaration():
    assert decode_bytes(TEXT.encode("gb18030"), "utf-8") == (TEXT, "gb18030")


def test_declared_single_byte_is_weak():
    assert decode_bytes(TEXT.encode("gb18030"), "iso-8859-1") == (TEXT, "gb18030")


def test_declared_single_byte_used_when_nothing_else_fits():
    text = "Résumé – café " * 30
    assert decode_bytes(text.encode("cp1252"), "windows-1252") == (text, "cp1252")


def test_declared_big5():
    text = "政府資訊公開年度報告" * 3
    assert decode_bytes(text.encode("big5"), "big5") == (text, "big5")


@pytest.mark.parametrize("declared", ["no-such-charset", "base64", "", None, "utf-16"])
def test_useless_declarations_are_ignored(declared):
    assert decode_bytes(TEXT.encode("utf-8"), declared) == (TEXT, "utf-8")


def test_one_stray_byte_in_long_gb_text_is_replaced():
    body = ("政府信息公开工作年度报告" * 100).encode("gb18030")
    text, encoding = decode_bytes(body[:500] + b"\xff" + body[500:])
    assert encoding == "gb18030"
    assert text.count("\ufffd") == 1
    assert text.startswith("政府信息公开")


def test_form_feed_and_tabs_are_text():
    assert decode_bytes(b"page1\fpage2\tcell\r\n") == ("page1\fpage2\tcell\r\n", "utf-8")


def test_empty():
    assert decode_bytes(b"") == ("", "utf-8")


def test_random_bytes_raise():
    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(4000))
    with pytest.raises(DocumentLoadError):
        decode_bytes(data)


def test_nul_bytes_raise():
    with pytest.raises(DocumentLoadError, match="does not look like text"):
        decode_bytes(bytes(1000))


@pytest.mark.parametrize("label, expected", [
    ("gb2312", "gb18030"), ("GBK", "gb18030"), ("x-gbk", "gb18030"), ("cp936", "gb18030"),
    ("GB18030", "gb18030"), ("UTF8", "utf-8"), ("'utf-8'", "utf-8"), ("latin1", "iso8859-1"),
    ("big5", "big5"), ("nonsense", None), ("base64", None), (None, None),
])
def test_canonical_encoding(label, expected):
    assert canonical_encoding(label) == expected
