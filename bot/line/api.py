"""The Messaging API endpoints the bot calls, over httpx.

line-bot-sdk builds and parses the messages; the transport is httpx so the bot has
one async HTTP stack, streams content without reading it whole (the SDK's blob API
reads everything into memory), and controls retries: LINE's rate-limit 429 and 5xx
are retried with backoff; a push keeps its ``X-Line-Retry-Key`` across retries so
LINE delivers it once (a repeat answers 409, which means "already sent").
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import structlog

log = structlog.get_logger(__name__)

MONTHLY_LIMIT_TEXT = "monthly limit"


class LineError(Exception):
    """LINE refused a call."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"LINE {status}: {message}")
        self.status = status
        self.message = message


class PushQuotaExhausted(LineError):
    """429 "You have reached your monthly limit.": no push until next month."""


class InvalidReplyToken(LineError):
    """The reply token was used or expired."""


class LineApi:
    """Reply, push, loading, profile, bot info and content."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        api_base: str,
        data_base: str,
        access_token: str,
        *,
        attempts: int = 4,
        backoff: float = 0.5,
    ) -> None:
        self._http = http
        self._api = api_base.rstrip("/")
        self._data = data_base.rstrip("/")
        self._auth = {"Authorization": f"Bearer {access_token}"}
        self._attempts = attempts
        self._backoff = backoff

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One call, retried on network errors, 5xx and rate-limit 429."""
        headers = {**self._auth, **kwargs.pop("headers", {})}
        for attempt in range(self._attempts):
            last = attempt == self._attempts - 1
            try:
                response = await self._http.request(method, url, headers=headers, **kwargs)
            except httpx.TransportError as error:
                if last:
                    raise LineError(0, type(error).__name__) from error
                await asyncio.sleep(self._backoff * 2**attempt)
                continue
            message = _message(response)
            retryable = response.status_code >= 500 or (
                response.status_code == 429 and MONTHLY_LIMIT_TEXT not in message.lower()
            )
            if retryable and not last:
                log.warning("line.retry", status=response.status_code, attempt=attempt + 1)
                await asyncio.sleep(self._backoff * 2**attempt)
                continue
            return response
        raise AssertionError("unreachable")

    async def reply(self, reply_token: str, messages: list[dict[str, Any]]) -> list[str]:
        """Send by reply (free); returns the sent message ids."""
        response = await self._send(
            "POST",
            f"{self._api}/v2/bot/message/reply",
            json={"replyToken": reply_token, "messages": messages},
        )
        if response.status_code == 400 and "reply token" in _message(response).lower():
            raise InvalidReplyToken(400, _message(response))
        return _sent_ids(_check(response))

    async def push(self, to: str, messages: list[dict[str, Any]], retry_key: str) -> list[str]:
        """Send by push, exactly once for a given `retry_key`."""
        response = await self._send(
            "POST",
            f"{self._api}/v2/bot/message/push",
            json={"to": to, "messages": messages},
            headers={"X-Line-Retry-Key": retry_key},
        )
        if response.status_code == 409:  # this retry key was accepted before: already sent
            return _sent_ids(_json(response))
        if response.status_code == 429 and MONTHLY_LIMIT_TEXT in _message(response).lower():
            raise PushQuotaExhausted(429, _message(response))
        return _sent_ids(_check(response))

    async def loading(self, chat_id: str, seconds: int = 60) -> None:
        """Show the loading animation in a 1:1 chat (5 to 60 s, in steps of 5)."""
        seconds = max(5, min(60, seconds - seconds % 5))
        _check(
            await self._send(
                "POST",
                f"{self._api}/v2/bot/chat/loading/start",
                json={"chatId": chat_id, "loadingSeconds": seconds},
            )
        )

    async def profile(self, user_id: str) -> dict[str, Any] | None:
        response = await self._send("GET", f"{self._api}/v2/bot/profile/{user_id}")
        return None if response.status_code == 404 else _check(response)

    async def bot_info(self) -> dict[str, Any]:
        return _check(await self._send("GET", f"{self._api}/v2/bot/info"))

    async def transcoding(self, message_id: str) -> str:
        response = await self._send(
            "GET", f"{self._data}/v2/bot/message/{message_id}/content/transcoding"
        )
        return str(_check(response).get("status", "processing"))

    @asynccontextmanager
    async def content(self, message_id: str) -> AsyncIterator[httpx.Response]:
        """The content a user sent, as a streaming response (status checked by the caller)."""
        request = self._http.build_request(
            "GET", f"{self._data}/v2/bot/message/{message_id}/content", headers=self._auth
        )
        try:
            response = await self._http.send(request, stream=True)
        except httpx.TransportError as error:
            raise LineError(0, type(error).__name__) from error
        try:
            yield response
        finally:
            await response.aclose()


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _message(response: httpx.Response) -> str:
    if response.status_code < 400:
        return ""
    body = _json(response)
    details = body.get("details") or []
    detail = "; ".join(
        f"{d.get('property', '')}: {d.get('message', '')}" for d in details if isinstance(d, dict)
    )
    return (
        " ".join(x for x in (str(body.get("message", "")), detail) if x) or response.reason_phrase
    )


def _check(response: httpx.Response) -> dict[str, Any]:
    if response.status_code >= 400:
        raise LineError(response.status_code, _message(response))
    return _json(response)


def _sent_ids(body: dict[str, Any]) -> list[str]:
    return [str(m["id"]) for m in body.get("sentMessages", []) if isinstance(m, dict) and "id" in m]
