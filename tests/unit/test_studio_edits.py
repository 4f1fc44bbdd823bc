"""studio.edits: each edit changes the draft as GET state will show it, timings stay coherent."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from studio.drafts import find_track, scene_segments, seg_end, seg_start, segments
from studio.edits import (
    EditContext,
    MediaRef,
    MoveScene,
    RemoveBgm,
    RemoveScene,
    SetAspect,
    SetBgm,
    SetLength,
    SetNarration,
    SetSpeed,
    SetSubtitles,
    SetSubtitleSize,
    SetTheme,
    SetTitle,
    SetVolume,
    SwapScenes,
    UseMedia,
    apply_edits,
    edit_args,
)
from studio.testing import make_draft, measure

CTX = EditContext(measure)
SCENES = [
    ["さくらカフェラテ、新登場。", "春限定の桜フレーバーです。"],
    ["ほんのり甘い香り。"],
    ["駅前店で毎朝7時から。", "テイクアウトもできます。"],
]


@pytest.fixture
def draft() -> dict[str, Any]:
    return make_draft(SCENES)


def texts(d: dict[str, Any], role: str) -> list[str]:
    return [s["m"]["text"] for s in segments(find_track(d, role))]


def assert_coherent(d: dict[str, Any]) -> None:
    """Scenes are end to end from 0; every line sits inside a scene; BGM spans the whole."""
    scenes = scene_segments(d)
    cursor = 0
    for scene in scenes:
        assert seg_start(scene) == cursor
        cursor = seg_end(scene)
    assert d["d"] == cursor
    for role in ("narration", "subtitle"):
        for seg in segments(find_track(d, role)):
            assert seg_start(seg) >= 0 and seg_end(seg) <= d["d"], (role, seg)
            assert any(
                seg_start(sc) <= seg_start(seg) and seg_end(seg) <= seg_end(sc) for sc in scenes
            ), (role, seg)
    for seg in segments(find_track(d, "bgm")):
        assert (seg_start(seg), seg["d"]) == (0, d["d"])
    # Subtitles repeat the narration line by line, at the same time.
    narration = [(s["s"], s["d"], s["m"]["text"]) for s in segments(find_track(d, "narration"))]
    subtitles = [(s["s"], s["d"], s["m"]["text"]) for s in segments(find_track(d, "subtitle"))]
    if narration and subtitles:
        assert narration == subtitles


def test_fixture_is_coherent(draft: dict[str, Any]) -> None:
    assert_coherent(draft)


def test_input_draft_is_never_modified(draft: dict[str, Any]) -> None:
    before = copy.deepcopy(draft)
    apply_edits(draft, [RemoveScene(1), SetTitle("x"), RemoveBgm()], CTX)
    assert draft == before


def test_title(draft: dict[str, Any]) -> None:
    new, [change] = apply_edits(draft, [SetTitle("春の新作")], CTX)
    assert change.ok and texts(new, "title") == ["春の新作"]
    assert change.detail["previous"] == "さくらカフェラテ"


def test_bgm_mood_volume_and_removal(draft: dict[str, Any]) -> None:
    new, _ = apply_edits(draft, [SetBgm("calm")], CTX)
    bgm = segments(find_track(new, "bgm"))[0]["m"]
    assert bgm == {"name": "落ち着いたピアノ", "mood": "calm", "volume": 35}
    new, _ = apply_edits(new, [SetVolume(percent=20)], CTX)
    assert segments(find_track(new, "bgm"))[0]["m"]["volume"] == 20
    new, _ = apply_edits(new, [SetVolume(delta=-30)], CTX)
    assert segments(find_track(new, "bgm"))[0]["m"]["volume"] == 0
    new, [removed] = apply_edits(new, [RemoveBgm()], CTX)
    assert removed.ok and find_track(new, "bgm") is None
    new, [again] = apply_edits(new, [RemoveBgm()], CTX)
    assert not again.ok and again.reason == "no_bgm"
    new, [added] = apply_edits(new, [SetBgm(None)], CTX)
    assert added.ok and added.detail["added"]
    assert [t["m"]["role"] for t in new["t"]] == ["scene", "narration", "bgm", "title", "subtitle"]
    assert segments(find_track(new, "bgm"))[0]["d"] == new["d"]


def test_bgm_without_mood_cycles(draft: dict[str, Any]) -> None:
    moods = []
    for _ in range(4):
        draft, _ = apply_edits(draft, [SetBgm(None)], CTX)
        moods.append(segments(find_track(draft, "bgm"))[0]["m"]["mood"])
    assert moods == ["calm", "corporate", "lofi", "upbeat"]


def test_aspect_theme_subtitle_size(draft: dict[str, Any]) -> None:
    new, changes = apply_edits(
        draft, [SetAspect("16:9"), SetTheme("ocean"), SetSubtitleSize("l")], CTX
    )
    assert all(c.ok for c in changes)
    assert new["m"]["aspect"] == "16:9" and new["m"]["theme"] == "ocean"
    assert new["m"]["subtitles"]["size"] == "l"
    assert {s["m"]["size"] for s in segments(find_track(new, "subtitle"))} == {"l"}


def test_subtitles_off_and_back_on(draft: dict[str, Any]) -> None:
    off, _ = apply_edits(draft, [SetSubtitles(False)], CTX)
    assert find_track(off, "subtitle") is None and off["m"]["subtitles"]["on"] is False
    on, _ = apply_edits(off, [SetSubtitles(True)], CTX)
    assert texts(on, "subtitle") == texts(draft, "subtitle")
    assert on["m"]["subtitles"]["on"] is True
    assert_coherent(on)


def test_narration_off_keeps_timing_and_back_on_restores_lines(draft: dict[str, Any]) -> None:
    off, _ = apply_edits(draft, [SetNarration(False)], CTX)
    assert find_track(off, "narration") is None and off["d"] == draft["d"]
    on, [change] = apply_edits(off, [SetNarration(True)], CTX)
    assert change.ok and texts(on, "narration") == texts(draft, "narration")
    assert_coherent(on)


def test_remove_scene_drops_its_lines(draft: dict[str, Any]) -> None:
    new, [change] = apply_edits(draft, [RemoveScene(2)], CTX)
    assert change.ok and change.detail["count"] == 2
    assert [s["m"]["text"] for s in scene_segments(new)] == [
        "さくらカフェラテ、新登場。春限定の桜フレーバーです。",
        "駅前店で毎朝7時から。テイクアウトもできます。",
    ]
    assert "ほんのり甘い香り。" not in texts(new, "narration")
    assert new["d"] == draft["d"] - scene_segments(draft)[1]["d"]
    assert_coherent(new)


def test_move_scene_to_front_carries_its_lines(draft: dict[str, Any]) -> None:
    new, [change] = apply_edits(draft, [MoveScene(3, 1)], CTX)
    assert change.ok
    assert texts(new, "narration")[:2] == ["駅前店で毎朝7時から。", "テイクアウトもできます。"]
    assert new["d"] == draft["d"]
    assert_coherent(new)


def test_move_to_last_and_swap(draft: dict[str, Any]) -> None:
    last, _ = apply_edits(draft, [MoveScene(1, -1)], CTX)
    assert scene_segments(last)[-1]["id"] == "seg_scene_1"
    swapped, _ = apply_edits(draft, [SwapScenes(1, 3)], CTX)
    assert [s["id"] for s in scene_segments(swapped)] == [
        "seg_scene_3",
        "seg_scene_2",
        "seg_scene_1",
    ]
    assert_coherent(swapped)


def test_scene_numbers_out_of_range_are_refused(draft: dict[str, Any]) -> None:
    new, [change] = apply_edits(draft, [RemoveScene(7)], CTX)
    assert not change.ok and change.reason == "no_scene" and change.detail["count"] == 3
    assert new == draft


def test_last_scene_cannot_be_removed() -> None:
    one = make_draft([["ひとつだけ。"]])
    _, [change] = apply_edits(one, [RemoveScene(1)], CTX)
    assert change.reason == "last_scene"


def test_faster_voice_shortens_scenes_and_lines(draft: dict[str, Any]) -> None:
    new, [change] = apply_edits(draft, [SetSpeed(speed=2.0)], CTX)
    assert change.ok and new["m"]["narration"]["speed"] == 2.0
    for old, seg in zip(
        segments(find_track(draft, "narration")),
        segments(find_track(new, "narration")),
        strict=True,
    ):
        assert seg["d"] == old["d"] // 2 and seg["m"]["speed"] == 2.0
    assert new["d"] < draft["d"]
    assert_coherent(new)


def test_speed_is_clamped(draft: dict[str, Any]) -> None:
    new, _ = apply_edits(draft, [SetSpeed(delta=-5)], CTX)
    assert new["m"]["narration"]["speed"] == 0.5


def test_target_length_pads_scenes(draft: dict[str, Any]) -> None:
    new, [change] = apply_edits(draft, [SetLength(seconds=30)], CTX)
    assert change.ok and new["d"] == 30_000 and new["m"]["target_s"] == 30
    assert_coherent(new)


def test_target_length_too_short_speeds_up_the_voice(draft: dict[str, Any]) -> None:
    new, [change] = apply_edits(draft, [SetLength(seconds=8)], CTX)
    assert change.ok and change.detail["sped_up"]
    assert new["m"]["narration"]["speed"] > 1.0
    assert new["d"] < draft["d"]
    assert_coherent(new)


def test_target_length_by_a_number_of_seconds(draft: dict[str, Any]) -> None:
    longer, [change] = apply_edits(draft, [SetLength(delta=5)], CTX)
    assert change.ok and longer["m"]["target_s"] == round(draft["d"] / 1000) + 5
    assert abs(longer["d"] - (draft["d"] + 5000)) <= 1000
    assert_coherent(longer)


def test_target_length_range(draft: dict[str, Any]) -> None:
    _, [change] = apply_edits(draft, [SetLength(seconds=600)], CTX)
    assert change.reason == "length_range"


def test_use_media_as_backgrounds_and_music(draft: dict[str, Any]) -> None:
    media = (
        MediaRef("media_a", "a.jpg", "image"),
        MediaRef("media_b", "b.mp4", "video", 4000),
        MediaRef("media_c", "song.mp3", "audio", 60_000),
    )
    ctx = EditContext(measure, media)
    new, [change] = apply_edits(draft, [UseMedia(("image", "video", "audio"))], ctx)
    assert change.ok and change.detail["music"] == "song.mp3"
    assert [s["m"]["source"] for s in scene_segments(new)] == ["media_a", "media_b", "media_a"]
    assert find_track(new, "bgm") is None
    audio = segments(find_track(new, "audio"))
    assert audio[0]["m"]["source"] == "media_c" and audio[0]["d"] == new["d"]


def test_use_media_without_uploads_is_refused(draft: dict[str, Any]) -> None:
    _, [change] = apply_edits(draft, [UseMedia()], CTX)
    assert change.reason == "no_media"


def test_edit_args_are_json_ready() -> None:
    assert edit_args(UseMedia(("image",))) == {"op": "use_media", "kinds": ["image"]}
    assert edit_args(SetVolume(percent=20)) == {"op": "set_volume", "percent": 20, "delta": 0}


def test_edits_work_on_the_engine_storyboard() -> None:
    """The engine's own draft (with a stand-in clock) survives every structural edit."""
    from studio.engine.storyboard import draft_from_script
    from studio.testing import SCRIPT

    draft = draft_from_script(SCRIPT, "9:16", durations=measure)
    for edit in (RemoveScene(2), MoveScene(3, 1), SetSpeed(speed=1.5), SetLength(seconds=30)):
        new, [change] = apply_edits(draft, [edit], CTX)
        assert change.ok, edit
        assert_coherent(new)
