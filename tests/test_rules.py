"""The form's rules: checks and forced values."""

import re

from extractor.rules import BLANK, evaluate
from extractor.template import load_templates

T = load_templates()["2019"]
COLS = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"]


def row(name, *vals):
    return {f"requests.{name}.{c}": float(v) for c, v in zip(COLS, vals)}


def test_holding_row_rule_confirms_its_fields():
    rep = evaluate(T, row("granted", 1, 0, 0, 0, 0, 0, 1))
    assert any(c.ok for c in rep.checks)
    assert "requests.granted.total" in rep.confirmed


def test_broken_row_rule_reported_with_its_cells():
    rep = evaluate(T, row("granted", 1, 0, 0, 0, 0, 0, 2))
    bad = [c for c in rep.checks if not c.ok]
    assert bad and "requests.granted.total" in bad[0].fields
    assert "= 1" in bad[0].detail and "= 2" in bad[0].detail


def test_zero_intake_forces_every_outcome_to_zero():
    vals = {**row("new_received", 0, 0, 0, 0, 0, 0, 0), **row("carried_over", 0, 0, 0, 0, 0, 0, 0)}
    rep = evaluate(T, vals)
    assert rep.inferred["requests.denied.state_secret.research"][0] == 0
    assert rep.inferred["requests.total.total"][0] == 0
    assert "forced" not in rep.inferred["requests.total.total"][1]  # the rule text is the derivation
    assert not [c for c in rep.checks if not c.ok]


def test_single_unknown_solved_from_its_row():
    vals = row("granted", 2, 3, 0, 0, 0, 0, 5)
    del vals["requests.granted.commercial"]
    rep = evaluate(T, vals)
    assert rep.inferred["requests.granted.commercial"][0] == 3


def test_a_forced_value_names_the_fields_it_was_forced_from():
    vals = row("granted", 2, 3, 0, 0, 0, 0, 5)
    del vals["requests.granted.commercial"]
    rep = evaluate(T, vals)
    basis = rep.basis["requests.granted.commercial"]
    assert {"requests.granted.natural_person", "requests.granted.total"} <= basis
    assert "requests.granted.commercial" not in basis
    assert not any(f.startswith("requests.denied.") for f in basis)  # not in its equation


def test_a_forced_value_rests_on_printed_values_only():
    """Zero intake forces every outcome to 0: each forced cell rests on the printed intake and
    totals, not on the other cells forced with it (which a row read ambiguously, in review,
    may also be: the rules settle those, they do not make each other doubtful)."""
    vals = {**row("new_received", 0, 0, 0, 0, 0, 0, 0), **row("carried_over", 0, 0, 0, 0, 0, 0, 0)}
    rep = evaluate(T, vals)
    for fid in ("requests.granted.natural_person", "requests.denied.state_secret.research"):
        assert rep.basis[fid] and rep.basis[fid] <= set(vals)


def test_contradiction_reported_and_nothing_inferred():
    vals = {**row("new_received", 0, 0, 0, 0, 0, 0, 0), **row("carried_over", 0, 0, 0, 0, 0, 0, 0),
            **row("granted", 1, 0, 0, 0, 0, 0, 1)}
    rep = evaluate(T, vals)
    assert [c for c in rep.checks if not c.ok]
    assert not rep.inferred


def test_bounds_that_cross_blame_every_rule_behind_them():
    # new 0 + carried over 0 bound the total by 0 from above (one rule); granted 1 bounds it
    # by 1 from below (another): both rules' printed cells are doubted, whichever crossed last
    vals = {**row("new_received", 0, 0, 0, 0, 0, 0, 0), **row("carried_over", 0, 0, 0, 0, 0, 0, 0),
            **row("granted", 1, 0, 0, 0, 0, 0, 1)}
    rep = evaluate(T, vals)
    assert {"requests.granted.natural_person", "requests.new_received.natural_person",
            "requests.carried_over.natural_person"} <= rep.broken
    assert "requests.granted.research" not in rep.broken  # a column the conflict is not in


def test_blank_counts_as_zero_next_to_numbers_and_all_blank_is_skipped():
    vals = {f"appeals.review.{c}": BLANK for c in ("upheld", "corrected", "other", "pending", "total")}
    assert not [c for c in evaluate(T, vals).checks if "group review" in c.detail]
    vals["appeals.review.upheld"] = 0.0
    assert [c for c in evaluate(T, vals).checks if "group review" in c.detail and c.ok]


def _real_values():
    """The printed fields of the real report in tests/data (its tables keep every rule)."""
    import json
    from pathlib import Path
    truth = json.loads((Path(__file__).parent / "data/real/truth/101.json").read_text(encoding="utf-8"))
    return {k: (BLANK if v is None else float(v)) for k, v in truth["fields"].items()}


T21 = load_templates()["2021"]


def test_one_field_that_explains_every_failing_check_is_the_only_one_doubted():
    vals = _real_values()
    assert not [c for c in evaluate(T21, vals).checks if not c.ok]
    fid = "requests.unable.not_held.total"
    printed = vals[fid]
    vals[fid] = printed - 7  # a misread digit: its row and its column both fail
    rep = evaluate(T21, vals)
    bad = [c for c in rep.checks if not c.ok]
    assert len(bad) == 2 and all(fid in c.fields for c in bad)
    assert rep.broken == {fid}
    assert all(f"= {int(printed)}" in c.detail for c in bad)  # the value the rules point at
    assert vals[fid] == printed - 7  # reported, not repaired


def test_a_single_failing_check_doubts_all_its_fields():
    vals = _real_values()
    vals["requests.granted.total"] += 1
    vals["requests.new_received.total"] += 1  # the column rule still holds after both
    vals["requests.total.total"] += 1
    rep = evaluate(T21, vals)
    bad = [c for c in rep.checks if not c.ok]
    assert bad and len(rep.broken) > 1


def test_two_misread_fields_are_doubted_both_and_alone():
    """Two misread cells in two rows and two columns: their rows and columns fail. No one
    field explains it; the two fields, each given the value its row and column point at,
    are the one smallest explanation (the other two crossings would need other changes)."""
    vals = _real_values()
    vals["requests.granted.natural_person"] += 3
    vals["requests.unable.not_held.commercial"] += 5
    rep = evaluate(T21, vals)
    assert len([c for c in rep.checks if not c.ok]) >= 3
    assert rep.broken == {"requests.granted.natural_person", "requests.unable.not_held.commercial"}


def _zero_table():
    """Table 三 of the 2021 template printed all 0, its totals too."""
    return {f: 0.0 for f in T21.field_ids if f.startswith("requests.")}


def test_specks_read_as_ones_in_a_zero_table_are_the_fields_doubted():
    """A scan's specks read as "1" in three cells of three rows and three columns: nine
    crossings of failing rows and columns, but only the three with a 1 can drop by one
    (counts are never negative). Those three alone are doubted, with the value that fixes
    them named; the zeros around them keep their own confidence."""
    vals = _zero_table()
    specks = ["requests.granted.social_org", "requests.not_processed.publication.other_org",
              "requests.total.legal_service"]
    for f in specks:
        vals[f] = 1.0
    rep = evaluate(T21, vals)
    bad = [c for c in rep.checks if not c.ok]
    assert len(bad) >= 6
    assert rep.broken == set(specks)
    assert all("granted.social_org = 0" in c.detail for c in bad)
    assert all(vals[f] == 1.0 for f in specks)  # reported, not repaired


def test_a_misread_in_the_requests_table_is_found_though_the_appeals_table_breaks_too():
    """Each table's sums are searched apart: the requests table's one speck is named and
    alone doubted, while the appeals table's lone failing sum doubts its own fields."""
    vals = _zero_table()
    vals.update({f: 0.0 for f in T21.field_ids if f.startswith("appeals.")})
    vals["requests.total.social_org"] = 1.0
    vals["appeals.litigation_direct.other"] = 1.0  # its total printed 0: one failing sum
    rep = evaluate(T21, vals)
    assert "requests.total.social_org" in rep.broken
    assert not any(f.startswith("requests.") and f != "requests.total.social_org" for f in rep.broken)
    assert {"appeals.litigation_direct.other", "appeals.litigation_direct.total"} <= rep.broken
    assert any("would hold with total.social_org = 0" in c.detail for c in rep.checks if not c.ok)


def test_explanations_of_the_same_size_doubt_every_field_of_the_failing_checks():
    """Two rows and two columns each one too many, and a 1 in all four crossings: either
    diagonal pair, less one each, explains it. With no one smallest explanation, every field
    of the failing checks stays doubted."""
    vals = _zero_table()
    for row in ("granted", "partially_granted"):
        for col in ("natural_person", "commercial"):
            vals[f"requests.{row}.{col}"] = 1.0
        vals[f"requests.{row}.total"] = 1.0
    for row in ("new_received", "total"):
        vals[f"requests.{row}.natural_person"] = vals[f"requests.{row}.commercial"] = 1.0
        vals[f"requests.{row}.total"] = 2.0
    rep = evaluate(T21, vals)
    bad = [c for c in rep.checks if not c.ok]
    assert len(bad) == 4
    assert "requests.granted.natural_person" in rep.broken and "requests.total.natural_person" in rep.broken
    assert not any("would hold with" in c.detail for c in bad)


def _ambiguous_appeals_row():
    """The 2021 template, its appeals row "review" printing 3 or 30 in its first column (1 in
    the others), and a text document to read it from."""
    from types import SimpleNamespace

    from extractor.columns import Assignment, Slot
    from extractor.tables import RowRead

    t = T21
    ncols = len(t.table("appeals").columns)
    readings = tuple((Slot("num", v),) + (Slot("num", 1.0),) * (ncols - 1) for v in (3.0, 30.0))
    row = RowRead("appeals", "review", Assignment(readings, "ambiguous"), 1.0, 1.0)
    return t, row, SimpleNamespace(kind="text", pages=1, lines=[])


def test_inference_settles_a_reviewed_field_only_with_a_value_its_print_allows():
    """An ambiguous row whose readings print 3 or 30 in a column: a rule forcing 30 settles
    it (inferred); a rule forcing 7 overrules the print, so the field stays in review."""
    from extractor.fields import build_fields
    from extractor.rules import RuleReport

    t, row, doc = _ambiguous_appeals_row()
    fid = t.table("appeals").field_id("review", t.table("appeals").columns[0].id)
    for forced, status in ((30.0, "inferred"), (7.0, "review")):
        report = RuleReport(inferred={fid: (forced, "a rule")})
        f = build_fields(t, doc, [], [row], report, {})[fid]
        assert f.status == status
        assert f.value == (30.0 if status == "inferred" else 3.0)


def test_a_value_forced_from_a_field_in_review_is_in_review():
    """A rule forcing a missing cell from a row in review (say, a row whose label was doubted):
    the forced value is only as good as that row, so it goes to review, and says why."""
    from extractor.fields import build_fields
    from extractor.rules import RuleReport

    t, row, doc = _ambiguous_appeals_row()
    doubted = t.table("appeals").field_id("review", t.table("appeals").columns[0].id)
    fid = t.table("appeals").field_id("litigation_direct", t.table("appeals").columns[0].id)
    for basis, status in ((frozenset({doubted}), "review"), (frozenset(), "inferred")):
        report = RuleReport(inferred={fid: (4.0, "a rule")}, basis={fid: basis})
        f = build_fields(t, doc, [], [row], report, {})[fid]
        assert (f.status, f.value) == (status, 4.0)
        assert (doubted in f.source.derivation) == (status == "review")


def test_crossing_bounds_doubt_the_equations_that_narrowed_the_term_not_the_whole_table():
    """Two missing cells of one column, one of whose rows wants 2 more than the column leaves:
    where the bounds cross, the printed cells of the equations that narrowed that cell itself
    (its row and its column) are doubted; the cells of the other missing cell's row, which
    reached it only through that cell, are not."""
    vals = _real_values()
    del vals["requests.partially_granted.natural_person"]
    del vals["requests.granted.natural_person"]
    vals["requests.partially_granted.total"] += 2
    rep = evaluate(T21, vals)
    crossed = [c for c in rep.checks if not c.ok and "at least" in c.detail]
    assert crossed
    term = "requests." + re.search(r"need (\S+) to be", crossed[0].detail).group(1)
    row = term.rsplit(".", 1)[0]
    other = ({"requests.granted", "requests.partially_granted"} - {row}).pop()
    assert {f"{row}.total", f"{row}.commercial", "requests.total.natural_person"} <= set(crossed[0].fields)
    assert f"{other}.commercial" not in crossed[0].fields
    assert not rep.inferred
