"""Parse SubRip (.srt) subtitles (pure)."""

from __future__ import annotations

import re

from .models import Cue

__all__ = ["looks_like_srt", "parse_srt"]

_TIME = re.compile(
    r"(\d{1,2}):(\d{2}):(\d{2})[,.](\d{1,3})\s*-->\s*(\d{1,2}):(\d{2}):(\d{2})[,.](\d{1,3})"
)
_TAG = re.compile(r"<[^>]+>|\{\\[^}]*\}")


def _ms(h: str, m: str, s: str, frac: str) -> int:
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(frac.ljust(3, "0"))


def _join(lines: list[str]) -> str:
    """Join a cue's lines: directly in Japanese, with a space between Latin words."""
    out = ""
    for line in (ln for ln in lines if ln):
        if (
            out
            and out[-1].isascii()
            and out[-1].isalnum()
            and line[0].isascii()
            and line[0].isalnum()
        ):
            out += " "
        out += line
    return out


def looks_like_srt(text: str) -> bool:
    """True when the text contains at least one SRT timing line."""
    return _TIME.search(text) is not None


def parse_srt(text: str) -> tuple[Cue, ...]:
    """Cues in time order; formatting tags dropped, multi-line cues joined without spaces."""
    cues: list[Cue] = []
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    for block in blocks:
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        for i, line in enumerate(lines):
            match = _TIME.search(line)
            if match is None:
                continue
            start = _ms(*match.group(1, 2, 3, 4))
            end = _ms(*match.group(5, 6, 7, 8))
            body = _join([_TAG.sub("", ln).strip() for ln in lines[i + 1 :]])
            if body and end > start:
                cues.append(Cue(start, end, body))
            break
    cues.sort(key=lambda c: c.start_ms)
    return tuple(cues)
