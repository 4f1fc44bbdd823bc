"""Find a Japanese (CJK) font installed on the OS, with graceful fallbacks."""

from __future__ import annotations

import functools
import logging
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

__all__ = ["FontFace", "find_font", "load_font"]

log = logging.getLogger(__name__)

_PATTERNS = {
    True: (
        "Noto Sans CJK JP:style=Bold",
        "Noto Sans JP:style=Bold",
        "IPAexGothic",
        "sans:lang=ja:bold",
    ),
    False: ("Noto Sans CJK JP:style=Regular", "Noto Sans JP", "IPAexGothic", "sans:lang=ja"),
}
_KNOWN = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
)


@dataclass(frozen=True)
class FontFace:
    """A font file and the face index inside it (TTC collections hold several)."""

    path: str
    index: int


def _covers_japanese(path: str, index: int) -> bool:
    try:
        font = ImageFont.truetype(path, 32, index=index)
    except OSError:
        return False
    # A font without kana draws every glyph as the same .notdef box.
    boxes = {font.getmask(ch).getbbox() for ch in "あ漢カ"}
    return font.getlength("あ") > 0 and len(boxes) > 1


@functools.cache
def find_font(bold: bool = True) -> FontFace | None:
    """The best Japanese font fontconfig knows, or a known path; ``None`` if there is none."""
    for pattern in _PATTERNS[bold]:
        try:
            out = subprocess.run(
                ["fc-match", "-f", "%{file}|%{index}", pattern],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout
        except (OSError, subprocess.TimeoutExpired):
            break
        path, _, index = out.partition("|")
        if path and Path(path).exists():
            idx = int(index) if index.strip().isdigit() else 0
            if _covers_japanese(path, idx):
                return FontFace(path, idx)
    for path in _KNOWN:
        if Path(path).exists() and _covers_japanese(path, 0):
            return FontFace(path, 0)
    log.warning("no Japanese font found: text will be drawn with Pillow's default font")
    return None


@functools.lru_cache(maxsize=64)
def load_font(size: int, bold: bool = True) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A Pillow font of ``size`` px (falls back to Pillow's bundled font)."""
    face = find_font(bold) or find_font(not bold)
    if face is not None:
        return ImageFont.truetype(face.path, size, index=face.index)
    return ImageFont.load_default(size=size)
