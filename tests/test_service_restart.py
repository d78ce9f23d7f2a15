"""No loss: a real server is killed (SIGKILL) with one job running and others queued; the
restarted server finishes every job and has kept every upload and every correction."""

from __future__ import annotations

import os
import signal
import time

import httpx
import pytest

from extractor.corrections_format import read_lines

from .service_support import AUTH, CLEAN_SAMPLE, REAL_PDF, TEXT_SAMPLE, Server, padded_copy, wait_jobs

pytestmark = pytest.mark.slow


def _gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().split(") ")[-1].startswith("Z"):  # a zombie has ended
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


def test_kill_and_restart_loses_nothing(tmp_path):
    data = tmp_path / "data"
    server = Server(data, workers=1)
    try:
        api = httpx.Client(base_url=server.url, headers=AUTH, timeout=10)
        # a reviewed document: one correction and one confirmation
        r = api.post("/api/documents", files=[("files", ("rule_break.txt", TEXT_SAMPLE.read_bytes(), "text/plain"))])
        text_sha = r.json()["documents"][0]["sha256"]
        wait_jobs(api.get, expect=1)
        items = api.get("/api/review/queue", params={"document": text_sha}).json()["items"]
        a, b = items[0]["field_id"], items[1]["field_id"]
        assert api.post(f"/api/documents/{text_sha}/fields/{a}/corrections",
                        json={"action": "correct", "value": 3}).status_code == 200
        assert api.post(f"/api/documents/{text_sha}/fields/{b}/corrections",
                        json={"action": "confirm"}).status_code == 200

        # freeze the worker so the next job stays running, then queue more behind it
        (worker,) = server.worker_pids()
        os.kill(worker, signal.SIGSTOP)
        files = [("files", (f"copy{i}.pdf", padded_copy(REAL_PDF, tmp_path / f"c{i}.pdf", i).read_bytes(),
                            "application/pdf")) for i in range(3)]
        files.append(("files", ("clean.md", CLEAN_SAMPLE.read_bytes(), "text/plain")))
        assert api.post("/api/documents", files=files).status_code == 200
        deadline = time.monotonic() + 20
        while True:
            counts = api.get("/api/health").json()["jobs"]
            if counts["running"] == 1 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert counts == {"queued": 3, "running": 1, "done": 1, "failed": 0}
    finally:
        server.kill()
    assert _gone(worker), "the worker outlived the killed server"

    # restart on the same data folder: the interrupted job and the queued ones all finish
    server = Server(data, workers=2)
    try:
        api = httpx.Client(base_url=server.url, headers=AUTH, timeout=10)
        docs = wait_jobs(api.get, expect=5)
        assert [d["job"]["status"] for d in docs] == ["done"] * 5
        assert sorted(d["name"] for d in docs) == ["clean.md", "copy0.pdf", "copy1.pdf", "copy2.pdf", "rule_break.txt"]
        assert max(d["job"]["attempts"] for d in docs) == 2  # the one running at the kill ran again
        corrections = read_lines(api.get("/api/export/corrections").text)
        assert [(c.field_id, c.value_after, c.confirmed) for c in corrections] == [
            (a, 3, False), (b, corrections[1].value_before, True)]
        assert api.get(f"/api/documents/{text_sha}/fields/{a}").json()["value"] == 3
        for d in docs:
            assert api.get(f"/api/documents/{d['sha256']}/result").status_code == 200
    finally:
        code = server.stop()
    # a graceful stop: uvicorn shuts the app down (workers stopped), then re-raises SIGTERM
    assert code in (0, -signal.SIGTERM), server.log_text()
    assert "Application shutdown complete" in server.log_text()
