"""The scanned-document families of the generator (training.gen.scan): no OCR needed."""

from __future__ import annotations

import io
import json

import numpy as np
import pymupdf
import pytest

from training.gen.scan import SCAN_FAMILIES, Degrade, degrade
from training.generate import FAMILIES, generate, select_families

pytest.importorskip("cv2")


def test_scans_are_opt_in():
    assert not any(FAMILIES[f] == "scan" for f in select_families())
    assert select_families(kinds=["scan"]) == SCAN_FAMILIES
    assert select_families(families=["scan_tiff"]) == ["scan_tiff"]


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    out = tmp_path_factory.mktemp("scans")
    return out, generate(out, len(SCAN_FAMILIES), seed=2, kinds=["scan"])


def test_each_family_writes_its_container_and_truth(scans):
    out, paths = scans
    ext = {p.stem.split("_scan_scan_")[1]: p.suffix for p in paths}
    assert ext["clean"] == ext["noisy"] == ext["rotated"] == ".pdf"
    assert ext["tiff"] == ".tif"
    assert ext["long"] in (".png", ".jpg")
    for p in paths:
        truth = json.loads((out / "truth" / f"{p.stem}.json").read_text(encoding="utf-8"))
        assert truth["kind"] == "scan" and truth["document"] == p.name
        assert "layout=" in truth["notes"] and "dpi=" in truth["notes"]
        assert truth["fields"]


def test_scanned_pdfs_have_no_text_layer_and_one_image_a_page(scans):
    _, paths = scans
    for p in paths:
        if p.suffix != ".pdf":
            continue
        with pymupdf.open(p) as doc:
            for page in doc:
                assert page.get_text().strip() == ""
                assert len(page.get_images()) == 1


def test_tiff_has_one_bilevel_frame_per_page(scans):
    from PIL import Image
    _, paths = scans
    tif = next(p for p in paths if p.suffix == ".tif")
    im = Image.open(io.BytesIO(tif.read_bytes()))
    assert im.n_frames >= 2 and im.mode == "1"


def test_same_seed_same_bytes(tmp_path):
    a = generate(tmp_path / "a", 2, seed=9, families=["scan_noisy", "scan_long"])
    b = generate(tmp_path / "b", 2, seed=9, families=["scan_noisy", "scan_long"])
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_degrade_turns_and_keeps_ink():
    img = np.full((100, 60), 255, np.uint8)
    img[40:60, 10:50] = 0
    d = Degrade(dpi=100, turn=90, paper=240, ink=30)
    out = degrade(img, d, np.random.default_rng(0))
    assert out.shape == (60, 100)
    assert out.min() <= 40 and np.median(out) >= 230
    d = Degrade(dpi=100, skew=2.0, blur=0.8, noise=5, bilevel=True)
    out = degrade(img, d, np.random.default_rng(0))
    assert set(np.unique(out)) <= {0, 255}
