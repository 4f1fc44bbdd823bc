"""render_draft: draft → H.264/AAC MP4 (one ffmpeg run, one filter graph) + JPEG poster."""

from __future__ import annotations

import dataclasses
import logging
import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from PIL import Image

from .audiomix import PlacedVoice, mix_audio
from .cache import cache_key
from .compose import caption_overlays, scene_background, scene_layers, title_overlays
from .errors import RenderError
from .filtergraph import Job, ffmpeg_args, filter_graph, poster_args
from .models import RenderResult
from .placement import place_voices
from .probe import ffmpeg_bin
from .timeline import FPS, Plan, ScenePlan, ms_to_frame, parse_draft
from .tts import narration_ms, narration_wav

__all__ = ["POSTER_MAX_BYTES", "Progress", "Timings", "render_draft", "render_plan"]

log = logging.getLogger(__name__)

POSTER_MAX_BYTES = 1_000_000
LINE_MAX_BYTES = 200 * 1024 * 1024
#: Share of the progress bar for preparing audio and images (the encode gets the rest).
_PREP_SHARE = 0.12
_TIMEOUT_S = 30 * 60
#: Encodes allowed at once in this process: x264 already uses every core, so a second
#: concurrent encode only doubles memory and makes both late.
_ENCODE_SLOTS = threading.BoundedSemaphore(max(1, int(os.environ.get("STUDIO_RENDER_SLOTS", "1"))))
_VERSION = 2

Progress = Callable[[float], None]


@dataclasses.dataclass
class Timings:
    """Seconds spent in each stage of the last render (for the benchmark)."""

    storyboard: float = 0.0  # script → draft, set by render_script (plates drawn beside it)
    tts: float = 0.0  # narration (the picture threads run beside it)
    music_mix: float = 0.0
    backgrounds: float = 0.0  # summed over the plates, which two threads draw at once
    text_images: float = 0.0
    encode: float = 0.0
    total: float = 0.0


LAST_TIMINGS = Timings()


def _report(progress: Progress | None, value: float) -> None:
    if progress is not None:
        try:
            progress(min(1.0, max(0.0, value)))
        except Exception:  # a broken callback must not kill the render
            log.exception("progress callback failed")


def _with_narration(plan: Plan) -> tuple[Plan, list[PlacedVoice]]:
    """Synthesise narration, place it without overlaps, and lengthen the video if speech
    would otherwise be cut off."""
    wavs = [narration_wav(v.text, v.speed, v.voice) for v in plan.voices]
    kept = [(v, w) for v, w in zip(plan.voices, wavs, strict=True) if w is not None]
    durations = [narration_ms(v.text, v.speed) for v, _ in kept]
    starts = place_voices([v.start_ms for v, _ in kept], durations)
    placed = [PlacedVoice(w, s) for (_, w), s in zip(kept, starts, strict=True)]
    end = max((s + d for s, d in zip(starts, durations, strict=True)), default=0)
    if end + 300 > plan.duration_ms:
        total = end + 600  # a breath after the last word before the fade-out
        last = plan.scenes[-1]
        scenes = (*plan.scenes[:-1], dataclasses.replace(last, end_ms=total))
        plan = dataclasses.replace(plan, duration_ms=total, scenes=scenes)
    return plan, placed


def _timed(work: Callable[..., object], *args: Any) -> float:
    """Seconds ``work(*args)`` took (it runs on a prep thread)."""
    t0 = time.perf_counter()
    work(*args)
    return time.perf_counter() - t0


def _draw_text_images(plan: Plan) -> None:
    caption_overlays(plan)
    title_overlays(plan)


def _poster_frame(plan: Plan) -> int:
    """A frame where the title is fully visible (LINE's preview), else early in scene 1."""
    total = ms_to_frame(plan.duration_ms)
    if plan.titles:
        t = plan.titles[0]
        at = t.start_ms + min(1500, (t.end_ms - t.start_ms) // 2)
    else:
        first: ScenePlan = plan.scenes[0]
        at = first.start_ms + min(1000, (first.end_ms - first.start_ms) // 2)
    return max(0, min(total - 1, ms_to_frame(at)))


def _shrink_poster(path: Path) -> None:
    if path.stat().st_size <= POSTER_MAX_BYTES:
        return
    with Image.open(path) as im:
        img = im.convert("RGB")
    for quality in (80, 70, 60, 50):
        img.save(path, "JPEG", quality=quality, optimize=True)
        if path.stat().st_size <= POSTER_MAX_BYTES:
            return


def _run_ffmpeg(args: list[str], frames: int, progress: Progress | None) -> None:
    with tempfile.TemporaryFile() as errfile:
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=errfile, text=True)
        deadline = time.monotonic() + _TIMEOUT_S
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("frame="):
                try:
                    done = int(line.split("=", 1)[1])
                except ValueError:
                    continue
                _report(progress, _PREP_SHARE + (1 - _PREP_SHARE) * 0.98 * done / max(frames, 1))
            if time.monotonic() > deadline:
                proc.kill()
                break
        code = proc.wait()
        if code != 0:
            errfile.seek(0)
            tail = errfile.read().decode("utf-8", "replace")[-2000:]
            raise RenderError(f"ffmpeg failed ({code}): {tail.strip()}")


def render_plan(
    plan: Plan, media: Mapping[str, Path], out_dir: Path, progress: Progress | None = None
) -> tuple[Plan, Path, Path]:
    """Render ``plan``; returns the (possibly lengthened) plan, the video and the poster."""
    global LAST_TIMINGS
    timings = Timings()
    t0 = time.perf_counter()
    _report(progress, 0.0)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="render-prep") as pool:
        # Pictures (plates, text images) do not depend on narration timing: they are drawn
        # into the cache by two threads while the voice is synthesised, so a voice that is
        # cached already (the storyboard timed it) leaves both cores to them.
        plates = [pool.submit(_timed, scene_background, plan, s, media) for s in plan.scenes]
        texts = pool.submit(_timed, _draw_text_images, plan)
        plan, voices = _with_narration(plan)
        timings.tts = time.perf_counter() - t0
        timings.backgrounds = sum(p.result() for p in plates)
        timings.text_images = texts.result()
    t1 = time.perf_counter()
    _report(progress, _PREP_SHARE * 0.5)

    out_dir.mkdir(parents=True, exist_ok=True)
    key = cache_key(
        _VERSION,
        dataclasses.asdict(plan),
        {k: [str(v), v.stat().st_mtime_ns if v.exists() else 0] for k, v in media.items()},
    )
    video = out_dir / f"video-{key}.mp4"
    poster = out_dir / f"poster-{key}.jpg"
    if video.exists() and poster.exists():
        _report(progress, 1.0)  # the same draft was rendered before: nothing changed
        timings.total = time.perf_counter() - t0
        LAST_TIMINGS = timings
        return plan, video, poster

    with tempfile.TemporaryDirectory(prefix="render-", dir=out_dir) as tmp_name:
        tmp = Path(tmp_name)
        audio = None
        if voices or plan.bgm or plan.audios:
            audio = mix_audio(
                plan.duration_ms, voices, plan.bgm, plan.audios, media, tmp / "mix.wav"
            )
        t2 = time.perf_counter()
        timings.music_mix = t2 - t1
        layers, transitions = scene_layers(plan, media)  # cache hits by now
        overlays = (*caption_overlays(plan), *title_overlays(plan))
        t4 = time.perf_counter()
        _report(progress, _PREP_SHARE)
        job = Job(
            width=plan.width,
            height=plan.height,
            fps=FPS,
            frames=ms_to_frame(plan.duration_ms),
            scenes=layers,
            transitions=transitions,
            overlays=overlays,
            audio=audio,
            video_out=tmp / "out.mp4",
        )
        script = tmp / "graph.txt"
        script.write_text(filter_graph(job), encoding="utf-8")
        with _ENCODE_SLOTS:
            _run_ffmpeg(ffmpeg_args(job, script, ffmpeg_bin()), job.frames, progress)
        timings.encode = time.perf_counter() - t4
        if not job.video_out.exists():
            raise RenderError("ffmpeg produced no output")
        if job.video_out.stat().st_size > LINE_MAX_BYTES:
            raise RenderError("the video is larger than LINE's 200 MB limit")
        still = tmp / "poster.jpg"
        proc = subprocess.run(
            poster_args(job.video_out, _poster_frame(plan), FPS, still, ffmpeg_bin()),
            capture_output=True,
            timeout=120,
            check=False,
        )
        if proc.returncode != 0 or not still.exists():
            raise RenderError(f"poster extraction failed: {proc.stderr[-500:]!r}")
        _shrink_poster(still)
        still.replace(poster)
        job.video_out.replace(video)
    timings.total = time.perf_counter() - t0
    LAST_TIMINGS = timings
    _report(progress, 1.0)
    return plan, video, poster


def render_draft(
    draft: Mapping[str, Any],
    media: Mapping[str, Path],
    out_dir: Path,
    *,
    progress: Progress | None = None,
) -> RenderResult:
    """Render ``draft`` (docs/design.md) to an MP4 and a JPEG poster in ``out_dir``.

    ``media`` maps a scene's or audio segment's ``m.source`` to the stored file.
    Raises ``RenderError`` when the draft has nothing to show or ffmpeg fails.
    """
    if not isinstance(draft, Mapping):
        raise RenderError("draft must be an object")
    plan = parse_draft(draft)
    if plan.duration_ms <= 0 or not plan.scenes:
        raise RenderError("the draft has nothing to render (no tracks with segments)")
    plan, video, poster = render_plan(plan, media, Path(out_dir), progress)
    return RenderResult(
        video, poster, ms_to_frame(plan.duration_ms) * 1000 // FPS, plan.width, plan.height
    )
