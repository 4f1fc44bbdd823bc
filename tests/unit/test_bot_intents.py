"""The intent table: commands, edits, files, postbacks, groups and lanes."""

from __future__ import annotations

import pytest

from bot.events import parse_event
from bot.intents import INTENT_TABLE, Intent, addressed, classify, classify_text, lane
from linesim import signer

BOT = "U" + "b" * 32
USER = "U" + "1" * 32
GROUP = "C" + "2" * 32


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("書き出し", Intent.EXPORT),
        ("書き出してください", Intent.EXPORT),
        ("export 1080p MP4", Intent.EXPORT),
        ("エクスポート", Intent.EXPORT),
        ("ダウンロード", Intent.EXPORT),
        ("動画を送って", Intent.EXPORT),
        ("send me the video", Intent.EXPORT),
        ("导出", Intent.EXPORT),
        ("残高", Intent.CREDITS),
        ("クレジット残高を教えて", Intent.CREDITS),
        ("credits", Intent.CREDITS),
        ("余额", Intent.CREDITS),
        ("状態", Intent.STATUS),
        ("ステータス", Intent.STATUS),
        ("タイムライン", Intent.STATUS),
        ("タイムラインを見せて", Intent.STATUS),
        ("show tracks", Intent.STATUS),
        ("使い方", Intent.HELP),
        ("upload", Intent.UPLOAD_HOW),
        ("https://example.com/clip.mp4", Intent.UPLOAD_URL),
        ("日本語のテキストからプロモーション動画を作成してください", Intent.CHAT),
        ("BGMを追加して", Intent.CHAT),
        ("タイムラインの2番目のシーンを削除して", Intent.CHAT),
        ("書き出しの前にタイトルを「春の新作」に変えて", Intent.CHAT),
        ("BGMの状態を明るくして", Intent.CHAT),
        ("ＥＸＰＯＲＴ", Intent.EXPORT),  # full-width letters, NFKC
    ],
)
def test_text_intents(text: str, intent: Intent) -> None:
    assert classify_text(text) is intent


def test_table_is_data_with_the_seed_rows() -> None:
    phrases = {p for rule in INTENT_TABLE for p in rule.phrases}
    for seed_phrase in (
        "export",
        "导出",
        "download",
        "send me the video",
        "credits",
        "积分",
        "balance",
        "余额",
        "status",
        "状态",
        "show tracks",
        "upload",
        "上传",
    ):
        assert seed_phrase in phrases


def _event(raw: dict[str, object]) -> object:
    return parse_event(raw)  # type: ignore[arg-type]


def test_files_and_media_are_uploads() -> None:
    for raw in (
        signer.file_event(USER, "m1", "原稿.docx", 1234),
        signer.image_event(USER, "m2"),
        signer.video_event(USER, "m3", 5000),
        signer.audio_event(USER, "m4", 3000),
    ):
        event = parse_event(raw)
        assert classify(event) is Intent.UPLOAD
        assert lane(event) == "ordered"


def test_lanes_quick_answers_skip_the_queue() -> None:
    assert lane(parse_event(signer.text_event(USER, "残高"))) == "immediate"
    assert lane(parse_event(signer.text_event(USER, "状態"))) == "immediate"
    assert lane(parse_event(signer.sticker_event(USER))) == "immediate"
    assert lane(parse_event(signer.text_event(USER, "BGMを追加して"))) == "ordered"
    assert lane(parse_event(signer.text_event(USER, "書き出し"))) == "ordered"
    assert lane(parse_event(signer.follow_event(USER))) == "immediate"
    assert lane(parse_event(signer.unfollow_event(USER))) == "immediate"


def test_groups_only_when_addressed() -> None:
    plain = parse_event(signer.text_event(USER, "動画を作って", group_id=GROUP))
    assert addressed(plain) == "no" and lane(plain) == "drop"
    mentioned = parse_event(
        signer.text_event(USER, "@bot 動画を作って", group_id=GROUP, mention_self_of=BOT)
    )
    assert addressed(mentioned) == "yes" and lane(mentioned) == "ordered"
    assert mentioned.text == "動画を作って"  # the mention itself is not part of the request
    reply = parse_event(
        signer.text_event(USER, "これでお願い", group_id=GROUP, quoted_message_id="999")
    )
    assert addressed(reply) == "maybe" and lane(reply) == "ordered"


def test_postbacks() -> None:
    assert classify(parse_event(signer.postback_event(USER, "a=collect"))) is Intent.COLLECT
    assert classify(parse_event(signer.postback_event(USER, "a=export"))) is Intent.EXPORT
    assert classify(parse_event(signer.postback_event(USER, "garbage"))) is Intent.HELP


def test_unknown_event_types_are_not_errors() -> None:
    raw = signer.text_event(USER, "x")
    raw["type"] = "brandNewEvent"
    event = parse_event(raw)
    assert event.kind == "other" and lane(event) == "drop"
    raw = signer.text_event(USER, "x")
    raw["message"] = {"id": "5", "type": "hologram"}
    event = parse_event(raw)
    assert event.kind == "message" and classify(event) is Intent.UNSUPPORTED
