"""Read and write 16-bit PCM WAV files as float32 numpy arrays."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .cache import temp_sibling

__all__ = ["SAMPLE_RATE", "read_wav", "wav_ms", "write_wav"]

SAMPLE_RATE = 48_000
Audio = npt.NDArray[np.float32]


def write_wav(path: Path, samples: Audio, rate: int = SAMPLE_RATE) -> Path:
    """Write mono (n,) or stereo (n, 2) float samples in [-1, 1] atomically."""
    data = np.clip(samples, -1.0, 1.0)
    channels = 1 if data.ndim == 1 else data.shape[1]
    pcm = (data * 32767.0).astype("<i2")
    tmp = temp_sibling(path)
    with wave.open(str(tmp), "wb") as wf:
        wf.setnchannels(channels)
        wf.setsampwidth(2)
        wf.setframerate(rate)
        wf.writeframes(pcm.tobytes())
    tmp.replace(path)
    return path


def wav_ms(path: Path) -> int:
    """Length of a WAV file in ms, from its header."""
    with wave.open(str(path), "rb") as wf:
        return round(wf.getnframes() * 1000 / wf.getframerate())


def read_wav(path: Path) -> tuple[Audio, int]:
    """Samples as float32, shape (n,) for mono or (n, channels), and the sample rate."""
    with wave.open(str(path), "rb") as wf:
        channels, rate, frames = wf.getnchannels(), wf.getframerate(), wf.getnframes()
        raw = wf.readframes(frames)
    data = np.frombuffer(raw, "<i2").astype(np.float32) / 32767.0
    if channels > 1:
        data = data.reshape(-1, channels)
    return data, rate
