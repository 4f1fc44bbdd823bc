"""linesim's in-memory state: tokens, content, quota, faults and everything recorded."""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from linesim.ids import new_quote_token, new_user_id
from linesim.settings import Settings

JSON = dict[str, Any]

RETRY_KEY_TTL = 24 * 3600.0
FAULT_ENDPOINTS = ("reply", "push", "loading", "profile", "content")
CONTENT_STATES = ("ready", "transcoding", "gone", "failed")
DEFAULT_FAULT_MESSAGES = {
    429: "The API rate limit has been exceeded",
    500: "An error occurred in the server.",
    503: "Service Unavailable",
}


def iso_now(at: float | None = None) -> str:
    """An ISO-8601 UTC timestamp with milliseconds, e.g. 2026-01-02T03:04:05.678Z."""
    moment = datetime.fromtimestamp(time.time() if at is None else at, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class ReplyToken:
    """A reply token LINE handed to the bot in a webhook event."""

    token: str
    chat_id: str
    expires_at: float
    used: bool = False


@dataclass
class Content:
    """Bytes a user sent, served by the data API."""

    data: bytes
    content_type: str
    state: str = "ready"


@dataclass
class Fault:
    """An injected failure for the next `remaining` calls to one endpoint."""

    status: int
    message: str
    remaining: int


@dataclass
class AcceptedKey:
    """A push accepted under an X-Line-Retry-Key."""

    request_id: str
    accepted_at: float
    sent_messages: list[JSON]


@dataclass
class Store:
    """All mutable state of one linesim server (single event loop: no locks needed)."""

    settings: Settings
    reply_token_ttl: float = 60.0
    users: dict[str, JSON] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    tokens: dict[str, ReplyToken] = field(default_factory=dict)
    read_tokens: set[str] = field(default_factory=set)
    content: dict[str, Content] = field(default_factory=dict)
    sent: list[JSON] = field(default_factory=list)
    requests: list[JSON] = field(default_factory=list)
    faults: dict[str, Fault] = field(default_factory=dict)
    quota_limit: int | None = None
    quota_used: int = 0
    retry_keys: dict[str, AcceptedKey] = field(default_factory=dict)
    delivered: dict[str, JSON] = field(default_factory=dict)
    loading: dict[str, float] = field(default_factory=dict)
    feed: list[JSON] = field(default_factory=list)
    seq: int = 0

    def __post_init__(self) -> None:
        self.reply_token_ttl = self.settings.reply_token_ttl

    def reset(self) -> None:
        """Forget everything recorded and configured at run time."""
        fresh = Store(self.settings)
        for name in self.__dataclass_fields__:
            if name != "settings":
                setattr(self, name, getattr(fresh, name))

    # -- reply tokens -------------------------------------------------------------------------

    def issue_token(self, token: str, chat_id: str) -> None:
        """Register a reply token as valid for `reply_token_ttl` seconds."""
        self.tokens[token] = ReplyToken(token, chat_id, time.time() + self.reply_token_ttl)

    def rearm_token(self, token: str) -> None:
        """Give an unused token a fresh lifetime (a redelivered event carries the same one)."""
        entry = self.tokens.get(token)
        if entry is not None and not entry.used:
            entry.expires_at = time.time() + self.reply_token_ttl

    def usable_token(self, token: str) -> ReplyToken | None:
        """The token when it is known, unused and not expired."""
        entry = self.tokens.get(token)
        if entry is None or entry.used or entry.expires_at < time.time():
            return None
        return entry

    def token_chat(self, token: str) -> str:
        """The chat a token belongs to, or '' when unknown."""
        entry = self.tokens.get(token)
        return entry.chat_id if entry else ""

    # -- faults, quota, retry keys ----------------------------------------------------------

    def take_fault(self, endpoint: str) -> Fault | None:
        """The injected fault for this call, if any (consumes one of its `times`)."""
        fault = self.faults.get(endpoint)
        if fault is None or fault.remaining <= 0:
            return None
        fault.remaining -= 1
        if fault.remaining == 0:
            del self.faults[endpoint]
        return fault

    def recipients(self, to: str) -> int:
        """How many pushes a message to `to` counts: one per member for a group or room."""
        members = self.groups.get(to)
        return max(1, len(members)) if members is not None else 1

    def accepted_key(self, key: str) -> AcceptedKey | None:
        """A retry key accepted within the last 24 hours."""
        entry = self.retry_keys.get(key)
        if entry is None or entry.accepted_at + RETRY_KEY_TTL < time.time():
            return None
        return entry

    # -- recording ------------------------------------------------------------------------------

    def record_sent(self, kind: str, to: str, messages: list[JSON], retry_key: str | None,
                    sent_messages: list[JSON]) -> None:
        """An accepted reply or push, and the bot's messages for the chat page."""
        self.sent.append({"kind": kind, "to": to, "messages": copy.deepcopy(messages),
                          "retry_key": retry_key, "at": iso_now()})
        # LINE hides the loading animation as soon as the bot sends a message.
        self.loading.pop(to, None)
        self.add_feed("bot", to, kind=kind, messages=copy.deepcopy(messages),
                      ids=[m["id"] for m in sent_messages])

    def add_feed(self, side: str, chat: str, **data: Any) -> None:
        """An entry for the chat page: `side` is user, bot, loading, error or system."""
        self.seq += 1
        self.feed.append({"seq": self.seq, "side": side, "chat": chat, "at": iso_now(), **data})
        del self.feed[:-2000]  # the page only needs recent history

    # -- profiles -----------------------------------------------------------------------------

    def add_user(self, user_id: str | None, display_name: str, language: str = "ja",
                 picture_url: str | None = None, status_message: str | None = None) -> JSON:
        """Create or replace a user profile."""
        uid = user_id or new_user_id()
        profile: JSON = {"displayName": display_name, "userId": uid,
                         "pictureUrl": picture_url or f"https://profile.line-scdn.net/{uid}",
                         "statusMessage": status_message or "", "language": language}
        self.users[uid] = profile
        return profile

    def new_read_token(self) -> str:
        """A markAsReadToken the bot may later hand back."""
        token = new_quote_token()
        self.read_tokens.add(token)
        return token
