"""Decoding the backend's ADK-style SSE events, and assembling their text.

Pure: turns the ``data:`` payloads of ``/run_sse`` into typed items, and makes sure a
text streamed as partial chunks and then repeated whole is relayed once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TextPart:
    """Text for the user; ``partial`` chunks are repeated whole by a later final part."""

    text: str
    partial: bool


@dataclass(frozen=True)
class ToolActivity:
    """A functionCall or functionResponse: internal, never relayed."""

    name: str


@dataclass(frozen=True)
class Heartbeat:
    """An event with nothing for the user: the backend is still working."""


@dataclass(frozen=True)
class StreamError:
    """An error event inside the stream."""

    message: str
    code: int | None = None


StreamItem = TextPart | ToolActivity | Heartbeat | StreamError

# The sibling skill documents this trailing line as noise after normal replies.
_TRAILING_NOISE = ("i encountered a temporary issue",)


def decode(data: str) -> list[StreamItem]:
    """The items in one SSE ``data:`` payload (an empty or unreadable one is a heartbeat)."""
    if not data.strip():
        return [Heartbeat()]
    try:
        event = json.loads(data)
    except json.JSONDecodeError:
        return [Heartbeat()]
    if not isinstance(event, dict):
        return [Heartbeat()]
    error = _error_of(event)
    if error is not None:
        return [error]
    partial = bool(event.get("partial", False))
    content = event.get("content") or {}
    parts = content.get("parts") if isinstance(content, dict) else None
    items: list[StreamItem] = []
    for part in parts if isinstance(parts, list) else []:
        if not isinstance(part, dict):
            continue
        if "functionCall" in part or "functionResponse" in part:
            call = part.get("functionCall") or part.get("functionResponse") or {}
            items.append(ToolActivity(str(call.get("name", "")) if isinstance(call, dict) else ""))
        elif isinstance(part.get("text"), str) and not part.get("thought"):
            items.append(TextPart(part["text"], partial))
    return items or [Heartbeat()]


def _error_of(event: dict[str, Any]) -> StreamError | None:
    if event.get("error"):
        err = event["error"]
        message = err.get("message", "") if isinstance(err, dict) else str(err)
        code = err.get("code") if isinstance(err, dict) else None
        return StreamError(str(message), code if isinstance(code, int) else None)
    code = event.get("code")
    if isinstance(code, int) and code != 0:
        return StreamError(str(event.get("message", "")), code)
    if event.get("errorCode") or event.get("error_code"):
        raw = event.get("errorCode") or event.get("error_code")
        message = event.get("errorMessage") or event.get("error_message") or ""
        return StreamError(str(message), raw if isinstance(raw, int) else None)
    return None


@dataclass
class TextAssembler:
    """Collects the texts of one run, each exactly once.

    Partial chunks accumulate (as deltas or as growing prefixes); the final part
    replaces them. A final text identical to the previous one is dropped.
    """

    _partial: str = ""
    _done: list[str] = field(default_factory=list)

    def add(self, part: TextPart) -> str | None:
        """Feed one part; returns a completed text when one is complete."""
        if part.partial:
            if part.text.startswith(self._partial):
                self._partial = part.text
            else:
                self._partial += part.text
            return None
        self._partial = ""
        return self._complete(part.text)

    def finish(self) -> str | None:
        """At the end of the stream: a text that only ever came as partial chunks."""
        text, self._partial = self._partial, ""
        return self._complete(text) if text else None

    @property
    def texts(self) -> list[str]:
        return list(self._done)

    def _complete(self, text: str) -> str | None:
        text = text.strip()
        if not text or (self._done and self._done[-1] == text):
            return None
        if self._done and text.lower().startswith(_TRAILING_NOISE):
            return None
        self._done.append(text)
        return text
