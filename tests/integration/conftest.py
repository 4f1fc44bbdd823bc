"""Session-scoped processes for the bot's integration tests (see harness.py).

One redis-server, one studio, and one bot deployment (linesim + web + two workers) start
once per session; each test uses fresh LINE user ids instead of flushing anything. A test
that kills a process leaves the restart to the harness: before each test, whatever is not
running is started again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from harness import Bot, Chat, Infra, assert_clean

FAULT_ENDPOINTS = ("reply", "push", "loading", "profile", "content")


@pytest.fixture(scope="session")
def infra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Infra]:
    tmp: Path = tmp_path_factory.mktemp("bot-itest")
    started = Infra.start(tmp)
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="session")
def bot_session(infra: Infra) -> Iterator[Bot]:
    started = Bot.start(infra)
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture()
def bot(bot_session: Bot) -> Iterator[Bot]:
    """The shared bot deployment, every process running, global switches back to normal."""
    bot_session.ensure_running()
    first_user = len(bot_session.users)
    yield bot_session
    # Global switches a test may have left behind.
    for endpoint in FAULT_ENDPOINTS:
        bot_session.sim.post("/_sim/faults", json={"endpoint": endpoint, "status": 500,
                                                   "times": 0})
    bot_session.sim.post("/_sim/quota", json={"limit": None})
    bot_session.sim.post("/_sim/config", json={"reply_token_ttl": 60})
    if bot_session.infra.redis.alive:
        bot_session.r.delete("lpv:push_blocked")
    left: list[str] = []
    if bot_session.infra.studio is not None and bot_session.infra.studio.alive:
        left = bot_session.drain_studio_switches()
    # Nothing the bot said to this test's chats may leak technical words.
    if bot_session.linesim.alive:
        for chat_id in bot_session.users[first_user:]:
            assert_clean(bot_session.sent(chat_id))
    if left:
        pytest.fail(f"the bot did not use up what the test injected in studio: {left}")


@pytest.fixture()
def studio_bot(bot: Bot) -> Bot:
    """The bot, for tests that need studio (they fail, with studio's log, if it cannot start;
    the tests that need only linesim still run)."""
    if bot.infra.studio is None:
        pytest.fail(f"studio did not start:\n{bot.infra.studio_error}", pytrace=False)
    return bot


@pytest.fixture()
def chat(bot: Bot) -> Chat:
    """A fresh 1:1 user (Japanese profile)."""
    c = Chat(bot)
    bot.add_user(c.user_id, "ja")
    return c


@pytest.fixture()
def new_chat(bot: Bot) -> Callable[..., Chat]:
    def make(lang: str = "ja") -> Chat:
        c = Chat(bot, lang="en" if lang == "en" else "ja")
        bot.add_user(c.user_id, lang)
        return c

    return make
