"""Cells of a row → columns."""

from extractor.columns import assign, one_full, traceless
from extractor.tokens import cell_tokens


def cells(*texts):
    return [t for i, s in enumerate(texts) for t in cell_tokens(s, 0, i)]


def row_sum(reading):
    v = [s.value or 0 for s in reading]
    return abs(sum(v[:-1]) - v[-1]) < 1e-9


def values(a):
    return [[s.value for s in r] for r in a.readings]


def test_count_ignores_padding_cells():
    a = assign(cells("", "1", "0", "0", "0", "0", "0", "1", ""), 7, row_sum)
    assert a.how == "count" and values(a) == [[1, 0, 0, 0, 0, 0, 1]]


def test_empty_cells_keep_positions():
    a = assign(cells("", "", "218"), 3)
    assert a.how == "positions"
    assert [s.kind for s in a.readings[0]] == ["blank", "blank", "num"]


def test_run_together_digits_split_by_the_row_rule():
    a = assign(cell_tokens("数量120003015", 0, 0)[1:], 7, row_sum)
    assert a.settled and values(a) == [[12, 0, 0, 0, 3, 0, 15]]


def test_unsettled_split_is_ambiguous():
    a = assign(cell_tokens("规范性文件1012", 0, 0)[1:], 3)
    assert not a.settled and a.how == "ambiguous"
    assert [1, 0, 12] in values(a) and [10, 1, 2] in values(a)


def test_a_blank_that_left_no_trace_keeps_a_split_open():
    """"014" in three columns is 0|1|4, or 0|14 with a blank somewhere: no rule decides."""
    a = assign(cell_tokens("行政许可014", 0, 0)[1:], 3)
    assert not a.settled
    assert [0, 1, 4] in values(a) and [0, 14, None] in values(a) and [0, None, 14] in values(a)


def test_an_open_split_names_its_one_reading_that_fills_every_column():
    """"014": of 0|1|4, 0|14|blank, 0|blank|14 … only 0|1|4 leaves no column without trace."""
    a = assign(cell_tokens("行政许可014", 0, 0)[1:], 3)
    assert not a.settled
    assert [s.value for s in a.full] == [0, 1, 4]
    assert not traceless(a.full)
    assert all(traceless(r) for r in a.readings if r != a.full)


def test_several_splits_that_fill_every_column_name_none():
    """"3511" in three columns: 3|5|11, 3|51|1 and 35|1|1 all fill every column."""
    a = assign(cell_tokens("行政规范性文件3511", 0, 0)[1:], 3)
    assert not a.settled and a.full is None
    assert one_full(a.readings) is None


def test_a_comma_group_closes_a_run():
    """"0131,809" is 0 | 13 | 1,809 or 0 | 1 | 31,809, never 131 and 809."""
    a = assign(cell_tokens("行政许可0131,809", 0, 0)[1:], 3)
    assert not a.settled
    assert [0, 13, 1809] in values(a) and [0, 1, 31809] in values(a)
    assert all(131 not in v for v in values(a))


def test_leading_zeros_settle_a_split():
    a = assign(cell_tokens("行政许可00218", 0, 0)[1:], 3)
    assert a.settled and values(a) == [[0, 0, 218]]


def test_missing_cell_without_rules_is_ambiguous():
    a = assign(cells("31", "0", "0", "0", "0", "31"), 7, row_sum)
    assert not a.settled


def test_all_blank_row():
    a = assign(cells("", "", "", "", "", "", ""), 7, row_sum)
    assert a.settled and all(s.kind == "blank" for s in a.readings[0])


def test_nothing_printed():
    assert assign([], 3) is None


def test_a_sign_belongs_to_the_first_number_of_a_split():
    toks = cell_tokens("行政许可99-130", 0, 0)[1:]
    a = assign(toks, 3)
    assert not a.settled
    assert [99, -13, 0] in values(a)


def test_a_dash_between_digits_is_a_blank_where_counts_cannot_fall():
    # requests row "21 0 0 — 1 0 22" run together: the dash is the blank cell, not a minus
    toks = [t for t in cell_tokens("申请数量2100-1022", 0, 0) if t.kind != "label"]
    a = assign(toks, 7, row_sum)
    assert a.settled and values(a) == [[21, 0, 0, None, 1, 0, 22]]


def test_a_dash_between_digits_in_a_column_that_can_fall_stays_open():
    # 上一年项目数量 | 本年增/减 | 处理决定数量: "12-35" is 12 — 35, or 12 −3 5
    a = assign(cell_tokens("行政许可12-35", 0, 0)[1:], 3)
    assert not a.settled
    assert [12, None, 35] in values(a) and [12, -3, 5] in values(a)
    # with a space after the sign only the minus reading has three cells
    assert values(assign(cell_tokens("行政许可12-3 5", 0, 0)[1:], 3)) == [[12, -3, 5]]


def test_a_dash_after_a_blank_may_be_the_sign_of_a_change():
    # 上一年项目数量 blank ("—"), 本年增/减 -8, 处理决定数量 15, run together: "—-815" (the
    # reader's text: "--815") is that, or — — 815; only the rules or a reviewer can tell
    falls = [False, True, False]
    a = assign(cell_tokens("行政强制--815", 0, 0)[1:], 3, None, falls)
    assert not a.settled
    assert [None, -8, 15] in values(a) and [None, None, 815] in values(a)


def test_a_sign_stands_only_in_a_column_that_can_fall():
    # a label, then "-70": a blank and 7 | 0, or -7 in 本年增/减; never -7 as a count
    falls = [False, True, False]
    a = assign(cell_tokens("行政强制-70", 0, 0)[1:], 3, None, falls)
    assert not a.settled and [None, 7, 0] in values(a) and [None, -7, 0] in values(a)
    assert all(v is None or v >= 0 for r in values(a) for v, f in zip(r, falls) if not f)


def test_values_pinned_by_their_cells_are_kept_when_they_break_the_rules():
    """Nine cells for seven columns, the value in the last: only one run of seven cells holds
    it. The row's rule fails (total 1, parts blank), and the value stays in its column."""
    a = assign(cells("", "", "", "", "", "", "", "", "1"), 7, row_sum)
    assert a.settled and a.how == "window"
    assert values(a) == [[None, None, None, None, None, None, 1]]


def test_digits_with_one_split_are_kept_when_they_break_the_rules():
    """"0000001" in seven columns splits only as 0|0|0|0|0|0|1, which breaks the row's rule:
    the print is kept (the checks report it), not spread over the columns another way."""
    a = assign(cell_tokens("结转下年度继续办理0000001", 0, 0)[1:], 7, row_sum)
    assert a.settled and a.how == "split"
    assert values(a) == [[0, 0, 0, 0, 0, 0, 1]]


def test_a_run_starting_with_zero_is_several_numbers_never_one():
    """Crawler text "010——" in three columns: no number is printed with a leading zero, so
    "010" is not the value 10 with two blanks after it; the row stays open, in review."""
    a = assign(cells("行政规范性文件010--")[1:], 3, None)  # blanks printed as one dash here: two
    assert a.how == "ambiguous" and a.incomplete and not a.settled



def test_every_cut_of_a_long_run_is_tried():
    """Twenty digits run together into seven cells have 27,132 cuts. The row rule keeps two
    of them (5 2515 2204 912 410 6 | 6052, and the printed 5251 522 0 49 124 106 | 6052):
    both must be found, so the row stays open instead of settling on the first one."""
    a = assign(cells("予以公开52515220491241066052")[1:], 7, row_sum)
    assert not a.settled
    assert [5251, 522, 0, 49, 124, 106, 6052] in values(a)


def test_every_placement_among_fifteen_columns_is_tried():
    """Seven values among the appeals table's fifteen columns can stand 6,435 ways. Stopping
    at 5,000 left out every placement from the sixth column on, so the readings found all
    agreed on a value the print does not show; the printed placement must be among them."""
    def groups_sum(reading):
        return all(row_sum(reading[g:g + 5]) for g in (0, 5, 10))

    a = assign(cells("1", "5", "6", "2", "5", "1", "8"), 15, groups_sum)
    assert not a.settled
    assert [None, None, None, None, None, None, 1, None, 5, 6, None, 2, 5, 1, 8] in values(a)


def test_a_mark_beside_a_number_in_one_cell_of_a_full_row_is_a_speck():
    # a scanned grid: "0—" in one cell (a rule's stub read as a dash); each cell holds a value
    a = assign(cells("0-", "0", "0-", "0", "0", "0_", "0"), 7, row_sum)  # as normalised
    assert a.how == "too_many" and values(a) == [[0, 0, 0, 0, 0, 0, 0]]


def test_more_values_than_columns_in_one_cell_of_run_together_text_are_not_guessed_at():
    a = assign(cell_tokens("规章 0- 0 0 1", 0, 0)[1:], 3)
    assert a.how == "too_many"
    assert [s.kind for s in a.readings[0]] == ["num", "mark", "num"]  # the first three, as before


def test_rows_with_more_values_than_columns_are_always_reviewed():
    from extractor import confidence as conf
    evidence = {"columns": "too_many", "settled": True, "readings": 1}
    assert conf.needs_review(evidence, calibrated=True) and conf.needs_review(evidence, calibrated=False)
    assert not conf.needs_review({**evidence, "columns": "count"}, calibrated=True)


def test_more_blank_marks_than_columns_read_every_column_blank():
    a = assign(cell_tokens("规章 — — — —", 0, 0)[1:], 3)
    assert a.how == "blank" and [s.kind for s in a.readings[0]] == ["mark"] * 3
