"""Rows the rules leave open one by one, taken together.

A row read several ways (cells printed as nothing, digits of adjacent cells run together)
is settled by :func:`extractor.fields.settle_rows` when the equations it completes allow
one reading. Where several rows of a table are open, no equation is complete until all of
them are read, so each is tried together: every combination of their readings is walked,
row by row, and a branch is cut as soon as an equation can no longer hold: complete and
unequal, or, its open terms being counts (never negative), already past what they could
make up. Each row keeps the readings found in some combination that breaks nothing.

Nothing changes when no combination fits (the source breaks a rule: that is reported, not
repaired) or when there are too many to walk them all (:data:`MAX_COMBINATIONS`,
:data:`MAX_STEPS`).
"""

from __future__ import annotations

import math
from typing import Sequence

from .columns import Reading
from .rules import BLANK, EPS, Value
from .template import Equation, is_count

MAX_COMBINATIONS = 1000  # of the open rows' readings, for them to be walked at all
MAX_STEPS = 2500  # readings tried, at most, for one table


class _Sums:
    """Each equation as sum(coef * term) = 0: the sum of its known terms and how many
    terms are open on either side, kept as rows are read and unread."""

    def __init__(self, eqs: Sequence[Equation], values: dict[str, Value]):
        self.known = [0.0] * len(eqs)
        self.open_pos = [0] * len(eqs)
        self.open_neg = [0] * len(eqs)
        self.counts = [True] * len(eqs)  # every open term is a count
        self.terms: dict[str, list[tuple[int, float]]] = {}
        for i, eq in enumerate(eqs):
            for f, coef in [(t, 1.0) for t in eq.lhs] + [(t, -1.0) for t in eq.rhs]:
                self.terms.setdefault(f, []).append((i, coef))
                v = values.get(f)
                if v is None:
                    self._open(i, coef, 1)
                    self.counts[i] = self.counts[i] and is_count(f)
                else:
                    self.known[i] += coef * (0.0 if v == BLANK else float(v))

    def _open(self, i: int, coef: float, n: int) -> None:
        if coef > 0:
            self.open_pos[i] += n
        else:
            self.open_neg[i] += n

    def put(self, f: str, v: float, sign: int) -> None:
        """Read (sign 1) or unread (sign -1) term ``f`` as ``v``."""
        for i, coef in self.terms.get(f, ()):
            self.known[i] += sign * coef * v
            self._open(i, coef, -sign)

    def holds(self, eq_ids) -> bool:
        for i in eq_ids:
            k, pos, neg = self.known[i], self.open_pos[i], self.open_neg[i]
            if not pos and not neg:
                if abs(k) > EPS:
                    return False
            elif self.counts[i] and ((not neg and k > EPS) or (not pos and k < -EPS)):
                return False
        return True


def _numbers(reading: Reading) -> list[float]:
    return [s.value if s.kind == "num" else 0.0 for s in reading]


def narrow(equations: Sequence[Equation], field_ids: list[list[str]], readings: list[tuple[Reading, ...]],
           values: dict[str, Value]) -> list[set[int]] | None:
    """For each open row (its field ids and readings), the indexes of the readings found in
    a combination that breaks no equation; None when none fits or the walk is cut short."""
    if math.prod(len(r) for r in readings) > MAX_COMBINATIONS:
        return None
    touched = {f for ids in field_ids for f in ids}
    eqs = [eq for eq in equations if touched & set(eq.lhs + eq.rhs)]
    sums = _Sums(eqs, values)
    if not sums.holds(range(len(eqs))):
        return None
    row_eqs = [sorted({i for f in ids for i, _ in sums.terms.get(f, ())}) for ids in field_ids]
    numbers = [[_numbers(rd) for rd in rds] for rds in readings]
    seen: list[set[int]] = [set() for _ in field_ids]
    chosen: list[int] = []
    steps = 0

    def walk(k: int) -> bool:  # False when the walk ran out of steps
        nonlocal steps
        if k == len(field_ids):
            for i, j in enumerate(chosen):
                seen[i].add(j)
            return True
        for j, vals in enumerate(numbers[k]):
            steps += 1
            if steps > MAX_STEPS:
                return False
            for f, v in zip(field_ids[k], vals):
                sums.put(f, v, 1)
            complete = True
            if sums.holds(row_eqs[k]):
                chosen.append(j)
                complete = walk(k + 1)
                chosen.pop()
            for f, v in zip(field_ids[k], vals):
                sums.put(f, v, -1)
            if not complete:
                return False
        return True

    if not walk(0) or not all(seen):
        return None
    return seen
