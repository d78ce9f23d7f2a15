"""Checks across documents: one agency's report against its report of the year before.

What an agency carries into a year (三 · 上年结转政府信息公开申请数量, ``requests.carried_over.*``)
is what it carried forward out of the year before (结转下年度继续办理,
``requests.carried_forward.*`` of the previous report), column by column. Both templates
have these rows with the same columns, so a 2020 report (2019 format) pairs with a 2021
report (2021 format).

Per agency and year with a report of the year before, the pair is

* ``ok`` — every column agrees;
* ``mismatch`` — some column differs (``detail`` names the columns and both values); when a
  field involved has status ``review`` the extraction may be at fault rather than the report,
  and ``review`` says so;
* ``incomplete`` — some value is missing in one of the two reports, so nothing can be said
  of that column (and no column differs).

A printed blank cell (status ``blank``) counts as 0 here: the form prints a row of zeros
blank. Agencies are matched by name with white space removed; where an agency has several
documents for one year (a PDF and a web page of the same report, say), the most complete one
is used and ``note`` says so.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Optional

COLUMNS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")
OVER = "requests.carried_over"
FORWARD = "requests.carried_forward"
_RANK = {"success": 0, "partial": 1}
_SPACE = re.compile(r"\s+")


@dataclass
class YearFacts:
    """What the check needs from one document."""

    agency: str
    year: int
    source: str
    status: str
    over: dict[str, Optional[float]] = field(default_factory=dict)  # column -> value (None: unknown)
    forward: dict[str, Optional[float]] = field(default_factory=dict)
    review: set[str] = field(default_factory=set)  # ids of carried_* fields with status review

    @property
    def known(self) -> int:
        return sum(v is not None for v in (*self.over.values(), *self.forward.values()))


@dataclass(frozen=True)
class CrossYearRow:
    agency: str
    year: int
    previous_year: int
    status: str  # ok | mismatch | incomplete
    detail: str
    source: str
    previous_source: str
    review: bool = False  # a field involved in a difference has status review
    note: str = ""

    def to_dict(self) -> dict:
        return {"agency": self.agency, "year": self.year, "previous_year": self.previous_year,
                "status": self.status, "detail": self.detail, "review": self.review,
                "source": self.source, "previous_source": self.previous_source, "note": self.note}


def agency_key(name: str) -> str:
    return _SPACE.sub("", name or "")


def facts(result: Optional[dict], source: str, status: str) -> Optional[YearFacts]:
    """The facts of one extracted document, or None if it has no agency, year or template."""
    if not result or not result.get("template") or not result.get("agency") or not result.get("year"):
        return None
    f = YearFacts(agency=agency_key(result["agency"]), year=int(result["year"]), source=source, status=status)
    fields = result.get("fields", {})
    for row, into in ((OVER, f.over), (FORWARD, f.forward)):
        for col in COLUMNS:
            fid = f"{row}.{col}"
            cell = fields.get(fid) or {}
            into[col] = _count(cell)
            if cell.get("status") == "review":
                f.review.add(fid)
    return f


def _count(cell: dict) -> Optional[float]:
    if cell.get("value") is not None:
        return cell["value"]
    return 0 if cell.get("status") == "blank" else None


def check(all_facts: list[YearFacts]) -> list[CrossYearRow]:
    """One row per agency and year whose agency also has a report of the year before."""
    groups: dict[tuple[str, int], list[YearFacts]] = defaultdict(list)
    for f in all_facts:
        groups[(f.agency, f.year)].append(f)
    chosen = {k: _best(v) for k, v in groups.items()}
    rows = []
    for (agency, year), cur in sorted(chosen.items()):
        prev = chosen.get((agency, year - 1))
        if prev is None:
            continue
        notes = [f"{len(groups[k])} documents for {k[1]}; used {chosen[k].source}"
                 for k in ((agency, year - 1), (agency, year)) if len(groups[k]) > 1]
        rows.append(_compare(agency, year, cur, prev, "; ".join(notes)))
    return rows


def _best(candidates: list[YearFacts]) -> YearFacts:
    return min(candidates, key=lambda f: (_RANK.get(f.status, 2), -f.known, len(f.review), f.source))


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _compare(agency: str, year: int, cur: YearFacts, prev: YearFacts, note: str) -> CrossYearRow:
    diffs, unknown, review = [], [], False
    for col in COLUMNS:
        a, b = cur.over.get(col), prev.forward.get(col)
        if a is None or b is None:
            unknown.append(col)
        elif abs(a - b) > 1e-9:
            diffs.append(f"{col}: 上年结转 {_num(a)} ≠ {year - 1} 结转下年度 {_num(b)}")
            review = review or f"{OVER}.{col}" in cur.review or f"{FORWARD}.{col}" in prev.review
    if diffs:
        status, detail = "mismatch", "; ".join(diffs)
    elif unknown:
        status, detail = "incomplete", "not known in both reports: " + ", ".join(unknown)
    else:
        status, detail = "ok", "all columns agree"
    return CrossYearRow(agency, year, year - 1, status, detail, cur.source, prev.source, review, note)
