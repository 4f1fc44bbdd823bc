"""Background music synthesised with numpy: chords, bass, drums and pads per mood (cached)."""

from __future__ import annotations

import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .cache import cache_key, cache_path
from .wavio import SAMPLE_RATE, Audio, write_wav

__all__ = ["MOODS", "Mood", "bgm_wav", "mood_for", "synth_loop"]

_VERSION = 3
_LOCK = threading.Lock()
SR = SAMPLE_RATE
#: RMS of the music at volume 100 (about -16 dBFS); the draft's volume scales it down.
_TARGET_RMS = 0.16


@dataclass(frozen=True)
class Mood:
    """How one mood sounds: tempo, chords (MIDI notes per bar) and which parts play."""

    name: str
    label: str
    bpm: float
    chords: tuple[tuple[int, ...], ...]
    lead: str  # "pluck" (bright arpeggio), "piano" (soft arpeggio), "keys" (lo-fi chords)
    drums: str  # "pop", "four", "lofi" or "" (none)
    pad: float  # pad level
    swing: float = 0.0
    brightness: float = 1.0


MOODS: dict[str, Mood] = {
    m.name: m
    for m in (
        # C G Am F: the bright "pop" progression.
        Mood(
            "upbeat",
            "明るいポップス",
            120,
            ((60, 64, 67), (55, 59, 62), (57, 60, 64), (53, 57, 60)),
            "pluck",
            "pop",
            0.25,
            brightness=1.0,
        ),
        # Fmaj7 Em7 Dm7 Cmaj7, slow piano over a pad.
        Mood(
            "calm",
            "落ち着いたピアノ",
            72,
            ((53, 57, 60, 64), (52, 55, 59, 62), (50, 53, 57, 60), (48, 52, 55, 59)),
            "piano",
            "",
            0.45,
            brightness=0.6,
        ),
        # D A Bm G with a steady four-on-the-floor and 8th-note plucks.
        Mood(
            "corporate",
            "コーポレート",
            108,
            ((62, 66, 69), (57, 61, 64), (59, 62, 66), (55, 59, 62)),
            "pluck",
            "four",
            0.4,
            brightness=0.8,
        ),
        # ii-V-I-vi with sevenths, swung hats, dark keys.
        Mood(
            "lofi",
            "ローファイ",
            80,
            ((50, 53, 57, 60), (55, 59, 62, 65), (48, 52, 55, 59), (57, 60, 64, 67)),
            "keys",
            "lofi",
            0.3,
            swing=0.18,
            brightness=0.45,
        ),
    )
}


def mood_for(name: str | None) -> Mood:
    """The named mood (also accepts the Japanese display names); upbeat otherwise."""
    if name:
        key = str(name).strip().lower().replace("-", "").replace(" ", "")
        if key in MOODS:
            return MOODS[key]
        for mood in MOODS.values():
            if name.strip() == mood.label:
                return mood
    return MOODS["upbeat"]


def _hz(midi: float) -> float:
    return float(440.0 * 2 ** ((midi - 69) / 12))


def _tone(
    freq: float, dur: float, partials: int, decay: float, attack: float, bright: float
) -> Audio:
    n = max(int(dur * SR), 1)
    t = np.arange(n, dtype=np.float32) / SR
    out = np.zeros(n, np.float32)
    for k in range(1, partials + 1):
        if freq * k > 9000:
            break
        # Higher partials are quieter and die faster: a plucked or struck string.
        amp = (bright ** (k - 1)) / k
        out += (
            amp
            * np.sin(2 * np.pi * freq * k * t + k * 0.7).astype(np.float32)
            * np.exp(-t * decay * (1 + 0.6 * (k - 1))).astype(np.float32)
        )
    env = np.minimum(1.0, t / max(attack, 1e-4)).astype(np.float32)
    release = min(n, int(0.03 * SR))
    env[-release:] *= np.linspace(1, 0, release, dtype=np.float32)
    return out * env


def _pad(freqs: list[float], dur: float, bright: float) -> Audio:
    n = int(dur * SR)
    t = np.arange(n, dtype=np.float32) / SR
    out = np.zeros(n, np.float32)
    for f in freqs:
        for detune in (-0.12, 0.12):  # two slightly detuned voices: a chorus-like width
            ff = _hz(f + detune)
            for k in range(1, 5):
                out += (bright**k / k) * np.sin(2 * np.pi * ff * k * t).astype(np.float32)
    attack = min(0.6, dur / 3)
    env = np.minimum(1.0, t / attack) * np.minimum(1.0, (dur - t) / attack)
    return (out * env.astype(np.float32) / max(len(freqs), 1)).astype(np.float32)


def _kick() -> Audio:
    t = np.arange(int(0.35 * SR), dtype=np.float32) / SR
    freq = 45 + 85 * np.exp(-t * 28)
    phase = 2 * np.pi * np.cumsum(freq) / SR
    return (np.sin(phase) * np.exp(-t * 9)).astype(np.float32)


def _snare(rng: np.random.Generator, soft: bool) -> Audio:
    t = np.arange(int(0.22 * SR), dtype=np.float32) / SR
    noise = rng.standard_normal(t.size).astype(np.float32)
    noise = np.diff(noise, prepend=0.0).astype(np.float32) * 0.5  # tilt towards highs
    body = np.sin(2 * np.pi * 185 * t) * np.exp(-t * 30)
    decay = 26 if soft else 18
    return ((noise * 0.55 + body * 0.5) * np.exp(-t * decay) * (0.6 if soft else 1.0)).astype(
        np.float32
    )


def _hat(rng: np.random.Generator) -> Audio:
    t = np.arange(int(0.06 * SR), dtype=np.float32) / SR
    noise = rng.standard_normal(t.size).astype(np.float32)
    noise = np.diff(noise, n=2, prepend=[0.0, 0.0]).astype(np.float32) * 0.25
    return (noise * np.exp(-t * 70)).astype(np.float32)


def _add(buf: Audio, sound: Audio, at: float, gain: float, pan: float = 0.0) -> None:
    start = int(at * SR)
    if start >= buf.shape[0]:
        return
    end = min(buf.shape[0], start + sound.shape[0])
    part = sound[: end - start] * gain
    buf[start:end, 0] += part * (1 - max(pan, 0.0))
    buf[start:end, 1] += part * (1 + min(pan, 0.0))


def synth_loop(mood: Mood) -> Audio:
    """Four bars of ``mood`` as stereo float32 (n, 2), seamless when tiled."""
    rng = np.random.default_rng(zlib.crc32(mood.name.encode()))
    beat = 60.0 / mood.bpm
    bar = 4 * beat
    length = bar * len(mood.chords)
    tail = 2.0  # sounds ringing past the loop end wrap round to its start
    buf = np.zeros((int((length + tail) * SR), 2), np.float32)
    bright = mood.brightness
    for b, chord in enumerate(mood.chords):
        t0 = b * bar
        freqs = [float(n) for n in chord]
        _add(buf, _pad([f for f in freqs], bar + 0.4, 0.5 * bright + 0.2), t0, mood.pad * 0.5)
        root = min(chord) - 24 if min(chord) - 24 >= 33 else min(chord) - 12
        # Bass: root on 8ths (pop, corporate) or on beats 1 and 3 (calm, lofi).
        steps = 8 if mood.drums in ("pop", "four") else 2
        for s in range(steps):
            at = t0 + s * (bar / steps)
            note = root + (7 if steps == 8 and s % 4 == 3 else 0)
            _add(buf, _tone(_hz(note), bar / steps * 0.9, 3, 3.0, 0.005, 0.5), at, 0.55)
        if mood.lead == "pluck":
            pattern = [0, 1, 2, 1, 0, 2, 1, 2]
            for s in range(8):
                at = t0 + s * beat / 2
                note = chord[pattern[s] % len(chord)] + 12
                _add(
                    buf,
                    _tone(_hz(note), beat * 0.9, 6, 7.0, 0.003, 0.55 * bright + 0.2),
                    at,
                    0.22,
                    pan=0.3 if s % 2 else -0.3,
                )
        elif mood.lead == "piano":
            pattern = [0, 2, 1, 3, 2, 1]
            for s in range(6):
                at = t0 + s * bar / 6
                note = chord[pattern[s] % len(chord)] + 12
                _add(
                    buf,
                    _tone(_hz(note), bar / 6 * 2.2, 6, 2.2, 0.004, 0.45),
                    at,
                    0.3,
                    pan=(s - 2.5) / 8,
                )
        else:  # lo-fi keys: a soft chord stab on 1 and the "and" of 2
            for at in (t0, t0 + beat * 1.5 + mood.swing * beat):
                for note in chord:
                    _add(buf, _tone(_hz(note), beat * 1.4, 4, 2.5, 0.01, 0.35), at, 0.16)
        for s in range(8):
            swing = mood.swing * beat if s % 2 else 0.0
            at = t0 + s * beat / 2 + swing
            if mood.drums == "pop":
                if s in (0, 4, 5):
                    _add(buf, _kick(), at, 0.8)
                if s in (2, 6):
                    _add(buf, _snare(rng, False), at, 0.45)
                _add(buf, _hat(rng), at, 0.35 if s % 2 else 0.22, pan=0.2)
            elif mood.drums == "four":
                if s % 2 == 0:
                    _add(buf, _kick(), at, 0.7)
                if s in (2, 6):
                    _add(buf, _snare(rng, True), at, 0.3)
                if s % 2:
                    _add(buf, _hat(rng), at, 0.3, pan=0.2)
            elif mood.drums == "lofi":
                if s in (0, 5):
                    _add(buf, _kick(), at, 0.6)
                if s in (2, 6):
                    _add(buf, _snare(rng, True), at, 0.4)
                _add(buf, _hat(rng), at, 0.18, pan=-0.2)
    loop_n = int(length * SR)
    out = buf[:loop_n].copy()
    out[: buf.shape[0] - loop_n] += buf[loop_n:]
    if mood.name == "lofi":
        # Vinyl hiss and a gentle low-pass make it "lo-fi".
        out += rng.standard_normal(out.shape).astype(np.float32) * 0.004
        kernel = np.ones(6, np.float32) / 6
        for c in range(2):
            out[:, c] = np.convolve(out[:, c], kernel, mode="same")
    rms = float(np.sqrt(np.mean(out**2)))
    return (out * (_TARGET_RMS / max(rms, 1e-6))).astype(np.float32)


_LOOPS: dict[str, Audio] = {}


def bgm_wav(mood_name: str | None, duration_ms: int) -> Path:
    """A cached stereo WAV of ``duration_ms`` of music in the mood, faded in and out."""
    mood = mood_for(mood_name)
    duration_ms = max(int(duration_ms), 100)
    dest = cache_path("music", cache_key("bgm", _VERSION, mood.name, duration_ms), ".wav")
    if dest.exists():
        return dest
    with _LOCK:
        loop = _LOOPS.get(mood.name)
        if loop is None:
            loop = _LOOPS[mood.name] = synth_loop(mood)
    n = int(duration_ms * SR / 1000)
    reps = -(-n // loop.shape[0])
    track = np.tile(loop, (reps, 1))[:n].copy()
    fade_in, fade_out = min(n // 4, int(0.25 * SR)), min(n // 3, int(1.5 * SR))
    track[:fade_in] *= np.linspace(0, 1, fade_in, dtype=np.float32)[:, None]
    track[n - fade_out :] *= np.linspace(1, 0, fade_out, dtype=np.float32)[:, None]
    peak = float(np.abs(track).max())
    if peak > 0.95:
        track *= 0.95 / peak
    return write_wav(dest, track)
