"""Evaluate extraction on scanned documents with the OCR reader wired in.

Until :func:`extractor.readers.read` dispatches images to
:func:`extractor.readers.image.read_image` and passes PDFs with ``needs_ocr`` pages
through :func:`extractor.readers.image.ocr_pdf`, this script wires both for the run
(:func:`wire_ocr`) and then runs ``extractor eval``'s scoring:

    python -m training.generate --out /tmp/scans --n 100 --seed 11 --kinds scan
    python -m training.eval_scans /tmp/scans/docs /tmp/scans/truth [--json out.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def read_with_ocr(path, max_text_bytes=None):
    """:func:`extractor.readers.read` with images and scanned PDF pages read by OCR."""
    from extractor import readers
    from extractor.readers.image import ocr_pdf, read_image
    p = Path(path)
    if p.is_file():
        with p.open("rb") as f:
            head = f.read(8192)
        kind = readers.sniff(head)
        if kind == "image":
            return read_image(p)
        if kind == "pdf":
            from extractor.readers.pdf import read_pdf
            return ocr_pdf(read_pdf(p))
    kw = {} if max_text_bytes is None else {"max_text_bytes": max_text_bytes}
    return _ORIGINAL(path, **kw)


_ORIGINAL = None


def wire_ocr() -> None:
    """Make the pipeline read through :func:`read_with_ocr` (idempotent)."""
    global _ORIGINAL
    import extractor.pipeline as pipeline
    if _ORIGINAL is None:
        _ORIGINAL = pipeline.read
        pipeline.read = read_with_ocr


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("docs", type=Path)
    ap.add_argument("truth", type=Path)
    ap.add_argument("--json", type=Path, help="write the report as JSON here")
    ap.add_argument("--family", nargs="*", help="only these families")
    args = ap.parse_args(argv)
    wire_ocr()
    from extractor.evaluate import evaluate, print_report
    report = evaluate(args.docs, args.truth, families=args.family)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
