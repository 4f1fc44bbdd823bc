"""linesim as a real process: `python -m linesim serve` on a free loopback port."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from linebot.v3.webhook import WebhookParser

from linesim.testing import free_port, run_linesim

SECRET = "integration-secret"
TOKEN = "integration-token"
BOT = "U" + "b0" * 16
USER = "U" + "a1" * 16
GROUP = "C" + "c2" * 16
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TEXT = [{"type": "text", "text": "動画ができました"}]


class Receiver:
    """A tiny webhook receiver that checks the signature the way a bot must."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        parser = WebhookParser(SECRET)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                signature = self.headers.get("X-Line-Signature", "")
                try:
                    events = parser.parse(raw.decode(), signature)
                except Exception:
                    self.send_response(401)
                else:
                    outer.received.append({"body": json.loads(raw), "events": events})
                    self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/callback"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    rec = Receiver()
    yield rec
    rec.server.shutdown()


@pytest.fixture(scope="module")
def base(receiver: Receiver, monkeypatch_module: pytest.MonkeyPatch) -> Iterator[str]:
    # The secret comes from the environment: LINESIM_* equivalents of the options.
    monkeypatch_module.setenv("LINESIM_CHANNEL_SECRET", SECRET)
    with run_linesim(receiver.url, channel_token=TOKEN, bot_user_id=BOT,
                     channel_secret=None) as url:
        yield url


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.fixture()
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=10) as c:
        c.post("/_sim/reset").raise_for_status()
        yield c


def webhook(client: httpx.Client, *events: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/_sim/webhook", json={"events": list(events)})
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


def text_from(user: str = USER, text: str = "こんにちは") -> dict[str, Any]:
    return {"type": "message", "source": {"type": "user", "userId": user},
            "message": {"type": "text", "text": text}}


def test_webhook_is_signed_and_completed(client: httpx.Client, receiver: Receiver) -> None:
    before = len(receiver.received)
    result = webhook(client, text_from(), {"type": "unfollow",
                                           "source": {"type": "user", "userId": USER}})
    assert result["status"] == 200
    message, unfollow = result["events"]
    assert message["deliveryContext"] == {"isRedelivery": False}
    assert message["mode"] == "active" and len(message["webhookEventId"]) == 26
    assert "replyToken" in message and "replyToken" not in unfollow
    got = receiver.received[before]
    assert got["body"]["destination"] == BOT
    assert got["events"][0].message.text == "こんにちは"

    again = client.post("/_sim/webhook", json={"events": [],
                                               "redeliver_of": [message["webhookEventId"]]})
    redelivered = again.json()["events"][0]
    assert redelivered["deliveryContext"] == {"isRedelivery": True}
    assert redelivered["webhookEventId"] == message["webhookEventId"]
    assert redelivered["replyToken"] == message["replyToken"]


def test_unreachable_bot_gives_status_zero() -> None:
    # A second server whose webhook URL points at a closed port.
    with run_linesim(f"http://127.0.0.1:{free_port()}/callback") as url:
        result = httpx.post(f"{url}/_sim/webhook", json={"events": [text_from()]}).json()
    assert result["status"] == 0 and result["error"]
    assert len(result["events"]) == 1


def test_reply_token_single_use_and_expiry(client: httpx.Client) -> None:
    token = webhook(client, text_from())["events"][0]["replyToken"]
    body = {"replyToken": token, "messages": TEXT}
    assert client.post("/v2/bot/message/reply", json=body,
                       headers={"Authorization": "Bearer wrong"}).status_code == 401
    first = client.post("/v2/bot/message/reply", json=body, headers=AUTH)
    assert first.status_code == 200
    assert first.json()["sentMessages"][0]["id"].isdigit()
    second = client.post("/v2/bot/message/reply", json=body, headers=AUTH)
    assert (second.status_code, second.json()) == (400, {"message": "Invalid reply token"})

    client.post("/_sim/config", json={"reply_token_ttl": 0.3}).raise_for_status()
    late = webhook(client, text_from())["events"][0]["replyToken"]
    time.sleep(0.5)
    expired = client.post("/v2/bot/message/reply", json={"replyToken": late, "messages": TEXT},
                          headers=AUTH)
    assert (expired.status_code, expired.json()) == (400, {"message": "Invalid reply token"})

    sent = client.get("/_sim/sent", params={"to": USER}).json()
    assert [(s["kind"], s["to"], s["messages"], s["retry_key"]) for s in sent] == [
        ("reply", USER, TEXT, None)]


def test_reply_refuses_retry_key_and_bad_messages(client: httpx.Client) -> None:
    token = webhook(client, text_from())["events"][0]["replyToken"]
    keyed = client.post("/v2/bot/message/reply", json={"replyToken": token, "messages": TEXT},
                        headers={**AUTH, "X-Line-Retry-Key": str(uuid.uuid4())})
    assert keyed.status_code == 400
    bad = client.post("/v2/bot/message/reply", headers=AUTH, json={
        "replyToken": token, "messages": [{"type": "text", "text": "あ" * 5001}]})
    assert bad.status_code == 400
    assert bad.json() == {"message": "The request body has 1 error(s)", "details": [
        {"message": "Length must be between 0 and 5000", "property": "messages[0].text"}]}
    # A refused request does not use up the token.
    ok = client.post("/v2/bot/message/reply", json={"replyToken": token, "messages": TEXT},
                     headers=AUTH)
    assert ok.status_code == 200


def test_push_retry_key_409(client: httpx.Client) -> None:
    key = str(uuid.uuid4())
    body = {"to": USER, "messages": TEXT}
    first = client.post("/v2/bot/message/push", json=body,
                        headers={**AUTH, "X-Line-Retry-Key": key})
    assert first.status_code == 200
    again = client.post("/v2/bot/message/push", json=body,
                        headers={**AUTH, "X-Line-Retry-Key": key})
    assert again.status_code == 409
    assert again.headers["X-Line-Accepted-Request-Id"] == first.headers["X-Line-Request-Id"]
    assert again.json() == {"message": "The retry key is already accepted",
                            "sentMessages": first.json()["sentMessages"]}
    assert len(client.get("/_sim/sent").json()) == 1
    assert client.post("/v2/bot/message/push", json=body,
                       headers={**AUTH, "X-Line-Retry-Key": "nope"}).status_code == 400
    assert client.post("/v2/bot/message/push", json={"to": "Uxyz", "messages": TEXT},
                       headers=AUTH).status_code == 400


def test_push_quota_429_counts_group_members(client: httpx.Client) -> None:
    members = ["U" + f"{i:032x}" for i in range(5)]
    client.post("/_sim/groups", json={"groupId": GROUP, "memberIds": members})
    client.post("/_sim/quota", json={"limit": 6}).raise_for_status()
    assert client.post("/v2/bot/message/push", json={"to": GROUP, "messages": TEXT},
                       headers=AUTH).status_code == 200
    assert client.get("/v2/bot/message/quota/consumption", headers=AUTH).json() == {
        "totalUsage": 5}
    assert client.post("/v2/bot/message/push", json={"to": USER, "messages": TEXT},
                       headers=AUTH).status_code == 200
    over = client.post("/v2/bot/message/push", json={"to": USER, "messages": TEXT},
                       headers=AUTH)
    assert (over.status_code, over.json()) == (
        429, {"message": "You have reached your monthly limit."})
    assert client.get("/v2/bot/message/quota", headers=AUTH).json() == {
        "type": "limited", "value": 6}


def test_loading_profile_info_and_faults(client: httpx.Client) -> None:
    ok = client.post("/v2/bot/chat/loading/start", json={"chatId": USER, "loadingSeconds": 20},
                     headers=AUTH)
    assert (ok.status_code, ok.json()) == (202, {})
    assert client.post("/v2/bot/chat/loading/start", json={"chatId": GROUP},
                       headers=AUTH).status_code == 400
    assert client.post("/v2/bot/chat/loading/start", json={"chatId": USER, "loadingSeconds": 7},
                       headers=AUTH).status_code == 400

    missing = client.get(f"/v2/bot/profile/{USER}", headers=AUTH)
    assert (missing.status_code, missing.json()) == (404, {"message": "Not found"})
    client.post("/_sim/users", json={"userId": USER, "displayName": "山田", "language": "ja"})
    profile = client.get(f"/v2/bot/profile/{USER}", headers=AUTH).json()
    assert profile["displayName"] == "山田" and profile["language"] == "ja"
    assert set(profile) == {"displayName", "userId", "pictureUrl", "statusMessage", "language"}
    info = client.get("/v2/bot/info", headers=AUTH).json()
    assert (info["userId"], info["chatMode"], info["markAsReadMode"]) == (BOT, "bot", "auto")

    client.post("/_sim/faults", json={"endpoint": "push", "status": 503, "times": 1})
    assert client.post("/v2/bot/message/push", json={"to": USER, "messages": TEXT},
                       headers=AUTH).status_code == 503
    assert client.post("/v2/bot/message/push", json={"to": USER, "messages": TEXT},
                       headers=AUTH).status_code == 200


def test_content_states(client: httpx.Client) -> None:
    data = "原稿です".encode()
    client.post("/_sim/content/555", content=data,
                params={"content_type": "text/plain; charset=utf-8"}).raise_for_status()
    got = client.get("/v2/bot/message/555/content", headers=AUTH)
    assert got.status_code == 200 and got.content == data
    assert got.headers["content-type"].startswith("text/plain")
    assert got.headers["content-length"] == str(len(data))
    client.post("/_sim/content/556", content=b"\0" * 10,
                params={"content_type": "video/mp4", "state": "transcoding"})
    assert client.get("/v2/bot/message/556/content", headers=AUTH).status_code == 202
    assert client.get("/v2/bot/message/556/content/transcoding", headers=AUTH).json() == {
        "status": "processing"}
    client.post("/_sim/content/556", params={"state": "ready"})
    assert client.get("/v2/bot/message/556/content/transcoding", headers=AUTH).json() == {
        "status": "succeeded"}
    assert client.get("/v2/bot/message/556/content", headers=AUTH).content == b"\0" * 10
    client.post("/_sim/content/556", params={"state": "gone"})
    assert client.get("/v2/bot/message/556/content", headers=AUTH).status_code == 410
    assert client.get("/v2/bot/message/999/content", headers=AUTH).status_code == 404


def test_body_over_2mb_is_413(client: httpx.Client) -> None:
    big = {"to": USER, "messages": [{"type": "text", "text": "x" * (2 * 1024 * 1024)}]}
    response = client.post("/v2/bot/message/push", json=big, headers=AUTH)
    assert response.status_code == 413


def test_requests_log_masks_token(client: httpx.Client) -> None:
    client.post("/v2/bot/message/push", json={"to": USER, "messages": TEXT}, headers=AUTH)
    log = client.get("/_sim/requests").json()
    assert log[-1]["method"] == "POST" and log[-1]["path"] == "/v2/bot/message/push"
    assert log[-1]["status"] == 200 and log[-1]["json"]["to"] == USER
    assert log[-1]["headers"]["authorization"] == "Bearer ****"
    assert TOKEN not in json.dumps(log)


def test_line_bot_sdk_talks_to_linesim(client: httpx.Client, base: str) -> None:
    from linebot.v3.messaging import (
        ApiClient,
        ApiException,
        Configuration,
        MessagingApi,
        MessagingApiBlob,
        PushMessageRequest,
        ReplyMessageRequest,
        ShowLoadingAnimationRequest,
        TextMessage,
    )

    token = webhook(client, text_from())["events"][0]["replyToken"]
    client.post("/_sim/content/77", content=b"abc", params={"content_type": "text/plain"})
    with ApiClient(Configuration(host=base, access_token=TOKEN)) as api_client:
        api = MessagingApi(api_client)
        request = ReplyMessageRequest(reply_token=token, messages=[TextMessage(text="はい")])
        assert api.reply_message(request).sent_messages[0].id
        with pytest.raises(ApiException) as refused:
            api.reply_message(request)
        assert refused.value.status == 400
        api.push_message(PushMessageRequest(to=USER, messages=[TextMessage(text="p")]),
                         x_line_retry_key=str(uuid.uuid4()))
        api.show_loading_animation(ShowLoadingAnimationRequest(chat_id=USER, loading_seconds=10))
        assert api.get_bot_info().user_id == BOT
        assert api.get_message_quota_consumption().total_usage == 1
        assert MessagingApiBlob(api_client).get_message_content("77") == b"abc"


def test_reply_fault_uses_line_wording(client: httpx.Client) -> None:
    token = webhook(client, text_from())["events"][0]["replyToken"]
    client.post("/_sim/faults", json={"endpoint": "reply", "status": 429, "times": 1})
    body = {"replyToken": token, "messages": TEXT}
    limited = client.post("/v2/bot/message/reply", json=body, headers=AUTH)
    assert (limited.status_code, limited.json()) == (
        429, {"message": "The API rate limit has been exceeded"})
    assert client.post("/v2/bot/message/reply", json=body, headers=AUTH).status_code == 200
