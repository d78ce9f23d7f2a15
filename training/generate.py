"""Generate labelled 政府信息公开工作年度报告 documents for training and evaluation.

Each document is one random report (agency, year, template, consistent table values,
printing choices) rendered in one input kind and one layout family, written to
``OUT/docs/<stem>.<ext>`` with its truth in ``OUT/truth/<stem>.json`` (the format of the
seed truth files plus ``kind``, ``family`` and ``rule_breaks``). The stem encodes index,
kind and family, e.g. ``g00042_pdf_vgroup``. Output depends only on the seed: document i
is drawn from its own random stream, so it is the same whatever ``n`` is.

    python -m training.generate --out DIR --n 300 --seed 1 [--kinds text pdf] [--families tabs ruled]

Scanned documents (kind ``scan``, :mod:`training.gen.scan`) are made only when asked for:
``--kinds scan`` or ``--families scan_noisy …``.

The held-out PDF families (``HELD_OUT_FAMILIES``, :mod:`training.gen.pdf_heldout`) are a
blind test of the PDF reader: they are made only when named with ``--families``, never by
default or by ``--kinds pdf``. So is the ``wording`` family (``NAMED_ONLY_FAMILIES``,
:mod:`training.gen.wording`): tab tables whose row labels are printed in an agency's own
words, for the held-out experiment of :mod:`training.experiments.heldout_family`; and the
``scan_pictures`` family (:mod:`training.gen.pictures`): born-digital PDFs whose tables are
pasted as pictures; the ``scan_miscoded`` family (:mod:`training.gen.miscoded`): born-digital
PDFs whose fonts map their characters to wrong ones; the ``scan_outlined`` family
(:mod:`training.gen.outlined`): born-digital PDFs whose tables, or whole pages, are drawn as
shapes; the ``html_pictures`` family
(:mod:`training.gen.html_pictures`): web pages whose tables are pictures; and the ``html_word`` family (:mod:`training.gen.html_word`): web pages
as Word, WPS and sites' content editors write them.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from .gen.document import build_blocks
from .gen.html_render import render_html
from .gen.html_word import render_html_word
from .gen.pdf_doc import render_pdf
from .gen.report import make_report
from .gen.scan import SCAN_FAMILIES, render_scan
from .gen.text_render import render_text
from .gen.truth import truth_dict, truth_json
from .gen.wording import add_subtotals, reword, shorten

# Layout family -> input kind. Family names are stable: evaluation holds families out by name.
FAMILIES: dict[str, str] = {
    "tabs": "text", "markdown": "text", "cells": "text", "layout": "text", "raw": "text", "crawler": "text",
    "html_table": "html", "html_word": "html", "html_pictures": "html",
    "ruled": "pdf", "borderless": "pdf", "partly_ruled": "pdf", "vgroup": "pdf", "multipage": "pdf",
    "landscape": "pdf",
    "cell_boxes": "pdf", "shaded": "pdf", "thick_frame": "pdf", "dense": "pdf", "split_header": "pdf",
    "label_right": "pdf", "wording": "text",
    **{f: "scan" for f in SCAN_FAMILIES}, "scan_pictures": "scan", "scan_miscoded": "scan",
    "scan_outlined": "scan",
}
EXTENSIONS = {"text": "txt", "html": "html", "pdf": "pdf", "scan": "pdf"}  # scans: pdf, tif, png or jpg
OPT_IN_KINDS = {"scan"}  # slow to read (OCR): generated only when asked for by kind or family
# PDF families the reader was never tuned on (a blind test): generated only when named
HELD_OUT_FAMILIES = ("cell_boxes", "shaded", "thick_frame", "dense", "split_header", "label_right")
# Families made only when named: the held-out PDF ones, the agency-wording text family,
# pictured tables, miscoded fonts, tables drawn as shapes, the web pages of Word, WPS and site editors, and web pages
# whose tables are pictures (slow to read: OCR)
NAMED_ONLY_FAMILIES = HELD_OUT_FAMILIES + ("wording", "scan_pictures", "scan_miscoded", "scan_outlined",
                                            "html_word", "html_pictures")
EMBEDDED_FONTS = 0.8  # share of PDFs whose fonts are embedded as subsets, as Word and WPS write them
# how a PDF with embedded fonts has its content streams written (see gen.pdf_writers), by
# weight; one with named fonts is written plainly (Word and WPS embed their fonts)
PDF_WRITERS = {"plain": 1, "wps": 1, "word": 1}
TEXT_ENCODINGS = {"utf-8": 75, "utf-8-sig": 5, "gb18030": 10, "utf-16": 10}


def select_families(kinds=None, families=None) -> list[str]:
    """The families to cycle through; unknown kind or family names are an error."""
    unknown_kinds = set(kinds or []) - set(EXTENSIONS)
    unknown_families = set(families or []) - set(FAMILIES)
    if unknown_kinds:
        raise ValueError(f"kinds: unknown {sorted(unknown_kinds)}; choose from {sorted(EXTENSIONS)}")
    if unknown_families:
        raise ValueError(f"families: unknown {sorted(unknown_families)}; choose from {list(FAMILIES)}")
    chosen = [f for f, k in FAMILIES.items()
              if (k in kinds if kinds else (families or k not in OPT_IN_KINDS))
              and (f in families if families else f not in NAMED_ONLY_FAMILIES)]
    if not chosen:
        kinds_of = ", ".join(f"{f} is {FAMILIES[f]}" for f in families or [])
        raise ValueError("kinds/families: the selection leaves no family to generate"
                         + (f" ({kinds_of})" if kinds_of else ""))
    return chosen


def encode_text(rng: random.Random, text: str) -> tuple[bytes, str]:
    encoding = rng.choices(list(TEXT_ENCODINGS), weights=list(TEXT_ENCODINGS.values()))[0]
    if rng.random() < 0.15:
        text = text.replace("\n", "\r\n")
    return text.encode(encoding), encoding


def encode_html(rng: random.Random, blocks) -> tuple[bytes, str]:
    charset = "gbk" if rng.random() < 0.15 else "utf-8"
    page = render_html(rng, blocks, charset)
    try:
        return page.encode(charset), charset
    except UnicodeEncodeError:
        return render_html(rng, blocks, "utf-8").encode("utf-8"), "utf-8"


def render(rng: random.Random, kind: str, family: str, blocks, agency: str = "",
           embed: bool = False, writer: str = "plain") -> tuple[bytes, list[str], str]:
    """The document's bytes, notes about how it was written, and its file extension
    (``embed``: a PDF's fonts are embedded; ``writer``: how its content is written)."""
    if family == "html_word":
        data, notes = render_html_word(rng, blocks, agency)
        return data, notes, EXTENSIONS[kind]
    if family == "html_pictures":
        from .gen.html_pictures import render_html_pictures
        return render_html_pictures(rng, blocks)
    if kind == "text":
        data, encoding = encode_text(rng, render_text(rng, family, blocks))
        return data, [f"encoding={encoding}"], EXTENSIONS[kind]
    if kind == "html":
        data, charset = encode_html(rng, blocks)
        return data, [f"encoding={charset}"], EXTENSIONS[kind]
    if kind == "scan":
        return render_scan(rng, family, blocks)
    notes = [f"fonts={'embedded' if embed else 'named'}", f"writer={writer}"]
    return render_pdf(rng, family, blocks, embed, writer), notes, EXTENSIONS[kind]


def generate_one(out_dir: Path, index: int, seed: int, family: str, writer: str | None = None) -> Path:
    """Write document ``index`` of ``seed`` in ``family`` and its truth; ``writer`` (a PDF's:
    plain, wps or word; WPS and Word embed their fonts) is drawn when not given."""
    rng = random.Random(seed * 1_000_003 + index)
    kind = FAMILIES[family]
    report = make_report(rng)
    if family == "wording":
        shorten(rng, report)
    blocks = build_blocks(rng, report)
    if family == "wording":
        reword(rng, report.template, report.style, [b.grid for b in blocks if b.grid is not None])
        for b in blocks:
            if b.grid is not None and b.grid.name == "requests":
                add_subtotals(rng, b.grid, report.printed.value)
    # drawn apart from the document's own random stream, which stays as it was
    embed = random.Random(f"fonts:{seed}:{index}").random() < EMBEDDED_FONTS
    if writer is None:
        writers = random.Random(f"writer:{seed}:{index}")
        writer = writers.choices(list(PDF_WRITERS), list(PDF_WRITERS.values()))[0] if embed else "plain"
    else:
        embed = embed or writer != "plain"
    data, notes, ext = render(rng, kind, family, blocks, report.agency, embed, writer)
    stem = f"g{index:05d}_{kind}_{family}"
    doc_path = out_dir / "docs" / f"{stem}.{ext}"
    doc_path.write_bytes(data)
    truth = truth_dict(report, doc_path.name, kind, family, notes)
    (out_dir / "truth" / f"{stem}.json").write_text(truth_json(truth), encoding="utf-8")
    return doc_path


def generate(out_dir, n: int, seed: int, kinds=None, families=None) -> list[Path]:
    """Write n documents and their truth under out_dir; return the document paths."""
    out_dir = Path(out_dir)
    chosen = select_families(kinds, families)
    (out_dir / "docs").mkdir(parents=True, exist_ok=True)
    (out_dir / "truth").mkdir(parents=True, exist_ok=True)
    return [generate_one(out_dir, i, seed, chosen[i % len(chosen)]) for i in range(n)]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m training.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path, help="output directory (docs/ and truth/ inside)")
    parser.add_argument("--n", type=int, default=100, help="number of documents")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--kinds", nargs="+", choices=sorted(EXTENSIONS), help="input kinds to generate")
    parser.add_argument("--families", nargs="+", choices=list(FAMILIES), help="layout families to generate")
    args = parser.parse_args(argv)
    try:
        select_families(args.kinds, args.families)
    except ValueError as e:
        parser.error(str(e))
    paths = generate(args.out, args.n, args.seed, args.kinds, args.families)
    print(f"wrote {len(paths)} documents to {args.out / 'docs'}")


if __name__ == "__main__":
    main()
