"""Scene backgrounds ("plates"): uploaded photos cover-cropped, or themed gradients."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from .cache import cache_key, cache_path, temp_sibling
from .themes import Theme

__all__ = ["PLATE_SCALE", "PLATE_VARIANTS", "gradient_plate", "photo_plate", "plate_size"]

#: Plates are larger than the frame so zoom and pan never reveal an edge or upscale a photo.
PLATE_SCALE = 1.2
#: Gradient plates per theme and size: scene i uses variant i % PLATE_VARIANTS.
PLATE_VARIANTS = 8
_VERSION = 4


def plate_size(width: int, height: int) -> tuple[int, int]:
    """Plate size for a ``width`` x ``height`` frame (even numbers for yuv420p)."""
    return (int(width * PLATE_SCALE) // 2 * 2, int(height * PLATE_SCALE) // 2 * 2)


def _save_jpeg(img: Image.Image, dest: Path) -> Path:
    tmp = temp_sibling(dest)
    img.save(tmp, "JPEG", quality=90, subsampling=0)
    tmp.replace(dest)
    return dest


def photo_plate(src: Path, width: int, height: int) -> Path:
    """``src`` (any image Pillow reads; first frame of GIF/WebP) cover-cropped to a plate."""
    st = src.stat()
    pw, ph = plate_size(width, height)
    dest = cache_path(
        "plates", cache_key("photo", _VERSION, str(src), st.st_size, st.st_mtime_ns, pw, ph), ".jpg"
    )
    if dest.exists():
        return dest
    with Image.open(src) as im:
        im.seek(0)
        img = ImageOps.exif_transpose(im.convert("RGBA") if im.mode in ("P", "LA") else im)
        if img.mode == "RGBA":
            flat = Image.new("RGB", img.size, (255, 255, 255))
            flat.paste(img, mask=img.getchannel("A"))
            img = flat
        img = img.convert("RGB")
        img.draft("RGB", (pw, ph))
        fitted = ImageOps.fit(img, (pw, ph), method=Image.Resampling.LANCZOS, centering=(0.5, 0.45))
    return _save_jpeg(fitted, dest)


def _disc(
    xx: np.ndarray, yy: np.ndarray, cx: float, cy: float, r: float, soft: float
) -> np.ndarray:
    """Coverage (0..1) of a disc with a feathered edge ``soft`` (share of the radius)."""
    dist = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2)
    return np.clip((r - dist) / max(r * soft, 1.0), 0.0, 1.0)


def gradient_plate(theme: Theme, width: int, height: int, variant: int) -> Path:
    """A themed background: diagonal gradient, two large soft glows, a diagonal light
    band and out-of-focus "bokeh" discs, with a gentle vignette.

    ``variant`` (the scene index) moves the light so consecutive scenes differ.
    """
    variant %= PLATE_VARIANTS  # scenes 0 and 8 share a file, so they must share a picture
    pw, ph = plate_size(width, height)
    dest = cache_path("plates", cache_key("gradient", _VERSION, theme, pw, ph, variant), ".jpg")
    if dest.exists():
        return dest
    rng = np.random.default_rng(variant * 7919 + 17)
    # Work at half size: the image is soft, and upscaling keeps it cheap.
    sw, sh = max(pw // 2, 8), max(ph // 2, 8)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    u, v = xx / sw, yy / sh
    angle = math.radians(55 + (variant % 4) * 30)
    proj = u * math.cos(angle) + v * math.sin(angle)
    proj = (proj - proj.min()) / max(float(proj.max() - proj.min()), 1e-6)
    top = np.array(theme.top, np.float32)
    bottom = np.array(theme.bottom, np.float32)
    img = top * (1 - proj[..., None]) + bottom * proj[..., None]

    def blend(
        colour: tuple[int, int, int], alpha: np.ndarray, box: tuple[slice, slice] | None = None
    ) -> None:
        c = np.array(colour, np.float32)
        region = img if box is None else img[box]
        region *= 1 - alpha[..., None]
        region += c * alpha[..., None]

    # Two large glows give the gradient depth (a "mesh gradient" look).
    for k in range(2):
        cx, cy = rng.uniform(0.1, 0.9) * sw, (0.2 + 0.6 * k + rng.uniform(-0.1, 0.1)) * sh
        r = rng.uniform(0.45, 0.7) * max(sw, sh)
        dist = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) / r
        blend(theme.glows[k % len(theme.glows)], np.clip(1 - dist, 0, 1) ** 1.6 * 0.55)
    # A soft diagonal light band.
    offset = rng.uniform(0.3, 0.7)
    band = np.exp(-(((u - v * 0.6) - offset + 0.3) ** 2) / 0.01)
    blend((255, 255, 255), band.astype(np.float32) * 0.10)
    # Bokeh: discs of light at different sizes and strengths.
    small = min(sw, sh)
    for _ in range(16):
        cx, cy = rng.uniform(0, 1) * sw, rng.uniform(0, 1) * sh
        r = rng.uniform(0.03, 0.11) * small
        colour = (
            theme.glows[int(rng.integers(len(theme.glows)))]
            if rng.uniform() < 0.5
            else (255, 255, 255)
        )
        strength = rng.uniform(0.10, 0.28)
        y0, y1 = max(int(cy - r) - 1, 0), min(int(cy + r) + 2, sh)
        x0, x1 = max(int(cx - r) - 1, 0), min(int(cx + r) + 2, sw)
        if y1 <= y0 or x1 <= x0:
            continue
        box = (slice(y0, y1), slice(x0, x1))
        blend(colour, _disc(xx[box], yy[box], cx, cy, r, 0.35) * strength, box)
    # Vignette: darker edges keep white text readable and focus the eye.
    edge = np.clip(((u - 0.5) * 2) ** 2 + ((v - 0.5) * 2) ** 2, 0, 2) / 2
    img *= (1.0 - 0.25 * edge)[..., None]
    half = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB").filter(
        ImageFilter.GaussianBlur(1.5)
    )
    big = half.resize((pw, ph), Image.Resampling.BILINEAR)
    # Fine grain hides banding in the H.264 encode of smooth gradients; one tile, repeated.
    tile = rng.integers(-2, 3, (256, 256, 1), dtype=np.int16)
    grain = np.tile(tile, (ph // 256 + 1, pw // 256 + 1, 1))[:ph, :pw]
    arr = np.clip(np.asarray(big, np.int16) + grain, 0, 255).astype(np.uint8)
    return _save_jpeg(Image.fromarray(arr, "RGB"), dest)
