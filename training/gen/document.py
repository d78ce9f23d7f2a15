"""A report as an ordered list of blocks (title lines, headings, paragraphs, tables).

The renderers of every input kind walk the same block list, so the same report can be
printed as a text dump, a web page or a PDF.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from . import prose, tables
from .grid import Grid
from .report import Report

SECTIONS = {
    "one": "一、总体情况", "two": "二、主动公开政府信息情况",
    "three": "三、收到和处理政府信息公开申请情况", "four": "四、政府信息公开行政复议、行政诉讼情况",
    "five": "五、存在的主要问题及改进情况", "six": "六、其他需要报告的事项",
}


@dataclass
class Block:
    kind: str  # title | heading | para | table | sign
    text: str = ""
    grid: Grid | None = None
    section: str = ""  # which section (one … six) the block belongs to


def title_lines(rng: random.Random, report: Report) -> list[str]:
    """The title, with the agency on its own line or inside it; 年 or 年度; stray spaces."""
    year = f" {report.year} " if rng.random() < 0.3 else str(report.year)
    suffix = rng.choice(["年政府信息公开工作年度报告", "年政府信息公开工作年度报告",
                         "年度政府信息公开工作年度报告", "年度政府信息公开工作报告"])
    title = year + suffix
    if rng.random() < 0.5:
        return [report.agency, title.strip()]
    return [report.agency + title.rstrip() if rng.random() < 0.7 else f"{report.agency} {title.strip()}"]


def section_blocks(rng: random.Random, report: Report) -> list[Block]:
    out: list[Block] = []

    def add(section: str, kind: str, text: str = "", grid: Grid | None = None) -> None:
        out.append(Block(kind, text, grid, section))

    add("one", "heading", SECTIONS["one"])
    for p in prose.overview(rng, report):
        add("one", "para", p)
    add("two", "heading", SECTIONS["two"])
    for g in tables.art20_grids(report):
        add("two", "table", grid=g)
    add("three", "heading", SECTIONS["three"])
    add("three", "table", grid=tables.requests_grid(report))
    if not (report.truncated and rng.random() < 0.5):
        add("four", "heading", SECTIONS["four"])
    if report.has_appeals:
        add("four", "table", grid=tables.appeals_grid(report))
    elif report.appeals_in_prose:
        add("four", "para", prose.no_appeals(report))
    add("five", "heading", SECTIONS["five"])
    for p in prose.problems(rng, report):
        add("five", "para", p)
    add("six", "heading", SECTIONS["six"])
    for p in prose.other_matters(rng, report):
        add("six", "para", p)
    return out


def build_blocks(rng: random.Random, report: Report) -> list[Block]:
    blocks = [Block("title", line) for line in title_lines(rng, report)]
    blocks += [Block("para", p) for p in prose.intro(rng, report)]
    blocks += section_blocks(rng, report)
    if rng.random() < 0.6:
        blocks.append(Block("sign", report.agency, section="six"))
        blocks.append(Block("sign", f"{report.year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日", section="six"))
    return blocks
