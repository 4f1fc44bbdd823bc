"""Every error of the NemoVideo contract, injected with studio's ``/_studio/faults``:
what the bot retries, and the friendly sentence the user gets when it cannot."""

from __future__ import annotations

import pytest
from harness import (
    NEMO_WEB_URL,
    SCRIPT,
    Bot,
    Chat,
    has_video,
    header,
    make_draft,
    now_mark,
    studio_entries,
    studio_runs_since,
    texts_of,
)

from bot.texts import accepted_formats, text

CREDITS_PATH = "/api/credits/balance/simple"
TOKEN_PATH = "/api/auth/anonymous-token"
SESSION_PATH = "/api/tasks/me/with-session/nemo_agent"


@pytest.fixture(autouse=True)
def _needs_studio(studio_bot: Bot) -> None:
    pass


def fresh_credits() -> str:
    return text("ja", "credits", available="100", frozen="0", total="100")


def registration(bot: Bot, chat: Chat) -> str:
    return f"{NEMO_WEB_URL}/?bind={bot.identity(chat.user_id)['client_id']}"


# -- 1001, 1002, HTTP 400 --------------------------------------------------------------------


def test_1001_expired_token_gets_a_new_one_for_the_same_client(bot: Bot, chat: Chat) -> None:
    chat.say("残高")
    chat.wait(1)
    old = bot.identity(chat.user_id)
    bot.studio.post("/_studio/tokens/expire", json={"token": old["token"]}).raise_for_status()
    mark = now_mark()
    chat.say("残高")
    records = chat.wait(2)
    assert texts_of(records) == [fresh_credits()] * 2
    new = bot.identity(chat.user_id)
    assert new["client_id"] == old["client_id"] and new["token"] != old["token"]
    grants = studio_entries(bot, mark, TOKEN_PATH, "POST")
    assert [header(g, "x-client-id") for g in grants] == [old["client_id"]]
    assert len(studio_entries(bot, mark, CREDITS_PATH)) == 2  # refused once, retried once


@pytest.mark.slow  # the draft is exported at once (the agent says "click Export")
def test_1001_fault_on_a_run(bot: Bot, chat: Chat) -> None:
    chat.say("残高")  # the user has a token and a session
    chat.wait(1)
    client_id = bot.identity(chat.user_id)["client_id"]
    mark = now_mark()
    bot.studio_fault("run_sse", code=1001)
    chat.say(SCRIPT)
    records = chat.wait(2)  # the answer, or the apology: whichever comes first
    assert "下書きができました。" in "\n".join(texts_of(records[1:]))
    chat.wait_for(lambda rs: has_video(rs[1:]), 120, "the automatic export")
    chat.wait_idle()
    grants = studio_entries(bot, mark, TOKEN_PATH, "POST")
    assert [header(g, "x-client-id") for g in grants] == [client_id]
    assert len(studio_runs_since(bot, mark)) == 2


@pytest.mark.slow  # the draft is exported at once (the agent says "click Export")
def test_1002_session_not_found_makes_a_new_session(bot: Bot, chat: Chat) -> None:
    chat.say("残高")
    chat.wait(1)
    old_session = bot.identity(chat.user_id)["session_id"]
    mark = now_mark()
    bot.studio_fault("run_sse", code=1002)
    records = make_draft(chat)
    assert "下書きができました。" in "\n".join(texts_of(records))
    new_session = bot.identity(chat.user_id)["session_id"]
    assert new_session != old_session
    runs = studio_runs_since(bot, mark)
    assert [r["json"]["session_id"] for r in runs] == [old_session, new_session]
    assert len(studio_entries(bot, mark, SESSION_PATH, "POST")) == 1


@pytest.mark.slow  # the draft is exported at once (the agent says "click Export")
def test_dropped_session_on_state(bot: Bot, chat: Chat) -> None:
    make_draft(chat)
    old_session = bot.identity(chat.user_id)["session_id"]
    bot.studio.post("/_studio/sessions/drop", json={"session_id": old_session}
                    ).raise_for_status()
    n = len(chat.records())
    chat.say("状態")
    records = chat.wait(n + 1)
    # A new, empty project: the user is told so, plainly.
    assert texts_of(records[n:]) == [text("ja", "status_empty")]
    assert bot.identity(chat.user_id)["session_id"] != old_session


def test_http_400_missing_client_id_gets_a_new_client_id(bot: Bot, chat: Chat) -> None:
    mark = now_mark()
    bot.studio_fault("token", http=400)
    chat.say("残高")
    records = chat.wait(1)
    assert texts_of(records) == [fresh_credits()]
    grants = studio_entries(bot, mark, TOKEN_PATH, "POST")
    ids = [header(g, "x-client-id") for g in grants]
    assert len(ids) == 2 and ids[0] != ids[1], ids
    assert bot.identity(chat.user_id)["client_id"] == ids[1]


# -- 2001, 4001, 4002, 402 ---------------------------------------------------------------------


def test_2001_out_of_credits_links_registration_with_bind(bot: Bot, chat: Chat) -> None:
    chat.say("残高")
    chat.wait(1)
    bot.studio_fault("run_sse", code=2001)
    chat.say(SCRIPT)
    records = chat.wait(2)
    url = registration(bot, chat)
    assert "?bind=" in url
    assert texts_of(records[1:]) == [text("ja", "err_out_of_credits_anon", url=url)]


def test_2001_when_the_credits_are_really_gone(bot: Bot, chat: Chat) -> None:
    chat.say("残高")
    chat.wait(1)
    token = bot.identity(chat.user_id)["token"]
    bot.studio.post("/_studio/credits", json={"token": token, "available": 0}
                    ).raise_for_status()
    chat.say(SCRIPT)
    records = chat.wait(2)
    assert texts_of(records[1:]) == [
        text("ja", "err_out_of_credits_anon", url=registration(bot, chat))]


def test_4001_and_4002_on_upload(bot: Bot, chat: Chat) -> None:
    bot.studio_fault("upload", code=4001)
    chat.file("原稿.txt", "春の新作です。".encode(), "text/plain")
    chat.wait(1)
    bot.studio_fault("upload", code=4002)
    chat.file("原稿.txt", "春の新作です。".encode(), "text/plain")
    records = chat.wait(2)
    assert texts_of(records) == [
        text("ja", "upload_unsupported", formats=accepted_formats("ja")),
        text("ja", "upload_too_large"),
    ]


@pytest.mark.slow  # the draft is exported at once (the agent says "click Export")
def test_402_on_export_says_registering_unlocks_it(bot: Bot, chat: Chat) -> None:
    make_draft(chat)
    n = len(chat.records())
    mark = now_mark()
    bot.studio_fault("render", http=402)
    chat.say("書き出し")
    records = chat.wait(n + 1)
    assert texts_of(records[n:]) == [
        text("ja", "err_export_blocked", url=registration(bot, chat))]
    assert "登録すると書き出せるようになります" in texts_of(records[n:])[0]
    assert len(studio_entries(bot, mark, "/api/render/proxy/lambda", "POST")) == 1
    assert not bot.r.exists(f"lpv:render_active:u:{chat.user_id}")  # export can be tried again


# -- 429, 500, 503 -------------------------------------------------------------------------------


def test_429_once_waits_and_retries(bot: Bot, chat: Chat) -> None:
    chat.say("残高")
    chat.wait(1)
    mark = now_mark()
    bot.studio_fault("credits", http=429)
    chat.say("残高")
    records = chat.wait(2)
    assert texts_of(records) == [fresh_credits()] * 2
    calls = studio_entries(bot, mark, CREDITS_PATH)
    assert len(calls) == 2
    assert _gap(calls[0]["at"], calls[1]["at"]) >= 0.9  # NEMO_RETRY_AFTER_SECONDS=1


def test_429_twice_is_a_friendly_busy_message(bot: Bot, chat: Chat) -> None:
    chat.say("残高")
    chat.wait(1)
    bot.studio_fault("credits", http=429, times=2)
    chat.say("残高")
    records = chat.wait(2)
    assert texts_of(records[1:]) == [text("ja", "err_busy")]


@pytest.mark.parametrize("status", [500, 503])
def test_5xx_once_is_retried(bot: Bot, chat: Chat, status: int) -> None:
    chat.say("残高")
    chat.wait(1)
    mark = now_mark()
    bot.studio_fault("credits", http=status)
    chat.say("残高")
    records = chat.wait(2)
    assert texts_of(records) == [fresh_credits()] * 2
    assert len(studio_entries(bot, mark, CREDITS_PATH)) == 2


@pytest.mark.parametrize("status", [500, 503])
def test_5xx_persisting_ends_in_an_apology(bot: Bot, chat: Chat, status: int) -> None:
    chat.say("残高")
    chat.wait(1)
    mark = now_mark()
    bot.studio_fault("credits", http=status, times=3)
    chat.say("残高")
    records = chat.wait(2, timeout=30)
    assert texts_of(records[1:]) == [text("ja", "err_backend_down")]
    calls = studio_entries(bot, mark, CREDITS_PATH)
    assert len(calls) == 3  # with backoff between the attempts
    assert _gap(calls[0]["at"], calls[2]["at"]) >= 2.5


@pytest.mark.slow  # the draft is exported at once (the agent says "click Export")
def test_5xx_before_a_run_starts_is_retried(bot: Bot, chat: Chat) -> None:
    chat.say("残高")
    chat.wait(1)
    mark = now_mark()
    bot.studio_fault("run_sse", http=503)
    records = make_draft(chat)  # refused before the stream opened: safe to send again
    assert "下書きができました。" in "\n".join(texts_of(records))
    assert len(studio_runs_since(bot, mark)) == 2


def test_5xx_on_every_try_of_a_run_ends_in_an_apology(bot: Bot, chat: Chat) -> None:
    chat.say("残高")
    chat.wait(1)
    mark = now_mark()
    bot.studio_fault("run_sse", http=503, times=3)
    chat.say(SCRIPT)
    records = chat.wait_text(text("ja", "err_backend_down"))
    said = texts_of(records[1:])
    # The retries take longer than STILL_WORKING_SECONDS: a "still working" note may come first.
    assert said[-1] == text("ja", "err_backend_down")
    assert set(said[:-1]) <= {text("ja", "still_working")}, said
    assert len(studio_runs_since(bot, mark)) == 3


def _gap(a: str, b: str) -> float:
    from datetime import datetime

    def parse(v: str) -> datetime:
        return datetime.fromisoformat(v.replace("Z", "+00:00"))

    return (parse(b) - parse(a)).total_seconds()
