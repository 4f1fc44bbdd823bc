"""Draft reading: tolerant parsing, the seed-style summary, diffs."""

from __future__ import annotations

from typing import Any

from bot import draft

SEED_LIKE: dict[str, Any] = {
    "d": 10000,
    "t": [
        {"tt": 0, "m": {"name": "映像"}, "sg": [{"d": 10000, "m": {"name": "city timelapse"}}]},
        {
            "tt": 1,
            "m": {"name": "BGM", "role": "bgm"},
            "sg": [{"s": 0, "d": 10000, "m": {"name": "Lo-fi", "volume": 35}}],
        },
        {
            "tt": 7,
            "m": {"role": "title"},
            "sg": [{"st": 0, "d": 3000, "m": {"text": "Urban Dreams"}}],
        },
    ],
}


def test_seed_timeline_in_japanese_and_english() -> None:
    d = draft.parse(SEED_LIKE)
    ja = draft.timeline_text(d, "ja")
    assert ja.splitlines()[:4] == [
        "現在のタイムライン（3トラック）",
        "1. 映像：city timelapse（0〜10秒）",
        "2. BGM：Lo-fi（0〜10秒、音量35%）",
        "3. タイトル：「Urban Dreams」（0〜3秒）",
    ]
    en = draft.timeline_text(d, "en")
    assert "2. BGM: Lo-fi (0-10s, 35%)" in en
    assert '3. Title: "Urban Dreams" (0-3s)' in en


def test_tolerant_parsing() -> None:
    assert not draft.parse(None).exportable
    assert not draft.parse({"t": []}).exportable
    assert not draft.parse({"t": [{"tt": 0, "sg": []}]}).exportable
    assert not draft.parse("not json").exportable
    d = draft.parse('{"t": [{"tt": 0, "sg": [{"d": 2000}, {"d": 3000}]}], "extra": 1}')
    assert d.exportable
    # no start offsets: laid end to end
    assert [s.start_ms for s in d.tracks[0].segments] == [0, 2000]
    assert d.duration_ms == 5000
    assert (
        draft.parse({"t": [{"tt": 1, "sg": [{"d": 1, "m": {"volume": 0.5}}]}]}).tracks[0].type == 1
    )


def test_scenes_are_counted() -> None:
    d = draft.parse(
        {
            "t": [
                {
                    "tt": 0,
                    "m": {"role": "scene"},
                    "sg": [{"s": 0, "d": 6000}, {"s": 6000, "d": 6000}],
                }
            ]
        }
    )
    assert draft.describe_track(d.tracks[0], "ja") == "映像：シーン2つ（0〜12秒）"


def test_diff_bgm_change_keeps_volume_note() -> None:
    before = draft.parse(SEED_LIKE)
    changed: dict[str, Any] = {**SEED_LIKE, "t": [dict(t) for t in SEED_LIKE["t"]]}
    changed["t"][1] = {
        "tt": 1,
        "m": {"name": "BGM", "role": "bgm"},
        "sg": [{"s": 0, "d": 10000, "m": {"name": "ローファイ", "volume": 35}}],
    }
    changes = draft.diff(before, draft.parse(changed), "ja")
    assert changes == ["BGMを「ローファイ」に変更しました。音量は35%のままです"]


def test_diff_volume_title_aspect_and_removed_track() -> None:
    before = draft.parse({**SEED_LIKE, "m": {"aspect": "9:16"}})
    after_raw: dict[str, Any] = {
        "d": 10000,
        "m": {"aspect": "16:9"},
        "t": [
            SEED_LIKE["t"][0],
            {"tt": 7, "m": {"role": "title"}, "sg": [{"s": 0, "d": 3000, "m": {"text": "春"}}]},
        ],
    }
    changes = draft.diff(before, draft.parse(after_raw), "ja")
    assert "BGMを削除しました" in changes
    assert "タイトルを「春」に変更しました" in changes
    assert "縦横比を16:9に変更しました" in changes
    vol_raw: dict[str, Any] = {
        **SEED_LIKE,
        "t": [
            SEED_LIKE["t"][0],
            {
                "tt": 1,
                "m": {"role": "bgm"},
                "sg": [{"s": 0, "d": 10000, "m": {"name": "Lo-fi", "volume": 20}}],
            },
            SEED_LIKE["t"][2],
        ],
    }
    assert draft.diff(draft.parse(SEED_LIKE), draft.parse(vol_raw), "en") == [
        "Set the BGM volume to 20%"
    ]


def test_diff_nothing_changed() -> None:
    assert draft.diff(draft.parse(SEED_LIKE), draft.parse(SEED_LIKE), "ja") == []


def test_subtitles_toggle() -> None:
    a = draft.parse({**SEED_LIKE, "m": {"subtitles": {"on": True, "size": "m"}}})
    b = draft.parse({**SEED_LIKE, "m": {"subtitles": {"on": False, "size": "m"}}})
    assert draft.diff(a, b, "ja") == ["字幕をオフにしました"]
