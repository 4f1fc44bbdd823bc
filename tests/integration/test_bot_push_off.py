"""A bot whose operator turned push off (LINE_PUSH_ENABLED=false) and capped a backend run
at a few seconds (NEMO_SSE_MAX_SECONDS): late results wait for the user's tap, whose reply
is free, and a run that never ends is given up with a plain message. A separately
configured bot (its own linesim, web and worker, Redis database 3) shares redis-server
and studio."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from harness import (
    SCRIPT,
    Bot,
    Chat,
    Infra,
    clean_chats,
    has_video,
    quick_actions,
    separate_bot,
    texts_of,
)

from bot.texts import text

pytestmark = pytest.mark.slow

SSE_CAP_SECONDS = 4


@pytest.fixture(scope="module")
def quiet_bot(infra: Infra) -> Iterator[Bot]:
    env = {"LINE_PUSH_ENABLED": "false", "NEMO_SSE_MAX_SECONDS": str(SSE_CAP_SECONDS)}
    with separate_bot(infra, "pushoff", redis_db=3, env=env) as bot:
        yield bot


@pytest.fixture()
def quiet(quiet_bot: Bot) -> Iterator[Bot]:
    with clean_chats(quiet_bot) as bot:
        yield bot


def pushes(bot: Bot) -> list[dict[str, object]]:
    return [r for r in bot.sim_requests() if r["path"] == "/v2/bot/message/push"]


def test_video_waits_for_the_tap_and_nothing_is_pushed(quiet: Bot) -> None:
    chat = Chat(quiet)
    quiet.add_user(chat.user_id, "ja")
    chat.say(SCRIPT)
    records = chat.wait_text(text("ja", "export_started_collect"), timeout=90)
    assert all(r["kind"] == "reply" for r in records)
    assert quick_actions(records[-1])[0]["data"] == "a=collect"
    quiet.wait_redis(lambda: quiet.r.llen(f"lpv:outbox:{chat.user_id}") > 0, timeout=120,
                     what="the video kept for the user's tap")  # fmt: skip
    n = len(chat.records())
    chat.postback("a=collect")
    records = chat.wait(n + 1)
    assert records[-1]["kind"] == "reply" and has_video(records[-1:])
    assert not quiet.r.exists(f"lpv:outbox:{chat.user_id}")
    assert pushes(quiet) == []


def test_a_run_past_the_cap_is_given_up_plainly(quiet: Bot) -> None:
    chat = Chat(quiet)
    quiet.add_user(chat.user_id, "ja")
    chat.say("残高")  # a session first, so the run below is the only slow thing
    chat.wait(1)
    quiet.studio_sse("heartbeats", seconds=SSE_CAP_SECONDS + 6)
    chat.say("タイトルを「まだかな」にして")
    records = chat.wait_text(text("ja", "run_timeout"), timeout=40)
    assert records[-1]["kind"] == "reply"  # the one reply was kept for the outcome
    assert text("ja", "still_working") not in texts_of(records)
    assert texts_of(records).count(text("ja", "run_timeout")) == 1
    assert pushes(quiet) == []
