"""Persistence: tokens, sessions (drafts, media) and renders as JSON files under the data dir.

Every change is written at once (write-then-rename), so a restarted studio finds what the
last one knew. The in-memory dicts are the working copy; one re-entrant lock guards them,
because the render worker thread updates renders while the event loop serves requests.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

__all__ = [
    "CueRecord",
    "MediaRecord",
    "RenderRecord",
    "RenderStatus",
    "SessionRecord",
    "Store",
    "TokenRecord",
]

RenderStatus = Literal["queued", "processing", "completed", "failed"]


class TokenRecord(BaseModel):
    """A bearer token and its credit balance."""

    token: str
    client_id: str | None = None
    ip: str | None = None
    anonymous: bool = True
    created_at: float
    expires_at: float | None = None
    available: int = 0
    frozen: int = 0


class CueRecord(BaseModel):
    """One subtitle cue of an uploaded SRT."""

    start_ms: int
    end_ms: int
    text: str


class MediaRecord(BaseModel):
    """An uploaded file after ingestion (documents too)."""

    id: str
    name: str
    kind: str
    #: Path relative to the data dir.
    file: str
    text: str | None = None
    cues: list[CueRecord] = Field(default_factory=list)
    duration_ms: int | None = None
    width: int | None = None
    height: int | None = None
    size: int = 0
    created_at: float = 0.0


class SessionRecord(BaseModel):
    """A task/session: the draft the agent edits and what was uploaded to it."""

    session_id: str
    task_id: str
    task_name: str = "project"
    language: str = "ja"
    token: str | None = None
    created_at: float
    updated_at: float
    dropped: bool = False
    version: int = 0
    draft: dict[str, Any] = Field(default_factory=lambda: {"d": 0, "m": {}, "t": []})
    # Earlier drafts, newest last, for 「元に戻して」 (at most UNDO_DEPTH).
    history: list[dict[str, Any]] = Field(default_factory=list)
    media: list[MediaRecord] = Field(default_factory=list)


class RenderRecord(BaseModel):
    """An export job."""

    id: str
    session_id: str
    status: RenderStatus = "queued"
    progress: int = 0
    error: str | None = None
    created_at: float
    updated_at: float
    started_at: float | None = None
    draft: dict[str, Any] = Field(default_factory=dict)
    output: dict[str, Any] | None = None
    #: The MP4 on disk (for the download fallback), relative to the data dir.
    video_file: str | None = None


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Store:
    """The studio's state, mirrored to ``<data_dir>/db``."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.db = data_dir / "db"
        self.public = data_dir / "public"
        self.lock = threading.RLock()
        self.tokens: dict[str, TokenRecord] = {}
        self.sessions: dict[str, SessionRecord] = {}
        self.renders: dict[str, RenderRecord] = {}
        #: Bumped by :meth:`reset`, so work started before a reset knows its result is stale.
        self.generation = 0

    # -- loading ---------------------------------------------------------------------------

    def load(self) -> None:
        """Read everything a previous run wrote (unreadable files are skipped, not fatal)."""
        with self.lock:
            self.db.mkdir(parents=True, exist_ok=True)
            self.public.mkdir(parents=True, exist_ok=True)
            tokens_file = self.db / "tokens.json"
            if tokens_file.exists():
                raw = json.loads(tokens_file.read_text(encoding="utf-8"))
                self.tokens = {k: TokenRecord.model_validate(v) for k, v in raw.items()}
            for path in sorted((self.db / "sessions").glob("*.json")):
                try:
                    rec = SessionRecord.model_validate_json(path.read_text(encoding="utf-8"))
                except ValueError:
                    continue
                self.sessions[rec.session_id] = rec
            for path in sorted((self.db / "renders").glob("*.json")):
                try:
                    job = RenderRecord.model_validate_json(path.read_text(encoding="utf-8"))
                except ValueError:
                    continue
                self.renders[job.id] = job

    # -- saving ----------------------------------------------------------------------------

    def save_tokens(self) -> None:
        with self.lock:
            _write_json(
                self.db / "tokens.json", {k: v.model_dump() for k, v in self.tokens.items()}
            )

    def save_session(self, rec: SessionRecord) -> None:
        with self.lock:
            self.sessions[rec.session_id] = rec
            _write_json(self.db / "sessions" / f"{rec.session_id}.json", rec.model_dump())

    def save_render(self, job: RenderRecord) -> None:
        with self.lock:
            self.renders[job.id] = job
            _write_json(self.db / "renders" / f"{job.id}.json", job.model_dump())

    # -- paths -----------------------------------------------------------------------------

    def media_dir(self, session_id: str, media_id: str) -> Path:
        """Where one upload and its derived files live (served under ``/files``)."""
        return self.public / "media" / session_id / media_id

    def render_dir(self, render_id: str) -> Path:
        return self.public / "renders" / render_id

    def media_paths(self, session_id: str) -> dict[str, Path]:
        """Media id → file, for the renderer."""
        with self.lock:
            rec = self.sessions.get(session_id)
            if rec is None:
                return {}
            return {m.id: self.data_dir / m.file for m in rec.media}

    # -- reset -----------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget everything, on disk too."""
        with self.lock:
            self.generation += 1
            self.tokens.clear()
            self.sessions.clear()
            self.renders.clear()
            shutil.rmtree(self.db, ignore_errors=True)
            shutil.rmtree(self.public, ignore_errors=True)
            self.db.mkdir(parents=True, exist_ok=True)
            self.public.mkdir(parents=True, exist_ok=True)
