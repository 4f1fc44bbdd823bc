"""draft_from_script: a script (and optional SRT cues) → a draft per docs/design.md."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .models import Cue
from .music import mood_for
from .script import guess_theme, guess_title, sentences
from .timeline import MOTIONS, normalise_aspect
from .tts import clamp_speed, narration_ms

__all__ = ["TITLE_MS", "draft_from_script", "group_sentences"]

TITLE_MS = 3000
#: Narration starts a moment after the picture, so the first word is not clipped.
LEAD_IN_MS = 300
#: Breath between sentences, and room at the end of each scene.
GAP_MS = 250
TAIL_MS = 450
MIN_SCENE_MS = 2500
#: A scene holds one sentence, or two short ones (up to about this long).
PAIR_MAX_MS = 5200

Durations = Callable[[str, float], int]


def group_sentences(durations: Sequence[int], pair_max_ms: int = PAIR_MAX_MS) -> list[list[int]]:
    """Indices of sentences per scene: pairs when both together stay short, else singles."""
    groups: list[list[int]] = []
    i = 0
    while i < len(durations):
        if i + 1 < len(durations) and durations[i] + durations[i + 1] + GAP_MS <= pair_max_ms:
            groups.append([i, i + 1])
            i += 2
        else:
            groups.append([i])
            i += 1
    return groups


Line = tuple[int, int, str]


def _place(
    said: Sequence[tuple[str, int]], groups: Sequence[Sequence[int]]
) -> tuple[list[Line], list[tuple[int, int]]]:
    """Sentence timings and scene spans: a breath between sentences, half of it on each
    side of a scene cut, and no scene shorter than MIN_SCENE_MS (a pause is added)."""
    lines: list[Line] = []
    bounds: list[tuple[int, int]] = []
    start = 0
    for k, group in enumerate(groups):
        cursor = start + (LEAD_IN_MS if k == 0 else GAP_MS // 2)
        for i in group:
            text, ms = said[i]
            lines.append((cursor, cursor + ms, text))
            cursor += ms + GAP_MS
        spoken_end = cursor - GAP_MS
        end = spoken_end + (TAIL_MS if k == len(groups) - 1 else GAP_MS // 2)
        end = max(end, start + MIN_SCENE_MS)
        bounds.append((start, end))
        start = end
    return lines, bounds


def _cue_scenes(lines: Sequence[Line], groups: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
    """Scene spans for SRT cues: each scene runs up to the next scene's first cue."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for k, group in enumerate(groups):
        end = lines[groups[k + 1][0]][0] if k + 1 < len(groups) else lines[group[-1]][1] + TAIL_MS
        end = max(end, start + 1)
        bounds.append((start, end))
        start = end
    return bounds


def _label(text: str, n: int) -> str:
    core = text.strip("「」『』。、！？!? ")
    return core[:12] + ("…" if len(core) > 12 else "") if core else f"シーン{n}"


def _track(ident: str, tt: int, name: str, role: str, segs: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": ident, "tt": tt, "m": {"name": name, "role": role}, "sg": segs}


def draft_from_script(
    text: str,
    aspect: str = "9:16",
    cues: Sequence[Cue] = (),
    *,
    speed: float = 1.0,
    mood: str = "upbeat",
    theme: str | None = None,
    bgm_volume: int = 35,
    subtitle_size: str = "m",
    title: str | None = None,
    durations: Durations = narration_ms,
) -> dict[str, Any]:
    """A complete draft for ``text``: title, scenes of one or two sentences timed by their
    narration, narration and subtitle segments per sentence, music, and a 0–3 s title.

    With SRT ``cues`` the cue timings drive narration and subtitles instead.
    ``durations`` (text, speed) → ms is ``narration_ms`` unless a test supplies another.
    """
    speed = clamp_speed(speed)
    guessed, body = guess_title(text)
    name = (title or guessed or "プロモーション動画").strip()
    aspect = normalise_aspect(aspect)
    if cues:
        lines = [(c.start_ms, c.end_ms, c.text) for c in cues if c.text.strip()]
        groups = group_sentences([e - s for s, e, _ in lines])
        bounds = _cue_scenes(lines, groups)
    else:
        said = [(t, durations(t, speed)) for t in sentences(body) or sentences(text)]
        said = [(t, ms) for t, ms in said if ms > 0]
        groups = group_sentences([ms for _, ms in said])
        lines, bounds = _place(said, groups)
    if not lines:
        return {"d": 0, "m": {"name": name, "aspect": aspect}, "t": []}

    scenes: list[dict[str, Any]] = []
    for n, (group, (start, end)) in enumerate(zip(groups, bounds, strict=True), start=1):
        scenes.append(
            {
                "id": f"seg_scene_{n}",
                "s": start,
                "d": end - start,
                "m": {
                    "name": _label(lines[group[0]][2], n),
                    "text": "".join(lines[i][2] for i in group),
                    "source": None,
                    "motion": MOTIONS[(n - 1) % len(MOTIONS)],
                },
            }
        )
    total = bounds[-1][1]
    if total < TITLE_MS + 1000:
        total = TITLE_MS + 1000
        scenes[-1]["d"] = total - scenes[-1]["s"]

    narration = [
        {
            "id": f"seg_narr_{i}",
            "s": s,
            "d": e - s,
            "m": {"text": t, "voice": "mei", "speed": speed},
        }
        for i, (s, e, t) in enumerate(lines, start=1)
    ]
    subtitles = [
        {"id": f"seg_sub_{i}", "s": s, "d": e - s, "m": {"text": t, "size": subtitle_size}}
        for i, (s, e, t) in enumerate(lines, start=1)
    ]
    chosen = mood_for(mood)
    bgm = [
        {
            "id": "seg_bgm_1",
            "s": 0,
            "d": total,
            "m": {"name": chosen.label, "mood": chosen.name, "volume": bgm_volume},
        }
    ]
    titles = [{"id": "seg_title_1", "s": 0, "d": min(TITLE_MS, total), "m": {"text": name}}]
    return {
        "d": total,
        "m": {
            "name": name,
            "aspect": aspect,
            "theme": theme or guess_theme(text),
            "target_s": round(total / 1000),
            "subtitles": {"on": True, "size": subtitle_size},
            "narration": {"on": True, "speed": speed},
        },
        "t": [
            _track("trk_video", 0, "映像", "scene", scenes),
            _track("trk_narration", 1, "ナレーション", "narration", narration),
            _track("trk_bgm", 1, "BGM", "bgm", bgm),
            _track("trk_title", 7, "タイトル", "title", titles),
            _track("trk_subtitle", 7, "字幕", "subtitle", subtitles),
        ],
    }
