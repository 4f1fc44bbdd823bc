"""Every draft field changes the rendered output (checked on the files, not on the plan).

Drafts are short (4 s) at 1080x1080 to keep the suite quick; sizes per aspect are
checked in test_render_output.py.
"""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from studio.engine import RenderResult, render_draft
from studio.engine.mediacheck import (
    audio_rms_db,
    audio_samples,
    frame_rgb,
    ink_rows,
    output_info,
)

pytestmark = pytest.mark.slow

CAPTION_BAND = (int(1080 * 0.55), int(1080 * 0.93))  # rows where 1:1 captions sit
TITLE_BAND = (int(1080 * 0.2), int(1080 * 0.65))


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDIO_ENGINE_CACHE", str(tmp_path_factory.getbasetemp() / "engine-cache"))


def lavfi(out: Path, source: str, codec: str) -> None:
    """A generated clip or tone (ffmpeg's lavfi sources)."""
    args = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", source, "-c", codec, str(out)]
    subprocess.run(args, check=True)


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("media")
    red, blue = folder / "red.png", folder / "blue.jpg"
    Image.new("RGB", (800, 600), (220, 30, 30)).save(red)
    Image.new("RGB", (600, 800), (30, 40, 220)).save(blue)
    # Random blocks (not periodic) make any movement of the picture measurable.
    blocks = np.random.default_rng(1).integers(20, 235, (30, 30), dtype=np.uint8)
    board = np.kron(blocks, np.ones((30, 30), np.uint8))
    checker = folder / "checker.png"
    Image.fromarray(np.stack([board] * 3, axis=2)).save(checker)
    clip, tone = folder / "clip.mp4", folder / "tone.m4a"
    lavfi(clip, "testsrc2=s=640x360:r=30:d=2", "libx264")
    lavfi(tone, "sine=f=440:d=4", "aac")
    return {"red": red, "blue": blue, "checker": checker, "clip": clip, "tone": tone}


def base(**meta: Any) -> dict[str, Any]:
    """Two scenes (red photo, blue photo), narration, music, title and a subtitle."""
    return {
        "d": 4000,
        "m": {
            "name": "テスト",
            "aspect": "1:1",
            "theme": "ocean",
            "subtitles": {"on": True, "size": "m"},
            "narration": {"on": True, "speed": 1.0},
            **meta,
        },
        "t": [
            {
                "id": "trk_video",
                "tt": 0,
                "m": {"role": "scene"},
                "sg": [
                    {
                        "id": "s1",
                        "s": 0,
                        "d": 2000,
                        "m": {"text": "赤", "source": "red", "motion": "zoom_in"},
                    },
                    {
                        "id": "s2",
                        "s": 2000,
                        "d": 2000,
                        "m": {"text": "青", "source": "blue", "motion": "zoom_out"},
                    },
                ],
            },
            {
                "id": "trk_narration",
                "tt": 1,
                "m": {"role": "narration"},
                "sg": [
                    {
                        "id": "n1",
                        "s": 300,
                        "d": 2500,
                        "m": {"text": "春の新作ができました。", "voice": "mei"},
                    }
                ],
            },
            {
                "id": "trk_bgm",
                "tt": 1,
                "m": {"role": "bgm"},
                "sg": [{"id": "b1", "s": 0, "d": 4000, "m": {"mood": "upbeat", "volume": 35}}],
            },
            {
                "id": "trk_title",
                "tt": 7,
                "m": {"role": "title"},
                "sg": [{"id": "t1", "s": 0, "d": 1500, "m": {"text": "春の新作"}}],
            },
            {
                "id": "trk_subtitle",
                "tt": 7,
                "m": {"role": "subtitle"},
                "sg": [{"id": "c1", "s": 1600, "d": 2200, "m": {"text": "春の新作ができました。"}}],
            },
        ],
    }


def track(draft: dict[str, Any], role: str) -> dict[str, Any]:
    return next(t for t in draft["t"] if t["m"]["role"] == role)


def render(draft: dict[str, Any], media: dict[str, Path], out: Path) -> RenderResult:
    return render_draft(draft, media, out)


def test_subtitles_on_off(tmp_path: Path, media: dict[str, Path]) -> None:
    on = render(base(), media, tmp_path)
    off = render(base(subtitles={"on": False, "size": "m"}), media, tmp_path)
    f_on, f_off = frame_rgb(on.video, 2.8), frame_rgb(off.video, 2.8)
    assert ink_rows(f_on, CAPTION_BAND) > 30
    assert ink_rows(f_off, CAPTION_BAND) == 0


def test_subtitle_size(tmp_path: Path, media: dict[str, Path]) -> None:
    heights = {}
    for size in ("s", "l"):
        d = base(subtitles={"on": True, "size": size})
        heights[size] = ink_rows(frame_rgb(render(d, media, tmp_path).video, 2.8), CAPTION_BAND)
    assert heights["l"] > heights["s"] * 1.3, heights
    # A segment's own size wins over the draft default.
    d = base(subtitles={"on": True, "size": "s"})
    track(d, "subtitle")["sg"][0]["m"]["size"] = "l"
    assert ink_rows(frame_rgb(render(d, media, tmp_path).video, 2.8), CAPTION_BAND) == heights["l"]


def test_narration_on_off(tmp_path: Path, media: dict[str, Path]) -> None:
    quiet_music = base()
    track(quiet_music, "bgm")["sg"][0]["m"]["volume"] = 0
    on = render(quiet_music, media, tmp_path)
    off = render(
        {**quiet_music, "m": {**quiet_music["m"], "narration": {"on": False}}}, media, tmp_path
    )
    assert audio_rms_db(on.video, 0.4, 2.0) > -30
    assert audio_rms_db(off.video, 0.4, 2.0) < -70


def speech_end_s(video: Path) -> float:
    samples = audio_samples(video)
    loud = np.flatnonzero(np.abs(samples) > 0.02)
    return float(loud[-1]) / 48000 if loud.size else 0.0


def test_narration_speed(tmp_path: Path, media: dict[str, Path]) -> None:
    ends = {}
    for speed in (0.7, 1.6):
        d = base(narration={"on": True, "speed": speed})
        track(d, "bgm")["sg"][0]["m"]["volume"] = 0
        del track(d, "narration")["sg"][0]["m"]  # segment without its own speed
        track(d, "narration")["sg"][0]["m"] = {"text": "春の新作ができました。ぜひお試しください。"}
        out = render(d, media, tmp_path)
        ends[speed] = speech_end_s(out.video)
        # Slow speech is never cut off: the video grows to hold it.
        assert output_info(out.video).duration_s > ends[speed]
    assert ends[0.7] > ends[1.6] + 1.5, ends


def music_only(draft: dict[str, Any]) -> dict[str, Any]:
    d = copy.deepcopy(draft)
    d["m"]["narration"] = {"on": False}
    return d


def test_bgm_mood(tmp_path: Path, media: dict[str, Path]) -> None:
    spectra = {}
    for mood in ("upbeat", "calm", "lofi"):
        d = music_only(base())
        track(d, "bgm")["sg"][0]["m"]["mood"] = mood
        x = audio_samples(render(d, media, tmp_path).video, 0.5, 3.0)
        assert 20 * np.log10(np.sqrt(np.mean(x**2))) > -40  # never silence
        spec = np.abs(np.fft.rfft(x))
        spectra[mood] = spec / np.linalg.norm(spec)
    for a, b in (("upbeat", "calm"), ("upbeat", "lofi"), ("calm", "lofi")):
        assert float(spectra[a] @ spectra[b]) < 0.8, (a, b)


def test_bgm_volume(tmp_path: Path, media: dict[str, Path]) -> None:
    levels = {}
    for volume in (20, 80):
        d = music_only(base())
        track(d, "bgm")["sg"][0]["m"]["volume"] = volume
        levels[volume] = audio_rms_db(render(d, media, tmp_path).video, 0.5, 3.0)
    assert 10 < levels[80] - levels[20] < 14, levels  # 4x the gain: +12 dB


def test_title_text(tmp_path: Path, media: dict[str, Path]) -> None:
    short = render(base(), media, tmp_path)
    d = base()
    track(d, "title")["sg"][0]["m"]["text"] = "夏の大感謝セール、ついに開催決定！"
    long = render(d, media, tmp_path)
    a, b = frame_rgb(short.video, 0.75), frame_rgb(long.video, 0.75)
    assert ink_rows(b, TITLE_BAND) > ink_rows(a, TITLE_BAND) * 1.5  # two lines instead of one
    assert ink_rows(frame_rgb(short.video, 2.8), TITLE_BAND) == 0  # gone after its 1.5 s


def mean_rgb(video: Path, t: float) -> npt.NDArray[np.float64]:
    return np.asarray(frame_rgb(video, t).reshape(-1, 3).mean(axis=0), np.float64)


def test_scene_order(tmp_path: Path, media: dict[str, Path]) -> None:
    d = base(subtitles={"on": False})
    track(d, "title")["sg"].clear()
    first = render(d, media, tmp_path)
    scenes = track(d, "scene")["sg"]
    scenes[0]["s"], scenes[1]["s"] = 2000, 0
    swapped = render(d, media, tmp_path)
    r1, r2 = mean_rgb(first.video, 1.0), mean_rgb(swapped.video, 1.0)
    assert r1[0] > 150 > r1[2]  # red first
    assert r2[2] > 150 > r2[0]  # blue first after the swap


def test_scene_durations_and_total(tmp_path: Path, media: dict[str, Path]) -> None:
    d = base()
    scenes = track(d, "scene")["sg"]
    scenes[0]["d"], scenes[1]["s"], scenes[1]["d"] = 1000, 1000, 4000
    d["d"] = 5000
    out = render(d, media, tmp_path)
    assert abs(output_info(out.video).duration_s - 5.0) < 0.1
    assert mean_rgb(out.video, 1.6)[2] > 150  # blue already at 1.6 s


def test_theme_colours_gradients(tmp_path: Path, media: dict[str, Path]) -> None:
    colours = {}
    for theme in ("ocean", "sakura", "forest"):
        d = base(theme=theme)
        for seg in track(d, "scene")["sg"]:
            seg["m"]["source"] = None
        colours[theme] = mean_rgb(render(d, media, tmp_path).video, 2.6)
    assert colours["ocean"][2] > colours["ocean"][0] + 30
    assert colours["sakura"][0] > colours["sakura"][2]
    assert colours["forest"][1] > colours["forest"][2]


def test_motion_moves_every_scene(tmp_path: Path, media: dict[str, Path]) -> None:
    d = base(subtitles={"on": False})
    track(d, "title")["sg"].clear()
    frames = {}
    for motion in ("zoom_in", "zoom_out", "pan_left", "pan_right"):
        for seg in track(d, "scene")["sg"]:
            seg["m"].update(source="checker", motion=motion)
        video = render(d, media, tmp_path).video
        a, b = frame_rgb(video, 0.2).astype(int), frame_rgb(video, 1.6).astype(int)
        assert np.abs(a - b).mean() > 10, motion  # the picture moved
        frames[motion] = b
    assert np.abs(frames["pan_left"] - frames["pan_right"]).mean() > 10
    assert np.abs(frames["zoom_in"] - frames["zoom_out"]).mean() > 10


def test_clip_background(tmp_path: Path, media: dict[str, Path]) -> None:
    d = base(subtitles={"on": False})
    track(d, "title")["sg"].clear()
    track(d, "scene")["sg"][0]["m"]["source"] = "clip"
    out = render(d, media, tmp_path)
    a, b = frame_rgb(out.video, 0.2).astype(int), frame_rgb(out.video, 1.2).astype(int)
    assert np.abs(a - b).mean() > 5  # the clip plays
    assert a.std() > 40  # testsrc2's colour bars, not a flat photo


def test_uploaded_audio_track(tmp_path: Path, media: dict[str, Path]) -> None:
    d = music_only(base())
    track(d, "bgm")["sg"][0]["m"]["volume"] = 0
    d["t"].append(
        {
            "id": "trk_audio",
            "tt": 1,
            "m": {"role": "audio"},
            "sg": [{"id": "a1", "s": 1000, "d": 2000, "m": {"source": "tone", "volume": 50}}],
        }
    )
    out = render(d, media, tmp_path)
    assert audio_rms_db(out.video, 0.1, 0.9) < -70
    x = audio_samples(out.video, 1.5, 2.5)
    peak = np.argmax(np.abs(np.fft.rfft(x))) * 48000 / len(x)
    assert abs(peak - 440) < 5
    assert audio_rms_db(out.video, 3.3, 3.9) < -70
