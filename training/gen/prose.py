"""Filler prose for sections 一, 五 and 六, with realistic numbers as distractors.

Real reports talk about numbers in prose (“受理依申请公开 86 件”, “发布信息 1870 条”,
“收取信息处理费 3940 元”); an extractor must not take those for table values.
"""

from __future__ import annotations

import random

from .report import Report

INTRO = [
    "本报告由{agency}根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》要求编制。",
    "本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。本报告电子版可在{site}下载。如对本报告有疑问，请与{agency}办公室联系（电话：{phone}）。",
]
OVERVIEW = [
    "{year}年，{short}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实党中央、国务院关于全面推进政务公开工作的决策部署，严格执行《条例》各项规定，不断提升政府信息公开工作质效。",
    "（一）主动公开情况。全年通过门户网站主动公开各类政府信息{n1}条，通过政务新媒体发布信息{n2}条，发布政策解读{n3}篇，召开新闻发布会{n4}场。",
    "（二）依申请公开情况。{year}年共受理政府信息公开申请{req}件，上年结转{carried}件，均在法定期限内予以答复。",
    "（三）政府信息管理情况。健全公开前保密审查机制，全年审查拟公开信息{n5}条，未发生因公开不当引发的泄密事件。",
    "（四）政府信息公开平台建设情况。持续优化政府网站栏目设置，全年网站访问量达{n6}人次，更新栏目{n7}个。",
    "（五）监督保障情况。将政务公开工作纳入年度绩效考核，组织业务培训{n4}次，参训{n8}人次，全年未发生责任追究情况。",
    "同时，按照上级要求，对{n9}份历史文件进行了清理，其中继续有效{n10}份，宣布失效{n11}份。",
]
PROBLEMS = [
    "{year}年，我单位政府信息公开工作取得了一定成效，但仍存在一些不足：一是公开内容的深度和广度还需拓展；二是政策解读形式较为单一；三是工作人员业务能力有待提升。",
    "下一步，我单位将从以下方面加以改进：一是加强组织领导，压实工作责任；二是丰富解读形式，提升解读质量；三是加强业务培训，全年计划开展培训{n1}次以上。",
    "针对上年度报告中提出的{n2}项问题，已全部完成整改。",
]
OTHER = [
    "本年度未收取政府信息公开信息处理费。",
    "{year}年，严格落实《政府信息公开信息处理费管理办法》，全年收取信息处理费{fee}元。",
    "本年度办理人大代表建议{n1}件、政协委员提案{n2}件，办复率100%。",
    "无其他需要报告的事项。",
]
SITES = ["本机关门户网站", "“政府信息公开”专栏", "市人民政府门户网站政府信息公开平台"]


def fill(rng: random.Random, text: str, report: Report) -> str:
    v = report.values
    nums = {f"n{i}": rng.choice([rng.randint(1, 60), rng.randint(60, 3000), rng.randint(3000, 400000)])
            for i in range(1, 12)}
    return text.format(
        agency=report.agency, short=rng.choice(["我单位", "我局", "我机关", report.agency]),
        year=report.year, site=rng.choice(SITES), phone=f"0{rng.randint(100, 999)}-{rng.randint(10**7, 10**8 - 1)}",
        req=v["requests.new_received.total"], carried=v["requests.carried_over.total"],
        fee=rng.randint(10, 9000), **nums)


def paragraphs(rng: random.Random, report: Report, pool: list[str], k: int) -> list[str]:
    chosen = sorted(rng.sample(range(len(pool)), min(k, len(pool))))
    return [fill(rng, pool[i], report) for i in chosen]


def intro(rng: random.Random, report: Report) -> list[str]:
    return paragraphs(rng, report, INTRO, rng.randint(0, 2))


def overview(rng: random.Random, report: Report) -> list[str]:
    first = fill(rng, OVERVIEW[0], report)
    return [first] + paragraphs(rng, report, OVERVIEW[1:], rng.randint(1, 4))


def problems(rng: random.Random, report: Report) -> list[str]:
    return paragraphs(rng, report, PROBLEMS, rng.randint(1, 3))


def other_matters(rng: random.Random, report: Report) -> list[str]:
    return paragraphs(rng, report, OTHER, 1)


def no_appeals(report: Report) -> str:
    return f"{report.year}年，本机关未发生政府信息公开行政复议、行政诉讼案件。"
