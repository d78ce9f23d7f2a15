"""Field confidence from evidence, and the review threshold.

For a printed field the confidence is the product of its evidence:

    c = row_match × column_certainty × number_quality × table_evidence × reader_confidence

- ``row_match``: how well the printed row label matches the template row (0..1, from the
  ordered alignment in :mod:`extractor.rows`);
- ``column_certainty``: how the cells were read into columns (:data:`columns.CERTAINTY`);
- ``number_quality``: 1 for a clean number, lower for a reading repaired from OCR damage;
- ``table_evidence``: how sure we are that this is the table (headers found, section found);
- ``reader_confidence``: the OCR engine's confidence for the cell (1 for text layers),
  times :data:`REPAIRED_NUMBER` when letters were read as digits ("1s" → 15); such a
  field is ``ok`` only when a rule that holds confirms it, and its source says so.

Then the form's rules move it: when a check that holds covers the field, the remaining
doubt shrinks by :data:`RULE_CONFIRM`; when a check fails, the confidence is multiplied
by :data:`RULE_BREAK`. Fields below :data:`REVIEW_THRESHOLD` get status ``review``.

An inferred field takes the lowest confidence of the printed fields that force it.
"""

from __future__ import annotations

REVIEW_THRESHOLD = 0.80
RULE_CONFIRM = 0.25  # remaining doubt kept when a holding check covers the field
RULE_BREAK = 0.6  # factor when a failing check covers the field
INFERRED_FACTOR = 0.98
REPAIRED_NUMBER = 0.6  # an OCR letter read as a digit ("1s" → 15): review unless a rule confirms it


def row_match(similarity: float) -> float:
    """Label similarity (0..1) → evidence: exact 1.0, a close OCR-damaged label ~0.9."""
    return max(0.0, min(1.0, 0.3 + 0.7 * similarity)) if similarity < 1 else 1.0


def combine(*factors: float) -> float:
    c = 1.0
    for f in factors:
        c *= f
    return max(0.0, min(1.0, c))


def with_rules(c: float, confirmed: bool, broken: bool) -> float:
    if broken:
        return c * RULE_BREAK
    if confirmed:
        return 1 - (1 - c) * RULE_CONFIRM
    return c


def needs_review(evidence: dict, calibrated: bool) -> bool:
    """Review whatever the confidence: several readings of the row remain (with a calibrated
    confidence: only where they differ on this field), the row label shares its cell with
    another row's (:func:`extractor.rows.doubt_shared_cells`) or stands apart from the values
    (:func:`extractor.tables.read_rows`), the row prints more values than columns (which
    are its own is a guess), a rule covering the field fails, or a
    digit was read from an OCR letter and no rule confirms it, or the empty cell the
    field was read from holds ink that OCR could not read (a scan: likely a digit the
    detector missed, so "printed empty" would be a guess), or, in a row read by OCR, no cell
    stands where the field's blank was placed (``unread`` covers both). The hand formula above already
    sends the last two below the threshold; a learned calibrator, fitted on documents where
    such fields are mostly right, would not, and a person should still look at them."""
    if not evidence.get("settled", True) and (not calibrated or evidence.get("agree", 0.0) < 1
                                              or evidence.get("incomplete")):
        return True  # (incomplete: the readings found are not all there may be, so agreeing proves nothing)
    if evidence.get("columns") == "too_many":
        return True
    if evidence.get("shared_label") or evidence.get("apart"):  # a holding rule confirms numbers, not their row
        return True
    if evidence.get("unread"):  # not printed empty: a holding rule cannot tell a 0 from a blank
        return True
    if calibrated and evidence.get("broken"):
        return True
    return calibrated and bool(evidence.get("repaired")) and not evidence.get("confirmed")


def status_for(c: float, blank: bool, threshold: float = REVIEW_THRESHOLD) -> str:
    if c < threshold:
        return "review"
    return "blank" if blank else "ok"
