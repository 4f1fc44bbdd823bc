"""The FastAPI app: the NemoVideo endpoints (docs/nemovideo-api.md) and the test switches.

Handlers stay thin: parse, check, call the pure modules (auth, agent, sessions), persist.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.datastructures import UploadFile

from studio import auth, faults, sse
from studio.agent import Tools, cost_of
from studio.config import StudioConfig
from studio.drafts import has_content
from studio.envelope import (
    BAD_REQUEST,
    SESSION_NOT_FOUND,
    TOKEN_INVALID,
    ApiError,
    error_response,
    ok,
)
from studio.intents import parse
from studio.renders import RenderQueue, Runner, job_view, run_in_child
from studio.reqlog import RequestLog
from studio.runs import RunManager, SseResponse
from studio.sessions import new_session, state_payload, upload_info
from studio.store import MediaRecord, RenderRecord, SessionRecord, Store, TokenRecord
from studio.uploads import clean_name, fetch_url, ingest_upload, save_upload

__all__ = ["ATTRIBUTION_HEADERS", "Studio", "create_app"]

#: An export without any of these answers HTTP 402, as the real backend does.
ATTRIBUTION_HEADERS = ("X-Skill-Source", "X-Skill-Version", "X-Skill-Platform")
_RENDER_ID = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


class Studio:
    """Everything the handlers share."""

    def __init__(self, config: StudioConfig, tools: Tools, runner: Runner) -> None:
        self.config = config
        self.store = Store(config.data_dir)
        self.switches = faults.Switches()
        self.requests = RequestLog()
        self.runs = RunManager(self.store, tools, config)
        self.renders = RenderQueue(self.store, self.switches, config, runner)

    def start(self) -> None:
        self.store.load()
        self._release_frozen()
        if self.config.operator_token:
            self._ensure_operator(self.config.operator_token)
        self.renders.start()

    def _release_frozen(self) -> None:
        """Runs do not survive a restart: credits they had frozen go back to their owners."""
        with self.store.lock:
            frozen = [rec for rec in self.store.tokens.values() if rec.frozen]
            for rec in frozen:
                auth.refund(rec, rec.frozen)
            if frozen:
                self.store.save_tokens()

    def _ensure_operator(self, token: str) -> None:
        with self.store.lock:
            if token not in self.store.tokens:
                self.store.tokens[token] = TokenRecord(
                    token=token,
                    anonymous=False,
                    created_at=time.time(),
                    available=self.config.operator_credits,
                )
                self.store.save_tokens()

    def reset(self) -> None:
        self.store.reset()
        self.switches.reset()
        self.requests.clear()
        self.runs.forget()
        if self.config.operator_token:
            self._ensure_operator(self.config.operator_token)

    # -- helpers the handlers share --------------------------------------------------------------

    async def begin(self, request: Request, endpoint: str) -> Any:
        """Record the request, answer an injected fault if one is due; the JSON body or None."""
        body: Any = None
        if "json" in request.headers.get("content-type", ""):
            raw = await request.body()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
        self.requests.record(request.method, request.url.path, request.headers, body)
        fault = self.switches.take_fault(endpoint)
        if fault is not None:
            if fault.code == TOKEN_INVALID:
                self._invalidate(request)
            raise fault
        return body

    def _invalidate(self, request: Request) -> None:
        """An injected 1001 means what the real one does: this anonymous token is dead, so
        the client may ask for a new one (the operator's token is left alone)."""
        token = auth.bearer(request.headers.get("authorization"))
        with self.store.lock:
            rec = self.store.tokens.get(token) if token else None
            if rec is not None and rec.anonymous:
                rec.expires_at = time.time() - 1
                self.store.save_tokens()

    def token(self, request: Request) -> TokenRecord:
        return auth.authenticate(
            self.store.tokens, request.headers.get("authorization"), time.time()
        )

    def session(self, session_id: object) -> SessionRecord:
        rec = self.store.sessions.get(session_id) if isinstance(session_id, str) else None
        if rec is None or rec.dropped:
            raise ApiError(SESSION_NOT_FOUND)
        return rec


def _body(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _message_text(body: dict[str, Any]) -> str:
    message = body.get("new_message")
    parts = message.get("parts") if isinstance(message, dict) else None
    texts = [
        p["text"] for p in parts or [] if isinstance(p, dict) and isinstance(p.get("text"), str)
    ]
    return "\n".join(texts).strip()


async def _ended_stream() -> AsyncIterator[bytes]:
    yield sse.PING


def create_app(
    config: StudioConfig, *, tools: Tools | None = None, runner: Runner = run_in_child
) -> FastAPI:
    """The studio app (``tools`` default to the real engine)."""
    if tools is None:
        from studio.bridge import agent_tools

        tools = agent_tools()
    studio = Studio(config, tools, runner)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        studio.start()
        yield
        await studio.runs.stop()
        studio.renders.stop()

    app = FastAPI(title="studio", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.studio = studio

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc)

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        return {"ok": True}

    # -- the contract ------------------------------------------------------------------------

    @app.post("/api/auth/anonymous-token")
    async def anonymous_token(request: Request) -> Response:
        await studio.begin(request, "token")
        client_id = request.headers.get("x-client-id", "").strip()
        if not client_id:
            raise ApiError(BAD_REQUEST, "X-Client-Id header is required", status=400)
        ip = request.client.host if request.client else None
        with studio.store.lock:
            rec = auth.issue_anonymous(
                studio.store.tokens.values(), client_id, ip, time.time(), config.anon_per_ip
            )
            studio.store.tokens[rec.token] = rec
            studio.store.save_tokens()
        return ok(
            {
                "token": rec.token,
                "token_type": "Bearer",
                "credits": rec.available,
                "expires_in": auth.ANON_TTL_S,
                "expires_at": _iso(rec.expires_at or 0),
                "client_id": client_id,
            }
        )

    @app.post("/api/tasks/{user}/with-session/{agent}")
    async def create_session(request: Request, user: str, agent: str) -> Response:
        body = _body(await studio.begin(request, "session"))
        tok = studio.token(request)
        language = str(body.get("language") or "ja")
        rec = new_session(tok.token, str(body.get("task_name") or "project"), language, time.time())
        studio.store.save_session(rec)
        return ok(
            {
                "task_id": rec.task_id,
                "session_id": rec.session_id,
                "task_name": rec.task_name,
                "language": rec.language,
            }
        )

    @app.post("/run_sse")
    async def run_sse(request: Request) -> Response:
        body = _body(await studio.begin(request, "run_sse"))
        tok = studio.token(request)
        session = studio.session(body.get("session_id"))
        last_id = request.headers.get("last-event-id")
        if last_id:
            # A reconnect: replay what the client missed, never run the message again.
            found = studio.runs.find(session.session_id, last_id)
            if found is None:
                return SseResponse(_ended_stream())
            run, index = found
            return SseResponse(studio.runs.stream(run, index))
        text = _message_text(body)
        if not text:
            raise ApiError(BAD_REQUEST, "new_message.parts[].text is required", status=400)
        intent = parse(text)
        cost = cost_of(intent)
        with studio.store.lock:
            auth.reserve(tok, cost)
            studio.store.save_tokens()
        mode = studio.switches.take_sse()
        run = studio.runs.start(session.session_id, tok.token, text, intent, cost, mode)
        drop = mode is not None and mode.mode == "drop"
        return SseResponse(studio.runs.stream(run, drop=drop))

    @app.post("/api/upload-video/{agent}/{user}/{session_id}")
    async def upload(request: Request, agent: str, user: str, session_id: str) -> Response:
        body = await studio.begin(request, "upload")
        studio.token(request)
        session = studio.session(session_id)
        media_dir = studio.store.public / "media" / session.session_id
        records: list[MediaRecord] = []
        try:
            await _receive_uploads(request, body, records, media_dir, config)
        finally:
            # Files that made it are kept even when a later one in the same request fails.
            if records:
                with studio.store.lock:
                    session.media.extend(records)
                    session.version += 1
                    session.updated_at = time.time()
                    studio.store.save_session(session)
        return ok(
            {
                "session_id": session.session_id,
                "files": [upload_info(m, config) for m in records],
            }
        )

    @app.get("/api/credits/balance/simple")
    async def credits(request: Request) -> Response:
        await studio.begin(request, "credits")
        return ok(auth.balance(studio.token(request)))

    @app.get("/api/state/{agent}/{user}/{session_id}/latest")
    async def state(request: Request, agent: str, user: str, session_id: str) -> Response:
        await studio.begin(request, "state")
        studio.token(request)
        session = studio.session(session_id)
        running = studio.runs.running(session.session_id)
        return ok(state_payload(session, config, running))

    @app.post("/api/render/proxy/lambda")
    async def render(request: Request) -> Response:
        body = _body(await studio.begin(request, "render"))
        studio.token(request)
        missing = [h for h in ATTRIBUTION_HEADERS if not request.headers.get(h, "").strip()]
        if missing:
            raise ApiError(402, "export blocked: missing " + ", ".join(missing), status=402)
        render_id = body.get("id")
        if not isinstance(render_id, str) or not _RENDER_ID.match(render_id):
            raise ApiError(BAD_REQUEST, "id must be like render_<unix ms>", status=400)
        session = studio.session(body.get("sessionId") or body.get("session_id"))
        draft = body.get("draft")
        if not isinstance(draft, dict):
            draft = session.draft  # tolerate a client that leaves the draft out
        if not has_content(draft):
            raise ApiError(BAD_REQUEST, "the draft has nothing to export yet", status=400)
        with studio.store.lock:
            existing = studio.store.renders.get(render_id)
            if existing is not None:
                if existing.session_id != session.session_id:
                    raise ApiError(409, "render id already used", status=409)
                return ok(job_view(existing))  # the same request again: same job
            busy = studio.renders.busy_for(session.session_id)
            if busy is not None:
                raise ApiError(
                    429,
                    "an export is already running for this session",
                    status=429,
                    data={"id": busy.id, "status": busy.status},
                )
            now = time.time()
            job = RenderRecord(
                id=render_id,
                session_id=session.session_id,
                draft=draft,
                created_at=now,
                updated_at=now,
            )
            studio.store.save_render(job)
        studio.renders.submit(job.id)
        return ok(job_view(job))

    def _job(render_id: str) -> RenderRecord:
        job = studio.store.renders.get(render_id)
        if job is None:
            raise ApiError(404, "render not found", status=404)
        return job

    @app.get("/api/render/proxy/lambda/{render_id}")
    async def render_poll(request: Request, render_id: str) -> Response:
        await studio.begin(request, "render_poll")
        studio.token(request)
        return ok(job_view(_job(render_id)))

    @app.get("/api/render/proxy/{render_id}/download")
    async def render_download(request: Request, render_id: str) -> Response:
        await studio.begin(request, "render_poll")
        job = _job(render_id)
        if job.status != "completed" or not job.video_file:
            raise ApiError(409, f"render is {job.status}", status=409, data=job_view(job))
        path = config.data_dir / job.video_file
        if not path.is_file():
            raise ApiError(404, "render output is gone", status=404)
        return FileResponse(path, media_type="video/mp4", filename=f"{job.id}.mp4")

    @app.get("/files/{path:path}")
    async def files(path: str) -> Response:
        root = studio.store.public.resolve()
        target = (root / path).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return JSONResponse({"code": 404, "message": "not found", "data": None}, 404)
        return FileResponse(target)

    _add_switches(app, studio)
    return app


async def _receive_uploads(
    request: Request,
    body: Any,
    records: list[MediaRecord],
    media_dir: Path,
    config: StudioConfig,
) -> None:
    """Ingest multipart ``files`` or JSON ``{"urls": [...]}`` into ``records``, in order."""
    scratch_dir = config.data_dir / "tmp"
    if request.headers.get("content-type", "").startswith("multipart/"):
        form = await request.form(max_files=100)
        files = [f for key in ("files", "file") for f in form.getlist(key)]
        uploads = [f for f in files if isinstance(f, UploadFile)]
        if not uploads:
            raise ApiError(BAD_REQUEST, "multipart field 'files' is required", status=400)
        for item in uploads:
            scratch = scratch_dir / secrets.token_hex(8)
            await save_upload(item, scratch, config.max_upload_bytes)
            name = clean_name(item.filename)
            records.append(await ingest_upload(name, scratch, media_dir, config.data_dir))
        return
    urls = _body(body).get("urls")
    if not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls):
        raise ApiError(BAD_REQUEST, 'send multipart "files" or JSON {"urls": [...]}', status=400)
    for url in urls:
        scratch = scratch_dir / secrets.token_hex(8)
        name, path, _ = await fetch_url(url, scratch, config.max_upload_bytes)
        records.append(await ingest_upload(name, path, media_dir, config.data_dir))


def _add_switches(app: FastAPI, studio: Studio) -> None:
    """``/_studio/*`` (docs/design.md): loopback test tooling, no auth, plain JSON answers."""

    async def body_of(request: Request) -> dict[str, Any]:
        raw = await request.body()
        try:
            data = json.loads(raw) if raw else {}
        except ValueError as exc:
            raise ApiError(BAD_REQUEST, "body must be JSON", status=400) from exc
        return _body(data)

    @app.post("/_studio/reset")
    async def reset() -> dict[str, Any]:
        studio.reset()
        return {"ok": True}

    @app.post("/_studio/faults")
    async def add_fault(request: Request) -> dict[str, Any]:
        studio.switches.add_fault(faults.parse_fault(await body_of(request)))
        return {"ok": True, **studio.switches.snapshot()}

    @app.get("/_studio/faults")
    async def list_faults() -> dict[str, Any]:
        return studio.switches.snapshot()

    @app.post("/_studio/sse")
    async def sse_mode(request: Request) -> dict[str, Any]:
        studio.switches.add_sse(faults.parse_sse(await body_of(request)))
        return {"ok": True, **studio.switches.snapshot()}

    @app.post("/_studio/render")
    async def render_mode(request: Request) -> dict[str, Any]:
        fail_times, seconds = faults.parse_render(await body_of(request))
        studio.switches.set_render(fail_times, seconds)
        return {"ok": True, "fail_times": fail_times, "seconds": seconds}

    @app.post("/_studio/tokens/expire")
    async def expire(request: Request) -> dict[str, Any]:
        token = (await body_of(request)).get("token")
        now = time.time()
        with studio.store.lock:
            chosen = _pick(studio.store.tokens, token, "token")
            for rec in chosen:
                rec.expires_at = now - 1
            studio.store.save_tokens()
        return {"ok": True, "expired": len(chosen)}

    @app.post("/_studio/sessions/drop")
    async def drop(request: Request) -> dict[str, Any]:
        session_id = (await body_of(request)).get("session_id")
        with studio.store.lock:
            chosen = _pick(studio.store.sessions, session_id, "session")
            for rec in chosen:
                rec.dropped = True
                studio.store.save_session(rec)
        return {"ok": True, "dropped": len(chosen)}

    @app.post("/_studio/credits")
    async def set_credits(request: Request) -> dict[str, Any]:
        body = await body_of(request)
        available = body.get("available")
        if isinstance(available, bool) or not isinstance(available, int) or available < 0:
            raise ApiError(BAD_REQUEST, "available must be an integer >= 0", status=400)
        with studio.store.lock:
            chosen = _pick(studio.store.tokens, body.get("token"), "token")
            for rec in chosen:
                rec.available = available
            studio.store.save_tokens()
            balances = {rec.token: auth.balance(rec) for rec in chosen}
        return {"ok": True, "balances": balances}

    @app.get("/_studio/requests")
    async def requests(path: str | None = None) -> list[dict[str, Any]]:
        entries = studio.requests.entries()
        return [e for e in entries if path is None or str(e["path"]).startswith(path)]


def _pick(records: dict[str, Any], key: object, what: str) -> list[Any]:
    """The record named ``key``, or all of them when no key is given (404 if unknown)."""
    if key is None or key == "":
        return list(records.values())
    rec = records.get(key) if isinstance(key, str) else None
    if rec is None:
        raise ApiError(404, f"unknown {what}", status=404)
    return [rec]
