"""Per-document printing choices: label variants, blank cells, units, number formats.

Real reports print the same national form with many small differences: numbering
styles ((一) vs 一、 vs 1. vs 1、), 规范性文件 vs 行政规范性文件, full- or half-width
punctuation, 采购总金额 with or without （单位:万元）, thousands separators, blank
zeros printed as nothing, "—" or "/". One :class:`Style` holds those choices for one
document; :func:`request_label` and friends apply them to the spec's labels.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from . import spec

PARENT_STYLES = ["（{}）", "（{}）", "({})", "({}) ", "({})"]
SUB_STYLES = ["{}.", "{}.", "{}. ", "{}、", "（{}）"]
TOP_STYLES = ["{}、", "{}、", "{}、", "{}."]
QUOTES = [("“", "”"), ("“", "”"), ('"', '"'), ("", "")]
ART20_TITLES = ["第二十条第（{}）项", "第二十条第（{}）项", "第二十条 第（{}）项", "第二十条第({})项"]
PROCURE_LABELS = ["采购总金额（单位:万元）", "采购总金额（单位：万元）", "采购总金额(万元)", "采购总金额（万元）"]
FEE_LABELS = ["本年收费金额（单位：万元）", "本年收费金额（单位：万元）", "本年收费金额(单位:万元)",
              "本年收费金额（万元）"]
BLANK_TOKENS = ["", "", "—", "/", "-", "——"]
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass
class Style:
    """Printing choices of one document."""

    parent: str
    sub: str
    top: str
    quotes: tuple[str, str]
    halfwidth: bool
    normative: str
    art20_title: str
    procure_place: str  # label | cell | none
    procure_unit: str  # 元 | 万元
    procure_label: str
    fee_label: str
    thousands: bool
    plus_sign: bool
    blank_token: str
    blank_mode: str  # none | cells | rows | zeros
    art20_blanks: bool
    spaced_headers: bool
    total_top: bool  # 总计 header spans all three header rows (seeds) instead of two
    note: str
    group_as_row: bool
    art20_split: bool  # one table per 第二十条 item instead of one combined table
    art20_span: bool  # 2021: single value cells span the remaining columns


def pick(rng: random.Random, weighted: dict) -> str:
    keys = list(weighted)
    return rng.choices(keys, weights=[weighted[k] for k in keys])[0]


def make_style(rng: random.Random, template: str) -> Style:
    place = pick(rng, {"label": 4, "cell": 3, "none": 2})
    unit = "万元" if place == "label" else pick(rng, {"元": 1, "万元": 1})
    halfwidth = rng.random() < 0.25
    note = NOTE if rng.random() < 0.85 else ""
    if halfwidth and note:
        note = note.replace("（", "(").replace("）", ")")
    return Style(
        parent=rng.choice(PARENT_STYLES), sub=rng.choice(SUB_STYLES), top=rng.choice(TOP_STYLES),
        quotes=rng.choice(QUOTES), halfwidth=halfwidth,
        normative=pick(rng, {"规范性文件": 3, "行政规范性文件": 2} if template == "2019"
                       else {"规范性文件": 1, "行政规范性文件": 4}),
        art20_title=rng.choice(ART20_TITLES), procure_place=place, procure_unit=unit,
        procure_label=rng.choice(PROCURE_LABELS) if place == "label" else "采购总金额",
        fee_label=rng.choice(FEE_LABELS), thousands=rng.random() < 0.2,
        plus_sign=rng.random() < 0.2, blank_token=rng.choice(BLANK_TOKENS),
        blank_mode=pick(rng, {"none": 10, "cells": 3, "rows": 3, "zeros": 1}),
        art20_blanks=rng.random() < 0.12, spaced_headers=rng.random() < 0.15,
        total_top=rng.random() < 0.5, note=note, group_as_row=rng.random() < 0.08,
        art20_split=rng.random() < 0.3, art20_span=rng.random() < 0.7,
    )


def restyle_number(style: Style, text: str) -> str:
    """Re-number one label part: （三）x → style.parent, 1.x → style.sub, 一、x → style.top."""
    m = re.match(r"^（([一二三四五六七八九十]+)）(.*)$", text)
    if m:
        return style.parent.format(m.group(1)) + m.group(2)
    m = re.match(r"^(\d+)\.(.*)$", text)
    if m:
        return style.sub.format(m.group(1)) + m.group(2)
    m = re.match(r"^([一二三四五六七八九十]+)、(.*)$", text)
    if m:
        return style.top.format(m.group(1)) + m.group(2)
    return text


def punctuate(style: Style, text: str) -> str:
    """Apply quote and full/half-width punctuation choices."""
    text = text.replace("“", style.quotes[0]).replace("”", style.quotes[1])
    if style.halfwidth:
        text = text.replace("（区分", "(区分").replace("情形）", "情形)").replace("，", ",")
    return text


def request_label(style: Style, template: str, row_id: str) -> tuple[str, str]:
    """(parent label or "", own label) of a requests row, as printed."""
    label = next(r["label"] for r in spec.table(template, "requests")["rows"] if r["id"] == row_id)
    parent, _, own = label.rpartition(" ")
    own = punctuate(style, restyle_number(style, own))
    return (restyle_number(style, parent) if parent else ""), own


def art20_row_label(style: Style, template: str, table_id: str, row_id: str) -> str:
    if row_id == "normative_documents":
        return style.normative
    return next(r["label"] for r in spec.table(template, table_id)["rows"] if r["id"] == row_id)


def art20_col_label(style: Style, template: str, table_id: str, col_id: str) -> str:
    if col_id == "amount":
        return style.procure_label
    if col_id == "amount_10k_yuan":
        return style.fee_label
    return next(c["label"] for c in spec.table(template, table_id)["columns"] if c["id"] == col_id)


def art20_title(style: Style, table_id: str) -> str:
    numeral = {"art20_1": "一", "art20_5": "五", "art20_6": "六", "art20_8": "八", "art20_9": "九"}[table_id]
    return style.art20_title.format(numeral)


def header(style: Style, text: str) -> str:
    """A column header, sometimes with the stray spaces of a converted document."""
    if style.spaced_headers and len(text) >= 3:
        return text[:2] + " " + text[2:]
    return text
