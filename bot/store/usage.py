"""Fair use on a shared operator token: runs per user per day (JST)."""

from __future__ import annotations

import datetime as dt

from redis.asyncio import Redis

from bot.store import keys
from bot.store.outbox import JST


class UsageStore:
    """Counts each user's backend runs today."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def take_run(self, chat: str, limit: int) -> bool:
        """Count one run; False (and nothing counted) when today's limit is reached."""
        if limit <= 0:
            return True
        key = keys.usage(chat, dt.datetime.now(JST).strftime("%Y%m%d"))
        count = int(await self._redis.incr(key))
        if count == 1:
            await self._redis.expire(key, keys.USAGE_TTL)
        if count > limit:
            await self._redis.decr(key)
            return False
        return True
