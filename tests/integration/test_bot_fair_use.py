"""A bot on the operator's NEMO_TOKEN (all users share it): the fair-use limit per user
and day, and the errors only the operator can fix. A second, separately configured bot
(its own linesim, web and worker, Redis database 1) shares redis-server and studio."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from harness import (
    NEMO_WEB_URL,
    SCRIPT,
    Bot,
    Chat,
    Infra,
    clean_chats,
    header,
    make_draft,
    now_mark,
    separate_bot,
    studio_entries,
    studio_runs_since,
    texts_of,
)

from bot.texts import text

# Drafts are exported at once (the agent ends with "click the Export button"): real renders.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def operator_token(infra: Infra) -> str:
    if infra.studio is None:
        pytest.fail(f"studio did not start:\n{infra.studio_error}", pytrace=False)
    answer = httpx.post(f"{infra.studio_url}/api/auth/anonymous-token",
                        headers={"X-Client-Id": "operator-of-the-fair-use-bot"})
    answer.raise_for_status()
    return str(answer.json()["data"]["token"])


@pytest.fixture(scope="module")
def fair_bot(infra: Infra, operator_token: str) -> Iterator[Bot]:
    env = {"NEMO_TOKEN": operator_token, "FAIR_USE_RUNS_PER_DAY": "1"}
    with separate_bot(infra, "fair", redis_db=1, env=env) as bot:
        yield bot


@pytest.fixture()
def fair(fair_bot: Bot) -> Iterator[Bot]:
    with clean_chats(fair_bot) as bot:
        yield bot


def test_second_run_of_the_day_gets_the_limit_message(fair: Bot, operator_token: str) -> None:
    chat, other = Chat(fair), Chat(fair)
    mark = now_mark()
    first = make_draft(chat)
    assert "下書きができました。" in "\n".join(texts_of(first))
    n = len(chat.records())
    chat.say("タイトルを「春の新作」にして")
    records = chat.wait(n + 1)
    assert texts_of(records[n:]) == [text("ja", "err_fair_use", limit=1)]
    assert records[n]["kind"] == "reply"
    # Commands that are not runs are not counted.
    chat.say("状態")
    assert chat.wait(n + 2)[-1]["messages"][0]["text"].startswith("現在のタイムライン")
    # Another user has their own allowance.
    assert "下書きができました。" in "\n".join(texts_of(make_draft(other)))

    runs = studio_runs_since(fair, mark)
    assert len(runs) == 2
    tail = "****" + operator_token[-4:]
    assert all(header(r, "authorization") == f"Bearer {tail}" for r in runs)
    assert studio_entries(fair, mark, "/api/auth/anonymous-token") == []


def test_out_of_credits_on_the_operator_token_says_top_up(fair: Bot, operator_token: str
                                                          ) -> None:
    chat = Chat(fair)
    fair.studio.post("/_studio/credits", json={"token": operator_token, "available": 0}
                     ).raise_for_status()
    try:
        chat.say(SCRIPT)
        records = chat.wait(1)
    finally:
        fair.studio.post("/_studio/credits", json={"token": operator_token, "available": 100})
    assert texts_of(records) == [text("ja", "err_out_of_credits", url=f"{NEMO_WEB_URL}/")]
    assert "bind=" not in texts_of(records)[0]


def test_a_refused_operator_token_is_not_renewed(fair: Bot, operator_token: str) -> None:
    # Last in this module: the operator's token stays expired.
    chat = Chat(fair)
    mark = now_mark()
    fair.studio.post("/_studio/tokens/expire", json={"token": operator_token}
                     ).raise_for_status()
    chat.say("残高")
    records = chat.wait(1)
    assert texts_of(records) == [text("ja", "err_service_config")]
    assert studio_entries(fair, mark, "/api/auth/anonymous-token") == []
