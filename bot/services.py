"""The long-lived parts one process shares: settings, Redis, HTTP clients, stores."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from redis.asyncio import Redis

from bot.line.api import LineApi
from bot.line.messenger import PushPolicy
from bot.nemo.backend import RecoveryPolicy
from bot.nemo.client import NemoClient
from bot.settings import Settings
from bot.store.chat_memory import ChatMemory
from bot.store.crypto import TokenCipher
from bot.store.inbox import Inbox
from bot.store.outbox import Outbox
from bot.store.renders import RenderStore
from bot.store.sessions import SessionStore
from bot.store.usage import UsageStore


@dataclass
class Services:
    """Built once per process; handlers reach everything through it."""

    settings: Settings
    redis: Redis
    http: httpx.AsyncClient
    line: LineApi
    nemo: NemoClient
    inbox: Inbox
    sessions: SessionStore
    renders: RenderStore
    outbox: Outbox
    usage: UsageStore
    memory: ChatMemory

    @property
    def push_policy(self) -> PushPolicy:
        s = self.settings
        return PushPolicy(
            enabled=s.line_push_enabled, reply_window_seconds=s.line_reply_window_seconds
        )

    @property
    def recovery(self) -> RecoveryPolicy:
        return RecoveryPolicy(retry_after_seconds=self.settings.nemo_retry_after_seconds)

    @property
    def operator_token(self) -> str | None:
        token = self.settings.nemo_token
        return token.get_secret_value() if token and token.get_secret_value() else None

    async def close(self) -> None:
        await self.http.aclose()
        await self.redis.aclose()


def connect(settings: Settings) -> Services:
    """Build the services (connections open lazily)."""
    redis = Redis.from_url(settings.redis_url, health_check_interval=30)
    # The SSE stream can be silent for minutes between heartbeats: no read timeout there;
    # the chat handler enforces the run's own deadlines.
    http = httpx.AsyncClient(
        timeout=httpx.Timeout(30.0, read=300.0),
        limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
    )
    key = settings.token_encryption_key
    return Services(
        settings=settings,
        redis=redis,
        http=http,
        line=LineApi(
            http,
            settings.line_api_base_url,
            settings.line_data_api_base_url,
            settings.line_channel_access_token.get_secret_value(),
        ),
        nemo=NemoClient(
            http,
            settings.nemo_api_base_url,
            settings.nemo_skill_version,
            settings.nemo_skill_platform,
        ),
        inbox=Inbox(redis),
        sessions=SessionStore(redis, TokenCipher(key.get_secret_value() if key else None)),
        renders=RenderStore(redis),
        outbox=Outbox(redis),
        usage=UsageStore(redis),
        memory=ChatMemory(redis),
    )
