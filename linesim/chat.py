"""The chat page's API: a person chatting with the bot through linesim (issue #4).

The page (static/index.html) talks only to these endpoints; every action becomes a webhook
event delivered exactly as /_sim/webhook delivers it (signed, reply token registered).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, JSONResponse

from linesim import events
from linesim.api import settings_of, store_of
from linesim.ids import new_group_id, new_message_id, new_user_id
from linesim.settings import Settings
from linesim.store import Content, Store
from linesim.webhook import UnknownEvent, deliver

router = APIRouter()
STATIC = Path(__file__).parent / "static"
STATIC_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
                ".js": "text/javascript; charset=utf-8"}

IMAGE_EXT = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
VIDEO_EXT = {".mp4", ".mov", ".avi", ".webm", ".mkv", ".m4v"}
AUDIO_EXT = {".mp3", ".wav", ".m4a", ".aac", ".ogg"}
# How long a page-uploaded video or audio stays 'transcoding' (LINE prepares large media).
TRANSCODE_SECONDS = 1.5

PROFILES = {
    "ja": {"displayName": "山田 花子", "language": "ja", "statusMessage": "カフェ店長です"},
    "en": {"displayName": "Alex Smith", "language": "en", "statusMessage": "Cafe owner"},
}
MEMBERS = [("佐藤 健", "ja"), ("Emily Brown", "en")]


@dataclass
class ChatState:
    """Who the person on the page is; survives /_sim/reset."""

    user_id: str = field(default_factory=new_user_id)
    group_id: str = field(default_factory=new_group_id)
    member_ids: list[str] = field(default_factory=lambda: [new_user_id() for _ in MEMBERS])
    lang: str = "ja"

    def ensure(self, store: Store) -> None:
        """(Re)create the page user's profile and the group after a reset."""
        if self.user_id not in store.users or store.users[self.user_id]["language"] != self.lang:
            p = PROFILES[self.lang]
            store.add_user(self.user_id, p["displayName"], p["language"],
                           status_message=p["statusMessage"])
        for uid, (name, lang) in zip(self.member_ids, MEMBERS, strict=True):
            if uid not in store.users:
                store.add_user(uid, name, lang)
        if self.group_id not in store.groups:
            store.groups[self.group_id] = [self.user_id, *self.member_ids]


def chat_state(request: Request) -> ChatState:
    """The page's state, created on first use."""
    app_state = request.app.state
    if not hasattr(app_state, "chat"):
        app_state.chat = ChatState()
    state: ChatState = app_state.chat
    state.ensure(store_of(request))
    return state


def event_kind(content_type: str, file_name: str, as_file: bool) -> str:
    """Which message type LINE delivers for an upload.

    Documents are `file`; photos, clips and sound from a phone's picker are image, video and
    audio; anything dropped in 'as a file' (desktop) stays a file, mp4 included.
    """
    if as_file:
        return "file"
    ext = Path(file_name).suffix.lower()
    major = content_type.split("/", 1)[0].lower()
    if major == "image" and (ext in IMAGE_EXT or not ext):
        return "image"
    if major == "video" or ext in VIDEO_EXT:
        return "video"
    if major == "audio" or ext in AUDIO_EXT:
        return "audio"
    if ext in IMAGE_EXT:
        return "image"
    return "file"


def mention_bot(text: str, bot_name: str, bot_user_id: str) -> dict[str, Any] | None:
    """A mention of the bot when the text contains '@<bot name>' (UTF-16 index/length)."""
    token = "@" + bot_name
    start = text.find(token)
    if start < 0:
        return None
    index = len(text[:start].encode("utf-16-le")) // 2
    length = len(token.encode("utf-16-le")) // 2
    return {"mentionees": [{"index": index, "length": length, "type": "user",
                            "userId": bot_user_id, "isSelf": True}]}


def where(state: ChatState, chat: Any) -> dict[str, Any]:
    """Builder keyword for the chosen view: the 1:1 chat or the group."""
    return {"group_id": state.group_id} if chat == "group" else {}


async def body_of(request: Request) -> dict[str, Any]:
    """The JSON object body ({} when empty or not an object)."""
    raw = await request.body()
    if not raw.strip():
        return {}
    value = await request.json()
    return value if isinstance(value, dict) else {}


async def send(request: Request, event: dict[str, Any]) -> Response:
    """Deliver one event and answer the delivery result."""
    result = await deliver(settings_of(request), store_of(request), [event])
    return JSONResponse(result)


@router.get("/", include_in_schema=False)
@router.get("/chat", include_in_schema=False)
async def page() -> Response:
    """The chat page."""
    return FileResponse(STATIC / "index.html", media_type=STATIC_TYPES[".html"],
                        headers={"Cache-Control": "no-store"})


@router.get("/static/{name}", include_in_schema=False)
async def static(name: str) -> Response:
    """The page's CSS and JS (package data; no build step)."""
    path = STATIC / name
    if "/" in name or path.suffix not in STATIC_TYPES or not path.is_file():
        return JSONResponse({"message": "Not found"}, status_code=404)
    return FileResponse(path, media_type=STATIC_TYPES[path.suffix],
                        headers={"Cache-Control": "no-store"})


@router.get("/chat/api/state")
async def state_view(request: Request) -> Response:
    """Who is who: the page user, the group, the bot, the token lifetime."""
    state = chat_state(request)
    store = store_of(request)
    settings: Settings = settings_of(request)
    return JSONResponse({
        "me": store.users[state.user_id],
        "group": {"groupId": state.group_id,
                  "members": [store.users[u] for u in store.groups[state.group_id]
                              if u in store.users]},
        "bot": {"userId": settings.bot_user_id, "displayName": settings.bot_display_name},
        "lang": state.lang,
        "reply_token_ttl": store.reply_token_ttl,
        "webhook_url": settings.webhook_url,
    })


@router.post("/chat/api/lang")
async def set_lang(request: Request) -> Response:
    """Switch the simulated user's profile between Japanese and English."""
    body = await body_of(request)
    lang = body.get("lang")
    if lang not in PROFILES:
        return JSONResponse({"message": "lang must be ja or en"}, status_code=400)
    state = chat_state(request)
    state.lang = str(lang)
    state.ensure(store_of(request))
    return await state_view(request)


@router.get("/chat/api/feed")
async def feed(request: Request, after: int = 0) -> Response:
    """New page entries after `after`, plus the loading animations still showing."""
    chat_state(request)
    store = store_of(request)
    now = time.time()
    loading = {chat: round(until - now, 1) for chat, until in store.loading.items()
               if until > now}
    entries = [e for e in store.feed if e["seq"] > after]
    return JSONResponse({"entries": entries, "loading": loading, "seq": store.seq})


@router.post("/chat/api/text")
async def send_text(request: Request) -> Response:
    """The person typed a message (in a group, '@<bot name>' mentions the bot)."""
    body = await body_of(request)
    text = str(body.get("text") or "")
    if not text.strip():
        return JSONResponse({"message": "text is empty"}, status_code=400)
    state = chat_state(request)
    settings = settings_of(request)
    event = events.text_event(state.user_id, text, quoted_message_id=body.get("quotedMessageId"),
                              **where(state, body.get("chat")))
    if body.get("chat") == "group":
        mention = mention_bot(text, settings.bot_display_name, settings.bot_user_id)
        if mention is not None:
            event["message"]["mention"] = mention
    return await send(request, event)


@router.post("/chat/api/postback")
async def send_postback(request: Request) -> Response:
    """A tap on a postback button or quick reply (a fresh reply token, free for the bot)."""
    body = await body_of(request)
    state = chat_state(request)
    params = body.get("params")
    event = events.postback_event(state.user_id, str(body.get("data") or ""),
                                  params=params if isinstance(params, dict) else None,
                                  **where(state, body.get("chat")))
    if body.get("displayText"):
        # Not part of LINE's event: only for the page to show what the person "said".
        store_of(request).add_feed("user", event["source"].get("groupId", state.user_id),
                                   user=state.user_id, message={"type": "text",
                                                                "text": body["displayText"]},
                                   display_only=True)
    return await send(request, event)


@router.post("/chat/api/location")
async def send_location(request: Request) -> Response:
    """A location (from a quick reply's location action)."""
    body = await body_of(request)
    state = chat_state(request)
    return await send(request, events.location_event(state.user_id,
                                                     **where(state, body.get("chat"))))


@router.post("/chat/api/sticker")
async def send_sticker(request: Request) -> Response:
    """A sticker."""
    body = await body_of(request)
    state = chat_state(request)
    return await send(request, events.sticker_event(state.user_id,
                                                    **where(state, body.get("chat"))))


@router.post("/chat/api/upload")
async def upload(request: Request, name: str = "file", chat: str = "user", as_file: bool = False,
                 duration_ms: int = 0, set_id: str | None = None, set_index: int = 0,
                 set_total: int = 0) -> Response:
    """Raw file bytes: stored as content, delivered as a file/image/video/audio event."""
    state = chat_state(request)
    store = store_of(request)
    data = await request.body()
    content_type = request.headers.get("content-type") or "application/octet-stream"
    kind = event_kind(content_type, name, as_file)
    message_id = new_message_id()
    slow = kind in ("video", "audio")
    store.content[message_id] = Content(data, content_type, "transcoding" if slow else "ready")
    if slow:
        asyncio.get_running_loop().call_later(TRANSCODE_SECONDS, finish_transcoding, store,
                                              message_id)
    place = where(state, chat)
    if kind == "file":
        event = events.file_event(state.user_id, message_id, name, len(data), **place)
    elif kind == "image":
        image_set = ({"id": set_id, "index": set_index, "total": set_total}
                     if set_id and set_total > 1 else None)
        event = events.image_event(state.user_id, message_id, image_set=image_set, **place)
    elif kind == "video":
        event = events.video_event(state.user_id, message_id, duration_ms, **place)
    else:
        event = events.audio_event(state.user_id, message_id, duration_ms, **place)
    return await send(request, event)


def finish_transcoding(store: Store, message_id: str) -> None:
    """The uploaded media became downloadable (unless reset or unsent meanwhile)."""
    item = store.content.get(message_id)
    if item is not None and item.state == "transcoding":
        item.state = "ready"


@router.get("/chat/api/content/{message_id}")
async def page_content(message_id: str, request: Request) -> Response:
    """The bytes the person sent, for thumbnails on the page (no auth: page only)."""
    item = store_of(request).content.get(message_id)
    if item is None or item.state == "gone":
        return JSONResponse({"message": "Not found"}, status_code=404)
    return Response(item.data, media_type=item.content_type)


@router.post("/chat/api/unsend")
async def unsend(request: Request) -> Response:
    """The person unsent a message: its content answers 410 from now on."""
    body = await body_of(request)
    item = store_of(request).content.get(str(body.get("messageId")))
    if item is not None:
        item.state = "gone"
    return JSONResponse({"ok": item is not None})


@router.post("/chat/api/lifecycle")
async def lifecycle(request: Request) -> Response:
    """follow (friend added), unfollow (blocked), join/leave (bot invited to/removed from group)."""
    body = await body_of(request)
    state = chat_state(request)
    kind = body.get("event")
    if kind == "follow":
        event = events.follow_event(state.user_id, is_unblocked=bool(body.get("unblocked")))
    elif kind == "unfollow":
        event = events.unfollow_event(state.user_id)
    elif kind == "join":
        event = events.join_event(state.group_id)
    elif kind == "leave":
        event = events.leave_event(state.group_id)
    else:
        return JSONResponse({"message": "event must be follow, unfollow, join or leave"},
                            status_code=400)
    return await send(request, event)


@router.post("/chat/api/redeliver")
async def redeliver(request: Request) -> Response:
    """Send stored events again (isRedelivery true, same id and reply token)."""
    body = await body_of(request)
    ids = body.get("eventIds") or []
    try:
        result = await deliver(settings_of(request), store_of(request), [],
                               [str(i) for i in ids])
    except UnknownEvent as exc:
        return JSONResponse({"message": f"unknown webhookEventId: {exc.args[0]}"},
                            status_code=404)
    return JSONResponse(result)
