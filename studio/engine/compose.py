"""Turn a plan into encoder layers: plates for scenes, text images, transitions (I/O)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from PIL import Image

from .backgrounds import gradient_plate, photo_plate, plate_size
from .filtergraph import Overlay, SceneLayer, Transition
from .fonts import load_font
from .layout import break_lines, break_pages
from .placement import (
    CAPTION_MAX_LINES,
    TITLE_MAX_LINES,
    caption_font_px,
    caption_max_width,
    caption_xy,
    split_span,
    title_font_px,
    title_max_width,
    title_xy,
)
from .probe import probe
from .sniff import kind_of_format, sniff
from .textimage import draw_caption, draw_title
from .themes import theme_for
from .timeline import FPS, Plan, ScenePlan, ms_to_frame

__all__ = [
    "TRANSITIONS",
    "caption_overlays",
    "media_kind",
    "scene_background",
    "scene_layers",
    "title_overlays",
]

log = logging.getLogger(__name__)

#: Transitions used in turn between scenes (xfade names).
TRANSITIONS = ("fade", "smoothleft", "circleopen", "smoothup")
TRANSITION_FRAMES = 14


def media_kind(path: Path) -> str | None:
    """'image' or 'video' (or another kind) judged from the file's content.

    A video container without a picture (an .m4a named .mp4) counts as audio, so a scene
    pointing at it falls back to a gradient instead of failing the render.
    """
    try:
        with path.open("rb") as fh:
            fmt = sniff(fh.read(64))
    except OSError:
        return None
    kind = kind_of_format(fmt) if fmt else None
    if kind == "video":
        info = probe(path)
        if info is None or info.video_codec is None or info.frames_are_image:
            return "audio" if info is not None and info.audio_codec else None
    return kind


def _photo(src: Path, plan: Plan) -> Path | None:
    """The photo's plate, or ``None`` when the file cannot be decoded (then: a gradient)."""
    try:
        return photo_plate(src, plan.width, plan.height)
    except (OSError, ValueError, Image.DecompressionBombError):
        log.warning("unreadable photo %s: using a gradient", src)
        return None


def scene_background(
    plan: Plan, scene: ScenePlan, media: Mapping[str, Path]
) -> tuple[Path, Literal["still", "clip", "gradient"]]:
    """The file behind one scene's moving background, made (and cached) now: the uploaded
    clip, the uploaded photo's plate, or a plate of the theme's gradient."""
    src = media.get(scene.source) if scene.source else None
    kind = media_kind(src) if src is not None and src.exists() else None
    if src is not None and kind == "video":
        return src, "clip"
    if src is not None and kind == "image" and (photo := _photo(src, plan)) is not None:
        return photo, "still"
    return gradient_plate(theme_for(plan.theme), plan.width, plan.height, scene.index), "gradient"


def scene_layers(
    plan: Plan, media: Mapping[str, Path]
) -> tuple[tuple[SceneLayer, ...], tuple[Transition, ...]]:
    """One moving background per scene, and the crossfades between them.

    Scene i is on screen over frames [a_i, b_i); each clip runs half a transition past
    both ends so the crossfade is centred on the scene boundary.
    """
    bounds = [(ms_to_frame(s.start_ms), ms_to_frame(s.end_ms)) for s in plan.scenes]
    shortest = min(b - a for a, b in bounds)
    half = max(0, min(TRANSITION_FRAMES // 2, shortest // 3)) if len(bounds) > 1 else 0
    pw, ph = plate_size(plan.width, plan.height)
    layers: list[SceneLayer] = []
    transitions: list[Transition] = []
    last = len(plan.scenes) - 1
    for i, (scene, (a, b)) in enumerate(zip(plan.scenes, bounds, strict=True)):
        frames = (b - a) + (half if i > 0 else 0) + (half if i < last else 0)
        path, kind = scene_background(plan, scene, media)
        layers.append(SceneLayer(path, kind, frames, scene.motion, pw, ph))
        if i > 0 and half > 0:
            transitions.append(
                Transition(a - half, 2 * half, TRANSITIONS[(i - 1) % len(TRANSITIONS)])
            )
    return tuple(layers), tuple(transitions)


def caption_overlays(plan: Plan) -> tuple[Overlay, ...]:
    """Subtitle pages (at most two lines each) timed within their cue."""
    out: list[Overlay] = []
    total = ms_to_frame(plan.duration_ms)
    for cap in plan.captions:
        px = caption_font_px(cap.size, plan.width, plan.height)
        font = load_font(px, bold=True)
        max_w = caption_max_width(plan.width, plan.height, px)
        pages = break_pages(cap.text, max_w, font.getlength, CAPTION_MAX_LINES)
        spans = split_span(cap.start_ms, cap.end_ms, [sum(len(ln) for ln in p) for p in pages])
        for page, (s, e) in zip(pages, spans, strict=True):
            start, end = ms_to_frame(s), min(ms_to_frame(e), total)
            if end - start < 2:
                continue
            img = draw_caption(page, px)
            x, y = caption_xy(plan.width, plan.height, img.width, img.height)
            fade = min(5, (end - start) // 4)
            out.append(Overlay(img.path, x, y, start, end, fade, fade))
    return tuple(out)


def title_overlays(plan: Plan) -> tuple[Overlay, ...]:
    """The title card(s), shrinking the type until the title fits in three lines."""
    out: list[Overlay] = []
    theme = theme_for(plan.theme)
    total = ms_to_frame(plan.duration_ms)
    for title in plan.titles:
        px = title_font_px(plan.width, plan.height)
        while True:
            font = load_font(px, bold=True)
            lines = break_lines(
                title.text, title_max_width(plan.width, plan.height, px), font.getlength
            )
            if len(lines) <= TITLE_MAX_LINES or px <= 36:
                break
            px = int(px * 0.88)
        img = draw_title(lines[: TITLE_MAX_LINES + 1], px, theme.accent)
        x, y = title_xy(plan.width, plan.height, img.width, img.height)
        start, end = ms_to_frame(title.start_ms), min(ms_to_frame(title.end_ms), total)
        if end - start < 2:
            continue
        fade = min(FPS * 2 // 5, (end - start) // 4)
        rise = round(min(plan.width, plan.height) * 0.03)
        out.append(Overlay(img.path, x, y, start, end, fade, fade, rise))
    return tuple(out)
