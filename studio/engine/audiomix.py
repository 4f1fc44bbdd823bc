"""Mix narration, generated music and uploaded audio into one WAV for the encoder."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import music
from .probe import ffmpeg_bin
from .timeline import AudioPlan, BgmPlan
from .wavio import SAMPLE_RATE, Audio, read_wav, write_wav

__all__ = ["PlacedVoice", "duck_envelope", "mix_audio", "soft_limit"]

#: Music under speech drops to this share (about -6 dB): the voice stays intelligible.
DUCK_GAIN = 0.5
#: Peaks above the knee are bent smoothly so the mix never reaches the ceiling (no clipping).
LIMIT_KNEE = 0.8
LIMIT_CEILING = 0.98


@dataclass(frozen=True)
class PlacedVoice:
    """A narration WAV and where it starts."""

    path: Path
    start_ms: int


def duck_envelope(active: Audio, rate: int = SAMPLE_RATE, smooth_s: float = 0.15) -> Audio:
    """Gain curve (1 → DUCK_GAIN) from a 0/1 speech mask, smoothed so the music does not pump."""
    step = rate // 100  # the envelope is slow: work at 100 Hz
    count = len(active)
    coarse = np.pad(active, (0, (-count) % step)).reshape(-1, step).max(axis=1)
    width = max(int(smooth_s * 100), 1)
    smooth = np.convolve(coarse, np.ones(width, np.float32) / width, mode="same")
    level = np.clip(smooth * 2.0, 0.0, 1.0)
    return np.repeat(1.0 - (1.0 - DUCK_GAIN) * level, step)[:count].astype(np.float32)


def _decode(path: Path, seconds: float) -> Audio:
    """Decode any audio file to 48 kHz stereo float32 with ffmpeg."""
    proc = subprocess.run(
        [
            ffmpeg_bin(),
            "-v",
            "error",
            "-nostdin",
            "-i",
            str(path),
            "-t",
            f"{seconds:.3f}",
            "-f",
            "f32le",
            "-ac",
            "2",
            "-ar",
            str(SAMPLE_RATE),
            "-",
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    if proc.returncode != 0:
        return np.zeros((0, 2), np.float32)
    return np.frombuffer(proc.stdout, "<f4").reshape(-1, 2).copy()


def _add(buf: Audio, sound: Audio, start: int, gain: float | Audio = 1.0) -> None:
    if start >= buf.shape[0] or sound.shape[0] == 0:
        return
    end = min(buf.shape[0], start + sound.shape[0])
    part = sound[: end - start]
    part = part * gain[start:end, None] if isinstance(gain, np.ndarray) else part * gain
    buf[start:end] += part


def mix_audio(
    total_ms: int,
    voices: Sequence[PlacedVoice],
    bgm: Sequence[BgmPlan],
    audios: Sequence[AudioPlan],
    media: Mapping[str, Path],
    dest: Path,
) -> Path:
    """Write the mixed 48 kHz stereo soundtrack of ``total_ms`` to ``dest``."""
    n = int(total_ms * SAMPLE_RATE / 1000)
    buf = np.zeros((n, 2), np.float32)
    speech = np.zeros(n, np.float32)
    for voice in voices:
        samples, _rate = read_wav(voice.path)
        start = int(voice.start_ms * SAMPLE_RATE / 1000)
        mono = samples if samples.ndim == 1 else samples.mean(axis=1)
        _add(buf, np.repeat(mono[:, None], 2, axis=1), start)
        speech[start : start + mono.shape[0]] = 1.0
    duck = duck_envelope(speech) if voices else None
    for plan in bgm:
        if plan.volume <= 0 or plan.end_ms <= plan.start_ms:
            continue
        track, _rate = read_wav(music.bgm_wav(plan.mood, plan.end_ms - plan.start_ms))
        gain = plan.volume / 100.0
        start = int(plan.start_ms * SAMPLE_RATE / 1000)
        _add(buf, track, start, duck * gain if duck is not None else gain)
    for item in audios:
        src = media.get(item.source)
        if src is None or item.volume <= 0:
            continue
        clip = _decode(src, (item.end_ms - item.start_ms) / 1000)
        _add(buf, clip, int(item.start_ms * SAMPLE_RATE / 1000), item.volume / 100.0)
    return write_wav(dest, soft_limit(buf).astype(np.float32))


def soft_limit(buf: Audio, knee: float = LIMIT_KNEE, ceiling: float = LIMIT_CEILING) -> Audio:
    """Bend only the peaks above ``knee`` towards ``ceiling``: no clipping, and everything
    quieter passes untouched (a limiter that scaled the whole mix would change the
    balance the user chose: measured +2.7 dB on quiet music)."""
    level = np.abs(buf)
    if level.size == 0 or float(level.max()) <= knee:
        return buf
    room = ceiling - knee
    bent = knee + room * np.tanh((level - knee) / room)  # slope 1 at the knee, < ceiling
    return np.where(level > knee, np.sign(buf) * bent, buf).astype(np.float32)
