"""Recognise a file's format from its first bytes (pure)."""

from __future__ import annotations

from typing import Literal

__all__ = ["ACCEPTED_EXTENSIONS", "Format", "kind_of_format", "sniff"]

Format = Literal[
    "jpeg",
    "png",
    "gif",
    "webp",
    "wav",
    "avi",
    "mp4",
    "mov",
    "m4a",
    "matroska",
    "mp3",
    "aac",
    "pdf",
    "zip",
]

#: Extensions the contract accepts (docs/nemovideo-api.md), mapped to the expected kind.
ACCEPTED_EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".docx": "text",
    ".pdf": "text",
    ".srt": "subtitles",
    ".jpg": "image",
    ".jpeg": "image",
    ".png": "image",
    ".webp": "image",
    ".gif": "image",
    ".mp4": "video",
    ".mov": "video",
    ".avi": "video",
    ".webm": "video",
    ".mkv": "video",
    ".m4v": "video",
    ".mp3": "audio",
    ".wav": "audio",
    ".m4a": "audio",
    ".aac": "audio",
}

_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"F4A "}


def sniff(head: bytes) -> Format | None:
    """The container format in ``head`` (the first 64+ bytes), or ``None`` if unknown."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"RIFF") and len(head) >= 12:
        sub = head[8:12]
        return {b"WEBP": "webp", b"WAVE": "wav", b"AVI ": "avi"}.get(sub)  # type: ignore[return-value]
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _AUDIO_BRANDS:
            return "m4a"
        return "mov" if brand == b"qt  " else "mp4"
    if len(head) >= 8 and head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip"):
        return "mov"  # old QuickTime files without ftyp
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "matroska"
    if head.startswith(b"ID3"):
        return "mp3"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if len(head) >= 2 and head[0] == 0xFF:
        second = head[1]
        if second & 0xF6 == 0xF0:  # ADTS sync word, layer 0
            return "aac"
        if second & 0xE0 == 0xE0 and (second >> 1) & 0x3 != 0:  # MPEG audio frame sync
            return "mp3"
    return None


def kind_of_format(fmt: Format) -> str:
    """The media kind a sniffed format belongs to."""
    if fmt in ("jpeg", "png", "gif", "webp"):
        return "image"
    if fmt in ("wav", "m4a", "mp3", "aac"):
        return "audio"
    if fmt in ("avi", "mp4", "mov", "matroska"):
        return "video"
    return "text"  # pdf, zip (docx)
