"""Row readings + rule report → one :class:`FieldResult` per field id of the template."""

from __future__ import annotations

from dataclasses import replace
from typing import Optional, Sequence

from . import confidence as conf
from . import joint
from .columns import Assignment, Reading, Slot, traceless
from .model import Cell, Document, FieldResult, Source, Token
from .rules import BLANK, RuleReport, Value, consistent
from .tables import RowRead
from .template import Template

MAX_SETTLE_READINGS = 200
UNREAD_NOTE = "the cell holds ink that was read as no number"
APART_NOTE = "no row label beside these values: the row is placed by the template's row order"
UNSEEN_NOTE = "no cell of this column was read in a row read by OCR: a blank, or a value OCR missed"


def _ids(template: Template, r: RowRead) -> list[str]:
    table = template.table(r.table)
    return [table.field_id(r.row, c.id) for c in table.columns]


def _as_values(ids: list[str], reading: Reading) -> dict[str, Value]:
    """The printed values of a reading; a cell read as a stray letter or sign is left out
    (unknown to the rules, not a blank: no check fails for it, and they may force it)."""
    return {fid: (s.value if s.kind == "num" else BLANK) for fid, s in zip(ids, reading)
            if s.kind == "num" or s.token is None or not (s.token.unread and s.token.text)}


# tables that print alike: a document leaving a cell blank in one may do so in the others
PRINTED_ALIKE = (("requests", "appeals"), ("art20_1", "art20_5", "art20_6", "art20_8", "art20_9"))
FULL_EVIDENCE = 2  # rows of several columns printing every cell that make it the document's habit


def settle_rows(template: Template, rows: list[RowRead], every_cell: frozenset[str] = frozenset()
                ) -> dict[str, Value]:
    """Values of the settled rows; an ambiguous row that the rules narrow to one
    reading is settled in place (its ``how`` becomes the rules' certainty).

    ``every_cell``: the tables where the document prints a number in every cell (see
    :func:`tables_printing_every_cell`). There a row still open, whose digits run together,
    is read by the one split that fills every column ("full"), when it fits the rules."""
    values: dict[str, Value] = {}
    for r in rows:
        if r.assignment.settled:
            values.update(_as_values(_ids(template, r), r.reading))
    for _ in range(2):
        for r in rows:
            if r.assignment.settled or r.assignment.incomplete or len(r.assignment.readings) > MAX_SETTLE_READINGS:
                continue
            ids = _ids(template, r)
            if not _touches_printed(template, values, ids):
                continue
            fits = [rd for rd in r.assignment.readings
                    if consistent(template, {**values, **_as_values(ids, rd)}, set(ids))]
            if len(fits) == 1:
                r.assignment = Assignment((fits[0],), "insert")
                values.update(_as_values(ids, fits[0]))
    for table in dict.fromkeys(r.table for r in rows):
        _narrow_jointly(template, [r for r in rows if r.table == table], values)
    if every_cell:
        _settle_full(template, rows, values, every_cell)
    return values


def tables_printing_every_cell(rows: Sequence[RowRead], empty_rows: dict[str, Token]) -> frozenset[str]:
    """The tables of each group printed alike (:data:`PRINTED_ALIKE`) where no row leaves a
    cell blank: none prints fewer numbers than columns, none is read only with a blank
    among its numbers, and none is printed empty."""
    blank = {r.table for r in rows if r.short or all(traceless(rd) for rd in r.assignment.readings)}
    blank.update(f.split(".", 1)[0] for f in empty_rows)
    return frozenset(t for group in PRINTED_ALIKE if not blank.intersection(group) for t in group)


def _settle_full(template: Template, rows: list[RowRead], values: dict[str, Value],
                 every_cell: frozenset[str]) -> None:
    """Settle the open rows of the tables in ``every_cell`` by their split that fills every
    column, when at least :data:`FULL_EVIDENCE` other rows of their group, of several
    columns each, print a number in every cell (rows of one column cannot show whether the
    document leaves a cell blank; an art. 20 (一) row of glued digits beside the one other
    row of its table stays open)."""
    shown = {g: sum(1 for r in rows if r.table in g and r.assignment.settled and len(r.reading) > 1
                    and all(s.kind == "num" for s in r.reading)) for g in PRINTED_ALIKE}
    for r in rows:
        a = r.assignment  # (an open row is not among the settled rows counted in ``shown``)
        if a.settled or a.incomplete or r.table not in every_cell or a.full is None or a.full not in a.readings:
            continue
        if next(n for g, n in shown.items() if r.table in g) < FULL_EVIDENCE:
            continue
        ids = _ids(template, r)
        new = _as_values(ids, a.full)
        if consistent(template, {**values, **new}, set(ids)):
            r.assignment = Assignment((a.full,), "full")
            values.update(new)


def _narrow_jointly(template: Template, rows: list[RowRead], values: dict[str, Value]) -> None:
    """The open rows of one table taken together (:mod:`extractor.joint`): each keeps the
    readings some fitting combination uses, and is settled when one is left."""
    candidates = [(r, _ids(template, r)) for r in rows if not r.assignment.settled and not r.assignment.incomplete]
    # rows whose equations hold printed values elsewhere (not just the row's own rule)
    chosen = [(r, fids) for r, fids in candidates if _touches_printed(template, values, fids)]
    if not chosen or any(len(r.assignment.readings) > MAX_SETTLE_READINGS for r, _ in chosen):
        return
    open_rows, ids = [r for r, _ in chosen], [fids for _, fids in chosen]
    if any(f in values for fids in ids for f in fids):
        return  # a row read twice
    keep = joint.narrow(template.equations, ids, [r.assignment.readings for r in open_rows], values)
    for r, kept, fids in zip(open_rows, keep or (), ids):
        readings = tuple(rd for j, rd in enumerate(r.assignment.readings) if j in kept)
        if len(readings) == 1:
            r.assignment = Assignment(readings, "insert")
            values.update(_as_values(fids, readings[0]))
        elif len(readings) < len(r.assignment.readings):
            r.assignment = replace(r.assignment, readings=readings)


def _touches_printed(template: Template, values: dict[str, Value], ids: list[str]) -> bool:
    """A reading is only settled by equations that also hold printed values elsewhere."""
    own = set(ids)
    for f in ids:
        for eq in template.equations_by_field.get(f, ()):
            if any(t in values for t in eq.lhs + eq.rhs if t not in own):
                return True
    return False


def _source(doc: Document, tokens: Sequence[Token], slot: Slot, note: Optional[str]) -> Source:
    t = slot.token
    if t is None:
        return Source(note=note)
    line = doc.lines[t.line]
    cell = line.cells[t.cell] if t.cell < len(line.cells) else None
    text = (cell.raw or cell.text).strip() if cell else t.text
    if slot.text and slot.text != t.text:
        note = f"split from {t.text!r}" + (f"; {note}" if note else "")
    if doc.kind in ("pdf", "image"):
        return Source(page=line.page, bbox=cell.bbox if cell else line.bbox, text=text, note=note)
    return Source(line=line.number, page=line.page if doc.pages > 1 else None, text=text, note=note)


def build_fields(template: Template, doc: Document, tokens: Sequence[Token], rows: list[RowRead],
                 report: RuleReport, units: dict[str, str],
                 threshold: float = conf.REVIEW_THRESHOLD, calibrator=None,
                 empty_rows: Optional[dict[str, Token]] = None) -> dict[str, FieldResult]:
    """One result per field id. ``calibrator`` (see :mod:`extractor.learn.calibrate`), when
    given, maps each field's evidence to its confidence in place of the hand-made formula.
    ``empty_rows``: the fields of rows whose label stands with nothing printed beside it, by
    field id, with the label token."""
    out: dict[str, FieldResult] = {}
    allowed: dict[str, set[float]] = {}  # what the print allows for a field of several readings
    blank_in_all: set[str] = set()  # fields of several readings, blank in every one
    for r in rows:
        row_evidence = _row_evidence(doc, r)
        for k, (fid, slot, cell, c, note, unseen) in enumerate(_row_fields(template, doc, r)):
            if fid in out:
                continue
            if len(r.assignment.readings) > 1:
                allowed[fid] = {rd[k].value or 0.0 for rd in r.assignment.readings}
                if all(rd[k].kind != "num" for rd in r.assignment.readings):
                    blank_in_all.add(fid)
            c = conf.with_rules(c, fid in report.confirmed, fid in report.broken)
            blank = slot.kind != "num"
            unit = units.get(fid) or (slot.token.unit if slot.token is not None and slot.kind == "num" else None)
            out[fid] = FieldResult(fid, slot.value if not blank else None, c, "review",
                                   _source(doc, tokens, slot, note), unit,
                                   evidence=_evidence(row_evidence, r, k, slot, cell, c, fid, report, unseen))
    _calibrate(out.values(), calibrator)
    for f in out.values():
        f.status = conf.status_for(f.confidence, f.evidence["blank"], threshold)
        if conf.needs_review(f.evidence, calibrator is not None):
            f.status = "review"
    _inferred(template, out, report, allowed, blank_in_all, calibrator)
    _blank_rows(doc, out, empty_rows or {})
    field_ids = template.field_ids
    for fid in field_ids:
        if fid not in out:
            out[fid] = FieldResult(fid, None, 0.0, "missing", None)
    return {fid: out[fid] for fid in field_ids}


def _row_evidence(doc: Document, r: RowRead) -> dict:
    """The part of :func:`_evidence` that all fields of row ``r`` share."""
    a = r.assignment
    return {"row": r.similarity, "columns": a.how, "table": r.table_evidence, "settled": a.settled,
            "readings": len(a.readings), "table_id": r.table, "kind": doc.kind, "shared_label": r.shared,
            "apart": r.apart, "incomplete": a.incomplete}


def _read_by_ocr(doc: Document, r: RowRead) -> bool:
    """Whether OCR read the row's lines (:attr:`~extractor.model.Line.read_by_ocr`)."""
    return any(doc.lines[t.line].read_by_ocr for t in r.cells)


def _evidence(row_evidence: dict, r: RowRead, k: int, slot: Slot, cell: Optional[Cell], hand: float, fid: str,
              report: RuleReport, unseen: bool = False) -> dict:
    """What a printed field's confidence rests on (the calibrator's input, by name):
    ``row_evidence`` (:func:`_row_evidence` of its row) and its own. ``cell`` is the slot's
    :func:`_cell_of`."""
    readings = r.assignment.readings
    reader = cell.confidence if cell is not None else 1.0
    unread = _unread(slot)
    if len(readings) == 1:
        agree = 1.0  # the one reading is the slot's own
    else:
        agree = sum(1 for rd in readings if rd[k] == slot) / len(readings) if readings else 0.0
    token = slot.token
    return {**row_evidence, "hand": hand, "reader": reader,
            "repaired": token is not None and token.repaired is not None,
            "confirmed": fid in report.confirmed, "broken": fid in report.broken, "agree": agree,
            "split": token is not None and bool(slot.text) and slot.text != token.text,
            "blank": slot.kind != "num", "unread": unread or unseen}


def _unread(slot: Slot) -> bool:
    """The slot is no number, yet its cell holds ink: OCR found ink it could not read, or
    read it as something no value cell prints ("x")."""
    return slot.kind != "num" and slot.token is not None and slot.token.unread


def _cell_of(doc: Document, slot: Slot) -> Optional[Cell]:
    """The document cell a slot's token was read from, if any."""
    if slot.token is None:
        return None
    cells = doc.lines[slot.token.line].cells
    return cells[slot.token.cell] if slot.token.cell < len(cells) else None


def _calibrate(fields, calibrator) -> None:
    fields = list(fields)
    if calibrator is None or not fields:
        return
    for f, c in zip(fields, calibrator.confidences([f.evidence for f in fields])):
        f.confidence = c


def _row_fields(template: Template, doc: Document, r: RowRead):
    ids = _ids(template, r)
    a = r.assignment
    base = conf.combine(conf.row_match(r.similarity), a.certainty, r.table_evidence)
    note = None if a.how == "count" else f"columns read by {a.how}"
    if r.apart:
        note = APART_NOTE + (f"; {note}" if note else "")
    for k, fid in enumerate(ids):
        slot = r.reading[k]
        cell = _cell_of(doc, slot)
        reader, own_note = (cell.confidence if cell is not None else 1.0), note
        if _unread(slot):
            own_note = UNREAD_NOTE + (f"; {note}" if note else "")
        # a blank where no cell of the row stands, in a row read by OCR: nothing shows it was
        # printed empty (OCR may have missed the cell)
        unseen = slot.token is None and slot.kind == "blank" and _read_by_ocr(doc, r)
        if unseen:
            own_note = UNSEEN_NOTE + (f"; {note}" if note else "")
        if slot.token is not None and slot.token.repaired is not None and slot.kind == "num":
            reader *= conf.REPAIRED_NUMBER
            own_note = f"read {slot.token.repaired!r} as {slot.token.text}" + (f"; {note}" if note else "")
        yield fid, slot, cell, base * reader, own_note, unseen


def _inferred(template: Template, out: dict[str, FieldResult], report: RuleReport,
              allowed: dict[str, set[float]], blank_in_all: set[str], calibrator=None) -> None:
    """Forced values; each takes the lowest confidence of the printed fields of its table.
    A field in review takes the forced value only when one of its readings prints it (a blank
    reads as 0): the rules settle what the print leaves open, never overrule the print. A
    field in review that every reading of its row leaves blank, forced to 0, is a cell
    printed blank (``blank_in_all``): its value stays None, not a 0 the print does not show
    (unless OCR saw ink there it could not read). A field whose cell holds ink read as no
    number takes any forced value, its cell kept as its source (the print does not say
    otherwise). A value forced from fields in review
    (``report.basis``) is no better than they are: it is in review too."""
    floor: dict[str, float] = {}
    for f in out.values():
        if f.status in ("ok", "blank"):
            table = f.id.split(".")[0]
            floor[table] = min(floor.get(table, 1.0), f.confidence)
    in_review = {f.id for f in out.values() if f.status == "review"}
    added = []
    for fid, (value, how) in report.inferred.items():
        current = out.get(fid)
        unread = current is not None and bool(current.evidence.get("unread")) and current.value is None
        if current is not None and (current.status != "review" or not unread
                                    and value not in allowed.get(fid, {current.value or 0.0})):
            continue
        printed = floor.get(fid.split(".")[0])
        c = conf.INFERRED_FACTOR * printed if printed is not None else 0.5
        evidence = {"inferred": True, "hand": c, "floor": printed,
                    "replaces_review": current is not None, "table_id": fid.split(".")[0]}
        if current is not None and value == 0 and fid in blank_in_all and not current.evidence.get("unread"):
            source = replace(current.source or Source(), derivation=f"forced by {how}; every reading of the "
                                                                      f"row leaves this cell blank")
            out[fid] = FieldResult(fid, None, c, "blank", source, evidence=evidence)
        else:
            doubted = sorted(in_review & report.basis.get(fid, frozenset()))
            derivation = f"forced by {how}" + (f"; from values in review: {', '.join(doubted)}" if doubted else "")
            source = Source(text="", derivation=derivation)
            if unread:  # the cell that holds what could not be read, shown with the derivation
                source = replace(current.source or Source(), derivation=derivation)
            out[fid] = FieldResult(fid, value, c, "review" if doubted else "inferred", source, evidence=evidence)
        added.append(out[fid])
    _calibrate(added, calibrator)


def _blank_rows(doc: Document, out: dict[str, FieldResult], empty_rows: dict[str, Token]) -> None:
    """A row whose label is printed with no value beside it is a row printed blank (raw and
    crawler text, and a PDF's table without rules, print a blank cell as nothing): each of
    its cells that the rules force to 0 is blank, not a number the document does not show
    (a cell they force to another value stays inferred). The source is the label's line, or
    its page and box."""
    for fid, label in empty_rows.items():
        f = out.get(fid)
        if f is None or not f.evidence.get("inferred") or f.status == "blank" or f.value != 0:
            continue
        derivation = f"{f.source.derivation}; nothing is printed beside the row's label: a blank row"
        source = replace(_source(doc, (), Slot("blank", token=label), None), text=label.text, derivation=derivation)
        # forced from values in review: blank as printed, still to be looked at
        status = "blank" if f.status == "inferred" else "review"
        out[fid] = FieldResult(fid, None, f.confidence, status, source, evidence=f.evidence)
