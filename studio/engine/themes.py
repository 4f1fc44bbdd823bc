"""Colour themes for generated backgrounds and text accents (pure)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

__all__ = ["DEFAULT_THEME", "THEMES", "Theme", "theme_for"]

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Theme:
    """A background gradient (top → bottom), glow colours and an accent for titles."""

    name: str
    top: RGB
    bottom: RGB
    glows: tuple[RGB, ...]
    accent: RGB
    label: str


THEMES: dict[str, Theme] = {
    t.name: t
    for t in (
        Theme(
            "sakura",
            (255, 214, 226),
            (214, 112, 152),
            ((255, 240, 245), (255, 182, 206)),
            (214, 51, 108),
            "さくら",
        ),
        Theme(
            "ocean",
            (118, 203, 235),
            (18, 62, 128),
            ((190, 240, 255), (80, 160, 230)),
            (0, 112, 192),
            "オーシャン",
        ),
        Theme(
            "forest",
            (170, 214, 140),
            (30, 86, 60),
            ((230, 250, 200), (120, 190, 110)),
            (46, 125, 50),
            "フォレスト",
        ),
        Theme(
            "sunset",
            (255, 196, 120),
            (142, 52, 120),
            ((255, 230, 170), (255, 130, 110)),
            (230, 81, 0),
            "サンセット",
        ),
        Theme(
            "night",
            (58, 64, 140),
            (12, 14, 40),
            ((150, 140, 255), (90, 200, 255)),
            (124, 77, 255),
            "ナイト",
        ),
        Theme(
            "cafe",
            (226, 196, 160),
            (92, 60, 40),
            ((255, 236, 200), (200, 150, 100)),
            (121, 85, 72),
            "カフェ",
        ),
        Theme(
            "fresh",
            (220, 250, 210),
            (60, 180, 170),
            ((255, 255, 200), (150, 230, 200)),
            (0, 150, 136),
            "フレッシュ",
        ),
        Theme(
            "corporate",
            (200, 214, 230),
            (40, 60, 96),
            ((235, 242, 250), (120, 150, 200)),
            (21, 101, 192),
            "コーポレート",
        ),
        Theme(
            "pop",
            (255, 226, 90),
            (255, 90, 140),
            ((255, 255, 210), (120, 220, 255)),
            (233, 30, 99),
            "ポップ",
        ),
        Theme(
            "mono",
            (236, 236, 236),
            (70, 70, 76),
            ((255, 255, 255), (180, 180, 190)),
            (40, 40, 40),
            "モノクロ",
        ),
    )
}
DEFAULT_THEME = "sakura"


def theme_for(name: str | None) -> Theme:
    """The named theme; an unknown name maps to a stable theme of its own (never an error)."""
    if not name:
        return THEMES[DEFAULT_THEME]
    key = str(name).strip().lower()
    if key in THEMES:
        return THEMES[key]
    names = sorted(THEMES)
    return THEMES[names[zlib.crc32(key.encode("utf-8")) % len(names)]]
