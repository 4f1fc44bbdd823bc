"""Which files the bot accepts, judged from the event before anything is downloaded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.events import Inbound

MAX_UPLOAD_BYTES = 200 * 1024 * 1024

DOCUMENTS = {
    "txt": "text/plain",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "srt": "application/x-subrip",
}
IMAGES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
}
VIDEOS = {
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "avi": "video/x-msvideo",
    "webm": "video/webm",
    "mkv": "video/x-matroska",
}
AUDIO = {"mp3": "audio/mpeg", "wav": "audio/wav", "m4a": "audio/mp4", "aac": "audio/aac"}
CONTENT_TYPES = {**DOCUMENTS, **IMAGES, **VIDEOS, **AUDIO}

Kind = Literal["doc", "image", "video", "audio"]
Verdict = Literal["ok", "unsupported", "too_large"]

# LINE sends photos as JPEG, clips as MP4 and voice as M4A; they carry no file name.
_DEFAULT_NAMES = {"image": "jpg", "video": "mp4", "audio": "m4a"}


@dataclass(frozen=True)
class UploadPlan:
    """What the bot will upload: a name, its type, and the verdict on it."""

    name: str
    content_type: str
    kind: Kind
    verdict: Verdict


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def kind_of(ext: str) -> Kind | None:
    if ext in DOCUMENTS:
        return "doc"
    if ext in IMAGES:
        return "image"
    if ext in VIDEOS:
        return "video"
    if ext in AUDIO:
        return "audio"
    return None


def plan(event: Inbound) -> UploadPlan:
    """Name, type and verdict from the event alone (name and size for file messages)."""
    if event.message_type == "file":
        name = (event.file_name or "file").strip() or "file"
    else:
        suffix = _DEFAULT_NAMES.get(event.message_type, "bin")
        name = f"{event.message_type}_{event.message_id}.{suffix}"
    ext = extension(name)
    kind = kind_of(ext)
    if kind is None:
        return UploadPlan(name, "application/octet-stream", "doc", "unsupported")
    too_large = event.file_size is not None and event.file_size > MAX_UPLOAD_BYTES
    return UploadPlan(name, CONTENT_TYPES[ext], kind, "too_large" if too_large else "ok")
