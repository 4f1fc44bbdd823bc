"""The contract's envelope and error table; upload checks; links; settings."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from bot.events import parse_event
from bot.nemo import errors, urls
from bot.nemo.client import _expiry, multipart_frame
from bot.settings import Settings, describe_error
from bot.store.outbox import JST, seconds_to_next_month
from bot.uploads import MAX_UPLOAD_BYTES, plan
from linesim import signer

USER = "U" + "1" * 32


def test_envelope_and_bare_objects() -> None:
    assert errors.unwrap(200, {"code": 0, "message": "ok", "data": {"a": 1}}) == {"a": 1}
    assert errors.unwrap(200, {"available": 5}) == {"available": 5}
    assert errors.unwrap(200, {"code": 0, "data": None}) == {"value": None}


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (200, {"code": 1001, "message": "expired"}, errors.TokenInvalid),
        (200, {"code": 1002}, errors.SessionNotFound),
        (200, {"code": 2001}, errors.OutOfCredits),
        (200, {"code": 4001}, errors.UnsupportedFile),
        (200, {"code": 4002}, errors.FileTooLarge),
        (400, {"message": "missing X-Client-Id"}, errors.MissingClientId),
        (402, {"message": "payment required"}, errors.ExportBlocked),
        (429, {}, errors.RateLimited),
        (503, "", errors.BackendUnavailable),
        (401, {"code": 1001}, errors.TokenInvalid),
        (404, {"message": "nope"}, errors.BadRequest),
    ],
)
def test_error_table(status: int, body: object, kind: type[errors.NemoError]) -> None:
    with pytest.raises(kind):
        errors.unwrap(status, body)


def test_token_expiry_fields() -> None:
    now = 1_000_000.0
    assert _expiry({}, now) == now + 7 * 86400
    assert _expiry({"expires_in": 60}, now) == now + 60
    assert _expiry({"expires_at": 2_000_000}, now) == 2_000_000
    assert _expiry({"expires_at": 2_000_000_000_000}, now) == 2_000_000_000
    assert (
        _expiry({"expires_at": "2030-01-01T00:00:00Z"}, now)
        == dt.datetime(2030, 1, 1, tzinfo=dt.UTC).timestamp()
    )


def test_multipart_frame_quotes_names() -> None:
    head, tail = multipart_frame("b", '原稿 "v2".docx', "text/plain")
    assert b'name="files"; filename="\xe5\x8e\x9f\xe7\xa8\xbf \\"v2\\".docx"' in head
    assert tail == b"\r\n--b--\r\n"


def test_links() -> None:
    page = urls.task_page("https://nemovideo.com", "t1", "s1", "1.0.0", "unknown")
    assert page.startswith("https://nemovideo.com/workspace/claim?task=t1&session=s1")
    assert "skill_name=text-to-video-ai-japanese" in page
    assert urls.registration("https://nemovideo.com", "abc").endswith("?bind=abc")


def test_upload_plans_from_the_event() -> None:
    ok = plan(parse_event(signer.file_event(USER, "1", "原稿.DOCX", 100)))
    assert ok.verdict == "ok" and ok.kind == "doc"
    assert (
        plan(parse_event(signer.file_event(USER, "2", "setup.exe", 100))).verdict == "unsupported"
    )
    huge = plan(parse_event(signer.file_event(USER, "3", "clip.mp4", MAX_UPLOAD_BYTES + 1)))
    assert huge.verdict == "too_large"
    photo = plan(parse_event(signer.image_event(USER, "4")))
    assert photo.name == "image_4.jpg" and photo.content_type == "image/jpeg"


def test_settings_errors_name_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LINE_CHANNEL_SECRET", raising=False)
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", "t")
    with pytest.raises(ValidationError) as missing:
        Settings()  # type: ignore[call-arg]
    assert describe_error(missing.value) == (
        "configuration error: LINE_CHANNEL_SECRET is required but not set"
    )
    monkeypatch.setenv("LINE_CHANNEL_SECRET", "s")
    monkeypatch.setenv("NEMO_RENDER_POLL_SECONDS", "soon")
    with pytest.raises(ValidationError) as bad:
        Settings()  # type: ignore[call-arg]
    assert describe_error(bad.value).startswith("configuration error: NEMO_RENDER_POLL_SECONDS")
    monkeypatch.setenv("NEMO_RENDER_POLL_SECONDS", "2")
    monkeypatch.setenv("NEMO_API_BASE_URL", "ftp://x")
    with pytest.raises(ValidationError) as url:
        Settings()  # type: ignore[call-arg]
    assert "NEMO_API_BASE_URL" in describe_error(url.value)


def test_quota_resets_at_month_start_jst() -> None:
    now = dt.datetime(2026, 11, 30, 23, 0, tzinfo=JST)
    assert seconds_to_next_month(now) == 3600
    assert seconds_to_next_month(dt.datetime(2026, 12, 15, 0, 0, tzinfo=JST)) == 17 * 86400
