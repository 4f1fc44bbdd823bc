"""Export: start the render, poll it in short resumable steps, post the video.

The render job is in Redis before the first poll. Each poll is one job step; a
worker killed mid-poll only delays the next step. Delivery pushes with a retry key
derived from the job, so a repeated delivery is never shown twice.
"""

from __future__ import annotations

import time
from typing import Any

import structlog
from linebot.v3.messaging import Message

from bot import draft, preview
from bot import messages as m
from bot.context import Ctx
from bot.events import ChatRef, Inbound
from bot.line.messenger import Conversation, retry_key_for
from bot.metrics import RENDERS
from bot.nemo import urls
from bot.nemo.backend import UserBackend
from bot.nemo.client import RenderStatus
from bot.nemo.errors import BackendUnavailable, NemoError, RateLimited
from bot.services import Services
from bot.store.renders import RenderJob
from bot.texts import text

log = structlog.get_logger(__name__)


def new_render_id() -> str:
    return f"render_{int(time.time() * 1000)}"


async def handle(ctx: Ctx, event: Inbound) -> None:
    await start(ctx)


async def start(ctx: Ctx, preface: str = "") -> None:
    """Start an export of the user's current draft.

    `preface` (the backend's answer that asked for the export) goes out in the same
    call, so one reply or push carries both.
    """
    s = ctx.services
    if await s.renders.active(ctx.chat.key) is not None:
        await _answer(ctx, preface, ctx.t("export_already_running"))
        return
    make = [m.Choice(ctx.t("qr_make"), ctx.t("qr_make_text"))]
    ident = await s.sessions.get(ctx.chat.key)
    if ident is None or not ident.session_id:
        await _answer(ctx, preface, ctx.t("export_nothing"), make)
        return
    state = await ctx.backend.state()
    raw_draft = state.get("draft")
    if not draft.parse(raw_draft).exportable:
        await _answer(ctx, preface, ctx.t("export_nothing"), make)
        return
    ident = await ctx.backend.identity()
    assert ident.session_id
    by_button = not await ctx.conversation.push_possible()
    render_id = new_render_id()
    job = RenderJob(
        key=render_id,
        render_id=render_id,
        chat=ctx.chat.key,
        to=ctx.chat.chat_id,
        lang=ctx.lang,
        session_id=ident.session_id,
        task_id=ident.task_id,
        aspect=_aspect(state),
        by_button=by_button,
    )
    settings = s.settings
    await s.renders.create(
        job,
        time.time() + settings.nemo_render_poll_seconds,
        active_ttl=int(settings.nemo_render_max_seconds) + 600,
    )
    try:
        await ctx.backend.start_render(render_id, raw_draft)
    except Exception:
        await s.renders.finish(job.but(state="failed"))
        raise
    RENDERS.labels("started").inc()
    log.info("export.started", render=render_id)
    if by_button:
        await _answer(ctx, preface, ctx.t("export_started_collect"), m.collect(ctx.lang))
    else:
        await _answer(ctx, preface, ctx.t("export_started"), m.after_draft(ctx.lang)[1:])


async def _answer(ctx: Ctx, preface: str, body: str, choices: list[m.Choice] | None = None) -> None:
    messages = (m.texts(preface) if preface else []) + m.texts(body, choices or [])
    await ctx.send(messages)


def _aspect(state: dict[str, Any]) -> str | None:
    canvas = state.get("canvas_config")
    if isinstance(canvas, dict) and isinstance(canvas.get("aspect"), str):
        return str(canvas["aspect"])
    meta = (state.get("draft") or {}).get("m") if isinstance(state.get("draft"), dict) else None
    return str(meta["aspect"]) if isinstance(meta, dict) and meta.get("aspect") else None


def _chat_for(to: str) -> ChatRef:
    kind = {"C": "group", "R": "room"}.get(to[:1], "user")
    return ChatRef(kind, to, to if kind == "user" else None)  # type: ignore[arg-type]


def _backend(services: Services, job: RenderJob) -> UserBackend:
    return UserBackend(
        services.nemo,
        services.sessions,
        job.chat,
        job.lang,
        services.recovery,
        operator_token=services.operator_token,
    )


async def poll(services: Services, key: str) -> None:
    """One poll step of render job `key` (scheduled again until the job is finished)."""
    job = await services.renders.get(key)
    if job is None:
        return
    if job.state in ("delivered", "failed"):
        await services.renders.finish(job)
        return
    settings = services.settings
    backend = _backend(services, job)
    if job.state == "delivering":  # a worker died while delivering: deliver again, same key
        status = await backend.render_status(job.render_id)
        await _deliver(services, job, status)
        return
    if time.time() - job.started_at > settings.nemo_render_max_seconds:
        await _tell(services, job, "export_timeout")
        await services.renders.finish(job.but(state="failed"))
        RENDERS.labels("timeout").inc()
        return
    try:
        status = await backend.render_status(job.render_id)
    except (BackendUnavailable, RateLimited):
        await services.renders.schedule(key, time.time() + settings.nemo_render_poll_seconds)
        return
    if not status.finished:
        await services.renders.schedule(key, time.time() + settings.nemo_render_poll_seconds)
        return
    if status.status == "failed":
        await _failed(services, job, backend, status)
        return
    await _deliver(services, job, status)


async def _failed(
    services: Services, job: RenderJob, backend: UserBackend, status: RenderStatus
) -> None:
    log.warning(
        "export.render_failed", render=job.render_id, attempt=job.attempt, error=status.error
    )
    if job.attempt >= 2:
        await _tell(services, job, "export_failed")
        await services.renders.finish(job.but(state="failed"))
        RENDERS.labels("failed").inc()
        return
    retry_id = new_render_id()
    try:
        state = await backend.state()
        await backend.start_render(retry_id, state.get("draft"))
    except NemoError:
        await _tell(services, job, "export_failed")
        await services.renders.finish(job.but(state="failed"))
        RENDERS.labels("failed").inc()
        return
    await services.renders.save(job.but(render_id=retry_id, attempt=job.attempt + 1))
    await services.renders.schedule(
        job.key, time.time() + services.settings.nemo_render_poll_seconds
    )
    RENDERS.labels("retried").inc()


async def _deliver(services: Services, job: RenderJob, status: RenderStatus) -> None:
    job = job.but(state="delivering")
    await services.renders.save(job)
    url = status.url or services.nemo.download_url(job.render_id)
    lang = job.lang
    lines = [text(lang, "export_ready", url=url)]
    if job.task_id:
        page = urls.task_page(
            services.settings.nemo_web_url,
            job.task_id,
            job.session_id,
            services.settings.nemo_skill_version,
            services.settings.nemo_skill_platform,
        )
        lines.append(text(lang, "export_task_page", url=page))
    texts = m.texts("\n".join(lines), m.after_draft(lang)[1:])
    preview_url = status.poster_url or await _own_preview(services, job, url)
    video: list[Message] = [m.video(url, preview_url)] if preview_url else []
    conversation = Conversation(
        services.line,
        services.outbox,
        services.memory,
        _chat_for(job.to),
        services.push_policy,
    )
    result = await conversation.send(video + texts, retry_key=retry_key_for(f"video:{job.key}"))
    if result == "failed" and video:
        # LINE refused the video message itself (e.g. a URL it will not play): the link
        # alone still gets the user their video.
        result = await conversation.send(texts, retry_key=retry_key_for(f"link:{job.key}"))
    if result == "failed":
        # Leave the job "delivering": the next step tries again with the same keys.
        await services.renders.schedule(job.key, time.time() + 30)
        return
    await services.renders.finish(job.but(state="delivered"))
    RENDERS.labels("delivered").inc()
    log.info("export.delivered", render=job.render_id, via=result)


async def _own_preview(services: Services, job: RenderJob, video_url: str) -> str | None:
    base = services.settings.public_base_url
    if not base:
        return None
    name = job.key
    if await services.memory.preview(name) is None:
        await services.memory.save_preview(name, await preview.make(video_url, job.aspect))
    return f"{base}/media/preview/{name}.jpg"


async def _tell(services: Services, job: RenderJob, key: str) -> None:
    conversation = Conversation(
        services.line,
        services.outbox,
        services.memory,
        _chat_for(job.to),
        services.push_policy,
    )
    await conversation.send(
        m.texts(text(job.lang, key)), retry_key=retry_key_for(f"{key}:{job.key}")
    )
