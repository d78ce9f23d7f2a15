"""Offline Chinese OCR: PP-OCRv4 detection and recognition on ONNX Runtime, CPU only.

The models are the ones shipped inside the ``rapidocr-onnxruntime`` wheel (PP-OCRv4
Chinese det + rec, about 16 MB); nothing is downloaded at run time. Only the model files,
the character list stored in the recognition model and rapidocr's DB post-processing
(box extraction from the detection map) are used: pre-processing, batching and CTC
decoding are ours, because the reader needs what rapidocr's pipeline throws away —
the probability of every character, the runner-up character at each position (to judge
digit confusions), and where each character sits in its box (for table columns).

The engine is loaded lazily, once per process (:func:`engine`); loading takes under a
second. Threads: ONNX Runtime's intra-op pool is capped at :data:`THREADS` (two, or one
on a one-core machine; the ``EXTRACTOR_OCR_THREADS`` environment variable overrides it)
and does not spin: on a machine whose cores are shared, spinning threads burned CPU time
waiting (measured: two spinning threads slower than one non-spinning thread there).

Why this engine and not Tesseract ``chi_sim``: see ``training/compare_ocr_engines.py``
and the figures in the reader's notes (:mod:`extractor.readers.image`): on the same
generated scan pages PP-OCRv4 read table digits and labels far better, and Tesseract
splits CJK labels into single characters and drops lone digits in cells.
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from .errors import ExtractorError

THREADS = int(os.environ.get("EXTRACTOR_OCR_THREADS", "0") or 0) or min(2, os.cpu_count() or 1)
REC_HEIGHT = 48  # the recognition model's input height
REC_BATCH = 8  # crops recognised in one run (sorted by width, padded to the widest)
# narrower crops are padded to this width (as the model was trained): a lone digit read
# without room around it comes out as "o" or "○" far more often
REC_MIN_WIDTH = 320
DET_MAX_SIDE = 2000  # the detector sees the page scaled to at most this many pixels
DET_MIN_SIDE = 736
DET_BOX_THRESH = 0.3  # mean text probability a detected box must reach
CTC_STRIDE = 8  # input pixels per output step of the recognition model


class OcrUnavailable(ExtractorError):
    """The OCR engine (package rapidocr-onnxruntime) is not installed."""


@dataclass(frozen=True)
class Word:
    """One detected text box and what was read in it.

    ``box`` is the axis-aligned box (x0, y0, x1, y1) in pixels of the image given to
    :meth:`Engine.page`; ``quad`` the detected quadrilateral. ``probs`` holds the
    probability of each character of ``text``; ``alts`` the runner-up character at that
    position ('' when nothing came close) and ``alt_probs`` its probability; ``xs`` the
    centre of each character as a share (0..1) of the box width.
    """

    text: str
    box: tuple[float, float, float, float]
    conf: float
    probs: tuple[float, ...] = ()
    alts: tuple[str, ...] = ()
    alt_probs: tuple[float, ...] = ()
    xs: tuple[float, ...] = ()
    quad: Optional[tuple[tuple[float, float], ...]] = None


@dataclass(frozen=True)
class Reading:
    """What the recognizer read in one crop (see :class:`Word`)."""

    text: str
    conf: float
    probs: tuple[float, ...]
    alts: tuple[str, ...]
    alt_probs: tuple[float, ...]
    xs: tuple[float, ...]


def _model_dir() -> Path:
    try:
        import rapidocr_onnxruntime
    except ImportError as e:  # pragma: no cover - depends on the installation
        raise OcrUnavailable("OCR needs the package rapidocr-onnxruntime "
                             "(pip install rapidocr-onnxruntime)") from e
    return Path(rapidocr_onnxruntime.__file__).resolve().parent / "models"


class Engine:
    """PP-OCRv4 detector and recognizer sessions (CPU)."""

    def __init__(self, threads: int = THREADS):
        import onnxruntime as ort
        from rapidocr_onnxruntime.ch_ppocr_det.utils import DBPostProcess
        models = _model_dir()
        opts = ort.SessionOptions()
        opts.log_severity_level = 4
        opts.intra_op_num_threads = max(1, threads)
        opts.inter_op_num_threads = 1
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")  # shared cores
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        cpu = ["CPUExecutionProvider"]
        self.det = ort.InferenceSession(str(models / "ch_PP-OCRv4_det_infer.onnx"), opts, providers=cpu)
        self.rec = ort.InferenceSession(str(models / "ch_PP-OCRv4_rec_infer.onnx"), opts, providers=cpu)
        chars = self.rec.get_modelmeta().custom_metadata_map["character"].splitlines()
        self.chars = ["<blank>"] + chars + [" "]
        # box_thresh 0.3 (rapidocr: 0.5) and no minimum side: a lone thin "1" in a table
        # cell scores low and is narrow, and a missed digit is a blank cell
        self.post = DBPostProcess(thresh=0.3, box_thresh=DET_BOX_THRESH, max_candidates=3000,
                                  unclip_ratio=1.6, use_dilation=True, score_mode="fast")
        self.post.min_size = 1

    # ------------------------------------------------------------------ detection

    def detect(self, img: np.ndarray, max_side: int = DET_MAX_SIDE) -> list[np.ndarray]:
        """Text boxes of a page image (grey or BGR): quads (4×2, pixels), top to bottom."""
        import cv2
        bgr = _bgr(img)
        h, w = bgr.shape[:2]
        scale = min(1.0, max_side / max(h, w))
        if min(h, w) * scale < DET_MIN_SIDE and max(h, w) * scale < max_side:
            scale = min(max_side / max(h, w), DET_MIN_SIDE / min(h, w))
        rh, rw = max(32, int(round(h * scale / 32)) * 32), max(32, int(round(w * scale / 32)) * 32)
        small = cv2.resize(bgr, (rw, rh))
        x = (small.astype(np.float32) / 255.0 - 0.5) / 0.5
        x = x.transpose(2, 0, 1)[None]
        pred = self.det.run(None, {self.det.get_inputs()[0].name: x})[0]
        boxes, _ = self.post(pred, (h, w))
        out = [np.asarray(b, dtype=np.float32) for b in boxes if _quad_ok(b)]
        out.sort(key=lambda q: (q[:, 1].min(), q[:, 0].min()))
        return out

    # ---------------------------------------------------------------- recognition

    def recognize(self, crops: Sequence[np.ndarray]) -> list[Reading]:
        """Read each crop (a text line, upright, grey or BGR)."""
        import cv2
        out: list[Optional[Reading]] = [None] * len(crops)
        ratios = [c.shape[1] / max(c.shape[0], 1) for c in crops]
        order = sorted(range(len(crops)), key=lambda i: ratios[i])
        for k in range(0, len(order), REC_BATCH):
            idx = order[k:k + REC_BATCH]
            width = max(int(math.ceil(REC_HEIGHT * max(ratios[i] for i in idx))), REC_MIN_WIDTH)
            width = int(math.ceil(width / CTC_STRIDE)) * CTC_STRIDE
            batch = np.zeros((len(idx), 3, REC_HEIGHT, width), dtype=np.float32)
            widths = []
            for j, i in enumerate(idx):
                c = _bgr(crops[i])
                rw = max(1, min(width, int(math.ceil(REC_HEIGHT * ratios[i]))))
                r = cv2.resize(c, (rw, REC_HEIGHT)).astype(np.float32)
                batch[j, :, :, :rw] = ((r / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)
                widths.append(rw)
            preds = self.rec.run(None, {self.rec.get_inputs()[0].name: batch})[0]
            for j, i in enumerate(idx):
                out[i] = self._decode(preds[j], widths[j] / width)
        return out  # type: ignore[return-value]

    def _decode(self, p: np.ndarray, used: float) -> Reading:
        """Greedy CTC decoding with per-character probability, runner-up and position."""
        steps = p.shape[0]
        best = p.argmax(axis=1)
        text, probs, alts, alt_probs, xs = [], [], [], [], []
        prev = 0
        start = 0
        for t in range(steps):
            k = int(best[t])
            if k != prev and k != 0:
                start = t
                text.append(self.chars[k])
                probs.append(float(p[t, k]))
                row = p[t].copy()
                row[k] = 0.0
                row[0] = 0.0
                a = int(row.argmax())
                alts.append(self.chars[a] if row[a] >= 0.01 else "")
                alt_probs.append(float(row[a]))
                xs.append(min(1.0, (t + 0.5) / steps / max(used, 1e-6)))
            elif k == prev and k != 0 and probs:
                # the same character held over several steps: keep its best probability
                if p[t, k] > probs[-1]:
                    probs[-1] = float(p[t, k])
                xs[-1] = min(1.0, ((start + t) / 2 + 0.5) / steps / max(used, 1e-6))
            prev = k
        conf = float(np.mean(probs)) if probs else 0.0
        return Reading("".join(text), conf, tuple(probs), tuple(alts), tuple(alt_probs), tuple(xs))

    # ------------------------------------------------------------------------ page

    def page(self, img: np.ndarray) -> list[Word]:
        """Detect and read every text box of an upright page image."""
        quads = self.detect(img)
        crops = [crop_quad(img, q) for q in quads]
        readings = self.recognize(crops)
        return [word_of(q, r) for q, r in zip(quads, readings) if r.text.strip()]


def word_of(q: np.ndarray, r: Reading) -> Word:
    x0, y0 = float(q[:, 0].min()), float(q[:, 1].min())
    x1, y1 = float(q[:, 0].max()), float(q[:, 1].max())
    return Word(r.text, (x0, y0, x1, y1), r.conf, r.probs, r.alts, r.alt_probs, r.xs,
                tuple((float(a), float(b)) for a, b in q))


def _quad_ok(b: np.ndarray) -> bool:
    b = np.asarray(b)
    return float(np.linalg.norm(b[0] - b[1])) > 3 and float(np.linalg.norm(b[0] - b[3])) > 3


def _bgr(img: np.ndarray) -> np.ndarray:
    if img.ndim == 2:
        return np.repeat(img[:, :, None], 3, axis=2)
    if img.shape[2] == 4:
        return np.ascontiguousarray(img[:, :, :3])
    return img


def crop_quad(img: np.ndarray, q: np.ndarray, turn: bool = True) -> np.ndarray:
    """The text line inside quad ``q`` (clockwise from top-left), straightened; upright
    text (:func:`read_turned`) is turned to be read, unless ``turn`` is False (a box made
    larger than the detector drew it, whose shape says nothing of the text's way)."""
    import cv2
    q = np.asarray(q, dtype=np.float32)
    w, h = crop_size(q)
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(q, dst)
    out = cv2.warpPerspective(img, m, (w, h), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)
    if turn and read_turned(q):  # vertical text: read it turned (as rapidocr does)
        out = np.rot90(out)
    return out


def crop_size(q: np.ndarray) -> tuple[int, int]:
    """Width and height (pixels) of the straightened crop of quad ``q``."""
    w = int(max(np.linalg.norm(q[0] - q[1]), np.linalg.norm(q[2] - q[3])))
    h = int(max(np.linalg.norm(q[0] - q[3]), np.linalg.norm(q[1] - q[2])))
    return max(w, 1), max(h, 1)


def read_turned(q: np.ndarray) -> bool:
    """Is quad ``q`` upright text, which :func:`crop_quad` turns before it is read?"""
    w, h = crop_size(np.asarray(q, dtype=np.float32))
    return h >= 1.5 * w


_ENGINE: Optional[Engine] = None
_LOCK = threading.Lock()


def engine() -> Engine:
    """The process's OCR engine, loaded on first use."""
    global _ENGINE
    if _ENGINE is None:
        with _LOCK:
            if _ENGINE is None:
                _ENGINE = Engine()
    return _ENGINE


def available() -> bool:
    """Is the OCR engine installed?"""
    try:
        _model_dir()
        return True
    except OcrUnavailable:
        return False
