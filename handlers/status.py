"""Status: the timeline as a short numbered track summary."""

from __future__ import annotations

from bot import draft
from bot import messages as m
from bot.context import Ctx
from bot.events import Inbound


async def handle(ctx: Ctx, event: Inbound) -> None:
    ident = await ctx.services.sessions.get(ctx.chat.key)
    if ident is None or not ident.session_id:
        # No project yet: say so without spending an anonymous token on it.
        await ctx.say(ctx.t("status_empty"), m.getting_started(ctx.lang))
        return
    current = draft.parse((await ctx.backend.state()).get("draft"))
    if not current.tracks:
        await ctx.say(ctx.t("status_empty"), m.getting_started(ctx.lang))
        return
    await ctx.say(draft.timeline_text(current, ctx.lang), m.after_draft(ctx.lang))
