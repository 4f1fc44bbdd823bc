"""Processes dying and coming back: a worker killed mid-export, every process restarted
between two messages, messages that arrive while no worker runs."""

from __future__ import annotations

import time
from typing import Any

import pytest
from harness import (
    SCRIPT,
    Bot,
    Chat,
    Record,
    make_draft,
    messages_of,
    now_mark,
    studio_entries,
    studio_runs_since,
    texts_of,
)

from bot.texts import text

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _needs_studio(studio_bot: Bot) -> Any:
    yield
    studio_bot.ensure_running()
    studio_bot.studio_render(fail_times=0, seconds=0)


def videos(records: list[Record]) -> int:
    return sum(1 for m in messages_of(records) if m["type"] == "video")


def test_worker_killed_while_polling_a_render(bot: Bot, chat: Chat) -> None:
    make_draft(chat)
    n = len(chat.records())
    mark = now_mark()
    bot.studio_render(seconds=8)  # the render stays "processing" for 8 s
    chat.say("書き出し")
    chat.wait(n + 1)

    def polled() -> bool:
        return len(studio_entries(bot, mark, "/api/render/proxy/lambda/", "GET")) >= 2

    bot.wait_redis(polled, what="the render being polled")
    bot.kill_workers()  # kill -9, every worker: nobody is polling now
    polls = len(studio_entries(bot, mark, "/api/render/proxy/lambda/", "GET"))
    time.sleep(1.5)
    assert len(studio_entries(bot, mark, "/api/render/proxy/lambda/", "GET")) == polls
    assert chat.records()[n:][1:] == []
    bot.start_workers()

    records = chat.wait_for(lambda rs: videos(rs[n:]) >= 1, timeout=90, what="the video")
    chat.quiet(len(records), 3.0)
    assert videos(chat.records()[n:]) == 1
    assert [r["kind"] for r in chat.records()[n:]] == ["reply", "push"]


def test_restarting_every_process_keeps_the_session(bot: Bot, chat: Chat) -> None:
    make_draft(chat)
    session_id = bot.identity(chat.user_id)["session_id"]
    n = len(chat.records())

    assert bot.infra.studio is not None
    for proc in [bot.infra.redis, bot.infra.studio, bot.web, *bot.workers]:
        proc.kill()
    for proc in [bot.infra.redis, bot.infra.studio, bot.web, *bot.workers]:
        proc.start()

    mark = now_mark()
    chat.say("タイトルを「春の新作」にして")
    records = chat.wait_answer(after=n, timeout=60)[n:]
    assert "春の新作" in "\n".join(texts_of(records))
    runs = studio_runs_since(bot, mark)
    assert [r["json"]["session_id"] for r in runs] == [session_id]
    assert bot.identity(chat.user_id)["session_id"] == session_id
    assert "春の新作" in repr(bot.studio_state(chat.user_id)["draft"])


def test_messages_sent_while_no_worker_runs_are_handled_later(bot: Bot, new_chat) -> None:  # type: ignore[no-untyped-def]
    quick, ordered = new_chat(), new_chat()
    bot.kill_workers()
    quick.say("残高")  # answered outside the chat's order
    ordered.say(SCRIPT)  # joins the chat's inbox
    time.sleep(2)
    assert quick.records() == [] and ordered.records() == []
    bot.start_workers()
    records = quick.wait(1)
    assert texts_of(records) == [text("ja", "credits", available="100", frozen="0",
                                      total="100")]
    records = ordered.wait_for(lambda rs: videos(rs) >= 1, 90, "the draft and its video")
    assert "下書きができました。" in "\n".join(texts_of(records))
    assert records[0]["kind"] == "reply"  # still inside the reply window
    ordered.wait_idle()
    ordered.quiet(len(records), 1.0)
