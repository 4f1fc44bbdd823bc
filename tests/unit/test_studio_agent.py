"""studio.agent: replies, tool calls, silent edits and GUI phrases, with a stand-in engine."""

from __future__ import annotations

from typing import Any

import pytest

from studio.agent import (
    GENERATE_COST,
    SILENT_OPS,
    TEXT_COST,
    UNDONE,
    Document,
    SessionView,
    cost_of,
    respond,
)
from studio.drafts import empty_draft, find_track, scene_segments, segments
from studio.edits import MediaRef
from studio.gui_phrases import GUI_BY_EDIT, GUI_BY_REPLY, LOW_CREDITS, PHRASES
from studio.intents import parse
from studio.testing import SCRIPT, TOOLS, make_draft

GENERATE = "日本語のテキストからプロモーション動画を作成してください"


def view(draft: dict[str, Any] | None = None, **kw: Any) -> SessionView:
    return SessionView(kw.pop("language", "ja"), draft or empty_draft(), **kw)


@pytest.fixture
def drafted() -> dict[str, Any]:
    return make_draft([["さくらカフェラテ、新登場。"], ["春限定です。"], ["駅前店で毎朝7時から。"]])


def test_generate_from_uploaded_document() -> None:
    doc = Document("media_1", "原稿.txt", SCRIPT)
    turn = respond(GENERATE, view(documents=(doc,)), TOOLS)
    assert turn.kind == "generated" and not turn.silent
    assert turn.draft is not None and len(scene_segments(turn.draft)) == 3
    assert [c.name for c in turn.calls] == ["generate_storyboard", "add_music_and_title"]
    assert turn.calls[0].args["document"] == "原稿.txt"
    lines = turn.text.splitlines()
    assert lines[0] == "下書きができました。"
    assert lines[1] == "・タイトル「さくらカフェラテ」（0〜3秒）"
    assert lines[2].startswith("・シーン3つ（合計") and lines[2].endswith("秒、ナレーション付き）")
    assert lines[3] == "・BGM：明るいポップス（音量35%）"
    # Generation replies always end with the GUI phrases the bot must translate.
    assert lines[-2:] == [PHRASES["preview_in_timeline"]["ja"], PHRASES["click_export"]["ja"]]


def test_generate_from_script_in_message_with_aspect() -> None:
    turn = respond(f"横長で{GENERATE}\n{SCRIPT}", view(), TOOLS)
    assert turn.kind == "generated" and turn.draft is not None
    assert turn.draft["m"]["aspect"] == "16:9"
    assert turn.calls[0].args == {
        "source": "message",
        "document": None,
        "chars": len(SCRIPT),
        "aspect": "16:9",
    }
    assert "・縦横比：横長（16:9）" in turn.text


def test_generate_without_text_asks_for_it() -> None:
    turn = respond(GENERATE, view(), TOOLS)
    assert turn.kind == "ask_text" and turn.draft is None and not turn.calls
    assert "文章を送ってください" in turn.text


def test_generate_uses_uploaded_photos_and_srt_cues() -> None:
    cues = ((0, 2000, "一行目です。"), (2000, 4000, "二行目です。"), (4000, 6000, "三行目。"))
    doc = Document("media_1", "sub.srt", "一行目です。\n二行目です。\n三行目。", cues)
    photos = (MediaRef("media_p", "a.jpg", "image"),)
    turn = respond(GENERATE, view(documents=(doc,), media=photos), TOOLS)
    assert turn.draft is not None
    assert [s["m"]["text"] for s in segments(find_track(turn.draft, "narration"))] == [
        "一行目です。",
        "二行目です。",
        "三行目。",
    ]
    assert {s["m"]["source"] for s in scene_segments(turn.draft)} == {"media_p"}
    assert "・背景：アップロードした素材1点" in turn.text


def test_english_session_answers_in_english() -> None:
    turn = respond(
        GENERATE, view(language="en", documents=(Document("d", "a.txt", SCRIPT),)), TOOLS
    )
    assert turn.text.splitlines()[0] == "Your draft is ready."
    assert "- BGM: Upbeat pop (35% volume)" in turn.text
    assert turn.text.endswith(PHRASES["click_export"]["en"])


def test_text_edit_changes_draft_and_answers(drafted: dict[str, Any]) -> None:
    turn = respond("タイトルを「春の新作」に", view(drafted), TOOLS)
    assert turn.kind == "edited" and not turn.silent
    assert turn.text == "タイトルを「春の新作」に変更しました。"
    assert turn.draft is not None
    assert segments(find_track(turn.draft, "title"))[0]["m"]["text"] == "春の新作"
    [call] = turn.calls
    assert call.name == "edit_timeline"
    assert call.args == {"operations": [{"op": "set_title", "text": "春の新作"}]}
    assert call.response["status"] == "success"


@pytest.mark.parametrize(
    "message", ["BGMをもっと落ち着いた曲にして", "音量を20%に", "BGMを消して", "色を青に"]
)
def test_music_and_colour_edits_close_silently(drafted: dict[str, Any], message: str) -> None:
    turn = respond(message, view(drafted), TOOLS)
    assert turn.silent and turn.text == ""
    assert turn.draft is not None and turn.draft != drafted
    assert {c.op for c in turn.changes} <= SILENT_OPS


def test_silent_edits_are_about_a_third_of_the_edit_kinds() -> None:
    from studio.edits import _HANDLERS

    assert 0.2 <= len(SILENT_OPS) / len(_HANDLERS) <= 0.35


def test_scene_edits_mention_drag_and_drop(drafted: dict[str, Any]) -> None:
    turn = respond("シーン3を最初に", view(drafted), TOOLS)
    assert turn.text.splitlines() == [
        "シーン3を最初に移動しました。",
        PHRASES["drag_drop"]["ja"],
    ]
    turn = respond("シーン2を削除", view(drafted), TOOLS)
    assert turn.text.splitlines()[-1] == PHRASES["drag_drop"]["ja"]


def test_media_edit_mentions_the_media_panel(drafted: dict[str, Any]) -> None:
    media = (MediaRef("media_p", "a.jpg", "image"),)
    turn = respond("アップロードした写真を背景に使って", view(drafted, media=media), TOOLS)
    assert turn.text.splitlines()[-1] == PHRASES["open_panel"]["ja"]


def test_refused_edit_explains_and_changes_nothing(drafted: dict[str, Any]) -> None:
    turn = respond("シーン9を削除", view(drafted), TOOLS)
    assert turn.draft is None and not turn.silent
    assert turn.text == "シーン9はありません（シーンは3つです）。"
    assert turn.calls[0].response["status"] == "failed"


def test_failed_music_edit_is_not_silent(drafted: dict[str, Any]) -> None:
    no_bgm = respond("BGMを消して", view(drafted), TOOLS).draft
    turn = respond("音量を20%に", view(no_bgm), TOOLS)
    assert not turn.silent and turn.text == "BGMはまだありません。"


def test_edit_before_any_draft_asks_for_text() -> None:
    turn = respond("字幕を大きく", view(), TOOLS)
    assert turn.kind == "needs_draft" and turn.draft is None


def test_thanks_and_keep_answer_kindly_and_change_nothing(drafted: dict[str, Any]) -> None:
    thanks = respond("ありがとうございます！", view(drafted), TOOLS)
    assert thanks.kind == "thanks" and thanks.draft is None
    assert thanks.text.startswith("どういたしまして") and "「書き出し」" in thanks.text
    keep = respond("字幕は消さないで", view(drafted), TOOLS)
    assert keep.kind == "leave" and keep.draft is None
    assert keep.text == "承知しました。そのままにしておきます。"
    en = respond("thanks!", view(drafted, language="en"), TOOLS)
    assert en.text.startswith("You're welcome!")


def test_undo_restores_the_previous_draft(drafted: dict[str, Any]) -> None:
    nothing = respond("元に戻して", view(drafted), TOOLS)
    assert nothing.kind == "nothing_to_undo" and nothing.draft is None
    assert nothing.text == "戻せる変更がありません。"
    edited = respond("タイトルを「春の新作」に", view(drafted), TOOLS)
    assert edited.draft is not None
    back = respond("やっぱり元に戻して", view(edited.draft, previous=drafted), TOOLS)
    assert back.kind == UNDONE and back.draft == drafted
    assert back.text.startswith("ひとつ前の状態に戻しました。")
    assert [c.name for c in back.calls] == ["undo"]


def test_a_length_asked_as_a_new_video_edits_the_existing_draft(drafted: dict[str, Any]) -> None:
    turn = respond("20秒の動画にして", view(drafted), TOOLS)
    assert turn.kind == "edited" and turn.draft is not None
    assert [c.name for c in turn.calls] == ["edit_timeline"]


def test_the_last_scene_by_name(drafted: dict[str, Any]) -> None:
    turn = respond("最後のシーンを最初に持ってきて", view(drafted), TOOLS)
    assert turn.draft is not None
    texts = [s["m"]["text"] for s in scene_segments(turn.draft)]
    assert texts[0] == "駅前店で毎朝7時から。"
    removed = respond("最後のシーンを消して", view(drafted), TOOLS)
    assert removed.draft is not None and len(scene_segments(removed.draft)) == 2
    assert "シーン3" in removed.text


def test_unknown_request_lists_capabilities() -> None:
    turn = respond("空を飛ばして", view(), TOOLS)
    assert turn.kind == "unsupported"
    assert turn.text.startswith("申し訳ありません")
    assert "・シーンの削除・並べ替え（例：シーン2を削除、シーン3を最初に）" in turn.text
    en = respond("fly me to the moon", view(language="en"), TOOLS)
    assert en.text.startswith("Sorry, I can't do that yet.")


def test_status_and_export_requests_use_gui_phrases(drafted: dict[str, Any]) -> None:
    status = respond("状態", view(drafted), TOOLS)
    assert status.text.splitlines()[0] == "現在のタイムライン："
    assert status.text.splitlines()[-1] == PHRASES["preview_in_timeline"]["ja"]
    export = respond("書き出し", view(drafted), TOOLS)
    assert export.text == PHRASES["click_export"]["ja"]
    credits = respond("残高", view(drafted), TOOLS)
    assert credits.text == PHRASES["check_billing"]["ja"]


def test_low_credits_mention_the_billing_page(drafted: dict[str, Any]) -> None:
    turn = respond("タイトルを「x」に", view(drafted, credits_left=LOW_CREDITS - 1), TOOLS)
    assert turn.text.splitlines()[-1] == PHRASES["check_billing"]["ja"]


def test_gui_tables_name_known_phrases() -> None:
    for ids in [*GUI_BY_REPLY.values(), *GUI_BY_EDIT.values()]:
        assert set(ids) <= set(PHRASES)


def test_costs() -> None:
    assert cost_of(parse(GENERATE)) == GENERATE_COST == 5
    assert cost_of(parse("字幕を大きく")) == TEXT_COST == 1
