"""Stand-ins for the render engine, for tests: a narration clock and a storyboard.

The draft they build has the engine's shape (docs/design.md): per-sentence narration and
subtitle lines, scenes of one or two sentences, BGM, a 0–3 s title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from studio.agent import Tools

__all__ = ["SCRIPT", "TOOLS", "make_draft", "measure", "sentences", "storyboard"]

LEAD, GAP, TAIL = 300, 250, 450


def measure(text: str, speed: float = 1.0) -> int:
    """100 ms per character at speed 1.0."""
    return int(len(text) * 100 / speed)


def sentences(script: str) -> list[str]:
    return [s for s in re.findall(r"[^。！？!?\n]+[。！？!?]?", script) if s.strip()]


def make_draft(scenes: Sequence[Sequence[str]], aspect: str = "9:16") -> dict[str, Any]:
    """A draft whose scene ``i`` narrates the sentences ``scenes[i]``."""
    scene_segs: list[dict[str, Any]] = []
    narr: list[dict[str, Any]] = []
    subs: list[dict[str, Any]] = []
    start = 0
    for n, lines in enumerate(scenes, start=1):
        at = start + LEAD
        for line in lines:
            d = measure(line)
            k = len(narr) + 1
            narr.append({"id": f"seg_narr_{k}", "s": at, "d": d,
                         "m": {"text": line, "voice": "mei", "speed": 1.0}})  # fmt: skip
            subs.append({"id": f"seg_sub_{k}", "s": at, "d": d, "m": {"text": line, "size": "m"}})
            at += d + GAP
        end = at - GAP + TAIL
        scene_segs.append({"id": f"seg_scene_{n}", "s": start, "d": end - start,
                           "m": {"name": lines[0][:6], "text": "".join(lines), "source": None,
                                 "motion": "zoom_in"}})  # fmt: skip
        start = end
    total = start
    return {
        "d": total,
        "m": {"name": "テスト", "aspect": aspect, "theme": "sakura",
              "target_s": round(total / 1000), "subtitles": {"on": True, "size": "m"},
              "narration": {"on": True, "speed": 1.0}},
        "t": [
            {"id": "trk_video", "tt": 0, "m": {"name": "映像", "role": "scene"}, "sg": scene_segs},
            {"id": "trk_narration", "tt": 1, "m": {"name": "ナレーション", "role": "narration"},
             "sg": narr},
            {"id": "trk_bgm", "tt": 1, "m": {"name": "BGM", "role": "bgm"},
             "sg": [{"id": "seg_bgm_1", "s": 0, "d": total,
                     "m": {"name": "明るいポップス", "mood": "upbeat", "volume": 35}}]},
            {"id": "trk_title", "tt": 7, "m": {"name": "タイトル", "role": "title"},
             "sg": [{"id": "seg_title_1", "s": 0, "d": 3000, "m": {"text": "さくらカフェラテ"}}]},
            {"id": "trk_subtitle", "tt": 7, "m": {"name": "字幕", "role": "subtitle"}, "sg": subs},
        ],
    }  # fmt: skip


def storyboard(script: str, aspect: str, cues: Sequence[tuple[int, int, str]]) -> dict[str, Any]:
    """Two sentences per scene, like the engine's storyboard for short sentences."""
    lines = [c[2] for c in cues] if cues else sentences(script)
    return make_draft([lines[i : i + 2] for i in range(0, len(lines), 2)], aspect)


TOOLS = Tools(storyboard=storyboard, measure=measure)

SCRIPT = (
    "さくらカフェラテ、新登場。春限定の桜フレーバーです。"
    "ほんのり甘く、やさしい香り。駅前店で毎朝7時から。"
    "テイクアウトもできます。ぜひお試しください。"
)
