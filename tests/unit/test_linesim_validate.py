"""linesim.validate: LINE's message rules, as pure functions."""

from __future__ import annotations

from typing import Any

import pytest
from linebot.v3.messaging import (
    ButtonsTemplate,
    CameraAction,
    ConfirmTemplate,
    FlexBox,
    FlexBubble,
    FlexMessage,
    FlexText,
    MessageAction,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TemplateMessage,
    TextMessage,
    URIAction,
    VideoMessage,
)

from linesim.validate import (
    error_body,
    loading_seconds_ok,
    utf16_len,
    validate_messages,
    validate_push,
    validate_reply,
)

VIDEO = "https://example.com/render.mp4"
POSTER = "https://example.com/render.jpg"


def props(messages: Any, **kw: Any) -> list[str]:
    return [d["property"] for d in validate_messages(messages, **kw)]


def test_sdk_built_messages_are_accepted() -> None:
    quick = QuickReply(items=[
        QuickReplyItem(action=MessageAction(label="書き出し", text="書き出し")),
        QuickReplyItem(action=PostbackAction(label="BGMを変える", data="a=bgm",
                                             display_text="BGMを変える")),
        QuickReplyItem(action=CameraAction(label="カメラ")),
    ])
    messages = [
        TextMessage(text="下書きができました。", quick_reply=quick),
        VideoMessage(original_content_url=VIDEO, preview_image_url=POSTER),
        TemplateMessage(alt_text="動画を受け取る", template=ButtonsTemplate(
            text="動画ができあがりました。", actions=[
                PostbackAction(label="動画を受け取る", data="a=get"),
                URIAction(label="ブラウザで開く", uri="https://nemovideo.com/x")])),
        TemplateMessage(alt_text="確認", template=ConfirmTemplate(text="作りますか？", actions=[
            MessageAction(label="はい", text="はい"),
            MessageAction(label="いいえ", text="いいえ")])),
        FlexMessage(alt_text="タイムライン", contents=FlexBubble(
            body=FlexBox(layout="vertical", contents=[FlexText(text="シーン1")]))),
    ]
    dicts = [m.to_dict() for m in messages]
    assert validate_messages(dicts) == []


def test_message_count() -> None:
    text = {"type": "text", "text": "x"}
    assert props([]) == ["messages"]
    assert props([text] * 6) == ["messages"]
    assert validate_messages([text] * 6)[0]["message"] == "Size must be between 1 and 5"
    assert props([text] * 5) == []


def test_text_length_counts_utf16() -> None:
    assert utf16_len("😀") == 2
    assert props([{"type": "text", "text": "あ" * 5000}]) == []
    assert props([{"type": "text", "text": "😀" * 2501}]) == ["messages[0].text"]
    details = validate_messages([{"type": "text", "text": ""}])
    assert details == [{"message": "May not be empty", "property": "messages[0].text"}]


def test_unknown_and_file_types_refused() -> None:
    details = validate_messages([{"type": "file", "fileName": "a.pdf"}])
    assert details[0]["property"] == "messages[0].type"
    assert details[0]["message"].startswith("Must be one of the following values")


def test_video_urls() -> None:
    good = {"type": "video", "originalContentUrl": VIDEO, "previewImageUrl": POSTER}
    assert props([good]) == []
    assert props([{**good, "originalContentUrl": "http://example.com/a.mp4"}]) == [
        "messages[0].originalContentUrl"]
    assert props([{"type": "video", "originalContentUrl": VIDEO}]) == [
        "messages[0].previewImageUrl"]
    long_url = "https://example.com/" + "a" * 2000
    assert props([{**good, "originalContentUrl": long_url}]) == ["messages[0].originalContentUrl"]


def test_http_media_only_on_loopback_when_allowed() -> None:
    local = {"type": "video", "originalContentUrl": "http://127.0.0.1:8000/v.mp4",
             "previewImageUrl": "http://localhost:8000/p.jpg"}
    assert props([local]) == ["messages[0].originalContentUrl", "messages[0].previewImageUrl"]
    assert props([local], allow_http_media=True) == []
    remote = {**local, "originalContentUrl": "http://10.0.0.1/v.mp4"}
    assert props([remote], allow_http_media=True) == ["messages[0].originalContentUrl"]


def _qr(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"type": "text", "text": "x", "quickReply": {"items": items}}]


def _item(action: dict[str, Any]) -> dict[str, Any]:
    return {"type": "action", "action": action}


def test_quick_reply_rules() -> None:
    ok = _item({"type": "message", "label": "書き出し", "text": "書き出し"})
    assert props(_qr([ok] * 13)) == []
    assert props(_qr([ok] * 14)) == ["messages[0].quickReply.items"]
    long_label = _item({"type": "message", "label": "あ" * 21, "text": "x"})
    assert props(_qr([long_label])) == ["messages[0].quickReply.items[0].action.label"]
    bad_type = _item({"type": "richmenuswitch", "label": "x"})
    assert props(_qr([bad_type])) == ["messages[0].quickReply.items[0].action.type"]
    for kind in ("camera", "cameraRoll", "location"):
        assert props(_qr([_item({"type": kind, "label": "写真"})])) == []
    long_data = _item({"type": "postback", "label": "x", "data": "d" * 301})
    assert props(_qr([long_data])) == ["messages[0].quickReply.items[0].action.data"]


def test_template_rules() -> None:
    act = {"type": "postback", "label": "受け取る", "data": "a=get"}
    buttons: dict[str, Any] = {"type": "template", "altText": "a" * 400,
               "template": {"type": "buttons", "text": "できました", "actions": [act] * 4}}
    assert props([buttons]) == []
    assert props([{**buttons, "altText": "a" * 401}]) == ["messages[0].altText"]
    five = {**buttons, "template": {**buttons["template"], "actions": [act] * 5}}
    assert props([five]) == ["messages[0].template.actions"]
    confirm = {"type": "template", "altText": "x",
               "template": {"type": "confirm", "text": "?", "actions": [act]}}
    assert props([confirm]) == ["messages[0].template.actions"]


def test_flex_alt_text() -> None:
    flex = {"type": "flex", "altText": "a" * 1500,
            "contents": {"type": "bubble", "body": {"type": "box", "layout": "vertical",
                                                    "contents": []}}}
    assert props([flex]) == []
    assert props([{**flex, "altText": "a" * 1501}]) == ["messages[0].altText"]


def test_reply_and_push_bodies() -> None:
    text = [{"type": "text", "text": "x"}]
    assert validate_reply({"replyToken": "t", "messages": text}) == []
    assert [d["property"] for d in validate_reply({"messages": text})] == ["replyToken"]
    assert validate_push({"to": "U", "messages": text, "notificationDisabled": True}) == []
    assert [d["property"] for d in validate_push({"messages": text,
                                                  "notificationDisabled": "yes"})] == [
        "notificationDisabled"]


def test_error_body_wording() -> None:
    body = error_body([{"message": "May not be empty", "property": "messages[0].text"}])
    assert body == {"message": "The request body has 1 error(s)",
                    "details": [{"message": "May not be empty", "property": "messages[0].text"}]}


@pytest.mark.parametrize(("value", "ok"), [(5, True), (60, True), (20, True), (0, False),
                                           (7, False), (65, False), (True, False), ("5", False)])
def test_loading_seconds(value: Any, ok: bool) -> None:
    assert loading_seconds_ok(value) is ok
