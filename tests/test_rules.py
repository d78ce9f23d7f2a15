"""The form's rules: checks and forced values."""

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


def test_contradiction_reported_and_nothing_inferred():
    vals = {**row("new_received", 0, 0, 0, 0, 0, 0, 0), **row("carried_over", 0, 0, 0, 0, 0, 0, 0),
            **row("granted", 1, 0, 0, 0, 0, 0, 1)}
    rep = evaluate(T, vals)
    assert [c for c in rep.checks if not c.ok]
    assert not rep.inferred


def test_blank_counts_as_zero_next_to_numbers_and_all_blank_is_skipped():
    vals = {f"appeals.review.{c}": BLANK for c in ("upheld", "corrected", "other", "pending", "total")}
    assert not [c for c in evaluate(T, vals).checks if "group review" in c.detail]
    vals["appeals.review.upheld"] = 0.0
    assert [c for c in evaluate(T, vals).checks if "group review" in c.detail and c.ok]
