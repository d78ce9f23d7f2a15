"""Resumable and idempotent: a batch killed midway (SIGKILL) and run again equals one never
interrupted; a second run does no work; worker processes do not outlive a killed run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor.batch.run import BatchOptions, run_batch

from .batch_support import corpus, read_csv

N_DOCS = 40


def result_files(out: Path) -> list[Path]:
    return list((out / "results").rglob("*.json")) if (out / "results").exists() else []


def descendants(pid: int) -> set[int]:
    """Processes started by pid, directly or not (workers are forked by a fork server)."""
    parent = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, pp in parent.items() if pp in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def batch_cmd(src: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "extractor.batch", str(src), "--out", str(out), "--workers", "2", "--no-progress"]


def comparable_documents(out: Path) -> list[dict]:
    rows = read_csv(out / "documents.csv")
    for r in rows:
        r["result"] = r["result"].replace(str(out), "OUT")
    return rows


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find worker processes")
def test_killed_batch_resumes_to_the_same_dataset(tmp_path):
    src = corpus(tmp_path, N_DOCS)
    ref = tmp_path / "ref"
    run_batch([src], ref, BatchOptions(workers=2))  # never interrupted

    out = tmp_path / "out"
    proc = subprocess.Popen(batch_cmd(src, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=Path(__file__).parents[1])
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while len(result_files(out)) < 8 and proc.poll() is None and time.monotonic() < deadline:
        workers.update(descendants(proc.pid))
        time.sleep(0.005)
    workers.update(descendants(proc.pid))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = len(result_files(out))
    assert 0 < done < N_DOCS, f"the kill came too late or too early: {done} of {N_DOCS} done"
    assert not (out / "dataset.csv").exists()
    # the workers die with the run that started them
    deadline = time.monotonic() + 10
    while any(alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers and not any(alive(p) for p in workers)

    resumed = subprocess.run(batch_cmd(src, out), capture_output=True, text=True, cwd=Path(__file__).parents[1])
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["done_before"] >= done and summary["done_before"] + summary["processed"] == N_DOCS
    assert len(result_files(out)) == N_DOCS
    assert not [p for p in out.rglob(".tmp-*")]
    assert (out / "dataset.csv").read_bytes() == (ref / "dataset.csv").read_bytes()
    assert comparable_documents(out) == comparable_documents(ref)
    pq = pytest.importorskip("pyarrow.parquet")
    assert pq.read_table(out / "dataset.parquet").equals(pq.read_table(ref / "dataset.parquet"))


def test_second_run_does_nothing_and_writes_the_same(tmp_path):
    src = corpus(tmp_path, 3)
    out = tmp_path / "out"
    first = run_batch([src], out, BatchOptions(workers=1))
    before = (out / "dataset.csv").read_bytes()
    second = run_batch([src], out, BatchOptions(workers=1))
    assert (first.processed, first.done_before) == (3, 0)
    assert (second.processed, second.done_before) == (0, 3)
    assert (out / "dataset.csv").read_bytes() == before
    rows = read_csv(out / "dataset.csv")
    assert len({(r["sha256"], r["id"]) for r in rows}) == len(rows)  # no duplicates
