"""Per-chat ordering: an inbox list per chat, a lease so one worker drains it at a time.

The web process accepts an event (de-duplicated by ``webhookEventId``) and, for ordered
events, appends it to the chat's inbox in the same atomic step. A worker holding the
chat's lease moves one event at a time to a processing list, so a worker killed mid-way
leaves the event where the next holder finds it.
"""

from __future__ import annotations

import secrets

from redis.asyncio import Redis

from bot.store import keys

_ACCEPT = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  if ARGV[3] == '1' then
    redis.call('RPUSH', KEYS[2], ARGV[2])
    redis.call('EXPIRE', KEYS[2], ARGV[5])
    redis.call('SADD', KEYS[3], ARGV[4])
  end
  return 1
end
return 0
"""

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

_SETTLE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
if redis.call('LLEN', KEYS[2]) + redis.call('LLEN', KEYS[3]) == 0 then
  redis.call('SREM', KEYS[4], ARGV[2])
  return 0
end
return 1
"""


class Inbox:
    """Inboxes, leases and the in-flight marker of each chat."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._accept = redis.register_script(_ACCEPT)
        self._renew = redis.register_script(_RENEW)
        self._settle = redis.register_script(_SETTLE)

    async def accept(self, event_id: str, chat: str, payload: str, *, ordered: bool) -> bool:
        """Record the event once; ordered events also join the chat's inbox. False: a repeat."""
        result = await self._accept(
            keys=[keys.event(event_id), keys.inbox(chat), keys.PENDING],
            args=[keys.EVENT_TTL, payload, "1" if ordered else "0", chat, keys.INBOX_TTL],
        )
        return bool(result)

    async def forget_event(self, event_id: str) -> None:
        """Let a redelivery of this event in again (its enqueue failed)."""
        await self._redis.delete(keys.event(event_id))

    async def acquire(self, chat: str) -> str | None:
        """The chat's lease, or None when another worker holds it."""
        token = secrets.token_hex(8)
        ok = await self._redis.set(keys.lease(chat), token, nx=True, px=keys.LEASE_MS)
        return token if ok else None

    async def renew(self, chat: str, token: str) -> bool:
        """Keep the lease while working; False when it was lost."""
        return bool(await self._renew(keys=[keys.lease(chat)], args=[token, keys.LEASE_MS]))

    async def is_leased(self, chat: str) -> bool:
        """Whether some worker is handling the chat now."""
        return bool(await self._redis.exists(keys.lease(chat)))

    async def take(self, chat: str) -> str | None:
        """The next event, moved to the processing list."""
        value = await self._redis.lmove(keys.inbox(chat), keys.processing(chat), "LEFT", "RIGHT")
        if value is not None:
            await self._redis.expire(keys.processing(chat), keys.INBOX_TTL)
        return None if value is None else _str(value)

    async def in_progress(self, chat: str) -> list[str]:
        """Events a previous holder took and never finished."""
        return [_str(v) for v in await self._redis.lrange(keys.processing(chat), 0, -1)]

    async def done(self, chat: str, payload: str) -> None:
        """The event is handled."""
        await self._redis.lrem(keys.processing(chat), 1, payload)
        await self._redis.delete(keys.inflight(chat))

    async def waiting(self, chat: str) -> int:
        """How many events wait behind the current one."""
        return int(await self._redis.llen(keys.inbox(chat)))

    async def settle(self, chat: str, token: str) -> bool:
        """Release the lease; True when work arrived meanwhile (try to take the lease again)."""
        args = [token, chat]
        chat_keys = [keys.lease(chat), keys.inbox(chat), keys.processing(chat), keys.PENDING]
        return bool(await self._settle(keys=chat_keys, args=args))

    async def pending_chats(self) -> list[str]:
        """Chats whose inbox may hold work (for the sweeper)."""
        return [_str(v) for v in await self._redis.smembers(keys.PENDING)]

    async def mark_sent(self, chat: str, event_id: str) -> None:
        """The running event's message has gone to the backend: never send it again."""
        await self._redis.set(keys.inflight(chat), event_id, ex=keys.INFLIGHT_TTL)

    async def was_sent(self, chat: str, event_id: str) -> bool:
        """Whether an interrupted event had already reached the backend."""
        return _str(await self._redis.get(keys.inflight(chat)) or b"") == event_id

    async def drop(self, chat: str) -> None:
        """Forget the chat's queued work (the user blocked the bot)."""
        await self._redis.delete(keys.inbox(chat), keys.processing(chat), keys.inflight(chat))
        await self._redis.srem(keys.PENDING, chat)


def _str(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
