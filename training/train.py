"""``extractor train``: rebuild the learned models from generated documents (and corrections).

Steps, all seeded (the same seed gives the same model):

1. generate three sets of labelled documents with :mod:`training.generate` (input kinds
   :data:`DEFAULT_KINDS`; a held-out family can be left out of all three): *train* (seed s),
   *calibration* (s + 1) and *test* (s + 2);
2. label the rows of every training document from its truth, and of every corrected document
   from its corrections (:mod:`extractor.learn.labelling`, :mod:`extractor.learn.corrections`;
   a corrected document counts :data:`CORRECTION_WEIGHT` times), and fit the
   :class:`~extractor.learn.row_model.RowClassifier`;
3. extract the calibration documents with the new row model, note for every field its
   evidence and whether it came out right, fit the
   :class:`~extractor.learn.calibrate.FieldCalibrator` and choose the review threshold for the
   target precision of ok fields (corrected documents stay out of calibration: see
   :func:`fit_calibration`);
4. measure the finished model on the test documents (accuracy, ECE, precision of ok fields,
   review rate; overall and per input kind) and write the model and its card.

PDF documents: add ``pdf`` to ``--kinds`` once the PDF reader is fast enough for training
runs; nothing else changes.

    python -m training.train --out models            (= extractor train)
"""

from __future__ import annotations

import platform
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Callable, Optional, Sequence

from extractor.confidence import needs_review
from extractor.evaluate import Case, DocScore, Report, Totals, field_outcome, find_cases, run_case, truth_fields
from extractor.learn.calibrate import TARGET_OK_PRECISION, FieldCalibrator, choose_threshold
from extractor.learn.labelling import LabelledDocument, label_document, truth_known
from extractor.learn.row_model import RowClassifier
from extractor.learn.store import MODEL_DIR, Model, save

DEFAULT_KINDS = ("text", "html")
DEFAULT_SEED = 20240501
CORRECTION_WEIGHT = 5.0  # a corrected document is rare, reviewed gold: it counts this many times
N_TRAIN, N_CALIB, N_TEST = 630, 420, 280
Log = Callable[[str], None]


@dataclass
class TrainConfig:
    """Everything a training run depends on (recorded in the model card)."""

    seed: int = DEFAULT_SEED
    n_train: int = N_TRAIN
    n_calib: int = N_CALIB
    n_test: int = N_TEST
    kinds: tuple[str, ...] = DEFAULT_KINDS
    exclude_families: tuple[str, ...] = ()
    corrections: tuple[str, ...] = ()  # corrections files or folders of *.jsonl
    documents: tuple[str, ...] = ()  # folders holding the corrected documents
    reviewed_model: Optional[str] = None  # model folder whose results were reviewed (None: the default)
    correction_weight: float = CORRECTION_WEIGHT
    target_precision: float = TARGET_OK_PRECISION
    jobs: int = 2
    workdir: Optional[str] = None  # where generated documents go (a temporary folder if None)
    row_params: dict = field(default_factory=dict)  # RowClassifier parameters other than its defaults

    def families(self) -> list[str]:
        from training.generate import select_families
        return [f for f in select_families(list(self.kinds)) if f not in self.exclude_families]


@dataclass
class TrainResult:
    model: Model
    metrics: dict
    seconds: float
    out_dir: Optional[Path] = None
    timings: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- workers

_WORKER_MODEL: Optional[Model] = None


def _init_worker(model: Optional[Model]) -> None:
    global _WORKER_MODEL
    _WORKER_MODEL = model


def _label_case(case: Case) -> Optional[LabelledDocument]:
    return label_document(str(case.doc_path), truth_known(case.truth))


def _label_known(item: tuple[str, dict]) -> Optional[LabelledDocument]:
    return label_document(item[0], item[1])


def _field_samples(case: Case) -> list[tuple[dict, bool, bool, str]]:
    """(evidence, right, would-be-ok candidate, document) for every field read or inferred."""
    truth = {fid: (g, v) for fid, g, v in truth_fields(case.truth)}
    return _samples_against(str(case.doc_path), truth)


def _samples_against(path: str, truth: dict) -> list[tuple[dict, bool, bool, str]]:
    from extractor.pipeline import run

    s = run(path, model=_WORKER_MODEL)
    out = []
    for fid, f in s.fields.items():
        if not f.evidence or fid not in truth:
            continue
        group, tv = truth[fid]
        outcome = field_outcome(group, None if tv is None else float(tv), f.value, f.status)
        if outcome == "left_missing":
            continue
        candidate = (not f.evidence.get("inferred") and f.value is not None
                     and not needs_review(f.evidence, calibrated=True))
        out.append((f.evidence, outcome in ("correct", "recovered"), candidate, Path(path).name))
    return out


def _score_case(case: Case) -> DocScore:
    from extractor.pipeline import extract
    return run_case(case, partial(extract, model=_WORKER_MODEL))


def _map(fn, items: Sequence, jobs: int, model: Optional[Model] = None) -> list:
    if jobs <= 1 or len(items) < 8:
        _init_worker(model)
        return [fn(x) for x in items]
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(model,)) as pool:
        return list(pool.map(fn, items, chunksize=max(1, len(items) // (4 * jobs))))


# --------------------------------------------------------------------------- steps


def generate_sets(cfg: TrainConfig, root: Path, log: Log) -> dict[str, list[Case]]:
    """Generate (or reuse, when already there) the train, calibration and test documents."""
    from training.generate import generate

    families = cfg.families()
    sets = {}
    for offset, (name, n) in enumerate((("train", cfg.n_train), ("calib", cfg.n_calib), ("test", cfg.n_test))):
        d = root / f"{name}-s{cfg.seed + offset}-n{n}-{'+'.join(families)}"
        if not (d / "done").exists():
            if d.exists():
                shutil.rmtree(d)
            generate(d, n, cfg.seed + offset, families=families)
            (d / "done").write_text("")
        cases, _ = find_cases(d / "docs", d / "truth")
        sets[name] = cases
        log(f"{name}: {len(cases)} documents ({', '.join(families)})")
    return sets


def fit_rows(train: Sequence[Case], corrected: Sequence, cfg: TrainConfig, log: Log) -> RowClassifier:
    docs = [d for d in _map(_label_case, list(train), cfg.jobs) if d is not None]
    extra = [d for d in _map(_label_known, [(str(c.path), c.known) for c in corrected], cfg.jobs) if d is not None]
    X = [x for d in docs + extra for x in d.features]
    y = [c for d in docs + extra for c in d.classes]
    w = [1.0] * sum(len(d.classes) for d in docs) + [cfg.correction_weight] * sum(len(d.classes) for d in extra)
    log(f"row samples: {len(X)} labels from {len(docs)} generated and {len(extra)} corrected documents")
    return RowClassifier(**cfg.row_params).fit(X, y, sample_weight=w)


def fit_calibration(calib: Sequence[Case], rows: RowClassifier, cfg: TrainConfig, log: Log
                    ) -> tuple[FieldCalibrator, float, dict]:
    """Fit the calibrator on the fields of the calibration documents, read with the new row
    model. Corrected documents stay out: a review queue serves the most uncertain documents
    first, so they are no fair sample of what the model meets (fed to the calibrator, the five
    hardest documents of a family taught it to doubt every field of that family)."""
    draft = Model(rows, None, 0.0, calibrated_kinds=tuple(cfg.kinds))
    samples = [s for per_doc in _map(_field_samples, list(calib), cfg.jobs, draft) for s in per_doc]
    ev = [s[0] for s in samples]
    right = [s[1] for s in samples]
    cal = FieldCalibrator().fit(ev, right, groups=[s[3] for s in samples])
    conf = cal.confidences(ev)
    threshold = choose_threshold(conf, right, [s[2] for s in samples], cfg.target_precision)
    wrong = sum(not r for r in right)
    log(f"calibration: {len(samples)} fields, {wrong} wrong; threshold {threshold:.6f}")
    return cal, threshold, {"fields": len(samples), "wrong": wrong}


def measure(cases: Sequence[Case], model: Optional[Model], jobs: int) -> dict:
    """Figures of a model on documents with truth: overall and per input kind."""
    report = Report(docs=_map(_score_case, list(cases), jobs, model))
    out = {"all": figures(report)}
    for kind in sorted({d.kind for d in report.docs}):
        out[kind] = figures(Report(docs=[d for d in report.docs if d.kind == kind]))
    for family in sorted({d.family for d in report.docs}):
        out["family " + family] = figures(Report(docs=[d for d in report.docs if d.family == family]))
    return out


def figures(report: Report) -> dict:
    t = report.totals
    ok = [f for d in report.docs for f in d.fields if f.status == "ok"]
    ok_wrong = sum(f.wrong for f in ok)
    found = Totals.of(d for d in report.docs if d.template_ok)
    return {"documents": t.docs, "accuracy": t.accuracy, "ece": report.ece(),
            "template_found": found.docs, "accuracy_template_found": found.accuracy,
            "ok_precision": 1 - ok_wrong / len(ok) if ok else None, "ok_fields": len(ok),
            "review_rate": t.review_rate, "silent": t.silent, "scored": t.scored}


def library_versions() -> dict:
    import numpy
    import rapidfuzz
    import scipy
    import sklearn

    from extractor import __version__
    return {"python": platform.python_version(), "extractor": __version__, "scikit-learn": sklearn.__version__,
            "numpy": numpy.__version__, "scipy": scipy.__version__, "rapidfuzz": rapidfuzz.__version__}


def command_line(cfg: TrainConfig, out_dir: Optional[Path]) -> str:
    parts = ["extractor train"]
    if out_dir is not None and Path(out_dir).resolve() != MODEL_DIR.resolve():
        parts.append(f"--out {out_dir}")
    defaults = TrainConfig()
    for name in ("seed", "n_train", "n_calib", "n_test", "correction_weight", "target_precision"):
        if getattr(cfg, name) != getattr(defaults, name):
            parts.append(f"--{name.replace('_', '-')} {getattr(cfg, name)}")
    if tuple(cfg.kinds) != defaults.kinds:
        parts += [f"--kind {k}" for k in cfg.kinds]
    parts += [f"--exclude-family {f}" for f in cfg.exclude_families]
    parts += [f"--corrections {c}" for c in cfg.corrections]
    parts += [f"--documents {d}" for d in cfg.documents]
    return " ".join(parts)


# --------------------------------------------------------------------------- train


def train(cfg: Optional[TrainConfig] = None, out_dir: Optional[str | Path] = MODEL_DIR,
          log: Log = lambda m: print(m, file=sys.stderr), measure_test: bool = True) -> TrainResult:
    """Build the row model and calibrator; save them to ``out_dir`` (unless None)."""
    cfg = cfg or TrainConfig()
    t0 = time.perf_counter()
    timings = {}
    tmp = None
    root = Path(cfg.workdir) if cfg.workdir else Path(tmp := tempfile.mkdtemp(prefix="extractor-train-"))
    try:
        corrected = []
        if cfg.corrections:  # checked first: a bad corrections file stops the run before any work
            from extractor.learn.corrections import corrected_documents
            from extractor.learn.store import load
            seen = load(cfg.reviewed_model) if cfg.reviewed_model else "default"
            corrected = corrected_documents(cfg.corrections, cfg.documents, model=seen)
            log(f"corrections: {sum(c.decisions for c in corrected)} decisions on {len(corrected)} document(s)")
        sets = generate_sets(cfg, root, log)
        timings["generate"] = time.perf_counter() - t0
        t = time.perf_counter()
        rows = fit_rows(sets["train"], corrected, cfg, log)
        timings["rows"] = time.perf_counter() - t
        t = time.perf_counter()
        cal, threshold, cal_info = fit_calibration(sets["calib"], rows, cfg, log)
        timings["calibration"] = time.perf_counter() - t
        model = Model(rows, cal, threshold, calibrated_kinds=tuple(cfg.kinds))
        metrics = {}
        if measure_test:
            t = time.perf_counter()
            metrics = measure(sets["test"], model, cfg.jobs)
            timings["test"] = time.perf_counter() - t
            log("test: " + ", ".join(f"{k} {_short(v)}" for k, v in metrics["all"].items()))
        seconds = time.perf_counter() - t0
        model.card = card(cfg, rows, cal_info, metrics, seconds, out_dir, len(corrected))
        if out_dir is not None:
            save(model, out_dir)
            log(f"model {model.version} written to {out_dir} in {seconds:.0f} s "
                f"({', '.join(f'{k} {v:.0f} s' for k, v in timings.items())})")
        else:
            from extractor.learn.store import model_version
            model.version = model_version(model)
        return TrainResult(model, metrics, seconds, Path(out_dir) if out_dir else None, timings)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def _short(v) -> str:
    return f"{v:.5f}" if isinstance(v, float) else str(v)


def card(cfg: TrainConfig, rows: RowClassifier, cal_info: dict, metrics: dict, seconds: float,
         out_dir, n_corrected: int) -> dict:
    return {
        "summary": ("Row classifier (multinomial logistic regression over character n-grams of the label and "
                    "its context) whose probabilities are the emission scores of the ordered row alignment, and "
                    "a field-confidence calibrator (logistic regression over the evidence + isotonic regression) "
                    "with the review threshold chosen for the target precision of ok fields."),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": command_line(cfg, Path(out_dir) if out_dir else None),
        "seconds": round(seconds, 1), "jobs": cfg.jobs,
        "config": {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(cfg).items() if k != "workdir"},
        "data": {
            "generator": "python -m training.generate (seeded; labelled documents with truth)",
            "kinds": ", ".join(cfg.kinds), "families": ", ".join(cfg.families()),
            "held-out families": ", ".join(cfg.exclude_families) or "none",
            "row model": f"{cfg.n_train} documents, seed {cfg.seed}; {len(rows.classes_)} classes",
            "corrected documents": f"{n_corrected} (row model; weight {cfg.correction_weight})",
            "calibration": f"{cfg.n_calib} documents, seed {cfg.seed + 1}; {cal_info['fields']} fields, "
                           f"{cal_info['wrong']} wrong",
            "test": f"{cfg.n_test} documents, seed {cfg.seed + 2}",
            "real documents": "none (no seed or test document is used)",
        },
        "target_precision": cfg.target_precision,
        "metrics": {("test " + k): v for k, v in metrics.items()},
        "libraries": library_versions(),
        "limits": [
            "trained on generated text and HTML documents only; PDF and scanned inputs use the same model "
            "but were not part of training or calibration",
            "calibration holds for documents like the generated ones; a new layout family may need corrections",
        ],
    }


def main(argv=None) -> None:
    import argparse
    p = argparse.ArgumentParser(prog="python -m training.train", description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=MODEL_DIR)
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--workdir")
    p.add_argument("--corrections", nargs="*", default=[])
    p.add_argument("--documents", nargs="*", default=[])
    args = p.parse_args(argv)
    train(TrainConfig(seed=args.seed, jobs=args.jobs, workdir=args.workdir, corrections=tuple(args.corrections),
                      documents=tuple(args.documents)), args.out)


if __name__ == "__main__":
    main()
