"""Where text goes on the frame and when: sizes, safe margins, pages, voice timing (pure)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "caption_font_px",
    "caption_max_width",
    "caption_xy",
    "optical_shift",
    "place_voices",
    "split_span",
    "title_font_px",
    "title_max_width",
    "title_xy",
]

#: Caption height as a share of the frame's short side, per subtitle size.
_CAPTION_EM = {"s": 0.046, "m": 0.058, "l": 0.074}
CAPTION_MAX_LINES = 2
TITLE_MAX_LINES = 3


def _portrait(width: int, height: int) -> bool:
    return height > width


def caption_font_px(size: str, width: int, height: int) -> int:
    """Subtitle font size in px: s, m or l (m when unknown)."""
    return round(min(width, height) * _CAPTION_EM.get(size, _CAPTION_EM["m"]))


def caption_max_width(width: int, height: int, font_px: int) -> int:
    """Widest a caption's text may be: inside side margins, minus the box padding."""
    share = 0.84 if width <= height else 0.66
    return int(width * share) - round(font_px * 1.2)


def caption_xy(width: int, height: int, box_w: int, box_h: int) -> tuple[int, int]:
    """Top-left of a caption box: centred, above the bottom safe margin.

    Portrait video keeps clear of the bottom 14 % where players draw their controls.
    """
    bottom = 0.14 if _portrait(width, height) else (0.09 if width == height else 0.08)
    x = (width - box_w) // 2
    y = int(height * (1 - bottom)) - box_h
    return max(0, x), max(0, y)


def title_font_px(width: int, height: int) -> int:
    """Title font size in px."""
    return round(min(width, height) * (0.082 if _portrait(width, height) else 0.075))


def title_max_width(width: int, height: int, font_px: int) -> int:
    """Widest a title line may be."""
    share = 0.82 if width <= height else 0.62
    return int(width * share) - round(font_px * 1.4)


def title_xy(width: int, height: int, box_w: int, box_h: int) -> tuple[int, int]:
    """Top-left of the title card: centred a little above the middle (optical centre)."""
    centre_y = height * (0.40 if _portrait(width, height) else 0.42)
    return max(0, (width - box_w) // 2), max(0, int(centre_y - box_h / 2))


#: Punctuation whose glyph fills only one half of its em box.
_LEFT_HALF = frozenset("、。，．」』）】〕")
_RIGHT_HALF = frozenset("「『（【〔")


def optical_shift(line: str, size: int) -> float:
    """Horizontal nudge (px) that centres ``line`` by its ink, not its advance: a trailing
    、。」 or a leading 「 leaves half an em of blank space that would pull it off-centre."""
    shift = 0.0
    if line and line[-1] in _LEFT_HALF:
        shift += size * 0.25
    if line and line[0] in _RIGHT_HALF:
        shift -= size * 0.25
    return shift


def split_span(start_ms: int, end_ms: int, weights: Sequence[float]) -> list[tuple[int, int]]:
    """Cut [start, end) into consecutive spans proportional to ``weights`` (e.g. characters)."""
    if not weights:
        return []
    total = float(sum(max(w, 0.0) for w in weights)) or float(len(weights))
    spans: list[tuple[int, int]] = []
    acc = 0.0
    cursor = start_ms
    for i, weight in enumerate(weights):
        acc += max(weight, 0.0) if sum(weights) > 0 else 1.0
        end = (
            end_ms if i == len(weights) - 1 else start_ms + round((end_ms - start_ms) * acc / total)
        )
        spans.append((cursor, end))
        cursor = end
    return spans


def place_voices(starts: Sequence[int], durations: Sequence[int], gap_ms: int = 120) -> list[int]:
    """Start times for narration lines: as asked, but never over the previous line."""
    placed: list[int] = []
    prev_end = -gap_ms
    for start, dur in zip(starts, durations, strict=True):
        at = max(start, prev_end + gap_ms) if placed else max(start, 0)
        placed.append(at)
        prev_end = at + dur
    return placed
