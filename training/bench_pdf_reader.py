"""Time the PDF reader against bare ``page.get_text("words")`` on the same pages.

Usage: python training/bench_pdf_reader.py [PDF ...] [--repeat N]

Both timings open the document afresh each round (fonts are parsed per document), on one
core, and report milliseconds of CPU time per page (median of the rounds; CPU time, not
wall time, so that other processes on the machine do not blur the figures).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pymupdf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.readers.pdf import read_pdf  # noqa: E402

DEFAULT = [ROOT / "tests" / "data" / "real" / "101.pdf"]


def bare_words(path: Path) -> int:
    with pymupdf.open(path) as doc:
        for page in doc:
            page.get_text("words")
        return doc.page_count


def ours(path: Path) -> int:
    return read_pdf(path).pages


def per_page(fn, path: Path, repeat: int) -> float:
    fn(path)  # warm up
    times = []
    for _ in range(repeat):
        t = time.process_time()
        n = fn(path)
        times.append((time.process_time() - t) / n * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    print(f"{'file':40} {'pages':>5} {'ours ms/p':>10} {'words ms/p':>11}")
    for p in args.pdfs:
        with pymupdf.open(p) as d:
            n = d.page_count
        a = per_page(ours, p, args.repeat)
        b = per_page(bare_words, p, args.repeat)
        print(f"{p.name:40} {n:5d} {a:10.2f} {b:11.2f}")


if __name__ == "__main__":
    main()
