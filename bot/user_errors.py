"""Backend errors as friendly sentences in the user's language (never raw codes)."""

from __future__ import annotations

from bot.nemo import urls
from bot.nemo.backend import NoFreeToken, OperatorTokenRejected
from bot.nemo.errors import (
    BackendUnavailable,
    ExportBlocked,
    FileTooLarge,
    NemoError,
    OutOfCredits,
    RateLimited,
    UnsupportedFile,
)
from bot.texts import Lang, accepted_formats, text


def explain(
    error: Exception, lang: Lang, *, web_url: str, client_id: str | None, anonymous: bool
) -> tuple[str, str]:
    """The sentence for `error`, and a short code for metrics and logs."""
    register = urls.registration(web_url, client_id) if client_id else web_url
    match error:
        case OutOfCredits() if anonymous:
            return text(lang, "err_out_of_credits_anon", url=register), "2001"
        case OutOfCredits():
            return text(lang, "err_out_of_credits", url=urls.top_up(web_url)), "2001"
        case ExportBlocked():
            return text(lang, "err_export_blocked", url=register if anonymous else web_url), "402"
        case UnsupportedFile():
            return text(lang, "upload_unsupported", formats=accepted_formats(lang)), "4001"
        case FileTooLarge():
            return text(lang, "upload_too_large"), "4002"
        case NoFreeToken():
            return text(lang, "err_no_free_start"), "anon_429"
        case OperatorTokenRejected():
            return text(lang, "err_service_config"), "operator_1001"
        case RateLimited():
            return text(lang, "err_busy"), "429"
        case BackendUnavailable():
            return text(lang, "err_backend_down"), "unavailable"
        case NemoError(code=code, status=status):
            return text(lang, "err_unexpected"), str(code or status or "nemo")
        case _:
            return text(lang, "err_unexpected"), "internal"
