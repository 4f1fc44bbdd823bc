"""The render child process: runs the engine on one draft and reports over a queue.

Kept apart from the server modules so the child (started with ``spawn``) imports only the
engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["child_main"]


def child_main(draft: dict[str, Any], media: dict[str, str], out_dir: str, queue: Any) -> None:
    """Render, sending ``("progress", 0..1)``, then ``("done", {...})`` or ``("error", why)``."""
    from studio.engine import RenderError, render_draft

    last = -1

    def progress(fraction: float) -> None:
        nonlocal last
        pct = int(fraction * 100)
        if pct != last:  # the engine reports per frame; the parent needs whole percents
            last = pct
            queue.put(("progress", fraction))

    try:
        result = render_draft(
            draft, {k: Path(v) for k, v in media.items()}, Path(out_dir), progress=progress
        )
    except RenderError as exc:
        queue.put(("error", str(exc)))
        return
    except Exception as exc:  # anything else is still a failed render, not a dead worker
        queue.put(("error", f"{type(exc).__name__}: {exc}"))
        return
    queue.put(
        (
            "done",
            {
                "video": str(result.video),
                "poster": str(result.poster),
                "duration_ms": result.duration_ms,
                "width": result.width,
                "height": result.height,
            },
        )
    )
