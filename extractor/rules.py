"""The form's arithmetic rules (勾稽关系): checks, and values the rules force.

Each rule of ``fields.json`` is expanded into one equation per column, row or group
(:mod:`extractor.template`). For every equation whose terms are all printed, a check
says whether it holds; a printed blank counts as 0 there when another term is a number.

Values that are not printed are found by interval propagation: counts are never
negative, and each equation bounds each of its unknown terms by the others. A term whose
bounds meet is forced, and is reported as ``inferred`` with the equation that forced it
and the fields it was forced from (``basis``: the printed terms of every equation that
narrowed it).
When the printed values of a table contradict the rules (a failing check, or bounds that
cross), nothing is inferred in that table: a broken source is reported, never repaired.
Bounds that cross come from several equations (new + carried over cap a column's total,
its outcomes floor it): the printed cells of every equation that narrowed them itself are
doubted, not only those of the equation where they met.

When several checks fail and one smallest set of fields (one to four), given other values,
would make every one of them hold (and break none that holds), those fields alone are
doubted (``broken``): the fewest changes that explain the failures, as in Fellegi and
Holt's error localisation. A misread or dropped digit, or specks a scan's OCR read as
"1" in a few blank cells, then send those fields to review, not every field their checks
touch. When no such set, or several of the fewest size, exist, every field of the failing
checks is doubted. The failing checks are still reported as they are, with the values the
rules point at; nothing is changed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from typing import Optional, Union

import numpy as np

from .model import Check
from .template import Equation, Template, is_count

BLANK = "blank"
Value = Union[float, str]  # a number, or BLANK for a printed blank cell
EPS = 1e-6
MAX_PASSES = 30
MAX_CULPRITS = 4  # the most fields :func:`culprits` doubts alone
MAX_POOL = 24  # candidate fields it looks among (those in two failing equations or more)


@dataclass
class RuleReport:
    checks: list[Check] = field(default_factory=list)
    confirmed: set[str] = field(default_factory=set)  # fields in a check that holds
    broken: set[str] = field(default_factory=set)  # fields in a check that fails
    inferred: dict[str, tuple[float, str]] = field(default_factory=dict)  # id -> (value, how)
    basis: dict[str, frozenset[str]] = field(default_factory=dict)  # id -> the fields it was forced from


def _num(v: Optional[Value]) -> Optional[float]:
    if v is None:
        return None
    return 0.0 if v == BLANK else float(v)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _short(fid: str) -> str:
    return fid.split(".", 1)[1]


def check_equation(eq: Equation, values: dict[str, Value]) -> Optional[Check]:
    """A check when every term is printed (and at least one is a number), else None."""
    terms = eq.lhs + eq.rhs
    vals = [values.get(t) for t in terms]
    if None in vals or vals.count(BLANK) == len(vals):
        return None
    n = len(eq.lhs)
    left = sum([0.0 if v == BLANK else float(v) for v in vals[:n]])
    right = sum([0.0 if v == BLANK else float(v) for v in vals[n:]])
    ok = math.isclose(left, right, rel_tol=EPS, abs_tol=EPS)
    detail = f"{eq.where}: {_sum_of(eq.lhs)} = {_fmt(left)}, {_sum_of(eq.rhs)} = {_fmt(right)}"
    return Check(eq.rule, ok, detail, terms)


@lru_cache(maxsize=4096)
def _sum_of(terms: tuple[str, ...]) -> str:
    """The terms of one side of an equation as a check's detail names them."""
    return " + ".join(_short(t) for t in terms)


def evaluate(template: Template, values: dict[str, Value]) -> RuleReport:
    report = RuleReport()
    broken_tables: set[str] = set()
    failing: list[tuple[Equation, int]] = []
    for eq in template.equations:
        chk = check_equation(eq, values)
        if chk is None:
            continue
        report.checks.append(chk)
        (report.confirmed if chk.ok else report.broken).update(chk.fields)
        if not chk.ok:
            broken_tables.add(eq.lhs[0].split(".")[0])
            failing.append((eq, len(report.checks) - 1))
    by_table: dict[str, list[tuple[Equation, int]]] = {}
    for eq, i in failing:  # each table's sums are apart: a misread in one explains none in another
        by_table.setdefault(eq.lhs[0].split(".")[0], []).append((eq, i))
    for table_failing in by_table.values():
        fix = culprits(template, values, [eq for eq, _ in table_failing])
        if fix is None:
            continue
        report.broken -= {f for _, i in table_failing for f in report.checks[i].fields}
        report.broken |= set(fix)
        with_ = ", ".join(f"{_short(f)} = {_fmt(v)}" for f, v in fix.items())
        for _, i in table_failing:
            c = report.checks[i]
            report.checks[i] = Check(c.rule, c.ok, f"{c.detail}; every failing check would hold with "
                                                   f"{with_}", c.fields)
    for table in ("requests", "appeals"):
        eqs = [e for e in template.equations if e.lhs[0].startswith(table + ".")]
        if not eqs:
            continue
        forced, conflict, basis = propagate(eqs, values)
        if conflict is not None:
            report.checks.append(conflict)
            report.broken.update(conflict.fields)
        elif table not in broken_tables:
            report.inferred.update(forced)
            report.basis.update(basis)
    return report


def culprits(template: Template, values: dict[str, Value], failing: list[Equation]
             ) -> Optional[dict[str, float]]:
    """The fewest fields (at most :data:`MAX_CULPRITS`) that, given other values, make every
    failing equation hold and keep every holding one, when exactly one such set exists: a
    misread digit, or specks read as digits in blank cells (one in each of a few rows and
    columns), explained by the fewest changes. Only fields in two failing equations or more
    are candidates (one changed alone would break the other equation it stands in); None when
    no set, or several of the fewest size, would do."""
    if len(failing) < 2:
        return None  # one failing sum: any of its terms could be the wrong one
    terms = [set(eq.lhs + eq.rhs) for eq in failing]
    count: dict[str, int] = {}
    for ts in terms:
        for t in ts:
            count[t] = count.get(t, 0) + 1
    pool = sorted(t for t, n in count.items() if n >= 2)
    if len(pool) > MAX_POOL:
        return None  # too many to search them all: a set found among some might not be the one
    for k in range(1, min(MAX_CULPRITS, len(pool)) + 1):
        found = []
        for subset in combinations(pool, k):
            if not all(any(t in ts for t in subset) for ts in terms):
                continue  # some failing equation would still fail
            fix = _values_that_fix(template, values, subset)
            if fix is not None:
                found.append(fix)
                if len(found) > 1:
                    return None
        if found:
            return found[0]
    return None


def _values_that_fix(template: Template, values: dict[str, Value], subset: tuple[str, ...]
                     ) -> Optional[dict[str, float]]:
    """The one set of values of ``subset`` (each other than its own, counts not negative)
    that makes every checked equation they stand in hold; None when there is none or many."""
    eqs = list(dict.fromkeys(eq for f in subset for eq in template.equations_by_field.get(f, ())))
    eqs = [eq for eq in eqs if all(values.get(t) is not None for t in eq.lhs + eq.rhs)]
    col = {f: j for j, f in enumerate(subset)}
    a = np.zeros((len(eqs), len(subset)))
    b = np.zeros(len(eqs))
    for i, eq in enumerate(eqs):
        for sign, side in ((1.0, eq.lhs), (-1.0, eq.rhs)):
            for t in side:
                if t in col:
                    a[i, col[t]] += sign
                else:
                    b[i] -= sign * _num(values[t])
    if not len(eqs) or np.linalg.matrix_rank(a) < len(subset):
        return None  # some term free to take many values
    x = np.linalg.lstsq(a, b, rcond=None)[0]
    if not np.allclose(a @ x, b, rtol=0.0, atol=EPS):
        return None
    fix = {f: float(round(v)) if abs(v - round(v)) < EPS else float(v) for f, v in zip(subset, x)}
    if any(is_count(f) and v < -EPS or math.isclose(v, _num(values[f]), abs_tol=EPS) for f, v in fix.items()):
        return None
    trial = {**values, **fix}
    return fix if all(check_equation(eq, trial).ok for eq in eqs) else None


def propagate(eqs: list[Equation], values: dict[str, Value]
              ) -> tuple[dict[str, tuple[float, str]], Optional[Check], dict[str, frozenset[str]]]:
    """Bounds of the unknown terms; (forced values, the first contradiction or None, and for
    each forced value the printed terms of the equations it was forced by, directly or not)."""
    lo: dict[str, float] = {}
    hi: dict[str, float] = {}
    how: dict[str, str] = {}
    why: dict[str, set[int]] = {}  # the equations that narrowed a term's bounds, directly or not
    direct: dict[str, set[int]] = {}  # the equations that narrowed a term's own bounds
    for eq in eqs:
        for t in eq.lhs + eq.rhs:
            if values.get(t) is None and t not in lo:
                lo[t], hi[t] = (0.0, math.inf) if is_count(t) else (-math.inf, math.inf)
    if not lo:
        return {}, None, {}
    # what the passes do not change: each equation's terms, its unknown ones, the sum of the known
    sides = []
    for eq in eqs:
        terms = [(t, 1.0) for t in eq.lhs] + [(t, -1.0) for t in eq.rhs]
        unknown = [(t, a) for t, a in terms if values.get(t) is None]
        if unknown:
            known = sum(a * _num(values[t]) for t, a in terms if values.get(t) is not None)
            sides.append((eq, terms, unknown, known))
    for _ in range(MAX_PASSES):
        changed = False
        for k, (eq, terms, unknown, known) in enumerate(sides):
            result = _tighten(eq, terms, unknown, known, lo, hi, how, why, direct, k)
            if isinstance(result, Check):
                # every equation that narrowed the crossed term's own bounds shares the blame
                blamed = {t for j in direct[result.fields[0]] for t, _ in sides[j][1]}
                return {}, Check(result.rule, False, result.detail, tuple(dict.fromkeys(
                    [*(t for t, _ in terms), *sorted(blamed)]))), {}
            changed |= result
        if not changed:
            break
    forced = {t: (lo[t], how[t]) for t in lo
              if math.isfinite(lo[t]) and math.isclose(lo[t], hi[t], abs_tol=EPS) and t in how}
    # the printed terms only: the unknown ones were forced along with it, not read
    basis = {t: frozenset(u for j in why.get(t, ()) for u, _ in sides[j][1] if values.get(u) is not None)
             for t in forced}
    return forced, None, basis


def _tighten(eq: Equation, terms: list[tuple[str, float]], unknown: list[tuple[str, float]], known: float,
             lo: dict, hi: dict, how: dict, why: dict, direct: dict, k: int) -> Union[bool, Check]:
    """One pass of interval propagation over one equation, the ``k``-th (its signed ``terms``,
    the ``unknown`` ones among them, and the sum of the ``known`` ones); a Check when bounds
    cross, whose first field is the term whose bounds crossed. ``why`` gathers, per term, the
    equations its bounds come from, through the other terms' bounds too; ``direct``, those
    that narrowed its own."""
    # sums of the unknown terms' lower / upper ends; infinities counted apart so that one
    # term can be taken out again (the lower ends are finite or -inf, the upper +inf)
    lows = [min(b * lo[u], b * hi[u]) for u, b in unknown]
    highs = [max(b * lo[u], b * hi[u]) for u, b in unknown]
    lo_fin, lo_inf = sum(x for x in lows if math.isfinite(x)), sum(1 for x in lows if not math.isfinite(x))
    hi_fin, hi_inf = sum(x for x in highs if math.isfinite(x)), sum(1 for x in highs if not math.isfinite(x))
    changed = False
    for i, (t, a) in enumerate(unknown):
        s_lo = _without(lo_fin, lo_inf, lows[i], -math.inf)
        s_hi = _without(hi_fin, hi_inf, highs[i], math.inf)
        # a*x = -known - S  →  x in [(-known - s_hi)/a, (-known - s_lo)/a] (swapped if a < 0)
        x1, x2 = (-known - s_hi) / a, (-known - s_lo) / a
        new_lo, new_hi = min(x1, x2), max(x1, x2)
        narrowed = False
        if new_lo > lo[t] + EPS:
            lo[t], narrowed = new_lo, True
        if new_hi < hi[t] - EPS:
            hi[t], narrowed = new_hi, True
        if narrowed:
            changed = True
            why.setdefault(t, set()).add(k)
            direct.setdefault(t, set()).add(k)
            for u, _ in unknown:
                if u != t:
                    why[t] |= why.get(u, set())
        if lo[t] > hi[t] + EPS:
            detail = (f"{eq.where}: the printed values need {_short(t)} to be at least {_fmt(lo[t])} "
                      f"and at most {_fmt(hi[t])}; the table as printed breaks this rule")
            return Check(eq.rule, False, detail, (t, *(x for x, _ in terms if x != t)))
        if changed and math.isclose(lo[t], hi[t], abs_tol=EPS) and t not in how:
            how[t] = f"{eq.rule} [{eq.where}]"
    return changed


def _without(finite_sum: float, n_inf: int, own: float, inf: float) -> float:
    """A sum of interval ends with one term taken out."""
    if math.isfinite(own):
        return inf if n_inf else finite_sum - own
    return inf if n_inf > 1 else finite_sum


def consistent(template: Template, values: dict[str, Value], touched: set[str]) -> bool:
    """False when a fully printed equation touching ``touched`` fails."""
    seen: set[int] = set()
    for f in touched:
        for eq in template.equations_by_field.get(f, ()):
            if id(eq) in seen:
                continue
            seen.add(id(eq))
            chk = check_equation(eq, values)
            if chk is not None and not chk.ok:
                return False
    return True
