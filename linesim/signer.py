"""Webhook signing and event builders, importable without starting a server."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import Any

from linesim.events import (
    audio_event,
    file_event,
    follow_event,
    image_event,
    join_event,
    leave_event,
    location_event,
    postback_event,
    sticker_event,
    text_event,
    unfollow_event,
    video_event,
)
from linesim.ids import new_ulid

__all__ = [
    "audio_event",
    "body_bytes",
    "file_event",
    "follow_event",
    "image_event",
    "join_event",
    "leave_event",
    "location_event",
    "new_ulid",
    "postback_event",
    "sign",
    "signed_body",
    "sticker_event",
    "text_event",
    "unfollow_event",
    "verify",
    "video_event",
]


def sign(secret: str, body: bytes) -> str:
    """base64(HMAC-SHA256(channel secret, raw body)), the X-Line-Signature value."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify(secret: str, body: bytes, signature: str) -> bool:
    """Constant-time check of a signature against the raw body."""
    return hmac.compare_digest(sign(secret, body), signature)


def body_bytes(events: Sequence[dict[str, Any]], destination: str) -> bytes:
    """The webhook body LINE posts: compact UTF-8 JSON (Japanese left unescaped)."""
    payload = {"destination": destination, "events": list(events)}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signed_body(secret: str, events: Sequence[dict[str, Any]],
                destination: str) -> tuple[bytes, str]:
    """The raw webhook body and its X-Line-Signature."""
    body = body_bytes(events, destination)
    return body, sign(secret, body)
