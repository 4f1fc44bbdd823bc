"""The worker process: SAQ jobs for events, chat inboxes and render polls, plus a ticker.

- ``handle_event``: an event answered at once (credits, status, stickers ...).
- ``drain_chat``: the chat's inbox, one event at a time, under the chat's lease; events a
  dead worker left half-done are resumed first (never re-sent to the backend).
- ``poll_render``: one poll step of an export.
- The ticker (every second, in every worker) claims due render polls and wakes inboxes
  nobody is draining, so nothing depends on a job that died with its worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

import structlog
from prometheus_client import start_http_server
from saq import Queue, Worker
from saq.types import Context, TimersDict

from bot import jobs
from bot.dispatch import dispatch, poll_render, resume_interrupted
from bot.events import parse_event
from bot.logging import configure
from bot.services import Services, connect
from bot.settings import Settings

log = structlog.get_logger(__name__)

LEASE_RENEW_SECONDS = 10


class WorkerCtx(Context, total=False):
    """SAQ's job context, plus what this worker's startup puts in it."""

    services: Services
    ticker: asyncio.Task[None]
TICK_SECONDS = 1.0
SWEEP_EVERY_TICKS = 5


async def _guarded(what: str, work: Any) -> None:
    """Run one unit of work; an error is logged, never allowed to stop the worker."""
    try:
        await work
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("worker.unit_failed", unit=what)


async def handle_event(ctx: WorkerCtx, *, event: dict[str, Any]) -> None:
    services = ctx["services"]
    await _guarded("event", dispatch(services, parse_event(event)))


async def drain_chat(ctx: WorkerCtx, *, chat: str) -> None:
    services = ctx["services"]
    inbox = services.inbox
    token = await inbox.acquire(chat)
    if token is None:
        return  # another worker is on it
    holder = {"token": token}
    keeper = asyncio.create_task(_keep_lease(ctx, chat, holder))
    try:
        while True:
            for left in await inbox.in_progress(chat):
                event = parse_event(json.loads(left))
                await _guarded("resume", resume_interrupted(services, event))
                await inbox.done(chat, left)
            payload = await inbox.take(chat)
            if payload is None:
                if not await inbox.settle(chat, holder["token"]):
                    holder["token"] = ""
                    return
                holder["token"] = await inbox.acquire(chat) or ""
                if not holder["token"]:
                    return
                continue
            await _guarded("inbox", dispatch(services, parse_event(json.loads(payload))))
            await inbox.done(chat, payload)
    finally:
        keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeper
        if holder["token"]:
            await inbox.settle(chat, holder["token"])


async def _keep_lease(ctx: WorkerCtx, chat: str, holder: dict[str, str]) -> None:
    """Renew the chat's lease and the job's SAQ heartbeat while the drain runs."""
    job = ctx.get("job")
    while True:
        await asyncio.sleep(LEASE_RENEW_SECONDS)
        if holder["token"] and not await ctx["services"].inbox.renew(chat, holder["token"]):
            log.warning("worker.lease_lost", chat=chat)
        if job is not None:
            with contextlib.suppress(Exception):
                await job.update()


async def poll_render_job(ctx: WorkerCtx, *, render: str) -> None:
    services = ctx["services"]
    await _guarded("render", poll_render(services, render))


async def _tick_forever(services: Services, queue: Queue) -> None:
    hold = max(30.0, 2 * services.settings.nemo_render_poll_seconds)
    ticks = 0
    while True:
        try:
            for key in await services.renders.claim_due(time.time(), hold):
                await jobs.enqueue_poll(queue, key)
            if ticks % SWEEP_EVERY_TICKS == 0:
                for chat in await services.inbox.pending_chats():
                    if not await services.inbox.is_leased(chat):
                        await jobs.enqueue_drain(queue, chat)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("worker.tick_failed")
        ticks += 1
        await asyncio.sleep(TICK_SECONDS)


def build_worker(settings: Settings) -> Worker[WorkerCtx]:
    """A SAQ worker with the bot's jobs, startup and shutdown."""
    queue = jobs.make_queue(settings.redis_url)

    async def startup(ctx: WorkerCtx) -> None:
        services = connect(settings)
        ctx["services"] = services
        ctx["ticker"] = asyncio.create_task(_tick_forever(services, queue))
        log.info("worker.started", concurrency=settings.worker_concurrency)

    async def shutdown(ctx: WorkerCtx) -> None:
        ticker = ctx.get("ticker")
        if ticker is not None:
            ticker.cancel()
        services: Services | None = ctx.get("services")
        if services is not None:
            await services.close()
        log.info("worker.stopped")

    return Worker(
        queue,
        functions=[handle_event, drain_chat, ("poll_render", poll_render_job)],
        concurrency=settings.worker_concurrency,
        startup=startup,
        shutdown=shutdown,
        timers=TimersDict(schedule=1, worker_info=10, sweep=10, abort=1),
        shutdown_grace_period_s=20,
    )


def run(settings: Settings) -> None:
    """Run a worker until SIGINT/SIGTERM."""
    configure(settings.log_level, settings.log_json)
    if settings.worker_metrics_port:
        start_http_server(settings.worker_metrics_port)
    asyncio.run(build_worker(settings).start())
