"""Webhook events as the bot needs them: one flat, typed view per LINE event.

line-bot-sdk's models do the parsing; its discriminators reject event and message
types LINE adds later, so those become ``kind == "other"`` instead of an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from linebot.v3 import webhooks as wh

ChatKind = Literal["user", "group", "room"]
EventKind = Literal["message", "follow", "unfollow", "postback", "join", "leave", "other"]
MessageType = Literal[
    "text", "image", "video", "audio", "file", "sticker", "location", "none", "other"
]


@dataclass(frozen=True)
class ChatRef:
    """Where an event came from and where answers go."""

    kind: ChatKind
    chat_id: str  # push target: the user id in 1:1, else the group or room id
    user_id: str | None

    @property
    def key(self) -> str:
        """The identity that owns one backend project: a user, or a member of a group."""
        if self.kind == "user":
            return f"u:{self.chat_id}"
        return f"{self.kind[0]}:{self.chat_id}:{self.user_id or '-'}"

    @property
    def is_one_to_one(self) -> bool:
        return self.kind == "user"


@dataclass(frozen=True)
class Inbound:
    """One webhook event, flattened."""

    event_id: str
    kind: EventKind
    timestamp_ms: int
    chat: ChatRef | None
    reply_token: str | None = None
    redelivery: bool = False
    message_type: MessageType = "none"
    message_id: str | None = None
    text: str = ""
    mentions_bot: bool = False
    quoted_message_id: str | None = None
    file_name: str | None = None
    file_size: int | None = None
    duration_ms: int | None = None
    external_content: bool = False
    postback_data: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def parse_event(raw: dict[str, Any]) -> Inbound:
    """Flatten one webhook event; unknown event or message types become ``other``."""
    event_id = str(raw.get("webhookEventId") or "")
    timestamp = int(raw.get("timestamp") or 0)
    redelivery = bool((raw.get("deliveryContext") or {}).get("isRedelivery", False))
    chat = _chat_of(raw.get("source"))
    base: dict[str, Any] = {
        "event_id": event_id,
        "timestamp_ms": timestamp,
        "chat": chat,
        "reply_token": raw.get("replyToken"),
        "redelivery": redelivery,
        "raw": raw,
    }
    try:
        event = wh.Event.from_dict(raw)
    except (ValueError, TypeError):
        return _partially_known(raw, base)
    if isinstance(event, wh.MessageEvent):
        return Inbound(kind="message", **base, **_message_fields(event.message))
    if isinstance(event, wh.PostbackEvent):
        return Inbound(kind="postback", postback_data=event.postback.data, **base)
    if isinstance(event, wh.FollowEvent):
        return Inbound(kind="follow", **base)
    if isinstance(event, wh.UnfollowEvent):
        return Inbound(kind="unfollow", **base)
    if isinstance(event, wh.JoinEvent):
        return Inbound(kind="join", **base)
    if isinstance(event, wh.LeaveEvent):
        return Inbound(kind="leave", **base)
    return Inbound(kind="other", **base)


def _partially_known(raw: dict[str, Any], base: dict[str, Any]) -> Inbound:
    # A message event with a message type the SDK does not know yet still deserves an answer.
    if raw.get("type") == "message":
        message = raw.get("message") or {}
        return Inbound(kind="message", message_type="other", message_id=message.get("id"), **base)
    return Inbound(kind="other", **base)


def _chat_of(source: Any) -> ChatRef | None:
    if not isinstance(source, dict):
        return None
    user_id = source.get("userId")
    kind = source.get("type")
    if kind == "group" and source.get("groupId"):
        return ChatRef("group", str(source["groupId"]), user_id)
    if kind == "room" and source.get("roomId"):
        return ChatRef("room", str(source["roomId"]), user_id)
    if kind == "user" and user_id:
        return ChatRef("user", str(user_id), str(user_id))
    return None


def _message_fields(message: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"message_id": getattr(message, "id", None)}
    provider = getattr(message, "content_provider", None)
    if provider is not None and getattr(provider, "type", "line") != "line":
        fields["external_content"] = True
    if isinstance(message, wh.TextMessageContent):
        text, mentioned = _strip_self_mentions(message)
        fields.update(
            message_type="text",
            text=text,
            mentions_bot=mentioned,
            quoted_message_id=message.quoted_message_id,
        )
    elif isinstance(message, wh.FileMessageContent):
        fields.update(message_type="file", file_name=message.file_name, file_size=message.file_size)
    elif isinstance(message, wh.ImageMessageContent):
        fields.update(message_type="image")
    elif isinstance(message, wh.VideoMessageContent):
        fields.update(message_type="video", duration_ms=message.duration)
    elif isinstance(message, wh.AudioMessageContent):
        fields.update(message_type="audio", duration_ms=message.duration)
    elif isinstance(message, wh.StickerMessageContent):
        fields.update(message_type="sticker", quoted_message_id=message.quoted_message_id)
    elif isinstance(message, wh.LocationMessageContent):
        fields.update(message_type="location")
    else:
        fields.update(message_type="other")
    return fields


def _strip_self_mentions(message: wh.TextMessageContent) -> tuple[str, bool]:
    """The text without the @mentions of the bot, and whether there was one."""
    mention = message.mention
    spans = [
        (m.index, m.length)
        for m in (mention.mentionees if mention else [])
        if getattr(m, "is_self", False)
    ]
    if not spans:
        return message.text.strip(), False
    # LINE counts mention offsets in UTF-16 code units, as it counts text length.
    units = message.text.encode("utf-16-le")
    for index, length in sorted(spans, reverse=True):
        units = units[: index * 2] + units[(index + length) * 2 :]
    return units.decode("utf-16-le", errors="ignore").strip(), True
