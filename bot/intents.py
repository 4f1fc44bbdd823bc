"""The intent table: which action answers which message.

The table is data, first match wins (the seed's table plus Japanese words). A command
word only counts when the rest of the message is filler ("書き出してください",
"export 1080p MP4"); "タイムラインの2番目を消して" is an edit and goes to the backend.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal
from urllib.parse import parse_qs

from bot.events import Inbound


class Intent(StrEnum):
    """What the bot does with one event."""

    EXPORT = "export"
    CREDITS = "credits"
    STATUS = "status"
    UPLOAD = "upload"  # a file, image, video or audio message
    UPLOAD_HOW = "upload_how"  # the word "upload" without a file
    UPLOAD_URL = "upload_url"  # a message that is only a URL
    CHAT = "chat"  # everything else: streamed from the backend
    HELP = "help"
    COLLECT = "collect"  # the "get my video" button: deliver what push could not
    GREET = "greet"  # follow
    FORGET = "forget"  # unfollow
    STICKER = "sticker"
    LOCATION = "location"
    UNSUPPORTED = "unsupported"
    IGNORE = "ignore"


Lane = Literal["ordered", "immediate", "drop"]


@dataclass(frozen=True)
class Rule:
    """One row of the intent table."""

    intent: Intent
    phrases: tuple[str, ...]
    skip_sse: bool = True


INTENT_TABLE: tuple[Rule, ...] = (
    Rule(
        Intent.EXPORT,
        (
            "export",
            "导出",
            "download",
            "send me the video",
            "エクスポート",
            "書き出し",
            "書きだし",
            "かきだし",
            "ダウンロード",
            "動画を送って",
        ),
    ),
    Rule(Intent.CREDITS, ("credits", "积分", "balance", "余额", "クレジット", "残高")),
    Rule(Intent.STATUS, ("status", "状态", "show tracks", "状態", "ステータス", "タイムライン")),
    Rule(Intent.UPLOAD_HOW, ("upload", "上传", "アップロード")),
    Rule(Intent.HELP, ("help", "使い方", "つかいかた", "ヘルプ")),
)

# Words that may surround a command word without making the message an edit.
_FILLER = sorted(
    (
        "してください",
        "して下さい",
        "お願いします",
        "おねがいします",
        "お願い",
        "ください",
        "下さい",
        "してほしい",
        "ほしい",
        "したい",
        "します",
        "して",
        "見せて",
        "みせて",
        "見る",
        "みる",
        "確認",
        "教えて",
        "おしえて",
        "知りたい",
        "表示",
        "今の",
        "現在の",
        "今",
        "現在",
        "動画",
        "ビデオ",
        "を",
        "の",
        "で",
        "は",
        "が",
        "に",
        "て",
        "ね",
        "よ",
        "か",
        "please",
        "show",
        "me",
        "my",
        "the",
        "video",
        "now",
        "pls",
        "check",
        "see",
        "view",
        "what",
        "is",
        "1080p",
        "720p",
        "4k",
        "mp4",
        "hd",
        "full",
    ),
    key=len,
    reverse=True,
)
_FILLER_RE = re.compile("|".join(re.escape(w) for w in _FILLER))
_PUNCT_RE = re.compile(r"[\s、。,.!！?？・〜~ー\-:：「」『』()（）]+")
_URL_RE = re.compile(r"^https?://\S+$")

_POSTBACK_ACTIONS: dict[str, Intent] = {
    "export": Intent.EXPORT,
    "credits": Intent.CREDITS,
    "status": Intent.STATUS,
    "help": Intent.HELP,
    "collect": Intent.COLLECT,
    "upload": Intent.UPLOAD_HOW,
}

# Answered at once, even while a long run of the same user is going.
_IMMEDIATE = frozenset(
    {
        Intent.CREDITS,
        Intent.STATUS,
        Intent.HELP,
        Intent.COLLECT,
        Intent.GREET,
        Intent.FORGET,
        Intent.STICKER,
        Intent.LOCATION,
        Intent.UNSUPPORTED,
        Intent.UPLOAD_HOW,
    }
)


def normalize(text: str) -> str:
    """NFKC, lower case, trimmed: the form the table's phrases are written in."""
    return unicodedata.normalize("NFKC", text).strip().lower()


def classify_text(text: str) -> Intent:
    """The intent of a text message."""
    norm = normalize(text)
    if not norm:
        return Intent.IGNORE
    if _URL_RE.match(norm):
        return Intent.UPLOAD_URL
    for rule in INTENT_TABLE:
        if not any(phrase in norm for phrase in rule.phrases):
            continue
        rest = norm
        for phrase in rule.phrases:  # synonyms together ("クレジット残高") are one command
            rest = rest.replace(phrase, " ")
        if _only_filler(rest):
            return rule.intent
    return Intent.CHAT


def _only_filler(rest: str) -> bool:
    return not _PUNCT_RE.sub("", _FILLER_RE.sub("", rest))


def postback_action(data: str | None) -> dict[str, str]:
    """Postback data (``a=collect&r=...``) as a flat dict."""
    return {k: v[0] for k, v in parse_qs(data or "").items() if v}


def classify(event: Inbound) -> Intent:
    """The intent of any event."""
    if event.kind in ("follow", "join"):
        return Intent.GREET
    if event.kind in ("unfollow", "leave"):
        return Intent.FORGET
    if event.kind == "postback":
        return _POSTBACK_ACTIONS.get(postback_action(event.postback_data).get("a", ""), Intent.HELP)
    if event.kind != "message":
        return Intent.IGNORE
    match event.message_type:
        case "text":
            return classify_text(event.text)
        case "file" | "image" | "video" | "audio":
            return Intent.UPLOAD
        case "sticker":
            return Intent.STICKER
        case "location":
            return Intent.LOCATION
        case _:
            return Intent.UNSUPPORTED


def addressed(event: Inbound) -> Literal["yes", "maybe", "no"]:
    """Whether the bot is being spoken to: always in 1:1; in groups only when mentioned.

    A reply to one of the bot's messages is ``maybe``: only the worker knows which
    message ids are the bot's.
    """
    if event.chat is None:
        return "no"
    if event.chat.is_one_to_one or event.kind in ("postback", "join", "leave"):
        return "yes"
    if event.mentions_bot:
        return "yes"
    if event.quoted_message_id:
        return "maybe"
    return "no"


def lane(event: Inbound) -> Lane:
    """How the web process queues an event: in the chat's order, at once, or not at all."""
    if event.chat is None or not event.event_id:
        return "drop"
    if addressed(event) == "no":
        return "drop"
    intent = classify(event)
    if intent is Intent.IGNORE:
        return "drop"
    return "immediate" if intent in _IMMEDIATE else "ordered"
