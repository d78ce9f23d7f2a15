"""Benchmark: PDF extraction against its floor and against camelot, on the same PDFs.

    python -m training.bench_pdf [PDF_OR_DIR ...] [--repeat N] [--no-camelot] [--against CHECKOUT]

Defaults to the real sample plus 12 generated PDFs (made on the fly, seeded: every layout
family twice; four written as WPS writes them, four as Word does, with their fonts embedded as
subsets as both do, and four plainly, as a PDF library writes them, most of those with
embedded fonts too: see ``training/gen/pdf_writers.py``). For each
PDF it measures CPU milliseconds per page, opening the file afresh every round, for:

- ours: the whole extraction (:func:`extractor.pipeline.extract`), reader to fields;
- reader: our PDF reader alone (words, rules, grids);
- floor: pymupdf's bare ``page.get_text("words")``;
- camelot: ``camelot.read_pdf(flavor="lattice", pages="all")`` (if installed);
- against (``--against CHECKOUT``): the whole extraction of another checkout of this project
  (its ``extractor`` package and ``models``, loaded beside ours under another name), to tell
  what a change gains: the clock drifts too much between two runs to show a few percent.

It prints each PDF's figures, the median over PDFs of each, and the ratios the goals speak of:
ours ≤ 10 ms per page, ≤ 5× the floor, ≥ 30× faster than camelot lattice; and, for generated
PDFs (a truth file beside their folder tells how each was written), the ratio by writer.
CPU time, not wall time, so other processes on the machine blur the figures less. The
runs are interleaved (each round runs every method on a PDF in turn, in the reverse order
every other round), so a machine that slows down or speeds up during the benchmark shifts
every method alike, not the ratio.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

from extractor.evaluate import pdf_writer
from extractor.mupdf import pymupdf

from extractor.pipeline import extract
from extractor.readers.pdf import read_pdf

ROOT = Path(__file__).resolve().parent.parent


def _pages(path: Path) -> int:
    with pymupdf.open(path) as doc:
        return doc.page_count


def floor(path: Path) -> None:
    with pymupdf.open(path) as doc:
        for page in doc:
            page.get_text("words")


def camelot_lattice(path: Path) -> None:
    import camelot
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        camelot.read_pdf(str(path), flavor="lattice", pages="all")


def cpu_ms(fn, path: Path) -> float:
    t0 = time.process_time()
    fn(path)
    return (time.process_time() - t0) * 1000


def ms_per_page(runs: dict, path: Path, repeat: int) -> dict[str, float]:
    """Median CPU ms per page of each run on ``path``, after one run of each to warm up, the
    runs interleaved round by round (camelot, much the slowest, is timed in the first only)."""
    for fn in runs.values():
        fn(path)  # warm up
    times: dict[str, list[float]] = {name: [] for name in runs}
    for k in range(repeat):
        for name, fn in (runs.items() if k % 2 == 0 else reversed(runs.items())):
            if name != "camelot" or k == 0:
                times[name].append(cpu_ms(fn, path))
    pages = _pages(path)
    return {name: statistics.median(v) / pages for name, v in times.items()}


def other_extract(checkout: Path, tmp: Path):
    """``extract`` of another checkout of this project: its ``extractor`` package copied into
    ``tmp`` as ``extractor_against`` with its ``models`` beside it (where the package looks
    for them), and imported (the package imports itself by relative imports only)."""
    if not (checkout / "extractor" / "pipeline.py").is_file():
        raise SystemExit(f"--against {checkout}: no extractor/pipeline.py there")
    root = tmp / "against"
    shutil.copytree(checkout / "extractor", root / "extractor_against")
    if (checkout / "models").is_dir():
        shutil.copytree(checkout / "models", root / "models")
    sys.path.insert(0, str(root))
    return importlib.import_module("extractor_against.pipeline").extract


def default_pdfs(tmp: Path) -> list[Path]:
    """The real sample and 12 generated PDFs: each layout family twice, four PDFs written as
    each writer writes them (plain, WPS, Word), each family by two of them."""
    from training.generate import PDF_WRITERS, generate_one, select_families
    families, writers = select_families(kinds=["pdf"]), list(PDF_WRITERS)
    (tmp / "docs").mkdir(parents=True, exist_ok=True)
    (tmp / "truth").mkdir(parents=True, exist_ok=True)
    made = [generate_one(tmp, i, 4242, families[i % len(families)], writers[(i + i // len(families)) % len(writers)])
            for i in range(2 * len(families))]
    return [ROOT / "tests" / "data" / "real" / "101.pdf", *made]


def writer_of(path: Path) -> str:
    """How a generated PDF was written (its truth file's ``writer=`` note), else "other"."""
    truth = path.parent.parent / "truth" / (path.stem + ".json")
    try:
        return pdf_writer(json.loads(truth.read_text(encoding="utf-8"))) or "other"
    except (OSError, ValueError):
        return "other"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path,
                    help="PDFs, or folders of PDFs (default: the real sample and 12 generated PDFs)")
    ap.add_argument("--repeat", type=int, default=9, help="rounds per PDF (default 9)")
    ap.add_argument("--no-camelot", action="store_true",
                    help="leave out camelot's lattice mode (about half a second a page)")
    ap.add_argument("--against", type=Path, metavar="CHECKOUT",
                    help="also time another checkout of this project (a git worktree at another "
                         "commit, say) in the same rounds, and print ours / against")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = [q for p in args.paths for q in (sorted(p.glob("*.pdf")) if p.is_dir() else [p])] \
            or default_pdfs(Path(tmp))
        runs = {"ours": lambda p: extract(p), "reader": read_pdf, "floor": floor}
        if args.against:
            runs["against"] = other_extract(args.against.resolve(), Path(tmp))
        if not args.no_camelot:
            if importlib.util.find_spec("camelot") is None:
                print("camelot is not installed: no camelot figures (pip install camelot-py, or --no-camelot)")
            else:
                runs["camelot"] = camelot_lattice
        per_pdf = [ms_per_page(runs, p, args.repeat) for p in pdfs]
        figures = {name: [f[name] for f in per_pdf] for name in runs}
        pages = sum(_pages(p) for p in pdfs)
        writers = [writer_of(p) for p in pdfs]  # while the generated ones' truth is there
    med = {name: statistics.median(v) for name, v in figures.items()}
    print("CPU ms per page, by PDF (ours / floor: the ratio for that PDF alone)")
    for k, p in enumerate(pdfs):
        ours, flo = figures["ours"][k], figures["floor"][k]
        print(f"  {p.name[:40]:40s} ours {ours:6.2f}  floor {flo:5.2f}  {ours / flo:4.1f}x")
    print(f"PDFs: {len(pdfs)}, pages: {pages}")
    for name, v in med.items():
        print(f"median CPU ms per page, {name:8s}: {v:8.2f}")
    groups: dict[str, list[int]] = {}
    for k, writer in enumerate(writers):
        groups.setdefault(writer, []).append(k)
    if len(groups) > 1:
        for writer, ks in sorted(groups.items()):
            ours = statistics.median(figures["ours"][k] for k in ks)
            print(f"  written by {writer:6s} ({len(ks):2d} PDFs): ours / floor "
                  f"{ours / statistics.median(figures['floor'][k] for k in ks):.1f}x")
    print(f"ours / floor: {med['ours'] / med['floor']:.1f}x (goal <= 5x)")
    if "camelot" in med:
        print(f"camelot / ours: {med['camelot'] / med['ours']:.0f}x faster (goal >= 30x)")
    if "against" in med:
        ratios = [o / a for o, a in zip(figures["ours"], figures["against"])]
        print(f"ours / against: {statistics.median(ratios):.3f} (median over PDFs; "
              f"{min(ratios):.3f}-{max(ratios):.3f})")
    print("goal: ours <= 10 ms per page")


if __name__ == "__main__":
    main()
