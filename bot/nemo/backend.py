"""One chat user's view of NemoVideo: their identity, and the contract's recovery rules.

- 1001 (token expired/invalid): a new anonymous token for the same client id, retry once
  (with the operator's NEMO_TOKEN there is nothing to renew: :class:`OperatorTokenRejected`).
- 1002 (session not found): a new session, retry once.
- HTTP 400 missing client id: a new client id, retry once.
- 429: wait NEMO_RETRY_AFTER_SECONDS, retry once.
- network errors and 5xx: retry with backoff, then give up.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import structlog

from bot.adk import StreamItem
from bot.nemo.client import Credits, NemoClient, RenderStatus, TokenGrant
from bot.nemo.errors import (
    BackendUnavailable,
    MissingClientId,
    NemoError,
    RateLimited,
    SessionNotFound,
    TokenInvalid,
)
from bot.store.sessions import Identity, SessionStore
from bot.texts import Lang

T = TypeVar("T")
log = structlog.get_logger(__name__)

OPERATOR_TOKEN_LIFETIME = 365 * 86_400.0
# Transport errors that mean the request never reached the backend.
_NOT_CONNECTED = ("ConnectError", "ConnectTimeout")


class OperatorTokenRejected(NemoError):
    """The operator's NEMO_TOKEN was refused: only the operator can fix it."""


class NoFreeToken(NemoError):
    """No anonymous token to be had (limit per client id or per server address)."""


@dataclass(frozen=True)
class RecoveryPolicy:
    retry_after_seconds: float
    transient_attempts: int = 3
    backoff_base: float = 1.0


class UserBackend:
    """The backend, as one chat user (identity key `chat`) sees it."""

    def __init__(
        self,
        client: NemoClient,
        sessions: SessionStore,
        chat: str,
        lang: Lang,
        policy: RecoveryPolicy,
        operator_token: str | None = None,
    ) -> None:
        self._client = client
        self._sessions = sessions
        self._chat = chat
        self._lang = lang
        self._policy = policy
        self._operator_token = operator_token
        self._identity: Identity | None = None

    @property
    def client_id(self) -> str | None:
        return self._identity.client_id if self._identity else None

    async def identity(self) -> Identity:
        """The user's identity with a valid token and a session, made as needed."""
        ident = self._identity or await self._sessions.get(self._chat)
        if ident is None:
            ident = Identity(client_id=str(uuid.uuid4()), lang=self._lang)
        changed = False
        if self._operator_token:
            if ident.token != self._operator_token:
                ident = ident.but(token=self._operator_token, token_expires_at=_far_future())
                changed = True
        elif not ident.token_valid():
            ident = await self._new_token(ident)
            changed = True
        if not ident.session_id:
            ident = await self._new_session(ident)
            changed = True
        if changed or self._identity is None:
            await self._sessions.save(self._chat, ident)
        self._identity = ident
        return ident

    async def _new_token(self, ident: Identity) -> Identity:
        try:
            grant = await self._grant(ident.client_id)
        except MissingClientId:
            # HTTP 400 here: the client id was missing or refused; a new one, retried once.
            ident = ident.but(client_id=str(uuid.uuid4()))
            log.info("backend.client_id_replaced", chat=self._chat)
            grant = await self._grant(ident.client_id)
        log.info("backend.token_acquired", chat=self._chat)
        return ident.but(token=grant.token, token_expires_at=grant.expires_at)

    async def _grant(self, client_id: str) -> TokenGrant:
        try:
            return await self._transient(lambda: self._client.anonymous_token(client_id))
        except RateLimited as error:
            raise NoFreeToken(error.message, status=429) from error

    async def _new_session(self, ident: Identity) -> Identity:
        try:
            return await self._create_session(ident)
        except TokenInvalid:
            # 1001 while making the session: the same recovery as for any other call.
            if self._operator_token:
                raise OperatorTokenRejected("NEMO_TOKEN was refused (1001)") from None
            ident = await self._new_token(ident.but(token=None, token_expires_at=0.0))
            return await self._create_session(ident)

    async def _create_session(self, ident: Identity) -> Identity:
        assert ident.token
        token = ident.token
        task_id, session_id = await self._transient(
            lambda: self._client.create_session(token, self._lang)
        )
        log.info("backend.session_created", chat=self._chat)
        return ident.but(task_id=task_id, session_id=session_id, lang=self._lang)

    async def _transient(self, op: Callable[[], Awaitable[T]]) -> T:
        """Retry network errors and 5xx with backoff; wait out one 429."""
        waited = False
        attempt = 0
        while True:
            try:
                return await op()
            except BackendUnavailable:
                attempt += 1
                if attempt >= self._policy.transient_attempts:
                    raise
                await asyncio.sleep(self._policy.backoff_base * 2 ** (attempt - 1))
            except RateLimited:
                if waited:
                    raise
                waited = True
                await asyncio.sleep(self._policy.retry_after_seconds)

    async def call(self, op: Callable[[Identity], Awaitable[T]]) -> T:
        """Run `op` with the user's identity, recovering as the contract says."""
        renewed_token = renewed_session = renewed_client = False
        while True:
            ident = await self.identity()
            try:
                return await self._transient(lambda ident=ident: op(ident))  # type: ignore[misc]
            except TokenInvalid:
                if renewed_token:
                    raise
                renewed_token = True
                await self._renew_token(ident)
            except SessionNotFound:
                if renewed_session:
                    raise
                renewed_session = True
                await self._forget_session(ident)
            except MissingClientId:
                if renewed_client:
                    raise
                renewed_client = True
                await self._forget(ident.but(client_id=str(uuid.uuid4()), token=None))

    async def _renew_token(self, ident: Identity) -> None:
        if self._operator_token:
            raise OperatorTokenRejected("NEMO_TOKEN was refused (1001)")
        await self._forget(ident.but(token=None, token_expires_at=0.0))

    async def _forget_session(self, ident: Identity) -> None:
        await self._forget(ident.but(session_id=None, task_id=None))

    async def _forget(self, ident: Identity) -> None:
        self._identity = ident
        await self._sessions.save(self._chat, ident)

    async def run(
        self, text: str, on_sent: Callable[[], Awaitable[None]]
    ) -> AsyncIterator[StreamItem]:
        """Stream one message. Recovery applies only until the first item arrives:
        after that the backend has the message and it is never sent again.
        `on_sent` is awaited just before the message leaves.
        """
        renewed_token = renewed_session = waited = False
        refused = 0
        while True:
            ident = await self.identity()
            assert ident.token and ident.session_id
            await on_sent()
            stream = self._client.run(ident.token, ident.session_id, text)
            try:
                first = await anext(stream)
            except StopAsyncIteration:
                return
            except BackendUnavailable as error:
                # A 5xx answer instead of a stream, or no connection at all: the message
                # never started, so it may go again (with backoff). Anything else (a stream
                # that broke) may have reached the backend: never sent twice.
                refused += 1
                never_started = error.status is not None or error.message in _NOT_CONNECTED
                if not never_started or refused >= self._policy.transient_attempts:
                    raise
                await asyncio.sleep(self._policy.backoff_base * 2 ** (refused - 1))
                continue
            except TokenInvalid:
                if renewed_token:
                    raise
                renewed_token = True
                await self._renew_token(ident)
                continue
            except SessionNotFound:
                if renewed_session:
                    raise
                renewed_session = True
                await self._forget_session(ident)
                continue
            except RateLimited:
                if waited:
                    raise
                waited = True
                await asyncio.sleep(self._policy.retry_after_seconds)
                continue
            yield first
            async for item in stream:
                yield item
            return

    async def credits(self) -> Credits:
        return await self.call(lambda i: self._client.credits(_tok(i)))

    async def state(self) -> dict[str, Any]:
        return await self.call(lambda i: self._client.state(_tok(i), _sid(i)))

    async def upload_url(self, url: str) -> dict[str, Any]:
        return await self.call(lambda i: self._client.upload_url(_tok(i), _sid(i), url))

    async def start_render(self, render_id: str, draft: Any) -> dict[str, Any]:
        return await self.call(
            lambda i: self._client.start_render(_tok(i), render_id, _sid(i), draft)
        )

    async def render_status(self, render_id: str) -> RenderStatus:
        return await self.call(lambda i: self._client.render_status(_tok(i), render_id))

    @property
    def client(self) -> NemoClient:
        return self._client


def _tok(identity: Identity) -> str:
    assert identity.token
    return identity.token


def _sid(identity: Identity) -> str:
    assert identity.session_id
    return identity.session_id


def _far_future() -> float:
    import time

    return time.time() + OPERATOR_TOKEN_LIFETIME
