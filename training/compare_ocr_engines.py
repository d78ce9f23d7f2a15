"""Compare OCR engines on the same generated scan pages: table digits, labels, seconds.

Pages come from generated born-digital PDFs (so the truth of every word and its box is
the PDF's text layer), rasterised and degraded as :mod:`training.gen.scan` does, without
skew or turns so that the truth boxes stay where they were. For every truth word the OCR
items over it are joined; a number must come out exactly, a label is scored by character
accuracy (1 - edit distance / length).

    python -m training.compare_ocr_engines --pages 12 [--engines rapidocr tesseract]

Tesseract is called as the Debian ``tesseract`` program (``chi_sim``); rapidocr through
:mod:`extractor.ocr` (the engine the reader uses, bare: one call on the whole page).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass

import numpy as np
from extractor.mupdf import pymupdf
from rapidfuzz.distance import Levenshtein

from extractor.normalize import normalize_cell

from training.gen.document import build_blocks
from training.gen.pdf_doc import render_pdf
from training.gen.report import make_report
from training.gen.scan import Degrade, degrade, rasterise

_NUM = re.compile(r"^[\d.,]+$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Item:
    text: str
    box: tuple[float, float, float, float]
    conf: float


def _overlap(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(w, 0) * max(h, 0)


def _area(a) -> float:
    return max(a[2] - a[0], 0) * max(a[3] - a[1], 0) or 1.0


def pages(n: int, seed: int, noisy: bool):
    """(image, truth words in pixels) for n table pages of generated PDFs."""
    rng = random.Random(seed)
    out = []
    i = 0
    while len(out) < n:
        r = random.Random(seed * 7919 + i)
        i += 1
        report = make_report(r)
        blocks = build_blocks(r, report)
        family = r.choice(["ruled", "borderless", "partly_ruled", "vgroup"])
        pdf = render_pdf(r, family, blocks)
        with pymupdf.open(stream=pdf, filetype="pdf") as doc:
            for page in doc:
                words = page.get_text("words")
                if sum(bool(_NUM.match(w[4])) for w in words) < 20:
                    continue
                d = Degrade(dpi=rng.choice([150, 200]) if noisy else 200, blur=rng.uniform(0.3, 1.0) if noisy else 0,
                            noise=rng.uniform(4, 12) if noisy else 2, paper=rng.randint(220, 250),
                            ink=rng.randint(20, 70), jpeg=rng.randint(40, 75) if noisy else 90)
                img = degrade(rasterise(page, d.dpi), d, np.random.default_rng(i))
                import cv2
                ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, d.jpeg])
                img = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
                s = d.dpi / 72.0
                truth = [(w[4], (w[0] * s, w[1] * s, w[2] * s, w[3] * s)) for w in words]
                out.append((img, truth))
                if len(out) >= n:
                    break
    return out


def run_rapidocr(img: np.ndarray) -> list[Item]:
    """PP-OCRv4 as the reader runs it: detection, recognition, re-reading of unsure
    numbers (no orientation or skew: these pages are upright and straight)."""
    from extractor.ocr import engine
    from extractor.scanpage import detect, recognise
    eng = engine()
    return [Item(w.text, w.box, w.conf) for w in recognise(eng, img, detect(eng, img))]


def run_rapidocr_bare(img: np.ndarray) -> list[Item]:
    """PP-OCRv4 one call per page, as :meth:`extractor.ocr.Engine.page` runs it."""
    from extractor.ocr import engine
    return [Item(w.text, w.box, w.conf) for w in engine().page(img)]


def run_tesseract(img: np.ndarray, psm: int = 11) -> list[Item]:
    import cv2
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "p.png")
        cv2.imwrite(path, img)
        out = subprocess.run(["tesseract", path, "stdout", "-l", "chi_sim", "--psm", str(psm), "tsv"],
                             capture_output=True, text=True, check=True,
                             env={**os.environ, "OMP_THREAD_LIMIT": "2"}).stdout
    items = []
    for line in out.splitlines()[1:]:
        f = line.split("\t")
        if len(f) < 12 or not f[11].strip():
            continue
        x, y, w, h = map(float, f[6:10])
        items.append(Item(f[11].strip(), (x, y, x + w, y + h), max(float(f[10]), 0) / 100))
    return items


def score(items: list[Item], truth) -> dict:
    digits = digits_ok = 0
    chars = char_err = 0
    for text, box in truth:
        over = [it for it in items if _overlap(it.box, box) >= 0.5 * min(_area(it.box), _area(box))]
        got = "".join(it.text for it in sorted(over, key=lambda it: it.box[0])).replace(" ", "")
        if _NUM.match(text):
            got = normalize_cell(got)  # full-width digits are digits
        if _NUM.match(text):
            digits += 1
            digits_ok += got == text
        elif _CJK.search(text):
            chars += len(text)
            char_err += min(len(text), Levenshtein.distance(got, text))
    return {"digits": digits, "digits_ok": digits_ok, "chars": chars, "char_err": char_err}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=12)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--engines", nargs="+", default=["rapidocr", "tesseract"])
    args = ap.parse_args(argv)
    if "tesseract" in args.engines and not shutil.which("tesseract"):
        raise SystemExit("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)")
    runners = {"rapidocr": run_rapidocr, "rapidocr_bare": run_rapidocr_bare, "tesseract": run_tesseract,
               "tesseract_psm6": lambda im: run_tesseract(im, 6), "tesseract_psm3": lambda im: run_tesseract(im, 3)}
    if "rapidocr" in args.engines:
        run_rapidocr(np.full((64, 64), 255, np.uint8))  # load the models outside the timing
    for noisy in (False, True):
        data = pages(args.pages, args.seed, noisy)
        for name in args.engines:
            tot = {"digits": 0, "digits_ok": 0, "chars": 0, "char_err": 0}
            wall = cpu = 0.0
            for img, truth in data:
                t0, c0 = time.perf_counter(), time.process_time() + _child_cpu()
                items = runners[name](img)
                wall += time.perf_counter() - t0
                cpu += time.process_time() + _child_cpu() - c0
                for k, v in score(items, truth).items():
                    tot[k] += v
            print(f"{'noisy' if noisy else 'clean'} {name:15s} pages={len(data)} "
                  f"digits {tot['digits_ok']}/{tot['digits']} = {tot['digits_ok'] / max(tot['digits'], 1):.4f}  "
                  f"label chars {1 - tot['char_err'] / max(tot['chars'], 1):.4f}  "
                  f"s/page wall {wall / len(data):.2f} cpu {cpu / len(data):.2f}", flush=True)


def _child_cpu() -> float:
    t = os.times()
    return t.children_user + t.children_system


if __name__ == "__main__":
    main()
