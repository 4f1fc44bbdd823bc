"""Japanese text decoding: UTF-8 (BOM or not), Shift_JIS/CP932, EUC-JP, JIS."""

from __future__ import annotations

import codecs

import pytest

from studio.engine.srt import looks_like_srt, parse_srt
from studio.engine.textdecode import decode_japanese, japanese_score

TEXT = "さくらカフェの新作「さくらラテ」が登場！\n価格は５８０円（税込）です。①髙橋店長のおすすめ。"


@pytest.mark.parametrize("encoding", ["utf-8", "cp932", "euc_jp", "iso2022_jp_ext"])
def test_decodes_common_japanese_encodings(encoding: str) -> None:
    text = TEXT if encoding != "iso2022_jp_ext" else TEXT.replace("①", "").replace("髙", "高")
    if encoding == "euc_jp":
        text = text.replace("①", "").replace("髙", "高")
    assert decode_japanese(text.encode(encoding)) == text


def test_utf8_bom_is_removed() -> None:
    assert decode_japanese(codecs.BOM_UTF8 + TEXT.encode()) == TEXT


def test_utf16_with_bom() -> None:
    assert decode_japanese(TEXT.encode("utf-16")) == TEXT


def test_crlf_becomes_lf() -> None:
    assert decode_japanese("一行目\r\n二行目\r\n".encode("cp932")) == "一行目\n二行目\n"


def test_short_sjis_is_not_mistaken_for_euc() -> None:
    for text in ("テスト", "日本語", "こんにちは。", "ラテ"):
        assert decode_japanese(text.encode("cp932")) == text
        assert decode_japanese(text.encode("euc_jp")) == text


def test_binary_is_rejected() -> None:
    with pytest.raises(ValueError):
        decode_japanese(bytes(range(256)) * 4)
    with pytest.raises(ValueError):
        decode_japanese(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_score_prefers_japanese() -> None:
    assert japanese_score("日本語のテキストです。") > 0.9
    assert japanese_score("") == 0.0
    assert japanese_score("\x01\x02\x03abc") < 0.5


SRT = """1
00:00:01,000 --> 00:00:03,500
さくらカフェへ
ようこそ。

2
00:00:03,600 --> 00:00:06,000
<i>春限定</i>のラテです。

3
00:00:07,000 --> 00:00:06,000
逆転した時刻は捨てる
"""


def test_srt_parses_timings_and_text() -> None:
    cues = parse_srt(SRT)
    assert [(c.start_ms, c.end_ms) for c in cues] == [(1000, 3500), (3600, 6000)]
    assert cues[0].text == "さくらカフェへようこそ。"
    assert cues[1].text == "春限定のラテです。"


def test_srt_detection_and_crlf_and_dot_separator() -> None:
    assert looks_like_srt(SRT)
    assert not looks_like_srt("ただの文章です。")
    cues = parse_srt("1\r\n00:00:00.5 --> 00:00:02.25\r\nこんにちは\r\n")
    assert cues[0].start_ms == 500 and cues[0].end_ms == 2250


def test_srt_joins_english_lines_with_space() -> None:
    cues = parse_srt("1\n00:00:00,000 --> 00:00:01,000\nHello\nworld\n")
    assert cues[0].text == "Hello world"
