"""Each chat user's backend identity: client id, token, session, language."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace

from redis.asyncio import Redis

from bot.store import keys
from bot.store.crypto import TokenCipher
from bot.texts import Lang


@dataclass(frozen=True)
class Identity:
    """What the bot remembers about one chat user."""

    client_id: str
    token: str | None = None
    token_expires_at: float = 0.0
    task_id: str | None = None
    session_id: str | None = None
    lang: Lang | None = None

    def token_valid(self, now: float | None = None) -> bool:
        """A token that is not about to expire (one minute of margin)."""
        return bool(self.token) and self.token_expires_at > (now or time.time()) + 60

    def but(self, **changes: object) -> Identity:
        return replace(self, **changes)  # type: ignore[arg-type]


class SessionStore:
    """Identities in Redis hashes, tokens sealed by the cipher."""

    def __init__(self, redis: Redis, cipher: TokenCipher) -> None:
        self._redis = redis
        self._cipher = cipher

    async def get(self, chat: str) -> Identity | None:
        raw = await self._redis.hgetall(keys.user(chat))
        if not raw:
            return None
        data = {
            (k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
            for k, v in raw.items()
        }
        token = self._cipher.open(data["token"]) if data.get("token") else None
        lang = data.get("lang")
        return Identity(
            client_id=data["client_id"],
            token=token,
            token_expires_at=float(data.get("token_expires_at") or 0) if token else 0.0,
            task_id=data.get("task_id") or None,
            session_id=data.get("session_id") or None,
            lang="en" if lang == "en" else ("ja" if lang == "ja" else None),
        )

    async def save(self, chat: str, identity: Identity) -> None:
        fields: dict[bytes | bytearray | memoryview[int] | str | int | float, str] = {
            k: ("" if v is None else str(v)) for k, v in asdict(identity).items()
        }
        if identity.token:
            fields["token"] = self._cipher.seal(identity.token)
        key = keys.user(chat)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=fields)
            pipe.expire(key, keys.USER_TTL)
            await pipe.execute()

    async def delete(self, chat: str) -> None:
        await self._redis.delete(keys.user(chat))

    async def delete_group(self, chat_kind: str, chat_id: str) -> int:
        """Forget every member's identity in a group or room the bot left."""
        pattern = keys.user(f"{chat_kind[0]}:{chat_id}:*")
        found = [k async for k in self._redis.scan_iter(match=pattern, count=500)]
        if found:
            await self._redis.delete(*found)
        return len(found)
