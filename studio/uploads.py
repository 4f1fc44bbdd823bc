"""Uploads: saving multipart files or fetching URLs, then handing them to the engine.

The file is streamed to a scratch file (stopping at the size limit), ingested by the
engine into the session's media folder, and recorded as a :class:`MediaRecord`.
"""

from __future__ import annotations

import asyncio
import mimetypes
import re
import secrets
import time
import unicodedata
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import httpx
from starlette.datastructures import UploadFile

from studio import bridge
from studio.engine import IngestError
from studio.envelope import FILE_TOO_LARGE, ApiError
from studio.store import CueRecord, MediaRecord

__all__ = ["fetch_url", "ingest_upload", "save_upload"]

CHUNK = 1 << 20
#: Content types whose extension a URL may lack.
_EXT_BY_TYPE = {
    "text/plain": ".txt",
    "application/pdf": ".pdf",
    "application/x-subrip": ".srt",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/webm": ".webm",
    "audio/mpeg": ".mp3",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/mp4": ".m4a",
    "audio/aac": ".aac",
}


def clean_name(name: str | None, fallback: str = "upload") -> str:
    """The file's base name, without directories or control characters."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if ch.isprintable()).strip()
    return base[:200] or fallback


def _too_large() -> ApiError:
    return ApiError(FILE_TOO_LARGE)


async def save_upload(upload: UploadFile, dest: Path, max_bytes: int) -> int:
    """Copy one multipart file to ``dest``; code 4002 beyond ``max_bytes``."""
    size = 0
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("wb") as out:
        while chunk := await upload.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise _too_large()
            out.write(chunk)
    return size


async def fetch_url(url: str, scratch: Path, max_bytes: int) -> tuple[str, Path, int]:
    """Download ``url`` (http/https) by streaming; (file name, path, size)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ApiError(400, f"not an http(s) URL: {url}", status=400)
    name = clean_name(unquote(PurePosixPath(parts.path).name), "download")
    scratch.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    try:
        async with (
            httpx.AsyncClient(follow_redirects=True, timeout=httpx.Timeout(30.0)) as client,
            client.stream("GET", url) as resp,
        ):
            if resp.status_code >= 400:
                raise ApiError(400, f"could not fetch {url}: HTTP {resp.status_code}", status=400)
            declared = resp.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise _too_large()
            disposition = resp.headers.get("content-disposition", "")
            named = re.search(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)\"?", disposition)
            if named:
                name = clean_name(unquote(named.group(1)), name)
            if not Path(name).suffix:
                ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
                ext = _EXT_BY_TYPE.get(ctype) or mimetypes.guess_extension(ctype) or ""
                name += ext
            with scratch.open("wb") as out:
                async for chunk in resp.aiter_bytes(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise _too_large()
                    out.write(chunk)
    except httpx.HTTPError as exc:
        raise ApiError(400, f"could not fetch {url}: {exc}", status=400) from exc
    return name, scratch, size


def _ingest(name: str, src: Path, media_dir: Path, data_dir: Path) -> MediaRecord:
    try:
        got = bridge.ingest(name, src, media_dir)
    except IngestError as exc:
        raise ApiError(exc.code, exc.message) from exc
    finally:
        src.unlink(missing_ok=True)
    path = Path(got.path)
    return MediaRecord(
        id="media_" + secrets.token_hex(8),
        name=name,
        kind=got.kind,
        file=path.resolve().relative_to(data_dir.resolve()).as_posix(),
        text=got.text,
        cues=[CueRecord(start_ms=c.start_ms, end_ms=c.end_ms, text=c.text) for c in got.cues],
        duration_ms=got.duration_ms,
        width=got.width,
        height=got.height,
        size=path.stat().st_size if path.exists() else 0,
        created_at=time.time(),
    )


async def ingest_upload(name: str, src: Path, media_dir: Path, data_dir: Path) -> MediaRecord:
    """Let the engine check and store the file (in a thread: it may run ffprobe);
    codes 4001/4002 when it refuses."""
    return await asyncio.to_thread(_ingest, name, src, media_dir, data_dir)
