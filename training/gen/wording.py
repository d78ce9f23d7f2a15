"""Agencies' own wording of the row labels: the ``wording`` family.

Most reports copy the form's labels, but some agencies print rows in their own words: a
shortened label (国家秘密 for 属于国家秘密), the wording of the regulation itself (危及国家安全、
公共安全、经济安全和社会稳定 for 危及“三安全一稳定”, 第十六条's 人事管理、后勤管理、内部工作流程等
内部事务信息), or a plain paraphrase (合计 for 总计, 信息不存在 for 本机关不掌握相关政府信息).
:data:`WORDINGS` lists such wordings per row id; :func:`reword` rewrites the row labels of a
report's tables with them. Each document keeps the form's label for a row with probability
:data:`KEEP_FORM`, and otherwise prints one of the row's wordings (chosen per document), so a
family shares its vocabulary but no two documents print quite the same table.

The ordinary training families never print these wordings: the family is made only when
named (``--families wording``), for the held-out experiment of
:mod:`training.experiments.heldout_family`.
"""

from __future__ import annotations

import random
import re

from .grid import Grid
from .style import Style, punctuate, restyle_number

KEEP_FORM = 0.3  # chance that a row keeps the form's own label
DROP_EMPTY_ROW = 0.7  # chance that a sub-row with no case (all 0 or blank) is left out of 三

# Row id -> wordings agencies print instead of the form's label (own text, no numbering).
WORDINGS: dict[str, tuple[str, ...]] = {
    "new_received": ("本年度收到申请数", "当年受理申请"),
    "carried_over": ("上年未办结申请", "上年度结转申请"),
    "granted": ("全部公开", "同意公开"),
    "partially_granted": ("部分公开", "区分处理后部分公开"),
    "denied.state_secret": ("国家秘密", "涉及国家秘密"),
    "denied.prohibited_by_law": ("法律、行政法规禁止公开的", "法律法规禁止公开"),
    "denied.endangers_safety": ("危及国家安全、公共安全、经济安全和社会稳定", "危及“三安全一稳定”的"),
    "denied.third_party_rights": ("涉及商业秘密、个人隐私", "可能损害第三方合法权益"),
    "denied.internal_affairs": ("人事管理、后勤管理、内部工作流程等内部事务信息", "内部事务信息"),
    "denied.process_info": ("讨论记录、过程稿、磋商信函、请示报告等过程性信息", "过程性信息"),
    "denied.enforcement_files": ("行政执法案卷信息", "执法案卷"),
    "denied.administrative_query": ("工商、不动产登记资料等查询事项", "行政查询事项"),
    "unable.not_held": ("信息不存在", "本机关不掌握"),
    "unable.needs_creation": ("需要对现有信息加工、分析", "需另行制作"),
    "unable.unclear": ("经补正仍不明确", "申请内容不明确"),
    "not_processed.complaint": ("信访、投诉、举报类申请", "属于信访举报投诉"),
    "not_processed.duplicate": ("同一申请人重复申请", "重复提出申请"),
    "not_processed.publication": ("索取公开出版物", "要求提供出版物"),
    "not_processed.excessive": ("大量、反复申请", "无正当理由大量反复申请"),
    "not_processed.confirmation": ("要求确认或重新出具已获取信息", "要求重新出具已获取的信息"),
    "other.overdue_correction": ("逾期未补正", "申请人逾期不补正"),
    "other.overdue_fee": ("逾期未缴纳信息处理费", "逾期不缴费"),
    "total": ("合计", "总数"),
    "carried_forward": ("转入下年度办理", "结转下年度"),
    "regulations": ("政府规章",),
    "administrative_license": ("行政许可事项",),
    "administrative_penalty": ("行政处罚决定",),
    "administrative_coercion": ("行政强制措施",),
    "administrative_fees": ("行政事业性收费项目",),
    "centralized_procurement": ("政府集中采购项目", "集中采购"),
}

_NUMBER = re.compile(r"^(（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|\d+\.)")


def choose_wordings(rng: random.Random) -> dict[str, str]:
    """One document's choices: row id -> the wording it prints (rows absent keep the form's)."""
    out = {}
    for row_id, options in WORDINGS.items():
        if rng.random() >= KEEP_FORM:
            out[row_id] = rng.choice(options)
    return out


def _row_ids(grid: Grid) -> dict[int, str]:
    """Grid row -> template row id, from the field ids of its value cells."""
    out = {}
    for c in grid.cells:
        if c.field:
            out[c.row] = c.field.split(".", 1)[1].rsplit(".", 1)[0]
    return out


def _form_number(spec_label: str) -> str:
    """The numbering of a row's own label in the form ("1.", "（一）", "一、"), or ""."""
    own = spec_label.rpartition(" ")[2]
    m = _NUMBER.match(own)
    return m.group(1) if m else ""


def reword_grid(grid: Grid, style: Style, labels: dict[str, str], wordings: dict[str, str]) -> None:
    """Rewrite in place the label of every row that has a wording, keeping the form's numbering
    (restyled the document's way). ``labels``: row id -> the form's label."""
    rows = _row_ids(grid)
    for c in grid.cells:
        row_id = rows.get(c.row)
        if row_id is None or row_id not in wordings or c.role not in ("label", "parent") or c.rowspan > 1:
            continue
        if c.col == 1 and any(o.row == c.row and o.col == 2 and o.role == "label" for o in grid.cells):
            continue  # the parent label of a group, not the row's own label
        number = _form_number(labels[row_id])
        c.text = punctuate(style, restyle_number(style, number + wordings[row_id]) if number else wordings[row_id])


def shorten(rng: random.Random, report) -> list[str]:
    """Leave out of table 三 sub-rows with no case (every cell 0 or blank), as a shortened
    table does; returns the rows left out. Their fields become implied (0): the printed
    outcomes already add up to the total, and counts are never negative (rule 3). Reports cut
    short or with a planted rule break keep their table."""
    from . import spec

    if report.truncated or report.rule_breaks:
        return []
    cols = spec.col_ids(report.template, "requests")
    dropped = []
    for r in spec.outcome_rows(report.template):
        fids = [f"requests.{r}.{c}" for c in cols]
        if "." in r and all(not report.printed.value.get(f) for f in fids) and rng.random() < DROP_EMPTY_ROW:
            dropped.append(r)
            for f in fids:
                report.printed.value.pop(f, None)
                report.printed.text.pop(f, None)
                report.implied[f] = 0
    if dropped:
        report.request_rows = [r for r in report.request_rows if r not in dropped]
        report.notes.append(f"Table 三 leaves out {len(dropped)} row(s) with no case.")
    return dropped


SUBTOTAL_LABELS = ("小计", "小计", "合计")


def _insert_row(grid: Grid, at: int) -> None:
    """Make room for a row at grid row ``at``: cells below move down, cells whose span ends
    just above (the parent of the group, the row group) or runs past it grow by one."""
    for c in grid.cells:
        if c.row >= at:
            c.row += 1
        elif c.row + c.rowspan >= at and c.role in ("parent", "group") and (c.rowspan > 1 or c.row + 1 == at):
            c.rowspan += 1
    grid.nrows += 1


def add_subtotals(rng: random.Random, grid: Grid, values: dict) -> list[str]:
    """Under each group of sub-rows of table 三 (不予公开, 无法提供, …), a subtotal row (小计):
    the column sums of the group, a row the form does not have. Returns the groups."""
    rows = _row_ids(grid)
    last: dict[str, int] = {}
    for r, row_id in rows.items():
        if "." in row_id:
            last[row_id.split(".")[0]] = max(last.get(row_id.split(".")[0], -1), r)
    label = rng.choice(SUBTOTAL_LABELS)
    cols = sorted({c.col for c in grid.cells if c.field})
    for group, r in sorted(last.items(), key=lambda x: -x[1]):
        members = [fid for fid in (c.field for c in grid.cells if c.field) if fid.split(".")[1] == group]
        _insert_row(grid, r + 1)
        grid.add(r + 1, 2, label, role="label")
        for k in cols:
            col_id = next(c.field for c in grid.cells if c.field and c.col == k).rsplit(".", 1)[1]
            total = sum(values.get(f) or 0 for f in members if f.rsplit(".", 1)[1] == col_id)
            grid.add(r + 1, k, str(total), role="value")
    return sorted(last)


def reword(rng: random.Random, template: str, style: Style, grids: list[Grid]) -> dict[str, str]:
    """Rewrite the row labels of a report's grids in one agency's wording; returns the choices."""
    from . import spec

    labels = {r["id"]: r["label"] for t in spec.tables(template) for r in t["rows"]}
    wordings = {r: w for r, w in choose_wordings(rng).items() if r in labels}
    for g in grids:
        reword_grid(g, style, labels, wordings)
    return wordings
