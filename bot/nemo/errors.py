"""The contract's error table as exception types, and the envelope reader."""

from __future__ import annotations

from typing import Any


class NemoError(Exception):
    """Any answer from the backend that is not success."""

    def __init__(self, message: str = "", *, code: int | None = None, status: int | None = None):
        super().__init__(message or self.__class__.__name__)
        self.message = message
        self.code = code
        self.status = status


class TokenInvalid(NemoError):
    """1001: token expired or invalid."""


class SessionNotFound(NemoError):
    """1002: session not found."""


class OutOfCredits(NemoError):
    """2001: out of credits."""


class UnsupportedFile(NemoError):
    """4001: unsupported file type."""


class FileTooLarge(NemoError):
    """4002: file too large."""


class MissingClientId(NemoError):
    """HTTP 400: missing X-Client-Id."""


class ExportBlocked(NemoError):
    """HTTP 402: export blocked on the free plan (or attribution headers missing)."""


class RateLimited(NemoError):
    """HTTP 429: rate limited (also a second anonymous token within 7 days)."""


class BackendUnavailable(NemoError):
    """Network error or HTTP 5xx."""


class BadRequest(NemoError):
    """Any other refusal."""


_BY_CODE: dict[int, type[NemoError]] = {
    1001: TokenInvalid,
    1002: SessionNotFound,
    2001: OutOfCredits,
    4001: UnsupportedFile,
    4002: FileTooLarge,
}


def error_for(*, code: int | None, status: int | None, message: str = "") -> NemoError:
    """The exception for a code from the envelope or, failing that, the HTTP status."""
    if code is not None and code in _BY_CODE:
        return _BY_CODE[code](message, code=code, status=status)
    match status:
        case 401:
            return TokenInvalid(message, code=code, status=status)
        case 402:
            return ExportBlocked(message, code=code, status=status)
        case 413:
            return FileTooLarge(message, code=code, status=status)
        case 415:
            return UnsupportedFile(message, code=code, status=status)
        case 429:
            return RateLimited(message, code=code, status=status)
        case 400 if "client" in message.lower():
            return MissingClientId(message, code=code, status=status)
    if status is not None and status >= 500:
        return BackendUnavailable(message, code=code, status=status)
    return BadRequest(message, code=code, status=status)


def unwrap(status: int, body: Any) -> dict[str, Any]:
    """The payload of an answer: ``{"code":0,"data":{...}}`` or a bare object alike.

    Raises the typed error when the HTTP status or the envelope's ``code`` says so.
    """
    code = body.get("code") if isinstance(body, dict) else None
    code = code if isinstance(code, int) else None
    message = ""
    if isinstance(body, dict):
        raw_message = body.get("message") or body.get("msg") or body.get("error") or ""
        message = raw_message if isinstance(raw_message, str) else str(raw_message)
    if status >= 400 or (code is not None and code != 0):
        raise error_for(code=code, status=status if status >= 400 else None, message=message)
    if not isinstance(body, dict):
        return {}
    if code is not None and "data" in body:
        data = body["data"]
        return data if isinstance(data, dict) else {"value": data}
    return body
