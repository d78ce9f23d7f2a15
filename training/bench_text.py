"""Benchmark: median milliseconds per report for text and HTML inputs (one core).

    python -m training.bench_text [FILES_OR_DIRS ...]

Defaults to the seed reports in tests/data/seeds. Each file is extracted once to warm up,
then REPEATS times; the figure is the median over files of each file's median time.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from extractor.pipeline import extract

REPEATS = 7
ROOT = Path(__file__).resolve().parent.parent
TEXT_SUFFIXES = {".txt", ".md", ".html", ".htm"}


def files(args: list[str]) -> list[Path]:
    paths = [Path(a) for a in args] or [ROOT / "tests" / "data" / "seeds"]
    out: list[Path] = []
    for p in paths:
        out.extend(sorted(q for q in p.rglob("*") if q.suffix in TEXT_SUFFIXES) if p.is_dir() else [p])
    return out


def main(args: list[str]) -> None:
    per_file = []
    docs = files(args)
    for p in docs:
        extract(p)
        times = []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            extract(p)
            times.append((time.perf_counter() - t0) * 1000)
        per_file.append(statistics.median(times))
    print(f"reports: {len(docs)}")
    print(f"median ms per report: {statistics.median(per_file):.1f}")
    print(f"p90 ms per report: {sorted(per_file)[int(0.9 * (len(per_file) - 1))]:.1f}")
    print("goal: <= 10 ms per report on one core")


if __name__ == "__main__":
    main(sys.argv[1:])
