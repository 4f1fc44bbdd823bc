"""The Messaging API and data API endpoints the bot calls, answering as LINE does."""

from __future__ import annotations

import json
import time
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from linesim.ids import CHAT_ID_RE, USER_ID_RE, UUID_RE, new_message_id, new_quote_token
from linesim.settings import Settings
from linesim.store import DEFAULT_FAULT_MESSAGES, AcceptedKey, Store
from linesim.validate import error_body, loading_seconds_ok, validate_push, validate_reply
from linesim.webhook import test_endpoint

router = APIRouter()

QUOTABLE_SENT = frozenset({"text", "sticker", "image", "video"})
AUTH_FAILED = ("Authentication failed. Confirm that the access token in the authorization "
               "header is valid.")
AUTH_REQUIRED = ("Authorization header required. Must follow the scheme, "
                 "'Authorization: Bearer <ACCESS TOKEN>'")


def store_of(request: Request) -> Store:
    """The server's state."""
    store: Store = request.app.state.store
    return store


def settings_of(request: Request) -> Settings:
    """The server's settings."""
    settings: Settings = request.app.state.settings
    return settings


def line_error(status: int, message: str, **extra: Any) -> JSONResponse:
    """An error body as LINE writes them: {"message": ..., ...}."""
    return JSONResponse({"message": message, **extra}, status_code=status)


def invalid_property(name: str) -> JSONResponse:
    """LINE's wording for a property of the wrong shape."""
    return line_error(400, f"The property, '{name}', in the request body is invalid "
                           "(line: -, column: -)")


def guard(request: Request, endpoint: str | None) -> JSONResponse | None:
    """Bearer check, then any injected fault for `endpoint`."""
    header = request.headers.get("authorization", "")
    if not header.startswith("Bearer "):
        return line_error(401, AUTH_REQUIRED)
    if header[len("Bearer "):] != settings_of(request).channel_token:
        return line_error(401, AUTH_FAILED)
    if endpoint is not None:
        fault = store_of(request).take_fault(endpoint)
        if fault is not None:
            return line_error(fault.status,
                              fault.message or DEFAULT_FAULT_MESSAGES.get(fault.status, "Error"))
    return None


async def json_body(request: Request) -> tuple[Any, JSONResponse | None]:
    """The parsed body, or LINE's answer to a body that is not JSON."""
    raw = await request.body()
    try:
        return json.loads(raw), None
    except ValueError:
        return None, line_error(400, "The request body could not be parsed as JSON")


def sent_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sentMessages answer: an id per message, a quoteToken for quotable ones."""
    out: list[dict[str, Any]] = []
    for message in messages:
        item: dict[str, Any] = {"id": new_message_id()}
        if message.get("type") in QUOTABLE_SENT:
            item["quoteToken"] = new_quote_token()
        out.append(item)
    return out


def refused(store: Store, chat: str, what: str, response: JSONResponse) -> JSONResponse:
    """Show LINE's refusal (any error linesim answered the bot) on the chat page."""
    store.add_feed("error", chat, what=what, status=response.status_code,
                   body=json.loads(bytes(response.body)))
    return response


@router.post("/v2/bot/message/reply")
async def reply(request: Request) -> Response:
    """Reply with a single-use token (free)."""
    store = store_of(request)
    body, bad = await json_body(request)
    token = body.get("replyToken") if isinstance(body, dict) else None
    chat = store.token_chat(token) if isinstance(token, str) else ""
    if (denied := guard(request, "reply")) is not None:
        return refused(store, chat, "reply", denied)
    if bad is not None:
        return refused(store, chat, "reply", bad)
    if request.headers.get("x-line-retry-key") is not None:
        # LINE accepts retry keys on push-type endpoints only.
        return refused(store, chat, "reply", line_error(
            400, "The X-Line-Retry-Key header cannot be used with this endpoint"))
    details = validate_reply(body, allow_http_media=settings_of(request).allow_http_media)
    if details:
        return refused(store, chat, "reply", JSONResponse(error_body(details), status_code=400))
    entry = store.usable_token(body["replyToken"])
    if entry is None:
        return refused(store, chat, "reply", line_error(400, "Invalid reply token"))
    entry.used = True
    messages = body["messages"]
    answer = sent_messages(messages)
    store.record_sent("reply", entry.chat_id, messages, None, answer)
    return JSONResponse({"sentMessages": answer})


@router.post("/v2/bot/message/push")
async def push(request: Request) -> Response:
    """Push to a user, group or room; counts against the monthly quota per recipient."""
    store = store_of(request)
    body, bad = await json_body(request)
    to = body.get("to") if isinstance(body, dict) else None
    chat = to if isinstance(to, str) else ""
    if (denied := guard(request, "push")) is not None:
        return refused(store, chat, "push", denied)
    if bad is not None:
        return refused(store, chat, "push", bad)
    key = request.headers.get("x-line-retry-key")
    if key is not None:
        if not UUID_RE.match(key):
            return refused(store, chat, "push", line_error(
                400, "The value of the X-Line-Retry-Key header is invalid"))
        accepted = store.accepted_key(key.lower())
        if accepted is not None:
            # Already delivered: say so and deliver nothing twice.
            return JSONResponse(
                {"message": "The retry key is already accepted",
                 "sentMessages": accepted.sent_messages},
                status_code=409, headers={"X-Line-Accepted-Request-Id": accepted.request_id})
    if not isinstance(to, str) or not CHAT_ID_RE.match(to):
        return refused(store, chat, "push", invalid_property("to"))
    details = validate_push(body, allow_http_media=settings_of(request).allow_http_media)
    if details:
        return refused(store, chat, "push", JSONResponse(error_body(details), status_code=400))
    count = store.recipients(to)
    if store.quota_limit is not None and store.quota_used + count > store.quota_limit:
        return refused(store, chat, "push",
                       line_error(429, "You have reached your monthly limit."))
    store.quota_used += count
    messages = body["messages"]
    answer = sent_messages(messages)
    if key is not None:
        store.retry_keys[key.lower()] = store_key(request, answer)
    store.record_sent("push", to, messages, key, answer)
    return JSONResponse({"sentMessages": answer})


def store_key(request: Request, answer: list[dict[str, Any]]) -> AcceptedKey:
    """The record of an accepted retry key (request id from the recorder middleware)."""
    return AcceptedKey(str(request.state.request_id), time.time(), answer)


@router.post("/v2/bot/chat/loading/start")
async def loading_start(request: Request) -> Response:
    """Show the loading animation in a one-to-one chat."""
    store = store_of(request)
    body, bad = await json_body(request)
    chat_id = body.get("chatId") if isinstance(body, dict) else None
    chat = chat_id if isinstance(chat_id, str) else ""
    if (denied := guard(request, "loading")) is not None:
        return refused(store, chat, "loading", denied)
    if bad is not None:
        return refused(store, chat, "loading", bad)
    if not isinstance(chat_id, str) or not USER_ID_RE.match(chat_id):
        # One-to-one chats only: a group or room id is refused.
        return refused(store, chat, "loading", invalid_property("chatId"))
    seconds = body.get("loadingSeconds", 20)
    if not loading_seconds_ok(seconds):
        return refused(store, chat, "loading", JSONResponse(error_body([{
            "message": "Must be one of the following values: "
                       "[5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]",
            "property": "loadingSeconds"}]), status_code=400))
    store.loading[chat_id] = time.time() + seconds
    store.add_feed("loading", chat_id, seconds=seconds)
    return JSONResponse({}, status_code=202)


@router.get("/v2/bot/profile/{user_id}")
async def profile(user_id: str, request: Request) -> Response:
    """A friend's profile; unknown users get 404."""
    if (denied := guard(request, "profile")) is not None:
        return denied
    found = store_of(request).users.get(user_id)
    if found is None:
        return line_error(404, "Not found")
    return JSONResponse(found)


async def _member(request: Request, chat_id: str, user_id: str) -> Response:
    if (denied := guard(request, "profile")) is not None:
        return denied
    store = store_of(request)
    members = store.groups.get(chat_id)
    found = store.users.get(user_id)
    if members is None or user_id not in members or found is None:
        return line_error(404, "Not found")
    return JSONResponse({k: found[k] for k in ("displayName", "userId", "pictureUrl")})


@router.get("/v2/bot/group/{group_id}/member/{user_id}")
async def group_member(group_id: str, user_id: str, request: Request) -> Response:
    """A group member's profile (no status message or language, as LINE)."""
    return await _member(request, group_id, user_id)


@router.get("/v2/bot/room/{room_id}/member/{user_id}")
async def room_member(room_id: str, user_id: str, request: Request) -> Response:
    """A room member's profile."""
    return await _member(request, room_id, user_id)


@router.get("/v2/bot/info")
async def bot_info(request: Request) -> Response:
    """The bot's own account."""
    if (denied := guard(request, None)) is not None:
        return denied
    settings = settings_of(request)
    return JSONResponse({
        "userId": settings.bot_user_id,
        "basicId": "@" + settings.bot_user_id[1:9],
        "displayName": settings.bot_display_name,
        "pictureUrl": f"https://profile.line-scdn.net/{settings.bot_user_id}",
        "chatMode": "bot",
        "markAsReadMode": "auto",
    })


@router.get("/v2/bot/message/quota")
async def quota(request: Request) -> Response:
    """The monthly push limit: type 'none' when unlimited."""
    if (denied := guard(request, None)) is not None:
        return denied
    limit = store_of(request).quota_limit
    if limit is None:
        return JSONResponse({"type": "none"})
    return JSONResponse({"type": "limited", "value": limit})


@router.get("/v2/bot/message/quota/consumption")
async def quota_consumption(request: Request) -> Response:
    """Pushes counted this month."""
    if (denied := guard(request, None)) is not None:
        return denied
    return JSONResponse({"totalUsage": store_of(request).quota_used})


@router.post("/v2/bot/chat/markAsRead")
async def mark_as_read_by_token(request: Request) -> Response:
    """Mark messages read with the event's markAsReadToken."""
    if (denied := guard(request, None)) is not None:
        return denied
    body, bad = await json_body(request)
    if bad is not None:
        return bad
    token = body.get("markAsReadToken") if isinstance(body, dict) else None
    if not isinstance(token, str) or token not in store_of(request).read_tokens:
        return invalid_property("markAsReadToken")
    return JSONResponse({})


@router.post("/v2/bot/message/markAsRead")
async def mark_as_read(request: Request) -> Response:
    """The older form: {"chat": {"userId": ...}}."""
    if (denied := guard(request, None)) is not None:
        return denied
    body, bad = await json_body(request)
    if bad is not None:
        return bad
    chat = body.get("chat") if isinstance(body, dict) else None
    user_id = chat.get("userId") if isinstance(chat, dict) else None
    if not isinstance(user_id, str) or not USER_ID_RE.match(user_id):
        return invalid_property("chat.userId")
    return JSONResponse({})


@router.get("/v2/bot/message/{message_id}/content")
async def content(message_id: str, request: Request) -> Response:
    """The bytes a user sent: 202 while transcoding, 404 unknown, 410 unsent."""
    if (denied := guard(request, "content")) is not None:
        return denied
    item = store_of(request).content.get(message_id)
    if item is None:
        return line_error(404, "Not found")
    if item.state == "gone":
        return line_error(410, "Gone")
    if item.state == "transcoding":
        return Response(status_code=202)
    if item.state == "failed":
        return line_error(404, "Not found")
    return Response(item.data, media_type=item.content_type,
                    headers={"Content-Length": str(len(item.data))})


@router.get("/v2/bot/message/{message_id}/content/transcoding")
async def transcoding(message_id: str, request: Request) -> Response:
    """Whether a video or audio is ready to download."""
    if (denied := guard(request, "content")) is not None:
        return denied
    item = store_of(request).content.get(message_id)
    if item is None:
        return line_error(404, "Not found")
    if item.state == "gone":
        return line_error(410, "Gone")
    status = {"transcoding": "processing", "failed": "failed"}.get(item.state, "succeeded")
    return JSONResponse({"status": status})


@router.get("/v2/bot/channel/webhook/endpoint")
async def webhook_endpoint(request: Request) -> Response:
    """The webhook URL the channel is set to, as LINE reports it."""
    if (refusal := guard(request, None)) is not None:
        return refusal
    return JSONResponse({"endpoint": settings_of(request).webhook_url, "active": True})


@router.post("/v2/bot/channel/webhook/test")
async def webhook_test(request: Request) -> Response:
    """LINE's webhook test: an empty, signed event list sent to the endpoint."""
    if (refusal := guard(request, None)) is not None:
        return refusal
    body, _ = await json_body(request)
    settings = settings_of(request)
    endpoint = body.get("endpoint") if isinstance(body, dict) else None
    result = await test_endpoint(settings, endpoint or settings.webhook_url)
    return JSONResponse(result)
