"""Export end to end, and LINE's side of delivery: push retries and retry keys, the
monthly quota and the "get my video" button. Renders real (short) videos."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import httpx
import pytest
from harness import (
    NEMO_WEB_URL,
    SKILL_PLATFORM,
    SKILL_VERSION,
    Bot,
    Chat,
    has_video,
    header,
    make_draft,
    messages_of,
    now_mark,
    quick_actions,
    studio_entries,
    texts_of,
)

from bot.line.messenger import retry_key_for
from bot.nemo.urls import task_page
from bot.texts import text

pytestmark = pytest.mark.slow

RENDER_PATH = "/api/render/proxy/lambda"


@pytest.fixture(autouse=True)
def _needs_studio(studio_bot: Bot) -> Any:
    yield
    studio_bot.studio_render(fail_times=0, seconds=0)


def render_job(bot: Bot, chat: Chat, render_id: str) -> dict[str, Any]:
    """Studio's poll answer for a render, asked with the user's own token."""
    token = bot.identity(chat.user_id)["token"]
    body = bot.studio.get(f"{RENDER_PATH}/{render_id}",
                          headers={"Authorization": f"Bearer {token}"}).json()
    data = body.get("data", body)
    assert isinstance(data, dict)
    return data


def render_starts(bot: Bot, since: str) -> list[dict[str, Any]]:
    return [e for e in studio_entries(bot, since, RENDER_PATH, "POST") if e["path"] == RENDER_PATH]


# -- 5. export --------------------------------------------------------------------------------


def test_export_end_to_end_and_a_repeated_delivery(bot: Bot, chat: Chat) -> None:
    make_draft(chat)
    ident = bot.identity(chat.user_id)
    state = bot.studio_state(chat.user_id)
    n = len(chat.records())
    mark = now_mark()
    chat.say("書き出し")
    records = chat.wait_for(lambda rs: has_video(rs[n:]), timeout=120, what="the video")[n:]

    assert records[0]["kind"] == "reply"
    assert texts_of(records[:1]) == [text("ja", "export_started")]

    starts = render_starts(bot, mark)
    assert len(starts) == 1
    start = starts[0]
    assert header(start, "x-skill-source") == "text-to-video-ai-japanese"
    assert header(start, "x-skill-version") == SKILL_VERSION
    assert header(start, "x-skill-platform") == SKILL_PLATFORM
    body = start["json"]
    render_id = body["id"]
    assert re.fullmatch(r"render_\d{13}", render_id)
    assert body["sessionId"] == ident["session_id"]
    assert body["draft"] == state["draft"]
    assert body["output"] == {"format": "mp4", "quality": "high"}
    polls = studio_entries(bot, mark, f"{RENDER_PATH}/{render_id}", "GET")
    assert polls, "the render was polled"

    job = render_job(bot, chat, render_id)
    assert job["status"] == "completed"
    video_url = job["output"]["url"]
    pushes = [r for r in records if r["kind"] == "push"]
    assert len(pushes) == 1
    push = pushes[0]
    assert [m["type"] for m in push["messages"]] == ["video", "text"]
    video, link = push["messages"]
    assert video["originalContentUrl"] == video_url
    assert video["previewImageUrl"] == job["output"]["poster_url"]
    page = task_page(NEMO_WEB_URL, ident["task_id"], ident["session_id"], SKILL_VERSION,
                     SKILL_PLATFORM)
    assert link["text"] == (text("ja", "export_ready", url=video_url) + "\n"
                            + text("ja", "export_task_page", url=page))
    assert f"task={ident['task_id']}" in page
    assert push["retry_key"] == retry_key_for(f"video:{render_id}")
    got = httpx.get(video_url, timeout=30)
    assert got.status_code == 200 and got.content[4:8] == b"ftyp"
    poster = httpx.get(video["previewImageUrl"], timeout=30)
    assert poster.status_code == 200 and poster.content[:2] == b"\xff\xd8"
    assert len(poster.content) <= 1_000_000
    bot.wait_redis(lambda: not bot.r.exists(f"lpv:render_active:u:{chat.user_id}"),
                   what="the export to finish")

    # A worker that died after LINE accepted the push but before it recorded the delivery
    # leaves the job "delivering"; the next worker delivers again with the same retry key:
    # LINE answers 409 and the user does not see the video twice.
    key = f"lpv:render:{render_id}"
    saved = json.loads(bot.r.get(key) or b"{}")
    assert saved["state"] == "delivered"
    saved["state"] = "delivering"
    bot.r.set(key, json.dumps(saved))
    bot.r.zadd("lpv:renders:due", {render_id: time.time()})

    def refused_again() -> bool:
        return any(
            r["path"] == "/v2/bot/message/push" and r["status"] == 409
            and header(r, "x-line-retry-key") == push["retry_key"]
            for r in bot.sim_requests()
        )

    bot.wait_redis(refused_again, timeout=30, what="the repeated push (409)")
    bot.wait_redis(lambda: json.loads(bot.r.get(key) or b"{}").get("state") == "delivered",
                   what="the job to be delivered again")
    chat.quiet(len(chat.records()), 1.0)
    assert sum(1 for r in chat.records()[n:] if has_video([r])) == 1


def test_export_of_an_empty_project(bot: Bot, chat: Chat) -> None:
    chat.say("残高")  # a project exists, with nothing in it
    chat.wait(1)
    mark = now_mark()
    chat.say("export 1080p MP4")
    records = chat.wait(2)
    assert texts_of(records[1:]) == [text("ja", "export_nothing")]
    assert quick_actions(records[1]) == [{"type": "message", "label": text("ja", "qr_make"),
                                          "text": text("ja", "qr_make_text")}]
    assert studio_entries(bot, mark, "/api/state/", "GET"), "the bot looked at the project"
    assert render_starts(bot, mark) == []


def test_render_failing_once_is_retried_with_a_new_id(bot: Bot, chat: Chat) -> None:
    make_draft(chat)
    n = len(chat.records())
    mark = now_mark()
    bot.studio_render(fail_times=1)
    chat.say("書き出し")
    records = chat.wait_for(lambda rs: has_video(rs[n:]), timeout=120, what="the video")[n:]
    ids = [s["json"]["id"] for s in render_starts(bot, mark)]
    assert len(ids) == 2 and ids[0] != ids[1], ids
    assert render_job(bot, chat, ids[0])["status"] == "failed"
    video = next(m for m in messages_of(records) if m["type"] == "video")
    assert video["originalContentUrl"] == render_job(bot, chat, ids[1])["output"]["url"]
    assert text("ja", "export_failed") not in texts_of(records)


def test_render_failing_twice_is_an_apology(bot: Bot, chat: Chat) -> None:
    make_draft(chat)
    n = len(chat.records())
    mark = now_mark()
    bot.studio_render(fail_times=2)
    chat.say("書き出し")
    records = chat.wait_text(text("ja", "export_failed"), timeout=60)[n:]
    assert texts_of(records) == [text("ja", "export_started"), text("ja", "export_failed")]
    assert [r["kind"] for r in records] == ["reply", "push"]
    assert len(render_starts(bot, mark)) == 2
    chat.quiet(len(chat.records()), 2.0)
    assert not bot.r.exists(f"lpv:render_active:u:{chat.user_id}")


# -- 8. LINE's side -----------------------------------------------------------------------------


def pushes_to(bot: Bot, to: str) -> list[dict[str, Any]]:
    return [r for r in bot.sim_requests()
            if r["path"] == "/v2/bot/message/push" and (r.get("json") or {}).get("to") == to]


def test_push_500_is_retried_with_the_same_retry_key(bot: Bot, chat: Chat) -> None:
    # Reply tokens that expire at once: the answer has to go by push.
    bot.sim.post("/_sim/config", json={"reply_token_ttl": 0}).raise_for_status()
    bot.sim_fault("push", 500, times=1)
    chat.say("使い方")
    records = chat.wait(1)
    assert [r["kind"] for r in records] == ["push"]
    assert texts_of(records) == [text("ja", "help")]
    attempts = pushes_to(bot, chat.user_id)
    assert [a["status"] for a in attempts] == [500, 200]
    keys = {header(a, "x-line-retry-key") for a in attempts}
    assert keys == {records[0]["retry_key"]} and None not in keys
    chat.quiet(1, 1.0)


def test_quota_spent_during_export_video_comes_with_the_button(bot: Bot, chat: Chat) -> None:
    make_draft(chat)
    n = len(chat.records())
    bot.studio_render(seconds=3)
    chat.say("書き出し")
    chat.wait(n + 1)
    bot.sim.post("/_sim/quota", json={"limit": 0}).raise_for_status()  # the month is spent

    chat.postback("a=collect")  # tapped too early: still rendering
    records = chat.wait(n + 2)
    assert texts_of(records[-1:]) == [text("ja", "collect_pending")]
    assert quick_actions(records[-1])[0]["data"] == "a=collect"

    def refused() -> bool:
        return any(a["status"] == 429 for a in pushes_to(bot, chat.user_id))

    bot.wait_redis(refused, timeout=60, what="the push refused for the month")
    bot.wait_redis(lambda: bot.r.llen(f"lpv:outbox:{chat.user_id}") > 0,
                   what="the video kept for the next reply")
    chat.postback("a=collect")
    records = chat.wait(n + 3)
    last = records[-1]
    assert last["kind"] == "reply"
    assert [m["type"] for m in last["messages"]] == ["video", "text"]
    assert last["messages"][1]["text"].startswith(text("ja", "export_ready", url="")[:8])
    assert all(r["kind"] == "reply" for r in records[n:])
    assert not bot.r.exists(f"lpv:outbox:{chat.user_id}")

    # While the quota is known to be spent, an export offers the button from the start.
    n = len(records)
    chat.say("書き出し")
    records = chat.wait(n + 1)
    assert texts_of(records[-1:]) == [text("ja", "export_started_collect")]
    assert quick_actions(records[-1])[0]["data"] == "a=collect"
    bot.wait_redis(lambda: bot.r.llen(f"lpv:outbox:{chat.user_id}") > 0, timeout=60,
                   what="the second video kept for the button")
    chat.postback("a=collect")
    records = chat.wait(n + 2)
    assert has_video(records[-1:]) and records[-1]["kind"] == "reply"
    assert [r for r in records[n:] if r["kind"] == "push"] == []
