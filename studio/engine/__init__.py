"""studio's render engine: ingest uploads, narrate, compose and encode promo videos.

The public interface (used by studio's server and agent) is re-exported here.
"""

from __future__ import annotations

from .errors import EngineError, IngestError, RenderError
from .ingest import MAX_UPLOAD_BYTES, ingest_file
from .models import Cue, Ingested, RenderResult
from .music import MOODS, bgm_wav
from .render import render_draft
from .storyboard import draft_from_script
from .themes import THEMES
from .timeline import ASPECTS, MOTIONS
from .tts import narration_ms, narration_wav

__all__ = [
    "ASPECTS",
    "MAX_UPLOAD_BYTES",
    "MOODS",
    "MOTIONS",
    "THEMES",
    "Cue",
    "EngineError",
    "IngestError",
    "Ingested",
    "RenderError",
    "RenderResult",
    "bgm_wav",
    "draft_from_script",
    "ingest_file",
    "narration_ms",
    "narration_wav",
    "render_draft",
]
