"""The review service through FastAPI's TestClient: every endpoint, every bad upload,
unauthorised access, the store and the corrections format."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from extractor.corrections_format import Correction, CorrectionFormatError, parse_line, read_lines, to_json_line
from extractor.errors import SettingsError
from extractor.service.app import create_app
from extractor.service.settings import ServiceSettings, reviewers_from_env
from extractor.service.store import Store
from extractor.service.uploads import display_name
from extractor.service.worker import WorkerGone, _read_line

from .service_support import AUTH, CLEAN_SAMPLE, REVIEWERS, TEXT_SAMPLE, TOKEN, broken_pdf, wait_jobs

SHA0 = "0" * 64


# ---------------------------------------------------------------------- one service for most tests


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """A running app (workers started) with three documents extracted: a text report with fields
    in review, a clean text report, and a PDF with a broken rule."""
    tmp = tmp_path_factory.mktemp("service")
    pdf = broken_pdf(tmp / "broken.pdf")
    app = create_app(ServiceSettings(data_dir=tmp / "data", reviewers=REVIEWERS, workers=2))
    with TestClient(app) as client:
        client.headers.update(AUTH)
        files = [("files", ("rule_break.txt", TEXT_SAMPLE.read_bytes(), "text/plain")),
                 ("files", ("clean.md", CLEAN_SAMPLE.read_bytes(), "text/plain")),
                 ("files", ("报告.pdf", pdf.read_bytes(), "application/pdf"))]
        r = client.post("/api/documents", files=files)
        assert r.status_code == 200, r.text
        ups = r.json()["documents"]
        docs = wait_jobs(client.get, expect=3)
        assert all(d["job"]["status"] == "done" for d in docs), docs
        yield {"client": client, "app": app, "tmp": tmp, "pdf": pdf,
               "text": ups[0]["sha256"], "clean": ups[1]["sha256"], "pdf_sha": ups[2]["sha256"]}


def _queue(client, doc=None, limit=1000):
    return client.get("/api/review/queue", params={"limit": limit, **({"document": doc} if doc else {})}).json()


# ---------------------------------------------------------------------- access


def _protected_requests(app):
    """(method, path) of every API route that needs a reviewer (from the OpenAPI paths, which
    list every route), with sample path parameters."""
    out = []
    for path, ops in app.openapi()["paths"].items():
        if not path.startswith("/api/") or path in ("/api/health", "/api/login", "/api/logout"):
            continue
        concrete = (path.replace("{sha256}", SHA0).replace("{field_id}", "requests.total.total")
                    .replace("{job_id}", "1"))
        out.extend((method.upper(), concrete) for method in ops)
    return out


def test_every_api_endpoint_refuses_without_a_reviewer(service):
    app = service["app"]
    requests = _protected_requests(app)
    assert len(requests) >= 16  # upload, list, document, rerun, original, job, result, tables, queue, ...
    anon = TestClient(app)  # no lifespan: the service runs already
    for method, path in requests:
        for headers in ({}, {"Authorization": "Bearer wrong-token"}, {"Authorization": "Basic YWxpY2U6eA=="},
                        {"Cookie": "extractor_session=YWxpY2U.9999999999.forged"}):
            r = anon.request(method, path, headers=headers)
            assert r.status_code == 401, (method, path, headers, r.status_code)
            assert r.headers["www-authenticate"] == "Bearer"


def test_unauthorised_upload_is_refused_before_the_body_is_read(service):
    anon = TestClient(service["app"])  # no lifespan: the service runs already
    r = anon.post("/api/documents", files=[("files", ("a.txt", b"x" * 1000, "text/plain"))])
    assert r.status_code == 401
    assert service["client"].get("/api/documents").json()["total"] == 3


def test_sign_in_with_password_or_token_and_out(service):
    c = TestClient(service["app"])  # no lifespan: the service runs already
    assert c.post("/api/login", json={"name": "alice", "password": "nope-nope"}).status_code == 401
    assert c.post("/api/login", json={"name": "bob", "password": TOKEN}).status_code == 401  # alice's token
    r = c.post("/api/login", json={"name": "alice", "password": TOKEN})
    assert r.status_code == 200 and r.json() == {"reviewer": "alice"}
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert c.get("/api/me").json() == {"reviewer": "alice"}
    assert c.get("/api/documents").status_code == 200
    c.post("/api/logout")
    assert c.get("/api/me").status_code == 401
    r = c.post("/api/login", json={"password": "bob-token-4567"})  # a token alone names the reviewer
    assert r.json() == {"reviewer": "bob"}
    # a cookie for alice re-signed with a made-up signature is refused
    value = c.cookies.get("extractor_session")
    c.cookies.set("extractor_session", value.rsplit(".", 1)[0] + ".AAAA")
    assert c.get("/api/me").status_code == 401


def test_public_paths_page_and_docs(service):
    anon = TestClient(service["app"])  # no lifespan: the service runs already
    assert anon.get("/api/health").json()["status"] == "ok"
    page = anon.get("/")
    assert page.status_code == 200 and "<main" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert anon.get("/static/app.js").status_code == 200
    assert anon.get("/static/style.css").status_code == 200
    assert anon.get("/docs").status_code == 200
    spec = anon.get("/openapi.json").json()
    for path in ("/api/documents", "/api/review/queue", "/api/export/corrections", "/api/export/results",
                 "/api/documents/{sha256}/fields/{field_id}/corrections"):
        assert path in spec["paths"]
    assert "HTTPBearer" in json.dumps(spec["components"])


# ---------------------------------------------------------------------- uploads, jobs, documents


def test_upload_deduplicates_by_content_and_names_nothing_on_disk(service):
    c = service["client"]
    data = TEXT_SAMPLE.read_bytes()
    r = c.post("/api/documents", files=[("files", ("../../etc/passwd", data, "text/plain"))])
    assert r.status_code == 200
    up = r.json()["documents"][0]
    assert up["duplicate"] is True and up["sha256"] == service["text"]
    assert up["document"]["name"] == "rule_break.txt"  # the first upload's name stays
    root = service["tmp"] / "data"
    assert not any(p.name == "passwd" for p in root.rglob("*"))
    assert sorted(p.name for p in (root / "blobs").rglob("*") if p.is_file()) == sorted(
        [service["text"], service["clean"], service["pdf_sha"]])
    assert display_name("..\\..\\windows\\evil\x00.txt") == "evil.txt"
    assert display_name("") == "upload"


def test_documents_jobs_and_filters(service):
    c = service["client"]
    d = c.get(f"/api/documents/{service['pdf_sha']}").json()
    assert d["name"] == "报告.pdf" and d["kind"] == "pdf" and d["pages"] == 6
    assert d["job"]["status"] == "done" and d["job"]["error"] is None and d["needs_review"]
    job = c.get(f"/api/jobs/{d['job']['id']}").json()
    assert job["status"] == "done" and job["sha256"] == service["pdf_sha"]
    assert c.get("/api/jobs/999999").status_code == 404
    assert c.get(f"/api/documents/{SHA0}").status_code == 404
    assert c.get("/api/documents/not-a-hash").status_code == 404

    def names(**params):
        return sorted(x["name"] for x in c.get("/api/documents", params=params).json()["documents"])

    assert names() == ["clean.md", "rule_break.txt", "报告.pdf"]
    assert names(template="2021") == ["clean.md", "报告.pdf"]
    assert names(template="2019") == ["rule_break.txt"]
    assert names(year=2020) == ["rule_break.txt"]
    assert names(agency="淮安") == ["报告.pdf"]
    assert names(status="done") == ["clean.md", "rule_break.txt", "报告.pdf"]
    assert names(status="queued") == []
    assert names(status="partial") == ["rule_break.txt"]
    assert names(needs_review="false") == ["clean.md"]
    assert "clean.md" not in names(needs_review="true")
    assert c.get("/api/documents", params={"status": "bogus"}).status_code == 422
    page = c.get("/api/documents", params={"limit": 1, "offset": 1}).json()
    assert page["total"] == 3 and len(page["documents"]) == 1


def test_original_download(service):
    c = service["client"]
    r = c.get(f"/api/documents/{service['pdf_sha']}/original")
    assert r.status_code == 200 and r.content == service["pdf"].read_bytes()
    assert r.headers["content-disposition"].startswith("attachment")
    r = c.get(f"/api/documents/{service['text']}/original")
    assert r.headers["content-type"] == "application/octet-stream"


@pytest.fixture
def small_limits(tmp_path):
    """An app with small limits, no workers needed (uploads are checked in the request)."""
    settings = ServiceSettings(data_dir=tmp_path / "data", reviewers=REVIEWERS, max_upload_mb=0.05,
                               max_request_mb=0.2, max_files=3, max_pdf_pages=3)
    client = TestClient(create_app(settings))
    client.headers.update(AUTH)
    return client


def _pdf_bytes(pages: int, password: str | None = None) -> bytes:
    import pymupdf
    doc = pymupdf.open()
    for i in range(pages):
        doc.new_page().insert_text((72, 72), f"page {i + 1}")
    kwargs = {"encryption": pymupdf.PDF_ENCRYPT_AES_256, "owner_pw": password, "user_pw": password} if password else {}
    return doc.tobytes(**kwargs)


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("report.txt", "hello")
    return buf.getvalue()


@pytest.mark.parametrize("name,data,status,words", [
    ("empty.txt", b"", 415, "empty"),
    ("blank.txt", b"   \n\n  ", 415, "empty"),
    ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, 422, "image cannot be read"),
    ("scan.txt", b"\xff\xd8\xff\xe0" + b"\x00" * 200, 422, "image cannot be read"),
    ("report.pdf", _zip_bytes(), 415, "ZIP"),
    ("report.txt", bytes(range(256)) * 8, 415, "binary"),
    ("big.txt", "政府信息公开".encode() * 5000, 413, "limit"),
    ("broken.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 100, 422, "cannot be opened"),
    ("long.pdf", _pdf_bytes(4), 422, "more than the limit of 3"),
    ("locked.pdf", _pdf_bytes(1, "secret-pw"), 422, "encrypted"),
], ids=lambda v: v if isinstance(v, str) and len(v) < 20 and "." in v else "")
def test_bad_uploads_are_refused_with_a_reason(small_limits, name, data, status, words):
    r = small_limits.post("/api/documents", files=[("files", (name, data, "application/octet-stream"))])
    assert r.status_code == status, r.text
    doc = r.json()["documents"][0]
    assert doc["status_code"] == status and words in doc["error"] and "sha256" not in doc
    assert small_limits.get("/api/documents").json()["total"] == 0
    root = Path(small_limits.app.state.services.store.root)
    assert not any(p.is_file() for p in (root / "blobs").rglob("*"))
    assert not any((root / "tmp").iterdir())


def test_a_bad_file_among_good_ones_is_refused_alone(small_limits):
    files = [("files", ("ok.txt", CLEAN_SAMPLE.read_bytes()[:40000], "text/plain")),
             ("files", ("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "image/png"))]
    r = small_limits.post("/api/documents", files=files)
    assert r.status_code == 200
    ok, bad = r.json()["documents"]
    assert ok["job"]["status"] == "queued" and bad["status_code"] == 422


def test_request_limits(small_limits):
    too_many = [("files", (f"{i}.txt", f"report {i}".encode(), "text/plain")) for i in range(4)]
    r = small_limits.post("/api/documents", files=too_many)
    assert r.status_code == 413 and "limit is 3" in r.text
    r = small_limits.post("/api/documents", content=b"x" * 10,
                          headers={"Content-Type": "multipart/form-data; boundary=b", "Content-Length": str(10**9)})
    assert r.status_code == 413
    r = small_limits.post("/api/documents", headers={"Content-Length": "lots"}, content=b"")
    assert r.status_code == 400
    r = small_limits.post("/api/documents")
    assert r.status_code == 422  # no files
    r = small_limits.post("/api/login", content=b"{" + b" " * (2 << 20) + b"}",
                          headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_timeout_fails_the_job_and_rerun(tmp_path):
    settings = ServiceSettings(data_dir=tmp_path / "data", reviewers=REVIEWERS, workers=1, job_timeout_s=0.05)
    with TestClient(create_app(settings)) as c:
        c.headers.update(AUTH)
        sha = c.post("/api/documents", files=[("files", ("a.txt", CLEAN_SAMPLE.read_bytes(), "text/plain"))]
                     ).json()["documents"][0]["sha256"]
        (doc,) = wait_jobs(c.get)
        assert doc["job"]["status"] == "failed" and "timed out after 0.05 s" in doc["job"]["error"]
        assert c.get(f"/api/documents/{sha}/result").status_code == 409
        assert c.get("/api/documents", params={"status": "failed"}).json()["total"] == 1
        assert c.post(f"/api/documents/{sha}/rerun").json()["job"]["status"] in ("queued", "running", "failed")


def test_a_document_the_extractor_refuses_fails_its_job_with_the_reason(tmp_path):
    settings = ServiceSettings(data_dir=tmp_path / "data", reviewers=REVIEWERS, workers=1)
    with TestClient(create_app(settings)) as c:
        c.headers.update(AUTH)
        c.post("/api/documents", files=[("files", ("notes.txt", "今天天气很好。\n".encode() * 5, "text/plain"))])
        (doc,) = wait_jobs(c.get)
        # not a report: extracted, with no template and the reason (never numbers forced into a form)
        assert doc["job"]["status"] == "done" and doc["doc_status"] == "failure" and doc["template"] is None
        result = c.get(f"/api/documents/{doc['sha256']}/result").json()
        assert result["template"] is None and result["document"]["template_reason"]
        assert result["document"]["path"] == "notes.txt"  # the store's path is not shown
        assert c.get(f"/api/documents/{doc['sha256']}/tables").json()["tables"] == []


def test_a_crashed_worker_is_reported():
    proc = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(3)"], stdout=subprocess.PIPE)
    with pytest.raises(WorkerGone, match="exit code 3"):
        _read_line(proc, time.monotonic() + 10)
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"], stdout=subprocess.PIPE)
    with pytest.raises(TimeoutError):
        _read_line(proc, time.monotonic() + 0.2)
    proc.kill()
    proc.wait()


def test_one_service_per_data_folder(service):
    second = create_app(ServiceSettings(data_dir=service["tmp"] / "data", reviewers=REVIEWERS))
    with pytest.raises(RuntimeError, match="another extractor service"):
        with TestClient(second):
            pass


# ---------------------------------------------------------------------- results


def test_result_json_and_csv(service):
    c = service["client"]
    r = c.get(f"/api/documents/{service['text']}/result").json()
    assert r["template"] == "2019" and len(r["fields"]) == 198
    assert r["document"]["sha256"] == service["text"] and r["document"]["name"] == "rule_break.txt"
    csv_text = c.get(f"/api/documents/{service['text']}/result", params={"format": "csv"}).text
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("id,row_label,column_label,value") and len(lines) == 199
    assert c.get(f"/api/documents/{service['text']}/result", params={"format": "xml"}).status_code == 422


def test_tables_as_the_form_lays_them_out(service):
    c = service["client"]
    r = c.get(f"/api/documents/{service['pdf_sha']}/tables").json()
    ids = [t["id"] for t in r["tables"]]
    assert ids == ["art20_1", "art20_5", "art20_6", "art20_8", "requests", "appeals"]
    req = next(t for t in r["tables"] if t["id"] == "requests")
    assert [h["text"] for h in req["header"][2]] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert len(req["rows"]) == 25
    width = {len([c for c in row if "field" in c]) for row in req["rows"]}
    assert width == {7}
    appeals = next(t for t in r["tables"] if t["id"] == "appeals")
    assert len(appeals["rows"]) == 1 and len(appeals["rows"][0]) == 15
    assert [h["text"] for h in appeals["header"][0]] == ["行政复议", "行政诉讼"]
    cells = {c["field"]: c for row in req["rows"] for c in row if "field" in c}
    assert cells["requests.granted.natural_person"]["status"] == "review"
    assert cells["requests.granted.natural_person"]["value"] == 1295
    assert r["failed_checks"] and r["review"]["total"] > 0


# ---------------------------------------------------------------------- review


def test_queue_is_least_confident_first_and_names_the_labels(service):
    q = _queue(service["client"])
    conf = [it["confidence"] for it in q["items"]]
    assert conf == sorted(conf) and q["open"] == len(q["items"]) > 0
    it = q["items"][0]
    assert it["labels"]["row"] and it["labels"]["column"] and it["kind"] in ("pdf", "text")
    assert {i["sha256"] for i in q["items"]} == {service["text"], service["pdf_sha"]}
    only_pdf = _queue(service["client"], service["pdf_sha"])
    assert {i["sha256"] for i in only_pdf["items"]} == {service["pdf_sha"]}
    assert service["client"].get("/api/review/queue", params={"limit": 0}).status_code == 422


def test_pdf_field_view_has_labels_rules_and_a_crop(service):
    c = service["client"]
    # the changed count breaks its row and its column; it alone explains both, so it alone
    # is in review, and the rules say what it should be
    base = f"/api/documents/{service['pdf_sha']}/fields/requests.granted.natural_person"
    v = c.get(base).json()
    assert v["labels"] == {"section": "三、收到和处理政府信息公开申请情况", "table": "收到和处理政府信息公开申请情况",
                           "row": "（一）予以公开", "column": "自然人"}
    assert v["status"] == "review" and v["value"] == 1295 and v["confidence"] < 0.8
    broken = [r for r in v["rules"] if r["holds"] is False]
    assert len(broken) == 2 and all(r["expected"] == 1288 for r in broken)
    total = c.get(f"/api/documents/{service['pdf_sha']}/fields/requests.total.natural_person").json()
    assert total["status"] == "ok" and total["value"] == 2932
    assert any(not ch["ok"] for ch in v["checks"])
    assert v["crop_url"] == base + "/crop.png" and v["lines_url"] is None
    png = c.get(v["crop_url"])
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG") and len(png.content) > 2000
    assert c.get(base + "/lines").status_code == 404
    assert c.get(f"/api/documents/{service['pdf_sha']}/fields/no.such.field").status_code == 404


def test_text_field_view_shows_source_lines(service):
    c = service["client"]
    item = _queue(c, service["text"])["items"][0]
    v = c.get(f"/api/documents/{service['text']}/fields/{item['field_id']}").json()
    assert v["crop_url"] is None and v["lines_url"]
    assert c.get(f"/api/documents/{service['text']}/fields/{item['field_id']}/crop.png").status_code == 404
    r = c.get(v["lines_url"], params={"around": 2}).json()
    focus = [ln for ln in r["lines"] if ln["focus"]]
    assert len(focus) == 1 and focus[0]["number"] == v["source"]["line"] == r["line"]
    assert len(r["lines"]) == 5
    assert v["source"]["text"] in focus[0]["text"]


def test_confirm_correct_conflict_and_validation(service):
    c = service["client"]
    sha = service["text"]
    items = _queue(c, sha)["items"]
    first, second = items[0]["field_id"], items[1]["field_id"]
    open_before = _queue(c)["open"]
    url = f"/api/documents/{sha}/fields/{first}/corrections"
    before = c.get(f"/api/documents/{sha}/fields/{first}").json()["value"]

    r = c.post(url, json={"action": "confirm", "expected_before": before})
    assert r.status_code == 200, r.text
    corr = r.json()["correction"]
    assert corr["value_before"] == corr["value_after"] == before and corr["reviewer"] == "alice"
    assert corr["source"]["line"] and corr["time"].endswith("Z")
    assert _queue(c)["open"] == open_before - 1
    assert first not in [i["field_id"] for i in _queue(c, sha)["items"]]

    url2 = f"/api/documents/{sha}/fields/{second}/corrections"
    assert c.post(url2, json={"action": "correct", "value": -1}).status_code == 422
    assert c.post(url2, json={"action": "correct", "value": 1.5}).status_code == 422
    assert c.post(url2, json={"action": "maybe"}).status_code == 422
    assert c.post(url2, json={"action": "correct", "value": 7, "expected_before": 123456}).status_code == 409
    bob = {"Authorization": "Bearer bob-token-4567"}
    r = c.post(url2, json={"action": "correct", "value": 7}, headers=bob)
    assert r.status_code == 200 and r.json()["correction"]["reviewer"] == "bob"
    r = c.post(url2, json={"action": "correct", "value": None})  # the cell is empty after all
    assert r.json()["correction"]["value_before"] == 7 and r.json()["correction"]["value_after"] is None

    v = c.get(f"/api/documents/{sha}/fields/{second}").json()
    assert v["value"] is None and v["reviewed"]["action"] == "corrected" and len(v["history"]) == 2
    result = c.get(f"/api/documents/{sha}/result").json()
    assert result["fields"][second]["status"] == "blank" and result["fields"][second]["reviewed"]["reviewer"] == "alice"
    raw = c.get(f"/api/documents/{sha}/result", params={"corrected": "false"}).json()
    assert raw["fields"][second]["status"] == "review" and "reviewed" not in raw["fields"][second]
    assert c.post(f"/api/documents/{SHA0}/fields/{second}/corrections", json={"action": "confirm"}).status_code == 404


def test_pdf_correction_fixes_the_rule(service):
    c = service["client"]
    sha = service["pdf_sha"]
    url = f"/api/documents/{sha}/fields/requests.granted.natural_person/corrections"
    r = c.post(url, json={"action": "correct", "value": 1288, "expected_before": 1295})
    assert r.status_code == 200
    corr = r.json()["correction"]
    assert corr["source"]["page"] == 4 and len(corr["source"]["bbox"]) == 4
    v = c.get(f"/api/documents/{sha}/fields/requests.total.natural_person").json()
    column = next(r for r in v["rules"] if r["where"] == "column 自然人" and "予以公开" in r["text"])
    assert column["holds"] is True and column["expected"] == 2932, column


def test_exports_corrections_jsonl_and_results_csv_parquet(service):
    c = service["client"]
    sha = service["pdf_sha"]
    c.post(f"/api/documents/{sha}/fields/requests.granted.total/corrections", json={"action": "confirm"})
    r = c.get("/api/export/corrections")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    corrections = read_lines(r.text)
    assert corrections and all(isinstance(x, Correction) for x in corrections)
    mine = [x for x in corrections if x.sha256 == sha and x.field_id == "requests.granted.total"]
    assert mine and mine[-1].confirmed and mine[-1].bbox and mine[-1].page == 4
    only = read_lines(c.get("/api/export/corrections", params={"document": sha}).text)
    assert {x.sha256 for x in only} == {sha}
    later = c.get("/api/export/corrections", params={"since": "2999-01-01T00:00:00Z"}).text
    assert later == ""

    csv_text = c.get("/api/export/results", params={"format": "csv"}).text
    rows = csv_text.strip().splitlines()
    assert rows[0].split(",")[:6] == ["sha256", "document", "template", "year", "agency", "field_id"]
    assert len(rows) == 1 + 198 + 200 + 200
    only_2019 = c.get("/api/export/results", params={"format": "csv", "template": "2019"}).text
    assert len(only_2019.strip().splitlines()) == 1 + 198

    import pyarrow.parquet as pq
    r = c.get("/api/export/results", params={"format": "parquet"})
    assert r.headers["content-type"] == "application/vnd.apache.parquet"
    table = pq.read_table(io.BytesIO(r.content))
    assert table.num_rows == 598
    rows = [x for x in table.to_pylist() if x["sha256"] == sha and x["field_id"] == "requests.granted.natural_person"]
    assert rows[0]["value"] == 1288 and rows[0]["value_extracted"] == 1295 and rows[0]["reviewed"] == "corrected"
    assert rows[0]["row_label"] == "（一）予以公开" and rows[0]["column_label"] == "自然人"


def test_rerun_keeps_corrections(service):
    c = service["client"]
    sha = service["pdf_sha"]
    n = len(read_lines(c.get("/api/export/corrections", params={"document": sha}).text))
    assert n >= 1
    r = c.post(f"/api/documents/{sha}/rerun")
    assert r.status_code == 200 and r.json()["job"]["status"] in ("queued", "running", "done")
    wait_jobs(c.get)
    assert c.get(f"/api/documents/{sha}").json()["job"]["status"] == "done"
    assert len(read_lines(c.get("/api/export/corrections", params={"document": sha}).text)) == n
    v = c.get(f"/api/documents/{sha}/fields/requests.granted.natural_person").json()
    assert v["value"] == 1288 and v["reviewed"]["action"] == "corrected"
    assert c.post(f"/api/documents/{SHA0}/rerun").status_code == 404


# ---------------------------------------------------------------------- store, settings, format


def test_store_is_wal_and_recovers_interrupted_jobs(tmp_path):
    store = Store(tmp_path / "d").init()
    assert store.journal_mode() == "wal"
    sha = "a" * 64
    doc, created = store.add_document(sha, "x.txt", "text", 3, None, "alice")
    assert created and doc["job"]["status"] == "queued"
    assert store.add_document(sha, "y.txt", "text", 3, None, "bob")[1] is False
    job = store.claim_job()
    assert job["status"] == "running" and store.claim_job() is None
    assert Store(tmp_path / "d").init().recover(max_attempts=3) == 1  # a new process finds it running
    assert store.get_job(job["id"])["status"] == "queued"
    for _ in range(3):
        store.claim_job()
        store.recover(max_attempts=3)
    failed = store.get_job(job["id"])
    assert failed["status"] == "failed" and "interrupted 3 times" in failed["error"]
    with sqlite3.connect(store.db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_service_settings_name_the_bad_setting(tmp_path):
    with pytest.raises(SettingsError, match="workers"):
        ServiceSettings(data_dir=tmp_path, workers=0)
    with pytest.raises(SettingsError, match="secret of 'al'"):
        ServiceSettings(data_dir=tmp_path, reviewers={"al": "short"})
    with pytest.raises(SettingsError, match="same secret"):
        ServiceSettings(data_dir=tmp_path, reviewers={"a": "same-secret", "b": "same-secret"})
    with pytest.raises(SettingsError, match="review_threshold"):
        ServiceSettings(data_dir=tmp_path, review_threshold=2.0)
    with pytest.raises(SettingsError, match="max_request_mb"):
        ServiceSettings(data_dir=tmp_path, max_upload_mb=10, max_request_mb=5)
    with pytest.raises(SettingsError, match="reviewers: none set"):
        create_app(ServiceSettings(data_dir=tmp_path))
    assert reviewers_from_env({"EXTRACTOR_REVIEWERS": "a:secret-aaa, b:secret:with:colons"}) == {
        "a": "secret-aaa", "b": "secret:with:colons"}
    with pytest.raises(SettingsError, match="EXTRACTOR_REVIEWERS"):
        reviewers_from_env({"EXTRACTOR_REVIEWERS": "just-a-token"})


def test_corrections_format_round_trip_and_errors():
    c = Correction(sha256="f" * 64, field_id="requests.total.natural_person", value_before=2932, value_after=2939,
                   reviewer="alice", time="2024-05-01T08:30:12.345Z", page=5, bbox=(251.2, 401.3, 284.6, 424.9),
                   confidence_before=0.6, status_before="review")
    line = to_json_line(c)
    assert "\n" not in line and parse_line(line) == c and not c.confirmed
    text_c = Correction(sha256="f" * 64, field_id="appeals.review.total", value_before=None, value_after=None,
                        reviewer="张三", time="2024-05-01T08:30:12Z", line=12)
    assert parse_line(to_json_line(text_c)) == text_c and text_c.confirmed
    assert json.loads(to_json_line(text_c))["source"] == {"line": 12}
    for bad, what in [("{", "not JSON"), ("[]", "object"), ('{"sha256": "x"}', "missing"),
                      (to_json_line(c).replace('"f', '"g', 1), "sha256"),
                      (to_json_line(c).replace("2939", '"2939"'), "value_after"),
                      (to_json_line(c).replace("08:30:12.345Z", "08:30:12"), "time"),
                      (to_json_line(c).replace('"alice"', '""'), "reviewer")]:
        with pytest.raises(CorrectionFormatError, match=what):
            parse_line(bad)
    with pytest.raises(CorrectionFormatError, match="line 2"):
        read_lines(line + "\n{\n")


def test_ingest_on_start_takes_report_files_of_a_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(CLEAN_SAMPLE.read_bytes())
    (folder / "a.truth.json").write_text("{}")  # not a report file: left alone
    (folder / "again.md").write_bytes(CLEAN_SAMPLE.read_bytes())  # same bytes: one document
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)  # refused by its bytes
    settings = ServiceSettings(data_dir=tmp_path / "data", reviewers=REVIEWERS, workers=1)
    with TestClient(create_app(settings, ingest=[folder])) as c:
        c.headers.update(AUTH)
        (doc,) = wait_jobs(c.get)
        assert doc["name"] == "a.txt" and doc["uploaded_by"] == "serve --ingest" and doc["job"]["status"] == "done"


def test_serve_command_refuses_a_missing_ingest_path(tmp_path):
    import typer
    from typer.testing import CliRunner

    from extractor.service.cli import serve_command
    app = typer.Typer()
    app.command()(serve_command)
    r = CliRunner().invoke(app, ["--data-dir", str(tmp_path / "d"), "--ingest", str(tmp_path / "nope")],
                           env={"EXTRACTOR_REVIEWERS": "alice:alice-token-123"})
    assert r.exit_code == 2 and "no such file or folder" in r.output
    r = CliRunner().invoke(app, ["--data-dir", str(tmp_path / "d"), "--workers", "0"],
                           env={"EXTRACTOR_REVIEWERS": "alice:alice-token-123"})
    assert r.exit_code == 2 and "workers must be a positive whole number" in r.output


@pytest.mark.slow
def test_a_scanned_page_is_read_by_ocr_and_its_fields_have_crops(tmp_path):
    """A photo of a report page (PNG) goes through OCR; its review fields show a crop of the
    image, boxed in the image's own pixels."""
    import pymupdf
    pdf = broken_pdf(tmp_path / "b.pdf")
    with pymupdf.open(pdf) as doc:
        png = doc[3].get_pixmap(dpi=170, colorspace=pymupdf.csGRAY).tobytes("png")
    settings = ServiceSettings(data_dir=tmp_path / "data", reviewers=REVIEWERS, workers=1)
    with TestClient(create_app(settings)) as c:
        c.headers.update(AUTH)
        up = c.post("/api/documents", files=[("files", ("page4.png", png, "image/png"))]).json()["documents"][0]
        assert up["job"]["status"] == "queued"
        (doc,) = wait_jobs(c.get, timeout=180)
        assert doc["job"]["status"] == "done" and doc["kind"] == "image", doc
        sha = doc["sha256"]
        v = c.get(f"/api/documents/{sha}/fields/requests.granted.natural_person").json()
        assert v["value"] == 1295 and v["status"] == "review"
        assert v["source"]["page"] == 1 and max(v["source"]["bbox"]) > 600  # pixels, not points
        crop = c.get(v["crop_url"])
        assert crop.status_code == 200 and crop.content.startswith(b"\x89PNG")
