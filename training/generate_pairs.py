"""Generate reports of one agency over consecutive years, for the cross-year check.

For each agency, reports of two or three consecutive years are drawn (template by year, as
in :mod:`training.generate`); in every report after the first, 上年结转
(``requests.carried_over.*``) is the year before's 结转下年度继续办理
(``requests.carried_forward.*``), with the report's own rules kept (本年新收 or 予以公开 absorb
the difference). In ``--mismatches`` of the pairs one column of 上年结转 is planted off by a
few: every report is still consistent in itself, only the pair disagrees.

Writes ``OUT/docs/<stem>.<ext>``, ``OUT/truth/<stem>.json`` (the format of
:mod:`training.generate`) and ``OUT/pairs.json``: one entry per agency and year with a report
of the year before, ``{"agency", "year", "expected": "ok" | "mismatch", "column"}``.

    python -m training.generate_pairs --out DIR --agencies 4 --seed 1 [--mismatches 1] [--families tabs html_table]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Optional

from .gen import names, numbers, spec
from .gen.document import build_blocks
from .gen.printing import print_values
from .gen.report import Report
from .gen.style import make_style
from .gen.truth import truth_dict, truth_json
from .generate import EXTENSIONS, FAMILIES, render

COLUMNS = (*spec.APPLICANTS, "total")
FIRST_YEARS = (2019, 2020, 2021, 2022, 2023)
DEFAULT_FAMILIES = ("tabs", "markdown", "html_table")


def set_carried_over(values: dict, carried: dict[str, int]) -> None:
    """Make 上年结转 equal ``carried`` (per applicant) and keep every rule of the form."""
    for a in spec.APPLICANTS:
        delta = carried[a] - values[f"requests.carried_over.{a}"]
        values[f"requests.carried_over.{a}"] = carried[a]
        new = values[f"requests.new_received.{a}"]
        if delta <= new:  # 本年新收 + 上年结转 stays the same
            values[f"requests.new_received.{a}"] = new - delta
        else:  # the rest is handled this year: granted, and so the total, grow
            values[f"requests.new_received.{a}"] = 0
            values[f"requests.granted.{a}"] += delta - new
            values[f"requests.total.{a}"] += delta - new
    for key in {f.rsplit(".", 1)[0] for f in values if f.startswith("requests.")}:
        values[f"{key}.total"] = sum(values[f"{key}.{a}"] for a in spec.APPLICANTS)


def year_report(rng: random.Random, agency: str, year: int, carried: Optional[dict[str, int]]) -> Report:
    """A complete report (no truncation, no planted rule break) of one agency and year."""
    template = "2019" if year <= 2020 else "2021"
    style = make_style(rng, template)
    values = numbers.gen_values(rng, template, style.procure_unit)
    for _ in range(20):  # prefer a first year that carries something forward
        if carried is not None or values["requests.carried_forward.total"] > 0:
            break
        values = numbers.gen_values(rng, template, style.procure_unit)
    if carried is not None:
        set_carried_over(values, carried)
    assert not spec.violations(template, values)
    printed = print_values(rng, style, values, set())
    report = Report(template=template, year=year, agency=agency, style=style, values=values, printed=printed,
                    request_rows=spec.row_ids(template, "requests"), has_appeals=True)
    report.missing = [f for f in spec.field_ids(template) if f not in printed.value]
    return report


def generate_pairs(out_dir, agencies: int, seed: int, mismatches: int = 1,
                   families: tuple[str, ...] = DEFAULT_FAMILIES) -> list[dict]:
    out_dir = Path(out_dir)
    (out_dir / "docs").mkdir(parents=True, exist_ok=True)
    (out_dir / "truth").mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    pairs: list[dict] = []
    plans = []
    for i in range(agencies):
        first = rng.choice(FIRST_YEARS)
        plans.append((i, first, rng.choice((2, 2, 3))))
    pair_slots = [(i, k) for i, _, years in plans for k in range(1, years)]
    planted = set(rng.sample(pair_slots, min(mismatches, len(pair_slots))))
    index = 0
    used = set()
    for i, first, years in plans:
        agency = names.agency_name(rng)
        while agency in used:
            agency = names.agency_name(rng)
        used.add(agency)
        carried = None
        for k in range(years):
            year = first + k
            entry = None
            if carried is not None:
                entry = {"agency": agency, "year": year, "expected": "ok", "column": None}
                if (i, k) in planted:
                    col = rng.choice(spec.APPLICANTS[:2])
                    carried = {**carried, col: carried[col] + rng.choice((1, 2, 3, 5))}
                    entry.update(expected="mismatch", column=col)
                pairs.append(entry)
            report = year_report(rng, agency, year, carried)
            carried = {a: report.values[f"requests.carried_forward.{a}"] for a in spec.APPLICANTS}
            family = families[index % len(families)]
            kind = FAMILIES[family]
            rendered = render(rng, kind, family, build_blocks(rng, report))
            data, notes = rendered[0], rendered[1]
            ext = rendered[2] if len(rendered) > 2 else EXTENSIONS[kind]
            stem = f"p{index:04d}_{kind}_{family}"
            doc = out_dir / "docs" / f"{stem}.{ext}"
            doc.write_bytes(data)
            truth = truth_dict(report, doc.name, kind, family, notes + [f"Pair series of agency {i}."])
            (out_dir / "truth" / f"{stem}.json").write_text(truth_json(truth), encoding="utf-8")
            index += 1
    (out_dir / "pairs.json").write_text(json.dumps(pairs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return pairs


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m training.generate_pairs", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--agencies", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mismatches", type=int, default=1, help="pairs with a planted 上年结转 mismatch")
    parser.add_argument("--families", nargs="+", choices=list(FAMILIES), default=list(DEFAULT_FAMILIES))
    args = parser.parse_args(argv)
    pairs = generate_pairs(args.out, args.agencies, args.seed, args.mismatches, tuple(args.families))
    print(f"wrote {len(pairs)} year pairs ({sum(p['expected'] == 'mismatch' for p in pairs)} planted mismatches) "
          f"to {args.out}")


if __name__ == "__main__":
    main()
