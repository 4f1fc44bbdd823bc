"""studio.auth, faults, reqlog, sse: tokens and credits, switches, request log, event encoding."""

from __future__ import annotations

import json

import pytest

from studio import auth, sse
from studio.envelope import ApiError
from studio.faults import Switches, parse_fault, parse_render, parse_sse
from studio.reqlog import RequestLog, mask_authorization
from studio.store import TokenRecord

DAY = 24 * 3600


def test_anonymous_token_has_100_credits_for_7_days() -> None:
    rec = auth.issue_anonymous([], "client-1", "1.2.3.4", 1000.0, per_ip=10)
    assert rec.token.startswith("nmv_usr_") and rec.available == 100
    assert rec.expires_at == 1000.0 + 7 * DAY


def test_one_live_token_per_client_id() -> None:
    first = auth.issue_anonymous([], "c", "ip", 0.0, per_ip=10)
    with pytest.raises(ApiError) as err:
        auth.issue_anonymous([first], "c", "ip", DAY, per_ip=10)
    assert err.value.status == 429
    first.expires_at = DAY  # invalidated (or simply expired)
    again = auth.issue_anonymous([first], "c", "ip", DAY + 1, per_ip=10)
    assert again.token != first.token


def test_per_ip_limit_and_unlimited() -> None:
    issued: list[TokenRecord] = []
    for i in range(3):
        issued.append(auth.issue_anonymous(issued, f"c{i}", "ip", float(i), per_ip=3))
    with pytest.raises(ApiError):
        auth.issue_anonymous(issued, "c9", "ip", 10.0, per_ip=3)
    assert auth.issue_anonymous(issued, "c9", "other-ip", 10.0, per_ip=3)
    assert auth.issue_anonymous(issued, "c9", "ip", 10.0, per_ip=0)
    # The window is 7 days: old tokens no longer count.
    assert auth.issue_anonymous(issued, "c9", "ip", 8 * DAY, per_ip=3)


def test_authenticate() -> None:
    rec = TokenRecord(token="t", created_at=0, expires_at=100, available=5)
    tokens = {"t": rec}
    assert auth.authenticate(tokens, "Bearer t", 50) is rec
    for header in (None, "Bearer nope", "Bearer "):
        with pytest.raises(ApiError) as err:
            auth.authenticate(tokens, header, 50)
        assert err.value.code == 1001 and err.value.status == 200
    with pytest.raises(ApiError):
        auth.authenticate(tokens, "Bearer t", 100)


def test_credits_freeze_then_settle_or_refund() -> None:
    rec = TokenRecord(token="t", created_at=0, available=6)
    auth.reserve(rec, 5)
    assert auth.balance(rec) == {"available": 1, "frozen": 5, "total": 6}
    auth.settle(rec, 5)
    assert auth.balance(rec) == {"available": 1, "frozen": 0, "total": 1}
    with pytest.raises(ApiError) as err:
        auth.reserve(rec, 5)
    assert err.value.code == 2001
    auth.reserve(rec, 1)
    auth.refund(rec, 1)
    assert auth.balance(rec) == {"available": 1, "frozen": 0, "total": 1}


def test_fault_switches() -> None:
    switches = Switches()
    switches.add_fault(parse_fault({"endpoint": "state", "code": 1002, "times": 2}))
    switches.add_fault(parse_fault({"endpoint": "any", "http": 503}))
    assert switches.take_fault("credits") is not None  # "any" matches every endpoint
    first = switches.take_fault("state")
    assert first is not None and (first.code, first.status) == (1002, 200)
    assert switches.take_fault("state") is not None
    assert switches.take_fault("state") is None
    switches.add_fault(parse_fault({"endpoint": "render", "code": 2001, "http": 429}))
    err = switches.take_fault("render")
    assert err is not None and (err.code, err.status) == (2001, 429)


@pytest.mark.parametrize(
    "body",
    [
        {"endpoint": "nope", "code": 1001},
        {"endpoint": "state"},
        {"endpoint": "state", "code": 1234},
        {"endpoint": "state", "http": 418},
    ],
)
def test_bad_fault_bodies_are_refused(body: dict[str, object]) -> None:
    with pytest.raises(ApiError) as err:
        parse_fault(body)
    assert err.value.status == 400


def test_sse_modes_and_render_switch() -> None:
    switches = Switches()
    switches.add_sse(parse_sse({"mode": "slow", "times": 2, "seconds": 0.5}))
    assert [switches.take_sse(), switches.take_sse(), switches.take_sse()] == [
        parse_sse({"mode": "slow", "seconds": 0.5}),
        parse_sse({"mode": "slow", "seconds": 0.5}),
        None,
    ]
    switches.set_render(*parse_render({"fail_times": 1, "seconds": 2}))
    assert switches.take_render() == (True, 2.0)
    assert switches.take_render() == (False, 2.0)
    switches.reset()
    assert switches.take_render() == (False, 0.0)


def test_request_log_masks_the_token() -> None:
    log = RequestLog()
    log.record("GET", "/api/x", {"Authorization": "Bearer nmv_usr_secret1234abcd"}, None)
    [entry] = log.entries()
    assert entry["headers"]["authorization"] == "Bearer ****abcd"
    assert "secret" not in json.dumps(entry)
    assert mask_authorization("short") == "****"


def test_sse_encoding_and_chunks() -> None:
    event = sse.text_event("run_1-3", "run_1", "こんにちは", partial=False)
    raw = sse.encode(event).decode()
    assert raw.startswith("id: run_1-3\ndata: {") and raw.endswith("\n\n")
    decoded = json.loads(raw.split("data: ", 1)[1])
    assert decoded["author"] == "nemo_agent" and decoded["partial"] is False
    assert decoded["content"]["parts"] == [{"text": "こんにちは"}]
    assert sse.event_text(decoded) == "こんにちは"
    call = sse.call_event("e", "r", "c1", "edit_timeline", {"x": 1})
    assert sse.event_text(call) == ""
    assert sse.error_event("e", "r", "boom")["error"] == "boom"
    text = "一行目\n" + "あ" * 30
    assert "".join(sse.chunk_text(text, 24)) == text
    assert all(len(c) <= 24 for c in sse.chunk_text(text, 24))
