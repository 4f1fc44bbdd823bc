"""A script's storyboard with its plates drawn alongside, and the one-call render.

Scene plates depend only on the theme, the frame size and the scene's index, not on the
narration's timing, so they are drawn on a second thread while the storyboard's narration
is synthesised (the synthesiser keeps one core busy and leaves the other idle). studio's
agent storyboards this way, so the export that follows finds its plates ready; the CLI
and the benchmark render a script in one call with ``render_script``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from . import render
from .backgrounds import PLATE_VARIANTS, gradient_plate
from .errors import IngestError
from .models import Cue, RenderResult
from .script import guess_theme, sentences
from .storyboard import draft_from_script
from .themes import theme_for
from .timeline import canvas_size

__all__ = ["render_script", "storyboard_and_plates"]


def _draw_plates(theme: str, aspect: str, scenes: int) -> None:
    """The gradient plates of the first ``scenes`` scenes, into the cache."""
    width, height = canvas_size(aspect)
    for variant in range(min(scenes, PLATE_VARIANTS)):
        gradient_plate(theme_for(theme), width, height, variant)


def storyboard_and_plates(
    text: str, aspect: str = "9:16", cues: Sequence[Cue] = (), *, speed: float = 1.0
) -> dict[str, Any]:
    """``draft_from_script``, with the plates its scenes will use drawn into the cache."""
    # A scene holds one or two sentences, so there are at most that many scenes. With SRT
    # cues the storyboard synthesises nothing: the render draws the plates beside the voice.
    ahead = 0 if cues else len(sentences(text))
    theme = guess_theme(text)  # the storyboard's choice, made once for both
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="plates-ahead") as pool:
        plates = pool.submit(_draw_plates, theme, aspect, ahead)
        draft = draft_from_script(text, aspect, cues, speed=speed, theme=theme)
        plates.result()
    return draft


def render_script(
    text: str,
    out_dir: Path,
    aspect: str = "9:16",
    cues: Sequence[Cue] = (),
    *,
    speed: float = 1.0,
    progress: render.Progress | None = None,
) -> RenderResult:
    """Storyboard ``text`` (SRT ``cues`` drive the timing when given) and render it.

    Raises ``IngestError`` (4001) when the script holds no sentence to narrate, and
    ``RenderError`` when the render fails.
    """
    t0 = time.perf_counter()
    draft = storyboard_and_plates(text, aspect, cues, speed=speed)
    storyboard_s = time.perf_counter() - t0
    if not draft["t"]:
        raise IngestError(4001, "台本から文章を読み取れませんでした。")
    result = render.render_draft(draft, {}, out_dir, progress=progress)
    render.LAST_TIMINGS.storyboard = storyboard_s
    return result
