"""Narration (pyopenjtalk), generated music and the mix."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from studio.engine import music, tts
from studio.engine.audiomix import (
    DUCK_GAIN,
    LIMIT_CEILING,
    LIMIT_KNEE,
    PlacedVoice,
    duck_envelope,
    mix_audio,
    soft_limit,
)
from studio.engine.timeline import AudioPlan, BgmPlan
from studio.engine.wavio import SAMPLE_RATE, read_wav, write_wav


def rms_db(x: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(np.square(x, dtype=np.float64))) + 1e-12))


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDIO_ENGINE_CACHE", str(tmp_path_factory.getbasetemp() / "engine-cache"))


def test_narration_has_speech_and_is_cached() -> None:
    text = "さくらカフェの新作が登場しました。"
    ms = tts.narration_ms(text)
    assert 1000 < ms < 5000
    path = tts.narration_wav(text)
    assert path is not None
    samples, rate = read_wav(path)
    assert rate == SAMPLE_RATE and samples.ndim == 1
    assert -22 < rms_db(samples) < -12  # normalised speech level
    start = time.perf_counter()
    for _ in range(100):
        assert tts.narration_ms(text) == ms
    assert time.perf_counter() - start < 0.05  # repeat calls are memo lookups


def test_speed_changes_length() -> None:
    text = "春だけの特別な一杯です。"
    slow, normal, fast = (tts.narration_ms(text, s) for s in (0.5, 1.0, 2.0))
    assert slow > normal * 1.3 and fast < normal * 0.7
    assert tts.narration_ms(text, 9.0) == fast  # clamped to 2.0
    assert tts.clamp_speed(float("nan")) == 1.0


def test_empty_text_has_no_narration() -> None:
    assert tts.narration_ms("   ") == 0
    assert tts.narration_wav("") is None
    # Punctuation alone: the synthesiser returns no samples, which is no narration, not a crash.
    assert tts.narration_wav("。。。！？") is None
    assert tts.narration_ms("「」、") == 0


def test_tts_uses_no_network(tmp_path: Path) -> None:
    """Synthesis in a fresh process with sockets disabled and an empty cache."""
    code = textwrap.dedent(
        """
        import socket
        def refuse(*a, **k):
            raise RuntimeError("network used")
        socket.socket = refuse
        socket.create_connection = refuse
        from studio.engine import narration_ms
        print(narration_ms("ネットワークなしで読み上げます。"))
        """
    )
    env = {**os.environ, "STUDIO_ENGINE_CACHE": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.strip().splitlines()[-1]) > 1000


@pytest.mark.parametrize("mood", sorted(music.MOODS))
def test_each_mood_is_music_not_silence(mood: str) -> None:
    loop = music.synth_loop(music.MOODS[mood])
    assert loop.ndim == 2 and loop.shape[1] == 2
    assert -20 < rms_db(loop) < -12
    # Music has a beat: the short-term level moves.
    frames = loop[: len(loop) // 4800 * 4800, 0].reshape(-1, 4800)
    levels = np.sqrt(np.mean(frames**2, axis=1))
    assert levels.std() / levels.mean() > 0.05


def test_moods_differ() -> None:
    loops = {m: music.synth_loop(music.MOODS[m]) for m in music.MOODS}
    lengths = {m: len(v) for m, v in loops.items()}
    assert len(set(lengths.values())) == len(loops)  # different tempos
    assert music.mood_for("ローファイ").name == "lofi"
    assert music.mood_for("unknown").name == "upbeat"


def test_bgm_file_length_and_fades() -> None:
    path = music.bgm_wav("calm", 5000)
    x, rate = read_wav(path)
    assert x.shape == (5 * rate, 2)
    assert rms_db(x[-480:]) < rms_db(x[rate : 2 * rate]) - 20  # faded out
    assert music.bgm_wav("calm", 5000) == path  # cached


def test_duck_envelope() -> None:
    active = np.zeros(SAMPLE_RATE * 2, np.float32)
    active[SAMPLE_RATE:] = 1
    env = duck_envelope(active)
    assert env[: SAMPLE_RATE // 2].min() == pytest.approx(1.0)
    assert env[-SAMPLE_RATE // 4 :].max() == pytest.approx(DUCK_GAIN, abs=0.01)


def test_mix_contains_voice_music_and_upload(tmp_path: Path) -> None:
    voice = tts.narration_wav("こんにちは。")
    assert voice is not None
    tone = (0.3 * np.sin(2 * np.pi * 440 * np.arange(SAMPLE_RATE) / SAMPLE_RATE)).astype(np.float32)
    upload = write_wav(tmp_path / "tone.wav", tone)
    out = mix_audio(
        4000,
        [PlacedVoice(voice, 0)],
        [BgmPlan(0, 4000, "upbeat", 35)],
        [AudioPlan(3000, 4000, "up", 100)],
        {"up": upload},
        tmp_path / "mix.wav",
    )
    x, rate = read_wav(out)
    assert x.shape == (4 * rate, 2)
    speech, music_only = x[: rate // 2], x[int(2.2 * rate) : int(2.8 * rate)]
    assert rms_db(speech) > rms_db(music_only) + 3
    assert -40 < rms_db(music_only) < -18
    # The uploaded tone dominates its second.
    spectrum = np.abs(np.fft.rfft(x[int(3.2 * rate) : int(3.8 * rate), 0]))
    assert abs(np.argmax(spectrum) * rate / (0.6 * rate) - 440) < 5


def test_soft_limit_bends_only_the_peaks() -> None:
    x = np.linspace(-3.0, 3.0, 6001, dtype=np.float32)
    y = soft_limit(x)
    quiet = np.abs(x) <= LIMIT_KNEE
    assert np.array_equal(y[quiet], x[quiet])  # the balance below the knee is untouched
    assert float(np.abs(y).max()) <= np.float32(LIMIT_CEILING)  # never clips
    assert np.all(np.diff(y) >= 0)  # louder in is never quieter out
    assert np.all(np.diff(y[np.abs(x) < 1.5]) > 0)  # and audibly louder near the knee
    assert np.array_equal(soft_limit(x * 0.5)[quiet], (x * 0.5)[quiet])
