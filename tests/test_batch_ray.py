"""The Ray engine: the same per-document function, outputs and resume rules as the local one.

Starts a local Ray instance (2 CPUs, no dashboard, 127.0.0.1 only)."""

from __future__ import annotations

import pytest

from extractor.batch.run import BatchOptions, run_batch

from .batch_support import corpus, damaged_jpeg_bytes, read_csv

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'extractor[ray]')")


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1", log_to_driver=False,
             configure_logging=False)
    yield
    ray.shutdown()


@pytest.mark.slow
def test_ray_batch_equals_local_batch(tmp_path, local_ray):
    src = corpus(tmp_path, 8)
    (src / "broken.txt").write_bytes(damaged_jpeg_bytes())  # a damaged image named .txt
    local = run_batch([src], tmp_path / "local", BatchOptions(workers=2))
    out = tmp_path / "ray"
    first = run_batch([src], out, BatchOptions(engine="ray", workers=2))
    assert (first.processed, first.done_before) == (9, 0)
    assert first.by_status == local.by_status and first.by_status["failed"] == 1
    assert (out / "dataset.csv").read_bytes() == (tmp_path / "local" / "dataset.csv").read_bytes()
    # same resume rules: a second run does nothing, and the output does not change
    again = run_batch([src], out, BatchOptions(engine="ray", workers=2))
    assert (again.processed, again.done_before) == (0, 9)
    assert (out / "dataset.csv").read_bytes() == (tmp_path / "local" / "dataset.csv").read_bytes()
    docs = {r["source"].rsplit("/", 1)[-1]: r for r in read_csv(out / "documents.csv")}
    assert docs["broken.txt"]["status"] == "failed" and docs["broken.txt"]["reason"]
    assert first.peak_rss_mb and all(p > 0 for p in first.peak_rss_mb)
