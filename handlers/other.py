"""Messages that need no backend: help, stickers, locations, unsupported types."""

from __future__ import annotations

from bot import messages as m
from bot.context import Ctx
from bot.events import Inbound
from bot.texts import accepted_formats


async def help_(ctx: Ctx, event: Inbound) -> None:
    await ctx.say(ctx.t("help"), m.getting_started(ctx.lang))


async def sticker(ctx: Ctx, event: Inbound) -> None:
    await ctx.say(ctx.t("sticker"), m.getting_started(ctx.lang))


async def location(ctx: Ctx, event: Inbound) -> None:
    await ctx.say(ctx.t("location"), m.getting_started(ctx.lang))


async def unsupported(ctx: Ctx, event: Inbound) -> None:
    await ctx.say(ctx.t("unsupported_message"), m.getting_started(ctx.lang))


async def upload_how(ctx: Ctx, event: Inbound) -> None:
    await ctx.say(ctx.t("upload_how", formats=accepted_formats(ctx.lang)))
