"""Exports in progress: kept in Redis from before the first poll until delivered.

A render is polled by short job steps. Each step claims the render for a while
(its due time moves forward), so a worker killed mid-poll only delays the next
step: the claim runs out and any worker takes the render up again.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Literal

from redis.asyncio import Redis

from bot.store import keys
from bot.texts import Lang

RenderState = Literal["polling", "delivering", "delivered", "failed"]

_CLAIM = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, id in ipairs(due) do
  redis.call('ZADD', KEYS[1], 'XX', ARGV[2], id)
end
return due
"""


@dataclass(frozen=True)
class RenderJob:
    """One export: its current render id (a failed render is retried under a new id)."""

    key: str  # the first render id: names the job for its whole life
    render_id: str
    chat: str  # identity key (owner of the backend session)
    to: str  # where the video goes: user, group or room id
    lang: Lang
    session_id: str
    task_id: str | None
    aspect: str | None = None
    attempt: int = 1
    state: RenderState = "polling"
    started_at: float = field(default_factory=time.time)
    by_button: bool = False  # deliver through the "get my video" button, not push

    def but(self, **changes: object) -> RenderJob:
        return replace(self, **changes)  # type: ignore[arg-type]


class RenderStore:
    """Render jobs, their due times, and each chat's active export."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._claim = redis.register_script(_CLAIM)

    async def create(self, job: RenderJob, first_poll_at: float, active_ttl: int) -> None:
        """Record the job (before the first poll), schedule its first poll, mark it active."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(keys.render(job.key), json.dumps(asdict(job)), ex=keys.RENDER_TTL)
            pipe.zadd(keys.RENDERS_DUE, {job.key: first_poll_at})
            pipe.set(keys.render_active(job.chat), job.key, ex=active_ttl)
            await pipe.execute()

    async def get(self, key: str) -> RenderJob | None:
        raw = await self._redis.get(keys.render(key))
        return RenderJob(**json.loads(raw)) if raw else None

    async def save(self, job: RenderJob) -> None:
        await self._redis.set(keys.render(job.key), json.dumps(asdict(job)), ex=keys.RENDER_TTL)

    async def schedule(self, key: str, at: float) -> None:
        await self._redis.zadd(keys.RENDERS_DUE, {key: at})

    async def claim_due(self, now: float, hold_seconds: float, limit: int = 100) -> list[str]:
        """Render ids due for a poll, each claimed for `hold_seconds`."""
        found = await self._claim(keys=[keys.RENDERS_DUE], args=[now, now + hold_seconds, limit])
        return [v.decode() if isinstance(v, bytes) else str(v) for v in found]

    async def finish(self, job: RenderJob) -> None:
        """Stop polling: delivered, failed for good, or given up."""
        await self._redis.zrem(keys.RENDERS_DUE, job.key)
        active = await self._redis.get(keys.render_active(job.chat))
        if (
            active is not None
            and (active.decode() if isinstance(active, bytes) else active) == job.key
        ):
            await self._redis.delete(keys.render_active(job.chat))
        await self.save(job)

    async def active(self, chat: str) -> RenderJob | None:
        """The chat's export in progress, if any."""
        key = await self._redis.get(keys.render_active(chat))
        if key is None:
            return None
        return await self.get(key.decode() if isinstance(key, bytes) else key)

    async def delete_for_chat(self, chat: str) -> None:
        active = await self.active(chat)
        if active is not None:
            await self._redis.zrem(keys.RENDERS_DUE, active.key)
            await self._redis.delete(keys.render(active.key), keys.render_active(chat))
