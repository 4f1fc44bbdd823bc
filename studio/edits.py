"""Draft edits the agent can make, as pure functions over the draft.

Each edit is a small frozen dataclass; :func:`apply_edits` applies a list of them to a
copy of the draft and says what changed (or why not) in :class:`Change` records, from
which the agent words its reply. Timing follows narration: edits that change the scenes
(remove, reorder, target length, voice speed, narration on) lay the scenes end to end
again and carry every narration and subtitle segment along with the scene it belongs to.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from studio.drafts import (
    ASPECTS,
    BGM_MOODS,
    Draft,
    find_track,
    meta,
    scene_segments,
    seg_duration,
    seg_start,
    segments,
    sort_tracks,
    track_role,
    tracks,
)

__all__ = [
    "BGM_CYCLE",
    "THEMES",
    "Change",
    "Edit",
    "EditContext",
    "Measure",
    "MediaRef",
    "MoveScene",
    "RemoveBgm",
    "RemoveScene",
    "SetAspect",
    "SetBgm",
    "SetLength",
    "SetNarration",
    "SetSpeed",
    "SetSubtitleSize",
    "SetSubtitles",
    "SetTheme",
    "SetTitle",
    "SetVolume",
    "SwapScenes",
    "UseMedia",
    "apply_edits",
    "edit_args",
    "fit_durations",
]

#: ``measure(text, speed)``: how long the narration of ``text`` lasts, in ms.
Measure = Callable[[str, float], int]

# Timing as the engine's storyboard lays it out (studio/engine/storyboard.py): narration
# starts LEAD after its scene, lines are LINE_GAP apart, a scene ends TAIL after its voice.
MIN_SCENE_MS = 2500
NARRATION_LEAD_MS = 300
LINE_GAP_MS = 250
NARRATION_TAIL_MS = 450
SPEED_MIN, SPEED_MAX = 0.5, 2.0
SPEED_STEP = 0.25
LENGTH_MIN_S, LENGTH_MAX_S = 5, 180
VOLUME_STEP = 15
DEFAULT_BGM_VOLUME = 35
DEFAULT_TITLE_MS = 3000
#: "BGMを変える" without a mood moves to the next one.
BGM_CYCLE = ("upbeat", "calm", "corporate", "lofi")

#: Colour themes: id → Japanese display name.
THEMES: dict[str, str] = {
    "sakura": "さくら",
    "ocean": "オーシャン",
    "forest": "フォレスト",
    "sunset": "サンセット",
    "mono": "モノクロ",
    "night": "ナイト",
    "cafe": "カフェ",
    "fresh": "フレッシュ",
    "pop": "ポップ",
    "corporate": "コーポレート",
}


# -- the edits ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SetTitle:
    op: ClassVar[str] = "set_title"
    text: str


@dataclass(frozen=True)
class SetBgm:
    """Add BGM or change its mood (``None``: the next mood, or upbeat when there is none)."""

    op: ClassVar[str] = "set_bgm"
    mood: str | None = None


@dataclass(frozen=True)
class RemoveBgm:
    op: ClassVar[str] = "remove_bgm"


@dataclass(frozen=True)
class SetVolume:
    """BGM volume: ``percent`` outright, else ``delta`` points up or down."""

    op: ClassVar[str] = "set_volume"
    percent: int | None = None
    delta: int = 0


@dataclass(frozen=True)
class SetAspect:
    op: ClassVar[str] = "set_aspect"
    aspect: str


@dataclass(frozen=True)
class SetLength:
    """Target length: ``seconds`` outright, else ``factor`` times the current length, else
    the current length plus ``delta`` seconds."""

    op: ClassVar[str] = "set_length"
    seconds: int | None = None
    factor: float | None = None
    delta: int = 0


@dataclass(frozen=True)
class SetSubtitles:
    op: ClassVar[str] = "set_subtitles"
    on: bool


@dataclass(frozen=True)
class SetSubtitleSize:
    op: ClassVar[str] = "set_subtitle_size"
    size: str  # s | m | l


@dataclass(frozen=True)
class SetTheme:
    op: ClassVar[str] = "set_theme"
    theme: str


@dataclass(frozen=True)
class SetNarration:
    op: ClassVar[str] = "set_narration"
    on: bool


@dataclass(frozen=True)
class SetSpeed:
    """Voice speed: ``speed`` outright, else ``delta`` added."""

    op: ClassVar[str] = "set_speed"
    speed: float | None = None
    delta: float = 0.0


@dataclass(frozen=True)
class RemoveScene:
    op: ClassVar[str] = "remove_scene"
    index: int  # 1-based; -1 = last


@dataclass(frozen=True)
class MoveScene:
    op: ClassVar[str] = "move_scene"
    index: int  # 1-based; -1 = last
    to: int  # 1-based; -1 = last


@dataclass(frozen=True)
class SwapScenes:
    op: ClassVar[str] = "swap_scenes"
    a: int
    b: int


@dataclass(frozen=True)
class UseMedia:
    """Use uploads: photos/clips as scene backgrounds, audio as the music."""

    op: ClassVar[str] = "use_media"
    kinds: tuple[str, ...] = ("image", "video")


Edit = (
    SetTitle
    | SetBgm
    | RemoveBgm
    | SetVolume
    | SetAspect
    | SetLength
    | SetSubtitles
    | SetSubtitleSize
    | SetTheme
    | SetNarration
    | SetSpeed
    | RemoveScene
    | MoveScene
    | SwapScenes
    | UseMedia
)


def edit_args(edit: Edit) -> dict[str, Any]:
    """The edit as a tool call's arguments: ``{"op": ..., fields...}``."""
    args: dict[str, Any] = {"op": edit.op}
    for key, value in dataclasses.asdict(edit).items():
        args[key] = list(value) if isinstance(value, tuple) else value
    return args


@dataclass(frozen=True)
class MediaRef:
    """An upload the agent may use."""

    id: str
    name: str
    kind: str
    duration_ms: int | None = None


@dataclass(frozen=True)
class EditContext:
    measure: Measure
    media: tuple[MediaRef, ...] = ()


@dataclass(frozen=True)
class Change:
    """What one edit did: ``ok`` with ``detail`` for the reply, or ``reason`` why not."""

    op: str
    ok: bool
    detail: dict[str, Any]
    reason: str | None = None


def _refused(edit: Edit, reason: str, **detail: Any) -> Change:
    return Change(edit.op, False, detail, reason)


def _done(edit: Edit, **detail: Any) -> Change:
    return Change(edit.op, True, detail)


# -- timing ------------------------------------------------------------------------------


def _owner(start: int, bounds: Sequence[tuple[int, int]]) -> int:
    """Index of the scene a segment starting at ``start`` belongs to."""
    for i, (s, e) in enumerate(bounds):
        if s <= start < e:
            return i
    return 0 if bounds and start < bounds[0][0] else len(bounds) - 1


def _bounds(draft: Draft) -> list[tuple[int, int]]:
    return [(seg_start(s), seg_start(s) + seg_duration(s)) for s in scene_segments(draft)]


def _speed(draft: Draft) -> float:
    narration = meta(draft).get("narration")
    value = narration.get("speed") if isinstance(narration, dict) else None
    return float(value) if isinstance(value, int | float) else 1.0


def _text(seg: dict[str, Any]) -> str:
    return str(meta(seg).get("text") or "")


def _scene_voice(draft: Draft, measure: Measure, speed: float) -> list[tuple[int, int]]:
    """Per scene: (ms of narration at ``speed``, number of narration lines)."""
    bounds = _bounds(draft)
    out = [(0, 0)] * len(bounds)
    for seg in segments(find_track(draft, "narration")):
        text = _text(seg)
        if text:
            i = _owner(seg_start(seg), bounds)
            ms, n = out[i]
            out[i] = (ms + measure(text, speed), n + 1)
    return out


def _voice_room(ms: int, lines: int) -> int:
    """The shortest scene that holds ``lines`` narration lines lasting ``ms`` in all."""
    if not lines:
        return MIN_SCENE_MS
    return max(MIN_SCENE_MS, NARRATION_LEAD_MS + ms + (lines - 1) * LINE_GAP_MS + NARRATION_TAIL_MS)


def _place_lines(
    segs: Sequence[dict[str, Any]],
    old_scene_s: int,
    new_s: int,
    new_e: int,
    measure: Measure,
    new_speed: float | None,
) -> dict[int, tuple[int, int]]:
    """New (start, duration) of one scene's narration lines, keyed by ``id()`` of the segment.

    The first line keeps its lead-in, each next one its pause after the previous; the lines
    are re-measured when the voice speed changes.
    """
    placed: dict[int, tuple[int, int]] = {}
    cursor: int | None = None
    prev_end = 0
    for seg in sorted(segs, key=seg_start):
        start, dur = seg_start(seg), seg_duration(seg)
        if new_speed is not None:
            dur = measure(_text(seg), new_speed)
        pause = start - (old_scene_s if cursor is None else prev_end)
        at = (new_s if cursor is None else cursor) + max(0, pause)
        prev_end = seg_start(seg) + seg_duration(seg)
        at = min(at, max(new_s, new_e - 1))
        placed[id(seg)] = (at, max(1, min(dur, new_e - at)))
        cursor = at + dur
    return placed


def _relayout(
    draft: Draft,
    order: Sequence[int],
    durations: Sequence[int],
    measure: Measure,
    *,
    new_speed: float | None = None,
) -> None:
    """Lay the scenes ``order`` (old indices) end to end with ``durations``; move the rest.

    Each scene's narration lines keep their pauses (re-measured when ``new_speed`` is
    given); a subtitle that shows a narration line follows that line, others stretch with
    their scene; BGM spans the whole; the title and uploaded audio are cut at the new end.
    """
    scenes = scene_segments(draft)
    bounds = [(seg_start(s), seg_start(s) + seg_duration(s)) for s in scenes]
    placed: dict[int, tuple[int, int]] = {}
    new_scenes = []
    cursor = 0
    for old, dur in zip(order, durations, strict=True):
        seg = scenes[old]
        seg["s"], seg["d"] = cursor, int(dur)
        placed[old] = (cursor, int(dur))
        new_scenes.append(seg)
        cursor += int(dur)
    total = cursor

    # Narration first: subtitles that repeat a narration line follow it.
    by_scene: dict[int, list[dict[str, Any]]] = {}
    for seg in segments(find_track(draft, "narration")):
        by_scene.setdefault(_owner(seg_start(seg), bounds), []).append(seg)
    spans: dict[int, tuple[int, int]] = {}
    for old, segs in by_scene.items():
        if old in placed:
            new_s, new_d = placed[old]
            spans |= _place_lines(segs, bounds[old][0], new_s, new_s + new_d, measure, new_speed)
    line_span = {
        (seg_start(seg), _text(seg)): spans[id(seg)]
        for segs in by_scene.values()
        for seg in segs
        if id(seg) in spans
    }

    for track in tracks(draft):
        role = track_role(track)
        if role == "scene":
            track["sg"] = new_scenes
        elif role in ("narration", "subtitle"):
            moved = []
            for seg in segments(track):
                start = seg_start(seg)
                old = _owner(start, bounds)
                if old not in placed:
                    continue  # its scene was removed
                if role == "narration":
                    new_start, dur = spans[id(seg)]
                    if new_speed is not None:
                        meta(seg)["speed"] = new_speed
                elif (start, _text(seg)) in line_span:
                    new_start, dur = line_span[(start, _text(seg))]
                else:
                    old_s, old_e = bounds[old]
                    new_s, new_d = placed[old]
                    ratio = new_d / max(1, old_e - old_s)
                    new_start = new_s + round((start - old_s) * ratio)
                    dur = max(1, min(round(seg_duration(seg) * ratio), new_s + new_d - new_start))
                seg["s"], seg["d"] = new_start, dur
                seg.pop("st", None)
                seg.pop("start", None)
                moved.append(seg)
            track["sg"] = sorted(moved, key=seg_start)
        elif role == "bgm":
            first = segments(track)[:1]
            for seg in first:
                seg["s"], seg["d"] = 0, total
            track["sg"] = first
        else:
            kept = []
            for seg in segments(track):
                start = seg_start(seg)
                if start >= total:
                    continue
                seg["d"] = min(seg_duration(seg), total - start)
                kept.append(seg)
            track["sg"] = kept
    draft["d"] = total


def fit_durations(
    voice_at: Callable[[float], Sequence[tuple[int, int]]], target_ms: int, speed: float
) -> tuple[list[int], float]:
    """Scene durations summing to about ``target_ms``, and the voice speed that allows it.

    ``voice_at(speed)`` gives each scene's (narration ms, lines). Every scene keeps room
    for its narration; when even that is too long the voice is sped up (to 2.0 at most);
    time to spare is shared out evenly.
    """
    voice = list(voice_at(speed))
    mins = [_voice_room(ms, n) for ms, n in voice]
    for _ in range(4):  # measuring a voice is slow: guess the speed, then check it
        spoken = sum(ms for ms, _ in voice)
        if sum(mins) <= target_ms or not spoken or speed >= SPEED_MAX:
            break
        room = max(1, target_ms - (sum(mins) - spoken))
        guess = math.ceil(speed * spoken / room * 20) / 20
        speed = min(SPEED_MAX, max(round(speed + 0.05, 2), guess))
        voice = list(voice_at(speed))
        mins = [_voice_room(ms, n) for ms, n in voice]
    spare = target_ms - sum(mins)
    if spare <= 0 or not mins:
        return mins, speed
    share, rest = divmod(spare, len(mins))
    return [m + share + (1 if i < rest else 0) for i, m in enumerate(mins)], speed


# -- one handler per edit ------------------------------------------------------------------


def _total(draft: Draft) -> int:
    d = draft.get("d")
    return int(d) if isinstance(d, int | float) else 0


def _seconds(ms: int) -> int:
    return round(ms / 1000)


def _set_title(draft: Draft, edit: SetTitle, ctx: EditContext) -> Change:
    text = edit.text.strip()
    if not text:
        return _refused(edit, "empty")
    track = find_track(draft, "title")
    if track is None:
        track = {"id": "trk_title", "tt": 7, "m": {"name": "タイトル", "role": "title"}, "sg": []}
        draft.setdefault("t", []).append(track)
        sort_tracks(draft)
    segs = segments(track)
    if not segs:
        dur = min(DEFAULT_TITLE_MS, _total(draft)) or DEFAULT_TITLE_MS
        segs = [{"id": "seg_title_1", "s": 0, "d": dur, "m": {}}]
        track["sg"] = segs
    previous = meta(segs[0]).get("text")
    meta(segs[0])["text"] = text
    return _done(edit, text=text, previous=previous)


def _bgm_segment(draft: Draft) -> dict[str, Any] | None:
    segs = segments(find_track(draft, "bgm"))
    return segs[0] if segs else None


def _set_bgm(draft: Draft, edit: SetBgm, ctx: EditContext) -> Change:
    seg = _bgm_segment(draft)
    old_mood = meta(seg).get("mood") if seg else None
    mood = edit.mood
    if mood is None:
        if old_mood in BGM_CYCLE:
            mood = BGM_CYCLE[(BGM_CYCLE.index(str(old_mood)) + 1) % len(BGM_CYCLE)]
        else:
            mood = "upbeat"
    if mood not in BGM_MOODS:
        return _refused(edit, "unknown_mood", mood=mood)
    added = seg is None
    if seg is None:
        seg = {"id": "seg_bgm_1", "s": 0, "d": _total(draft), "m": {"volume": DEFAULT_BGM_VOLUME}}
        track = {"id": "trk_bgm", "tt": 1, "m": {"name": "BGM", "role": "bgm"}, "sg": [seg]}
        draft.setdefault("t", []).append(track)
        sort_tracks(draft)
    seg_meta = meta(seg)
    previous = seg_meta.get("name")
    seg_meta["mood"] = mood
    seg_meta["name"] = BGM_MOODS[mood]
    volume = seg_meta.setdefault("volume", DEFAULT_BGM_VOLUME)
    return _done(
        edit, mood=mood, name=BGM_MOODS[mood], volume=volume, added=added, previous=previous
    )


def _remove_bgm(draft: Draft, edit: RemoveBgm, ctx: EditContext) -> Change:
    track = find_track(draft, "bgm")
    if track is None:
        return _refused(edit, "no_bgm")
    seg = _bgm_segment(draft)
    name = meta(seg).get("name") if seg else None
    draft["t"] = [t for t in tracks(draft) if t is not track]
    return _done(edit, name=name)


def _set_volume(draft: Draft, edit: SetVolume, ctx: EditContext) -> Change:
    segs = segments(find_track(draft, "bgm")) or segments(find_track(draft, "audio"))
    if not segs:
        return _refused(edit, "no_bgm")
    old = meta(segs[0]).get("volume", DEFAULT_BGM_VOLUME)
    old = int(old) if isinstance(old, int | float) else DEFAULT_BGM_VOLUME
    new = edit.percent if edit.percent is not None else old + edit.delta
    new = max(0, min(100, int(new)))
    for seg in segs:
        meta(seg)["volume"] = new
    return _done(edit, volume=new, previous=old)


def _set_aspect(draft: Draft, edit: SetAspect, ctx: EditContext) -> Change:
    if edit.aspect not in ASPECTS:
        return _refused(edit, "unknown_aspect", aspect=edit.aspect)
    m = meta(draft)
    previous = m.get("aspect")
    m["aspect"] = edit.aspect
    return _done(edit, aspect=edit.aspect, previous=previous)


def _set_length(draft: Draft, edit: SetLength, ctx: EditContext) -> Change:
    scenes = scene_segments(draft)
    if not scenes:
        return _refused(edit, "no_scenes")
    if edit.seconds is not None:
        target_s = edit.seconds
    elif edit.factor is not None:
        target_s = round(_total(draft) / 1000 * edit.factor)
    else:
        target_s = round(_total(draft) / 1000) + edit.delta
    if not LENGTH_MIN_S <= target_s <= LENGTH_MAX_S:
        return _refused(edit, "length_range", seconds=target_s, min=LENGTH_MIN_S, max=LENGTH_MAX_S)
    speed = _speed(draft)
    durations, new_speed = fit_durations(
        lambda sp: _scene_voice(draft, ctx.measure, sp), target_s * 1000, speed
    )
    _relayout(
        draft,
        range(len(scenes)),
        durations,
        ctx.measure,
        new_speed=new_speed if new_speed != speed else None,
    )
    m = meta(draft)
    m["target_s"] = target_s
    if new_speed != speed:
        _narration_meta(draft)["speed"] = new_speed
    return _done(
        edit,
        target_s=target_s,
        total_s=_seconds(_total(draft)),
        speed=new_speed,
        sped_up=new_speed > speed,
    )


def _subtitle_meta(draft: Draft) -> dict[str, Any]:
    m = meta(draft)
    sub = m.get("subtitles")
    if not isinstance(sub, dict):
        sub = {"on": find_track(draft, "subtitle") is not None, "size": "m"}
        m["subtitles"] = sub
    return sub


def _narration_meta(draft: Draft) -> dict[str, Any]:
    m = meta(draft)
    nar = m.get("narration")
    if not isinstance(nar, dict):
        nar = {"on": find_track(draft, "narration") is not None, "speed": 1.0}
        m["narration"] = nar
    return nar


def _add_subtitles(draft: Draft, size: str) -> None:
    """Subtitles again after they were removed: the narration's lines when there is
    narration, else one per scene."""
    source = segments(find_track(draft, "narration")) or scene_segments(draft)
    segs = [
        {
            "id": f"seg_sub_{i + 1}",
            "s": seg_start(seg),
            "d": seg_duration(seg),
            "m": {"text": _text(seg), "size": size},
        }
        for i, seg in enumerate(sorted(source, key=seg_start))
        if _text(seg)
    ]
    track = {"id": "trk_subtitle", "tt": 7, "m": {"name": "字幕", "role": "subtitle"}, "sg": segs}
    draft.setdefault("t", []).append(track)
    sort_tracks(draft)


def _set_subtitles(draft: Draft, edit: SetSubtitles, ctx: EditContext) -> Change:
    sub = _subtitle_meta(draft)
    track = find_track(draft, "subtitle")
    changed = (track is not None) != edit.on
    if edit.on and track is None:
        if not scene_segments(draft):
            return _refused(edit, "no_scenes")
        _add_subtitles(draft, str(sub.get("size") or "m"))
    elif not edit.on and track is not None:
        draft["t"] = [t for t in tracks(draft) if t is not track]
    sub["on"] = edit.on
    return _done(edit, on=edit.on, changed=changed)


def _set_subtitle_size(draft: Draft, edit: SetSubtitleSize, ctx: EditContext) -> Change:
    if edit.size not in ("s", "m", "l"):
        return _refused(edit, "unknown_size", size=edit.size)
    sub = _subtitle_meta(draft)
    previous = sub.get("size")
    sub["size"] = edit.size
    track = find_track(draft, "subtitle")
    turned_on = track is None
    if track is None:
        if not scene_segments(draft):
            return _refused(edit, "no_scenes")
        _add_subtitles(draft, edit.size)
        sub["on"] = True
    for seg in segments(find_track(draft, "subtitle")):
        meta(seg)["size"] = edit.size
    return _done(edit, size=edit.size, previous=previous, turned_on=turned_on)


def _set_theme(draft: Draft, edit: SetTheme, ctx: EditContext) -> Change:
    if edit.theme not in THEMES:
        return _refused(edit, "unknown_theme", theme=edit.theme)
    m = meta(draft)
    previous = m.get("theme")
    m["theme"] = edit.theme
    return _done(edit, theme=edit.theme, name=THEMES[edit.theme], previous=previous)


def _lines_per_scene(draft: Draft) -> list[list[str]]:
    """What to narrate in each scene: its subtitle lines, else the scene's text."""
    bounds = _bounds(draft)
    lines: list[list[str]] = [[] for _ in bounds]
    for seg in sorted(segments(find_track(draft, "subtitle")), key=seg_start):
        if _text(seg):
            lines[_owner(seg_start(seg), bounds)].append(_text(seg))
    for i, scene in enumerate(scene_segments(draft)):
        if not lines[i] and _text(scene):
            lines[i] = [_text(scene)]
    return lines


def _set_narration(draft: Draft, edit: SetNarration, ctx: EditContext) -> Change:
    nar = _narration_meta(draft)
    track = find_track(draft, "narration")
    if not edit.on:
        if track is not None:
            draft["t"] = [t for t in tracks(draft) if t is not track]
        nar["on"] = False
        return _done(edit, on=False, changed=track is not None, total_s=_seconds(_total(draft)))
    nar["on"] = True
    if track is not None:
        return _done(edit, on=True, changed=False, total_s=_seconds(_total(draft)))
    scenes = scene_segments(draft)
    if not scenes:
        return _refused(edit, "no_scenes")
    speed = _speed(draft)
    lines = _lines_per_scene(draft)
    voice = [[ctx.measure(t, speed) for t in scene_lines] for scene_lines in lines]
    durations = [
        max(seg_duration(scene), _voice_room(sum(v), len(v)))
        for scene, v in zip(scenes, voice, strict=True)
    ]
    subtitle = find_track(draft, "subtitle")
    _relayout(draft, range(len(scenes)), durations, ctx.measure)
    narration: list[dict[str, Any]] = []
    subtitles: list[dict[str, Any]] = []
    size = str(_subtitle_meta(draft).get("size") or "m")
    for scene, scene_lines, scene_voice in zip(scene_segments(draft), lines, voice, strict=True):
        at = seg_start(scene) + NARRATION_LEAD_MS
        for text, ms in zip(scene_lines, scene_voice, strict=True):
            n = len(narration) + 1
            narration.append(
                {
                    "id": f"seg_narr_{n}",
                    "s": at,
                    "d": ms,
                    "m": {"text": text, "voice": "mei", "speed": speed},
                }
            )
            subtitles.append(
                {"id": f"seg_sub_{n}", "s": at, "d": ms, "m": {"text": text, "size": size}}
            )
            at += ms + LINE_GAP_MS
    if subtitle is not None:
        # Subtitles are the narration's lines: re-timed to the new voice.
        subtitle["sg"] = subtitles
    track = {"id": "trk_narration", "tt": 1, "m": {"name": "ナレーション", "role": "narration"}}
    track["sg"] = narration
    draft.setdefault("t", []).append(track)
    sort_tracks(draft)
    return _done(edit, on=True, changed=True, total_s=_seconds(_total(draft)))


def _set_speed(draft: Draft, edit: SetSpeed, ctx: EditContext) -> Change:
    old = _speed(draft)
    new = edit.speed if edit.speed is not None else old + edit.delta
    new = round(max(SPEED_MIN, min(SPEED_MAX, new)), 2)
    nar = _narration_meta(draft)
    nar["speed"] = new
    scenes = scene_segments(draft)
    total_s = _seconds(_total(draft))
    if find_track(draft, "narration") is None or not scenes or new == old:
        narrated = bool(nar.get("on", False))
        return _done(edit, speed=new, previous=old, narration=narrated, total_s=total_s)
    before = _scene_voice(draft, ctx.measure, old)
    after = _scene_voice(draft, ctx.measure, new)
    durations = []
    for scene, (b_ms, n), (a_ms, _) in zip(scenes, before, after, strict=True):
        if not n:
            durations.append(seg_duration(scene))
            continue
        # The scene keeps its pauses; only the voice in it gets longer or shorter.
        pad = seg_duration(scene) - b_ms
        durations.append(max(_voice_room(a_ms, n), a_ms + pad))
    _relayout(draft, range(len(scenes)), durations, ctx.measure, new_speed=new)
    return _done(edit, speed=new, previous=old, narration=True, total_s=_seconds(_total(draft)))


def _check_index(edit: Edit, index: int, count: int) -> Change | None:
    if 1 <= index <= count:
        return None
    return _refused(edit, "no_scene", index=index, count=count)


def _reorder(draft: Draft, order: list[int], ctx: EditContext) -> None:
    scenes = scene_segments(draft)
    _relayout(draft, order, [seg_duration(scenes[i]) for i in order], ctx.measure)


def _remove_scene(draft: Draft, edit: RemoveScene, ctx: EditContext) -> Change:
    count = len(scene_segments(draft))
    index = count if edit.index == -1 else edit.index  # 「最後のシーンを消して」
    bad = _check_index(edit, index, count)
    if bad:
        return bad
    if count == 1:
        return _refused(edit, "last_scene", index=index, count=count)
    _reorder(draft, [i for i in range(count) if i != index - 1], ctx)
    return _done(edit, index=index, count=count - 1, total_s=_seconds(_total(draft)))


def _move_scene(draft: Draft, edit: MoveScene, ctx: EditContext) -> Change:
    count = len(scene_segments(draft))
    index = count if edit.index == -1 else edit.index
    bad = _check_index(edit, index, count)
    if bad:
        return bad
    to = count if edit.to == -1 else edit.to
    bad = _check_index(edit, to, count)
    if bad:
        return bad
    order = [i for i in range(count) if i != index - 1]
    order.insert(to - 1, index - 1)
    _reorder(draft, order, ctx)
    return _done(edit, index=index, to=to, last=to == count, count=count)


def _swap_scenes(draft: Draft, edit: SwapScenes, ctx: EditContext) -> Change:
    count = len(scene_segments(draft))
    bad = _check_index(edit, edit.a, count) or _check_index(edit, edit.b, count)
    if bad:
        return bad
    order = list(range(count))
    order[edit.a - 1], order[edit.b - 1] = order[edit.b - 1], order[edit.a - 1]
    _reorder(draft, order, ctx)
    return _done(edit, a=edit.a, b=edit.b)


def _use_media(draft: Draft, edit: UseMedia, ctx: EditContext) -> Change:
    visuals = [m for m in ctx.media if m.kind in ("image", "video") and m.kind in edit.kinds]
    audio = [m for m in ctx.media if m.kind == "audio" and "audio" in edit.kinds]
    if not visuals and not audio:
        return _refused(edit, "no_media", kinds=list(edit.kinds))
    scenes = scene_segments(draft)
    if visuals and not scenes:
        return _refused(edit, "no_scenes")
    for i, scene in enumerate(scenes if visuals else []):
        meta(scene)["source"] = visuals[i % len(visuals)].id
    music = None
    if audio:
        # The user's own music replaces the generated BGM: two songs at once would clash.
        song = audio[-1]
        bgm = find_track(draft, "bgm")
        old = _bgm_segment(draft)
        volume = meta(old).get("volume", DEFAULT_BGM_VOLUME) if old else DEFAULT_BGM_VOLUME
        kept = [t for t in tracks(draft) if t is not bgm and track_role(t) != "audio"]
        total = _total(draft)
        dur = min(song.duration_ms or total, total) or total
        seg = {"id": "seg_audio_1", "s": 0, "d": dur}
        seg["m"] = {"name": song.name, "source": song.id, "volume": volume}
        track = {"id": "trk_audio", "tt": 1, "m": {"name": "音楽", "role": "audio"}, "sg": [seg]}
        draft["t"] = [*kept, track]
        sort_tracks(draft)
        music = song.name
    return _done(
        edit,
        images=sum(1 for m in visuals if m.kind == "image"),
        videos=sum(1 for m in visuals if m.kind == "video"),
        scenes=len(scenes) if visuals else 0,
        music=music,
    )


_HANDLERS: dict[type, Callable[[Draft, Any, EditContext], Change]] = {
    SetTitle: _set_title,
    SetBgm: _set_bgm,
    RemoveBgm: _remove_bgm,
    SetVolume: _set_volume,
    SetAspect: _set_aspect,
    SetLength: _set_length,
    SetSubtitles: _set_subtitles,
    SetSubtitleSize: _set_subtitle_size,
    SetTheme: _set_theme,
    SetNarration: _set_narration,
    SetSpeed: _set_speed,
    RemoveScene: _remove_scene,
    MoveScene: _move_scene,
    SwapScenes: _swap_scenes,
    UseMedia: _use_media,
}


def apply_edits(
    draft: Draft, edits: Sequence[Edit], ctx: EditContext
) -> tuple[Draft, list[Change]]:
    """Apply ``edits`` in order to a copy of ``draft``; the input is never modified.

    A refused edit leaves the draft as it was before that edit.
    """
    work = copy.deepcopy(draft)
    changes: list[Change] = []
    for edit in edits:
        attempt = copy.deepcopy(work)
        change = _HANDLERS[type(edit)](attempt, edit, ctx)
        if change.ok:
            work = attempt
        changes.append(change)
    return work, changes
