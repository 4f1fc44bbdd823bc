"""The one place the server touches the render engine (``studio.engine``).

The agent gets the engine as plain callables (:class:`studio.agent.Tools`), so its logic
stays testable without audio synthesis; renders run in a child process
(``studio.render_child``) so a long encode never stalls the API.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from studio.agent import Tools
from studio.drafts import Draft
from studio.engine import Cue, Ingested, ingest_file, narration_ms
from studio.engine.oneshot import storyboard_and_plates

__all__ = ["agent_tools", "ingest", "storyboard"]


def storyboard(script: str, aspect: str, cues: Sequence[tuple[int, int, str]]) -> Draft:
    """The engine's storyboard for ``script`` (SRT cues, when given, drive the timing);
    the plates it will need are drawn meanwhile, ready for the export."""
    return storyboard_and_plates(script, aspect, tuple(Cue(s, e, t) for s, e, t in cues))


def agent_tools() -> Tools:
    return Tools(storyboard=storyboard, measure=narration_ms)


def ingest(name: str, src: Path, media_dir: Path) -> Ingested:
    """Validate and store an upload (raises the engine's ``IngestError``)."""
    return ingest_file(name, src, media_dir)
