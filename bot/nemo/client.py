"""HTTP client for the NemoVideo contract (httpx + httpx-sse).

One method per endpoint; answers go through :func:`bot.nemo.errors.unwrap`, so every
method returns the payload or raises a typed error. No retries here: recovery (new
token, new session, waiting out a 429) lives in :mod:`bot.nemo.backend`.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
from httpx_sse import aconnect_sse

from bot.adk import StreamItem, decode
from bot.nemo.errors import BackendUnavailable, BadRequest, MissingClientId, NemoError, unwrap
from bot.nemo.urls import SKILL_SOURCE

ANON_TOKEN_DAYS = 7
APP = "nemo_agent"


@dataclass(frozen=True)
class TokenGrant:
    token: str
    expires_at: float
    credits: int | None


@dataclass(frozen=True)
class Credits:
    available: float
    frozen: float
    total: float


@dataclass(frozen=True)
class RenderStatus:
    status: str  # queued, pending, processing, completed, failed
    progress: float | None
    url: str | None
    poster_url: str | None
    error: str | None

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "failed")


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _expiry(data: dict[str, Any], now: float) -> float:
    """The token's expiry: from an expiry field when there is one, else 7 days."""
    for key in ("expires_at", "expire_at", "expiresAt", "expired_at"):
        value = data.get(key)
        if isinstance(value, int | float) and value > 0:
            return float(value / 1000 if value > 1e12 else value)
        if isinstance(value, str):
            try:
                return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
            except ValueError:
                continue
    for key in ("expires_in", "expiresIn", "ttl"):
        value = data.get(key)
        if isinstance(value, int | float) and value > 0:
            return now + float(value)
    return now + ANON_TOKEN_DAYS * 86_400


class NemoClient:
    """The backend's endpoints, over one shared httpx client."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, version: str, platform: str):
        self._http = http
        self._base = base_url.rstrip("/")
        self._attribution = {
            "X-Skill-Source": SKILL_SOURCE,
            "X-Skill-Version": version,
            "X-Skill-Platform": platform,
        }

    def _headers(self, token: str | None = None, **extra: str) -> dict[str, str]:
        headers = dict(self._attribution)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        headers.update(extra)
        return headers

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = await self._http.request(method, self._base + path, **kwargs)
        except httpx.TransportError as error:
            raise BackendUnavailable(type(error).__name__) from error
        return unwrap(response.status_code, _json(response))

    async def anonymous_token(self, client_id: str) -> TokenGrant:
        try:
            data = await self._call(
                "POST",
                "/api/auth/anonymous-token",
                headers=self._headers(**{"X-Client-Id": client_id}),
            )
        except BadRequest as error:
            if error.status != 400:
                raise
            # The contract's HTTP 400 is "missing X-Client-Id": the only thing this call sends.
            raise MissingClientId(error.message, code=error.code, status=400) from error
        token = data.get("token") or data.get("access_token")
        if not isinstance(token, str) or not token:
            raise NemoError("no token in answer")
        credits = data.get("credits")
        return TokenGrant(
            token, _expiry(data, time.time()), int(credits) if isinstance(credits, int) else None
        )

    async def create_session(self, token: str, language: str) -> tuple[str | None, str]:
        data = await self._call(
            "POST",
            f"/api/tasks/me/with-session/{APP}",
            headers=self._headers(token),
            json={"task_name": "project", "language": language},
        )
        session_id = data.get("session_id") or data.get("sessionId")
        if not isinstance(session_id, str) or not session_id:
            raise NemoError("no session id in answer")
        task_id = data.get("task_id") or data.get("taskId")
        return (str(task_id) if task_id else None), session_id

    async def run(self, token: str, session_id: str, text: str) -> AsyncIterator[StreamItem]:
        """Send one message; yields the stream's items until it closes.

        Raises typed errors for a refusal before the stream starts; a connection that
        drops mid-stream raises :class:`BackendUnavailable` (the caller must not resend).
        """
        body = {
            "app_name": APP,
            "user_id": "me",
            "session_id": session_id,
            "new_message": {"parts": [{"text": text}]},
        }
        headers = self._headers(token, Accept="text/event-stream")
        try:
            async with aconnect_sse(
                self._http, "POST", self._base + "/run_sse", json=body, headers=headers
            ) as source:
                response = source.response
                kind = response.headers.get("content-type", "")
                if response.status_code >= 400 or "text/event-stream" not in kind:
                    await response.aread()
                    unwrap(response.status_code, _json(response))
                    raise NemoError("the backend did not open a stream")
                async for sse in source.aiter_sse():
                    for item in decode(sse.data):
                        yield item
        except httpx.TransportError as error:
            raise BackendUnavailable(type(error).__name__) from error

    async def upload_stream(
        self,
        token: str,
        session_id: str,
        file_name: str,
        content_type: str,
        size: int,
        chunks: AsyncIterator[bytes],
    ) -> dict[str, Any]:
        """Upload one file as multipart field ``files``, streaming it through."""
        boundary = uuid.uuid4().hex
        head, tail = multipart_frame(boundary, file_name, content_type)

        async def body() -> AsyncIterator[bytes]:
            yield head
            async for chunk in chunks:
                yield chunk
            yield tail

        headers = self._headers(
            token,
            **{
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Content-Length": str(len(head) + size + len(tail)),
            },
        )
        return await self._call(
            "POST", f"/api/upload-video/{APP}/me/{session_id}", headers=headers, content=body()
        )

    async def upload_url(self, token: str, session_id: str, url: str) -> dict[str, Any]:
        return await self._call(
            "POST",
            f"/api/upload-video/{APP}/me/{session_id}",
            headers=self._headers(token),
            json={"urls": [url], "source_type": "url"},
        )

    async def credits(self, token: str) -> Credits:
        data = await self._call("GET", "/api/credits/balance/simple", headers=self._headers(token))
        return Credits(
            _number(data.get("available")), _number(data.get("frozen")), _number(data.get("total"))
        )

    async def state(self, token: str, session_id: str) -> dict[str, Any]:
        """``data.state`` of the session (draft, video_infos, generated_media ...)."""
        data = await self._call(
            "GET", f"/api/state/{APP}/me/{session_id}/latest", headers=self._headers(token)
        )
        state = data.get("state", data)
        return state if isinstance(state, dict) else {}

    async def start_render(
        self, token: str, render_id: str, session_id: str, draft: Any
    ) -> dict[str, Any]:
        return await self._call(
            "POST",
            "/api/render/proxy/lambda",
            headers=self._headers(token),
            json={
                "id": render_id,
                "sessionId": session_id,
                "draft": draft,
                "output": {"format": "mp4", "quality": "high"},
            },
        )

    async def render_status(self, token: str, render_id: str) -> RenderStatus:
        data = await self._call(
            "GET", f"/api/render/proxy/lambda/{render_id}", headers=self._headers(token)
        )
        output = data.get("output") if isinstance(data.get("output"), dict) else {}
        assert isinstance(output, dict)
        progress = data.get("progress")
        url = output.get("url") or data.get("url")
        poster = next(
            (output[k] for k in ("poster_url", "thumbnail_url", "cover_url") if output.get(k)), None
        )
        return RenderStatus(
            status=str(data.get("status", "pending")).lower(),
            progress=float(progress) if isinstance(progress, int | float) else None,
            url=str(url) if url else None,
            poster_url=str(poster) if poster else None,
            error=str(data["error"]) if data.get("error") else None,
        )

    def download_url(self, render_id: str) -> str:
        """The contract's fallback address of a finished render."""
        return f"{self._base}/api/render/proxy/{render_id}/download"


def multipart_frame(boundary: str, file_name: str, content_type: str) -> tuple[bytes, bytes]:
    """The bytes before and after a file's content in a one-field multipart body."""
    quoted = json.dumps(file_name, ensure_ascii=False)  # escapes quotes and backslashes
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="files"; filename={quoted}\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return head, f"\r\n--{boundary}--\r\n".encode()


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {"message": response.text[:200]} if response.text else {}
