"""Sessions as the API shows them: the state answer, uploads, and the agent's view (pure)."""

from __future__ import annotations

import secrets
from typing import Any

from studio.agent import Document, SessionView
from studio.config import StudioConfig
from studio.drafts import Draft, canvas_config, find_track, meta, segments
from studio.edits import MediaRef
from studio.store import MediaRecord, SessionRecord

__all__ = [
    "UNDO_DEPTH",
    "document_info",
    "generated_media",
    "media_info",
    "new_session",
    "replace_draft",
    "session_view",
    "state_payload",
]

MEDIA_KINDS = ("image", "video", "audio")


def new_session(token: str | None, task_name: str, language: str, now: float) -> SessionRecord:
    return SessionRecord(
        session_id="sess_" + secrets.token_hex(12),
        task_id="task_" + secrets.token_hex(12),
        task_name=task_name,
        language=language,
        token=token,
        created_at=now,
        updated_at=now,
    )


def media_info(m: MediaRecord, config: StudioConfig) -> dict[str, Any]:
    """A ``video_infos`` entry: ``{"id","name","kind","url","duration_ms","width","height"}``."""
    return {
        "id": m.id,
        "name": m.name,
        "kind": m.kind,
        "url": config.public_link(config.data_dir / m.file),
        "duration_ms": m.duration_ms,
        "width": m.width,
        "height": m.height,
    }


def document_info(m: MediaRecord) -> dict[str, Any]:
    """A ``documents`` entry: ``{"id","name","kind","text","chars","cues"}``."""
    text = m.text or ""
    return {
        "id": m.id,
        "name": m.name,
        "kind": m.kind,
        "text": text,
        "chars": len(text),
        "cues": [c.model_dump() for c in m.cues],
    }


def upload_info(m: MediaRecord, config: StudioConfig) -> dict[str, Any]:
    """One entry of the upload answer's ``files``."""
    info = media_info(m, config) if m.kind in MEDIA_KINDS else document_info(m)
    info["size"] = m.size
    return info


def generated_media(draft: Draft) -> list[dict[str, Any]]:
    """What studio synthesises for the draft: the narration voice and the music.

    They are made during the render (``url`` is null); the entries say what will be made.
    """
    out: list[dict[str, Any]] = []
    narration = segments(find_track(draft, "narration"))
    if narration:
        first = meta(narration[0])
        out.append(
            {
                "id": "gen_narration",
                "kind": "narration",
                "name": "ナレーション",
                "voice": first.get("voice", "mei"),
                "speed": first.get("speed", 1.0),
                "lines": len(narration),
                "duration_ms": sum(int(s.get("d", 0)) for s in narration),
                "url": None,
            }
        )
    bgm = segments(find_track(draft, "bgm"))
    if bgm:
        m = meta(bgm[0])
        out.append(
            {
                "id": "gen_bgm",
                "kind": "music",
                "name": m.get("name"),
                "mood": m.get("mood"),
                "volume": m.get("volume"),
                "duration_ms": int(bgm[0].get("d", 0)),
                "url": None,
            }
        )
    return out


def state_payload(rec: SessionRecord, config: StudioConfig, running: bool) -> dict[str, Any]:
    """``data`` of GET state."""
    return {
        "session_id": rec.session_id,
        "task_id": rec.task_id,
        "version": rec.version,
        "updated_at": rec.updated_at,
        "running": running,
        "state": {
            "draft": rec.draft,
            "video_infos": [media_info(m, config) for m in rec.media if m.kind in MEDIA_KINDS],
            "generated_media": generated_media(rec.draft),
            "canvas_config": canvas_config(rec.draft),
            "documents": [document_info(m) for m in rec.media if m.kind not in MEDIA_KINDS],
        },
    }


def session_view(rec: SessionRecord, credits_left: int | None) -> SessionView:
    """What the agent sees of the session."""
    docs = tuple(
        Document(m.id, m.name, m.text or "", tuple((c.start_ms, c.end_ms, c.text) for c in m.cues))
        for m in rec.media
        if m.kind not in MEDIA_KINDS
    )
    media = tuple(
        MediaRef(m.id, m.name, m.kind, m.duration_ms) for m in rec.media if m.kind in MEDIA_KINDS
    )
    previous = rec.history[-1] if rec.history else None
    return SessionView(rec.language, rec.draft, docs, media, credits_left, previous)


#: How many earlier drafts a session keeps for 「元に戻して」.
UNDO_DEPTH = 10


def replace_draft(rec: SessionRecord, draft: dict[str, Any], *, undo: bool) -> None:
    """Make ``draft`` the session's draft: an undo drops the newest earlier draft (it is the
    new one), any other change keeps the old draft as the newest earlier one, unless it
    is the same or empty (an undo past the first storyboard would discard it for nothing)."""
    if undo:
        if rec.history:
            rec.history.pop()
    elif draft != rec.draft and rec.draft.get("t"):
        rec.history = [*rec.history, rec.draft][-UNDO_DEPTH:]
    rec.draft = draft
