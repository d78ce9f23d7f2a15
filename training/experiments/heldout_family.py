"""The experiment that proves the review loop: a layout family the model never saw, before
and after the corrections of K of its documents.

1. Train (``training.train``) on generated documents of every family but one, the held-out
   family, which is left out of the row model's training and of the calibration alike.
2. Generate documents of the held-out family (their own seed) and pick K of them for review
   the way a review queue would, uncertain documents first (most fields in review or missing;
   ``--pick first`` takes the first K instead). Measure the model on the others (field
   accuracy, silent errors, review rate, ECE); the hand-made extractor is measured on the
   same documents for reference.
3. A simulated reviewer checks the K documents against their truth: every printed field read
   wrong (or not found) is corrected, every field in review that was right is confirmed; so
   is a field the document does not print but the extraction shows as read (``ok`` or
   ``review``): set to nothing, even where the value the rules force happens to be the one
   read, since it was read from another row's line. The decisions are written as
   corrections JSONL (the format of ``extractor correct``).
4. Retrain with those corrections (``--corrections``; a corrected document's rows count
   ``--correction-weight`` times, :data:`training.train.CORRECTION_WEIGHT` by default) and
   measure again on the same documents as in 2. Wrong fields are also counted by status
   (missing, inferred, review; ok = silent) and by template row.

The family to hold out is ``wording`` (:mod:`training.gen.wording`): tab tables whose row
labels are printed in an agency's own words (国家秘密, 合计, 信息不存在, the regulation's wording
of 危及“三安全一稳定”…), with rows that have no case left out and subtotal rows (小计) added.
The ordinary families never print these labels (the family is made only when named), so it
is vocabulary the row model has to learn, and the corrections of K documents teach it.

Why not a plain layout family: the row model reads the rows of the text families from their
context (position, neighbours, section, number of values) as much as from their text, so a
held-out layout such as ``tabs``, even with OCR-damaged labels, is already read right almost
everywhere the template is found; what it gets wrong there are documents whose template is
lost, which no row model mends, and the corrections have nothing to teach.

``--damage R`` turns the held-out family into a family with OCR-damaged labels: each Chinese
character of the tables (lines with tab or ``|`` cells) is replaced, with probability R, by a
character OCR engines confuse it with (a fixed table, :data:`CONFUSIONS`). That stands for what
a new OCR engine or scan source brings: label text the training data never showed. (Title and
prose are spared: damage there breaks template and year detection, which no row model mends.)

    python -m training.experiments.heldout_family --family wording --damage 0.15 --k 5  # the README's run
    python -m training.experiments.heldout_family --family wording --k 5
    python -m training.experiments.heldout_family --family tabs --damage 0.25 --k 5

Output: a table on stdout and, with ``--out``, the figures as JSON. Everything is seeded.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
import random
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Optional

from extractor.corrections_format import Correction, to_json_line
from extractor.evaluate import find_cases, truth_fields, values_equal
from extractor.evaluate import Report
from extractor.learn.corrections import sha256_of
from training.train import TrainConfig, _map, _score_case, figures, train

K_DEFAULT = 5
N_FAMILY = 40  # documents of the held-out family: K corrected, the rest measured
FAMILY_SEED_OFFSET = 10
REVIEWER = "simulated-reviewer"
TOP_ROWS = 8  # template rows listed in the breakdown of wrong fields
# Characters of the form's labels and a character an OCR engine reads for each (look-alikes).
CONFUSIONS = dict(zip(
    "申请政府信息公开数量处理予以部分不属于国家密其他法律行规禁止危及安全稳定保护第方合权益类内事务过程性执案卷"
    "查询项本机关掌握相没有现成需要另制作补正后容仍明确访举报投诉复提供版物无当由大反认重新出具已获取逾期费用收"
    "通知缴纳结转年度继续办果总计上",
    "中清玫腐倍忌么幵敷最外埋子似都兮木厲干固冢蜜甚地去津衔觇襟上厄乃按金隐走堡沪弟万含杈盖粪肉争备辻呈姓热桉券"
    "杳洵顶木朳美拿喔湘设宥现戍儒耍叧刺怍朴止后客扔朋碓仿拳极设诈夏捉洪板沏元常田太仮议垂薪山貝己荻耿谕斯赀甩牧"
    "逋矩激讷洁砖午庹断读办杲忽汁土"))


def damage_text(text: str, rng: random.Random, rate: float) -> str:
    """OCR-like label damage: look-alike characters in table lines."""
    out = []
    for line in text.split("\n"):
        if "\t" not in line and "|" not in line:
            out.append(line)
            continue
        out.append("".join(CONFUSIONS[ch] if ch in CONFUSIONS and rng.random() < rate else ch for ch in line))
    return "\n".join(out)


def family_documents(root: Path, family: str, n: int, seed: int, damage: float) -> Path:
    """Generate the held-out family's documents (damaged when asked); returns their folder."""
    from extractor.readers.encoding import decode_bytes
    from training.generate import FAMILIES, generate

    d = root / f"family-{family}-s{seed}-n{n}-d{damage}"
    if (d / "done").exists():
        return d
    generate(d, n, seed, families=[family])
    if damage:
        if FAMILIES[family] != "text":
            raise SystemExit(f"--damage applies to text families, not {family} ({FAMILIES[family]})")
        for tp in sorted((d / "truth").glob("*.json")):
            truth = json.loads(tp.read_text(encoding="utf-8"))
            doc = d / "docs" / truth["document"]
            text, _ = decode_bytes(doc.read_bytes())
            doc.write_text(damage_text(text, random.Random(f"{seed}:{doc.name}"), damage), encoding="utf-8")
            truth["family"] = f"{family}+ocr"
            tp.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (d / "done").write_text("")
    return d


def uncertainty(case, model) -> tuple:
    """How much a document needs a reviewer, as the review queue sees it (no truth used):
    fields in review or missing, then the lowest confidence of a printed field."""
    from extractor.pipeline import extract

    fields = extract(case.doc_path, model=model)["fields"].values()
    doubtful = sum(f["status"] in ("review", "missing") for f in fields)
    lowest = min((f["confidence"] for f in fields if f["status"] in ("ok", "review")), default=0.0)
    return (-doubtful, lowest, case.doc_path.name)


def pick_for_review(cases, model, k: int, how: str) -> tuple[list, list]:
    """(documents to review, documents to measure)."""
    if how == "first":
        return list(cases[:k]), list(cases[k:])
    order = sorted(cases, key=lambda c: uncertainty(c, model))
    chosen = {c.doc_path for c in order[:k]}
    return [c for c in cases if c.doc_path in chosen], [c for c in cases if c.doc_path not in chosen]


def simulate_review(cases, model, out: Path) -> dict:
    """A reviewer's decisions on these documents, as corrections JSONL; returns counts."""
    from extractor.pipeline import extract

    lines, corrected, confirmed = [], 0, 0
    for n, case in enumerate(cases):
        result = extract(case.doc_path, model=model)
        sha = sha256_of(case.doc_path)
        for fid, group, truth in truth_fields(case.truth):
            f = result["fields"].get(fid)
            if f is None or (group != "printed" and f["status"] not in ("ok", "review")):
                continue  # a field not printed, and not shown as read from the page
            if group != "printed":
                truth = None  # shown as read, but the document does not print it (the rules may force it)
            v = None if truth is None else float(truth)
            right = values_equal(v, None if f["value"] is None else float(f["value"]))
            if right and f["status"] != "review":
                continue
            confirmed += right
            corrected += not right
            after = None if truth is None else truth
            lines.append(to_json_line(Correction(sha, fid, f["value"], after if not right else f["value"], REVIEWER,
                                                 f"2025-01-{1 + n:02d}T09:00:{len(lines) % 60:02d}Z",
                                                 line=(f.get("source") or {}).get("line"))))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"documents": len(cases), "corrected": corrected, "confirmed": confirmed}


def measured(cases, model, jobs: int) -> dict:
    """The figures of a model (None: the hand-made scorer) on these documents, and its wrong
    fields counted by status (missing, inferred, review, ok = silent) and by template row."""
    report = Report(docs=_map(_score_case, list(cases), jobs, model))
    wrong = [f for d in report.docs for f in d.fields if f.wrong]
    by_status = Counter(f.status or "failed" for f in wrong)
    by_row = Counter(f.id.rsplit(".", 1)[0] for f in wrong)
    return {**figures(report), "wrong_by_status": dict(by_status.most_common()),
            "wrong_by_row": dict(by_row.most_common(TOP_ROWS))}


def run(family: str, k: int = K_DEFAULT, damage: float = 0.0, cfg: Optional[TrainConfig] = None,
        n_family: int = N_FAMILY, workdir: Optional[Path] = None, pick: str = "uncertain",
        log=lambda m: print(m, file=sys.stderr)) -> dict:
    base = cfg or TrainConfig()
    root = Path(workdir or tempfile.mkdtemp(prefix="extractor-heldout-"))
    root.mkdir(parents=True, exist_ok=True)
    cfg_a = replace(base, exclude_families=(family,), workdir=str(root))
    fam_dir = family_documents(root, family, n_family, base.seed + FAMILY_SEED_OFFSET, damage)
    cases, _ = find_cases(fam_dir / "docs", fam_dir / "truth")
    tag = f"{family}-d{damage}-k{k}-{pick}-w{base.correction_weight}"
    before = train(cfg_a, root / f"model-{tag}-before", log=log, measure_test=False)
    reviewed, rest = pick_for_review(cases, before.model, k, pick)
    log(f"held-out family {family}{f' damaged {damage}' if damage else ''}: {len(reviewed)} reviewed "
        f"({', '.join(c.doc_path.name for c in reviewed)}), {len(rest)} measured")
    jsonl = root / f"corrections-{tag}.jsonl"
    review = simulate_review(reviewed, before.model, jsonl)
    log(f"review: {review}")
    cfg_b = replace(cfg_a, corrections=(str(jsonl),), documents=(str(fam_dir / "docs"),),
                    reviewed_model=str(root / f"model-{tag}-before"))
    after = train(cfg_b, root / f"model-{tag}-after", log=log, measure_test=False)
    results = {"hand-made": measured(rest, None, base.jobs),
               "before": measured(rest, before.model, base.jobs),
               "after": measured(rest, after.model, base.jobs)}
    return {"family": family, "damage": damage, "k": k, "pick": pick, "measured_documents": len(rest),
            "correction_weight": base.correction_weight,
            "reviewed_documents": [c.doc_path.name for c in reviewed], "review": review,
            "models": {"before": before.model.version, "after": after.model.version},
            "train_seconds": {"before": round(before.seconds, 1), "after": round(after.seconds, 1)},
            "figures": results}


def print_table(res: dict) -> None:
    name = res["family"] + (f" (OCR-damaged labels, rate {res['damage']})" if res["damage"] else "")
    print(f"held-out family {name}; K={res['k']} reviewed documents ({res['pick']} first: "
          f"{', '.join(res['reviewed_documents'])}), "
          f"({res['review']['corrected']} corrections, {res['review']['confirmed']} confirmations); "
          f"measured on the other {res['measured_documents']}")
    print(f"{'model':<12}{'accuracy':>10}{'wrong':>8}{'silent':>8}{'review':>9}{'ECE':>8}"
          f"{'template found':>16}{'accuracy there':>16}")
    for k, f in res["figures"].items():
        wrong = round((1 - f["accuracy"]) * f["scored"])
        print(f"{k:<12}{100 * f['accuracy']:>9.2f}%{wrong:>8}{f['silent']:>8}{100 * f['review_rate']:>8.2f}%"
              f"{f['ece']:>8.4f}{f['template_found']:>10}/{f['documents']:<5}{100 * f['accuracy_template_found']:>15.2f}%")
    print("wrong fields by status and by row (most first):")
    for k, f in res["figures"].items():
        status = ", ".join(f"{s} {n}" for s, n in f["wrong_by_status"].items()) or "none"
        rows = ", ".join(f"{r} {n}" for r, n in f["wrong_by_row"].items()) or "none"
        print(f"  {k}: {status}; rows: {rows}")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m training.experiments.heldout_family",
                                description=__doc__.split("\n\n")[0])
    p.add_argument("--family", default="wording", help="family held out (training.generate.FAMILIES)")
    p.add_argument("--k", type=int, default=K_DEFAULT, help="documents of the family corrected")
    p.add_argument("--damage", type=float, default=0.0, help="OCR-like label damage rate (text families)")
    p.add_argument("--n-family", type=int, default=N_FAMILY)
    p.add_argument("--pick", choices=["uncertain", "first"], default="uncertain",
                   help="which documents the reviewer gets: the most uncertain (default) or the first K")
    p.add_argument("--correction-weight", type=float, default=TrainConfig().correction_weight,
                   help="how many times a corrected document's rows count in the row model's training")
    p.add_argument("--seed", type=int, default=TrainConfig().seed)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--workdir", type=Path)
    p.add_argument("--out", type=Path, help="write the figures here as JSON")
    args = p.parse_args(argv)
    res = run(args.family, args.k, args.damage, TrainConfig(seed=args.seed, jobs=args.jobs, correction_weight=args.correction_weight), args.n_family,
              args.workdir, args.pick)
    print_table(res)
    if args.out:
        args.out.write_text(json.dumps(res, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
