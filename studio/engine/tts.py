"""Offline Japanese narration with pyopenjtalk (bundled dictionary and Mei voice), cached."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import threading
import warnings
from pathlib import Path

import numpy as np

from .cache import cache_key, cache_path
from .errors import RenderError
from .wavio import SAMPLE_RATE, Audio, wav_ms, write_wav

__all__ = ["VOICES", "clamp_speed", "narration_ms", "narration_wav"]

log = logging.getLogger(__name__)

VOICES = ("mei",)
_VERSION = 2
_LOCK = threading.Lock()
_DURATIONS: dict[tuple[str, float], int] = {}
#: Silence kept around a synthesised sentence, so consecutive lines do not run together.
_PAD_S = 0.08
#: RMS level of narration (about -17 dBFS): clearly above music at volume 35.
_TARGET_RMS = 0.14


def clamp_speed(speed: float) -> float:
    """Speed limited to the draft's range, 0.5–2.0 (1.0 when not a number)."""
    try:
        value = float(speed)
    except (TypeError, ValueError):
        return 1.0
    if value != value:  # NaN
        return 1.0
    return round(min(2.0, max(0.5, value)), 3)


def _pyopenjtalk() -> object:
    # pyopenjtalk-plus ships its dictionary in the wheel; pin it explicitly so no code path
    # ever looks elsewhere (the upstream package downloads one on first use).
    if "OPEN_JTALK_DICT_DIR" not in os.environ:
        import importlib.util

        spec = importlib.util.find_spec("pyopenjtalk")
        if spec and spec.origin:
            bundled = Path(spec.origin).parent / "dictionary"
            if (bundled / "sys.dic").exists():
                os.environ["OPEN_JTALK_DICT_DIR"] = str(bundled)
    # Its optional ONNX model prints a warning to stdout on import; keep stdout clean.
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        import pyopenjtalk
    return pyopenjtalk


def _clean(text: str) -> str:
    return " ".join(text.split())


def _trim(samples: Audio) -> Audio:
    """Drop the synthesiser's leading and trailing silence, keeping a short pad."""
    if samples.size == 0:  # punctuation alone synthesises to nothing
        return samples
    level = np.abs(samples)
    loud = np.flatnonzero(level > 0.01 * max(float(level.max()), 1e-9))
    if loud.size == 0:
        return samples[:0]
    pad = int(_PAD_S * SAMPLE_RATE)
    return samples[max(0, int(loud[0]) - pad) : int(loud[-1]) + pad]


def _synthesise(text: str, speed: float) -> Audio:
    pj = _pyopenjtalk()
    with _LOCK:  # the HTS engine is a process-wide singleton
        wav, rate = pj.tts(text, speed=speed, predict_nani=False)  # type: ignore[attr-defined]
    samples = np.asarray(wav, np.float32) / 32768.0
    if int(rate) != SAMPLE_RATE:
        # Linear resampling is enough for speech; HTS voices are 48 kHz anyway.
        n = round(len(samples) * SAMPLE_RATE / int(rate))
        samples = np.interp(
            np.linspace(0, len(samples) - 1, n), np.arange(len(samples)), samples
        ).astype(np.float32)
    samples = _trim(samples)
    rms = float(np.sqrt(np.mean(samples**2))) if samples.size else 0.0
    if rms > 0:
        samples = samples * min(_TARGET_RMS / rms, 4.0)
    peak = float(np.abs(samples).max()) if samples.size else 0.0
    if peak > 0.97:
        samples = samples * (0.97 / peak)
    return samples.astype(np.float32)


def narration_wav(text: str, speed: float = 1.0, voice: str = "mei") -> Path | None:
    """The cached 48 kHz mono WAV of ``text`` read aloud (``None`` for text with no speech)."""
    text = _clean(text)
    if not text:
        return None
    speed = clamp_speed(speed)
    dest = cache_path("tts", cache_key("tts", _VERSION, voice, speed, text), ".wav")
    if not dest.exists():
        try:
            samples = _synthesise(text, speed)
        except Exception as exc:  # the C extension raises plain RuntimeError and friends
            raise RenderError(f"narration synthesis failed: {exc}") from exc
        if samples.size == 0:
            return None
        write_wav(dest, samples)
    return dest


def narration_ms(text: str, speed: float = 1.0) -> int:
    """Length in ms of the narration of ``text`` (synthesised once, then cached)."""
    key = (_clean(text), clamp_speed(speed))
    hit = _DURATIONS.get(key)
    if hit is not None:
        return hit
    path = narration_wav(*key)
    ms = 0 if path is None else wav_ms(path)
    _DURATIONS[key] = ms
    return ms
