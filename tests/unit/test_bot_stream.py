"""SSE decoding, text assembly (each text once) and GUI-phrase translation."""

from __future__ import annotations

import json

from bot.adk import Heartbeat, StreamError, TextAssembler, TextPart, ToolActivity, decode
from bot.gui import GuiAction, translate


def _event(text: str | None = None, *, partial: bool = False, call: str | None = None) -> str:
    parts: list[dict[str, object]] = []
    if text is not None:
        parts.append({"text": text})
    if call is not None:
        parts.append({"functionCall": {"name": call, "args": {}}})
    return json.dumps(
        {"author": "nemo_agent", "partial": partial, "content": {"role": "model", "parts": parts}}
    )


def test_decode_kinds() -> None:
    assert decode(_event("こんにちは")) == [TextPart("こんにちは", False)]
    assert decode(_event("こん", partial=True)) == [TextPart("こん", True)]
    assert decode(_event(call="generate_video")) == [ToolActivity("generate_video")]
    assert decode("") == [Heartbeat()]
    assert decode("not json") == [Heartbeat()]
    assert decode(json.dumps({"author": "x"})) == [Heartbeat()]
    assert decode(json.dumps({"error": "boom"})) == [StreamError("boom")]
    assert decode(json.dumps({"code": 2001, "message": "no credits"})) == [
        StreamError("no credits", 2001)
    ]
    response = json.dumps({"content": {"parts": [{"functionResponse": {"name": "t"}}]}})
    assert decode(response) == [ToolActivity("t")]


def test_partial_chunks_and_final_are_one_text() -> None:
    a = TextAssembler()
    assert a.add(TextPart("下書きが", True)) is None
    assert a.add(TextPart("できました。", True)) is None
    assert a.add(TextPart("下書きができました。", False)) == "下書きができました。"
    assert a.finish() is None
    assert a.texts == ["下書きができました。"]


def test_cumulative_partials_and_no_final() -> None:
    a = TextAssembler()
    a.add(TextPart("動画", True))
    a.add(TextPart("動画を作成", True))
    a.add(TextPart("動画を作成中です", True))
    assert a.finish() == "動画を作成中です"


def test_repeated_final_and_trailing_noise_dropped() -> None:
    a = TextAssembler()
    assert a.add(TextPart("完了しました。", False)) == "完了しました。"
    assert a.add(TextPart("完了しました。", False)) is None
    assert a.add(TextPart("I encountered a temporary issue. Please retry.", False)) is None
    assert a.texts == ["完了しました。"]


def test_gui_phrases_become_actions() -> None:
    out = translate("動画ができました。Click the Export button to download it.")
    assert out.text == "動画ができました。"
    assert out.actions == (GuiAction.EXPORT,)
    out = translate("BGMを追加しました。タイムラインでプレビューできます。")
    assert out.text == "BGMを追加しました。"
    assert out.actions == (GuiAction.SHOW_TIMELINE,)
    out = translate("Please check your account billing page.\n残りは少しです。")
    assert GuiAction.SHOW_CREDITS in out.actions and "billing" not in out.text
    out = translate("Drag the clip onto the timeline. Open the music panel to choose.")
    assert out.text == ""
    assert set(out.actions) == {GuiAction.SEND_EDIT_HINT, GuiAction.SHOW_TIMELINE}
    out = translate(
        "下書きができました。仕上がったら「エクスポート」ボタンをクリックしてください。"
    )
    assert out.text == "下書きができました。" and out.actions == (GuiAction.EXPORT,)
    out = translate('When you are happy, click the "Export" button.')
    assert out.text == "" and out.actions == (GuiAction.EXPORT,)
    out = translate("设置完成，点击按钮继续。")
    assert "点击" not in out.text


def test_content_descriptions_stay() -> None:
    text = "タイトル「春の新作」を追加しました。\nシーンは5つです。"
    assert translate(text).text == text
    assert translate(text).actions == ()
