"""Read a draft (docs/design.md, "The draft") into a render plan (pure, tolerant)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .tts import clamp_speed

__all__ = [
    "ASPECTS",
    "FPS",
    "MOTIONS",
    "AudioPlan",
    "BgmPlan",
    "CaptionPlan",
    "Plan",
    "ScenePlan",
    "TitlePlan",
    "VoicePlan",
    "canvas_size",
    "ms_to_frame",
    "normalise_aspect",
    "parse_draft",
    "segment_start",
]

FPS = 30
ASPECTS: dict[str, tuple[int, int]] = {
    "9:16": (1080, 1920),
    "16:9": (1920, 1080),
    "1:1": (1080, 1080),
}
MOTIONS = ("zoom_in", "pan_left", "zoom_out", "pan_right")
SUBTITLE_SIZES = ("s", "m", "l")
#: Scenes shorter than this are stretched: a flash of a picture reads as a glitch.
MIN_SCENE_MS = 800
DEFAULT_SEGMENT_MS = 3000


@dataclass(frozen=True)
class ScenePlan:
    """A scene: its span, background (media id or ``None`` for a gradient) and motion."""

    index: int
    start_ms: int
    end_ms: int
    source: str | None
    motion: str
    text: str
    name: str


@dataclass(frozen=True)
class CaptionPlan:
    """A subtitle on screen from ``start_ms`` to ``end_ms``."""

    start_ms: int
    end_ms: int
    text: str
    size: str


@dataclass(frozen=True)
class TitlePlan:
    """The title card."""

    start_ms: int
    end_ms: int
    text: str


@dataclass(frozen=True)
class VoicePlan:
    """A narration line starting at ``start_ms``."""

    start_ms: int
    end_ms: int
    text: str
    speed: float
    voice: str


@dataclass(frozen=True)
class BgmPlan:
    """Generated music for a span, at ``volume`` percent."""

    start_ms: int
    end_ms: int
    mood: str
    volume: int


@dataclass(frozen=True)
class AudioPlan:
    """An uploaded audio file played from ``start_ms`` (trimmed at ``end_ms``)."""

    start_ms: int
    end_ms: int
    source: str
    volume: int


@dataclass(frozen=True)
class Plan:
    """Everything the renderer needs, with defaults applied and times resolved."""

    aspect: str
    width: int
    height: int
    duration_ms: int
    theme: str | None
    scenes: tuple[ScenePlan, ...]
    captions: tuple[CaptionPlan, ...]
    titles: tuple[TitlePlan, ...]
    voices: tuple[VoicePlan, ...]
    bgm: tuple[BgmPlan, ...]
    audios: tuple[AudioPlan, ...]


def normalise_aspect(aspect: object) -> str:
    """``9:16``, ``16:9`` or ``1:1`` (also ``9x16``, ``横``, ``square`` ...); else 9:16."""
    text = str(aspect or "").strip().lower().replace("x", ":").replace("/", ":").replace("：", ":")
    if text in ASPECTS:
        return text
    if text in ("16:9", "landscape", "横", "横長", "wide"):
        return "16:9"
    if text in ("1:1", "square", "正方形"):
        return "1:1"
    return "9:16"


def canvas_size(aspect: object) -> tuple[int, int]:
    """Frame size in pixels for an aspect ratio."""
    return ASPECTS[normalise_aspect(aspect)]


def ms_to_frame(ms: int) -> int:
    """The frame index at time ``ms`` (nearest)."""
    return round(ms * FPS / 1000)


def _int(value: object, default: int | None = None) -> int | None:
    if isinstance(value, bool):
        return default
    if isinstance(value, int | float) and value == value:
        return int(value)
    if isinstance(value, str):
        try:
            return int(float(value))
        except ValueError:
            return default
    return default


def _meta(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = obj.get("m")
    return meta if isinstance(meta, Mapping) else {}


def segment_start(seg: Mapping[str, Any]) -> int | None:
    """A segment's start from ``s``, ``st`` or ``start`` (ms), if any."""
    for key in ("s", "st", "start"):
        value = _int(seg.get(key))
        if value is not None:
            return max(0, value)
    return None


def _spans(
    segments: Sequence[Mapping[str, Any]],
) -> list[tuple[int, int | None, Mapping[str, Any]]]:
    """(start, duration or None, segment) with missing starts laid end to end."""
    out: list[tuple[int, int | None, Mapping[str, Any]]] = []
    cursor = 0
    for seg in segments:
        if not isinstance(seg, Mapping):
            continue
        dur = _int(seg.get("d"), None)
        if dur is None:
            dur = _int(seg.get("dur"), None) or _int(seg.get("duration"), None)
        if dur is not None and dur <= 0:
            dur = None
        start = segment_start(seg)
        if start is None:
            start = cursor
        out.append((start, dur, seg))
        cursor = start + (dur if dur is not None else DEFAULT_SEGMENT_MS)
    return out


def _role(track: Mapping[str, Any]) -> str:
    """The track's role: its ``m.role``, else guessed from type, id, name and segments."""
    meta = _meta(track)
    role = str(meta.get("role") or "").strip().lower()
    if role in ("scene", "narration", "bgm", "audio", "title", "subtitle"):
        return role
    tt = _int(track.get("tt"), -1)
    ident = f"{track.get('id', '')} {meta.get('name', '')}".lower()
    segs = [s for s in track.get("sg", []) or [] if isinstance(s, Mapping)]
    first = _meta(segs[0]) if segs else {}
    if tt == 0:
        return "scene"
    if tt == 1:
        if "bgm" in ident or "music" in ident or "音楽" in ident or "mood" in first:
            return "bgm"
        if "narr" in ident or "ナレーション" in ident or "voice" in first:
            return "narration"
        if "source" in first:
            return "audio"
        return "narration" if "text" in first else "bgm"
    if tt == 7:
        if "title" in ident or "タイトル" in ident:
            return "title"
        return "subtitle"
    return "unknown"


def _text(meta: Mapping[str, Any]) -> str:
    value = meta.get("text")
    return str(value).strip() if value is not None else ""


def _volume(meta: Mapping[str, Any], default: int) -> int:
    vol = _int(meta.get("volume"), default)
    return max(0, min(200, vol if vol is not None else default))


def _settings(draft_meta: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = draft_meta.get(key)
    if isinstance(value, Mapping):
        return value
    if isinstance(value, bool):
        return {"on": value}
    return {}


def _on(settings: Mapping[str, Any]) -> bool:
    value = settings.get("on", True)
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "off", "0", "no", "オフ")
    return bool(value)


def parse_draft(draft: Mapping[str, Any], aspect: str | None = None) -> Plan:
    """The render plan of ``draft``; ``aspect`` overrides ``draft["m"]["aspect"]``.

    Rules: tracks are identified by ``m.role`` (else guessed); segment starts come from
    ``s``/``st``/``start`` or are laid end to end; scenes are ordered by start and fill
    the timeline without gaps; the video lasts ``d`` or until the last scene ends, if
    later. Per-segment ``size``/``speed`` override the draft-level subtitle/narration
    settings; ``m.subtitles.on`` / ``m.narration.on`` false drop those tracks.
    """
    meta = _meta(draft)
    asp = normalise_aspect(aspect or meta.get("aspect"))
    width, height = ASPECTS[asp]
    subs = _settings(meta, "subtitles")
    narr = _settings(meta, "narration")
    default_size = str(subs.get("size") or "m").lower()
    default_speed = clamp_speed(narr.get("speed", 1.0))
    tracks = [t for t in draft.get("t", []) or [] if isinstance(t, Mapping)]

    by_role: dict[str, list[tuple[int, int | None, Mapping[str, Any]]]] = {}
    for track in tracks:
        role = _role(track)
        by_role.setdefault(role, []).extend(_spans(track.get("sg", []) or []))

    ends = [s + d for role in by_role.values() for s, d, _ in role if d is not None]
    total = max([_int(draft.get("d"), 0) or 0, *ends], default=0)

    raw_scenes = sorted(by_role.get("scene", []), key=lambda x: x[0])
    scenes: list[ScenePlan] = []
    if raw_scenes:
        total = max(total, raw_scenes[-1][0] + (raw_scenes[-1][1] or DEFAULT_SEGMENT_MS))
    for i, (start, _dur, seg) in enumerate(raw_scenes):
        m = _meta(seg)
        begin = 0 if i == 0 else max(start, scenes[-1].start_ms + MIN_SCENE_MS)
        motion = str(m.get("motion") or "")
        source = m.get("source")
        scenes.append(
            ScenePlan(
                index=i,
                start_ms=begin,
                end_ms=0,
                source=str(source) if source not in (None, "") else None,
                motion=motion if motion in MOTIONS else MOTIONS[i % len(MOTIONS)],
                text=_text(m),
                name=str(m.get("name") or ""),
            )
        )
    if total <= 0:
        return Plan(asp, width, height, 0, meta.get("theme"), (), (), (), (), (), ())
    if not scenes:
        scenes.append(ScenePlan(0, 0, 0, None, MOTIONS[0], "", ""))
    total = max(total, scenes[-1].start_ms + MIN_SCENE_MS)
    filled = []
    for i, sc in enumerate(scenes):
        end = scenes[i + 1].start_ms if i + 1 < len(scenes) else total
        filled.append(ScenePlan(sc.index, sc.start_ms, end, sc.source, sc.motion, sc.text, sc.name))

    def span_end(start: int, dur: int | None, limit: int) -> int:
        return min(limit, start + dur) if dur is not None else limit

    captions: list[CaptionPlan] = []
    if _on(subs):
        sub_spans = by_role.get("subtitle", [])
        if sub_spans:
            for start, dur, seg in sub_spans:
                m = _meta(seg)
                size = str(m.get("size") or default_size).lower()
                text = _text(m)
                if text and start < total:
                    captions.append(
                        CaptionPlan(
                            start,
                            span_end(start, dur, total),
                            text,
                            size if size in SUBTITLE_SIZES else "m",
                        )
                    )
        else:
            # No subtitle track: the scenes' own text is the natural caption.
            size = default_size if default_size in SUBTITLE_SIZES else "m"
            captions = [CaptionPlan(s.start_ms, s.end_ms, s.text, size) for s in filled if s.text]
    captions.sort(key=lambda c: c.start_ms)
    # Two captions never share the screen: an overlapping one ends where the next begins.
    captions = [
        CaptionPlan(c.start_ms, min(c.end_ms, nxt.start_ms), c.text, c.size)
        if nxt is not None and nxt.start_ms > c.start_ms
        else c
        for c, nxt in zip(captions, [*captions[1:], None], strict=False)
    ]

    titles = [
        TitlePlan(
            start, span_end(start, dur if dur is not None else 3000, total), _text(_meta(seg))
        )
        for start, dur, seg in by_role.get("title", [])
        if _text(_meta(seg)) and start < total
    ]

    voices: list[VoicePlan] = []
    if _on(narr):
        for start, dur, seg in sorted(by_role.get("narration", []), key=lambda x: x[0]):
            m = _meta(seg)
            text = _text(m)
            if text and start < total:
                speed = clamp_speed(m["speed"]) if "speed" in m else default_speed
                voices.append(
                    VoicePlan(
                        start,
                        span_end(start, dur, total),
                        text,
                        speed,
                        str(m.get("voice") or "mei"),
                    )
                )

    bgm = [
        BgmPlan(
            start,
            span_end(start, dur, total),
            str(_meta(seg).get("mood") or "upbeat"),
            _volume(_meta(seg), 35),
        )
        for start, dur, seg in by_role.get("bgm", [])
        if start < total
    ]
    audios = [
        AudioPlan(
            start,
            span_end(start, dur, total),
            str(_meta(seg).get("source")),
            _volume(_meta(seg), 100),
        )
        for start, dur, seg in by_role.get("audio", [])
        if _meta(seg).get("source") and start < total
    ]
    return Plan(
        aspect=asp,
        width=width,
        height=height,
        duration_ms=total,
        theme=meta.get("theme"),
        scenes=tuple(filled),
        captions=tuple(captions),
        titles=tuple(titles),
        voices=tuple(voices),
        bgm=tuple(bgm),
        audios=tuple(audios),
    )
