"""How each value is printed, and what the truth says about it.

A value may be printed plainly, with a thousands separator ("1,234"), with a sign
("+3"), with a unit in the cell ("5280 元"), or blank ("", "—", "/"); a blank cell is
null in the truth. Planting a rule break (one total off by some amount) happens here too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from . import spec
from .style import Style


@dataclass
class Printed:
    """Printed cell texts and their truth values, by field id."""

    text: dict[str, str] = field(default_factory=dict)
    value: dict[str, object] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)


def parse_number(text: str):
    """The number a printed amount or count stands for (int when it has no decimals)."""
    text = text.replace(",", "").lstrip("+")
    return float(text) if "." in text else int(text)


def with_separator(text: str) -> str:
    """Insert thousands separators into the integer part of a number string."""
    sign = text[0] if text[0] in "+-" else ""
    body = text[len(sign):]
    whole, dot, frac = body.partition(".")
    return sign + f"{int(whole):,}" + dot + frac


def format_value(style: Style, field_id: str, value) -> str:
    text = value if isinstance(value, str) else str(value)
    if field_id.endswith(".change") and style.plus_sign and not text.startswith(("-", "0")):
        text = "+" + text
    if style.thousands and abs(parse_number(text)) >= 1000:
        text = with_separator(text)
    return text


def blank_fields(rng: random.Random, style: Style, values: dict, keep: set) -> set[str]:
    """Zero cells of the requests and appeals tables that are printed blank."""
    zeros = [f for f, v in values.items() if f.split(".")[0] in ("requests", "appeals")
             and v == 0 and f not in keep]
    if style.blank_mode == "zeros":
        return set(zeros)
    if style.blank_mode == "cells":
        return {f for f in zeros if rng.random() < 0.3}
    if style.blank_mode == "rows":
        return blank_rows(rng, zeros)
    return set()


def blank_rows(rng: random.Random, zeros: list[str]) -> set[str]:
    """Whole all-zero rows (or appeals groups) printed blank, like 结转下年度继续办理."""
    zero_set = set(zeros)
    rows: dict[str, list[str]] = {}
    for f in zeros:
        rows.setdefault(f.rsplit(".", 1)[0], []).append(f)
    full = [r for r, fs in rows.items() if all(f in zero_set for f in fs)
            and len(fs) == (5 if r.startswith("appeals") else 7)]
    chosen = rng.sample(full, min(len(full), rng.randint(1, 3)))
    return {f for r in chosen for f in rows[r]}


def print_amount(rng: random.Random, style: Style, field_id: str, text: str, out: Printed) -> None:
    out.value[field_id] = parse_number(text)
    printed = with_separator(text) if style.thousands else text
    if field_id.endswith(".amount_10k_yuan"):
        out.units[field_id] = "万元"
    elif style.procure_place == "label":
        out.units[field_id] = "万元"
    elif style.procure_place == "cell":
        out.units[field_id] = style.procure_unit
        printed += rng.choice(["", " "]) + style.procure_unit
    out.text[field_id] = printed


def print_values(rng: random.Random, style: Style, values: dict, keep: set) -> Printed:
    """Decide the printed text and truth value of every field of the report."""
    out = Printed()
    blanks = blank_fields(rng, style, values, keep)
    for f, v in values.items():
        art20 = f.startswith("art20")
        if f in blanks or (art20 and style.art20_blanks and rng.random() < 0.25):
            out.text[f] = style.blank_token
            out.value[f] = None
        elif isinstance(v, str):
            print_amount(rng, style, f, v, out)
        else:
            out.text[f] = format_value(style, f, v)
            out.value[f] = v
    return out


BREAK_TARGETS = ["requests.total.total", "requests.new_received.total", "requests.carried_forward.total",
                 "requests.granted.total", "requests.total.natural_person", "requests.granted.natural_person",
                 "appeals.review.total", "appeals.litigation_direct.total"]


def plant_break(rng: random.Random, template: str, values: dict) -> str:
    """Put one total off by a small amount; return the field that was changed."""
    target = rng.choice(BREAK_TARGETS)
    old = values[target]
    delta = rng.choice([d for d in (1, 1, 2, 3, 5, 10, 100) if d <= max(10, old)]) * rng.choice([1, -1])
    if old + delta < 0:
        delta = -delta
    values[target] = old + delta
    assert spec.violations(template, values), target
    return target
