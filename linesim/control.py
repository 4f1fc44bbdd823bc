"""The test switches under /_sim/* (loopback tooling, no auth), as docs/design.md pins them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from linesim.api import settings_of, store_of
from linesim.ids import chat_kind
from linesim.store import CONTENT_STATES, FAULT_ENDPOINTS, Content, Fault
from linesim.webhook import UnknownEvent, deliver

router = APIRouter(prefix="/_sim")


def bad(message: str, status: int = 400) -> JSONResponse:
    """A control-API usage error."""
    return JSONResponse({"message": message}, status_code=status)


async def body_dict(request: Request) -> dict[str, Any] | None:
    """The JSON object body, or None when it is not one (empty counts as {})."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        value = await request.json()
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


@router.post("/reset")
async def reset(request: Request) -> Response:
    """Forget everything: recordings, tokens, content, faults, quota, users, groups, config."""
    store_of(request).reset()
    return JSONResponse({"ok": True})


@router.post("/users")
async def add_user(request: Request) -> Response:
    """Create a profile answered by GET /v2/bot/profile/<id>."""
    body = await body_dict(request)
    if body is None:
        return bad("expected a JSON object")
    user_id = body.get("userId")
    if user_id is not None and chat_kind(str(user_id)) != "user":
        return bad("userId must be 'U' + 32 hex digits")
    profile = store_of(request).add_user(
        user_id, str(body.get("displayName") or "LINEユーザー"), str(body.get("language") or "ja"),
        body.get("pictureUrl"), body.get("statusMessage"))
    return JSONResponse(profile)


@router.get("/users")
async def list_users(request: Request) -> Response:
    """Every profile."""
    return JSONResponse(list(store_of(request).users.values()))


@router.post("/groups")
async def add_group(request: Request) -> Response:
    """A group (or a room, for an 'R' id) and its members; push counts once per member."""
    body = await body_dict(request)
    if body is None:
        return bad("expected a JSON object")
    group_id = str(body.get("groupId") or body.get("roomId") or "")
    members = body.get("memberIds") or []
    if chat_kind(group_id) not in ("group", "room"):
        return bad("groupId must be 'C' (or 'R') + 32 hex digits")
    if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
        return bad("memberIds must be a list of user ids")
    store_of(request).groups[group_id] = list(members)
    return JSONResponse({"groupId": group_id, "memberIds": members})


@router.post("/content/{message_id}")
async def put_content(message_id: str, request: Request, content_type: str | None = None,
                      state: str = "ready") -> Response:
    """Store bytes for the data API; an empty body only changes the state of stored bytes."""
    if state not in CONTENT_STATES:
        return bad(f"state must be one of {', '.join(CONTENT_STATES)}")
    store = store_of(request)
    data = await request.body()
    old = store.content.get(message_id)
    if not data and old is not None:
        data = old.data
    kind = content_type or (old.content_type if old else None) \
        or request.headers.get("content-type") or "application/octet-stream"
    store.content[message_id] = Content(data, kind, state)
    return JSONResponse({"messageId": message_id, "size": len(data), "contentType": kind,
                         "state": state})


@router.post("/webhook")
async def webhook(request: Request) -> Response:
    """Complete, sign and deliver events; answer the bot's HTTP status and the events sent."""
    body = await body_dict(request)
    if body is None:
        return bad("expected a JSON object")
    events = body.get("events") or []
    redeliver = body.get("redeliver_of") or []
    if not isinstance(events, list) or not all(isinstance(e, dict) and "type" in e
                                               for e in events):
        return bad("events must be a list of objects with a type")
    if not isinstance(redeliver, list):
        return bad("redeliver_of must be a list of webhookEventIds")
    try:
        result = await deliver(settings_of(request), store_of(request), events,
                               [str(r) for r in redeliver])
    except UnknownEvent as exc:
        return bad(f"unknown webhookEventId: {exc.args[0]}", 404)
    return JSONResponse(result)


@router.get("/sent")
async def sent(request: Request, to: str | None = None) -> Response:
    """Accepted replies and pushes, in order, optionally for one chat."""
    records = store_of(request).sent
    return JSONResponse([r for r in records if to is None or r["to"] == to])


@router.get("/requests")
async def requests_log(request: Request) -> Response:
    """Every Messaging/data API call, accepted or refused (token masked)."""
    return JSONResponse(store_of(request).requests)


@router.post("/faults")
async def faults(request: Request) -> Response:
    """The next `times` calls to an endpoint fail with `status`."""
    body = await body_dict(request)
    if body is None:
        return bad("expected a JSON object")
    endpoint = body.get("endpoint")
    status = body.get("status")
    times = body.get("times", 1)
    if endpoint not in FAULT_ENDPOINTS:
        return bad(f"endpoint must be one of {', '.join(FAULT_ENDPOINTS)}")
    if not isinstance(status, int) or not 400 <= status <= 599:
        return bad("status must be an HTTP error status (429, 500, 503)")
    if not isinstance(times, int) or times < 0:
        return bad("times must be a non-negative integer")
    store = store_of(request)
    if times == 0:
        store.faults.pop(endpoint, None)
    else:
        store.faults[endpoint] = Fault(status, str(body.get("message") or ""), times)
    return JSONResponse({"endpoint": endpoint, "status": status, "times": times})


@router.post("/quota")
async def quota(request: Request) -> Response:
    """Set the monthly push limit (null: unlimited); `used` optionally sets consumption."""
    body = await body_dict(request)
    if body is None or ("limit" not in body and "used" not in body):
        return bad('expected {"limit": N|null}')
    store = store_of(request)
    if "limit" in body:
        limit = body["limit"]
        if limit is not None and (not isinstance(limit, int) or limit < 0):
            return bad("limit must be a non-negative integer or null")
        store.quota_limit = limit
    if "used" in body:
        used = body["used"]
        if not isinstance(used, int) or used < 0:
            return bad("used must be a non-negative integer")
        store.quota_used = used
    return JSONResponse({"limit": store.quota_limit, "used": store.quota_used})


@router.post("/config")
async def config(request: Request) -> Response:
    """Run-time settings: reply_token_ttl (seconds)."""
    body = await body_dict(request)
    if body is None:
        return bad("expected a JSON object")
    store = store_of(request)
    if "reply_token_ttl" in body:
        ttl = body["reply_token_ttl"]
        if isinstance(ttl, bool) or not isinstance(ttl, int | float) or ttl < 0:
            return bad("reply_token_ttl must be a non-negative number of seconds")
        store.reply_token_ttl = float(ttl)
    return await get_config(request)


@router.get("/config")
async def get_config(request: Request) -> Response:
    """Current run-time settings and the bot's identity."""
    settings = settings_of(request)
    store = store_of(request)
    return JSONResponse({"reply_token_ttl": store.reply_token_ttl,
                         "bot_user_id": settings.bot_user_id,
                         "webhook_url": settings.webhook_url,
                         "allow_http_media": settings.allow_http_media,
                         "quota": {"limit": store.quota_limit, "used": store.quota_used}})
