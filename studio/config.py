"""Studio settings: what ``python -m studio serve`` was started with."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

__all__ = ["StudioConfig", "default_data_dir"]

#: The contract's upload limit (docs/nemovideo-api.md).
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def default_data_dir() -> Path:
    """``$STUDIO_DATA_DIR``, else ``~/.cache/studio`` (kept between runs, outside the repo)."""
    env = os.environ.get("STUDIO_DATA_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "studio"


@dataclass(frozen=True)
class StudioConfig:
    """Everything the app needs to know about where it runs."""

    data_dir: Path
    public_url: str
    anon_per_ip: int = 10
    #: A never-expiring token (like a registered user's NEMO_TOKEN); None disables it.
    operator_token: str | None = None
    operator_credits: int = 100_000
    #: Seconds between ``: ping`` comments while a run has nothing to say.
    ping_seconds: float = 1.0
    #: Seconds between the events of a normal run (a little pacing, like a real agent).
    event_gap_seconds: float = 0.02
    max_upload_bytes: int = MAX_UPLOAD_BYTES

    @property
    def public_root(self) -> Path:
        """Files served under ``/files/`` (uploads and render outputs)."""
        return self.data_dir / "public"

    def public_link(self, path: Path) -> str:
        """The absolute URL of a file under :attr:`public_root`."""
        rel = path.resolve().relative_to(self.public_root.resolve())
        return f"{self.public_url.rstrip('/')}/files/{quote(rel.as_posix())}"
