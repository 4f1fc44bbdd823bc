"""Where the engine keeps derived files (TTS, music, text images, plates) between renders."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "cache_key", "cache_path"]


def cache_dir() -> Path:
    """``$STUDIO_ENGINE_CACHE``, else ``$XDG_CACHE_HOME/studio-engine``, else ``~/.cache/...``."""
    env = os.environ.get("STUDIO_ENGINE_CACHE")
    if env:
        base = Path(env)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        root = Path(xdg) if xdg else Path.home() / ".cache"
        base = root / "studio-engine"
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:
        # A read-only home (containers) must not break rendering: fall back to /tmp.
        base = Path(tempfile.gettempdir()) / "studio-engine-cache"
        base.mkdir(parents=True, exist_ok=True)
    return base


def cache_key(*parts: Any) -> str:
    """A stable short hash of JSON-serialisable ``parts``."""
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:24]


def cache_path(kind: str, key: str, suffix: str) -> Path:
    """The cache file for ``key`` in the ``kind`` sub-directory (created on demand)."""
    folder = cache_dir() / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{key}{suffix}"


def temp_sibling(path: Path) -> Path:
    """A unique temporary name next to ``path``, for write-then-rename."""
    fd, name = tempfile.mkstemp(
        prefix=path.name + ".", suffix=".tmp" + path.suffix, dir=path.parent
    )
    os.close(fd)
    return Path(name)
