"""The HTTP layer: :func:`create_app` builds the FastAPI app over a store, a worker pool and the
reviewers' credentials. Handlers only check input and move data; the work is in
:mod:`.store`, :mod:`.uploads`, :mod:`.review` and :mod:`.worker`.

Every ``/api/`` path except ``/api/health`` and ``/api/login`` needs a reviewer: a bearer token
or the session cookie of the review page. Bodies are size-checked before they are read.
"""

from __future__ import annotations

import csv
import fcntl
import io
import logging
import math
import os
import threading
from collections import OrderedDict
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Optional, Sequence, Union

from fastapi import APIRouter, Depends, FastAPI, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.requests import cookie_parser

from .. import __version__
from ..corrections_format import to_json_line
from ..errors import SettingsError
from ..output import to_csv
from ..template import is_count
from . import review
from .auth import COOKIE, Auth, load_key
from .settings import ServiceSettings
from .store import JOB_STATUSES, Conflict, Store
from .uploads import UploadRejected, ingest_path, store_upload
from .worker import WorkerPool

log = logging.getLogger("extractor.service")
STATIC = Path(__file__).parent / "static"
PUBLIC_API = ("/api/health", "/api/login", "/api/logout")
SMALL_BODY = 1 << 20  # any request but an upload
UPLOAD_PATH = "/api/documents"
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
DOC_STATUSES = ("success", "partial", "failure")


# ---------------------------------------------------------------------- the gate: body size and who is asking


class Gate:
    """ASGI middleware: refuses oversized bodies (413) and unsigned API requests (401) before any
    body is read, records the reviewer in ``request.state.reviewer``, and adds security headers."""

    def __init__(self, app, auth: Auth, settings: ServiceSettings):
        self.app = app
        self.auth = auth
        self.settings = settings

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(scope, path, headers)
        if refusal is not None:
            return await refusal(scope, receive, send)
        docs = path in ("/docs", "/redoc") or path.startswith("/docs/")

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
                if not docs:
                    extra += [(b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY")]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _refusal(self, scope, path: str, headers: dict) -> Optional[Response]:
        if scope["method"] in ("POST", "PUT", "PATCH"):
            limit = self.settings.max_request_bytes if path == UPLOAD_PATH else SMALL_BODY
            length = headers.get("content-length")
            if length is None:
                if "chunked" in headers.get("transfer-encoding", ""):
                    return JSONResponse({"detail": "send a Content-Length (chunked bodies are not accepted)"}, 411)
            else:
                try:
                    n = int(length)
                except ValueError:
                    return JSONResponse({"detail": "Content-Length is not a number"}, 400)
                if n > limit:
                    return JSONResponse({"detail": f"the request is larger than the limit of "
                                                   f"{limit / 2**20:g} MB"}, 413)
        if path.startswith("/api/") and path not in PUBLIC_API:
            who = self.auth.identify(headers, cookie_parser(headers.get("cookie", "")))
            if who is None:
                return JSONResponse({"detail": "sign in: send Authorization: Bearer <token>, "
                                               "or sign in on the review page"}, 401,
                                    headers={"WWW-Authenticate": "Bearer"})
            scope.setdefault("state", {})["reviewer"] = who
        return None


_bearer = HTTPBearer(auto_error=False, description="The token (or password) the admin set for you")


def reviewer(request: Request, _token=Depends(_bearer)) -> str:
    """The signed-in reviewer (the gate has checked the credentials)."""
    who = getattr(request.state, "reviewer", None)
    if not who:
        raise HTTPException(401, "sign in first", headers={"WWW-Authenticate": "Bearer"})
    return who


# ---------------------------------------------------------------------- request bodies


class Login(BaseModel):
    name: Optional[str] = Field(None, description="Reviewer name; optional when signing in with a token")
    password: str = Field(..., min_length=1, max_length=1000, description="Token or password")


class Decision(BaseModel):
    action: Literal["confirm", "correct"] = Field(..., description="confirm: the value is right; "
                                                                    "correct: replace it with `value`")
    value: Optional[float] = Field(None, description="The right value (correct only); null: the cell is empty")
    expected_before: Optional[float] = Field(None, description="The value the reviewer saw; when given, a "
                                                               "decision on a value changed meanwhile is refused (409)")


# ---------------------------------------------------------------------- the app


class _DataDirLock:
    """One service per data folder: an exclusive lock held while the app runs."""

    def __init__(self, path: Path):
        self.path = path
        self.fd: Optional[int] = None

    def acquire(self) -> None:
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            self.fd = None
            raise RuntimeError(f"{self.path.parent}: another extractor service is using this data folder") from None

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class _Crops:
    """A small cache of rendered crops (PNG bytes)."""

    def __init__(self, size: int = 128):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, make):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        png = make()
        with self.lock:
            self.items[key] = png
            if len(self.items) > self.size:
                self.items.popitem(last=False)
        return png


@dataclass
class Services:
    """What the route handlers work with (one per app)."""

    settings: ServiceSettings
    store: Store
    pool: WorkerPool
    auth: Auth
    crops: _Crops

    def document(self, sha256: str) -> dict:
        doc = self.store.get_document(sha256) if _is_sha(sha256) else None
        if doc is None:
            raise HTTPException(404, "no such document")
        return doc

    def result(self, sha256: str) -> dict:
        job = self.document(sha256)["job"]
        if job["status"] != "done":
            raise HTTPException(409, f"the document is not extracted (job {job['status']}"
                                     + (f": {job['error']}" if job["error"] else "") + ")")
        return self.store.get_result(sha256)

    def field(self, sha256: str, field_id: str) -> tuple[dict, dict]:
        result = self.result(sha256)
        if field_id not in result.get("fields", {}):
            raise HTTPException(404, "no such field in this document's result")
        return result, result["fields"][field_id]


def create_app(settings: ServiceSettings, ingest: Sequence[Path] = ()) -> FastAPI:
    """The service over ``settings.data_dir``: the store is opened (made on first use) here;
    the worker pool starts and stops with the app (its lifespan). ``ingest``: files or folders
    uploaded when the app starts (as reviewer ``serve --ingest``), once it holds the data folder."""
    if not settings.reviewers:
        raise SettingsError("reviewers: none set; name at least one (EXTRACTOR_REVIEWERS=name:secret)")
    store = Store(settings.data_dir).init()
    auth = Auth(settings.reviewers, load_key(settings.data_dir / "session.key"), settings.session_hours)
    sv = Services(settings, store, WorkerPool(store, settings), auth, _Crops())
    lock = _DataDirLock(settings.data_dir / "service.lock")

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        lock.acquire()
        try:
            store.clean_tmp()
            requeued = store.recover(settings.max_attempts)
            if requeued:
                log.info("%d interrupted job(s) queued again", requeued)
            for path in ingest:
                for name, outcome in ingest_path(store, settings, Path(path), who="serve --ingest"):
                    log.info("ingest %s: %s", name, outcome)
            sv.pool.start()
            try:
                yield
            finally:
                sv.pool.stop()
        finally:
            lock.release()

    app = FastAPI(
        title="extractor review service", version=__version__, lifespan=lifespan,
        description="Upload 政府信息公开工作年度报告 (PDF, HTML, text); each document gets an extraction job. "
                    "Fields the extractor is unsure of wait in the review queue, least confident first; "
                    "reviewers confirm or correct them, and every decision is kept and exported (JSONL).")
    app.state.services = sv
    app.add_middleware(Gate, auth=auth, settings=settings)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def page():
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    for routes in (session_routes, document_routes, review_routes, export_routes):
        app.include_router(routes(sv))
    return app


# ---------------------------------------------------------------------- routes


def session_routes(sv: Services) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["session"])

    @router.get("/health")
    def health() -> dict:
        """Liveness: the store answers. Needs no sign-in."""
        return {"status": "ok", "version": __version__, "jobs": sv.store.job_counts()}

    @router.post("/login")
    def login(body: Login) -> JSONResponse:
        """Sign in with a name and password, or a token alone; sets the session cookie."""
        who = sv.auth.login(body.name, body.password)
        if who is None:
            raise HTTPException(401, "unknown reviewer or wrong password")
        resp = JSONResponse({"reviewer": who})
        resp.set_cookie(COOKIE, sv.auth.session_cookie(who), max_age=sv.auth.session_s, httponly=True,
                        samesite="strict", secure=sv.settings.secure_cookie, path="/")
        return resp

    @router.post("/logout")
    def logout() -> JSONResponse:
        """Sign out: the session cookie is removed."""
        resp = JSONResponse({"reviewer": None})
        resp.delete_cookie(COOKIE, path="/")
        return resp

    @router.get("/me", dependencies=[Depends(reviewer)])
    def me(who: str = Depends(reviewer)) -> dict:
        """Who is signed in."""
        return {"reviewer": who}

    return router


def document_routes(sv: Services) -> APIRouter:
    router = APIRouter(prefix="/api", dependencies=[Depends(reviewer)])
    store, settings = sv.store, sv.settings

    @router.post(UPLOAD_PATH[4:], tags=["documents"])
    def upload(files: list[UploadFile] = File(..., description="One or more reports (PDF, HTML, text)"),
               who: str = Depends(reviewer)) -> JSONResponse:
        """Upload documents; each new one gets a queued job. The same bytes again give the existing
        document (``duplicate: true``). Refused files carry an ``error``; the status is 200 when at
        least one file was taken, else that of the first refusal (413 too large, 415 not a report
        by its bytes, 422 a PDF that cannot be read or has too many pages)."""
        if len(files) > settings.max_files:
            raise HTTPException(413, f"{len(files)} files in one request; the limit is {settings.max_files}")
        out, first_error = [], None
        for f in files:
            try:
                s = store_upload(store, settings, f.file, f.filename)
            except UploadRejected as e:
                out.append({"name": f.filename, "error": e.reason, "status_code": e.status})
                first_error = first_error or e.status
                continue
            doc, created = store.add_document(s.sha256, s.name, s.kind, s.size, s.pages, who)
            out.append({"name": s.name, "sha256": s.sha256, "duplicate": not created, "document": doc,
                        "job": doc["job"]})
        sv.pool.wake()
        taken = any("sha256" in d for d in out)
        return JSONResponse({"documents": out}, 200 if taken else first_error)

    @router.get("/documents", tags=["documents"])
    def list_documents(template: Optional[str] = None, year: Optional[int] = None,
                       agency: Optional[str] = Query(None, description="Part of the agency's name"),
                       status: Optional[str] = Query(None, description=f"A job status {JOB_STATUSES} or a "
                                                                        f"result status {DOC_STATUSES}"),
                       needs_review: Optional[bool] = None,
                       limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0)) -> dict:
        """Documents, newest first, with their job and what the review still needs."""
        if status is not None and status not in JOB_STATUSES + DOC_STATUSES:
            raise HTTPException(422, f"status must be one of {JOB_STATUSES + DOC_STATUSES}")
        total, docs = store.list_documents(template, year, agency, status, needs_review, limit, offset)
        return {"total": total, "documents": docs}

    @router.get("/documents/{sha256}", tags=["documents"])
    def get_document(sha256: str) -> dict:
        """One document with its job (status queued/running/done/failed and the error)."""
        return sv.document(sha256)

    @router.post("/documents/{sha256}/rerun", tags=["documents"])
    def rerun(sha256: str) -> dict:
        """Extract a document again (after a failure, or with a newer extractor); corrections stay."""
        sv.document(sha256)
        if not store.requeue(sha256):
            raise HTTPException(409, "the document's job is queued or running")
        sv.pool.wake()
        return sv.document(sha256)

    @router.get("/documents/{sha256}/original", tags=["documents"])
    def original(sha256: str) -> FileResponse:
        """The uploaded bytes, as a download."""
        doc = sv.document(sha256)
        media = "application/pdf" if doc["kind"] == "pdf" else "application/octet-stream"
        return FileResponse(store.blob_path(sha256), media_type=media,
                            headers={"Content-Disposition": f'attachment; filename="{sha256}"'})

    @router.get("/jobs/{job_id}", tags=["documents"])
    def get_job(job_id: int) -> dict:
        """One extraction job: status queued/running/done/failed, the error, attempts and times."""
        job = store.get_job(job_id)
        if job is None:
            raise HTTPException(404, "no such job")
        return job

    @router.get("/documents/{sha256}/result", tags=["results"])
    def get_result(sha256: str, format: Literal["json", "csv"] = "json",
                   corrected: bool = Query(True, description="Apply the reviewers' corrections")) -> Response:
        """The extraction result (the output contract); with ``corrected``, reviewed fields hold the
        reviewer's value and say so under ``reviewed``."""
        result = sv.result(sha256)
        if corrected:
            result = review.apply_corrections(result, store.latest_corrections(sha256))
        if format == "csv":
            return Response(to_csv(result), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{sha256}.csv"'})
        return JSONResponse(result)

    @router.get("/documents/{sha256}/tables", tags=["results"])
    def tables(sha256: str) -> dict:
        """The tables as the national form lays them out, corrections applied, for the document view."""
        doc = sv.document(sha256)
        result = review.apply_corrections(sv.result(sha256), store.latest_corrections(sha256))
        return {"document": doc, "meta": result.get("meta"), "summary": result["document"],
                "template": result.get("template"), "tables": review.form_tables(result),
                "failed_checks": [c for c in result.get("checks", []) if not c["ok"]],
                "errors": result.get("errors", []), "review": store.review_counts(sha256)}

    return router


def review_routes(sv: Services) -> APIRouter:
    router = APIRouter(prefix="/api", dependencies=[Depends(reviewer)], tags=["review"])
    store = sv.store

    @router.get("/review/queue")
    def queue(document: Optional[str] = Query(None, description="Only this document (sha256)"),
              template: Optional[str] = None, limit: int = Query(50, ge=1, le=1000),
              offset: int = Query(0, ge=0)) -> dict:
        """Fields with status review and no decision yet, least confident first."""
        total, items = store.review_queue(document, template, limit, offset)
        for it in items:
            it["labels"] = review.field_labels(it["template"], it["field_id"])
        return {"open": total, "counts": store.review_counts(document), "items": items}

    @router.get("/documents/{sha256}/fields/{field_id}")
    def field(sha256: str, field_id: str) -> dict:
        """A field as the review page shows it: labels, value, confidence, the rules about it,
        where it was read, and its decisions so far."""
        result, _ = sv.field(sha256, field_id)
        latest = store.latest_corrections(sha256)
        view = review.field_view(result, field_id, latest, store.corrections(sha256, field_id))
        base = f"/api/documents/{sha256}/fields/{field_id}"
        view["crop_url"] = base + "/crop.png" if view["has_crop"] else None
        view["lines_url"] = base + "/lines" if view["has_lines"] else None
        return view

    @router.get("/documents/{sha256}/fields/{field_id}/crop.png",
                response_class=Response, responses={200: {"content": {"image/png": {}}}})
    def crop(sha256: str, field_id: str) -> Response:
        """The band of the source page around the field, its box outlined (PDFs and images)."""
        result, f = sv.field(sha256, field_id)
        src = f.get("source") or {}
        kind = result["document"].get("kind")
        if kind not in ("pdf", "image") or not src.get("page") or not src.get("bbox"):
            raise HTTPException(404, "this field has no place on a page (not a PDF or image, or not printed)")
        key = (sha256, src["page"], tuple(src["bbox"]))
        try:
            png = sv.crops.get(key, lambda: review.render_crop(store.blob_path(sha256), src["page"], src["bbox"],
                                                                   kind=kind))
        except Exception as e:
            raise HTTPException(422, f"the page cannot be rendered: {e}") from None
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})

    @router.get("/documents/{sha256}/fields/{field_id}/lines")
    def lines(sha256: str, field_id: str, around: Optional[int] = Query(None, ge=0, le=50)) -> dict:
        """The source line of a text or HTML field, with lines either side."""
        result, f = sv.field(sha256, field_id)
        src = f.get("source") or {}
        kind = result["document"].get("kind")
        if kind not in ("text", "html") or not src.get("line"):
            raise HTTPException(404, "this field has no source line (not a text input, or not printed)")
        n = sv.settings.context_lines if around is None else around
        return {"page": src.get("page"), "line": src["line"],
                "lines": review.source_lines(store.blob_path(sha256), kind, src.get("page"), src["line"], n)}

    @router.post("/documents/{sha256}/fields/{field_id}/corrections")
    def decide(sha256: str, field_id: str, body: Decision, who: str = Depends(reviewer)) -> dict:
        """Confirm a field's value or correct it; recorded with the reviewer and the time. The
        latest decision on a field is the value in force; earlier ones are kept."""
        _, f = sv.field(sha256, field_id)
        value = ... if body.action == "confirm" else review.number(_check_value(field_id, body.value))
        expected = body.expected_before if "expected_before" in body.model_fields_set else ...
        try:
            c = store.decide(sha256, field_id, value, who, f, expected)
        except Conflict as e:
            raise HTTPException(409, str(e)) from None
        return {"correction": c.to_dict(), "counts": store.review_counts(sha256)}

    return router


def export_routes(sv: Services) -> APIRouter:
    router = APIRouter(prefix="/api/export", dependencies=[Depends(reviewer)], tags=["export"])
    store = sv.store

    @router.get("/corrections", response_class=StreamingResponse,
                responses={200: {"content": {"application/x-ndjson": {}}}})
    def export_corrections(document: Optional[str] = None, since: Optional[str] = Query(
            None, description="Only decisions at or after this time (ISO 8601 UTC)")) -> StreamingResponse:
        """Every decision as JSON lines (the format of :mod:`extractor.corrections_format`)."""
        body = "".join(to_json_line(c) + "\n" for c in store.corrections(document, None, since))
        return StreamingResponse(iter([body.encode("utf-8")]), media_type="application/x-ndjson",
                                 headers={"Content-Disposition": 'attachment; filename="corrections.jsonl"'})

    @router.get("/results", response_class=Response,
                responses={200: {"content": {"text/csv": {}, "application/vnd.apache.parquet": {}}}})
    def export_results(format: Literal["csv", "parquet"] = "csv", template: Optional[str] = None,
                       year: Optional[int] = None, agency: Optional[str] = None,
                       needs_review: Optional[bool] = None) -> Response:
        """One row per field of every extracted document (corrections applied)."""
        items = ((d, review.apply_corrections(r, store.latest_corrections(d["sha256"])))
                 for d, r in store.iter_results(template, year, agency, needs_review))
        rows = list(review.export_rows(items))
        if format == "parquet":
            return Response(_parquet(rows), media_type="application/vnd.apache.parquet",
                            headers={"Content-Disposition": 'attachment; filename="results.parquet"'})
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=review.EXPORT_COLUMNS)
        w.writeheader()
        w.writerows({k: ("" if v is None else v) for k, v in r.items()} for r in rows)
        return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="results.csv"'})

    return router


def _is_sha(s: str) -> bool:
    return len(s) == 64 and all(c in "0123456789abcdef" for c in s)


def _check_value(field_id: str, value: Optional[float]) -> Optional[Union[int, float]]:
    if value is None:
        return None
    if not math.isfinite(value):
        raise HTTPException(422, "value must be a finite number")
    if is_count(field_id):
        if value < 0:
            raise HTTPException(422, f"{field_id} counts something: it is never negative")
        if not float(value).is_integer():
            raise HTTPException(422, f"{field_id} counts something: it is a whole number")
    return value


def _parquet(rows: list[dict]) -> bytes:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise HTTPException(501, "Parquet needs pyarrow: pip install 'extractor[service]'") from None
    schema = pa.schema([("sha256", pa.string()), ("document", pa.string()), ("template", pa.string()),
                        ("year", pa.int32()), ("agency", pa.string()), ("field_id", pa.string()),
                        ("row_label", pa.string()), ("column_label", pa.string()), ("value", pa.float64()),
                        ("unit", pa.string()), ("status", pa.string()), ("confidence", pa.float64()),
                        ("reviewed", pa.string()), ("reviewer", pa.string()), ("value_extracted", pa.float64())])
    table = pa.Table.from_pylist(rows, schema=schema)
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()
