"""Model artifacts: saved as plain arrays and JSON (never pickle), checked when loaded, loaded
once per process.

A model directory holds three files:

- ``model.json``: format and feature versions, the model version, the row classifier's
  parameters, feature names and classes, the calibrator's feature names and parameters, the
  review threshold, and the model card (training data, metrics, library versions, date,
  command);
- ``model.npz``: the learned arrays (``row_coef``, ``row_intercept``, ``cal_coef``,
  ``cal_iso_x``, ``cal_iso_y``), read with ``allow_pickle=False``;
- ``MODEL_CARD.md``: the card for people.

The version (``document.model_version`` in every result) is ``m<format>-`` followed by the
first hex digits of the SHA-256 of the arrays and of the JSON without the card, so the same
training gives the same version. A model of another format or feature set is refused with
:class:`ModelVersionError`, which says how to rebuild it.

The default model lives in the project's top-level ``models/`` (:data:`MODEL_DIR`; an
installed wheel carries it in ``<prefix>/share/extractor/models``); the environment
variable ``EXTRACTOR_MODEL`` names another directory, or ``none`` for the hand-made scorer
and confidence. Without model files the extractor runs without a model.
"""

from __future__ import annotations

import gc
import hashlib
import io
import json
import os
import sys
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Optional

import numpy as np

from ..errors import ExtractorError
from ..jsonfile import read_object
from .calibrate import FieldCalibrator
from .features import CAL_FEATURES, FEATURE_VERSION
from .row_model import LearnedScorer, RowClassifier

FORMAT_VERSION = 1
def _shipped_model_dir() -> Path:
    """``models/`` beside the package in a clone (an editable install), else where a wheel
    installed it."""
    clone = Path(__file__).resolve().parents[2] / "models"
    installed = Path(sys.prefix) / "share" / "extractor" / "models"
    return clone if clone.is_dir() or not installed.is_dir() else installed


MODEL_DIR = _shipped_model_dir()
ENV_VAR = "EXTRACTOR_MODEL"
META_FILE = "model.json"
ARRAYS_FILE = "model.npz"
CARD_FILE = "MODEL_CARD.md"
NO_MODEL = "hand-made"  # model_version of a result made without a learned model
RETRAIN_HINT = "rebuild it with `extractor train` (see the model card for the command)"


class ModelError(ExtractorError):
    """A model directory that cannot be read."""


class ModelVersionError(ModelError):
    """A model saved by an incompatible version of the extractor."""


@dataclass
class Model:
    """The learned parts: row classifier, field calibrator and the review threshold."""

    row_classifier: Optional[RowClassifier]
    calibrator: Optional[FieldCalibrator]
    threshold: float
    card: dict = field(default_factory=dict)
    version: str = ""
    calibrated_kinds: tuple[str, ...] = ("text", "html")  # input kinds the calibrator was fitted on

    @cached_property
    def row_scorer(self) -> Optional[LearnedScorer]:
        return LearnedScorer(self.row_classifier) if self.row_classifier is not None else None

    def calibrator_for(self, kind: str) -> Optional[FieldCalibrator]:
        """The calibrator, for inputs of the kinds it was fitted on; other kinds (PDF, scans,
        until training includes them) keep the hand-made confidence and threshold."""
        return self.calibrator if kind in self.calibrated_kinds else None


# --------------------------------------------------------------------------- save


def _arrays(model: Model) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    if model.row_classifier is not None:
        out["row_coef"] = np.asarray(model.row_classifier.coef_, dtype=np.float32)
        out["row_intercept"] = np.asarray(model.row_classifier.intercept_, dtype=np.float32)
    if model.calibrator is not None:
        out["cal_coef"] = np.asarray(model.calibrator.coef_, dtype=np.float64)
        out["cal_iso_x"] = np.asarray(model.calibrator.iso_x_, dtype=np.float64)
        out["cal_iso_y"] = np.asarray(model.calibrator.iso_y_, dtype=np.float64)
    return out


def _meta(model: Model) -> dict:
    meta: dict = {"format": FORMAT_VERSION, "features": FEATURE_VERSION, "threshold": model.threshold,
                  "calibrated_kinds": list(model.calibrated_kinds)}
    rc = model.row_classifier
    if rc is not None:
        meta["row_classifier"] = {"params": rc.get_params(), "feature_names": list(rc.feature_names_),
                                  "classes": [str(c) for c in rc.classes_]}
    cal = model.calibrator
    if cal is not None:
        meta["calibrator"] = {"params": cal.get_params(), "feature_names": list(cal.feature_names_),
                              "intercept": cal.intercept_}
    return meta


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return buf.getvalue()


def model_version(model: Model) -> str:
    """Content hash of what the model computes (arrays, names, threshold), not of its card."""
    h = hashlib.sha256(json.dumps(_meta(model), sort_keys=True, ensure_ascii=False).encode())
    for name, a in sorted(_arrays(model).items()):
        h.update(name.encode())
        h.update(np.ascontiguousarray(a).tobytes())
    return f"m{FORMAT_VERSION}-{h.hexdigest()[:12]}"


def save(model: Model, directory: str | Path) -> Path:
    """Write the model's three files into ``directory``; returns it. Sets ``model.version``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    model.version = model_version(model)
    meta = {**_meta(model), "version": model.version, "card": model.card}
    (directory / ARRAYS_FILE).write_bytes(_npz_bytes(_arrays(model)))
    (directory / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (directory / CARD_FILE).write_text(render_card(model), encoding="utf-8")
    return directory


# --------------------------------------------------------------------------- load


def load(directory: str | Path) -> Model:
    """Read a model directory; :class:`ModelVersionError` when it was made for another
    format or feature set, :class:`ModelError` when files are missing or damaged."""
    directory = Path(directory)
    meta_path, arrays_path = directory / META_FILE, directory / ARRAYS_FILE
    if not meta_path.is_file() or not arrays_path.is_file():
        raise ModelError(f"no model in {directory}: {META_FILE} and {ARRAYS_FILE} are needed")
    try:
        meta = read_object(meta_path, "model metadata")
    except ValueError as e:
        raise ModelError(str(e)) from e
    check_compatible(meta, directory)
    try:
        with np.load(arrays_path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError) as e:
        raise ModelError(f"cannot read {arrays_path}: {e}") from e
    try:
        model = Model(_row_classifier(meta, arrays), _calibrator(meta, arrays), float(meta["threshold"]),
                      meta.get("card") or {}, str(meta.get("version") or ""),
                      tuple(meta["calibrated_kinds"]))
    except (KeyError, TypeError, ValueError) as e:
        raise ModelError(f"model in {directory} is incomplete or damaged: {e!r}") from e
    if model.version != model_version(model):
        raise ModelError(f"model in {directory} does not match its version {model.version!r}: "
                         f"the files were changed or mixed; {RETRAIN_HINT}")
    return model


def check_compatible(meta: dict, where: str | Path = "") -> None:
    fmt, feats = meta.get("format"), meta.get("features")
    if fmt != FORMAT_VERSION:
        raise ModelVersionError(f"model in {where} has format {fmt!r}, this extractor reads format "
                                f"{FORMAT_VERSION}: {RETRAIN_HINT}")
    if feats != FEATURE_VERSION:
        raise ModelVersionError(f"model in {where} was trained on features {feats!r}, this extractor "
                                f"computes {FEATURE_VERSION!r}: {RETRAIN_HINT}")
    cal = meta.get("calibrator")
    if cal is not None and list(cal.get("feature_names") or []) != list(CAL_FEATURES):
        raise ModelVersionError(f"model in {where} has other calibration features than this extractor: "
                                f"{RETRAIN_HINT}")


def _row_classifier(meta: dict, arrays: dict) -> Optional[RowClassifier]:
    spec = meta.get("row_classifier")
    if spec is None:
        return None
    rc = RowClassifier(**spec["params"])
    rc.feature_names_ = list(spec["feature_names"])
    rc.vocabulary_ = {n: i for i, n in enumerate(rc.feature_names_)}
    rc.classes_ = np.asarray(spec["classes"])
    rc.coef_ = arrays["row_coef"]
    rc.intercept_ = arrays["row_intercept"]
    if rc.coef_.shape != (len(rc.classes_), len(rc.feature_names_)):
        raise ValueError(f"row_coef has shape {rc.coef_.shape}, expected "
                         f"{(len(rc.classes_), len(rc.feature_names_))}")
    return rc


def _calibrator(meta: dict, arrays: dict) -> Optional[FieldCalibrator]:
    spec = meta.get("calibrator")
    if spec is None:
        return None
    cal = FieldCalibrator(**spec["params"])
    cal.feature_names_ = list(spec["feature_names"])
    cal.coef_ = arrays["cal_coef"]
    cal.intercept_ = float(spec["intercept"])
    cal.iso_x_ = arrays["cal_iso_x"]
    cal.iso_y_ = arrays["cal_iso_y"]
    cal.classes_ = np.array([False, True])
    if cal.coef_.shape != (len(cal.feature_names_),):
        raise ValueError(f"cal_coef has shape {cal.coef_.shape}, expected {(len(cal.feature_names_),)}")
    return cal


def default_model_dir() -> Optional[Path]:
    """Where the default model is: ``$EXTRACTOR_MODEL`` or :data:`MODEL_DIR`; None when the
    variable says ``none`` (or ``off``, ``0``)."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env.lower() in ("none", "off", "0"):
        return None
    return Path(env) if env else MODEL_DIR


@lru_cache(maxsize=None)
def _load_cached(directory: str) -> Optional[Model]:
    path = Path(directory)
    if not (path / META_FILE).exists() and not (path / ARRAYS_FILE).exists():
        if os.environ.get(ENV_VAR, "").strip():
            raise ModelError(f"{ENV_VAR}={directory}: no model there")
        return None  # no shipped model: the hand-made scorer and confidence
    model = load(path)
    # what is loaded now (scikit-learn, SciPy, the model) lives as long as the process: keep
    # it out of the garbage collector's full passes, which otherwise rescan it again and again
    gc.freeze()
    return model


def default_model() -> Optional[Model]:
    """The default model, loaded on first use and kept for the process; None without one."""
    directory = default_model_dir()
    return None if directory is None else _load_cached(str(directory))


# --------------------------------------------------------------------------- card


def render_card(model: Model) -> str:
    """The model card as Markdown."""
    c = model.card or {}
    lines = [f"# Model card: extractor row model and field calibrator ({model.version})", ""]
    lines += [c.get("summary", "Learned row classifier and confidence calibrator of `extractor`."), ""]
    lines += ["## How it was built", "", f"- date: {c.get('date', '?')}",
              f"- command: `{c.get('command', 'extractor train')}`",
              f"- training time: {c.get('seconds', '?')} s on {c.get('jobs', '?')} process(es)", ""]
    lines += ["## Training data", ""]
    for k, v in (c.get("data") or {}).items():
        lines.append(f"- {k}: {v}")
    lines += ["", "## Model", "", f"- review threshold: {model.threshold:.6f} "
              f"(lowest confidence whose ok fields are ≥ {c.get('target_precision', '?')} right on the "
              "calibration documents)"]
    rc = model.row_classifier
    if rc is not None:
        lines.append(f"- row classifier: {len(rc.classes_)} classes, {len(rc.feature_names_)} features, "
                     f"parameters {rc.get_params()}")
    if model.calibrator is not None:
        lines.append(f"- calibrator: logistic regression over {len(model.calibrator.feature_names_)} evidence "
                     f"features + isotonic regression ({len(model.calibrator.iso_x_)} steps)")
    lines += ["", "## Metrics on held-out generated documents", ""]
    metrics = c.get("metrics") or {}
    if metrics:
        cols = ["documents", "accuracy", "ece", "ok_precision", "review_rate", "silent", "ok_fields"]
        lines += ["| set | " + " | ".join(cols) + " |", "|" + " --- |" * (len(cols) + 1)]
        for name, m in metrics.items():
            lines.append(f"| {name} | " + " | ".join(_fmt(m.get(k)) for k in cols) + " |")
    lines += ["", "## Library versions", ""]
    for k, v in (c.get("libraries") or {}).items():
        lines.append(f"- {k} {v}")
    lines += ["", "## Limits", ""]
    for note in c.get("limits") or []:
        lines.append(f"- {note}")
    return "\n".join(lines) + "\n"


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.5f}"
    return "—" if v is None else str(v)
