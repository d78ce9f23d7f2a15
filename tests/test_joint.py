"""Open rows taken together: the readings that some fitting combination uses."""

from extractor.columns import Slot
from extractor.joint import narrow
from extractor.template import Equation


def reading(*values):
    return tuple(Slot("num", float(v)) for v in values)


ROW_A = (reading(1, 2), reading(2, 1))
ROW_B = (reading(1, 2), reading(2, 1))
IDS = [["t.a.x", "t.a.y"], ["t.b.x", "t.b.y"]]


def eq(lhs, rhs):
    return Equation("rule", tuple(lhs), tuple(rhs), "")


def test_rows_open_one_by_one_are_settled_together():
    eqs = [eq(["t.a.x", "t.b.x"], ["t.s.x"]), eq(["t.a.y", "t.b.y"], ["t.s.y"]), eq(["t.a.x", "t.b.y"], ["t.s.z"])]
    kept = narrow(eqs, IDS, [ROW_A, ROW_B], {"t.s.x": 3.0, "t.s.y": 3.0, "t.s.z": 4.0})
    assert kept == [{1}, {0}]  # a = (2, 1), b = (1, 2): the only pair that keeps every sum


def test_every_reading_that_fits_is_kept():
    eqs = [eq(["t.a.x", "t.b.x"], ["t.s.x"]), eq(["t.a.y", "t.b.y"], ["t.s.y"])]
    assert narrow(eqs, IDS, [ROW_A, ROW_B], {"t.s.x": 3.0, "t.s.y": 3.0}) == [{0, 1}, {0, 1}]


def test_counts_never_negative_cut_a_sum_with_terms_not_printed():
    # t.m.x is not printed, but a count: a.x + b.x can be at most 3
    eqs = [eq(["t.a.x", "t.b.x", "t.m.x"], ["t.s.x"])]
    kept = narrow(eqs, IDS, [ROW_A, (reading(2, 1),)], {"t.s.x": 3.0})
    assert kept == [{0}, {0}]


def test_nothing_is_chosen_when_no_combination_fits():
    eqs = [eq(["t.a.x", "t.b.x"], ["t.s.x"])]
    assert narrow(eqs, IDS, [ROW_A, ROW_B], {"t.s.x": 9.0}) is None  # the source breaks the rule
