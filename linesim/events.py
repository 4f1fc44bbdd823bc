"""Builders for complete LINE webhook events, shaped exactly as LINE sends them."""

from __future__ import annotations

import time
from typing import Any

from linesim.ids import new_message_id, new_quote_token, new_reply_token, new_ulid

Event = dict[str, Any]

# Event types that carry a reply token (LINE: message, follow, join, postback, beacon, ...).
REPLYABLE_TYPES = frozenset(
    {"message", "follow", "join", "postback", "beacon", "memberJoined", "accountLink",
     "videoPlayComplete", "things"}
)
# Message types whose webhook object carries a quoteToken.
QUOTABLE_MESSAGE_TYPES = frozenset({"text", "image", "video", "sticker"})
# Message types whose bytes LINE keeps for the data API.
CONTENT_MESSAGE_TYPES = frozenset({"image", "video", "audio", "file"})


def source(user_id: str | None, group_id: str | None = None, room_id: str | None = None) -> Event:
    """The `source` object for a 1:1 chat, a group or a room."""
    if group_id is not None:
        src: Event = {"type": "group", "groupId": group_id}
    elif room_id is not None:
        src = {"type": "room", "roomId": room_id}
    else:
        return {"type": "user", "userId": user_id}
    if user_id is not None:
        src["userId"] = user_id
    return src


def envelope(event_type: str, src: Event, *, reply_token: str | None = None,
             timestamp: int | None = None, webhook_event_id: str | None = None,
             is_redelivery: bool = False) -> Event:
    """The fields every event has, in LINE's order; a reply token for replyable types."""
    ts = int(time.time() * 1000) if timestamp is None else timestamp
    event: Event = {
        "type": event_type,
        "mode": "active",
        "timestamp": ts,
        "source": src,
        "webhookEventId": webhook_event_id or new_ulid(ts),
        "deliveryContext": {"isRedelivery": is_redelivery},
    }
    if event_type in REPLYABLE_TYPES:
        event["replyToken"] = reply_token or new_reply_token()
    return event


def _message_event(user_id: str | None, message: Event, *, group_id: str | None = None,
                   room_id: str | None = None, **extra: Any) -> Event:
    event = envelope("message", source(user_id, group_id, room_id), **extra)
    message.setdefault("id", new_message_id())
    if message["type"] in QUOTABLE_MESSAGE_TYPES:
        message.setdefault("quoteToken", new_quote_token())
    message.setdefault("markAsReadToken", new_quote_token())
    event["message"] = message
    return event


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def self_mention(text: str, bot_user_id: str) -> tuple[str, Event]:
    """The text (prefixed with '@bot ' if it has no '@') and a mention of the bot.

    LINE counts `index` and `length` in UTF-16 code units; the mention spans the first
    '@word' of the text.
    """
    if "@" not in text:
        text = "@bot " + text
    start = text.index("@")
    end = start
    while end < len(text) and not text[end].isspace():
        end += 1
    index = _utf16_len(text[:start])
    length = _utf16_len(text[start:end])
    mention = {"mentionees": [{"index": index, "length": length, "type": "user",
                               "userId": bot_user_id, "isSelf": True}]}
    return text, mention


def text_event(user_id: str | None, text: str, *, group_id: str | None = None,
               room_id: str | None = None, mention_self_of: str | None = None,
               quoted_message_id: str | None = None, **extra: Any) -> Event:
    """A text message event; `mention_self_of` (the bot's user id) adds an isSelf mention."""
    message: Event = {"type": "text", "id": extra.pop("message_id", None) or new_message_id()}
    if mention_self_of is not None:
        text, mention = self_mention(text, mention_self_of)
        message["text"] = text
        message["mention"] = mention
    else:
        message["text"] = text
    message["quoteToken"] = new_quote_token()
    if quoted_message_id is not None:
        message["quotedMessageId"] = quoted_message_id
    return _message_event(user_id, message, group_id=group_id, room_id=room_id, **extra)


def file_event(user_id: str | None, message_id: str, file_name: str, file_size: int, *,
               group_id: str | None = None, room_id: str | None = None, **extra: Any) -> Event:
    """A file message event (documents; an mp4 dropped in on desktop also arrives as a file)."""
    message: Event = {"type": "file", "id": message_id, "fileName": file_name,
                      "fileSize": file_size}
    return _message_event(user_id, message, group_id=group_id, room_id=room_id, **extra)


def image_event(user_id: str | None, message_id: str, *, group_id: str | None = None,
                room_id: str | None = None, image_set: Event | None = None,
                **extra: Any) -> Event:
    """An image message event whose bytes are held by LINE (contentProvider 'line')."""
    message: Event = {"type": "image", "id": message_id, "contentProvider": {"type": "line"}}
    if image_set is not None:
        message["imageSet"] = image_set
    return _message_event(user_id, message, group_id=group_id, room_id=room_id, **extra)


def video_event(user_id: str | None, message_id: str, duration_ms: int, *,
                group_id: str | None = None, room_id: str | None = None,
                **extra: Any) -> Event:
    """A video message event (sent from a phone's picker)."""
    message: Event = {"type": "video", "id": message_id, "duration": duration_ms,
                      "contentProvider": {"type": "line"}}
    return _message_event(user_id, message, group_id=group_id, room_id=room_id, **extra)


def audio_event(user_id: str | None, message_id: str, duration_ms: int, *,
                group_id: str | None = None, room_id: str | None = None,
                **extra: Any) -> Event:
    """An audio message event."""
    message: Event = {"type": "audio", "id": message_id, "duration": duration_ms,
                      "contentProvider": {"type": "line"}}
    return _message_event(user_id, message, group_id=group_id, room_id=room_id, **extra)


def sticker_event(user_id: str | None, package_id: str = "446", sticker_id: str = "1988", *,
                  group_id: str | None = None, room_id: str | None = None,
                  **extra: Any) -> Event:
    """A sticker message event."""
    message: Event = {"type": "sticker", "id": new_message_id(), "packageId": package_id,
                      "stickerId": sticker_id, "stickerResourceType": "STATIC",
                      "keywords": ["Happy", "Hello"]}
    return _message_event(user_id, message, group_id=group_id, room_id=room_id, **extra)


def location_event(user_id: str | None, latitude: float = 35.681236,
                   longitude: float = 139.767125, *, title: str | None = "東京駅",
                   address: str | None = "東京都千代田区丸の内１丁目", group_id: str | None = None,
                   room_id: str | None = None, **extra: Any) -> Event:
    """A location message event."""
    message: Event = {"type": "location", "id": new_message_id(), "latitude": latitude,
                      "longitude": longitude}
    if title is not None:
        message["title"] = title
    if address is not None:
        message["address"] = address
    return _message_event(user_id, message, group_id=group_id, room_id=room_id, **extra)


def postback_event(user_id: str | None, data: str, *, params: dict[str, str] | None = None,
                   group_id: str | None = None, room_id: str | None = None,
                   **extra: Any) -> Event:
    """A postback event (a tap on a postback button or quick reply); has a fresh reply token."""
    event = envelope("postback", source(user_id, group_id, room_id), **extra)
    postback: Event = {"data": data}
    if params is not None:
        postback["params"] = params
    event["postback"] = postback
    return event


def follow_event(user_id: str, *, is_unblocked: bool = False, **extra: Any) -> Event:
    """A follow event (friend added or unblocked); carries a reply token."""
    event = envelope("follow", source(user_id), **extra)
    event["follow"] = {"isUnblocked": is_unblocked}
    return event


def unfollow_event(user_id: str, **extra: Any) -> Event:
    """An unfollow event (blocked): no reply token."""
    return envelope("unfollow", source(user_id), **extra)


def join_event(group_id: str, **extra: Any) -> Event:
    """The bot joined a group (or a room when the id starts with 'R')."""
    if group_id.startswith("R"):
        return envelope("join", source(None, room_id=group_id), **extra)
    return envelope("join", source(None, group_id=group_id), **extra)


def leave_event(group_id: str, **extra: Any) -> Event:
    """The bot was removed from a group: no reply token."""
    if group_id.startswith("R"):
        return envelope("leave", source(None, room_id=group_id), **extra)
    return envelope("leave", source(None, group_id=group_id), **extra)
