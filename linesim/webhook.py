"""Webhook delivery: complete partial events, sign the body, POST it to the bot."""

from __future__ import annotations

import copy
import time
from typing import Any

import httpx

from linesim.events import CONTENT_MESSAGE_TYPES, QUOTABLE_MESSAGE_TYPES, REPLYABLE_TYPES
from linesim.ids import new_message_id, new_quote_token, new_reply_token, new_ulid
from linesim.settings import Settings
from linesim.signer import signed_body
from linesim.store import Store

Event = dict[str, Any]
LINE_TIMEOUT_MS = 2000


class UnknownEvent(KeyError):
    """A redelivery asked for a webhookEventId linesim never sent."""


def chat_of(event: Event) -> str:
    """The chat an event belongs to: group, room, or the user's 1:1 chat."""
    src = event.get("source") or {}
    if not isinstance(src, dict):
        return ""
    for key in ("groupId", "roomId", "userId"):
        value = src.get(key)
        if isinstance(value, str):
            return value
    return ""


def complete(partial: Event, store: Store) -> Event:
    """Fill in what LINE always sends and register the event's tokens as valid."""
    event = copy.deepcopy(partial)
    now_ms = int(time.time() * 1000)
    event.setdefault("mode", "active")
    event.setdefault("timestamp", now_ms)
    event.setdefault("webhookEventId", new_ulid(int(event["timestamp"])))
    event.setdefault("deliveryContext", {"isRedelivery": False})
    kind = event.get("type")
    if kind in REPLYABLE_TYPES:
        event.setdefault("replyToken", new_reply_token())
    if isinstance(event.get("replyToken"), str):
        store.issue_token(event["replyToken"], chat_of(event))
    message = event.get("message")
    if kind == "message" and isinstance(message, dict):
        message.setdefault("id", new_message_id())
        mtype = message.get("type")
        if mtype in QUOTABLE_MESSAGE_TYPES:
            message.setdefault("quoteToken", new_quote_token())
        if mtype in CONTENT_MESSAGE_TYPES - {"file"}:
            message.setdefault("contentProvider", {"type": "line"})
        if "markAsReadToken" not in message:
            message["markAsReadToken"] = store.new_read_token()
        else:
            store.read_tokens.add(str(message["markAsReadToken"]))
    if kind == "follow":
        event.setdefault("follow", {"isUnblocked": False})
    store.delivered[str(event["webhookEventId"])] = copy.deepcopy(event)
    return event


def redelivery(event_id: str, store: Store) -> Event:
    """A stored event again, flagged as redelivered, same id and reply token."""
    stored = store.delivered.get(event_id)
    if stored is None:
        raise UnknownEvent(event_id)
    event = copy.deepcopy(stored)
    event["deliveryContext"] = {"isRedelivery": True}
    if isinstance(event.get("replyToken"), str):
        store.rearm_token(event["replyToken"])
    return event


def show_on_page(event: Event, store: Store) -> None:
    """Mirror what the user did on the chat page (events sent by tests included)."""
    kind = event.get("type")
    chat = chat_of(event)
    src = event.get("source") or {}
    user = src.get("userId") if isinstance(src, dict) else None
    common = {"user": user, "event_id": event.get("webhookEventId"),
              "redelivery": event["deliveryContext"]["isRedelivery"]}
    if kind == "message":
        store.add_feed("user", chat, message=event.get("message"), **common)
    elif kind == "postback":
        store.add_feed("user", chat, postback=event.get("postback"), **common)
    elif kind in ("follow", "unfollow", "join", "leave"):
        store.add_feed("system", chat, event=kind)


def note_failure(store: Store, events: list[Event], status: int, error: str) -> None:
    """Tell the chat page the bot did not take the webhook (the page offers redelivery)."""
    if events:
        store.add_feed("system", chat_of(events[0]), webhook_status=status, error=error,
                       event_ids=[e["webhookEventId"] for e in events])


async def deliver(settings: Settings, store: Store, partial_events: list[Event],
                  redeliver_of: list[str] | None = None) -> dict[str, Any]:
    """Send one signed webhook; answer {"status": bot's HTTP status, "events": [...]}.

    Status 0 with an `error` text when the bot could not be reached.
    """
    events = [redelivery(eid, store) for eid in redeliver_of or []]
    events += [complete(p, store) for p in partial_events]
    body, signature = signed_body(settings.channel_secret, events, settings.bot_user_id)
    for event in events:
        show_on_page(event, store)
    headers = {"Content-Type": "application/json; charset=UTF-8",
               "X-Line-Signature": signature, "User-Agent": "LineBotWebhook/2.0"}
    started = time.monotonic()
    try:
        async with httpx.AsyncClient(timeout=settings.webhook_timeout) as client:
            response = await client.post(settings.webhook_url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        note_failure(store, events, 0, text)
        return {"status": 0, "error": text, "events": events}
    elapsed_ms = int((time.monotonic() - started) * 1000)
    if response.status_code != 200:
        note_failure(store, events, response.status_code, "")
    elif elapsed_ms > LINE_TIMEOUT_MS and events:
        # LINE would have counted this delivery as request_timeout.
        store.add_feed("system", chat_of(events[0]), webhook_status=200, slow_ms=elapsed_ms)
    return {"status": response.status_code, "elapsed_ms": elapsed_ms, "events": events}


async def test_endpoint(settings: Settings, endpoint: str) -> dict[str, Any]:
    """LINE's "verify webhook": POST an empty event list, signed, and report the answer."""
    body, signature = signed_body(settings.channel_secret, [], settings.bot_user_id)
    headers = {"Content-Type": "application/json; charset=UTF-8",
               "X-Line-Signature": signature, "User-Agent": "LineBotWebhook/2.0"}
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    try:
        async with httpx.AsyncClient(timeout=settings.webhook_timeout) as client:
            response = await client.post(endpoint, content=body, headers=headers)
    except httpx.TimeoutException:
        return {"success": False, "timestamp": stamp, "statusCode": 0,
                "reason": "REQUEST_TIMEOUT", "detail": "timeout"}
    except httpx.HTTPError as exc:
        return {"success": False, "timestamp": stamp, "statusCode": 0,
                "reason": "COULD_NOT_CONNECT", "detail": type(exc).__name__}
    ok = response.status_code == 200
    return {"success": ok, "timestamp": stamp, "statusCode": response.status_code,
            "reason": "OK" if ok else "ERROR_STATUS_CODE", "detail": str(response.status_code)}
