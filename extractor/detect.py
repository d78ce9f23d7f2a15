"""Which national template a report is filled into: 2019, 2021, or neither.

Evidence (each a weight for one template):
- column labels of section 二 (本年新制作数量 … vs 本年制发件数 …): 3 each;
- rows only one template has (政府集中采购, 其他对外管理服务事项 vs the (六) sub-rows
  逾期不补正 / 逾期未按收费通知): 2 each;
- the report year (≤ 2020 → 2019 format, ≥ 2021 → 2021 format): 2.
The confidence is the winner's share of the evidence. A document with no table label of
either template, or a report year before 2019, yields no template and a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .template import label_key

EVIDENCE: dict[str, list[tuple[str, float]]] = {
    "2019": [("本年新制作数量", 3), ("本年新公开数量", 3), ("对外公开总数量", 3), ("上一年项目数量", 2),
             ("采购项目数量", 2), ("采购总金额", 2), ("政府集中采购", 2), ("其他对外管理服务事项", 2)],
    "2021": [("本年制发件数", 3), ("本年废止件数", 3), ("现行有效件数", 3), ("本年收费金额", 2),
             ("逾期不补正", 2), ("逾期未按收费通知要求缴纳费用", 2)],
}
# labels any report of either template prints in its tables
FORM_MARKERS = ("本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "予以公开", "部分公开",
                "属于国家秘密", "本机关不掌握相关政府信息", "结转下年度继续办理", "第二十条第", "行政许可",
                "行政处罚", "结果维持", "尚未审结")
YEAR_WEIGHT = 2.0
FORM_YEAR = 2019  # the first report year of the national form
MIN_MARKERS = 3


@dataclass(frozen=True)
class TemplateGuess:
    name: Optional[str]
    confidence: float
    reason: str


def detect_template(label_keys: list[str], year: Optional[int]) -> TemplateGuess:
    """Weigh the evidence in a document's label keys (see :func:`template.label_key`)."""
    text = "|".join(label_keys)
    markers = sum(1 for m in FORM_MARKERS if m in text)
    if markers < MIN_MARKERS:
        return TemplateGuess(None, 0.9, f"no table of the national form found ({markers} of its labels seen)")
    if year is not None and year < FORM_YEAR:
        return TemplateGuess(None, 0.8, f"report year {year} predates the 2019 national form")
    score = {name: sum(w for key, w in ev if key in text) for name, ev in EVIDENCE.items()}
    if year is not None:
        score["2019" if year <= 2020 else "2021"] += YEAR_WEIGHT
    total = score["2019"] + score["2021"]
    if total == 0:
        return TemplateGuess("2021", 0.5, "no distinguishing label or year; 2021 assumed")
    name = max(score, key=lambda k: score[k])
    conf = (score[name] + 1) / (total + 2)
    reasons = ", ".join(f"{k}: {v:g}" for k, v in score.items())
    return TemplateGuess(name, round(conf, 3), f"evidence {reasons}")


def keys_of(texts: list[str]) -> list[str]:
    return [label_key(t) for t in texts]
