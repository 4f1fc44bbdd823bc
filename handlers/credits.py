"""Credits: available, frozen and total in one short message."""

from __future__ import annotations

from bot import messages as m
from bot.context import Ctx
from bot.events import Inbound


def _amount(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


async def handle(ctx: Ctx, event: Inbound) -> None:
    credits = await ctx.backend.credits()
    await ctx.say(
        ctx.t(
            "credits",
            available=_amount(credits.available),
            frozen=_amount(credits.frozen),
            total=_amount(credits.total),
        ),
        m.after_draft(ctx.lang)[:2],
    )
