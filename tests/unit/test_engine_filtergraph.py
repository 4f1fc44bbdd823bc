"""The ffmpeg command and filter graph (pure): wiring, motion maths, output options."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from studio.engine.filtergraph import (
    Job,
    Overlay,
    SceneLayer,
    Transition,
    ffmpeg_args,
    filter_graph,
    max_video_kbps,
    motion_expr,
    pan_crop_x,
    poster_args,
)


def job(audio: bool = True) -> Job:
    scenes = (
        SceneLayer(Path("a.jpg"), "still", 97, "zoom_in", 1296, 2304),
        SceneLayer(Path("b.mp4"), "clip", 104, "pan_left", 1296, 2304),
        SceneLayer(Path("c.jpg"), "still", 97, "pan_right", 1296, 2304),
    )
    return Job(
        width=1080,
        height=1920,
        fps=30,
        frames=270,
        scenes=scenes,
        transitions=(Transition(83, 14, "fade"), Transition(173, 14, "smoothleft")),
        overlays=(
            Overlay(Path("t.png"), 100, 700, 0, 90, 12, 12, rise=32),
            Overlay(Path("c.png"), 80, 1500, 100, 200, 5, 5),
        ),
        audio=Path("mix.wav") if audio else None,
        video_out=Path("out.mp4"),
    )


def test_every_label_is_made_once_and_used_once() -> None:
    graph = filter_graph(job())
    chains = graph.split(";\n")
    made: list[str] = []
    used: list[str] = []
    for chain in chains:
        labels = re.findall(r"\[([^\]]+)\]", chain)
        head = re.match(r"^((?:\[[^\]]+\])+)", chain)
        n_in = len(re.findall(r"\[", head.group(1))) if head else 0
        used += labels[:n_in]
        made += labels[n_in:]
    inputs = [u for u in used if ":" in u]
    assert sorted(inputs) == ["0:v", "1:v", "2:v", "3:v", "4:v"]  # 3 scenes, 2 overlays
    internal = [u for u in used if ":" not in u]
    assert sorted(internal) == sorted(m for m in made if m != "vout")
    assert len(made) == len(set(made)) and "vout" in made


def test_scenes_are_cut_into_pieces_and_concatenated() -> None:
    graph = filter_graph(job())
    assert "concat=n=5:v=1:a=0" in graph  # b0, c0, b1, c1, b2
    assert graph.count("xfade=") == 2 and "offset=0" in graph
    assert "crop=1080:1920" in graph  # pans crop instead of rescaling
    assert "zoompan" in graph
    assert "trim=end_frame=270" in graph
    assert "overlay=x=100:y='700+32*pow(" in graph


def test_a_gradient_zooms_from_a_frame_size_copy_a_photo_from_its_plate() -> None:
    layers = (
        SceneLayer(Path("g.jpg"), "gradient", 97, "zoom_in", 1296, 2304),
        SceneLayer(Path("p.jpg"), "still", 104, "zoom_out", 1296, 2304),
        SceneLayer(Path("q.jpg"), "gradient", 97, "pan_right", 1296, 2304),
    )
    graph = filter_graph(dataclasses.replace(job(), scenes=layers))
    heads = [c for c in graph.split(";\n") if re.match(r"\[[0-2]:v\]", c)]
    # The format comes after the scale, or the scale's output would be negotiated elsewhere.
    assert heads[0].startswith("[0:v]scale=1080:1920,format=yuv420p,split=")
    assert heads[1].startswith("[1:v]format=yuv420p,split=")
    assert heads[2].startswith("[2:v]format=yuv420p,split=")  # a pan crops the wide plate


def test_single_scene_needs_no_concat() -> None:
    one = Job(1080, 1080, 30, 60, (SceneLayer(Path("a.jpg"), "still", 60, "zoom_out", 1296, 1296),),
              (), (), None, Path("o.mp4"))  # fmt: skip
    graph = filter_graph(one)
    assert "concat" not in graph and "xfade" not in graph
    assert graph.endswith("[b0]trim=end_frame=60,format=yuv420p[vout]")


def test_output_options() -> None:
    args = ffmpeg_args(job(), Path("g.txt"))
    joined = " ".join(args)
    for part in ("-c:v libx264", "-preset ultrafast", "-crf 23", "-pix_fmt yuv420p",
                 "-x264-params cabac=1:deblock=1:bframes=3",
                 "-movflags +faststart", "-c:a aac", "-ar 48000", "-ac 2", "-t 9.000"):  # fmt: skip
        assert part in joined
    assert args[args.index("-map", args.index("[vout]")) + 1] == "5:a"
    assert "-stream_loop -1" in joined  # short clips loop
    silent = ffmpeg_args(job(audio=False), Path("g.txt"))
    assert "-c:a" not in silent
    poster = poster_args(Path("v.mp4"), 45, 30, Path("p.jpg"))
    assert poster[poster.index("-ss") + 1] == "1.500" and "-frames:v" in poster


def _z(expr: str, on: int) -> float:
    return float(eval(expr.replace("on", str(on))))


@pytest.mark.parametrize("motion", ["zoom_in", "zoom_out"])
def test_zoom_runs_between_whole_plate_and_one_to_one(motion: str) -> None:
    z, _x, _y = motion_expr(motion, 91)
    start, end = _z(z, 0), _z(z, 90)
    assert {round(start, 3), round(end, 3)} == {1.0, 1.18}
    assert (start < end) == (motion == "zoom_in")
    # Eased: slow at both ends.
    assert abs(_z(z, 1) - start) < abs(_z(z, 46) - _z(z, 45))


def test_pieces_continue_the_same_motion() -> None:
    whole, _, _ = motion_expr("zoom_in", 100)
    tail, _, _ = motion_expr("zoom_in", 100, first=90)
    assert _z(tail, 0) == pytest.approx(_z(whole, 90))


def test_pan_directions() -> None:
    def x(expr: str, n: int) -> float:
        return float(eval(expr.replace("n", str(n)).replace("iw", "1296").replace("ow", "1080")))

    left, right = pan_crop_x("pan_left", 61), pan_crop_x("pan_right", 61)
    assert (x(left, 0), x(left, 60)) == (216, 0)
    assert (x(right, 0), x(right, 60)) == (0, 216)


def test_bitrate_ceiling_keeps_any_length_under_line_limit() -> None:
    assert max_video_kbps(30) == 8000
    for seconds in (60, 180, 600, 1800):
        kbps = max_video_kbps(seconds)
        worst_mb = (kbps + 160) * 1000 / 8 * seconds / 1024 / 1024
        assert worst_mb < 200 or kbps == 500
    assert max_video_kbps(600) < 8000
