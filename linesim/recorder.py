"""ASGI middleware for /v2/*: the 2 MB body limit, X-Line-Request-Id, and the request log."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from linesim.ids import new_request_id
from linesim.store import Store, iso_now
from linesim.validate import MAX_BODY_BYTES

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOO_LARGE = json.dumps({"message": "Request Entity Too Large"}).encode()


def masked_headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Request headers with the access token hidden (the log is shown to people)."""
    out: dict[str, str] = {}
    for key, value in raw:
        name = key.decode("latin-1").lower()
        text = value.decode("latin-1")
        if name == "authorization":
            scheme = text.split(" ", 1)[0] if " " in text else ""
            text = f"{scheme} ****".strip()
        out[name] = text
    return out


class Recorder:
    """Wraps the app; only paths under /v2/ are limited and logged."""

    def __init__(self, app: ASGIApp, store: Store) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope["path"]).startswith("/v2/"):
            await self.app(scope, receive, send)
            return
        request_id = new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        headers = masked_headers(list(scope.get("headers", [])))
        entry: dict[str, Any] = {"method": scope["method"], "path": scope["path"],
                                 "status": 0, "json": None, "headers": headers, "at": iso_now()}
        self.store.requests.append(entry)

        # Read the whole body first: LINE refuses bodies over 2 MB before looking at them.
        # An oversized body is still drained, so the client sees the 413 rather than a reset.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size <= MAX_BODY_BYTES:
                chunks.append(chunk)
            more = bool(message.get("more_body"))
        if size > MAX_BODY_BYTES:
            entry["status"] = 413
            await self._plain(send, 413, TOO_LARGE, request_id)
            return
        body = b"".join(chunks)
        if body:
            try:
                entry["json"] = json.loads(body)
            except ValueError:
                entry["json"] = None

        sent_body = False

        async def replay() -> Message:
            nonlocal sent_body
            if not sent_body:
                sent_body = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
                raw = list(message.get("headers", []))
                if not any(k.lower() == b"x-line-request-id" for k, _ in raw):
                    raw.append((b"x-line-request-id", request_id.encode()))
                message["headers"] = raw
            await send(message)

        await self.app(scope, replay, capture)

    @staticmethod
    async def _plain(send: Send, status: int, body: bytes, request_id: str) -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"x-line-request-id", request_id.encode())]})
        await send({"type": "http.response.body", "body": body})
