"""Small per-chat facts: which messages are the bot's, and preview images it made."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.store import keys


class ChatMemory:
    """Ids of the bot's own messages (a reply to one addresses the bot) and previews."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def remember_sent(self, chat_id: str, message_ids: list[str]) -> None:
        if not message_ids:
            return
        key = keys.bot_messages(chat_id)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.sadd(key, *message_ids)
            pipe.expire(key, keys.BOTMSG_TTL)
            await pipe.execute()

    async def is_bot_message(self, chat_id: str, message_id: str) -> bool:
        return bool(await self._redis.sismember(keys.bot_messages(chat_id), message_id))

    async def save_preview(self, name: str, jpeg: bytes) -> None:
        await self._redis.set(keys.preview(name), jpeg, ex=keys.PREVIEW_TTL)

    async def preview(self, name: str) -> bytes | None:
        value = await self._redis.get(keys.preview(name))
        return value if isinstance(value, bytes) else None

    async def forget_chat(self, chat_id: str) -> None:
        await self._redis.delete(keys.bot_messages(chat_id))
