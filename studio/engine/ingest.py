"""Validate an upload by its content, extract or probe it, and store it in the media library."""

from __future__ import annotations

import hashlib
import re
import shutil
import unicodedata
import zipfile
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from . import documents, probe
from .errors import TOO_LARGE, UNSUPPORTED, IngestError
from .models import Ingested
from .sniff import ACCEPTED_EXTENSIONS, Format, kind_of_format, sniff
from .srt import looks_like_srt, parse_srt
from .textdecode import decode_japanese

__all__ = ["MAX_UPLOAD_BYTES", "ingest_file"]

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
#: Text inputs larger than this are certainly not a promo script.
_MAX_TEXT_BYTES = 5 * 1024 * 1024
# Pillow refuses decompression bombs beyond this many pixels; keep well below memory limits.
Image.MAX_IMAGE_PIXELS = 80_000_000

FORMATS_JA = (
    "テキスト（TXT・DOCX・PDF・SRT）、画像（JPG・PNG・WEBP・GIF）、"
    "動画（MP4・MOV・AVI・WEBM・MKV）、音声（MP3・WAV・M4A・AAC）"
)
MSG_UNSUPPORTED = f"このファイル形式には対応していません。対応形式: {FORMATS_JA}"
MSG_CORRUPT = "ファイルが壊れているか、中身を読み取れませんでした。別のファイルでお試しください。"
MSG_TOO_LARGE = (
    "ファイルが大きすぎます（上限200MB）。圧縮するか、短く切り取ってから送ってください。"
)
MSG_EMPTY_TEXT = "文字が見つかりませんでした。文章の入ったファイルを送ってください。"
MSG_PDF_NO_TEXT = (
    "このPDFには文字情報がありません（画像だけのPDFのようです）。"
    "テキストをコピーして送るか、TXT・DOCXでお送りください。"
)


def _unsupported() -> IngestError:
    return IngestError(UNSUPPORTED, MSG_UNSUPPORTED)


def _corrupt(message: str = MSG_CORRUPT) -> IngestError:
    return IngestError(UNSUPPORTED, message)


def safe_stem(name: str) -> str:
    """A file-system-safe, readable stem for ``name`` (keeps Japanese letters)."""
    stem = unicodedata.normalize("NFKC", Path(name).stem)
    stem = re.sub(r"[^\w\-]+", "_", stem).strip("_.")
    return stem[:40] or "file"


def _digest(src: Path) -> str:
    sha = hashlib.sha256()
    with src.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()[:12]


def _store(src: Path, media_dir: Path, name: str, ext: str) -> Path:
    media_dir.mkdir(parents=True, exist_ok=True)
    dest = media_dir / f"{safe_stem(name)}-{_digest(src)}{ext}"
    if not dest.exists():
        tmp = dest.with_name(dest.name + ".part")
        shutil.copyfile(src, tmp)
        tmp.replace(dest)
    return dest


def _ingest_text(name: str, src: Path, media_dir: Path, fmt: Format | None, ext: str) -> Ingested:
    size = src.stat().st_size
    if size > _MAX_TEXT_BYTES and fmt not in ("pdf", "zip"):
        raise _corrupt("テキストが長すぎます。台本は5MB以内でお送りください。")
    data = src.read_bytes()
    if fmt == "pdf":
        try:
            text = documents.pdf_text(data)
        except ValueError as exc:
            raise _corrupt() from exc
        if not text.strip():
            raise _corrupt(MSG_PDF_NO_TEXT)
    elif fmt == "zip":
        try:
            with zipfile.ZipFile(src) as zf:
                is_docx = "word/document.xml" in zf.namelist()
        except zipfile.BadZipFile as exc:
            raise _corrupt() from exc
        if not is_docx:
            raise _unsupported()
        try:
            text = documents.docx_text(data)
        except ValueError as exc:
            raise _corrupt() from exc
    elif fmt is None:
        try:
            text = documents.tidy_text(decode_japanese(data))
        except ValueError as exc:
            raise (
                _corrupt() if ext in (".txt", ".srt", ".text", ".md") else _unsupported()
            ) from exc
    else:
        raise _unsupported()
    if not text.strip():
        raise _corrupt(MSG_EMPTY_TEXT)
    if fmt is None and (ext == ".srt" or looks_like_srt(text)):
        cues = parse_srt(text)
        if not cues:
            raise _corrupt("字幕ファイル（SRT）の時間指定を読み取れませんでした。")
        stored = _store(src, media_dir, name, ".srt")
        joined = "\n".join(c.text for c in cues)
        return Ingested(kind="subtitles", name=name, path=stored, text=joined, cues=cues)
    store_ext = {"pdf": ".pdf", "zip": ".docx"}.get(fmt or "", ".txt")
    stored = _store(src, media_dir, name, store_ext)
    return Ingested(kind="text", name=name, path=stored, text=text)


def _ingest_image(name: str, src: Path, media_dir: Path, fmt: Format) -> Ingested:
    try:
        with Image.open(src) as im:
            im.load()  # a truncated or corrupt file fails here, not at render time
            oriented = ImageOps.exif_transpose(im)
            width, height = oriented.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise _corrupt() from exc
    if width < 16 or height < 16:
        raise _corrupt("画像が小さすぎます。もっと大きな画像を送ってください。")
    ext = {"jpeg": ".jpg", "png": ".png", "gif": ".gif", "webp": ".webp"}[fmt]
    stored = _store(src, media_dir, name, ext)
    return Ingested(kind="image", name=name, path=stored, width=width, height=height)


def _ingest_av(name: str, src: Path, media_dir: Path, fmt: Format) -> Ingested:
    info = probe.probe(src)
    if info is None:
        raise _corrupt()
    has_video = info.video_codec is not None and not info.frames_are_image
    if has_video and probe.decodes(src, "v"):
        if not info.duration_ms or not info.width or not info.height:
            raise _corrupt()
        ext = {"mp4": ".mp4", "mov": ".mov", "avi": ".avi", "matroska": ".mkv"}.get(fmt, ".mp4")
        if (
            fmt == "matroska"
            and "webm" in info.format_name
            and Path(name).suffix.lower() == ".webm"
        ):
            ext = ".webm"
        stored = _store(src, media_dir, name, ext)
        return Ingested(
            kind="video",
            name=name,
            path=stored,
            duration_ms=info.duration_ms,
            width=info.width,
            height=info.height,
        )
    if info.audio_codec is not None and probe.decodes(src, "a"):
        if not info.duration_ms:
            raise _corrupt()
        ext = {"wav": ".wav", "m4a": ".m4a", "mp4": ".m4a", "mp3": ".mp3", "aac": ".aac"}.get(
            fmt, Path(name).suffix.lower() or ".audio"
        )
        stored = _store(src, media_dir, name, ext)
        return Ingested(kind="audio", name=name, path=stored, duration_ms=info.duration_ms)
    raise _corrupt()


def ingest_file(name: str, src: Path, media_dir: Path) -> Ingested:
    """Validate ``src`` by content, extract or probe it, and copy it into ``media_dir``.

    Raises ``IngestError`` (4001 unsupported or corrupt, 4002 larger than 200 MB).
    """
    try:
        size = src.stat().st_size
    except OSError as exc:
        raise _corrupt() from exc
    if size > MAX_UPLOAD_BYTES:
        raise IngestError(TOO_LARGE, MSG_TOO_LARGE)
    if size == 0:
        raise _corrupt("ファイルが空です。")
    ext = Path(name).suffix.lower()
    if ext and ext not in ACCEPTED_EXTENSIONS:
        raise _unsupported()
    with src.open("rb") as fh:
        head = fh.read(64)
    fmt = sniff(head)
    if fmt is None:
        # Not a known container: only a text file may look like that.
        if ACCEPTED_EXTENSIONS.get(ext, "text") not in ("text", "subtitles") or ext in (
            ".pdf",
            ".docx",
        ):
            raise _corrupt()
        return _ingest_text(name, src, media_dir, None, ext)
    # The content decides (a PNG named .jpg is a PNG); the extension only had to be one we accept.
    kind = kind_of_format(fmt)
    if kind == "image":
        return _ingest_image(name, src, media_dir, fmt)
    if kind in ("video", "audio"):
        return _ingest_av(name, src, media_dir, fmt)
    return _ingest_text(name, src, media_dir, fmt, ext)
