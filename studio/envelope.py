"""The response envelope ``{"code", "message", "data"}`` and the API's error codes."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

__all__ = [
    "BAD_REQUEST",
    "FILE_TOO_LARGE",
    "NO_CREDITS",
    "SESSION_NOT_FOUND",
    "TOKEN_INVALID",
    "UNSUPPORTED_FILE",
    "ApiError",
    "envelope",
    "error_response",
    "ok",
]

TOKEN_INVALID = 1001
SESSION_NOT_FOUND = 1002
NO_CREDITS = 2001
UNSUPPORTED_FILE = 4001
FILE_TOO_LARGE = 4002
#: Envelope code for malformed requests (the contract names none; HTTP 400 carries it).
BAD_REQUEST = 400

#: Default wording per code, as the backend would phrase it.
MESSAGES: dict[int, str] = {
    TOKEN_INVALID: "token expired or invalid",
    SESSION_NOT_FOUND: "session not found",
    NO_CREDITS: "insufficient credits",
    UNSUPPORTED_FILE: "unsupported file type",
    FILE_TOO_LARGE: "file too large (max 200 MB)",
    400: "bad request",
    402: "export is not available on the free plan",
    404: "not found",
    409: "conflict",
    429: "too many requests",
    500: "internal server error",
    503: "service unavailable",
}


def envelope(code: int = 0, message: str = "ok", data: Any = None) -> dict[str, Any]:
    """The body every ``/api/*`` answer carries."""
    return {"code": code, "message": message, "data": data}


def ok(data: Any) -> JSONResponse:
    """A success answer."""
    return JSONResponse(envelope(0, "ok", data))


class ApiError(Exception):
    """An error answer: envelope ``code`` with HTTP ``status`` (200 for contract codes)."""

    def __init__(
        self, code: int, message: str | None = None, *, status: int = 200, data: Any = None
    ) -> None:
        self.code = code
        self.message = message or MESSAGES.get(code, "error")
        self.status = status
        self.data = data
        super().__init__(f"{code} {self.message}")


def error_response(err: ApiError) -> JSONResponse:
    """The HTTP answer for ``err``."""
    return JSONResponse(envelope(err.code, err.message, err.data), status_code=err.status)
