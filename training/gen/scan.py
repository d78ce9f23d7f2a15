"""Scanned variants of generated reports: the born-digital PDF rasterised and degraded.

A report is first rendered as a PDF of one of the PDF layout families (ruled, borderless,
partly ruled, vgroup, multipage, landscape; the choice is recorded in the notes), then
every page is rasterised with pymupdf and put through what scanning does to paper:
resolution, grey paper and ink, blur, noise and specks, a little skew, JPEG artefacts,
and in some families a whole page turned by 90 or 180 degrees. The truth is the truth of
the underlying report: every printed value is still printed, only harder to read.

Families (kind ``scan``):

- ``scan_clean``: 200–300 dpi, light noise, pages as JPEG images in a PDF;
- ``scan_noisy``: 150–200 dpi, blur, noise, specks, skew up to 2°, strong JPEG;
- ``scan_rotated``: as noisy but gentler, some pages turned 90° (landscape pages scanned
  upright) or 180° (fed upside down), in a PDF;
- ``scan_tiff``: bilevel fax-like pages (thresholded, Group 4) in a multi-page TIFF;
- ``scan_long``: all pages stacked into one long JPEG or PNG (as reports are posted on
  the web as one long picture);
- ``scan_pictures`` (made only when named): a born-digital PDF whose tables are pasted as
  pictures, the prose left as text (:mod:`training.gen.pictures`);
- ``scan_miscoded`` (made only when named): a born-digital PDF whose fonts map their
  characters to wrong ones, so that only the rendered pages read right
  (:mod:`training.gen.miscoded`);
- ``scan_outlined`` (made only when named): a born-digital PDF whose tables, or whole
  pages, are drawn as shapes, not text (:mod:`training.gen.outlined`).

Degradation is driven by a numpy generator seeded from the document's own random stream,
so output depends only on the seed.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import numpy as np
from extractor.mupdf import pymupdf

from .document import Block
from .pdf_doc import render_pdf

PDF_FAMILIES = ["ruled", "ruled", "borderless", "partly_ruled", "vgroup", "multipage", "landscape"]
SCAN_FAMILIES = ["scan_clean", "scan_noisy", "scan_rotated", "scan_tiff", "scan_long"]


@dataclass
class Degrade:
    """How one page is scanned."""

    dpi: int
    skew: float = 0.0  # degrees, counter-clockwise
    turn: int = 0  # 0, 90, 180, 270: the whole page turned
    blur: float = 0.0  # Gaussian sigma in pixels
    noise: float = 0.0  # standard deviation of the grey noise
    specks: float = 0.0  # share of pixels hit by dust
    paper: int = 250  # grey of the paper
    ink: int = 20  # grey of the ink
    jpeg: int = 0  # JPEG quality (0: lossless)
    bilevel: bool = False


def plan(rng: random.Random, family: str) -> Degrade:
    """Scanning parameters of one page of ``family``."""
    if family == "scan_clean":
        return Degrade(dpi=rng.choice([200, 240, 300]), skew=rng.uniform(-0.4, 0.4),
                       noise=rng.uniform(0, 4), paper=rng.randint(240, 255), ink=rng.randint(0, 40),
                       jpeg=rng.randint(80, 95))
    if family == "scan_noisy":
        return Degrade(dpi=rng.choice([150, 180, 200]), skew=rng.uniform(-2.0, 2.0),
                       blur=rng.uniform(0.3, 1.1), noise=rng.uniform(4, 14), specks=rng.uniform(0, 0.002),
                       paper=rng.randint(215, 250), ink=rng.randint(20, 80), jpeg=rng.randint(35, 75))
    if family == "scan_rotated":
        turn = rng.choices([0, 90, 180, 270], weights=[2, 1, 1, 1])[0]
        return Degrade(dpi=rng.choice([200, 240]), skew=rng.uniform(-1.0, 1.0), turn=turn,
                       blur=rng.uniform(0, 0.6), noise=rng.uniform(2, 8), paper=rng.randint(230, 252),
                       ink=rng.randint(10, 50), jpeg=rng.randint(60, 90))
    if family == "scan_tiff":
        return Degrade(dpi=rng.choice([200, 240, 300]), skew=rng.uniform(-1.0, 1.0),
                       blur=rng.uniform(0, 0.5), noise=rng.uniform(0, 10), bilevel=True)
    if family == "scan_long":
        return Degrade(dpi=rng.choice([150, 180, 200]), skew=0.0, blur=rng.uniform(0, 0.5),
                       noise=rng.uniform(0, 3), paper=rng.randint(245, 255), ink=rng.randint(0, 30),
                       jpeg=rng.choice([0, rng.randint(70, 92)]))
    raise ValueError(f"unknown scan family {family!r}")


def rasterise(page: pymupdf.Page, dpi: int) -> np.ndarray:
    """A page as a grey image (uint8, paper white)."""
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
    return np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width).copy()


def degrade(img: np.ndarray, d: Degrade, nrng: np.random.Generator) -> np.ndarray:
    """Apply the scan's defects to a clean grey page image."""
    import cv2
    # ink and paper greys
    f = img.astype(np.float32) / 255.0
    f = d.ink + (d.paper - d.ink) * f
    if d.skew:
        h, w = f.shape
        m = cv2.getRotationMatrix2D((w / 2, h / 2), d.skew, 1.0)
        f = cv2.warpAffine(f, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                           borderValue=float(d.paper))
    if d.blur > 0:
        f = cv2.GaussianBlur(f, (0, 0), d.blur)
    if d.noise > 0:
        f = f + nrng.normal(0, d.noise, f.shape).astype(np.float32)
    if d.specks > 0:
        hit = nrng.random(f.shape) < d.specks
        f[hit] = d.ink
    out = np.clip(f, 0, 255).astype(np.uint8)
    if d.bilevel:
        out = np.where(out < 150, 0, 255).astype(np.uint8)
    if d.turn:
        out = np.ascontiguousarray(np.rot90(out, k=d.turn // 90))
    return out  # JPEG artefacts come from the container (see image_pdf, long_image)


def scan_pages(rng: random.Random, pdf: bytes, family: str) -> list[tuple[np.ndarray, Degrade]]:
    """Every page of ``pdf`` scanned the way ``family`` scans."""
    nrng = np.random.default_rng(rng.randrange(2**32))
    out = []
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        for page in doc:
            d = plan(rng, family)
            out.append((degrade(rasterise(page, d.dpi), d, nrng), d))
    return out


def _jpeg(img: np.ndarray, quality: int) -> bytes:
    import cv2
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality or 92])
    return buf.tobytes()


def image_pdf(pages: list[tuple[np.ndarray, Degrade]]) -> bytes:
    """A PDF with one image per page and no text layer (what a scanner writes)."""
    doc = pymupdf.open()
    for img, d in pages:
        h, w = img.shape
        pw, ph = w * 72.0 / d.dpi, h * 72.0 / d.dpi
        page = doc.new_page(width=pw, height=ph)
        page.insert_image(page.rect, stream=_jpeg(img, d.jpeg))
    doc.set_metadata({"producer": "scanner", "creator": "scanner"})
    data = doc.tobytes(garbage=3, deflate=True, no_new_id=True)
    doc.close()
    return data


def multipage_tiff(pages: list[tuple[np.ndarray, Degrade]]) -> bytes:
    from PIL import Image
    ims = [Image.fromarray(img).convert("1") for img, _ in pages]
    buf = io.BytesIO()
    ims[0].save(buf, format="TIFF", save_all=True, append_images=ims[1:], compression="group4",
                dpi=(pages[0][1].dpi, pages[0][1].dpi))
    return buf.getvalue()


def long_image(pages: list[tuple[np.ndarray, Degrade]], jpeg: int) -> tuple[bytes, str]:
    """All pages stacked top to bottom (pages narrower than the widest are padded)."""
    import cv2
    width = max(img.shape[1] for img, _ in pages)
    paper = pages[0][1].paper
    strips = [np.pad(img, ((0, 0), (0, width - img.shape[1])), constant_values=paper) for img, _ in pages]
    tall = np.vstack(strips)
    if jpeg:
        return _jpeg(tall, jpeg), "jpg"
    ok, buf = cv2.imencode(".png", tall)
    return buf.tobytes(), "png"


def render_scan(rng: random.Random, family: str, blocks: list[Block]) -> tuple[bytes, list[str], str]:
    """The scanned document's bytes, notes, and its file extension."""
    if family == "scan_pictures":
        from .pictures import render_pictures
        return render_pictures(rng, blocks)
    if family == "scan_miscoded":
        from .miscoded import render_miscoded
        return render_miscoded(rng, blocks)
    if family == "scan_outlined":
        from .outlined import render_outlined
        return render_outlined(rng, blocks)
    layout = rng.choice(PDF_FAMILIES)
    if family == "scan_long" and layout == "landscape":
        layout = "ruled"  # a long picture is made of portrait pages
    pdf = render_pdf(rng, layout, blocks)
    pages = scan_pages(rng, pdf, family)
    dpis = sorted({d.dpi for _, d in pages})
    turns = [d.turn for _, d in pages]
    notes = [f"layout={layout}", f"dpi={'/'.join(map(str, dpis))}"]
    if any(turns):
        notes.append("turns=" + ",".join(map(str, turns)))
    if family == "scan_tiff":
        return multipage_tiff(pages), notes, "tif"
    if family == "scan_long":
        data, ext = long_image(pages, pages[0][1].jpeg)
        return data, notes, ext
    return image_pdf(pages), notes, "pdf"
