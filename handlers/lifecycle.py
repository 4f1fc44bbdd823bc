"""Follow and join: a short greeting. Unfollow and leave: the user's data is deleted."""

from __future__ import annotations

import structlog

from bot import messages as m
from bot.context import Ctx
from bot.events import Inbound

log = structlog.get_logger(__name__)


async def greet(ctx: Ctx, event: Inbound) -> None:
    await ctx.say(ctx.t("greeting"), m.getting_started(ctx.lang))


async def forget(ctx: Ctx, event: Inbound) -> None:
    s = ctx.services
    if event.kind == "leave":
        removed = await s.sessions.delete_group(ctx.chat.kind, ctx.chat.chat_id)
        await s.memory.forget_chat(ctx.chat.chat_id)
        await s.outbox.delete(ctx.chat.chat_id)
        log.info("lifecycle.left_group", members=removed)
        return
    await s.sessions.delete(ctx.chat.key)
    await s.inbox.drop(ctx.chat.key)
    await s.renders.delete_for_chat(ctx.chat.key)
    await s.outbox.delete(ctx.chat.chat_id)
    await s.memory.forget_chat(ctx.chat.chat_id)
    log.info("lifecycle.user_forgotten")
