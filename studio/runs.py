"""Agent runs behind ``POST /run_sse``: the work, its events, and the streams that carry them.

A run is produced by a background task, not by the HTTP response: a client that drops
the connection does not stop the work (the draft still changes, as with the real
backend), and may resume with ``Last-Event-ID``. Runs of one session take turns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from studio import auth, sse
from studio.agent import UNDONE, Tools, respond
from studio.config import StudioConfig
from studio.faults import SseMode
from studio.intents import Intent
from studio.sessions import replace_draft, session_view
from studio.store import Store

__all__ = ["Run", "RunManager", "SseResponse", "StreamDropped"]

log = logging.getLogger("studio.runs")

#: Runs kept for resuming (a reconnect comes within seconds; this is plenty).
MAX_RUNS = 500


class StreamDropped(Exception):
    """Raised inside a stream to cut the connection (the ``drop`` test mode)."""


class SseResponse(StreamingResponse):
    """An event stream that can end without its final chunk, like a dropped connection."""

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        super().__init__(
            chunks,
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        try:
            async for chunk in self.body_iterator:
                data = chunk.encode() if isinstance(chunk, str) else bytes(chunk)
                await send({"type": "http.response.body", "body": data, "more_body": True})
        except StreamDropped:
            # Returning without the last chunk makes the server close the socket mid-stream.
            return
        except OSError:
            return  # the client went away; the run goes on without it
        await send({"type": "http.response.body", "body": b"", "more_body": False})


@dataclass
class Run:
    """One message's run: its events so far and whether it has finished."""

    id: str
    session_id: str
    events: list[dict[str, Any]] = field(default_factory=list)
    done: bool = False
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def emit(self, event: dict[str, Any]) -> None:
        async with self.changed:
            self.events.append(event)
            self.changed.notify_all()

    async def finish(self) -> None:
        async with self.changed:
            self.done = True
            self.changed.notify_all()

    def next_id(self) -> str:
        return f"{self.id}-{len(self.events) + 1}"


class RunManager:
    """Starts runs, keeps them for resuming, and streams them."""

    def __init__(self, store: Store, tools: Tools, config: StudioConfig) -> None:
        self._store = store
        self._tools = tools
        self._config = config
        self._runs: dict[str, Run] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def running(self, session_id: str) -> bool:
        return any(r.session_id == session_id and not r.done for r in self._runs.values())

    def find(self, session_id: str, last_event_id: str) -> tuple[Run, int] | None:
        """The run an event id belongs to and the index after it (for ``Last-Event-ID``)."""
        run_id, _, number = last_event_id.strip().rpartition("-")
        run = self._runs.get(run_id)
        if run is None or run.session_id != session_id or not number.isdigit():
            return None
        return run, int(number)

    def forget(self) -> None:
        """For a reset: resuming old runs is no longer possible."""
        self._runs.clear()

    def start(
        self,
        session_id: str,
        token: str,
        message: str,
        intent: Intent,
        cost: int,
        mode: SseMode | None,
    ) -> Run:
        run = Run(id="run_" + secrets.token_hex(8), session_id=session_id)
        # Keep recent runs for Last-Event-ID; older finished ones are dropped, oldest first.
        excess = len(self._runs) - MAX_RUNS
        if excess > 0:
            for old_id in [k for k, r in self._runs.items() if r.done][:excess]:
                del self._runs[old_id]
        self._runs[run.id] = run
        task = asyncio.create_task(self._produce(run, token, message, intent, cost, mode))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return run

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(BaseException):
                await task

    # -- producing ------------------------------------------------------------------------------

    def _settle(self, token: str, cost: int, ok: bool) -> None:
        with self._store.lock:
            rec = self._store.tokens.get(token)
            if rec is None:
                return
            (auth.settle if ok else auth.refund)(rec, cost)
            self._store.save_tokens()

    async def _produce(
        self, run: Run, token: str, message: str, intent: Intent, cost: int, mode: SseMode | None
    ) -> None:
        lock = self._locks.setdefault(run.session_id, asyncio.Lock())
        ok = False
        try:
            async with lock:
                ok = await self._work(run, token, message, intent, mode)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("run %s failed", run.id)
            await run.emit(sse.error_event(run.next_id(), run.id, f"internal error: {exc}"))
        finally:
            self._settle(token, cost, ok)
            await run.finish()

    async def _work(
        self, run: Run, token: str, message: str, intent: Intent, mode: SseMode | None
    ) -> bool:
        gap = self._config.event_gap_seconds
        kind = mode.mode if mode else ""
        if kind == "slow" and mode:
            gap = mode.seconds
        if kind == "heartbeats" and mode:
            await asyncio.sleep(mode.seconds)  # the stream sends ": ping" meanwhile
        if kind == "error":
            await asyncio.sleep(gap)
            message_text = "I encountered a temporary issue. Please try again."
            await run.emit(sse.error_event(run.next_id(), run.id, message_text))
            return False
        with self._store.lock:
            session = self._store.sessions.get(run.session_id)
            credits = self._store.tokens.get(token)
            left = credits.available if credits else None
        if session is None or session.dropped:
            await run.emit(sse.error_event(run.next_id(), run.id, "session not found"))
            return False
        view = session_view(session, left)
        turn = await asyncio.to_thread(respond, message, view, self._tools, intent)
        for n, call in enumerate(turn.calls, start=1):
            call_id = f"call_{run.id}_{n}"
            await run.emit(sse.call_event(run.next_id(), run.id, call_id, call.name, call.args))
            await asyncio.sleep(gap)
            await run.emit(
                sse.response_event(run.next_id(), run.id, call_id, call.name, call.response)
            )
            await asyncio.sleep(gap)
        if turn.draft is not None:
            with self._store.lock:
                current = self._store.sessions.get(run.session_id)
                if current is not None and current is session:
                    replace_draft(current, turn.draft, undo=turn.kind == UNDONE)
                    current.version += 1
                    current.updated_at = time.time()
                    self._store.save_session(current)
        if turn.silent or kind == "silent" or not turn.text:
            return True
        for chunk in sse.chunk_text(turn.text):
            await run.emit(sse.text_event(run.next_id(), run.id, chunk, partial=True))
            await asyncio.sleep(gap)
        await run.emit(sse.text_event(run.next_id(), run.id, turn.text, partial=False))
        return True

    # -- streaming ------------------------------------------------------------------------------

    async def stream(self, run: Run, start: int = 0, *, drop: bool = False) -> AsyncIterator[bytes]:
        """The run's events from index ``start``, ``: ping`` while there is nothing new.

        ``drop`` cuts the connection right after the first text event.
        """
        yield sse.PING  # opens the stream at once, before the agent has anything to say
        index = start
        while True:
            async with run.changed:
                if index >= len(run.events) and not run.done:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(run.changed.wait(), self._config.ping_seconds)
                pending = run.events[index:]
                finished = run.done
            if not pending:
                if finished:
                    return
                yield sse.PING
                continue
            for event in pending:
                index += 1
                yield sse.encode(event)
                if drop and sse.event_text(event):
                    raise StreamDropped
