"""Rendered files: sizes, codecs, duration, faststart, poster, audible narration and music."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from studio.engine import IngestError, RenderError, oneshot, render_draft
from studio.engine.cli import render_command
from studio.engine.mediacheck import audio_rms_db, frame_rgb, moov_first, output_info
from studio.engine.storyboard import draft_from_script

pytestmark = pytest.mark.slow

SCRIPT = "さくらカフェの新作「さくらラテ」が登場！春の香りが口いっぱいに広がります。"


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDIO_ENGINE_CACHE", str(tmp_path_factory.getbasetemp() / "engine-cache"))


@pytest.mark.parametrize(
    "aspect,size", [("9:16", (1080, 1920)), ("16:9", (1920, 1080)), ("1:1", (1080, 1080))]
)
def test_each_aspect_renders_a_line_ready_mp4(
    tmp_path: Path, aspect: str, size: tuple[int, int]
) -> None:
    draft = draft_from_script(SCRIPT, aspect)
    seen: list[float] = []
    result = render_draft(draft, {}, tmp_path, progress=seen.append)
    info = output_info(result.video)
    assert (info.width, info.height) == size == (result.width, result.height)
    assert (info.video_codec, info.audio_codec, info.pix_fmt) == ("h264", "aac", "yuv420p")
    assert info.fps == 30 and info.audio_rate == 48000 and info.audio_channels == 2
    assert "mp4" in info.format_name and result.video.suffix == ".mp4"
    assert abs(info.duration_s * 1000 - draft["d"]) < 150
    assert abs(result.duration_ms - draft["d"]) < 50
    assert moov_first(result.video)  # faststart
    assert info.size_bytes < 200 * 1024 * 1024
    with Image.open(result.poster) as poster:
        assert poster.format == "JPEG" and poster.size == size
    assert result.poster.stat().st_size < 1_000_000
    # Progress runs from 0 to 1 without going back.
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def music_then_speech_draft() -> dict[str, Any]:
    return {
        "d": 5000,
        "m": {
            "name": "音",
            "aspect": "1:1",
            "theme": "night",
            "subtitles": {"on": False},
            "narration": {"on": True, "speed": 1.0},
        },
        "t": [
            {
                "id": "v",
                "tt": 0,
                "m": {"role": "scene"},
                "sg": [{"id": "s1", "s": 0, "d": 5000, "m": {}}],
            },
            {
                "id": "n",
                "tt": 1,
                "m": {"role": "narration"},
                "sg": [
                    {"id": "n1", "s": 2000, "d": 2500, "m": {"text": "ここからナレーションです。"}}
                ],
            },
            {
                "id": "b",
                "tt": 1,
                "m": {"role": "bgm"},
                "sg": [{"id": "b1", "s": 0, "d": 5000, "m": {"mood": "corporate", "volume": 35}}],
            },
        ],
    }


def test_audio_holds_music_and_narration(tmp_path: Path) -> None:
    result = render_draft(music_then_speech_draft(), {}, tmp_path)
    music_only = audio_rms_db(result.video, 0.4, 1.8)
    speech = audio_rms_db(result.video, 2.2, 3.8)
    assert -38 < music_only < -20, music_only  # music at 35 %, clearly audible, not loud
    assert speech > music_only + 6, (speech, music_only)  # the voice sits on top
    assert speech < -8  # and nothing clips


def test_frames_show_captions_and_title(tmp_path: Path) -> None:
    """Sample frames; they are saved as PNG (also to $STUDIO_FRAMES_DIR) to be looked at."""
    draft = draft_from_script(
        SCRIPT + "ミルクのまろやかさと、桜の上品な香りが口いっぱいに広がります。", "9:16"
    )
    result = render_draft(draft, {}, tmp_path)
    keep = Path(os.environ.get("STUDIO_FRAMES_DIR", tmp_path / "frames"))
    keep.mkdir(parents=True, exist_ok=True)
    subs = draft["t"][4]["sg"]
    times = {
        "title": 1.5,
        "caption_2": (subs[1]["s"] + subs[1]["d"] * 0.3) / 1000,
        "caption_3": (subs[2]["s"] + subs[2]["d"] * 0.25) / 1000,
    }
    for label, t in times.items():
        frame = frame_rgb(result.video, t)
        Image.fromarray(frame).save(keep / f"9x16_{label}.png")
        band = frame[int(1920 * 0.62) : int(1920 * 0.86)]
        white = (band.min(axis=2) > 235).mean()
        dark = (band.max(axis=2) < 90).mean()
        assert white > 0.01 and dark > 0.02, (label, white, dark)  # white glyphs on the dark box
    title = frame_rgb(result.video, 1.5)[int(1920 * 0.3) : int(1920 * 0.5)]
    assert (title.min(axis=2) > 235).mean() > 0.01  # the title's white text


def test_uploaded_photo_and_missing_media(tmp_path: Path) -> None:
    photo = tmp_path / "wide.jpg"
    Image.new("RGB", (1600, 900), (230, 40, 40)).save(photo)
    draft = {
        "d": 3000,
        "m": {"aspect": "9:16"},
        "t": [
            {
                "tt": 0,
                "m": {"role": "scene"},
                "sg": [
                    {"s": 0, "d": 1500, "m": {"source": "photo"}},
                    {"s": 1500, "d": 1500, "m": {"source": "gone"}},
                ],
            }
        ],
    }
    result = render_draft(draft, {"photo": photo}, tmp_path / "out")
    frame = frame_rgb(result.video, 0.5).astype(int)
    # Cover-cropped: the photo fills the portrait frame, corners included (no bars).
    for y, x in ((20, 20), (1900, 1060), (960, 540)):
        r, g, b = frame[y, x]
        assert r > 180 and g < 90 and b < 90
    # A media id without a file falls back to a gradient instead of failing.
    later = frame_rgb(result.video, 2.6).astype(int)
    assert later[:, :, 1].mean() > 110  # the pink gradient, not the saturated red photo


def test_empty_draft_is_a_render_error(tmp_path: Path) -> None:
    with pytest.raises(RenderError):
        render_draft({"d": 0, "t": []}, {}, tmp_path)


def test_cli_renders_a_shift_jis_script(tmp_path: Path) -> None:
    src = tmp_path / "台本.txt"
    src.write_bytes(("夏の新作\n" + SCRIPT).encode("cp932"))
    out = tmp_path / "out" / "promo.mp4"
    render_command(src, out, "16:9")
    info = output_info(out)
    assert (info.width, info.height, info.video_codec, info.audio_codec) == (
        1920,
        1080,
        "h264",
        "aac",
    )
    assert out.with_suffix(".jpg").exists()
    assert np.asarray(Image.open(out.with_suffix(".jpg"))).shape == (1080, 1920, 3)


def _spy_plates(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, float]]:
    """(thread name, start time) of every plate render_script draws ahead."""
    calls: list[tuple[str, float]] = []
    real = oneshot.gradient_plate

    def spy(*args: Any) -> Path:
        calls.append((threading.current_thread().name, time.monotonic()))
        return real(*args)

    monkeypatch.setattr(oneshot, "gradient_plate", spy)
    return calls


def test_one_shot_render_draws_the_plates_while_the_storyboard_is_timed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUDIO_ENGINE_CACHE", str(tmp_path / "cache"))
    ahead = _spy_plates(monkeypatch)
    storyboard: list[float] = []
    real_storyboard = oneshot.draft_from_script

    def timed_storyboard(*args: Any, **kw: Any) -> Any:
        storyboard.append(time.monotonic())
        try:
            return real_storyboard(*args, **kw)
        finally:
            storyboard.append(time.monotonic())

    plates_at_render: list[set[str]] = []
    real_render = oneshot.render.render_draft

    def spy_render(draft: Any, media: Any, out_dir: Path, **kw: Any) -> Any:
        plates_at_render.append({p.name for p in (tmp_path / "cache" / "plates").glob("*.jpg")})
        return real_render(draft, media, out_dir, **kw)

    monkeypatch.setattr(oneshot, "draft_from_script", timed_storyboard)
    monkeypatch.setattr(oneshot.render, "render_draft", spy_render)
    script = "駅前のパン屋です。毎朝焼きたてです。週末はセールです。ぜひどうぞ。"
    result = oneshot.render_script(script, tmp_path / "out", "1:1")
    scenes = len(real_storyboard(script, "1:1")["t"][0]["sg"])
    # Drawn on their own thread, starting before the narration timing was done...
    assert len(ahead) == 4 and {name for name, _ in ahead} == {"plates-ahead_0"}
    assert ahead[0][1] < storyboard[1]
    # ...and every plate the render needs was in the cache when it started.
    assert len(plates_at_render[0]) >= scenes >= 2
    assert {p.name for p in (tmp_path / "cache" / "plates").glob("*.jpg")} == plates_at_render[0]
    info = output_info(result.video)
    assert (info.width, info.height, info.video_codec) == (1080, 1080, "h264")


def test_one_shot_render_of_a_script_with_nothing_to_say(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as err:
        oneshot.render_script("。。。！？", tmp_path)
    assert err.value.code == 4001


def test_cli_renders_an_srt_on_its_cue_timings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "字幕.srt"
    src.write_text(
        "1\n00:00:00,000 --> 00:00:03,000\n春の新作が登場です。\n\n"
        "2\n00:00:03,000 --> 00:00:06,500\nぜひお店でどうぞ。\n",
        encoding="utf-8",
    )
    out = tmp_path / "srt.mp4"
    ahead = _spy_plates(monkeypatch)
    render_command(src, out, "1:1")
    info = output_info(out)
    assert (info.width, info.height, info.audio_codec) == (1080, 1080, "aac")
    assert 6.4 <= info.duration_s <= 7.2  # the last cue ends at 6.5 s
    # Cue timings need no narration to time them: the render draws the plates beside it.
    assert ahead == []


def test_studio_storyboards_with_the_plates_the_export_will_need(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studio.bridge import storyboard

    monkeypatch.setenv("STUDIO_ENGINE_CACHE", str(tmp_path / "cache"))
    ahead = _spy_plates(monkeypatch)
    draft = storyboard("新メニューです。毎日焼きたて。ぜひどうぞ。", "16:9", [])
    assert draft["m"]["aspect"] == "16:9" and len(draft["t"][0]["sg"]) >= 1
    assert len(ahead) == 3 and {name for name, _ in ahead} == {"plates-ahead_0"}
    assert len(list((tmp_path / "cache" / "plates").glob("*.jpg"))) == 3
