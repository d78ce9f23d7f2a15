"""One random report: agency, year, template, values, printing choices and truth.

:func:`make_report` draws everything a renderer needs and everything the truth file
records: which fields are printed (and how), which are missing because the document is
truncated or leaves a table out, which are implied by the rules, and any planted break.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from . import names, numbers, spec
from .printing import Printed, plant_break, print_values
from .style import Style, make_style

PLANT_RATE = 0.05
TRUNCATE_RATE = 0.07
NO_APPEALS_RATE = 0.03


@dataclass
class Report:
    """Everything drawn for one document, before rendering."""

    template: str
    year: int
    agency: str
    style: Style
    values: dict
    printed: Printed
    request_rows: list[str]
    has_appeals: bool
    truncated: bool = False
    appeals_in_prose: bool = False
    implied: dict = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    rule_breaks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def present(self, field_id: str) -> bool:
        return field_id in self.printed.value


def forced_by_rules(template: str, printed: dict, rows: list[str]) -> dict:
    """Values of unprinted requests fields that the rules force (counts are never negative).

    If table 三 stops after the total row, 结转下年度 follows from the column balance. If it
    stops after the last outcome row, the total is their sum, and 结转下年度 follows again.
    Otherwise, in a column where the printed outcomes already use up 本年新收 + 上年结转,
    every unprinted outcome and 结转下年度 must be 0 and the total equals the printed sum.
    """
    all_rows = spec.row_ids(template, "requests")
    unprinted = [r for r in all_rows if r not in rows]
    outcomes = spec.outcome_rows(template)
    implied = {}
    for c in spec.col_ids(template, "requests"):
        base = printed[f"requests.new_received.{c}"] + printed[f"requests.carried_over.{c}"]
        if "total" in rows:
            implied[f"requests.carried_forward.{c}"] = base - printed[f"requests.total.{c}"]
            continue
        used = sum(printed[f"requests.{r}.{c}"] or 0 for r in outcomes if r in rows)
        if all(r in rows for r in outcomes):
            implied[f"requests.total.{c}"] = used
            implied[f"requests.carried_forward.{c}"] = base - used
            continue
        if used != base:
            continue
        for r in unprinted:
            implied[f"requests.{r}.{c}"] = used if r == "total" else 0
    return implied


def truncate(rng: random.Random, report: Report) -> None:
    """Cut table 三 after some row; the rest of its fields go missing (or implied)."""
    rows = spec.row_ids(report.template, "requests")
    cut = rng.randint(3, len(rows) - 1)
    report.request_rows = rows[:cut]
    report.truncated = True
    dropped = [f for f in report.printed.value if f.startswith("requests.")
               and f.split(".", 1)[1].rsplit(".", 1)[0] not in report.request_rows]
    for f in dropped:
        del report.printed.value[f]
        del report.printed.text[f]
    values = {f: (v or 0) for f, v in report.printed.value.items() if f.startswith("requests.")}
    report.implied = forced_by_rules(report.template, values, report.request_rows)
    for f, v in report.implied.items():
        assert report.values[f] == v, (f, v, report.values[f])
    last = report.request_rows[-1]
    report.notes.append(f"Table 三 is cut off after row {last}.")
    if rng.random() < 0.3:
        drop_appeals(report, "Section 四's table is cut off as well.")


def drop_appeals(report: Report, note: str) -> None:
    report.has_appeals = False
    for f in [f for f in report.printed.value if f.startswith("appeals.")]:
        del report.printed.value[f]
        del report.printed.text[f]
    report.notes.append(note)


def make_report(rng: random.Random) -> Report:
    year = rng.choice([2019, 2020, 2020, 2021, 2022, 2023, 2023, 2024, 2024, 2025])
    template = "2019" if year <= 2020 else "2021"
    style = make_style(rng, template)
    values = numbers.gen_values(rng, template, style.procure_unit)
    planted = plant_break(rng, template, values) if rng.random() < PLANT_RATE else None
    printed = print_values(rng, style, values, {planted} if planted else set())
    report = Report(template=template, year=year, agency=names.agency_name(rng), style=style,
                    values=values, printed=printed,
                    request_rows=spec.row_ids(template, "requests"), has_appeals=True)
    if planted:
        report.notes.append(f"Planted rule break: {planted} printed {values[planted]}.")
    elif rng.random() < TRUNCATE_RATE:
        truncate(rng, report)
    elif rng.random() < NO_APPEALS_RATE:
        drop_appeals(report, "Section 四 reports no cases in prose and prints no table.")
        report.appeals_in_prose = True
    known = {**report.printed.value, **report.implied}
    report.rule_breaks = spec.violations(template, known)
    assert bool(report.rule_breaks) == bool(planted)
    report.missing = [f for f in spec.field_ids(template) if f not in known]
    return report
