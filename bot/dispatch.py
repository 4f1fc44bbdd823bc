"""The intent table assembled: each intent's handler, and what happens when one fails.

This is the one place ``bot`` imports ``handlers``. A handler's error becomes a friendly
sentence in the user's language; nothing a handler raises reaches LINE or kills a worker.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import structlog

from bot import messages as m
from bot.context import Ctx, build
from bot.events import Inbound
from bot.intents import Intent, addressed, classify
from bot.line.api import LineError
from bot.metrics import ERRORS, INTENTS
from bot.services import Services
from bot.user_errors import explain
from handlers import chat, collect, credits, export, lifecycle, other, status, upload

log = structlog.get_logger(__name__)

Handler = Callable[[Ctx, Inbound], Awaitable[None]]

HANDLERS: dict[Intent, Handler] = {
    Intent.EXPORT: export.handle,
    Intent.CREDITS: credits.handle,
    Intent.STATUS: status.handle,
    Intent.UPLOAD: upload.handle,
    Intent.UPLOAD_URL: upload.handle,
    Intent.UPLOAD_HOW: other.upload_how,
    Intent.CHAT: chat.handle,
    Intent.HELP: other.help_,
    Intent.COLLECT: collect.handle,
    Intent.GREET: lifecycle.greet,
    Intent.FORGET: lifecycle.forget,
    Intent.STICKER: other.sticker,
    Intent.LOCATION: other.location,
    Intent.UNSUPPORTED: other.unsupported,
}


async def dispatch(services: Services, event: Inbound) -> None:
    """Handle one event with the handler its intent names."""
    chat_ref = event.chat
    if chat_ref is None:
        return
    if addressed(event) == "maybe" and not await services.memory.is_bot_message(
        chat_ref.chat_id, event.quoted_message_id or ""
    ):
        return  # a group reply to someone else's message: not for the bot
    intent = classify(event)
    handler = HANDLERS.get(intent)
    if handler is None:
        return
    structlog.contextvars.bind_contextvars(event_id=event.event_id, intent=str(intent))
    INTENTS.labels(str(intent)).inc()
    try:
        ctx = await build(services, event, chat_ref)
        await _run(ctx, handler)
    finally:
        structlog.contextvars.unbind_contextvars("event_id", "intent")


async def poll_render(services: Services, render_key: str) -> None:
    """One poll step of an export (the export handler owns the workflow)."""
    await export.poll(services, render_key)


async def resume_interrupted(services: Services, event: Inbound) -> None:
    """An event a dead worker left behind: finish it without sending it twice."""
    chat_ref = event.chat
    if chat_ref is None:
        return
    if not await services.inbox.was_sent(chat_ref.key, event.event_id):
        await dispatch(services, event)
        return
    log.warning("dispatch.resume_after_send", event_id=event.event_id)
    ctx = await build(services, event, chat_ref)
    await _run(ctx, _tell_interrupted)


async def _tell_interrupted(ctx: Ctx, event: Inbound) -> None:
    await ctx.say(ctx.t("run_interrupted"))
    await status.handle(ctx, event)


async def _run(ctx: Ctx, handler: Handler) -> None:
    try:
        await handler(ctx, ctx.event)
    except Exception as error:
        ident = await ctx.services.sessions.get(ctx.chat.key)
        sentence, code = explain(
            error,
            ctx.lang,
            web_url=ctx.services.settings.nemo_web_url,
            client_id=ident.client_id if ident else None,
            anonymous=ctx.services.operator_token is None,
        )
        ERRORS.labels(code).inc()
        internal = code == "internal"
        (log.exception if internal else log.warning)(
            "dispatch.failed", code=code, error=type(error).__name__
        )
        try:
            await ctx.say(sentence, m.getting_started(ctx.lang) if internal else None)
        except LineError as line_error:
            log.error("dispatch.apology_failed", status=line_error.status)
