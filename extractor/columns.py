"""The cells after a row label → the template's columns.

How a reading is settled, and the certainty it carries (part of the field confidence):

===========================  ==========  ==================================================
how                          certainty   when
===========================  ==========  ==================================================
count                        1.00        as many printed values as columns
positions                    0.95        fewer values, but empty cells keep every position
blank                        0.95        every cell of the row is printed empty or with a
                                         blank mark (more marks than columns too)
split                        0.90        digits run together; one split fits the rules (or,
                                         when none does, the one split into every column:
                                         the document breaks the rules, the checks say so)
full                         0.85        digits run together; several splits fit, one fills every
                                         column, and the document prints every cell of its count
                                         tables elsewhere (see :func:`extractor.fields.settle_rows`)
aligned                      0.90        blanks left no trace, but values sit under their columns
window / insert (rules)      0.85        fewer values; the form's arithmetic leaves one reading
                                         (or, when none fits, the one run of cells that holds
                                         every value: kept, and the checks report the break)
ambiguous                    0.30        several readings fit: the row goes to review
too_many                     0.40        more values than columns (a row of cells, one of
                                         which holds a number and a mark: the number, the
                                         marks taken for specks); always reviewed
===========================  ==========  ==================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import combinations
from math import comb
from typing import Callable, Iterator, NamedTuple, Optional, Sequence

from .model import Token, quick_init

MAX_READINGS = 5000
# ways to cut digits run together tried at most: a crawler row of seven cells run into twenty
# digits has 27,132; stopping at 5,000 could leave the one right cut untried
MAX_SPLITS = 40000
# placements of fewer values among the columns tried at most: every one for the appeals
# table's fifteen columns (C(15, 7) = 6,435); a row with more placements is never settled
MAX_INSERTS = 6435

CERTAINTY = {"count": 1.0, "positions": 0.95, "blank": 0.95, "split": 0.9, "full": 0.85, "aligned": 0.9, "window": 0.85,
             "insert": 0.85, "ambiguous": 0.3, "too_many": 0.4}


class Slot(NamedTuple):
    """One column's printed content: a number, a printed blank, or nothing known (a named
    tuple: a report makes hundreds)."""

    kind: str  # "num" | "blank" | "mark"
    value: Optional[float] = None
    token: Optional[Token] = None
    text: str = ""


Reading = tuple[Slot, ...]
Validator = Callable[[Reading], bool]


@quick_init
@dataclass(frozen=True)
class Assignment:
    readings: tuple[Reading, ...]  # every reading that fits; one when settled
    how: str
    full: Optional[Reading] = None  # of several readings, the one that leaves no column without trace
    # the readings are not all there may be (a run of digits that must be cut could not be):
    # the rules must not settle the row by picking the one of them that fits, and agreeing
    # readings prove nothing
    incomplete: bool = False


    @property
    def certainty(self) -> float:
        return CERTAINTY[self.how]

    @property
    def settled(self) -> bool:
        return len(self.readings) == 1 and self.how != "ambiguous"


def _slot(t: Token) -> Slot:
    if t.kind == "num":
        return Slot("num", t.value, t, t.text)
    return Slot("blank" if t.kind == "blank" else "mark", None, t, t.text)


def assign(cells: Sequence[Token], ncols: int, valid: Optional[Validator] = None,
           falls: Optional[Sequence[bool]] = None) -> Optional[Assignment]:
    """Read the cells of one row into ``ncols`` columns; None when nothing is printed.

    Without ``valid`` (a table with no rule), a row printing fewer values than columns, with
    no empty cells to keep the positions, stays ambiguous: only the rules can place them.
    There a dash glued to digits ("12-35", "—-815") may be a blank cell or a minus sign: the
    row is settled only when one of the two leaves no reading. A sign stands only in the
    columns that may fall (``falls``, by column: 本年增/减; all, when not given)."""
    if valid is None and any(t.minus for t in cells):
        signed = assign(_signed(cells), ncols)
        if signed is not None and falls is not None:
            signed = _without_falls(signed, falls)
        return _either(assign([replace(t, minus=False) for t in cells], ncols), signed)
    has_rules = valid is not None
    valid = valid or (lambda r: True)
    filled = [t for t in cells if t.kind in ("num", "mark")]
    whole = not any(_several(t) for t in filled)  # else some run must be cut
    if len(filled) == ncols and whole:
        return Assignment((tuple(_slot(t) for t in filled),), "count")
    if not filled:
        if len(cells) >= ncols:
            return Assignment((tuple(_slot(t) for t in cells[:ncols]),), "blank")
        return None
    if len(filled) > ncols:
        if not any(t.kind == "num" for t in filled):  # more blank marks than columns: all blank
            return Assignment((tuple(_slot(t) for t in filled[:ncols]),), "blank")
        kept = _without_specks(filled, ncols)
        return Assignment((tuple(_slot(t) for t in (kept or filled)[:ncols]),), "too_many")
    if len(cells) == ncols and whole:
        return Assignment((tuple(_slot(t) for t in cells),), "positions")
    if any(t.run for t in filled):
        if any(t.kind == "mark" for t in filled):
            # this row prints its blanks ("2100—1022"): readings with no blank left out first
            exact = [r for r in _splits(filled, ncols) if valid(r)]
            if exact:
                return _settle(exact, "split")
        # blanks leave no trace between digits run together: fewer numbers, placed among
        # the columns, are readings too ("014" in three columns: 0|1|4, or 0|14 and a blank)
        splits = [r for r in _splits_and_blanks(filled, ncols) if valid(r)]
        if splits:
            return replace(_settle(splits, "split"), full=one_full(splits))
        pinned = _only(_splits(filled, ncols))
        if pinned is not None:
            # one split fills every column and none fits the rules: the document's own
            # numbers break them (the checks will say so), they are not read another way
            return Assignment((pinned,), "split")
    cut = comb(ncols, len(filled)) > MAX_INSERTS  # some placements left untried
    if not has_rules:
        return Assignment(tuple(_inserts(filled, ncols)), "ambiguous", incomplete=not whole or cut)
    windows = [r for r in _windows(cells, ncols) if valid(r)]
    if windows:
        return _settle(windows, "window")
    pinned = _only(_windows(cells, ncols))
    if pinned is not None:
        # the printed values pin the columns (the extra cells are empty ones on one side, the
        # rest of a merged label cell) and no reading fits the rules: the document's own
        # numbers break them (the checks will say so); moving them would repair it silently
        return Assignment((pinned,), "window")
    inserts = [r for r in _inserts(filled, ncols) if valid(r)]
    if inserts and not cut:
        return _settle(inserts, "insert")
    return Assignment(tuple(inserts or _inserts(filled, ncols)), "ambiguous", incomplete=not whole or cut)


def _without_specks(filled: Sequence[Token], ncols: int) -> Optional[list[Token]]:
    """``filled`` without the marks that share a cell with a number ("0—" in one cell of a
    scanned grid: a speck or a rule's stub beside a 0), when that leaves one value in each of
    ``ncols`` cells; else None (text run together in one cell tells no cells apart)."""
    numbered = {t.cell for t in filled if t.kind == "num"}
    kept = [t for t in filled if t.kind == "num" or t.cell not in numbered]
    if len(kept) == ncols and len({t.cell for t in kept}) == ncols:
        return kept
    return None


def _without_falls(a: Assignment, falls: Sequence[bool]) -> Optional[Assignment]:
    """``a`` without the readings that put a negative number in a column that cannot fall;
    None when none is left."""
    keep = tuple(r for r in a.readings
                 if all(s.value is None or s.value >= 0 or f for s, f in zip(r, falls)))
    if len(keep) == len(a.readings):
        return a
    return Assignment(keep, a.how if len(keep) == 1 else "ambiguous") if keep else None


def _only(readings: Iterator[Reading]) -> Optional[Reading]:
    """The one reading of ``readings``, or None when there are none or several."""
    first = next(readings, None)
    return first if next(readings, None) is None else None


def traceless(reading: Reading) -> bool:
    """Whether a reading puts a blank in a column where nothing is printed (no empty cell
    or blank mark stands there)."""
    return any(s.kind == "blank" and s.token is None for s in reading)


def one_full(readings: Sequence[Reading]) -> Optional[Reading]:
    """The one reading without a blank left untraced, if exactly one."""
    full = [r for r in dict.fromkeys(readings) if not traceless(r)]
    return full[0] if len(full) == 1 else None


def _signed(cells: Sequence[Token]) -> list[Token]:
    """The cells with each dash glued between digits read as the sign of the next number."""
    out: list[Token] = []
    for t in cells:
        if out and out[-1].minus and t.kind == "num" and t.value is not None:
            out[-1] = replace(t, text="-" + t.text, value=-t.value)
        else:
            out.append(t)
    return [replace(t, minus=False) for t in out]


def _either(a: Optional[Assignment], b: Optional[Assignment]) -> Optional[Assignment]:
    """One assignment from two ways of reading the same cells."""
    fits = [x for x in (a, b) if x is not None and x.how != "too_many"]
    if len(fits) == 1:
        return fits[0]
    if not fits:
        return a or b
    if fits[0].settled and fits[1].settled and fits[0].readings == fits[1].readings:
        return fits[0]
    return Assignment(tuple(dict.fromkeys(fits[0].readings + fits[1].readings))[:MAX_READINGS], "ambiguous")


def _settle(readings: list[Reading], how: str) -> Assignment:
    unique = tuple(dict.fromkeys(readings))
    return Assignment(unique, how if len(unique) == 1 else "ambiguous")


def _windows(cells: Sequence[Token], ncols: int) -> Iterator[Reading]:
    """Runs of ``ncols`` consecutive cells that hold every printed value."""
    idx = [i for i, t in enumerate(cells) if t.kind in ("num", "mark")]
    lo, hi = idx[-1] - ncols + 1, idx[0]
    for start in range(max(0, lo), min(hi, len(cells) - ncols) + 1):
        yield tuple(_slot(t) for t in cells[start:start + ncols])


def _inserts(filled: Sequence[Token], ncols: int) -> Iterator[Reading]:
    """Every way to place the printed values, in order, among ``ncols`` columns."""
    values = [_slot(t) for t in filled]
    for n, positions in enumerate(combinations(range(ncols), len(filled))):
        if n >= MAX_INSERTS:
            return
        yield _placed(values, positions, ncols)


def _placed(values: Sequence[Slot], positions: Sequence[int], ncols: int) -> Reading:
    """``values`` in the columns ``positions``; the other columns blank (printed as nothing)."""
    slots = [Slot("blank")] * ncols
    for p, sl in zip(positions, values):
        slots[p] = sl
    return tuple(slots)


def _several(t: Token) -> bool:
    """A run of digits starting with 0 ("010"): several numbers run together, as no number
    is printed with a leading zero."""
    digits = t.text.lstrip("+-")
    return t.run and len(digits) > 1 and digits[0] == "0" and digits.isdigit()


def _splits_and_blanks(filled: Sequence[Token], ncols: int) -> Iterator[Reading]:
    """Splits into ``ncols`` numbers (all of them, up to :data:`MAX_SPLITS`), then into fewer
    numbers with blanks among them (:data:`MAX_READINGS` of those at most)."""
    yield from _splits(filled, ncols)
    count = 0
    for k in range(ncols - 1, len(filled) - 1, -1):
        for reading in _splits(filled, k):
            for positions in combinations(range(ncols), k):
                count += 1
                if count > MAX_READINGS:
                    return
                yield _placed(reading, positions, ncols)


def _splits(filled: Sequence[Token], ncols: int) -> Iterator[Reading]:
    """Split digit runs so that the row has ``ncols`` numbers (no leading zeros)."""
    extra = ncols - len(filled)
    runs = [i for i, t in enumerate(filled) if t.run]
    count = 0
    for shares in _compositions(extra, len(runs)):
        per = dict(zip(runs, shares))
        parts: list[list[list[str]]] = []
        for i, t in enumerate(filled):
            parts.append(list(_cut(t.text, per.get(i, 0) + 1)) if i in per else [[t.text]])
        for combo in _product(parts):
            count += 1
            if count > MAX_SPLITS:
                return
            yield combo_slots(combo, filled)


def combo_slots(combo: list[tuple[int, list[str]]], filled: Sequence[Token]) -> Reading:
    slots: list[Slot] = []
    for i, pieces in combo:
        t = filled[i]
        if len(pieces) == 1 and pieces[0] == t.text:
            slots.append(_slot(t))
        else:
            slots.extend(Slot("num", float(p.replace(",", "")), t, p) for p in pieces)
    return tuple(slots)


def _product(parts: list[list[list[str]]]) -> Iterator[list[tuple[int, list[str]]]]:
    """Cartesian product of each token's cut options, tagged with the token index."""
    if not parts:
        yield []
        return
    for first in parts[0]:
        for rest in _product(parts[1:]):
            yield [(0, first)] + [(i + 1, p) for i, p in rest]


def _compositions(total: int, n: int) -> Iterator[tuple[int, ...]]:
    if n == 0:
        if total == 0:
            yield ()
        return
    if n == 1:
        yield (total,)
        return
    for k in range(total + 1):
        for rest in _compositions(total - k, n - 1):
            yield (k,) + rest


def _cut(digits: str, n: int) -> Iterator[list[str]]:
    """Ways to cut a digit string into ``n`` numbers without leading zeros; a sign
    belongs to the first number, and a comma group stays whole with 1–3 digits before it."""
    if digits[:1] in ("+", "-"):
        for parts in _cut(digits[1:], n):
            yield [digits[0] + parts[0]] + parts[1:]
        return
    if n == 1:
        if _WHOLE_NUMBER.fullmatch(digits):
            yield [digits]
        return
    for i in range(1, len(digits)):
        if not (digits[i - 1].isdigit() and digits[i].isdigit()):
            continue
        head = digits[:i]
        if not _WHOLE_NUMBER.fullmatch(head):
            continue
        for rest in _cut(digits[i:], n - 1):
            yield [head] + rest


_WHOLE_NUMBER = re.compile(r"0|[1-9]\d*|[1-9]\d{0,2}(?:,\d{3})+")
