"""Upload: files, photos, clips and audio from LINE, and links, into the user's project.

The event's name and size are checked first; the content then streams from LINE's
data API straight into the backend's multipart upload, never held whole in memory.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot import messages as m
from bot.context import Ctx
from bot.events import Inbound
from bot.line.api import LineError
from bot.nemo.errors import FileTooLarge, UnsupportedFile
from bot.store.sessions import Identity
from bot.uploads import MAX_UPLOAD_BYTES, UploadPlan, plan

TRANSCODING_WAIT_SECONDS = 90
TRANSCODING_POLL_SECONDS = 3


class ContentUnavailable(Exception):
    """LINE has no content for the message (unsent, expired, or still preparing)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


async def handle(ctx: Ctx, event: Inbound) -> None:
    if event.message_type == "text":
        await ctx.backend.upload_url(event.text.strip())
        await ctx.say(ctx.t("upload_received_url"), _doc_choices(ctx))
        return
    upload = plan(event)
    if upload.verdict == "unsupported":
        raise UnsupportedFile(upload.name)
    if upload.verdict == "too_large":
        raise FileTooLarge(upload.name)
    if event.external_content:
        await ctx.say(ctx.t("upload_external"))
        return
    assert event.message_id
    await ctx.conversation.loading(30)
    try:
        if event.message_type in ("video", "audio"):
            await _wait_until_ready(ctx, event.message_id)
        await ctx.backend.call(lambda ident: _stream(ctx, ident, event.message_id or "", upload))
    except ContentUnavailable as gone:
        await ctx.say(ctx.t(gone.key))
        return
    await _acknowledge(ctx, upload)


async def _wait_until_ready(ctx: Ctx, message_id: str) -> None:
    """Videos and audio are transcoded by LINE before their content can be fetched."""
    waited = 0
    while True:
        try:
            status = await ctx.services.line.transcoding(message_id)
        except LineError as error:
            if error.status in (404, 410):
                raise ContentUnavailable("upload_gone") from error
            return  # no transcoding information: try the content itself
        if status == "succeeded":
            return
        if status == "failed":
            raise ContentUnavailable("upload_gone")
        if waited >= TRANSCODING_WAIT_SECONDS:
            raise ContentUnavailable("upload_not_ready")
        await asyncio.sleep(TRANSCODING_POLL_SECONDS)
        waited += TRANSCODING_POLL_SECONDS


async def _stream(ctx: Ctx, ident: Identity, message_id: str, upload: UploadPlan) -> Any:
    """One upload attempt; a retry (new token or session) fetches the content again."""
    assert ident.token and ident.session_id
    async with ctx.services.line.content(message_id) as response:
        if response.status_code in (404, 410):
            raise ContentUnavailable("upload_gone")
        if response.status_code == 202:
            raise ContentUnavailable("upload_not_ready")
        if response.status_code >= 400:
            raise ContentUnavailable("upload_gone")
        size = int(response.headers.get("content-length") or -1)
        if size > MAX_UPLOAD_BYTES:
            raise FileTooLarge(upload.name)
        if size < 0:
            raise ContentUnavailable("upload_not_ready")
        return await ctx.backend.client.upload_stream(
            ident.token,
            ident.session_id,
            upload.name,
            upload.content_type,
            size,
            response.aiter_bytes(64 * 1024),
        )


def _doc_choices(ctx: Ctx) -> list[m.Choice]:
    return [
        m.Choice(ctx.t("qr_use_doc"), ctx.t("qr_make_text")),
        m.Choice(ctx.t("qr_add_photo"), data="a=upload"),
    ]


async def _acknowledge(ctx: Ctx, upload: UploadPlan) -> None:
    if upload.kind == "doc":
        await ctx.say(ctx.t("upload_received_doc", name=upload.name), _doc_choices(ctx))
        return
    key = {"image": "upload_received_image", "video": "upload_received_video"}.get(
        upload.kind, "upload_received_audio"
    )
    await ctx.say(ctx.t(key), [m.Choice(ctx.t("qr_make"), ctx.t("qr_make_text"))])
