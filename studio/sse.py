"""ADK-style server-sent events: building the event objects and encoding them (pure)."""

from __future__ import annotations

import json
import time
from typing import Any

__all__ = [
    "AUTHOR",
    "PING",
    "call_event",
    "chunk_text",
    "encode",
    "error_event",
    "event_text",
    "response_event",
    "text_event",
]

AUTHOR = "nemo_agent"
#: A comment line: the stream is alive, nothing to say yet.
PING = b": ping\n\n"


def encode(event: dict[str, Any]) -> bytes:
    """One ``id:`` + ``data:`` block (the id lets a client resume with ``Last-Event-ID``)."""
    data = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    head = f"id: {event['id']}\n" if "id" in event else ""
    return f"{head}data: {data}\n\n".encode()


def _base(event_id: str, invocation_id: str) -> dict[str, Any]:
    return {
        "id": event_id,
        "invocationId": invocation_id,
        "author": AUTHOR,
        "timestamp": round(time.time(), 3),
    }


def text_event(event_id: str, invocation_id: str, text: str, *, partial: bool) -> dict[str, Any]:
    """Text for the user: ``partial`` chunks, then one final event with the whole text."""
    event = _base(event_id, invocation_id)
    event["partial"] = partial
    event["content"] = {"role": "model", "parts": [{"text": text}]}
    if not partial:
        event["turnComplete"] = True
    return event


def call_event(
    event_id: str, invocation_id: str, call_id: str, name: str, args: dict[str, Any]
) -> dict[str, Any]:
    """The agent calls one of its tools (internal: a client never shows it)."""
    event = _base(event_id, invocation_id)
    event["partial"] = False
    part = {"functionCall": {"id": call_id, "name": name, "args": args}}
    event["content"] = {"role": "model", "parts": [part]}
    return event


def response_event(
    event_id: str, invocation_id: str, call_id: str, name: str, response: dict[str, Any]
) -> dict[str, Any]:
    """A tool's answer (ADK puts these in a ``user`` role content)."""
    event = _base(event_id, invocation_id)
    event["partial"] = False
    part = {"functionResponse": {"id": call_id, "name": name, "response": response}}
    event["content"] = {"role": "user", "parts": [part]}
    return event


def error_event(event_id: str, invocation_id: str, message: str) -> dict[str, Any]:
    """The run failed; ``error`` is what the contract tells clients to look for."""
    event = _base(event_id, invocation_id)
    event["error"] = message
    event["errorCode"] = "INTERNAL"
    event["errorMessage"] = message
    return event


def event_text(event: dict[str, Any]) -> str:
    """The text parts of an event joined (empty for tool calls and errors)."""
    content = event.get("content")
    if not isinstance(content, dict):
        return ""
    parts = content.get("parts") or []
    return "".join(str(p["text"]) for p in parts if isinstance(p, dict) and "text" in p)


def chunk_text(text: str, size: int = 24) -> list[str]:
    """Split ``text`` for partial events: at line ends when possible, else every ``size``."""
    chunks: list[str] = []
    for line in text.splitlines(keepends=True):
        while len(line) > size:
            chunks.append(line[:size])
            line = line[size:]
        if line:
            chunks.append(line)
    return chunks
