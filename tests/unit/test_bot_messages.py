"""LINE message building and the texts users read."""

from __future__ import annotations

import re

import pytest

from bot import messages as m
from bot import texts
from bot.texts import text


def test_utf16_counting_and_split() -> None:
    assert m.utf16_len("あ") == 1
    assert m.utf16_len("🎬") == 2  # outside the BMP: two code units, as LINE counts
    long = "これは長い文章です。" * 600  # 6,000 characters
    pieces = m.split_text(long)
    assert len(pieces) == 2
    assert all(m.utf16_len(p) <= 5000 for p in pieces)
    assert pieces[0].endswith("。")  # cut at a sentence end
    assert "".join(pieces) == long
    emoji = "🎬" * 3000  # 6,000 units
    pieces = m.split_text(emoji)
    assert all(m.utf16_len(p) <= 5000 for p in pieces) and "".join(pieces) == emoji


def test_quick_replies_follow_line_limits() -> None:
    choices = [m.Choice(f"とても長いボタンのラベルです番号{i}", "x") for i in range(20)]
    qr = m.quick_reply(choices)
    assert qr is not None
    assert len(qr.items) == 13
    assert all(len(item.action.label) <= 20 for item in qr.items)


def test_texts_put_choices_on_last_message_only() -> None:
    msgs = m.texts("あ" * 6000, m.after_draft("ja"))
    wire = m.to_wire(msgs)
    assert len(wire) == 2
    assert "quickReply" not in wire[0] and "quickReply" in wire[1]
    assert wire[1]["quickReply"]["items"][0]["action"] == {
        "type": "message",
        "label": "書き出し",
        "text": "書き出し",
    }


def test_postback_choice_and_video_wire_format() -> None:
    wire = m.to_wire(m.texts("x", m.collect("ja")))
    action = wire[0]["quickReply"]["items"][0]["action"]
    assert action["type"] == "postback" and action["data"] == "a=collect"
    assert action["displayText"] == "動画を受け取る"
    video = m.to_wire([m.video("https://v/x.mp4", "https://v/x.jpg")])[0]
    assert video == {
        "type": "video",
        "originalContentUrl": "https://v/x.mp4",
        "previewImageUrl": "https://v/x.jpg",
    }
    assert m.from_wire([video])[0].to_dict() == video


def test_batches_of_five() -> None:
    msgs = m.texts("a") * 12
    assert [len(b) for b in m.batches(msgs)] == [5, 5, 2]


FORBIDDEN = re.compile(r"token|session|sse|json|draft|api|トークン|セッション|\*\*|##|```", re.I)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_sentence_is_plain_and_friendly(lang: texts.Lang) -> None:
    for key in texts.all_keys():
        sentence = text(
            lang,
            key,
            url="https://nemovideo.com/?bind=x",
            formats="TXT",
            name="a.txt",
            available=1,
            frozen=0,
            total=1,
            limit=3,
        )
        assert sentence.strip(), key
        assert not FORBIDDEN.search(sentence.replace("https://nemovideo.com/?bind=x", "")), key
        assert sentence.count("\n") < 8, key  # fits a phone screen
        if key.startswith("qr_") and not key.endswith("_text"):
            assert len(sentence) <= 20, key


def test_language_mapping() -> None:
    assert texts.lang_of("en") == "en" and texts.lang_of("en-US") == "en"
    assert texts.lang_of("ja") == "ja" and texts.lang_of(None) == "ja"
    assert texts.lang_of("zh-TW") == "ja"
