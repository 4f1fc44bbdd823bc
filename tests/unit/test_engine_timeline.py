"""Reading drafts into render plans (pure)."""

from __future__ import annotations

from typing import Any

from studio.engine.placement import (
    caption_font_px,
    caption_xy,
    place_voices,
    split_span,
    title_xy,
)
from studio.engine.timeline import canvas_size, ms_to_frame, normalise_aspect, parse_draft


def draft(**meta: Any) -> dict[str, Any]:
    return {
        "d": 9000,
        "m": {"name": "テスト", "aspect": "9:16", "theme": "ocean", **meta},
        "t": [
            {
                "id": "trk_video",
                "tt": 0,
                "m": {"role": "scene"},
                "sg": [
                    {
                        "id": "a",
                        "s": 0,
                        "d": 3000,
                        "m": {"text": "一つ目。", "source": None, "motion": "pan_left"},
                    },
                    {"id": "b", "s": 3000, "d": 3000, "m": {"text": "二つ目。", "source": "img1"}},
                    {"id": "c", "s": 6000, "d": 3000, "m": {"text": "三つ目。", "motion": "bogus"}},
                ],
            },
            {
                "id": "trk_narration",
                "tt": 1,
                "m": {"role": "narration"},
                "sg": [
                    {"s": 200, "d": 2000, "m": {"text": "一つ目。", "voice": "mei", "speed": 1.5}},
                    {"s": 3200, "d": 2000, "m": {"text": "二つ目。", "voice": "mei"}},
                ],
            },
            {
                "id": "trk_bgm",
                "tt": 1,
                "m": {"role": "bgm"},
                "sg": [
                    {
                        "s": 0,
                        "d": 9000,
                        "m": {"mood": "calm", "volume": 20, "name": "落ち着いたピアノ"},
                    }
                ],
            },
            {
                "id": "trk_title",
                "tt": 7,
                "m": {"role": "title"},
                "sg": [{"s": 0, "d": 3000, "m": {"text": "題名"}}],
            },
            {
                "id": "trk_subtitle",
                "tt": 7,
                "m": {"role": "subtitle"},
                "sg": [
                    {"s": 200, "d": 2000, "m": {"text": "一つ目。", "size": "l"}},
                    {"s": 3200, "d": 2000, "m": {"text": "二つ目。"}},
                ],
            },
        ],
    }


def test_full_draft_plan() -> None:
    plan = parse_draft(
        draft(subtitles={"on": True, "size": "s"}, narration={"on": True, "speed": 0.8})
    )
    assert (plan.width, plan.height, plan.duration_ms) == (1080, 1920, 9000)
    assert [(s.start_ms, s.end_ms) for s in plan.scenes] == [(0, 3000), (3000, 6000), (6000, 9000)]
    assert [s.motion for s in plan.scenes] == ["pan_left", "pan_left", "zoom_out"]
    assert plan.scenes[1].source == "img1" and plan.scenes[0].source is None
    # Segment values override the draft-level defaults.
    assert [c.size for c in plan.captions] == ["l", "s"]
    assert [v.speed for v in plan.voices] == [1.5, 0.8]
    assert plan.bgm[0].mood == "calm" and plan.bgm[0].volume == 20
    assert plan.titles[0].text == "題名" and plan.titles[0].end_ms == 3000
    assert plan.theme == "ocean"


def test_toggles_drop_tracks() -> None:
    plan = parse_draft(draft(subtitles={"on": False}, narration={"on": False}))
    assert plan.captions == () and plan.voices == ()
    assert plan.bgm and plan.titles


def test_aspect_override_and_normalisation() -> None:
    assert parse_draft(draft(aspect="16:9")).width == 1920
    assert parse_draft(draft(), aspect="1:1").height == 1080
    assert normalise_aspect("16x9") == "16:9"
    assert normalise_aspect("正方形") == "1:1"
    assert normalise_aspect(None) == "9:16"
    assert canvas_size("bogus") == (1080, 1920)


def test_scene_order_follows_start_times() -> None:
    d = draft()
    segs = d["t"][0]["sg"]
    segs[0]["s"], segs[2]["s"] = 6000, 0  # swap first and last
    plan = parse_draft(d)
    assert [s.text for s in plan.scenes] == ["三つ目。", "二つ目。", "一つ目。"]


def test_tolerant_reader_start_keys_and_end_to_end() -> None:
    d = {
        "t": [
            {
                "tt": 0,
                "sg": [
                    {"d": 2000, "m": {"text": "a"}},
                    {"d": 1500, "m": {"text": "b"}},
                    {"st": 5000, "d": 1000, "m": {"text": "c"}},
                ],
            },
            {
                "tt": 7,
                "m": {"name": "タイトル"},
                "sg": [{"start": 0, "d": 1000, "m": {"text": "T"}}],
            },
            {"tt": 1, "sg": [{"s": 0, "d": 3000, "m": {"mood": "lofi", "volume": "50"}}]},
            {"tt": 1, "sg": [{"s": 0, "m": {"text": "読む"}}]},
        ]
    }
    plan = parse_draft(d)
    assert [(s.start_ms, s.end_ms) for s in plan.scenes] == [(0, 2000), (2000, 5000), (5000, 6000)]
    assert plan.duration_ms == 6000
    assert plan.titles[0].text == "T"
    assert plan.bgm[0].mood == "lofi" and plan.bgm[0].volume == 50
    assert plan.voices[0].text == "読む"
    # Without a subtitle track the scenes' text is captioned.
    assert [c.text for c in plan.captions] == ["a", "b", "c"]


def test_d_shorter_than_scenes_is_extended() -> None:
    d = draft()
    d["d"] = 4000
    assert parse_draft(d).duration_ms == 9000


def test_empty_draft_has_nothing() -> None:
    plan = parse_draft({"d": 0, "t": []})
    assert plan.duration_ms == 0 and plan.scenes == ()
    assert parse_draft({"t": "junk", "m": "junk"}).scenes == ()


def test_tiny_scenes_are_stretched() -> None:
    d = {"d": 3000, "t": [{"tt": 0, "sg": [{"s": 0, "d": 100}, {"s": 100, "d": 2900}]}]}
    plan = parse_draft(d)
    assert plan.scenes[1].start_ms >= 800


def test_frames() -> None:
    assert ms_to_frame(1000) == 30 and ms_to_frame(33) == 1


def test_split_span_proportional_and_contiguous() -> None:
    spans = split_span(1000, 4000, [1, 2])
    assert spans == [(1000, 2000), (2000, 4000)]
    assert split_span(0, 100, []) == []
    assert split_span(0, 90, [0, 0, 0]) == [(0, 30), (30, 60), (60, 90)]


def test_voices_never_overlap() -> None:
    assert place_voices([0, 1000, 5000], [2000, 2000, 500]) == [0, 2120, 5000]


def test_text_stays_in_safe_area() -> None:
    for w, h in ((1080, 1920), (1920, 1080), (1080, 1080)):
        px = caption_font_px("l", w, h)
        x, y = caption_xy(w, h, 800, 2 * px + 60)
        assert x >= 0 and y + 2 * px + 60 <= h * 0.93
        tx, ty = title_xy(w, h, 900, 300)
        assert tx >= 0 and ty >= h * 0.1 and ty + 300 < h
    assert (
        caption_font_px("s", 1080, 1920)
        < caption_font_px("m", 1080, 1920)
        < caption_font_px("l", 1080, 1920)
    )


def test_overlapping_captions_are_cut() -> None:
    d = draft()
    d["t"][4]["sg"][0]["d"] = 5000  # runs into the next caption at 3200
    plan = parse_draft(d)
    assert [(c.start_ms, c.end_ms) for c in plan.captions] == [(200, 3200), (3200, 5200)]
