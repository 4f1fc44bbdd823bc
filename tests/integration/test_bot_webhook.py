"""The webhook and the answers that need no video backend: signatures, sizes,
de-duplication, follow/unfollow, stickers, help, postbacks, groups, English."""

from __future__ import annotations

import json

import httpx
from harness import (
    CHANNEL_SECRET,
    Bot,
    Chat,
    messages_of,
    quick_actions,
    quick_labels,
    texts_of,
)

from bot.texts import accepted_formats, text
from linesim.ids import new_reply_token, new_ulid
from linesim.signer import location_event, sign, sticker_event, text_event


def _body(*events: dict[str, object]) -> bytes:
    return json.dumps({"destination": "U" + "0" * 32, "events": list(events)},
                      ensure_ascii=False).encode()


# -- 1. the webhook -----------------------------------------------------------------------------


def test_bad_signatures_are_refused_and_nothing_is_queued(bot: Bot, chat: Chat) -> None:
    # One event with a fixed id and reply token, first posted badly, then by linesim.
    event = text_event(chat.user_id, "使い方", webhook_event_id=new_ulid(),
                       reply_token=new_reply_token())
    body = _body(event)
    callback = f"{bot.web_url}/callback"
    missing = httpx.post(callback, content=body, headers={"Content-Type": "application/json"})
    assert missing.status_code == 400
    wrong = httpx.post(callback, content=body, headers={
        "Content-Type": "application/json",
        "X-Line-Signature": sign("not-the-secret", body)})
    assert wrong.status_code == 401
    assert not bot.r.exists(f"lpv:evt:{event['webhookEventId']}")
    assert chat.records() == []

    # Had either been taken, this delivery of the same event would be a duplicate.
    bot.deliver(event)
    records = chat.wait(1)
    assert [r["kind"] for r in records] == ["reply"]
    assert texts_of(records) == [text("ja", "help")]
    chat.quiet(1, 1.0)


def test_connectivity_check_and_oversized_body(bot: Bot) -> None:
    assert bot.deliver() == []  # {"events": []} through linesim: 200
    empty = b'{"destination":"U00000000000000000000000000000000","events":[]}'
    ok = httpx.post(f"{bot.web_url}/callback", content=empty,
                    headers={"X-Line-Signature": sign(CHANNEL_SECRET, empty)})
    assert ok.status_code == 200

    huge = _body(text_event("U" + "1" * 32, "あ" * 400_000))  # ~1.2 MB of UTF-8
    assert len(huge) > 1_000_000
    refused = httpx.post(f"{bot.web_url}/callback", content=huge,
                         headers={"X-Line-Signature": sign(CHANNEL_SECRET, huge)})
    assert refused.status_code == 413


def test_redelivered_and_repeated_events_are_answered_once(bot: Bot, new_chat) -> None:  # type: ignore[no-untyped-def]
    first, second = new_chat(), new_chat()
    # LINE's redelivery: same webhookEventId and reply token, isRedelivery true.
    event = bot.deliver(text_event(first.user_id, "使い方"))[0]
    first.wait(1)
    redelivered = bot.deliver(redeliver_of=[event["webhookEventId"]])[0]
    assert redelivered["deliveryContext"] == {"isRedelivery": True}
    # The same event twice in one body, and once more in another body.
    twice = text_event(second.user_id, "使い方", webhook_event_id=new_ulid())
    bot.deliver(twice, twice)
    bot.deliver(twice)
    second.wait(1)
    first.quiet(1, 1.5)
    second.quiet(1, 0.5)
    assert texts_of(first.records()) == [text("ja", "help")]
    assert texts_of(second.records()) == [text("ja", "help")]


# -- 2. follow and unfollow -----------------------------------------------------------------


def test_follow_greets_by_reply_with_quick_replies(bot: Bot, chat: Chat) -> None:
    chat.follow()
    records = chat.wait(1)
    assert len(records) == 1
    reply = records[0]
    assert reply["kind"] == "reply" and reply["retry_key"] is None
    assert [m["type"] for m in reply["messages"]] == ["text"]
    assert reply["messages"][0]["text"] == text("ja", "greeting")
    assert quick_labels(reply) == [
        text("ja", "qr_make"), text("ja", "qr_help"), text("ja", "qr_credits")]
    actions = quick_actions(reply)
    assert actions[0] == {"type": "message", "label": text("ja", "qr_make"),
                          "text": text("ja", "qr_make_text")}
    assert actions[1]["type"] == "postback" and actions[1]["data"] == "a=help"
    chat.quiet(1, 1.0)


def test_unfollow_deletes_the_users_keys(bot: Bot, chat: Chat) -> None:
    chat.follow()
    chat.wait(1)
    user_key = f"lpv:user:u:{chat.user_id}"
    sent_key = f"lpv:botmsg:{chat.user_id}"
    bot.wait_redis(lambda: bool(bot.r.exists(user_key)) and bool(bot.r.exists(sent_key)),
                   what="the user's keys after follow")
    chat.unfollow()
    bot.wait_redis(lambda: not bot.r.exists(user_key, sent_key), what="the keys to go")
    left = sorted(k.decode() for k in bot.r.scan_iter(match=f"lpv:*{chat.user_id}*"))
    assert left == [], left
    chat.quiet(1, 0.5)  # unfollow has no reply token: no answer


# -- 4. answers without the backend ---------------------------------------------------------


def test_help_sticker_location_and_unsupported(bot: Bot, chat: Chat) -> None:
    chat.say("使い方を教えて")
    chat.wait(1)
    chat.send(sticker_event(chat.user_id))
    chat.wait(2)
    chat.send(location_event(chat.user_id))
    chat.wait(3)
    chat.send({"type": "message", "source": {"type": "user", "userId": chat.user_id},
               "message": {"type": "poll", "id": "123456789012345678"}})
    records = chat.wait(4)
    assert all(r["kind"] == "reply" for r in records)
    assert texts_of(records) == [text("ja", "help"), text("ja", "sticker"),
                                 text("ja", "location"), text("ja", "unsupported_message")]
    for r in records:
        assert quick_labels(r)[0] == text("ja", "qr_make")


def test_postback_buttons(bot: Bot, chat: Chat) -> None:
    chat.postback("a=help")
    chat.wait(1)
    chat.postback("a=upload")
    chat.wait(2)
    chat.postback("a=status")
    chat.wait(3)
    chat.postback("a=collect")
    chat.wait(4)
    chat.postback("a=export")
    records = chat.wait(5)
    assert all(r["kind"] == "reply" for r in records)
    assert texts_of(records) == [
        text("ja", "help"),
        text("ja", "upload_how", formats=accepted_formats("ja")),
        text("ja", "status_empty"),
        text("ja", "collect_nothing"),
        text("ja", "export_nothing"),
    ]


def test_status_and_export_before_any_project(bot: Bot, chat: Chat) -> None:
    chat.say("状態")
    chat.wait(1)
    chat.say("タイムラインを見せて")
    chat.wait(2)
    chat.say("書き出し")
    chat.wait(3)
    chat.say("export 1080p MP4")
    records = chat.wait(4)
    assert texts_of(records) == [text("ja", "status_empty")] * 2 + [
        text("ja", "export_nothing")] * 2
    assert quick_actions(records[-1]) == [{"type": "message", "label": text("ja", "qr_make"),
                                          "text": text("ja", "qr_make_text")}]


# -- groups -------------------------------------------------------------------------------------


def test_group_answers_only_when_mentioned(bot: Bot) -> None:
    group = Chat.group(bot)
    group.say("使い方")  # not addressed to the bot
    group.say("使い方", mention=True)
    records = group.wait(1)
    group.quiet(1, 1.5)
    assert records[0]["kind"] == "reply" and records[0]["to"] == group.group_id
    assert texts_of(records) == [text("ja", "help")]


# -- 11. English ------------------------------------------------------------------------------


def test_english_profile_gets_english(bot: Bot, new_chat) -> None:  # type: ignore[no-untyped-def]
    en = new_chat("en")
    en.follow()
    en.wait(1)
    en.say("状態")
    en.wait(2)
    en.postback("a=upload")
    records = en.wait(3)
    assert texts_of(records) == [
        text("en", "greeting"),
        text("en", "status_empty"),
        text("en", "upload_how", formats=accepted_formats("en")),
    ]
    assert quick_labels(records[0]) == [
        text("en", "qr_make"), text("en", "qr_help"), text("en", "qr_credits")]
    assert not any(ord(ch) > 0x3000 for m in messages_of(records[1:]) for ch in m["text"])
