"""Answering one event: the reply token first while it is valid, push after.

Replies are free and pushes count against the month's quota, so a conversation
uses its reply token for the first answer, batches messages five per call, and,
when push is refused for the month or turned off, keeps late messages in the
outbox for the user's next reply token (the "get my video" button).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any, Literal

import structlog
from linebot.v3.messaging import Message

from bot import messages as m
from bot.events import ChatRef
from bot.line.api import InvalidReplyToken, LineApi, LineError, PushQuotaExhausted
from bot.metrics import MESSAGES_SENT
from bot.store.chat_memory import ChatMemory
from bot.store.outbox import Outbox

log = structlog.get_logger(__name__)

Delivery = Literal["reply", "push", "outbox", "failed"]
RETRY_KEY_NAMESPACE = uuid.UUID("6f1d3c1e-2b7a-4f4e-9a55-3c0f6f1b8e21")


def retry_key_for(name: str) -> str:
    """A deterministic retry key: the same logical push always carries the same key."""
    return str(uuid.uuid5(RETRY_KEY_NAMESPACE, name))


@dataclass
class PushPolicy:
    enabled: bool
    reply_window_seconds: float


class Conversation:
    """Sends answers to one chat for one event."""

    def __init__(
        self,
        api: LineApi,
        outbox: Outbox,
        memory: ChatMemory,
        chat: ChatRef,
        policy: PushPolicy,
        reply_token: str | None = None,
        received_at: float | None = None,
    ) -> None:
        self._api = api
        self._outbox = outbox
        self._memory = memory
        self.chat = chat
        self._policy = policy
        self._reply_token = reply_token
        self._received_at = received_at or time.time()

    @property
    def can_reply(self) -> bool:
        """The reply token is unused and still fresh."""
        age = time.time() - self._received_at
        return self._reply_token is not None and age < self._policy.reply_window_seconds

    @property
    def reply_seconds_left(self) -> float:
        if self._reply_token is None:
            return 0.0
        return max(0.0, self._policy.reply_window_seconds - (time.time() - self._received_at))

    async def push_possible(self) -> bool:
        """Whether a late message can be pushed (else it waits for a button tap)."""
        return self._policy.enabled and not await self._outbox.push_blocked()

    async def send(self, messages: list[Message], *, retry_key: str | None = None) -> Delivery:
        """Deliver `messages`: by reply while possible (with any waiting outbox messages
        first), then by push; into the outbox when push cannot be used."""
        wire = m.to_wire(messages)
        if not wire:
            return "reply"
        if self.can_reply:
            waiting = await self._outbox.take(self.chat.chat_id, m.MAX_MESSAGES_PER_CALL - 1)
            batch = waiting + wire
            first, rest = batch[: m.MAX_MESSAGES_PER_CALL], batch[m.MAX_MESSAGES_PER_CALL :]
            if await self._reply(first):
                if not rest:
                    return "reply"
                return await self._push(rest, retry_key)
            await self._outbox.put_back(self.chat.chat_id, waiting)
        return await self._push(wire, retry_key)

    async def _reply(self, wire: list[dict[str, Any]]) -> bool:
        token, self._reply_token = self._reply_token, None
        assert token is not None
        try:
            ids = await self._api.reply(token, wire)
        except InvalidReplyToken:
            log.info("line.reply_token_expired", chat=self.chat.chat_id)
            return False
        except LineError as error:
            log.warning("line.reply_failed", status=error.status, error=error.message)
            return False
        MESSAGES_SENT.labels("reply").inc(len(wire))
        await self._memory.remember_sent(self.chat.chat_id, ids)
        return True

    async def _push(self, wire: list[dict[str, Any]], retry_key: str | None) -> Delivery:
        if not await self.push_possible():
            await self._outbox.add(self.chat.chat_id, wire)
            return "outbox"
        base = retry_key or str(uuid.uuid4())
        for n, start in enumerate(range(0, len(wire), m.MAX_MESSAGES_PER_CALL)):
            batch = wire[start : start + m.MAX_MESSAGES_PER_CALL]
            key = base if n == 0 else retry_key_for(f"{base}/{n}")
            try:
                ids = await self._api.push(self.chat.chat_id, batch, key)
            except PushQuotaExhausted:
                log.warning("line.push_quota_exhausted")
                await self._outbox.block_push()
                await self._outbox.add(self.chat.chat_id, wire[start:])
                return "outbox"
            except LineError as error:
                log.error("line.push_failed", status=error.status, error=error.message)
                return "failed"
            MESSAGES_SENT.labels("push").inc(len(batch))
            await self._memory.remember_sent(self.chat.chat_id, ids)
        return "push"

    async def loading(self, seconds: int = 60) -> None:
        """LINE's loading animation, in 1:1 chats only (groups refuse it)."""
        if not self.chat.is_one_to_one:
            return
        try:
            await self._api.loading(self.chat.chat_id, seconds)
        except LineError as error:
            log.info("line.loading_failed", status=error.status)

    async def deliver_waiting(self) -> bool:
        """Use the reply token for outbox messages only; True when something was sent."""
        if not self.can_reply or not await self._outbox.size(self.chat.chat_id):
            return False
        waiting = await self._outbox.take(self.chat.chat_id, m.MAX_MESSAGES_PER_CALL)
        if await self._reply(waiting):
            return True
        await self._outbox.put_back(self.chat.chat_id, waiting)
        return False
