"""Reading the backend's draft: is it exportable, what is in it, what changed.

Pure. The seed fixes ``t`` tracks, ``tt`` type (0 video, 1 audio, 7 text), ``sg``
segments, ``d`` duration (ms), ``m`` metadata; everything else is read tolerantly
(segment start from ``s``/``st``/``start``, else end to end).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.texts import Lang

_ROLE_LABELS: dict[str, tuple[str, str]] = {
    "scene": ("映像", "Video"),
    "video": ("映像", "Video"),
    "narration": ("ナレーション", "Narration"),
    "bgm": ("BGM", "BGM"),
    "audio": ("音声", "Audio"),
    "title": ("タイトル", "Title"),
    "subtitle": ("字幕", "Subtitles"),
    "text": ("テキスト", "Text"),
}


@dataclass(frozen=True)
class Segment:
    """One segment of a track."""

    start_ms: int
    duration_ms: int
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.duration_ms


@dataclass(frozen=True)
class Track:
    """One track of the draft."""

    type: int
    meta: dict[str, Any]
    segments: tuple[Segment, ...]

    @property
    def role(self) -> str:
        role = self.meta.get("role") or self.meta.get("kind")
        if isinstance(role, str) and role:
            return role
        name = str(self.meta.get("name", "")).lower()
        if self.type == 1:
            if "bgm" in name or "music" in name or "音楽" in name:
                return "bgm"
            if "narrat" in name or "ナレーション" in name or "voice" in name:
                return "narration"
            return "audio"
        if self.type == 7:
            if "subtitle" in name or "字幕" in name or "caption" in name:
                return "subtitle"
            return "title" if len(self.segments) <= 1 else "text"
        return "video"

    @property
    def start_ms(self) -> int:
        return min((s.start_ms for s in self.segments), default=0)

    @property
    def end_ms(self) -> int:
        return max((s.end_ms for s in self.segments), default=0)


@dataclass(frozen=True)
class Draft:
    """The whole draft."""

    tracks: tuple[Track, ...]
    duration_ms: int
    meta: dict[str, Any]

    @property
    def exportable(self) -> bool:
        """Ready to export: some track has segments."""
        return any(t.segments for t in self.tracks)


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return default


def parse(raw: Any) -> Draft:
    """A draft from the backend's JSON (a string holding JSON is accepted too)."""
    if isinstance(raw, str):
        import json

        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raw = {}
    if not isinstance(raw, dict):
        raw = {}
    tracks: list[Track] = []
    for t in raw.get("t") or []:
        if not isinstance(t, dict):
            continue
        segments: list[Segment] = []
        cursor = 0
        for sg in t.get("sg") or []:
            if not isinstance(sg, dict):
                continue
            start = next((sg[k] for k in ("s", "st", "start") if k in sg), None)
            start_ms = _int(start, cursor) if start is not None else cursor
            duration = _int(sg.get("d"), 0)
            segments.append(Segment(start_ms, duration, _meta(sg)))
            cursor = start_ms + duration
        tracks.append(Track(_int(t.get("tt"), -1), _meta(t), tuple(segments)))
    duration = _int(raw.get("d"), 0) or max((t.end_ms for t in tracks), default=0)
    return Draft(tuple(tracks), duration, _meta(raw))


def _meta(obj: dict[str, Any]) -> dict[str, Any]:
    meta = obj.get("m")
    return meta if isinstance(meta, dict) else {}


def _seconds(ms: int) -> str:
    value = round(ms / 1000, 1)
    return str(int(value)) if value == int(value) else str(value)


def _range(lang: Lang, start: int, end: int) -> str:
    if lang == "en":
        return f"{_seconds(start)}-{_seconds(end)}s"
    return f"{_seconds(start)}〜{_seconds(end)}秒"


def _volume(track: Track) -> int | None:
    for meta in [s.meta for s in track.segments] + [track.meta]:
        vol = meta.get("volume")
        if isinstance(vol, int | float):
            return round(vol * 100) if isinstance(vol, float) and vol <= 1.0 else round(vol)
    return None


def _name(track: Track) -> str:
    first = track.segments[0].meta if track.segments else {}
    for meta in (first, track.meta):
        for key in ("text", "name", "title", "source"):
            value = meta.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return ""


def _label(track: Track, lang: Lang) -> str:
    ja, en = _ROLE_LABELS.get(track.role, ("トラック", "Track"))
    return en if lang == "en" else ja


def describe_track(track: Track, lang: Lang) -> str:
    """One line for one track: ``BGM：Lo-fi（0〜10秒、音量35%）``."""
    label = _label(track, lang)
    span = _range(lang, track.start_ms, track.end_ms)
    count = len(track.segments)
    sep = ": " if lang == "en" else "："
    details = [span]
    volume = _volume(track)
    if track.type == 1 and volume is not None:
        details.append(f"{volume}%" if lang == "en" else f"音量{volume}%")
    detail = ", ".join(details) if lang == "en" else "、".join(details)
    paren = f" ({detail})" if lang == "en" else f"（{detail}）"
    name = _name(track)
    if track.type == 7 and count == 1 and name:
        return (
            f"{label}{sep}" + (f'"{_clip(name)}"' if lang == "en" else f"「{_clip(name)}」") + paren
        )
    if count > 1 and track.role in ("scene", "video"):
        what = f"{count} scenes" if lang == "en" else f"シーン{count}つ"
    elif count > 1 and (track.type == 7 or track.role == "narration"):
        what = f"{count} lines" if lang == "en" else f"{count}件"
    else:
        what = _clip(name) or label
    if count == 0:
        what += " (empty)" if lang == "en" else "（空）"
    return f"{label}{sep}{what}{paren}"


def _clip(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def timeline_text(draft: Draft, lang: Lang) -> str:
    """The status answer: a numbered track summary in the manner of the seed."""
    n = len(draft.tracks)
    head = (
        f"Current timeline ({n} tracks)" if lang == "en" else f"現在のタイムライン（{n}トラック）"
    )
    lines = [head] + [f"{i}. {describe_track(t, lang)}" for i, t in enumerate(draft.tracks, 1)]
    total = _seconds(draft.duration_ms)
    lines.append(f"Total: {total}s" if lang == "en" else f"合計：{total}秒")
    aspect = draft.meta.get("aspect")
    if isinstance(aspect, str):
        lines.append(f"Aspect: {aspect}" if lang == "en" else f"縦横比：{aspect}")
    return "\n".join(lines)


def _track_keys(draft: Draft) -> dict[str, Track]:
    keys: dict[str, Track] = {}
    for track in draft.tracks:
        key, n = track.role, 2
        while key in keys:
            key, n = f"{track.role}#{n}", n + 1
        keys[key] = track
    return keys


_META_LABELS: dict[str, tuple[str, str]] = {
    "aspect": ("縦横比", "aspect ratio"),
    "theme": ("カラーテーマ", "colour theme"),
    "name": ("プロジェクト名", "project name"),
}


def diff(before: Draft, after: Draft, lang: Lang) -> list[str]:
    """What changed between two drafts, one short sentence per change."""
    en = lang == "en"
    changes: list[str] = []
    old, new = _track_keys(before), _track_keys(after)
    for key, track in new.items():
        if key not in old:
            changes.append(("Added " if en else "追加：") + describe_track(track, lang))
    for key, track in old.items():
        if key not in new:
            label = _label(track, lang)
            changes.append(f"Removed the {label} track" if en else f"{label}を削除しました")
    for key in old.keys() & new.keys():
        changes.extend(_track_changes(old[key], new[key], lang))
    for key, (ja, en_label) in _META_LABELS.items():
        was, now = before.meta.get(key), after.meta.get(key)
        if was != now and now is not None:
            changes.append(
                f"Changed the {en_label} to {now}" if en else f"{ja}を{now}に変更しました"
            )
    for key in ("subtitles", "narration"):
        changes.extend(_toggle_changes(key, before.meta.get(key), after.meta.get(key), lang))
    if before.duration_ms != after.duration_ms and not changes:
        total = _seconds(after.duration_ms)
        changes.append(f"Length is now {total}s" if en else f"長さを{total}秒にしました")
    return changes


def _toggle_changes(key: str, was: Any, now: Any, lang: Lang) -> list[str]:
    if not isinstance(was, dict) or not isinstance(now, dict) or was == now:
        return []
    ja_label = "字幕" if key == "subtitles" else "ナレーション"
    en_label = key
    out: list[str] = []
    if was.get("on") != now.get("on"):
        on = bool(now.get("on"))
        out.append(
            f"Turned {en_label} {'on' if on else 'off'}"
            if lang == "en"
            else f"{ja_label}を{'オン' if on else 'オフ'}にしました"
        )
    for sub, (ja, en) in {"size": ("サイズ", "size"), "speed": ("速さ", "speed")}.items():
        if sub in now and was.get(sub) != now.get(sub):
            out.append(
                f"Changed the {en_label} {en} to {now[sub]}"
                if lang == "en"
                else f"{ja_label}の{ja}を{now[sub]}にしました"
            )
    return out


def _track_changes(old: Track, new: Track, lang: Lang) -> list[str]:
    en = lang == "en"
    label = _label(new, lang)
    out: list[str] = []
    old_name, new_name = _name(old), _name(new)
    if old_name != new_name and new_name and len(new.segments) <= 1:
        quoted = f'"{_clip(new_name)}"' if en else f"「{_clip(new_name)}」"
        out.append(f"Changed the {label} to {quoted}" if en else f"{label}を{quoted}に変更しました")
    old_vol, new_vol = _volume(old), _volume(new)
    if old_vol != new_vol and new_vol is not None:
        out.append(
            f"Set the {label} volume to {new_vol}%"
            if en
            else f"{label}の音量を{new_vol}%にしました"
        )
    elif out and new.type == 1 and new_vol is not None:
        out[-1] += f" (volume {new_vol}%)" if en else f"。音量は{new_vol}%のままです"
    if len(old.segments) != len(new.segments):
        n = len(new.segments)
        out.append(f"The {label} now has {n} parts" if en else f"{label}を{n}つにしました")
    elif [s.meta for s in old.segments] != [s.meta for s in new.segments] and not out:
        out.append(f"Updated the {label}" if en else f"{label}を更新しました")
    elif (old.start_ms, old.end_ms) != (new.start_ms, new.end_ms) and not out:
        span = _range(lang, new.start_ms, new.end_ms)
        out.append(f"The {label} now runs {span}" if en else f"{label}を{span}にしました")
    return out
