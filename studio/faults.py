"""Test switches (``/_studio/*``): injected API errors, SSE modes and render failures.

All in memory: a restart (or ``POST /_studio/reset``) clears them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from studio.envelope import BAD_REQUEST, ApiError

__all__ = [
    "FAULT_CODES",
    "FAULT_ENDPOINTS",
    "FAULT_HTTP",
    "SSE_MODES",
    "Fault",
    "SseMode",
    "Switches",
]

FAULT_ENDPOINTS = frozenset(
    {"token", "session", "run_sse", "upload", "credits", "state", "render", "render_poll", "any"}
)
FAULT_CODES = frozenset({1001, 1002, 2001, 4001, 4002})
FAULT_HTTP = frozenset({400, 402, 429, 500, 503})
SSE_MODES = frozenset({"silent", "heartbeats", "slow", "drop", "error"})


@dataclass
class Fault:
    """The next ``times`` requests to ``endpoint`` answer this error."""

    endpoint: str
    code: int | None
    http: int | None
    times: int

    def error(self) -> ApiError:
        if self.code is not None:
            return ApiError(self.code, status=self.http or 200)
        status = self.http or 500
        return ApiError(status, status=status)


@dataclass
class SseMode:
    """How the next ``times`` runs behave."""

    mode: str
    seconds: float
    times: int


def _int(body: dict[str, Any], key: str, default: int | None) -> int | None:
    value = body.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ApiError(BAD_REQUEST, f"{key} must be a number", status=400)
    return int(value)


def _seconds(body: dict[str, Any], default: float) -> float:
    value = body.get("seconds", default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ApiError(BAD_REQUEST, "seconds must be a number >= 0", status=400)
    return float(value)


def parse_fault(body: dict[str, Any]) -> Fault:
    """Validate a ``POST /_studio/faults`` body."""
    endpoint = body.get("endpoint")
    if endpoint not in FAULT_ENDPOINTS:
        raise ApiError(
            BAD_REQUEST, f"endpoint must be one of {sorted(FAULT_ENDPOINTS)}", status=400
        )
    code = _int(body, "code", None)
    http = _int(body, "http", None)
    times = _int(body, "times", 1) or 0
    if code is None and http is None:
        raise ApiError(BAD_REQUEST, "give code or http", status=400)
    if code is not None and code not in FAULT_CODES:
        raise ApiError(BAD_REQUEST, f"code must be one of {sorted(FAULT_CODES)}", status=400)
    if http is not None and http not in FAULT_HTTP:
        raise ApiError(BAD_REQUEST, f"http must be one of {sorted(FAULT_HTTP)}", status=400)
    return Fault(str(endpoint), code, http, max(0, times))


def parse_sse(body: dict[str, Any]) -> SseMode:
    """Validate a ``POST /_studio/sse`` body (``seconds`` defaults to 3)."""
    mode = body.get("mode")
    if mode not in SSE_MODES:
        raise ApiError(BAD_REQUEST, f"mode must be one of {sorted(SSE_MODES)}", status=400)
    times = _int(body, "times", 1) or 0
    return SseMode(str(mode), _seconds(body, 3.0), max(0, times))


class Switches:
    """The pending faults; safe to use from the render thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._sse: list[SseMode] = []
        self._render_fail = 0
        self._render_hold = 0.0

    def reset(self) -> None:
        with self._lock:
            self._faults.clear()
            self._sse.clear()
            self._render_fail = 0
            self._render_hold = 0.0

    def add_fault(self, fault: Fault) -> None:
        with self._lock:
            if fault.times:
                self._faults.append(fault)

    def take_fault(self, endpoint: str) -> ApiError | None:
        """The error this request must answer, if one is pending (first added first)."""
        with self._lock:
            for fault in self._faults:
                if fault.endpoint in (endpoint, "any") and fault.times > 0:
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                    return fault.error()
        return None

    def add_sse(self, mode: SseMode) -> None:
        with self._lock:
            if mode.times:
                self._sse.append(mode)

    def take_sse(self) -> SseMode | None:
        """The mode of the run that starts now, if one is pending."""
        with self._lock:
            if not self._sse:
                return None
            mode = self._sse[0]
            mode.times -= 1
            if mode.times <= 0:
                self._sse.pop(0)
            return SseMode(mode.mode, mode.seconds, 1)

    def set_render(self, fail_times: int, hold_seconds: float) -> None:
        with self._lock:
            self._render_fail = max(0, fail_times)
            self._render_hold = max(0.0, hold_seconds)

    def take_render(self) -> tuple[bool, float]:
        """(fail this render?, seconds to hold it in processing) for the render starting now."""
        with self._lock:
            fail = self._render_fail > 0
            if fail:
                self._render_fail -= 1
            return fail, self._render_hold

    def snapshot(self) -> dict[str, Any]:
        """What is pending (for ``GET /_studio/faults``)."""
        with self._lock:
            return {
                "faults": [vars(f).copy() for f in self._faults],
                "sse": [vars(m).copy() for m in self._sse],
                "render": {"fail_times": self._render_fail, "seconds": self._render_hold},
            }


def parse_render(body: dict[str, Any]) -> tuple[int, float]:
    """Validate a ``POST /_studio/render`` body: (fail_times, seconds)."""
    fail_times = _int(body, "fail_times", 0) or 0
    return max(0, fail_times), _seconds(body, 0.0)
