"""Messages that push could not deliver, waiting for the user's next reply token.

When the month's push quota is spent (or the operator turns push off), late results
wait here; the next event with a reply token (a tap on "get my video", or any message)
delivers them for free.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from redis.asyncio import Redis

from bot.store import keys

JST = dt.timezone(dt.timedelta(hours=9))


def seconds_to_next_month(now: dt.datetime | None = None) -> int:
    """Seconds until the quota resets: the 1st of next month, 00:00 JST."""
    now = (now or dt.datetime.now(JST)).astimezone(JST)
    first = (
        now.replace(day=1, hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=32)
    ).replace(day=1)
    return max(60, int((first - now).total_seconds()))


class Outbox:
    """Undelivered messages per chat, and the month's push-blocked flag."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def add(self, chat_id: str, messages: list[dict[str, Any]]) -> None:
        if not messages:
            return
        key = keys.outbox(chat_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, *[json.dumps(m, ensure_ascii=False) for m in messages])
            pipe.expire(key, keys.OUTBOX_TTL)
            await pipe.execute()

    async def take(self, chat_id: str, limit: int) -> list[dict[str, Any]]:
        """Up to `limit` waiting messages, oldest first, removed from the outbox."""
        if limit <= 0:
            return []
        raw = await self._redis.lpop(keys.outbox(chat_id), limit)
        return [json.loads(r) for r in (raw or []) if isinstance(r, bytes | str)]

    async def put_back(self, chat_id: str, messages: list[dict[str, Any]]) -> None:
        """Return messages to the front (their reply failed)."""
        if messages:
            await self._redis.lpush(
                keys.outbox(chat_id),
                *[json.dumps(m, ensure_ascii=False) for m in reversed(messages)],
            )

    async def size(self, chat_id: str) -> int:
        return int(await self._redis.llen(keys.outbox(chat_id)))

    async def block_push(self) -> None:
        await self._redis.set(keys.PUSH_BLOCKED, "1", ex=seconds_to_next_month())

    async def push_blocked(self) -> bool:
        return bool(await self._redis.exists(keys.PUSH_BLOCKED))

    async def delete(self, chat_id: str) -> None:
        await self._redis.delete(keys.outbox(chat_id))
