"""The truth file of a generated document, in the format of ``seeds/truth/*.json``.

Keys: document, template, agency, year, fields (printed values, null when printed
blank), implied (values forced by the rules but not printed), missing (not in the
document at all), units, notes; plus kind, family and rule_breaks.
"""

from __future__ import annotations

import json

from . import spec
from .report import Report


def truth_dict(report: Report, document: str, kind: str, family: str, extra_notes: list[str]) -> dict:
    order = spec.field_ids(report.template)
    fields = {f: report.printed.value[f] for f in order if f in report.printed.value}
    units = {f: u for f, u in report.printed.units.items() if fields.get(f) is not None}
    notes = " ".join([f"Generated ({kind}/{family})."] + report.notes + extra_notes)
    return {
        "document": document,
        "template": report.template,
        "agency": report.agency,
        "year": report.year,
        "fields": fields,
        "implied": {f: report.implied[f] for f in order if f in report.implied},
        "missing": list(report.missing),
        "units": units,
        "notes": notes,
        "kind": kind,
        "family": family,
        "rule_breaks": list(report.rule_breaks),
    }


def truth_json(truth: dict) -> str:
    return json.dumps(truth, ensure_ascii=False, indent=1) + "\n"
