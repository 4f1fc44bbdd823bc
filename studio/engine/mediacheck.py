"""Measure rendered files (streams, frames, loudness): used by tests and the benchmark."""

from __future__ import annotations

import math
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .probe import ffmpeg_bin, ffprobe_json

__all__ = [
    "OutputInfo",
    "audio_rms_db",
    "audio_samples",
    "frame_rgb",
    "ink_rows",
    "moov_first",
    "output_info",
]


@dataclass(frozen=True)
class OutputInfo:
    """The facts of a rendered MP4 that LINE and the acceptance criteria care about."""

    format_name: str
    duration_s: float
    size_bytes: int
    video_codec: str
    audio_codec: str | None
    width: int
    height: int
    pix_fmt: str
    fps: float
    audio_rate: int | None
    audio_channels: int | None


def output_info(path: Path) -> OutputInfo:
    """ffprobe ``path``."""
    data = ffprobe_json(path, timeout=60)
    video = next(s for s in data["streams"] if s["codec_type"] == "video")
    audio = next((s for s in data["streams"] if s["codec_type"] == "audio"), None)
    num, _, den = str(video.get("avg_frame_rate", "0/1")).partition("/")
    return OutputInfo(
        format_name=data["format"]["format_name"],
        duration_s=float(data["format"]["duration"]),
        size_bytes=int(data["format"]["size"]),
        video_codec=video["codec_name"],
        audio_codec=audio["codec_name"] if audio else None,
        width=int(video["width"]),
        height=int(video["height"]),
        pix_fmt=video["pix_fmt"],
        fps=float(num) / float(den or 1) if float(den or 1) else 0.0,
        audio_rate=int(audio["sample_rate"]) if audio else None,
        audio_channels=int(audio["channels"]) if audio else None,
    )


def moov_first(path: Path) -> bool:
    """True when the MP4's ``moov`` box precedes ``mdat`` (faststart: playable while loading)."""
    with path.open("rb") as fh:
        while True:
            header = fh.read(8)
            if len(header) < 8:
                return False
            size = int.from_bytes(header[:4], "big")
            kind = header[4:8]
            if kind == b"moov":
                return True
            if kind == b"mdat":
                return False
            if size == 1:
                size = int.from_bytes(fh.read(8), "big")
                fh.seek(size - 16, 1)
            elif size < 8:
                return False
            else:
                fh.seek(size - 8, 1)


def frame_rgb(path: Path, at_s: float) -> npt.NDArray[np.uint8]:
    """The frame at ``at_s`` seconds as an (h, w, 3) RGB array."""
    info = output_info(path)
    raw = subprocess.run(
        [
            ffmpeg_bin(),
            "-v",
            "error",
            "-ss",
            f"{at_s:.3f}",
            "-i",
            str(path),
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-",
        ],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    return np.frombuffer(raw, np.uint8).reshape(info.height, info.width, 3)


def audio_samples(
    path: Path, start_s: float = 0.0, end_s: float | None = None
) -> npt.NDArray[np.float32]:
    """Mono float samples (48 kHz) of the file's audio between ``start_s`` and ``end_s``."""
    args = [ffmpeg_bin(), "-v", "error", "-ss", f"{start_s:.3f}", "-i", str(path)]
    if end_s is not None:
        args += ["-t", f"{max(end_s - start_s, 0.001):.3f}"]
    # Average the channels (plain -ac 1 sums them at +3 dB).
    args += ["-vn", "-af", "pan=mono|c0=0.5*c0+0.5*c1", "-ar", "48000", "-f", "f32le", "-"]
    raw = subprocess.run(args, capture_output=True, check=True, timeout=60).stdout
    return np.frombuffer(raw, "<f4").copy()


def audio_rms_db(path: Path, start_s: float = 0.0, end_s: float | None = None) -> float:
    """RMS level in dBFS of the audio between the two times (-inf for digital silence)."""
    samples = audio_samples(path, start_s, end_s)
    if samples.size == 0:
        return -math.inf
    rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))
    return 20 * math.log10(rms) if rms > 0 else -math.inf


def ink_rows(frame: npt.NDArray[np.uint8], band: tuple[int, int]) -> int:
    """Rows between ``band``'s two row numbers that hold white text (captions, titles)."""
    region = frame[band[0] : band[1]]
    return int(((region.min(axis=2) > 235).sum(axis=1) > 3).sum())
