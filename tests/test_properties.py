"""Properties: how a report is typed must not change what is read from it."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.pipeline import extract

from .conftest import SEEDS

SOURCES = ["001_29ee529a4ac3a460.txt", "003_94a1ddae1680c43d.txt", "004_a019567fb67cfa3a.txt"]
FULL = str.maketrans("0123456789", "０１２３４５６７８９")
NUMBERING = re.compile(r"(?:\([一二三四五六七]\)|（[一二三四五六七]）|(?<![\d.])[1-8]\.\s?)(?=[\u4e00-\u9fff])")
_BASE: dict[str, dict] = {}


def values(text: str) -> dict:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "r.txt"
        p.write_text(text, encoding="utf-8")
        return {k: f["value"] for k, f in extract(p)["fields"].items()}


def base(name: str) -> dict:
    if name not in _BASE:
        _BASE[name] = values((SEEDS / name).read_text(encoding="utf-8"))
    return _BASE[name]


def table_lines(text: str) -> list[int]:
    return [i for i, ln in enumerate(text.split("\n")) if "\t" in ln or ln.startswith("|")]


COMMON = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@COMMON
@given(name=st.sampled_from(SOURCES), data=st.data())
def test_extra_whitespace_inside_cells(name, data):
    lines = (SEEDS / name).read_text(encoding="utf-8").split("\n")
    for i in table_lines("\n".join(lines)):
        if data.draw(st.booleans()):
            pad = data.draw(st.sampled_from([" ", "  ", "\u3000", " \u00a0"]))
            sep = "\t" if "\t" in lines[i] else "|"
            lines[i] = sep.join(pad + c + pad if c.strip() else c for c in lines[i].split(sep))
    assert values("\n".join(lines)) == base(name)


@COMMON
@given(name=st.sampled_from(SOURCES), data=st.data())
def test_full_width_digits(name, data):
    lines = (SEEDS / name).read_text(encoding="utf-8").split("\n")
    for i in table_lines("\n".join(lines)):
        if data.draw(st.booleans()):
            lines[i] = lines[i].translate(FULL)
    assert values("\n".join(lines)) == base(name)


@COMMON
@given(name=st.sampled_from(SOURCES), data=st.data())
def test_dropped_numbering(name, data):
    lines = (SEEDS / name).read_text(encoding="utf-8").split("\n")
    for i in table_lines("\n".join(lines)):
        if data.draw(st.booleans()):
            lines[i] = NUMBERING.sub("", lines[i])
    assert values("\n".join(lines)) == base(name)
