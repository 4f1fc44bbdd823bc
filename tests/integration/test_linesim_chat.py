"""The chat page's API end to end: linesim + the demo bot, both real processes on loopback."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from linesim.testing import free_port, run_linesim

TOKEN = "chat-token"
SECRET = "chat-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
       b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe"
       b"\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    bot_port = free_port()
    with run_linesim(f"http://127.0.0.1:{bot_port}/callback", channel_secret=SECRET,
                     channel_token=TOKEN) as url:
        bot = subprocess.Popen([sys.executable, "-m", "linesim", "demo-bot", "--port",
                                str(bot_port), "--linesim-url", url, "--channel-secret", SECRET,
                                "--channel-token", TOKEN])
        try:
            deadline = time.monotonic() + 20
            while True:  # the demo bot answers 405 to GET /callback once it is up
                try:
                    httpx.get(f"http://127.0.0.1:{bot_port}/callback", timeout=1)
                    break
                except httpx.HTTPError:
                    assert time.monotonic() < deadline and bot.poll() is None
                    time.sleep(0.1)
            yield url
        finally:
            bot.terminate()
            bot.wait(timeout=10)


@pytest.fixture()
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=10) as c:
        c.post("/_sim/reset").raise_for_status()
        yield c


def wait_for(client: httpx.Client, pred: Callable[[dict[str, Any]], bool],
             after: int = 0, timeout: float = 8.0) -> dict[str, Any]:
    """The first feed entry after `after` that matches."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for entry in client.get("/chat/api/feed", params={"after": after}).json()["entries"]:
            if pred(entry):
                return dict(entry)
        time.sleep(0.1)
    raise AssertionError("no matching feed entry")


def seq(client: httpx.Client) -> int:
    value: int = client.get("/chat/api/feed").json()["seq"]
    return value


def test_page_and_static_files(client: httpx.Client) -> None:
    for path in ("/", "/chat"):
        page = client.get(path)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert '<html lang="ja">' in page.text and "/static/chat.js" in page.text
    assert "javascript" in client.get("/static/chat.js").headers["content-type"]
    assert "text/css" in client.get("/static/chat.css").headers["content-type"]
    assert client.get("/static/nope.js").status_code == 404


def test_language_toggle_changes_profile(client: httpx.Client) -> None:
    state = client.get("/chat/api/state").json()
    assert state["me"]["language"] == "ja"
    client.post("/chat/api/lang", json={"lang": "en"}).raise_for_status()
    profile = client.get(f"/v2/bot/profile/{state['me']['userId']}", headers=AUTH).json()
    assert profile["language"] == "en" and profile["displayName"] == "Alex Smith"
    client.post("/chat/api/lang", json={"lang": "ja"}).raise_for_status()


def test_text_gets_loading_and_reply_with_quick_replies(client: httpx.Client) -> None:
    start = seq(client)
    result = client.post("/chat/api/text", json={"chat": "user", "text": "動画を作ってください"})
    assert result.json()["status"] == 200
    event = result.json()["events"][0]
    assert event["message"]["text"] == "動画を作ってください" and event["replyToken"]
    wait_for(client, lambda e: e["side"] == "loading", start)
    bot = wait_for(client, lambda e: e["side"] == "bot", start)
    assert bot["kind"] == "reply" and bot["messages"][0]["quickReply"]["items"]
    assert len(bot["ids"]) == 1


def test_refused_message_shows_as_error_entry(client: httpx.Client) -> None:
    start = seq(client)
    client.post("/chat/api/text", json={"chat": "user", "text": "エラー"})
    error = wait_for(client, lambda e: e["side"] == "error", start)
    assert error["status"] == 400 and error["what"] == "reply"
    assert error["body"]["details"][0]["property"] == "messages[0].text"
    # The refused request left the token usable, so the bot's second try went through.
    wait_for(client, lambda e: e["side"] == "bot", start)


@pytest.mark.parametrize(
    ("name", "content_type", "query", "kind"),
    [
        ("原稿.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         {}, "file"),
        ("字幕.srt", "", {}, "file"),
        ("photo.png", "image/png", {}, "image"),
        ("clip.mp4", "video/mp4", {"duration_ms": "15000"}, "video"),
        ("clip.mp4", "video/mp4", {"as_file": "true"}, "file"),  # dropped in on desktop
        ("voice.m4a", "audio/mp4", {"duration_ms": "3000"}, "audio"),
    ],
)
def test_uploads_become_the_right_events(client: httpx.Client, name: str, content_type: str,
                                         query: dict[str, str], kind: str) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    result = client.post("/chat/api/upload", params={"name": name, "chat": "user", **query},
                         content=PNG, headers=headers).json()
    message = result["events"][0]["message"]
    assert message["type"] == kind
    if kind == "file":
        assert (message["fileName"], message["fileSize"]) == (name, len(PNG))
    else:
        assert message["contentProvider"] == {"type": "line"}
    if kind in ("video", "audio"):
        assert message["duration"] == int(query["duration_ms"])
        # LINE prepares large media first: 202 now, the bytes shortly after.
        status = client.get(f"/v2/bot/message/{message['id']}/content/transcoding",
                            headers=AUTH).json()["status"]
        assert status in ("processing", "succeeded")
        time.sleep(1.8)
    content = client.get(f"/v2/bot/message/{message['id']}/content", headers=AUTH)
    assert content.status_code == 200 and content.content == PNG


def test_group_mention_and_quote(client: httpx.Client) -> None:
    state = client.get("/chat/api/state").json()
    group = state["group"]["groupId"]
    plain = client.post("/chat/api/text", json={"chat": "group", "text": "ランチどうする？"})
    assert "mention" not in plain.json()["events"][0]["message"]
    start = seq(client)
    text = "はい、@プロモ動画メーカー 動画を作って"
    event = client.post("/chat/api/text", json={"chat": "group", "text": text}).json()["events"][0]
    assert event["source"] == {"type": "group", "groupId": group,
                               "userId": state["me"]["userId"]}
    assert event["message"]["mention"]["mentionees"] == [{
        "index": 3, "length": 10, "type": "user", "userId": state["bot"]["userId"],
        "isSelf": True}]
    bot = wait_for(client, lambda e: e["side"] == "bot" and e["chat"] == group, start)
    quoted = client.post("/chat/api/text", json={"chat": "group", "text": "これで",
                                                 "quotedMessageId": bot["ids"][0]}).json()
    assert quoted["events"][0]["message"]["quotedMessageId"] == bot["ids"][0]


def test_postback_lifecycle_and_redelivery(client: httpx.Client) -> None:
    start = seq(client)
    postback = client.post("/chat/api/postback", json={
        "chat": "user", "data": "action=get", "displayText": "動画を受け取る"}).json()
    assert postback["events"][0]["postback"] == {"data": "action=get"}
    bot = wait_for(client, lambda e: e["side"] == "bot", start)
    assert bot["messages"][0]["type"] == "video"
    follow = client.post("/chat/api/lifecycle", json={"event": "follow"}).json()["events"][0]
    unfollow = client.post("/chat/api/lifecycle", json={"event": "unfollow"}).json()["events"][0]
    assert "replyToken" in follow and "replyToken" not in unfollow
    again = client.post("/chat/api/redeliver",
                        json={"eventIds": [follow["webhookEventId"]]}).json()["events"][0]
    assert again["deliveryContext"]["isRedelivery"] is True
    assert again["replyToken"] == follow["replyToken"]
