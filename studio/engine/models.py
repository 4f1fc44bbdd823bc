"""Value types shared by the engine's public functions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["Cue", "Ingested", "MediaKind", "RenderResult"]

MediaKind = Literal["text", "subtitles", "image", "video", "audio"]


@dataclass(frozen=True)
class Cue:
    """One subtitle cue (from an SRT file), in milliseconds."""

    start_ms: int
    end_ms: int
    text: str


@dataclass(frozen=True)
class Ingested:
    """An uploaded file after validation, extraction and probing."""

    kind: MediaKind
    name: str
    path: Path
    text: str | None = None
    cues: tuple[Cue, ...] = ()
    duration_ms: int | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class RenderResult:
    """A finished render: the MP4, its JPEG poster and what ffprobe would say."""

    video: Path
    poster: Path
    duration_ms: int
    width: int
    height: int
