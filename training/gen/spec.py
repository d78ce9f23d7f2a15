"""The field contract as the generator sees it: templates, field ids and the 4 rules.

Reads ``extractor/spec/fields.json`` (the same contract the extractor uses) and expands
the form's arithmetic rules (勾稽关系) into named equations, so that generated values can
be checked and planted rule breaks described.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SPEC_PATH = Path(__file__).resolve().parents[2] / "extractor" / "spec" / "fields.json"

APPLICANTS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org")
OUTCOME_GROUPS = ("granted", "partially_granted", "denied", "unable", "not_processed", "other")
APPEAL_PARTS = ("upheld", "corrected", "other", "pending")


@dataclass(frozen=True)
class Equation:
    """One instance of a rule: sum(lhs) == sum(rhs)."""

    rule: int
    name: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]


@lru_cache(maxsize=None)
def load_spec() -> dict:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def tables(template: str) -> list[dict]:
    return load_spec()["templates"][template]["tables"]


def table(template: str, table_id: str) -> dict:
    for t in tables(template):
        if t["id"] == table_id:
            return t
    raise KeyError(table_id)


def row_ids(template: str, table_id: str) -> list[str]:
    return [r["id"] for r in table(template, table_id)["rows"]]


def col_ids(template: str, table_id: str) -> list[str]:
    return [c["id"] for c in table(template, table_id)["columns"]]


def field_ids(template: str) -> list[str]:
    """Every field id of the template, in table / row / column order."""
    return [f"{t['id']}.{r['id']}.{c['id']}"
            for t in tables(template) for r in t["rows"] for c in t["columns"]]


def outcome_rows(template: str) -> list[str]:
    """The rows that add up to requests.total (予以公开 … 其他处理)."""
    return [r for r in row_ids(template, "requests") if r.split(".")[0] in OUTCOME_GROUPS]


@lru_cache(maxsize=None)
def equations(template: str) -> tuple[Equation, ...]:
    cols = col_ids(template, "requests")
    eqs: list[Equation] = []
    for c in cols:
        eqs.append(Equation(1, f"requests.column_balance[{c}]",
                            (f"requests.new_received.{c}", f"requests.carried_over.{c}"),
                            (f"requests.total.{c}", f"requests.carried_forward.{c}")))
    for r in row_ids(template, "requests"):
        eqs.append(Equation(2, f"requests.row_sum[{r}]",
                            tuple(f"requests.{r}.{a}" for a in APPLICANTS), (f"requests.{r}.total",)))
    for c in cols:
        eqs.append(Equation(3, f"requests.outcome_sum[{c}]", (f"requests.total.{c}",),
                            tuple(f"requests.{o}.{c}" for o in outcome_rows(template))))
    for g in row_ids(template, "appeals"):
        eqs.append(Equation(4, f"appeals.group_sum[{g}]",
                            tuple(f"appeals.{g}.{p}" for p in APPEAL_PARTS), (f"appeals.{g}.total",)))
    return tuple(eqs)


def violations(template: str, values: dict) -> list[str]:
    """Describe every rule instance that the values break.

    Only instances whose fields are all present are checked; a value printed blank
    (None) counts as 0.
    """
    out = []
    for eq in equations(template):
        if not all(f in values for f in eq.lhs + eq.rhs):
            continue
        left = sum(values[f] or 0 for f in eq.lhs)
        right = sum(values[f] or 0 for f in eq.rhs)
        if left != right:
            out.append(f"rule {eq.rule} {eq.name}: {left} != {right}")
    return out
