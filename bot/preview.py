"""Preview images for video messages, when the backend gives none.

LINE requires a preview (JPEG or PNG, at most 1 MB, the video's aspect ratio). The
bot grabs a frame of the finished video with ffmpeg (it reads only what it needs over
HTTP); failing that it draws a plain poster of the right shape.
"""

from __future__ import annotations

import asyncio
import io
import shutil

import structlog
from PIL import Image, ImageDraw

log = structlog.get_logger(__name__)

MAX_BYTES = 1_000_000


def aspect_size(aspect: str | None, long_side: int = 960) -> tuple[int, int]:
    """Pixel size for an aspect like ``9:16`` (portrait by default)."""
    try:
        w, h = (float(x) for x in (aspect or "9:16").split(":"))
    except ValueError:
        w, h = 9.0, 16.0
    if w <= 0 or h <= 0:
        w, h = 9.0, 16.0
    if w >= h:
        return long_side, max(2, round(long_side * h / w))
    return max(2, round(long_side * w / h)), long_side


def placeholder(aspect: str | None) -> bytes:
    """A dark poster with a play mark, in the video's shape."""
    width, height = aspect_size(aspect)
    image = Image.new("RGB", (width, height), (24, 28, 40))
    draw = ImageDraw.Draw(image)
    r = min(width, height) // 8
    cx, cy = width // 2, height // 2
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 255, 255))
    draw.polygon(
        [(cx - r // 3, cy - r // 2), (cx - r // 3, cy + r // 2), (cx + r // 2, cy)],
        fill=(24, 28, 40),
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


async def frame_of(url: str, limit_seconds: float = 20.0) -> bytes | None:
    """A JPEG frame from early in the video at `url`, or None."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return None
    process = await asyncio.create_subprocess_exec(
        ffmpeg,
        "-nostdin",
        "-loglevel",
        "error",
        "-ss",
        "1",
        "-i",
        url,
        "-frames:v",
        "1",
        "-vf",
        "scale='min(720,iw)':-2",
        "-q:v",
        "5",
        "-f",
        "image2",
        "-c:v",
        "mjpeg",
        "pipe:1",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        out, _ = await asyncio.wait_for(process.communicate(), limit_seconds)
    except TimeoutError:
        process.kill()
        await process.wait()
        return None
    if process.returncode != 0 or not out or len(out) > MAX_BYTES:
        log.info("preview.frame_failed", code=process.returncode)
        return None
    return out


async def make(url: str, aspect: str | None) -> bytes:
    """A preview for the video at `url`: a real frame when possible."""
    return await frame_of(url) or placeholder(aspect)
