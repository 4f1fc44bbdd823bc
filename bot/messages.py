"""Building LINE messages: texts split to LINE's limits, quick replies, videos.

Pure. Messages are line-bot-sdk models, turned into the JSON LINE expects with
:func:`to_wire`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from linebot.v3.messaging import (
    Message,
    MessageAction,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
    VideoMessage,
)

from bot.texts import Lang, text

MAX_TEXT_UNITS = 5000  # LINE counts UTF-16 code units
MAX_MESSAGES_PER_CALL = 5
MAX_QUICK_REPLIES = 13
MAX_LABEL_CHARS = 20


def utf16_len(value: str) -> int:
    """Length as LINE counts it."""
    return len(value.encode("utf-16-le")) // 2


def split_text(value: str, limit: int = MAX_TEXT_UNITS) -> list[str]:
    """Split a text into pieces of at most `limit` UTF-16 units, preferring line breaks."""
    pieces: list[str] = []
    rest = value
    while utf16_len(rest) > limit:
        cut = _cut_point(rest, limit)
        pieces.append(rest[:cut].rstrip("\n"))
        rest = rest[cut:].lstrip("\n")
    if rest:
        pieces.append(rest)
    return pieces


def _cut_point(value: str, limit: int) -> int:
    units = 0
    last_break = -1
    for i, ch in enumerate(value):
        width = 2 if ord(ch) > 0xFFFF else 1
        if units + width > limit:
            return last_break + 1 if last_break > limit // 2 else i
        units += width
        if ch in "\n。！？":
            last_break = i
    return len(value)


@dataclass(frozen=True)
class Choice:
    """A quick-reply button: it sends `message` as the user, or posts back `data`."""

    label: str
    message: str | None = None
    data: str | None = None


def quick_reply(choices: Sequence[Choice]) -> QuickReply | None:
    """LINE's quick reply from choices (at most 13, labels cut to 20 characters)."""
    items: list[QuickReplyItem] = []
    for c in choices[:MAX_QUICK_REPLIES]:
        label = c.label[:MAX_LABEL_CHARS]
        action: MessageAction | PostbackAction
        if c.data is not None:
            action = PostbackAction(label=label, data=c.data, display_text=label)
        else:
            action = MessageAction(label=label, text=c.message or label)
        items.append(QuickReplyItem(action=action))
    return QuickReply(items=items) if items else None


def texts(value: str, choices: Sequence[Choice] = ()) -> list[Message]:
    """Text messages for `value` (split to LINE's limit); choices go on the last one."""
    pieces = split_text(value) or [" "]
    messages: list[Message] = [TextMessage(text=p) for p in pieces]
    if choices:
        messages[-1] = TextMessage(text=pieces[-1], quick_reply=quick_reply(choices))
    return messages


def video(url: str, preview_url: str) -> Message:
    """A video message (LINE plays it inline, with the preview image)."""
    return VideoMessage(original_content_url=url, preview_image_url=preview_url)


def with_choices(messages: list[Message], choices: Sequence[Choice]) -> list[Message]:
    """Put quick replies on the last message (LINE shows them only there)."""
    if not messages or not choices:
        return messages
    last = messages[-1]
    last.quick_reply = quick_reply(choices)
    return messages


def batches(messages: Sequence[Message]) -> list[list[Message]]:
    """Groups of at most five messages, one API call each."""
    return [
        list(messages[i : i + MAX_MESSAGES_PER_CALL])
        for i in range(0, len(messages), MAX_MESSAGES_PER_CALL)
    ]


def to_wire(messages: Iterable[Message]) -> list[dict[str, Any]]:
    """The JSON LINE expects for each message."""
    return [m.to_dict() for m in messages]


def from_wire(data: Iterable[dict[str, Any]]) -> list[Message]:
    """Messages back from their JSON (for messages kept in Redis)."""
    return [Message.from_dict(d) for d in data]


# The quick replies of common moments, so every handler offers the same next steps.
def after_draft(lang: Lang) -> list[Choice]:
    """Next steps after the backend answered."""
    return [
        Choice(text(lang, "qr_export"), text(lang, "qr_export_text")),
        Choice(text(lang, "qr_timeline"), text(lang, "qr_timeline_text")),
        Choice(text(lang, "qr_bgm"), text(lang, "qr_bgm_text")),
        Choice(text(lang, "qr_aspect"), text(lang, "qr_aspect_text")),
    ]


def getting_started(lang: Lang) -> list[Choice]:
    """The seed's "Try saying" prompts as buttons."""
    return [
        Choice(text(lang, "qr_make"), text(lang, "qr_make_text")),
        Choice(text(lang, "qr_help"), data="a=help"),
        Choice(text(lang, "qr_credits"), text(lang, "qr_credits_text")),
    ]


def collect(lang: Lang, label_key: str = "qr_collect") -> list[Choice]:
    """The button that fetches late results with a fresh reply token."""
    return [Choice(text(lang, label_key), data="a=collect")]
