"""Export jobs: a queue worked by one thread, one render at a time (the machine has 2 cores).

Each render runs the engine in a child process (``studio.render_child``) so the API stays
responsive and a stop can kill it. Jobs live in the store; a job that was queued or
processing when studio stopped is queued again when it starts.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from studio.config import StudioConfig
from studio.faults import Switches
from studio.render_child import child_main
from studio.store import RenderRecord, Store

__all__ = ["Cancelled", "RenderFailed", "RenderQueue", "Runner", "job_view", "run_in_child"]

log = logging.getLogger("studio.renders")

#: ``runner(draft, media, out_dir, progress, stop)`` → the engine's result as a dict
#: (video, poster, duration_ms, width, height); raises :class:`RenderFailed`.
Runner = Callable[
    [dict[str, Any], Mapping[str, Path], Path, Callable[[float], None], threading.Event],
    dict[str, Any],
]


class RenderFailed(Exception):
    """The engine could not render the draft."""


class Cancelled(Exception):
    """Studio is stopping; the job stays queued for the next start."""


def run_in_child(
    draft: dict[str, Any],
    media: Mapping[str, Path],
    out_dir: Path,
    progress: Callable[[float], None],
    stop: threading.Event,
) -> dict[str, Any]:
    """Render in a fresh (spawned) process; the default :data:`Runner`."""
    ctx = multiprocessing.get_context("spawn")
    channel = ctx.Queue()
    args = (draft, {k: str(v) for k, v in media.items()}, str(out_dir), channel)
    proc = ctx.Process(target=child_main, args=args, daemon=True, name="studio-render")
    proc.start()
    try:
        while True:
            if stop.is_set():
                raise Cancelled
            try:
                kind, payload = channel.get(timeout=0.2)
            except queue.Empty:
                if not proc.is_alive() and channel.empty():
                    raise RenderFailed(f"render process exited ({proc.exitcode})") from None
                continue
            if kind == "progress":
                progress(float(payload))
            elif kind == "done":
                return dict(payload)
            else:
                raise RenderFailed(str(payload))
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=5)
        channel.close()


def job_view(job: RenderRecord) -> dict[str, Any]:
    """The poll answer's ``data``: ``{"id","status","progress","output"[,"error"]}``."""
    view: dict[str, Any] = {
        "id": job.id,
        "status": job.status,
        "progress": job.progress,
        "output": job.output,
    }
    if job.error:
        view["error"] = job.error
    return view


class RenderQueue:
    """Runs queued jobs in order on one worker thread."""

    def __init__(
        self,
        store: Store,
        switches: Switches,
        config: StudioConfig,
        runner: Runner = run_in_child,
    ) -> None:
        self._store = store
        self._switches = switches
        self._config = config
        self._runner = runner
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the worker and queue again whatever a previous run left unfinished."""
        with self._store.lock:
            unfinished = sorted(
                (j for j in self._store.renders.values() if j.status in ("queued", "processing")),
                key=lambda j: j.created_at,
            )
            for job in unfinished:
                job.status, job.progress, job.started_at = "queued", 0, None
                self._store.save_render(job)
        for job in unfinished:
            log.info("render %s restarted after a studio restart", job.id)
            self._queue.put(job.id)
        self._thread = threading.Thread(target=self._work, name="studio-renders", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(timeout=10)

    def submit(self, job_id: str) -> None:
        self._queue.put(job_id)

    def busy_for(self, session_id: str) -> RenderRecord | None:
        """The session's unfinished export, if any (one at a time per session)."""
        with self._store.lock:
            for job in self._store.renders.values():
                if job.session_id == session_id and job.status in ("queued", "processing"):
                    return job
        return None

    # -- the worker --------------------------------------------------------------------------

    def _work(self) -> None:
        while not self._stop.is_set():
            job_id = self._queue.get()
            if job_id is None:
                break
            try:
                self._run(job_id)
            except Cancelled:
                break
            except Exception:  # a bug must not kill the worker: fail the job, keep going
                log.exception("render %s crashed", job_id)
                self._finish(job_id, self._store.generation, error="internal render error")

    def _update(self, job_id: str, generation: int, **fields: Any) -> RenderRecord | None:
        """Change a job unless a reset forgot it meanwhile."""
        with self._store.lock:
            job = self._store.renders.get(job_id)
            if job is None or self._store.generation != generation:
                return None
            for key, value in fields.items():
                setattr(job, key, value)
            job.updated_at = time.time()
            self._store.save_render(job)
            return job

    def _finish(
        self,
        job_id: str,
        generation: int,
        *,
        output: dict[str, Any] | None = None,
        video_file: str | None = None,
        error: str = "",
    ) -> None:
        if error:
            self._update(job_id, generation, status="failed", error=error)
        else:
            self._update(
                job_id,
                generation,
                status="completed",
                progress=100,
                output=output,
                video_file=video_file,
            )

    def _run(self, job_id: str) -> None:
        generation = self._store.generation
        with self._store.lock:
            job = self._store.renders.get(job_id)
            if job is None or job.status != "queued":
                return
            draft = job.draft
            media = self._store.media_paths(job.session_id)
            out_dir = self._store.render_dir(job.id)
        self._update(job_id, generation, status="processing", progress=0, started_at=time.time())
        fail, hold = self._switches.take_render()
        started = time.monotonic()
        shown = [0]

        def progress(fraction: float) -> None:
            pct = int(fraction * 100)
            if hold:
                # Held renders advance with the clock too, so polls see steady progress.
                pct = min(pct, int((time.monotonic() - started) / hold * 100))
            pct = max(0, min(99, pct))
            if pct > shown[0]:
                shown[0] = pct
                self._update(job_id, generation, progress=pct)

        result: dict[str, Any] | None = None
        error = ""
        if fail:
            error = "render failed (injected by /_studio/render)"
        else:
            try:
                result = self._runner(draft, media, out_dir, progress, self._stop)
            except RenderFailed as exc:
                error = str(exc) or "render failed"
        while time.monotonic() - started < hold:
            if self._stop.is_set():
                raise Cancelled
            progress(1.0)
            time.sleep(0.2)
        if error or result is None:
            log.info("render %s failed: %s", job_id, error)
            self._finish(job_id, generation, error=error or "render failed")
            return
        video, poster = Path(result["video"]), Path(result["poster"])
        output = {
            "url": self._config.public_link(video),
            "poster_url": self._config.public_link(poster),
            "duration_ms": int(result["duration_ms"]),
            "width": int(result["width"]),
            "height": int(result["height"]),
        }
        data_dir = self._config.data_dir.resolve()
        video_file = video.resolve().relative_to(data_dir).as_posix()
        self._finish(job_id, generation, output=output, video_file=video_file)
