"""The record of API requests studio received (``GET /_studio/requests``)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

__all__ = ["RequestLog", "mask_authorization"]

#: Enough for any test run; the oldest entries go first.
MAX_ENTRIES = 5000


def mask_authorization(value: str) -> str:
    """``Bearer nmv_usr_abcd…wxyz`` → ``Bearer ****wxyz``: enough to tell tokens apart."""
    scheme, _, token = value.partition(" ")
    if not token:
        scheme, token = "", value
    tail = token[-4:] if len(token) > 8 else ""
    masked = "****" + tail
    return f"{scheme} {masked}" if scheme else masked


def iso_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class RequestLog:
    """A bounded, thread-safe list of ``{"method","path","headers","json","at"}``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[dict[str, Any]] = []

    def record(self, method: str, path: str, headers: Mapping[str, str], body: Any) -> None:
        clean = {
            k.lower(): (mask_authorization(v) if k.lower() == "authorization" else v)
            for k, v in headers.items()
        }
        entry = {"method": method, "path": path, "headers": clean, "json": body, "at": iso_now()}
        with self._lock:
            self._entries.append(entry)
            del self._entries[:-MAX_ENTRIES]

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
