"""The webhook process: verify, de-duplicate, enqueue, answer 200 in milliseconds.

It never calls the backend or LINE. ``POST /callback`` checks ``X-Line-Signature`` on
the raw body before parsing; ordered events join their chat's inbox atomically with the
de-duplication mark, so a redelivered event is queued at most once.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from linebot.v3.webhook import SignatureValidator
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.exceptions import RedisError

from bot import jobs
from bot.events import parse_event
from bot.intents import lane
from bot.metrics import ACK_SECONDS, EVENTS, WEBHOOKS
from bot.services import Services, connect
from bot.settings import Settings

log = structlog.get_logger(__name__)


class BodyTooLarge(Exception):
    pass


async def _read_capped(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise BodyTooLarge
    return bytes(body)


def _reject(status: int, outcome: str) -> Response:
    WEBHOOKS.labels(outcome).inc()
    return JSONResponse({"message": outcome}, status_code=status)


def create_app(settings: Settings) -> FastAPI:
    """The web app, bound to `settings`."""
    validator = SignatureValidator(settings.line_channel_secret.get_secret_value())
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        state["services"] = connect(settings)
        state["queue"] = jobs.make_queue(settings.redis_url)
        await state["queue"].connect()
        yield
        # Shutting down while Redis is gone must not turn a clean stop into an error.
        with contextlib.suppress(RedisError, OSError):
            await state["queue"].disconnect()
        with contextlib.suppress(RedisError, OSError):
            await state["services"].close()

    app = FastAPI(title="LINE promo video bot", lifespan=lifespan, docs_url=None, redoc_url=None)

    @app.post("/callback")
    async def callback(request: Request) -> Response:
        started = time.perf_counter()
        signature = request.headers.get("x-line-signature")
        if not signature:
            return _reject(400, "missing signature")
        try:
            body = await _read_capped(request, settings.webhook_max_body_bytes)
        except BodyTooLarge:
            return _reject(413, "body too large")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return _reject(400, "body is not utf-8")
        if not validator.validate(text, signature):
            return _reject(401, "invalid signature")
        try:
            payload = json.loads(text)
            events = payload.get("events", [])
            if not isinstance(events, list):
                raise TypeError
        except (json.JSONDecodeError, AttributeError, TypeError):
            return _reject(400, "malformed body")
        services: Services = state["services"]
        try:
            for raw in events:
                if isinstance(raw, dict):
                    await _accept(services, state["queue"], raw)
        except RedisError:
            log.exception("web.queue_unavailable")
            return _reject(503, "queue unavailable")
        WEBHOOKS.labels("ok").inc()
        ACK_SECONDS.observe(time.perf_counter() - started)
        return JSONResponse({})

    @app.get("/healthz")
    async def healthz() -> Response:
        try:
            await state["services"].redis.ping()
        except (RedisError, OSError):
            return JSONResponse({"status": "redis unreachable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    @app.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/media/preview/{name}.jpg")
    async def preview(name: str) -> Response:
        image = await state["services"].memory.preview(name)
        if image is None:
            return Response(status_code=404)
        return Response(
            image, media_type="image/jpeg", headers={"Cache-Control": "public, max-age=86400"}
        )

    return app


async def _accept(services: Services, queue: Any, raw: dict[str, Any]) -> None:
    event = parse_event(raw)
    route = lane(event)
    if route == "drop" or event.chat is None:
        EVENTS.labels("dropped").inc()
        return
    ordered = route == "ordered"
    fresh = await services.inbox.accept(
        event.event_id, event.chat.key, json.dumps(raw, ensure_ascii=False), ordered=ordered
    )
    if not fresh:
        EVENTS.labels("duplicate").inc()
        return
    try:
        if ordered:
            await jobs.enqueue_drain(queue, event.chat.key)
        else:
            await jobs.enqueue_event(queue, raw, event.event_id)
    except Exception:
        if not ordered:
            # Let LINE's redelivery in again; an ordered event is safe in its inbox and
            # the workers' ticker wakes it.
            await services.inbox.forget_event(event.event_id)
        raise
    EVENTS.labels(route).inc()


def run(settings: Settings, host: str, port: int) -> None:
    """Serve the web app with uvicorn."""
    import uvicorn

    from bot.logging import configure

    configure(settings.log_level, settings.log_json)
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        proxy_headers=True,
    )
