"""Helpers shared by the service tests: sample documents, a real server in a subprocess."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REAL_PDF = ROOT / "tests" / "data" / "real" / "101.pdf"
TEXT_SAMPLE = ROOT / "samples" / "report_2020_tabs_rule_break.txt"  # breaks a rule: fields in review
CLEAN_SAMPLE = ROOT / "samples" / "report_2021_markdown.txt"
TOKEN = "alice-token-123"
OTHER_TOKEN = "bob-token-4567"
REVIEWERS = {"alice": TOKEN, "bob": OTHER_TOKEN}
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def broken_pdf(out: Path, changes: dict[str, str] | None = None) -> Path:
    """101.pdf with printed counts of page 4 changed. By default 予以公开 · 自然人 1288 → 1295:
    its row and its column break, the field that explains both goes to review. With
    ``{"1288": "1295", "1362": "1369"}`` (its row total too) no single field explains the
    breaks, and every field of the broken checks goes to review: a long review queue."""
    import pymupdf
    doc = pymupdf.open(REAL_PDF)
    page = doc[3]
    for old, new in (changes or {"1288": "1295"}).items():
        hits = [pymupdf.Rect(w[:4]) for w in page.get_text("words") if w[4] == old]
        if len(hits) != 1:
            pytest.fail(f"101.pdf page 4 should print the word {old} once; update broken_pdf()")
        rect = hits[0]
        page.add_redact_annot(rect, text=new, fontsize=rect.height * 0.8, align=pymupdf.TEXT_ALIGN_CENTER)
    page.apply_redactions()
    doc.save(out)
    doc.close()
    return out


def padded_copy(src: Path, out: Path, n: int) -> Path:
    """The same document with different bytes (a comment after %%EOF): a distinct upload."""
    out.write_bytes(src.read_bytes() + f"\n% copy {n}\n".encode())
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``python -m extractor.service.cli`` on 127.0.0.1 and a free port."""

    def __init__(self, data_dir: Path, workers: int = 1, extra: tuple[str, ...] = ()):
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, EXTRACTOR_REVIEWERS=",".join(f"{k}:{v}" for k, v in REVIEWERS.items()))
        self.log = open(data_dir.parent / f"server-{self.port}.log", "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "extractor.service.cli", "--data-dir", str(data_dir), "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(workers), *extra],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_ready()

    def wait_ready(self, timeout: float = 30.0) -> None:
        import httpx
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"the server exited with {self.proc.returncode}: {self.log_text()}")
            try:
                if httpx.get(self.url + "/api/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        pytest.fail(f"the server did not answer in {timeout} s: {self.log_text()}")

    def log_text(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return (self.data_dir.parent / f"server-{self.port}.log").read_text(errors="replace")[-3000:]

    def worker_pids(self) -> list[int]:
        """The server's child processes (its extraction workers), from /proc."""
        pids = []
        for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
            children = (task / "children").read_text().split()
            pids.extend(int(p) for p in children)
        return pids

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.log.close()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


def wait_jobs(get, timeout: float = 60.0, expect: int | None = None) -> list[dict]:
    """Poll GET /api/documents until every job is done or failed; the documents."""
    deadline = time.monotonic() + timeout
    while True:
        docs = get("/api/documents?limit=1000").json()["documents"]
        if (expect is None or len(docs) == expect) and all(d["job"]["status"] in ("done", "failed") for d in docs):
            return docs
        if time.monotonic() > deadline:
            pytest.fail(f"jobs not finished in {timeout} s: {[(d['name'], d['job']) for d in docs]}")
        time.sleep(0.1)
