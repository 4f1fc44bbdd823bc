"""Each chat edit, end to end: the user's Japanese words → the draft → the rendered MP4.

One storyboard (the engine's own, real narration timing) is rendered once; every case
parses an instruction as studio does, applies it, checks what changed in the draft, renders
the new draft, and measures the difference on the files (frames, audio, size, duration).
Renders are short (about 7 s) and square to keep the suite quick.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from studio.drafts import find_track, segments
from studio.edits import EditContext, MediaRef, apply_edits
from studio.engine import RenderResult, narration_ms, render_draft
from studio.engine.mediacheck import audio_rms_db, audio_samples, frame_rgb, ink_rows, output_info
from studio.engine.storyboard import draft_from_script
from studio.intents import parse_edits

pytestmark = pytest.mark.slow

SCRIPT = "春の新作ができました。桜の香りのラテです。駅前店でお待ちしています。"
SIDE = 1080
CAPTION_BAND = (int(SIDE * 0.55), int(SIDE * 0.93))
PHOTO = MediaRef(id="photo_red", name="店内.jpg", kind="image")

Draft = dict[str, Any]


@dataclass
class Rendered:
    draft: Draft
    result: RenderResult

    @property
    def video(self) -> Path:
        return self.result.video

    def frame(self, at_s: float) -> np.ndarray:
        return frame_rgb(self.video, at_s)

    def rms(self, start: float, end: float) -> float:
        return audio_rms_db(self.video, start, end)

    def duration(self) -> float:
        return output_info(self.video).duration_s


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    photo = tmp_path_factory.mktemp("uploads") / "red.jpg"
    Image.new("RGB", (1200, 900), (215, 25, 25)).save(photo)
    return {PHOTO.id: photo}


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("chat-edit-renders")


@pytest.fixture(scope="module")
def before(out_dir: Path, media: dict[str, Path]) -> Rendered:
    draft = draft_from_script(SCRIPT, "1:1")
    assert len(segments(find_track(draft, "scene"))) == 2
    return Rendered(draft, render_draft(draft, media, out_dir))


def edited(message: str, base: Rendered, out_dir: Path, media: dict[str, Path]) -> Rendered:
    """The draft after ``message`` (every edit it asks for must succeed), rendered."""
    edits = parse_edits(message)
    assert edits, f"{message!r} was not understood as an edit"
    draft, changes = apply_edits(base.draft, edits, EditContext(narration_ms, (PHOTO,)))
    assert all(c.ok for c in changes), changes
    assert draft != base.draft
    return Rendered(draft, render_draft(draft, media, out_dir))


def seg_meta(draft: Draft, role: str) -> list[dict[str, Any]]:
    return [s["m"] for s in segments(find_track(draft, role))]


def diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def blueness(frame: np.ndarray) -> float:
    return float(frame[..., 2].mean() - frame[..., 0].mean())


# -- each case: (message, what the draft must show, what the output must show) ------------

Check = Callable[[Rendered, Rendered], None]


def title_draft(b: Rendered, a: Rendered) -> None:
    assert seg_meta(a.draft, "title")[0]["text"] == "夏のごほうび"


def title_output(b: Rendered, a: Rendered) -> None:
    assert diff(b.frame(1.5), a.frame(1.5)) > 0.5  # the title, on screen 0–3 s, changed
    assert a.frame(1.5).shape == b.frame(1.5).shape


def calm_draft(b: Rendered, a: Rendered) -> None:
    assert seg_meta(b.draft, "bgm")[0]["mood"] == "upbeat"
    assert seg_meta(a.draft, "bgm")[0]["mood"] == "calm"


def calm_output(b: Rendered, a: Rendered) -> None:
    # Music only before the narration starts (0.3 s): another piece, not the same one.
    x, y = audio_samples(b.video, 0.05, 0.28), audio_samples(a.video, 0.05, 0.28)
    n = min(x.size, y.size)
    assert n > 5000 and float(np.abs(x[:n] - y[:n]).mean()) > 1e-3
    assert a.rms(0.05, 0.28) > -45  # still music, not silence


def louder_draft(b: Rendered, a: Rendered) -> None:
    assert seg_meta(a.draft, "bgm")[0]["volume"] == seg_meta(b.draft, "bgm")[0]["volume"] + 15


def louder_output(b: Rendered, a: Rendered) -> None:
    gain = 20 * math.log10(50 / 35)  # 35 % → 50 %
    assert abs(a.rms(0.05, 0.28) - b.rms(0.05, 0.28) - gain) < 1.0


def no_bgm_draft(b: Rendered, a: Rendered) -> None:
    assert seg_meta(a.draft, "bgm") == []


def no_bgm_output(b: Rendered, a: Rendered) -> None:
    assert b.rms(0.05, 0.28) > -45
    assert a.rms(0.05, 0.28) < -60  # nothing before the voice
    assert a.rms(0.5, 2.0) > -40  # the narration is still there


def wide_draft(b: Rendered, a: Rendered) -> None:
    assert a.draft["m"]["aspect"] == "16:9"


def wide_output(b: Rendered, a: Rendered) -> None:
    info = output_info(a.video)
    assert (info.width, info.height) == (1920, 1080)


def length_draft(b: Rendered, a: Rendered) -> None:
    assert a.draft["m"]["target_s"] == 12 and a.draft["d"] > b.draft["d"] + 3000


def length_output(b: Rendered, a: Rendered) -> None:
    assert abs(a.duration() - a.draft["d"] / 1000) < 0.15
    assert a.duration() > b.duration() + 3


def no_subs_draft(b: Rendered, a: Rendered) -> None:
    assert a.draft["m"]["subtitles"]["on"] is False


def no_subs_output(b: Rendered, a: Rendered) -> None:
    assert ink_rows(b.frame(3.2), CAPTION_BAND) > 30
    assert ink_rows(a.frame(3.2), CAPTION_BAND) == 0


def big_subs_draft(b: Rendered, a: Rendered) -> None:
    assert a.draft["m"]["subtitles"]["size"] == "l"


def big_subs_output(b: Rendered, a: Rendered) -> None:
    assert ink_rows(a.frame(3.2), CAPTION_BAND) > ink_rows(b.frame(3.2), CAPTION_BAND) * 1.15


def blue_draft(b: Rendered, a: Rendered) -> None:
    assert (b.draft["m"]["theme"], a.draft["m"]["theme"]) == ("sakura", "ocean")


def blue_output(b: Rendered, a: Rendered) -> None:
    assert blueness(a.frame(3.5)) > blueness(b.frame(3.5)) + 20


def no_voice_draft(b: Rendered, a: Rendered) -> None:
    assert a.draft["m"]["narration"]["on"] is False
    assert seg_meta(a.draft, "narration") == []


def no_voice_output(b: Rendered, a: Rendered) -> None:
    assert a.rms(0.5, 2.0) < b.rms(0.5, 2.0) - 3
    assert a.rms(0.5, 2.0) > -45  # the music plays on


def slower_draft(b: Rendered, a: Rendered) -> None:
    assert a.draft["m"]["narration"]["speed"] == 0.75
    assert {m["speed"] for m in seg_meta(a.draft, "narration")} == {0.75}


def slower_output(b: Rendered, a: Rendered) -> None:
    assert a.duration() > b.duration() * 1.15  # scenes follow the slower voice


def remove_draft(b: Rendered, a: Rendered) -> None:
    before, after = seg_meta(b.draft, "scene"), seg_meta(a.draft, "scene")
    assert [m["text"] for m in after] == [before[0]["text"]]


def remove_output(b: Rendered, a: Rendered) -> None:
    assert a.duration() < b.duration() - 1.5


def swap_draft(b: Rendered, a: Rendered) -> None:
    before, after = seg_meta(b.draft, "scene"), seg_meta(a.draft, "scene")
    assert [m["text"] for m in after] == [before[1]["text"], before[0]["text"]]
    assert seg_meta(a.draft, "narration")[0]["text"] == "駅前店でお待ちしています。"


def swap_output(b: Rendered, a: Rendered) -> None:
    # The first caption is now the last sentence: another line of text at the same time.
    assert diff(b.frame(1.0)[CAPTION_BAND[0] :], a.frame(1.0)[CAPTION_BAND[0] :]) > 0.5


def photo_draft(b: Rendered, a: Rendered) -> None:
    assert {m["source"] for m in seg_meta(a.draft, "scene")} == {PHOTO.id}


def photo_output(b: Rendered, a: Rendered) -> None:
    centre = a.frame(3.5)[SIDE // 2 - 100 : SIDE // 2 + 100, SIDE // 2 - 100 : SIDE // 2 + 100]
    r, g, bl = (float(centre[..., i].mean()) for i in range(3))
    assert r > 120 and r > g + 60 and r > bl + 60, (r, g, bl)


CASES: list[tuple[str, Check, Check]] = [
    ("タイトルを「夏のごほうび」にして", title_draft, title_output),
    ("BGMをもっと落ち着いた曲にして", calm_draft, calm_output),
    ("BGMの音量を大きくして", louder_draft, louder_output),
    ("BGMを消して", no_bgm_draft, no_bgm_output),
    ("横長にして", wide_draft, wide_output),
    ("動画の長さを12秒に", length_draft, length_output),
    ("字幕を消して", no_subs_draft, no_subs_output),
    ("字幕を大きく", big_subs_draft, big_subs_output),
    ("色を青に", blue_draft, blue_output),
    ("ナレーションなしで", no_voice_draft, no_voice_output),
    ("ナレーションをゆっくりに", slower_draft, slower_output),
    ("2番目のシーンを消して", remove_draft, remove_output),
    ("シーン1とシーン2を入れ替えて", swap_draft, swap_output),
    ("アップロードした写真を背景に使って", photo_draft, photo_output),
]


@pytest.mark.parametrize(("message", "in_draft", "in_output"), CASES, ids=[c[0] for c in CASES])
def test_chat_edit_changes_draft_and_video(
    message: str,
    in_draft: Check,
    in_output: Check,
    before: Rendered,
    out_dir: Path,
    media: dict[str, Path],
) -> None:
    after = edited(message, before, out_dir, media)
    in_draft(before, after)
    in_output(before, after)
