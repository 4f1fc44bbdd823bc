"""Build the single ffmpeg command (one filter graph) that renders a composed video (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = [
    "Job",
    "Overlay",
    "SceneLayer",
    "Transition",
    "ffmpeg_args",
    "filter_graph",
    "max_video_kbps",
    "motion_expr",
    "pan_crop_x",
    "poster_args",
]


@dataclass(frozen=True)
class SceneLayer:
    """One scene's moving background, ``frames`` long (including transition overlaps)."""

    path: Path
    # A gradient is a still too soft to lose anything when a zoom starts from a frame-size
    # copy, which halves zoompan's per-frame scaling (measured); a photo keeps its detail.
    kind: Literal["still", "gradient", "clip"]
    frames: int
    motion: str
    plate_w: int
    plate_h: int


@dataclass(frozen=True)
class Transition:
    """A crossfade into the next scene starting at output frame ``offset``."""

    offset: int
    frames: int
    kind: str


@dataclass(frozen=True)
class Overlay:
    """A still RGBA image shown at (x, y) from ``start`` to ``end`` (frames), fading."""

    path: Path
    x: int
    y: int
    start: int
    end: int
    fade_in: int
    fade_out: int
    rise: int = 0  # px the image glides up while it fades in


def overlay_y(ov: Overlay, fps: int) -> str:
    """overlay's y: fixed, or easing up by ``rise`` px over the fade-in (ease-out)."""
    if ov.rise <= 0 or ov.fade_in <= 0:
        return str(ov.y)
    start, span = ov.start / fps, max(ov.fade_in * 2, 1) / fps
    return f"'{ov.y}+{ov.rise}*pow(max(0\\,1-(t-{start:.4f})/{span:.4f})\\,3)'"


@dataclass(frozen=True)
class Job:
    """Everything one ffmpeg run needs."""

    width: int
    height: int
    fps: int
    frames: int
    scenes: tuple[SceneLayer, ...]
    transitions: tuple[Transition, ...]
    overlays: tuple[Overlay, ...]
    audio: Path | None
    video_out: Path
    crf: int = 23
    # ultrafast's motion search with CABAC, the deblocking filter and B-frames put back:
    # on our 1080x1920 material 40 % less x264 CPU than veryfast + subme=1 at equal or
    # better SSIM; files 10–30 % larger for gradients, up to 2x for photos (docs/notes.md).
    preset: str = "ultrafast"
    x264_params: str = "cabac=1:deblock=1:bframes=3"


def motion_expr(motion: str, frames: int, first: int = 0) -> tuple[str, str, str]:
    """zoompan's (zoom, x, y) expressions for ``motion`` over a scene of ``frames`` frames,
    for a piece of it starting at frame ``first`` (zoompan's ``on`` restarts at 0 per piece).

    Zoom 1 shows the whole plate (1.2x the frame; a gradient's is a frame-size copy of
    it); the motion never leaves it.
    Progress is eased (smoothstep) so scenes settle instead of stopping abruptly.
    """
    span = max(frames - 1, 1)
    p = f"((on+{first})/{span})" if first else f"(on/{span})"
    ease = f"({p}*{p}*(3-2*{p}))"
    centre_x, centre_y = "(iw-iw/zoom)/2", "(ih-ih/zoom)/2"
    if motion == "zoom_out":
        return f"1.18-0.18*{ease}", centre_x, centre_y
    if motion == "pan_left":
        # The camera turns left: the view slides from the plate's right edge to its left.
        return "1.1", f"(iw-iw/zoom)*(1-{ease})", centre_y
    if motion == "pan_right":
        return "1.1", f"(iw-iw/zoom)*{ease}", centre_y
    return f"1+0.18*{ease}", centre_x, centre_y  # zoom_in (default)


def pan_crop_x(motion: str, frames: int, first: int = 0) -> str:
    """crop's x expression (per frame ``n`` of a piece starting at ``first``) for a pan."""
    span = max(frames - 1, 1)
    p = f"((n+{first})/{span})"
    ease = f"({p}*{p}*(3-2*{p}))"
    return f"(iw-ow)*(1-{ease})" if motion == "pan_left" else f"(iw-ow)*{ease}"


def _pieces(i: int, n: int, frames: int, half: int) -> list[tuple[str, int, int]]:
    """(name, first frame, length) of scene ``i``'s head, body and tail pieces."""
    head = half if i > 0 else 0
    tail = half if i < n - 1 else 0
    out = []
    if head:
        out.append((f"h{i}", 0, head))
    out.append((f"b{i}", head, frames - head - tail))
    if tail:
        out.append((f"t{i}", frames - tail, tail))
    return out


def _scene_chains(index: int, layer: SceneLayer, job: Job, half: int) -> list[str]:
    """Filters producing scene ``index`` as separate head/body/tail streams.

    Cutting each scene into pieces lets the crossfades work on short streams that are
    then concatenated: chaining ``xfade`` over whole scenes makes every frame of the
    video pass through every later ``xfade`` (measured: +4 s on a 30 s render).
    """
    size = f"{job.width}x{job.height}"
    tb = f"settb=1/{job.fps},setpts=N"
    pieces = _pieces(index, len(job.scenes), layer.frames, half)
    labels = "".join(f"[p{index}_{k}]" for k in range(len(pieces)))
    chains: list[str] = []
    if layer.kind != "clip":
        # The still is decoded once; each piece runs zoompan on its own reference to it.
        zooms = layer.motion not in ("pan_left", "pan_right")
        # (format last: a scale's output format is free and would be negotiated elsewhere.)
        src = (
            f"[{index}:v]"
            + (f"scale={job.width}:{job.height}," if zooms and layer.kind == "gradient" else "")
            + "format=yuv420p"
        )
        chains.append(
            f"{src},split={len(pieces)}{labels}" if len(pieces) > 1 else f"{src}[p{index}_0]"
        )
        for k, (name, first, length) in enumerate(pieces):
            if not zooms:
                # A pan needs no scaling: crop a moving window out of the (1.2x) plate,
                # nearly free next to zoompan's per-frame rescale.
                x = pan_crop_x(layer.motion, layer.frames, first)
                chains.append(
                    f"[p{index}_{k}]loop=loop={length - 1}:size=1:start=0,"
                    f"crop={job.width}:{job.height}:x='{x}':y=(ih-oh)/2:exact=1,"
                    f"setsar=1,{tb}[{name}]"
                )
                continue
            z, x, y = motion_expr(layer.motion, layer.frames, first)
            chains.append(
                f"[p{index}_{k}]zoompan=z='{z}':x='{x}':y='{y}':d={length}:s={size}:fps={job.fps},"
                f"setsar=1,{tb}[{name}]"
            )
        return chains
    # A clip: normalise rate, cover-crop to the plate, the same gentle motion per frame.
    z, x, y = (e.replace("(on", "(in") for e in motion_expr(layer.motion, layer.frames))
    chains.append(
        f"[{index}:v]fps={job.fps},"
        f"scale={layer.plate_w}:{layer.plate_h}:force_original_aspect_ratio=increase:flags=bicubic,"
        f"crop={layer.plate_w}:{layer.plate_h},format=yuv420p,setsar=1,"
        f"zoompan=z='{z}':x='{x}':y='{y}':d=1:s={size}:fps={job.fps},"
        f"trim=end_frame={layer.frames},setsar=1,{tb}"
        + (f",split={len(pieces)}{labels}" if len(pieces) > 1 else f"[p{index}_0]")
    )
    for k, (name, first, length) in enumerate(pieces):
        chains.append(
            f"[p{index}_{k}]trim=start_frame={first}:end_frame={first + length},{tb}[{name}]"
        )
    return chains


def filter_graph(job: Job) -> str:
    """The ``-filter_complex`` script for ``job``; input order: scenes, overlays, audio."""
    n = len(job.scenes)
    half = job.transitions[0].frames // 2 if job.transitions else 0
    parts: list[str] = []
    for i, layer in enumerate(job.scenes):
        parts.extend(_scene_chains(i, layer, job, half))
    sequence = []
    for i in range(n):
        sequence.append(f"[b{i}]")
        if i < n - 1 and half:
            tr = job.transitions[i]
            parts.append(
                f"[t{i}][h{i + 1}]xfade=transition={tr.kind}:"
                f"duration={2 * half / job.fps:.4f}:offset=0,settb=1/{job.fps},setpts=N[c{i}]"
            )
            sequence.append(f"[c{i}]")
    if len(sequence) > 1:
        parts.append(f"{''.join(sequence)}concat=n={len(sequence)}:v=1:a=0[base]")
        current = "base"
    else:
        current = "b0"
    base = n
    for j, ov in enumerate(job.overlays):
        idx = base + j
        length = max(ov.end - ov.start, 1)
        fade = ""
        if ov.fade_in > 0:
            fade += f",fade=t=in:st={ov.start / job.fps:.4f}:d={ov.fade_in / job.fps:.4f}:alpha=1"
        if ov.fade_out > 0:
            st = (ov.end - ov.fade_out) / job.fps
            fade += f",fade=t=out:st={st:.4f}:d={ov.fade_out / job.fps:.4f}:alpha=1"
        # The image is decoded once and repeated in memory by `loop`.
        parts.append(
            f"[{idx}:v]format=yuva420p,loop=loop={length - 1}:size=1:start=0,"
            f"settb=1/{job.fps},setpts=N+{ov.start}{fade}[o{j}]"
        )
        out = f"v{j}"
        parts.append(
            f"[{current}][o{j}]overlay=x={ov.x}:y={overlay_y(ov, job.fps)}"
            f":eof_action=pass:repeatlast=0[{out}]"
        )
        current = out
    parts.append(f"[{current}]trim=end_frame={job.frames},format=yuv420p[vout]")
    return ";\n".join(parts)


#: Room kept under LINE's 200 MB limit (MP4 overhead, rate-control overshoot).
_BUDGET_BYTES = 180 * 1024 * 1024
AUDIO_KBPS = 160


def max_video_kbps(seconds: float) -> int:
    """The video bitrate ceiling: 8 Mb/s, lower for long videos so they stay < 200 MB.

    CRF 23 needs far less for this material (about 1 Mb/s); the ceiling is a guarantee.
    """
    budget = _BUDGET_BYTES * 8 / 1000 / max(seconds, 1.0) - AUDIO_KBPS
    return int(max(500, min(8000, budget)))


#: No banner, no questions, overwrite, errors only.
_QUIET = ("-hide_banner", "-nostdin", "-y", "-loglevel", "error")


def ffmpeg_args(job: Job, script: Path, ffmpeg: str = "ffmpeg") -> list[str]:
    """The complete ffmpeg argv; ``script`` is where the caller wrote ``filter_graph(job)``."""
    args = [ffmpeg, *_QUIET, "-nostats", "-progress", "pipe:1", "-stats_period", "0.25"]
    for layer in job.scenes:
        if layer.kind == "clip":
            seconds = layer.frames / job.fps + 0.5
            args += ["-stream_loop", "-1", "-t", f"{seconds:.3f}", "-i", str(layer.path)]
        else:
            # The rate tags the stream so looped stills match the scenes they meet.
            args += ["-framerate", str(job.fps), "-i", str(layer.path)]
    for ov in job.overlays:
        args += ["-framerate", str(job.fps), "-i", str(ov.path)]
    if job.audio is not None:
        args += ["-i", str(job.audio)]
    args += ["-filter_complex_script", str(script)]
    args += ["-map", "[vout]"]
    if job.audio is not None:
        args += ["-map", f"{len(job.scenes) + len(job.overlays)}:a"]
    seconds = job.frames / job.fps
    args += [
        "-c:v",
        "libx264",
        "-preset",
        job.preset,
        "-crf",
        str(job.crf),
        "-x264-params",
        job.x264_params,
        "-pix_fmt",
        "yuv420p",
        "-profile:v",
        "high",
        "-r",
        str(job.fps),
        # A bitrate ceiling keeps any length inside LINE's 200 MB.
        "-maxrate",
        f"{max_video_kbps(seconds)}k",
        "-bufsize",
        f"{2 * max_video_kbps(seconds)}k",
        "-g",
        str(job.fps * 2),
    ]
    if job.audio is not None:
        args += ["-c:a", "aac", "-b:a", f"{AUDIO_KBPS}k", "-ar", "48000", "-ac", "2"]
    args += ["-t", f"{seconds:.3f}", "-movflags", "+faststart", str(job.video_out)]
    return args


def poster_args(
    video: Path, at_frame: int, fps: int, poster: Path, ffmpeg: str = "ffmpeg"
) -> list[str]:
    """Extract one frame as a JPEG (a second output in the main run would make ffmpeg
    buffer every frame of the video in memory: measured 3.4 GB for 30 s)."""
    return [
        ffmpeg,
        *_QUIET,
        "-ss",
        f"{at_frame / fps:.3f}",
        "-i",
        str(video),
        "-frames:v",
        "1",
        "-vf",
        "scale=out_range=full,format=yuvj420p",
        "-q:v",
        "3",
        str(poster),
    ]
