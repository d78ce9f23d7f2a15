"""The field contract: both national templates, loaded from ``spec/fields.json``.

The engine knows nothing of a particular report; everything it knows of the form is here:
tables, rows (with matching keys and known label variants), columns, and the form's
arithmetic rules (勾稽关系) expanded into one linear equation per instance.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from .normalize import normalize_cell

SPEC_PATH = Path(__file__).parent / "spec" / "fields.json"

_NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|\(?[一二三四五六七八九十]+\)|\(?\d{1,2}\)|\d{1,2}[.、．](?!\d)|[1-9]\s+(?=[\u4e00-\u9fff])|[①-⑩])\s*"
)
_PUNCT = re.compile(r"[\s()（）“”\"'‘’《》<>、，,。:：;；/\\|\-_*#·.．]+")

# Known label variants seen in real reports, by row id (added to the spec's labels).
ROW_ALIASES: dict[str, list[str]] = {
    "normative_documents": ["规范性文件", "行政规范性文件"],
    "other_services": ["其他对外管理服务事项", "其他对外管理服务"],
    "new_received": ["本年新收政府信息公开申请数量", "本年新收"],
    "carried_over": ["上年结转政府信息公开申请数量", "上年结转"],
    "partially_granted": ["部分公开"],
    "denied.prohibited_by_law": ["其他法律行政法规禁止公开", "其他法律法规禁止公开"],
    "denied.endangers_safety": ["危及三安全一稳定"],
    "other.overdue_correction": ["申请人无正当理由逾期不补正行政机关不再处理其政府信息公开申请", "逾期不补正"],
    "other.overdue_fee": ["申请人逾期未按收费通知要求缴纳费用行政机关不再处理其政府信息公开申请", "逾期未按收费通知要求缴纳费用"],
    "carried_forward": ["结转下年度继续办理"],
    "centralized_procurement": ["政府集中采购"],
}

# Column label variants (headers as printed).
COLUMN_ALIASES: dict[str, list[str]] = {
    "amount": ["采购总金额", "采购总金额单位万元", "采购总金额万元"],
    "amount_10k_yuan": ["本年收费金额单位万元", "本年收费金额", "收费金额万元"],
    "natural_person": ["自然人"],
    "other_org": ["其他"],
}


@lru_cache(maxsize=8192)
def label_key(text: str) -> str:
    """Matching key of a label: numbering, spaces and punctuation removed."""
    text = normalize_cell(text)
    prev = None
    while prev != text:
        prev = text
        text = _NUMBERING.sub("", text.lstrip(" .、．,，:：;；-"))
    return _PUNCT.sub("", text)


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Row:
    id: str
    label: str
    keys: tuple[str, ...]  # matching keys, the most specific first
    group: str = ""  # parent label key, e.g. 不予公开


@dataclass(frozen=True)
class Table:
    id: str
    section: str
    title: str
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]

    def field_id(self, row: str, col: str) -> str:
        return f"{self.id}.{row}.{col}"

    @property
    def field_ids(self) -> list[str]:
        return [self.field_id(r.id, c.id) for r in self.rows for c in self.columns]

    @property
    def groups(self) -> list[str]:
        seen: list[str] = []
        for r in self.rows:
            if r.group and r.group not in seen:
                seen.append(r.group)
        return seen


@dataclass(frozen=True)
class Equation:
    """sum(lhs) = sum(rhs), one instance of a form rule."""

    rule: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    where: str  # which column / row / group this instance is about


@dataclass(frozen=True)
class Template:
    name: str
    source: str
    tables: tuple[Table, ...]
    rules_text: tuple[str, ...]
    equations: tuple[Equation, ...] = field(default=())

    @cached_property
    def equations_by_field(self) -> dict[str, tuple[Equation, ...]]:
        index: dict[str, list[Equation]] = {}
        for eq in self.equations:
            for f in eq.lhs + eq.rhs:
                index.setdefault(f, []).append(eq)
        return {f: tuple(eqs) for f, eqs in index.items()}

    def table(self, table_id: str) -> Table:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    @cached_property
    def _field_ids(self) -> tuple[str, ...]:
        return tuple(f for t in self.tables for f in t.field_ids)

    @property
    def field_ids(self) -> list[str]:
        return list(self._field_ids)

    def labels(self, field_id: str) -> tuple[str, str]:
        """(row label, column label) of a field, for people."""
        for t in self.tables:
            for r in t.rows:
                for c in t.columns:
                    if t.field_id(r.id, c.id) == field_id:
                        return r.label, c.label
        raise KeyError(field_id)


def _row(spec: dict) -> Row:
    label = spec["label"]
    group, _, own = label.rpartition(" ")
    keys = [label_key(own)] + [label_key(a) for a in ROW_ALIASES.get(spec["id"], [])]
    return Row(id=spec["id"], label=label, keys=tuple(dict.fromkeys(k for k in keys if k)),
               group=label_key(group) if group else "")


def _column(spec: dict) -> Column:
    keys = [label_key(spec["label"])] + [label_key(a) for a in COLUMN_ALIASES.get(spec["id"], [])]
    return Column(id=spec["id"], label=spec["label"], keys=tuple(dict.fromkeys(keys)))


def _equations(tables: tuple[Table, ...], rules: list[str]) -> tuple[Equation, ...]:
    eqs: list[Equation] = []
    by_id = {t.id: t for t in tables}
    req = by_id.get("requests")
    if req is not None:
        cols = [c.id for c in req.columns]
        applicants = [c for c in cols if c != "total"]
        outcomes = [r.id for r in req.rows if r.id.split(".")[0] in
                    ("granted", "partially_granted", "denied", "unable", "not_processed", "other")]
        for c in cols:
            eqs.append(Equation(rules[0], (f"requests.new_received.{c}", f"requests.carried_over.{c}"),
                                (f"requests.total.{c}", f"requests.carried_forward.{c}"), f"column {c}"))
        for r in req.rows:
            eqs.append(Equation(rules[1], tuple(f"requests.{r.id}.{c}" for c in applicants),
                                (f"requests.{r.id}.total",), f"row {r.id}"))
        for c in cols:
            eqs.append(Equation(rules[2], (f"requests.total.{c}",),
                                tuple(f"requests.{o}.{c}" for o in outcomes), f"column {c}"))
    app = by_id.get("appeals")
    if app is not None:
        parts = [c.id for c in app.columns if c.id != "total"]
        for r in app.rows:
            eqs.append(Equation(rules[3], tuple(f"appeals.{r.id}.{p}" for p in parts),
                                (f"appeals.{r.id}.total",), f"group {r.id}"))
    return tuple(eqs)


@lru_cache(maxsize=None)
def load_templates(path: str = str(SPEC_PATH)) -> dict[str, Template]:
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    out: dict[str, Template] = {}
    for name, t in spec["templates"].items():
        tables = tuple(
            Table(id=tb["id"], section=tb["section"], title=tb["title"],
                  rows=tuple(_row(r) for r in tb["rows"]),
                  columns=tuple(_column(c) for c in tb["columns"]))
            for tb in t["tables"]
        )
        out[name] = Template(name=name, source=t["source"], tables=tables,
                             rules_text=tuple(spec["rules"]),
                             equations=_equations(tables, spec["rules"]))
    return out


# Fields that count things: never negative (the year-on-year "change" columns may be).
def is_count(field_id: str) -> bool:
    return not field_id.endswith(".change") and ".amount" not in field_id
