"""Messages relayed to the agent (``/run_sse``), and the intents answered from the API:
credits, status, uploads. Runs against studio; nothing here renders a video."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from harness import (
    MAKE,
    SCRIPT,
    SKILL_PLATFORM,
    SKILL_VERSION,
    Bot,
    Chat,
    content_gets,
    has_video,
    header,
    loading_calls,
    make_draft,
    now_mark,
    quick_actions,
    quick_labels,
    studio_entries,
    studio_runs_since,
    texts_of,
)

from bot import draft as bot_draft
from bot.texts import accepted_formats, text
from studio.replies import timeline_lines

AFTER_DRAFT = [text("ja", k) for k in ("qr_export", "qr_timeline", "qr_bgm", "qr_aspect")]
SCRIPT_FILE = (
    "春の新作、さくらカフェラテが登場します。\n"
    "桜の香りとまろやかなミルクが広がる、季節限定の一杯です。\n"
).encode()


# Drafts are exported at once (the agent ends with "click the Export button"): real renders.
pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _needs_studio(studio_bot: Bot) -> None:
    pass


def _jpeg() -> bytes:
    """A real (small) JPEG, made with Pillow so studio's engine can read it."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 96), (200, 120, 150)).save(out, "JPEG")
    return out.getvalue()


# -- 3. a request relayed to the agent -----------------------------------------------------


def test_make_video_from_uploaded_script(bot: Bot, chat: Chat) -> None:
    chat.file("原稿.txt", SCRIPT_FILE, "text/plain")
    records = chat.wait(1)
    assert texts_of(records) == [text("ja", "upload_received_doc", name="原稿.txt")]
    assert records[0]["kind"] == "reply"
    assert quick_actions(records[0]) == [
        {"type": "message", "label": text("ja", "qr_use_doc"), "text": MAKE},
        {"type": "postback", "label": text("ja", "qr_add_photo"), "data": "a=upload",
         "displayText": text("ja", "qr_add_photo")},
    ]

    mark = now_mark()
    chat.say(MAKE)  # what the "この原稿で作る" button sends
    records = chat.wait_for(lambda rs: has_video(rs[1:]), 120, "the draft and its video")[1:]
    chat.wait_idle()
    session_id = bot.identity(chat.user_id)["session_id"]

    runs = studio_runs_since(bot, mark)
    assert len(runs) == 1, runs
    run = runs[0]
    assert run["json"] == {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": session_id,
        "new_message": {"parts": [{"text": MAKE}]},
    }
    assert header(run, "accept") == "text/event-stream"
    assert header(run, "x-skill-source") == "text-to-video-ai-japanese"
    assert header(run, "x-skill-version") == SKILL_VERSION
    assert header(run, "x-skill-platform") == SKILL_PLATFORM
    assert (header(run, "authorization") or "").startswith("Bearer ")

    # One reply: the agent's answer and the export notice (see below), then the video.
    assert [r["kind"] for r in records] == ["reply", "push"]
    answer = records[0]
    assert texts_of([answer])[1:] == [text("ja", "export_started")]
    assert quick_labels(answer) == AFTER_DRAFT[1:]  # no "export" button while exporting
    assert [m["type"] for m in records[1]["messages"]] == ["video", "text"]
    said = "\n".join(texts_of(records))
    # The agent's text once (its partial chunks are not relayed on top of the final text).
    assert said.count("下書きができました。") == 1, said
    state = bot.studio_state(chat.user_id)
    for line in timeline_lines(state["draft"], "ja"):
        assert said.count(line) == 1, (line, said)
    # GUI instructions become what the bot does itself: "preview in the timeline" shows
    # the timeline, "click the Export button" exports.
    assert "クリック" not in said and "タイムラインでプレビュー" not in said
    assert bot_draft.timeline_text(bot_draft.parse(state["draft"]), "ja") in texts_of([answer])[0]
    for internal in ("generate_storyboard", "add_music_and_title", "function"):
        assert internal not in said
    # The loading animation while the agent works (1:1 chat).
    calls = loading_calls(bot, chat.user_id)
    assert calls and all(c["status"] == 202 for c in calls)


def test_pasted_script_then_status_credits_and_edits(bot: Bot, chat: Chat) -> None:
    records = make_draft(chat)
    assert "下書きができました。" in "\n".join(texts_of(records))
    state = bot.studio_state(chat.user_id)
    timeline = bot_draft.timeline_text(bot_draft.parse(state["draft"]), "ja")

    mark = now_mark()
    n = len(chat.records())
    chat.say("状態")
    chat.wait(n + 1)
    chat.say("タイムラインを見せて")
    chat.wait(n + 2)
    chat.postback("a=status")
    records = chat.wait(n + 3)[n:]
    assert texts_of(records) == [timeline] * 3
    assert all(r["kind"] == "reply" for r in records)
    assert quick_labels(records[-1]) == AFTER_DRAFT

    ident = bot.identity(chat.user_id)
    balance = bot.studio.get("/api/credits/balance/simple",
                             headers={"Authorization": f"Bearer {ident['token']}"}).json()
    balance = balance.get("data", balance)
    chat.say("クレジット残高を教えて")
    records = chat.wait(n + 4)
    assert texts_of(records[-1:]) == [text("ja", "credits", available=balance["available"],
                                           frozen=balance["frozen"], total=balance["total"])]
    assert quick_labels(records[-1]) == AFTER_DRAFT[:2]
    # None of that went to the agent.
    assert studio_runs_since(bot, mark) == []

    # A command word inside an edit is an edit: it goes to the agent.
    chat.say("タイムラインの2番目を消して")
    chat.wait_answer(after=n + 4)
    runs = studio_runs_since(bot, mark)
    assert [r["json"]["new_message"]["parts"][0]["text"] for r in runs] == [
        "タイムラインの2番目を消して"]


def test_credits_of_a_new_user(bot: Bot, chat: Chat) -> None:
    chat.say("残高")
    records = chat.wait(1)
    assert texts_of(records) == [text("ja", "credits", available="100", frozen="0",
                                      total="100")]
    assert records[0]["kind"] == "reply"


# -- 4. uploads ---------------------------------------------------------------------------------


@pytest.fixture()
def file_server() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = SCRIPT_FILE
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_uploads(bot: Bot, chat: Chat, file_server: str) -> None:
    mark = now_mark()
    chat.file("shop.jpg", _jpeg(), "image/jpeg")
    chat.wait(1)
    chat.image(_jpeg())
    chat.wait(2)
    exe = chat.file("setup.exe", b"MZ\x90\x00" * 64)
    chat.wait(3)
    huge = chat.file("movie.mp4", None, size=300 * 1024 * 1024)
    chat.wait(4)
    url = f"{file_server}/script.txt"
    chat.say(url)
    records = chat.wait(5)
    assert texts_of(records) == [
        text("ja", "upload_received_image"),
        text("ja", "upload_received_image"),
        text("ja", "upload_unsupported", formats=accepted_formats("ja")),
        text("ja", "upload_too_large"),
        text("ja", "upload_received_url"),
    ]
    assert all(r["kind"] == "reply" for r in records)
    # Refused from the event alone: their content was never downloaded.
    assert content_gets(bot, exe["message"]["id"]) == []
    assert content_gets(bot, huge["message"]["id"]) == []

    session_id = bot.identity(chat.user_id)["session_id"]
    uploads = studio_entries(bot, mark, f"/api/upload-video/nemo_agent/me/{session_id}", "POST")
    assert len(uploads) == 3, uploads
    assert uploads[-1]["json"] == {"urls": [url], "source_type": "url"}
    state = bot.studio_state(chat.user_id)
    kinds = sorted(v["kind"] for v in state.get("video_infos", []))
    assert kinds == ["image", "image"], state.get("video_infos")


# -- groups -------------------------------------------------------------------------------------


def test_group_run_when_mentioned_without_loading(bot: Bot) -> None:
    group = Chat.group(bot)
    mark = now_mark()
    group.say(SCRIPT)  # not addressed to the bot: ignored
    records = make_draft(group)  # the same, with a mention of the bot
    assert records[0]["to"] == group.group_id
    assert "下書きができました。" in "\n".join(texts_of(records))
    runs = studio_runs_since(bot, mark)
    assert [r["json"]["new_message"]["parts"][0]["text"] for r in runs] == [SCRIPT]
    assert loading_calls(bot, group.group_id) == []
    assert bot.r.exists(f"lpv:user:g:{group.group_id}:{group.user_id}")


# -- 7. SSE behaviours --------------------------------------------------------------------------


def test_silent_close_tells_what_changed(bot: Bot, chat: Chat) -> None:
    make_draft(chat)
    n = len(chat.records())
    bot.studio_sse("silent")
    chat.say("タイトルを「春の新作」にして")
    records = chat.wait_answer(after=n)[n:]
    said = "\n".join(texts_of(records))
    assert said.startswith(text("ja", "changes_intro")), said
    assert "春の新作" in said
    assert bot.studio_state(chat.user_id)["draft"]


def test_heartbeats_give_one_still_working_note(bot: Bot, chat: Chat) -> None:
    make_draft(chat)
    n = len(chat.records())
    bot.studio_sse("heartbeats", seconds=4.5)
    chat.say("タイトルを「春の新作」にして")
    records = chat.wait_answer(after=n, timeout=60)[n:]
    notes = [t for t in texts_of(records) if t == text("ja", "still_working")]
    assert len(notes) == 1, texts_of(records)
    assert records[0]["kind"] == "reply"  # the note used the free reply
    assert "春の新作" in "\n".join(texts_of(records))


def test_dropped_stream_is_not_sent_again(bot: Bot, chat: Chat) -> None:
    make_draft(chat)
    session_id = bot.identity(chat.user_id)["session_id"]
    n = len(chat.records())
    mark = now_mark()
    bot.studio_sse("drop")
    chat.say("タイトルを「春の新作」にして")
    records = chat.wait_answer(after=n, timeout=90)[n:]
    assert len(studio_runs_since(bot, mark, session_id)) == 1
    assert texts_of(records), "the user got an answer"
    assert "春の新作" in bot.studio_state(chat.user_id)["draft"].__repr__()


def test_credits_answer_during_a_run_and_one_users_runs_never_overlap(
    bot: Bot, chat: Chat
) -> None:
    make_draft(chat)
    session_id = bot.identity(chat.user_id)["session_id"]
    n = len(chat.records())
    mark = now_mark()
    bot.studio_sse("slow", seconds=1.0)  # the first run takes several seconds
    first, second = "タイトルを「一つ目の案」にして", "タイトルを「二つ目の案」にして"
    chat.say(first)
    chat.say("残高")
    chat.say(second)
    records = chat.wait_text("二つ目の案", timeout=90)[n:]
    said = texts_of(records)
    credits_at = next(i for i, t in enumerate(said) if t.startswith("クレジット残高："))
    first_at = next(i for i, t in enumerate(said) if "一つ目の案" in t)
    assert credits_at < first_at, said  # answered while the slow run was still going
    runs = studio_runs_since(bot, mark, session_id)
    assert [r["json"]["new_message"]["parts"][0]["text"] for r in runs] == [first, second]
    first_answer = next(r for r in records if any("一つ目の案" in t for t in texts_of([r])))
    assert runs[1]["at"] >= first_answer["at"], "the second run started before the first ended"


# -- 11. English ------------------------------------------------------------------------------


def test_english_user_gets_english_and_an_english_project(bot: Bot, new_chat) -> None:  # type: ignore[no-untyped-def]
    en = new_chat("en")
    mark = now_mark()
    en.say("credits")
    records = en.wait(1)
    assert texts_of(records) == [text("en", "credits", available="100", frozen="0",
                                      total="100")]
    assert quick_labels(records[0]) == [text("en", "qr_export"), text("en", "qr_timeline")]
    sessions = studio_entries(bot, mark, "/api/tasks/me/with-session/nemo_agent", "POST")
    assert [s["json"] for s in sessions] == [{"task_name": "project", "language": "en"}]

    en.say("What can you do?")
    records = en.wait_answer(after=1, timeout=60)[1:]
    said = "\n".join(texts_of(records))
    assert "Here is what I can do:" in said
    assert not any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in said), said
    assert quick_labels(records[-1]) == [
        text("en", k) for k in ("qr_export", "qr_timeline", "qr_bgm", "qr_aspect")]
