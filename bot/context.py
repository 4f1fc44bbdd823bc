"""What a handler gets for one event: the chat, the user's language, the way to answer,
and the user's backend."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from linebot.v3.messaging import Message

from bot import messages as m
from bot.events import ChatRef, Inbound
from bot.line.api import LineError
from bot.line.messenger import Conversation, Delivery
from bot.nemo.backend import UserBackend
from bot.services import Services
from bot.store.sessions import Identity
from bot.texts import Lang, lang_of, text


@dataclass
class Ctx:
    """Everything one handler call needs."""

    services: Services
    event: Inbound
    chat: ChatRef
    lang: Lang
    conversation: Conversation
    backend: UserBackend

    def t(self, key: str, **values: object) -> str:
        """A sentence in the user's language."""
        return text(self.lang, key, **values)

    async def say(
        self, body: str, choices: list[m.Choice] | None = None, *, retry_key: str | None = None
    ) -> Delivery:
        """Send a text (split to LINE's limits) with optional quick replies."""
        return await self.conversation.send(m.texts(body, choices or []), retry_key=retry_key)

    async def send(self, messages: list[Message], *, retry_key: str | None = None) -> Delivery:
        return await self.conversation.send(messages, retry_key=retry_key)


async def resolve_lang(services: Services, chat: ChatRef) -> Lang:
    """The user's language: remembered, else from their LINE profile (1:1), else Japanese."""
    ident = await services.sessions.get(chat.key)
    if ident is not None and ident.lang is not None:
        return ident.lang
    lang: Lang = "ja"
    if chat.is_one_to_one and chat.user_id:
        try:
            profile = await services.line.profile(chat.user_id)
        except LineError:
            profile = None
        lang = lang_of(str(profile.get("language", "")) if profile else None)
    ident = (ident or Identity(client_id=str(uuid.uuid4()))).but(lang=lang)
    await services.sessions.save(chat.key, ident)
    return lang


async def build(services: Services, event: Inbound, chat: ChatRef) -> Ctx:
    """The context of one event."""
    lang = await resolve_lang(services, chat)
    received = event.timestamp_ms / 1000 if event.timestamp_ms else None
    conversation = Conversation(
        services.line,
        services.outbox,
        services.memory,
        chat,
        services.push_policy,
        reply_token=event.reply_token,
        received_at=received,
    )
    backend = UserBackend(
        services.nemo,
        services.sessions,
        chat.key,
        lang,
        services.recovery,
        operator_token=services.operator_token,
    )
    return Ctx(services, event, chat, lang, conversation, backend)
