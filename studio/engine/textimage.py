"""Draw captions and titles as tightly cropped RGBA PNGs (cached by content)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from .cache import cache_key, cache_path, temp_sibling
from .fonts import find_font, load_font
from .placement import optical_shift

__all__ = ["TextImage", "draw_caption", "draw_title"]

_VERSION = 4
RGB = tuple[int, int, int]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class TextImage:
    """A rendered text block and its pixel size."""

    path: Path
    width: int
    height: int


def _line_metrics(font: Font, size: int) -> tuple[int, int]:
    """(ascent, line pitch) for ``font``; CJK needs about 1.4 em between baselines."""
    if isinstance(font, ImageFont.FreeTypeFont):
        ascent, _descent = font.getmetrics()
    else:
        ascent = size
    return ascent, round(size * 1.42)


def _draw_block(
    lines: list[str],
    size: int,
    *,
    text_rgb: RGB,
    box_rgba: tuple[int, int, int, int],
    pad_x: int,
    pad_y: int,
    radius: int,
    shadow: bool,
) -> Image.Image:
    font = load_font(size, bold=True)
    ascent, pitch = _line_metrics(font, size)
    widths = [font.getlength(line) for line in lines]
    text_w = int(max(widths, default=0)) + 2
    # Glyph boxes in Noto CJK sit inside [ascent-size, ascent+0.2em]: trim the leading.
    text_h = pitch * (len(lines) - 1) + round(size * 1.16)
    margin = max(4, size // 6) if shadow else 0
    w, h = text_w + 2 * pad_x + 2 * margin, text_h + 2 * pad_y + 2 * margin
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    if box_rgba[3] > 0:
        box = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        ImageDraw.Draw(box).rounded_rectangle(
            (margin, margin, w - 1 - margin, h - 1 - margin), radius=radius, fill=box_rgba
        )
        img.alpha_composite(box)
    top = margin + pad_y - round(ascent - size * 0.96)
    if shadow:
        shade = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        sd = ImageDraw.Draw(shade)
        off = max(2, size // 24)
        for i, line in enumerate(lines):
            sd.text(
                (w / 2 + optical_shift(line, size) + off, top + i * pitch + off),
                line,
                font=font,
                anchor="ma",
                fill=(0, 0, 0, 150),
            )
        img.alpha_composite(shade.filter(ImageFilter.GaussianBlur(max(1, size // 20))))
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        x = w / 2 + optical_shift(line, size)
        draw.text((x, top + i * pitch), line, font=font, anchor="ma", fill=(*text_rgb, 255))
    return img


def _cached(kind: str, params: tuple[object, ...]) -> Path:
    face = find_font(True)
    key = cache_key(kind, _VERSION, face.path if face else None, params)
    return cache_path("text", key, ".png")


def _save(img: Image.Image, dest: Path) -> TextImage:
    tmp = temp_sibling(dest)
    img.save(tmp, "PNG", compress_level=1)  # speed matters more than bytes here
    tmp.replace(dest)
    return TextImage(dest, img.width, img.height)


def _load(dest: Path) -> TextImage | None:
    if not dest.exists():
        return None
    try:
        with Image.open(dest) as im:
            return TextImage(dest, im.width, im.height)
    except OSError:
        return None


def draw_caption(lines: list[str], size: int) -> TextImage:
    """A subtitle page: white bold text on a rounded translucent dark box."""
    params: tuple[object, ...] = (tuple(lines), size)
    dest = _cached("caption", params)
    hit = _load(dest)
    if hit is not None:
        return hit
    img = _draw_block(
        lines,
        size,
        text_rgb=(255, 255, 255),
        box_rgba=(12, 12, 20, 168),
        pad_x=round(size * 0.6),
        pad_y=round(size * 0.38),
        radius=round(size * 0.45),
        shadow=False,
    )
    return _save(img, dest)


def draw_title(lines: list[str], size: int, accent: RGB) -> TextImage:
    """The title card: large white text on the theme's accent colour, with a soft shadow."""
    params: tuple[object, ...] = (tuple(lines), size, accent)
    dest = _cached("title", params)
    hit = _load(dest)
    if hit is not None:
        return hit
    img = _draw_block(
        lines,
        size,
        text_rgb=(255, 255, 255),
        box_rgba=(*accent, 226),
        pad_x=round(size * 0.7),
        pad_y=round(size * 0.5),
        radius=round(size * 0.3),
        shadow=True,
    )
    return _save(img, dest)
