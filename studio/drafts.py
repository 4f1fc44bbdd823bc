"""Reading the draft (docs/design.md): tracks by role, timings, canvas (pure).

A draft is plain JSON: ``{"d": ms, "m": {...}, "t": [track, ...]}``; a track is
``{"id", "tt", "m": {"name", "role"}, "sg": [segment, ...]}``; a segment
``{"id", "s", "d", "m": {...}}``.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ASPECTS",
    "BGM_MOODS",
    "ROLE_ORDER",
    "Draft",
    "aspect_of",
    "canvas_config",
    "empty_draft",
    "find_track",
    "has_content",
    "meta",
    "scene_segments",
    "seg_duration",
    "seg_end",
    "seg_start",
    "segments",
    "sort_tracks",
    "total_ms",
    "track_role",
    "tracks",
]

Draft = dict[str, Any]
Track = dict[str, Any]
Segment = dict[str, Any]

#: Canvas size per aspect ratio (H.264 up to 1080x1920, as the seed says).
ASPECTS: dict[str, tuple[int, int]] = {
    "9:16": (1080, 1920),
    "16:9": (1920, 1080),
    "1:1": (1080, 1080),
}
DEFAULT_ASPECT = "9:16"

#: mood → display name written to the bgm segment's ``name`` (docs/design.md).
BGM_MOODS: dict[str, str] = {
    "upbeat": "明るいポップス",
    "calm": "落ち着いたピアノ",
    "corporate": "コーポレート",
    "lofi": "ローファイ",
}

#: Track order in ``t`` (uploaded audio sits with the other audio tracks).
ROLE_ORDER = ("scene", "narration", "bgm", "audio", "title", "subtitle")


def empty_draft() -> Draft:
    """An empty project: nothing to export."""
    return {"d": 0, "m": {}, "t": []}


def meta(obj: dict[str, Any]) -> dict[str, Any]:
    """``obj["m"]``, created when missing."""
    m = obj.get("m")
    if not isinstance(m, dict):
        m = {}
        obj["m"] = m
    return m


def track_role(track: Track) -> str:
    """The track's role; older or foreign drafts without one are guessed from ``tt`` and id."""
    m = track.get("m")
    if isinstance(m, dict) and isinstance(m.get("role"), str):
        return str(m["role"])
    ident = str(track.get("id", "")).lower()
    tt = track.get("tt")
    for role in ("narration", "bgm", "audio", "title", "subtitle"):
        if role in ident:
            return role
    if tt == 0:
        return "scene"
    if tt == 7:
        return "subtitle"
    return "audio"


def tracks(draft: Draft) -> list[Track]:
    t = draft.get("t")
    return [x for x in t if isinstance(x, dict)] if isinstance(t, list) else []


def find_track(draft: Draft, role: str) -> Track | None:
    """The first track with ``role``."""
    for track in tracks(draft):
        if track_role(track) == role:
            return track
    return None


def segments(track: Track | None) -> list[Segment]:
    if track is None:
        return []
    sg = track.get("sg")
    return [x for x in sg if isinstance(x, dict)] if isinstance(sg, list) else []


def seg_start(seg: Segment, default: int = 0) -> int:
    """Start offset in ms (``s``, else ``st`` or ``start``)."""
    for key in ("s", "st", "start"):
        value = seg.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return int(value)
    return default


def seg_duration(seg: Segment) -> int:
    value = seg.get("d")
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def seg_end(seg: Segment) -> int:
    return seg_start(seg) + seg_duration(seg)


def scene_segments(draft: Draft) -> list[Segment]:
    """The scene segments in time order."""
    return sorted(segments(find_track(draft, "scene")), key=seg_start)


def has_content(draft: Draft) -> bool:
    """Ready to export: some track has segments."""
    return any(segments(t) for t in tracks(draft))


def aspect_of(draft: Draft) -> str:
    m = draft.get("m")
    aspect = m.get("aspect") if isinstance(m, dict) else None
    return aspect if isinstance(aspect, str) and aspect in ASPECTS else DEFAULT_ASPECT


def canvas_config(draft: Draft) -> dict[str, Any]:
    """``{"aspect","width","height"}`` for GET state."""
    aspect = aspect_of(draft)
    width, height = ASPECTS[aspect]
    return {"aspect": aspect, "width": width, "height": height}


def sort_tracks(draft: Draft) -> None:
    """Put tracks in the documented order (unknown roles keep their place at the end)."""

    def rank(track: Track) -> int:
        role = track_role(track)
        return ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER)

    draft["t"] = sorted(tracks(draft), key=rank)


def total_ms(draft: Draft) -> int:
    """The end of the last segment of any track."""
    return max((seg_end(s) for t in tracks(draft) for s in segments(t)), default=0)
