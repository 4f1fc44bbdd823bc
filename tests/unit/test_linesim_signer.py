"""linesim.signer: signatures and event builders checked against line-bot-sdk's models."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from linebot.v3.webhook import SignatureValidator, WebhookParser
from linebot.v3.webhooks import (
    AudioMessageContent,
    Event,
    FileMessageContent,
    FollowEvent,
    ImageMessageContent,
    JoinEvent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    VideoMessageContent,
)

from linesim import signer
from linesim.ids import ulid_time_ms

USER = "U" + "1" * 32
GROUP = "C" + "2" * 32
BOT = "U" + "b" * 32
ULID_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def test_sign_matches_sdk_validator() -> None:
    body = '{"destination":"U1","events":[{"text":"日本語のテキスト"}]}'.encode()
    signature = signer.sign("s3cret", body)
    assert SignatureValidator("s3cret").validate(body.decode(), signature)
    assert not SignatureValidator("other").validate(body.decode(), signature)
    assert signer.verify("s3cret", body, signature)


def test_ulid_shape_time_and_uniqueness() -> None:
    before = int(time.time() * 1000)
    ids = [signer.new_ulid() for _ in range(200)]
    after = int(time.time() * 1000)
    assert all(ULID_RE.match(u) for u in ids)
    assert len(set(ids)) == 200
    assert before <= ulid_time_ms(ids[0]) <= after
    # Lexicographic order follows time (a property bots may rely on).
    assert signer.new_ulid(1_000) < signer.new_ulid(2_000)


def _parse(event: dict[str, Any]) -> Any:
    return Event.from_dict(json.loads(json.dumps(event)))


def _common(event: dict[str, Any], replyable: bool) -> None:
    assert ULID_RE.match(event["webhookEventId"])
    assert event["mode"] == "active"
    assert event["deliveryContext"] == {"isRedelivery": False}
    assert isinstance(event["timestamp"], int)
    assert ("replyToken" in event) is replyable
    if replyable:
        assert re.match(r"^[0-9a-f]{32}$", event["replyToken"])


def test_text_event_parses() -> None:
    event = signer.text_event(USER, "動画を作ってください", quoted_message_id="123")
    _common(event, True)
    parsed = _parse(event)
    assert isinstance(parsed, MessageEvent)
    assert isinstance(parsed.message, TextMessageContent)
    assert parsed.message.text == "動画を作ってください"
    assert parsed.message.quoted_message_id == "123"
    assert parsed.source.user_id == USER
    assert event["message"]["quoteToken"] and event["message"]["markAsReadToken"]


def test_group_text_with_self_mention() -> None:
    event = signer.text_event(USER, "😀@プロモ 動画を作って", group_id=GROUP, mention_self_of=BOT)
    mentionee = event["message"]["mention"]["mentionees"][0]
    # Index and length are UTF-16 code units: the emoji before '@' counts 2.
    assert mentionee == {"index": 2, "length": 4, "type": "user", "userId": BOT, "isSelf": True}
    assert event["source"] == {"type": "group", "groupId": GROUP, "userId": USER}
    parsed = _parse(event)
    assert parsed.message.mention.mentionees[0].is_self is True


def test_self_mention_added_when_text_has_no_at() -> None:
    event = signer.text_event(USER, "作って", group_id=GROUP, mention_self_of=BOT)
    assert event["message"]["text"] == "@bot 作って"
    assert event["message"]["mention"]["mentionees"][0]["length"] == 4


@pytest.mark.parametrize(
    ("event", "content_type"),
    [
        (signer.file_event(USER, "100001", "原稿.docx", 12345), FileMessageContent),
        (signer.image_event(USER, "100002"), ImageMessageContent),
        (signer.video_event(USER, "100003", 15000), VideoMessageContent),
        (signer.audio_event(USER, "100004", 3000), AudioMessageContent),
        (signer.sticker_event(USER), StickerMessageContent),
        (signer.location_event(USER), LocationMessageContent),
    ],
)
def test_message_events_parse(event: dict[str, Any], content_type: type) -> None:
    _common(event, True)
    parsed = _parse(event)
    assert isinstance(parsed, MessageEvent)
    assert isinstance(parsed.message, content_type)


def test_content_fields_are_line_exact() -> None:
    file_msg = signer.file_event(USER, "9", "a.pdf", 42)["message"]
    assert (file_msg["fileName"], file_msg["fileSize"], file_msg["id"]) == ("a.pdf", 42, "9")
    assert "contentProvider" not in file_msg
    video = signer.video_event(USER, "10", 1500)["message"]
    assert video["contentProvider"] == {"type": "line"}
    assert video["duration"] == 1500


def test_postback_follow_unfollow_join() -> None:
    postback = signer.postback_event(USER, "action=export&id=1")
    _common(postback, True)
    assert isinstance(_parse(postback), PostbackEvent)
    follow = signer.follow_event(USER)
    _common(follow, True)
    assert follow["follow"] == {"isUnblocked": False}
    assert isinstance(_parse(follow), FollowEvent)
    unfollow = signer.unfollow_event(USER)
    _common(unfollow, False)
    assert isinstance(_parse(unfollow), UnfollowEvent)
    join = signer.join_event(GROUP)
    _common(join, True)
    assert join["source"] == {"type": "group", "groupId": GROUP}
    assert isinstance(_parse(join), JoinEvent)


def test_signed_body_parses_with_sdk_webhook_parser() -> None:
    events = [signer.text_event(USER, "こんにちは"), signer.follow_event(USER)]
    body, signature = signer.signed_body("sec", events, BOT)
    payload = json.loads(body)
    assert payload["destination"] == BOT
    assert "こんにちは".encode() in body  # UTF-8, not \\u escapes, like LINE
    parsed = WebhookParser("sec").parse(body.decode(), signature)
    assert [type(e) for e in parsed] == [MessageEvent, FollowEvent]
