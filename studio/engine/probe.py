"""ffprobe/ffmpeg helpers for media files."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["MediaInfo", "ffmpeg_bin", "ffprobe_bin", "ffprobe_json", "probe"]


def ffmpeg_bin() -> str:
    """Path of the ffmpeg executable."""
    return shutil.which("ffmpeg") or "/usr/bin/ffmpeg"


def ffprobe_bin() -> str:
    """Path of the ffprobe executable."""
    return shutil.which("ffprobe") or "/usr/bin/ffprobe"


@dataclass(frozen=True)
class MediaInfo:
    """What ffprobe says about a file (display size accounts for rotation)."""

    format_name: str
    duration_ms: int | None
    video_codec: str | None
    audio_codec: str | None
    width: int | None
    height: int | None
    pix_fmt: str | None
    frames_are_image: bool


def _rotation(stream: dict[str, Any]) -> int:
    rot = stream.get("tags", {}).get("rotate")
    if rot is not None:
        try:
            return int(rot) % 360
        except ValueError:
            return 0
    for side in stream.get("side_data_list", []) or []:
        if "rotation" in side:
            try:
                return int(float(side["rotation"])) % 360
            except (TypeError, ValueError):
                return 0
    return 0


def ffprobe_json(path: Path, timeout: float = 30.0) -> dict[str, Any]:
    """ffprobe's format and streams of ``path`` (raises when ffprobe cannot read it)."""
    out = subprocess.run(
        [ffprobe_bin(), "-v", "error", "-print_format", "json", "-show_format",
         "-show_streams", str(path)],
        capture_output=True,
        timeout=timeout,
        check=True,
    ).stdout  # fmt: skip
    data = json.loads(out or b"{}")
    return data if isinstance(data, dict) else {}


def probe(path: Path, timeout: float = 30.0) -> MediaInfo | None:
    """Probe ``path``; ``None`` when ffprobe cannot read it."""
    try:
        data = ffprobe_json(path, timeout)
    except (OSError, subprocess.SubprocessError, json.JSONDecodeError):
        return None
    streams: list[dict[str, Any]] = data.get("streams", [])
    fmt: dict[str, Any] = data.get("format", {})
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    duration: int | None = None
    for src in (fmt, video or {}, audio or {}):
        try:
            duration = round(float(src["duration"]) * 1000)
            break
        except (KeyError, TypeError, ValueError):
            continue
    width = height = None
    if video is not None:
        width, height = video.get("width"), video.get("height")
        if width and height and _rotation(video) in (90, 270):
            width, height = height, width
    image_codecs = {"mjpeg", "png", "webp", "gif", "bmp", "tiff"}
    return MediaInfo(
        format_name=str(fmt.get("format_name", "")),
        duration_ms=duration,
        video_codec=video.get("codec_name") if video else None,
        audio_codec=audio.get("codec_name") if audio else None,
        width=int(width) if width else None,
        height=int(height) if height else None,
        pix_fmt=video.get("pix_fmt") if video else None,
        frames_are_image=bool(video and video.get("codec_name") in image_codecs),
    )


def decodes(path: Path, stream: str, timeout: float = 60.0) -> bool:
    """True when ffmpeg decodes the first second of ``stream`` ('v' or 'a') without error."""
    try:
        proc = subprocess.run(
            [
                ffmpeg_bin(),
                "-v",
                "error",
                "-xerror",
                "-t",
                "1",
                "-i",
                str(path),
                "-map",
                f"0:{stream}:0",
                "-f",
                "null",
                "-",
            ],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0
