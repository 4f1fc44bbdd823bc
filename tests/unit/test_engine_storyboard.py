"""Scripts → drafts (pure, with a stand-in for narration length)."""

from __future__ import annotations

import itertools

from studio.engine.models import Cue
from studio.engine.script import guess_theme, guess_title, sentences
from studio.engine.storyboard import TITLE_MS, draft_from_script, group_sentences
from studio.engine.timeline import parse_draft

SCRIPT = (
    "さくらカフェの新作「さくらラテ」が、ついに登場しました！春だけの特別な一杯です。"
    "国産の桜の花びらを使ったシロップが、ほんのり甘く香ります。見た目も華やかなピンク色です。"
    "駅から徒歩三分、さくらカフェでお待ちしています。"
)


def fake_ms(text: str, speed: float) -> int:
    """About 7 characters a second at speed 1.0, like the Mei voice."""
    return int(len(text) * 140 / speed)


def test_sentences_split_on_japanese_punctuation() -> None:
    assert sentences("「春です！」と彼は言った。次です？\n見出し") == [
        "「春です！」と彼は言った。",
        "次です？",
        "見出し",
    ]


def test_title_prefers_heading_then_quote_then_phrase() -> None:
    assert guess_title("春の新メニュー\n本文です。")[0] == "春の新メニュー"
    assert guess_title(SCRIPT)[0] == "さくらラテ"
    title, _ = guess_title("駅前の小さなパン屋ミモザは、毎朝六時に焼きたてのパンを並べています。")
    assert title == "駅前の小さなパン屋ミモザ"
    assert guess_title("")[0] == ""


def test_theme_from_words() -> None:
    assert guess_theme("カフェのラテ") == "cafe"
    assert guess_theme("夏の海へ") == "ocean"
    assert guess_theme("なにもない") == "sakura"


def test_grouping_pairs_short_sentences() -> None:
    assert group_sentences([2000, 2000, 6000, 1000]) == [[0, 1], [2], [3]]


def test_draft_follows_the_schema() -> None:
    d = draft_from_script(SCRIPT, "16:9", durations=fake_ms)
    assert [t["tt"] for t in d["t"]] == [0, 1, 1, 7, 7]
    assert [t["m"]["role"] for t in d["t"]] == ["scene", "narration", "bgm", "title", "subtitle"]
    assert d["m"]["aspect"] == "16:9" and d["m"]["name"] == "さくらラテ"
    assert d["m"]["subtitles"] == {"on": True, "size": "m"}
    assert d["m"]["narration"] == {"on": True, "speed": 1.0}
    scenes, narr, bgm, title, subs = (t["sg"] for t in d["t"])
    # Scenes tile the timeline exactly.
    assert scenes[0]["s"] == 0
    for a, b in itertools.pairwise(scenes):
        assert a["s"] + a["d"] == b["s"]
    assert scenes[-1]["s"] + scenes[-1]["d"] == d["d"]
    # Every sentence is narrated and subtitled with the same timing, within its scene.
    assert [n["m"]["text"] for n in narr] == sentences(SCRIPT)
    assert [(n["s"], n["d"]) for n in narr] == [(s["s"], s["d"]) for s in subs]
    for n in narr:
        assert n["d"] == fake_ms(n["m"]["text"], 1.0)
        assert any(sc["s"] <= n["s"] and n["s"] + n["d"] <= sc["s"] + sc["d"] for sc in scenes)
    assert bgm == [
        {
            "id": "seg_bgm_1",
            "s": 0,
            "d": d["d"],
            "m": {"name": "明るいポップス", "mood": "upbeat", "volume": 35},
        }
    ]
    assert (
        title[0]["s"] == 0 and title[0]["d"] == TITLE_MS and title[0]["m"]["text"] == "さくらラテ"
    )
    assert all(1 <= len(sentences(sc["m"]["text"])) <= 2 for sc in scenes)
    assert len({sc["m"]["motion"] for sc in scenes}) > 1
    # The renderer reads it back without surprises.
    plan = parse_draft(d)
    assert plan.duration_ms == d["d"] and len(plan.scenes) == len(scenes)


def test_speed_changes_timing() -> None:
    slow = draft_from_script(SCRIPT, durations=fake_ms, speed=0.5)
    fast = draft_from_script(SCRIPT, durations=fake_ms, speed=2.0)
    assert slow["d"] > fast["d"]
    assert slow["t"][1]["sg"][0]["m"]["speed"] == 0.5


def test_cues_drive_timing() -> None:
    cues = (
        Cue(1000, 3000, "最初の字幕。"),
        Cue(3500, 6000, "次の字幕。"),
        Cue(9000, 12000, "最後。"),
    )
    d = draft_from_script("見出し\n本文。", "1:1", cues, durations=fake_ms)
    narr = d["t"][1]["sg"]
    assert [(n["s"], n["d"]) for n in narr] == [(1000, 2000), (3500, 2500), (9000, 3000)]
    assert d["d"] >= 12000
    assert d["t"][0]["sg"][0]["s"] == 0


def test_empty_script_gives_empty_draft() -> None:
    d = draft_from_script("   ", durations=fake_ms)
    assert d["t"] == [] and d["d"] == 0
