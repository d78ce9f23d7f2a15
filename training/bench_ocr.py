"""Seconds per page: the whole extraction of scanned documents against the bare OCR call.

On the same generated scans (``training.generate --kinds scan``), page by page:

- **bare OCR**: ``rapidocr_onnxruntime.RapidOCR()(image)``, the package's own one-call
  pipeline (detection, direction classifier, recognition), on the page image our reader
  works on (the PDF page rendered at the scan's resolution, or the image file's frame);
- **engine**: :meth:`extractor.ocr.Engine.page` (our detection + recognition, no layout);
- **extraction**: :func:`extractor.pipeline.extract` of the whole document, divided by
  its pages: rendering, OCR,
  orientation, skew, re-reading of unsure numbers, rules, layout, and every stage after
  the reader.

Our overhead is extraction / bare OCR - 1 (the goal is at most 15 %). Both wall and CPU
seconds are printed: on shared cores the wall clock of one run says little.

    python -m training.bench_ocr --n 4 --seed 5 [--families scan_clean scan_noisy]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def page_images(path: Path):
    """The page images the reader OCRs (grey), one per page."""
    from extractor.readers import sniff
    from extractor.readers.image import load_frames, render_page
    head = path.read_bytes()[:8192]
    if sniff(head) == "image":
        return [img for img, _ in load_frames(str(path))]
    from extractor.mupdf import pymupdf
    with pymupdf.open(path) as doc:
        return [render_page(p)[0] for p in doc]


def timed(fn, *args):
    w, c = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, time.perf_counter() - w, time.process_time() - c


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=4, help="documents to generate")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--families", nargs="*", default=None)
    ap.add_argument("--docs", type=Path, help="use these documents instead of generating")
    args = ap.parse_args(argv)
    from training.generate import generate
    from extractor.ocr import engine
    from extractor.pipeline import extract
    from rapidocr_onnxruntime import RapidOCR
    bare = RapidOCR()
    engine()  # load outside the timings, and the row model and calibrator too:
    extract(str(Path(__file__).resolve().parent.parent / "samples" / "report_2021_markdown.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        if args.docs:
            paths = sorted(p for p in args.docs.iterdir() if p.is_file())
        else:
            paths = generate(tmp, args.n, args.seed, kinds=["scan"], families=args.families)
        rows = []
        for path in paths:
            imgs = page_images(path)
            b = e = 0.0
            bc = ec = 0.0
            for img in imgs:
                _, w, c = timed(bare, img)
                b, bc = b + w, bc + c
                _, w, c = timed(engine().page, img)
                e, ec = e + w, ec + c
            _, x, xc = timed(extract, str(path))
            n = len(imgs)
            rows.append((path.name, n, b / n, e / n, x / n, bc / n, ec / n, xc / n))
            print(f"{path.name:40s} pages={n}  s/page wall: bare {b / n:6.2f}  engine {e / n:6.2f}  "
                  f"extraction {x / n:6.2f}   cpu: bare {bc / n:6.2f}  engine {ec / n:6.2f}  "
                  f"extraction {xc / n:6.2f}", flush=True)
    pages = sum(r[1] for r in rows)
    tot = [sum(r[i] * r[1] for r in rows) / pages for i in range(2, 8)]
    print(f"\n{len(rows)} documents, {pages} pages; mean s/page wall: bare OCR {tot[0]:.2f}, "
          f"engine {tot[1]:.2f}, whole extraction {tot[2]:.2f} (overhead {tot[2] / tot[0] - 1:+.1%}); "
          f"cpu: bare {tot[3]:.2f}, engine {tot[4]:.2f}, extraction {tot[5]:.2f} "
          f"(overhead {tot[5] / tot[3] - 1:+.1%})")
    print("median extraction/bare (cpu) per document:",
          f"{statistics.median(r[7] / r[5] for r in rows):.2f}")


if __name__ == "__main__":
    main()
