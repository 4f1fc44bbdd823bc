"""The job queue (SAQ on Redis): names and options of every job, in one place."""

from __future__ import annotations

from typing import Any

from saq import Queue

QUEUE_NAME = "lpv"

# A drain job may hold one SSE run (at most 15 minutes) and then more events.
DRAIN_TIMEOUT = 3_600
HEARTBEAT = 60  # seconds without a heartbeat before SAQ's sweep retries the job
JOB_RETRIES = 3


def make_queue(redis_url: str) -> Queue:
    return Queue.from_url(redis_url, name=QUEUE_NAME)


async def enqueue_drain(queue: Queue, chat: str) -> None:
    """Wake a worker to handle the chat's inbox in order."""
    await queue.enqueue(
        "drain_chat", chat=chat, timeout=DRAIN_TIMEOUT, heartbeat=HEARTBEAT, retries=JOB_RETRIES
    )


async def enqueue_event(queue: Queue, event: dict[str, Any], event_id: str) -> None:
    """An event answered at once (credits, status, stickers ...), outside the chat's order."""
    await queue.enqueue(
        "handle_event",
        event=event,
        key=f"evt:{event_id}",
        timeout=300,
        heartbeat=HEARTBEAT,
        retries=JOB_RETRIES,
    )


async def enqueue_poll(queue: Queue, render_key: str) -> None:
    """One poll step of an export. (SAQ reserves ``key`` for the job's own id.)"""
    await queue.enqueue(
        "poll_render", render=render_key, timeout=300, heartbeat=HEARTBEAT, retries=JOB_RETRIES
    )
