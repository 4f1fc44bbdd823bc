"""``python -m studio render INPUT --out OUT.mp4 [--aspect ...]``: one-shot render, progress bar."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TextIO

from .errors import EngineError, IngestError
from .ingest import ingest_file
from .oneshot import render_script
from .timeline import ASPECTS, normalise_aspect

__all__ = ["ProgressBar", "main", "render_command"]


class ProgressBar:
    """A one-line text progress bar (redrawn in place on a terminal, sparse otherwise)."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.start = time.monotonic()
        self._last = -1

    def __call__(self, fraction: float) -> None:
        pct = int(fraction * 100)
        tty = self.stream.isatty()
        # A terminal gets every percent, redrawn in place; a log gets every tenth.
        step = 1 if tty else 10
        if self._last >= 0 and pct // step <= self._last // step:
            return
        self._last = pct
        done = int(self.width * fraction)
        bar = "█" * done + "░" * (self.width - done)
        elapsed = time.monotonic() - self.start
        line = f"レンダリング中 |{bar}| {pct:3d}% {elapsed:5.1f}s"
        self.stream.write(("\r" + line) if tty else line + "\n")
        if tty and pct >= 100:
            self.stream.write("\n")
        self.stream.flush()


def render_command(input: Path, out: Path, aspect: str = "9:16") -> None:
    """Render a text, DOCX, PDF or SRT file to ``out`` (MP4) and ``out``'s ``.jpg`` poster.

    Raises ``EngineError`` (``IngestError`` carries a user-facing message).
    """
    if normalise_aspect(aspect) != aspect and aspect not in ASPECTS:
        raise EngineError(f"unknown aspect {aspect!r}: use 9:16, 16:9 or 1:1")
    with tempfile.TemporaryDirectory(prefix="studio-render-") as tmp_name:
        tmp = Path(tmp_name)
        doc = ingest_file(input.name, input, tmp / "media")
        if doc.kind not in ("text", "subtitles") or not doc.text:
            raise IngestError(4001, "台本にはテキスト（TXT・DOCX・PDF・SRT）を指定してください。")
        result = render_script(doc.text, tmp / "out", aspect, doc.cues, progress=ProgressBar())
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(result.video), out)
        poster = out.with_suffix(".jpg")
        shutil.move(str(result.poster), poster)
    print(
        f"{out} ({result.width}x{result.height}, {result.duration_ms / 1000:.1f}s, "
        f"{out.stat().st_size / 1e6:.1f} MB); poster {poster}",
        file=sys.stderr,
    )


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point: ``python -m studio.engine.cli INPUT --out OUT``."""
    parser = argparse.ArgumentParser(prog="studio render", description="Render a script to MP4.")
    parser.add_argument("input", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--aspect", default="9:16", choices=sorted(ASPECTS))
    args = parser.parse_args(argv)
    try:
        render_command(args.input, args.out, args.aspect)
    except IngestError as exc:
        print(f"エラー: {exc.message}", file=sys.stderr)
        return 2
    except EngineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
