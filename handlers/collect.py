"""The "get my video" button: its tap brings a fresh reply token, so late results
that push could not deliver are sent now, for free."""

from __future__ import annotations

from bot import messages as m
from bot.context import Ctx
from bot.events import Inbound


async def handle(ctx: Ctx, event: Inbound) -> None:
    s = ctx.services
    if await ctx.conversation.deliver_waiting():
        return
    if await s.renders.active(ctx.chat.key) is not None or await s.inbox.is_leased(ctx.chat.key):
        await ctx.say(ctx.t("collect_pending"), m.collect(ctx.lang))
        return
    await ctx.say(ctx.t("collect_nothing"), m.after_draft(ctx.lang))
