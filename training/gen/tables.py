"""Build the grids of sections 二, 三 and 四 the way the national form lays them out.

- 二: the 第二十条 items, each a title row, a 信息内容 header row and data rows, in one
  4-column table or one table per item;
- 三: a 3-row header (勾稽关系 note, 申请人情况, 自然人 / 法人或其他组织 → 5 kinds / 总计),
  three label columns (row group 三、本年度办理结果, parent labels such as （三）不予公开,
  sub-rows) and 7 number columns;
- 四: 行政复议 / 行政诉讼 (未经复议直接起诉, 复议后起诉) headers over one row of 15 numbers.
"""

from __future__ import annotations

from . import spec
from .grid import Grid
from .report import Report
from .style import art20_col_label, art20_row_label, art20_title, header, request_label, restyle_number

ART20_TABLES = ("art20_1", "art20_5", "art20_6", "art20_8", "art20_9")
APPLICANT_HEADERS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
APPEAL_HEADERS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def fill_empty(grid: Grid) -> Grid:
    """Give every uncovered grid position an explicit empty cell."""
    cover = grid.covering()
    for r in range(grid.nrows):
        for k in range(grid.ncols):
            if (r, k) not in cover:
                grid.add(r, k, "", role="empty")
    return grid


def value_text(report: Report, field_id: str) -> str:
    return report.printed.text.get(field_id, "")


def add_art20_item(grid: Grid, report: Report, table_id: str, row: int) -> int:
    """Append one 第二十条 item at grid row ``row``; return the next free row."""
    style, tpl = report.style, report.template
    cols = spec.col_ids(tpl, table_id)
    span = 3 if tpl == "2021" and len(cols) == 1 and style.art20_span else 1
    grid.add(row, 0, art20_title(style, table_id), colspan=4, role="title")
    grid.add(row + 1, 0, "信息内容", role="header")
    for k, c in enumerate(cols):
        grid.add(row + 1, 1 + k, art20_col_label(style, tpl, table_id, c), colspan=span, role="header")
    row += 2
    for r in spec.row_ids(tpl, table_id):
        grid.add(row, 0, art20_row_label(style, tpl, table_id, r))
        for k, c in enumerate(cols):
            f = f"{table_id}.{r}.{c}"
            grid.add(row, 1 + k, value_text(report, f), colspan=span, role="value", field=f)
        row += 1
    return row


def art20_grids(report: Report) -> list[Grid]:
    """Section 二 as one combined grid or one grid per item."""
    grids = []
    items = [[t] for t in ART20_TABLES] if report.style.art20_split else [list(ART20_TABLES)]
    for group in items:
        present = [t for t in group if any(t == tb["id"] for tb in spec.tables(report.template))]
        if not present:
            continue
        nrows = sum(2 + len(spec.row_ids(report.template, t)) for t in present)
        grid = Grid("art20", nrows, 4, col_weights=[1.7, 1.0, 1.0, 1.0])
        row = 0
        for t in present:
            row = add_art20_item(grid, report, t, row)
        grids.append(fill_empty(grid))
    return grids


def add_request_header(grid: Grid, report: Report) -> None:
    style = report.style
    grid.add(0, 0, style.note, rowspan=3, colspan=3, role="note")
    total = header(style, "总计")
    if style.total_top:
        grid.add(0, 3, "申请人情况", colspan=6, role="header")
        grid.add(0, 9, total, rowspan=3, role="header")
    else:
        grid.add(0, 3, "申请人情况", colspan=7, role="header")
        grid.add(1, 9, total, rowspan=2, role="header")
    grid.add(1, 3, header(style, "自然人"), rowspan=2, role="header")
    grid.add(1, 4, "法人或其他组织", colspan=5, role="header")
    for k, text in enumerate(APPLICANT_HEADERS):
        grid.add(2, 4 + k, header(style, text), role="header")


def add_request_values(grid: Grid, report: Report, row: int, row_id: str) -> None:
    for k, c in enumerate(spec.col_ids(report.template, "requests")):
        f = f"requests.{row_id}.{c}"
        grid.add(row, 3 + k, value_text(report, f), role="value", field=f)


def request_row_plan(report: Report) -> list[tuple[str, str]]:
    """(kind, row id) per grid row below the header: top, group, outcome."""
    plan = []
    for r in report.request_rows:
        if r in ("new_received", "carried_over", "carried_forward"):
            plan.append(("top", r))
            continue
        if report.style.group_as_row and not any(k == "group" for k, _ in plan):
            plan.append(("group", ""))
        plan.append(("outcome", r))
    return plan


def add_outcome_labels(grid: Grid, report: Report, plan: list, start: int) -> None:
    """Parent labels spanning their sub-rows, and sub-row labels."""
    i = 0
    while i < len(plan):
        kind, r = plan[i]
        if kind != "outcome":
            i += 1
            continue
        parent, own = request_label(report.style, report.template, r)
        if not parent:
            grid.add(start + i, 1, own, colspan=2, role="parent")
            i += 1
            continue
        n = 1
        while i + n < len(plan) and plan[i + n][1].split(".")[0] == r.split(".")[0]:
            n += 1
        grid.add(start + i, 1, parent, rowspan=n, role="parent")
        for j in range(n):
            grid.add(start + i + j, 2, request_label(report.style, report.template, plan[i + j][1])[1])
        i += n


def requests_grid(report: Report) -> Grid:
    plan = request_row_plan(report)
    grid = Grid("requests", 3 + len(plan), 10, header_rows=3,
                col_weights=[0.9, 1.1, 2.4] + [0.75] * 7)
    add_request_header(grid, report)
    group_label = restyle_number(report.style, "三、本年度办理结果")
    outcome_rows = [3 + i for i, (k, _) in enumerate(plan) if k == "outcome"]
    for i, (kind, r) in enumerate(plan):
        if kind == "top":
            grid.add(3 + i, 0, request_label(report.style, report.template, r)[1], colspan=3)
            add_request_values(grid, report, 3 + i, r)
        elif kind == "group":
            grid.add(3 + i, 0, group_label, colspan=3, role="group")
        else:
            add_request_values(grid, report, 3 + i, r)
    if outcome_rows and not report.style.group_as_row:
        grid.add(outcome_rows[0], 0, group_label, rowspan=len(outcome_rows), role="group")
    add_outcome_labels(grid, report, plan, 3)
    return fill_empty(grid)


def appeals_grid(report: Report) -> Grid:
    grid = Grid("appeals", 4, 15, header_rows=3, col_weights=[1.0] * 15)
    grid.add(0, 0, "行政复议", colspan=5, role="header")
    grid.add(0, 5, "行政诉讼", colspan=10, role="header")
    for k, text in enumerate(APPEAL_HEADERS):
        grid.add(1, k, header(report.style, text), rowspan=2, role="header")
    grid.add(1, 5, "未经复议直接起诉", colspan=5, role="header")
    grid.add(1, 10, "复议后起诉", colspan=5, role="header")
    for k, text in enumerate(APPEAL_HEADERS * 2):
        grid.add(2, 5 + k, header(report.style, text), role="header")
    groups = spec.row_ids(report.template, "appeals")
    cols = spec.col_ids(report.template, "appeals")
    for g_i, g in enumerate(groups):
        for c_i, c in enumerate(cols):
            f = f"appeals.{g}.{c}"
            grid.add(3, g_i * 5 + c_i, value_text(report, f), role="value", field=f)
    return fill_empty(grid)
