"""Everything else: the message goes to the backend's agent and its answer is relayed.

One run costs few pushes: texts are collected and sent together, by reply when the
run ends inside the reply window (free), otherwise the reply token acknowledges the
request before it expires and the answer follows in one push. While only heartbeats
arrive, a "still working" note goes out at most every STILL_WORKING_SECONDS. A run
that closes without text is explained from the draft's diff.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

import structlog

from bot import draft, gui
from bot import messages as m
from bot.adk import Heartbeat, StreamError, StreamItem, TextAssembler, TextPart
from bot.context import Ctx
from bot.events import Inbound
from bot.metrics import SSE_RUNS, SSE_SECONDS
from bot.nemo.errors import BackendUnavailable, NemoError, error_for
from handlers import export

log = structlog.get_logger(__name__)

HEARTBEAT_ONLY_LIMIT = 600.0  # ten minutes of heartbeats only: the run timed out (sibling)
LOADING_REFRESH = 50.0
REPLY_MARGIN = 8.0  # acknowledge this long before the reply token runs out
DROP_SETTLE_POLL = 5.0
DROP_SETTLE_MAX = 120.0
TICK = 0.5


# Transport errors that mean the message never left: then it is a plain outage.
_NOT_SENT = ("ConnectError", "ConnectTimeout")


@dataclass
class _Run:
    """The state of one relayed run."""

    started: float = field(default_factory=time.monotonic)
    last_text: float = field(default_factory=time.monotonic)
    last_visible: float = field(default_factory=time.monotonic)
    loading_at: float = field(default_factory=time.monotonic)
    assembler: TextAssembler = field(default_factory=TextAssembler)
    pending: list[str] = field(default_factory=list)
    actions: list[gui.GuiAction] = field(default_factory=list)
    relayed_any: bool = False
    error: StreamError | None = None
    outcome: str = "ok"

    def take_text(self, value: str | None) -> None:
        if value is None:
            return
        translated = gui.translate(value)
        for action in translated.actions:
            if action not in self.actions:
                self.actions.append(action)
        if translated.text:
            self.pending.append(translated.text)
        self.last_text = time.monotonic()


async def handle(ctx: Ctx, event: Inbound) -> None:
    s = ctx.services
    if s.settings.uses_operator_token and not await s.usage.take_run(
        ctx.chat.key, s.settings.fair_use_runs_per_day
    ):
        await ctx.say(ctx.t("err_fair_use", limit=s.settings.fair_use_runs_per_day))
        return
    await relay(ctx, event.text)


async def relay(ctx: Ctx, message: str) -> None:
    """Send `message` to the backend and relay the run to the chat."""
    s = ctx.services
    await ctx.conversation.loading(60)
    before = draft.parse((await ctx.backend.state()).get("draft"))
    run = _Run()
    queue: asyncio.Queue[StreamItem | BaseException | None] = asyncio.Queue()

    async def mark_sent() -> None:
        await s.inbox.mark_sent(ctx.chat.key, ctx.event.event_id)

    async def produce() -> None:
        try:
            async for item in ctx.backend.run(message, mark_sent):
                await queue.put(item)
            await queue.put(None)
        except BaseException as error:  # handed to the consumer, which decides
            await queue.put(error)

    producer = asyncio.create_task(produce())
    try:
        await _consume(ctx, run, queue)
    finally:
        producer.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await producer
    SSE_RUNS.labels(run.outcome).inc()
    SSE_SECONDS.observe(time.monotonic() - run.started)
    await _finish(ctx, run, before)


async def _consume(
    ctx: Ctx, run: _Run, queue: asyncio.Queue[StreamItem | BaseException | None]
) -> None:
    settings = ctx.services.settings
    while True:
        try:
            item = await asyncio.wait_for(queue.get(), TICK)
        except TimeoutError:
            item = Heartbeat()
        if item is None:
            return
        if (
            isinstance(item, BackendUnavailable)
            and item.status is None
            and (item.message not in _NOT_SENT)
        ):
            # The connection dropped after the message left: the backend may still be
            # working on it, so it is never sent again.
            run.outcome = "dropped"
            return
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, TextPart):
            run.take_text(run.assembler.add(item))
        elif isinstance(item, StreamError):
            run.error = item
            run.outcome = "error"
            return
        now = time.monotonic()
        if now - run.started > settings.nemo_sse_max_seconds or (
            now - run.last_text > HEARTBEAT_ONLY_LIMIT
        ):
            run.outcome = "timeout"
            return
        await _keep_user_informed(ctx, run, now)


async def _keep_user_informed(ctx: Ctx, run: _Run, now: float) -> None:
    conversation = ctx.conversation
    note: str | None = None
    choices: list[m.Choice] = []
    if conversation.can_reply and conversation.reply_seconds_left < REPLY_MARGIN:
        # The free reply is about to expire: use it for what we have, or an acknowledgement.
        note = _join(run.pending) or ctx.t("working_ack")
        if not await conversation.push_possible():
            choices = m.collect(ctx.lang, "qr_collect_results")
    elif now - run.last_visible >= ctx.services.settings.still_working_seconds:
        run.last_visible = now
        # Without push, a note would spend the one reply and leave the answer waiting with
        # no button to fetch it: the reply is kept for the answer (or for the "get results"
        # button just before it expires) and only the loading animation goes on.
        if await conversation.push_possible():
            note = _join(run.pending) or ctx.t("still_working")
    elif now - run.loading_at <= LOADING_REFRESH:
        return
    if note is not None:
        run.pending.clear()
        await ctx.say(note, choices)
        run.relayed_any = True
        run.last_visible = now
    await conversation.loading(60)
    run.loading_at = now


def _join(texts: list[str]) -> str:
    return "\n\n".join(t for t in texts if t)


async def _finish(ctx: Ctx, run: _Run, before: draft.Draft) -> None:
    run.take_text(run.assembler.finish())
    lines = list(run.pending)
    if run.outcome == "dropped":
        await _settle_after_drop(ctx, run)
    if run.outcome == "timeout":
        lines.append(ctx.t("run_timeout"))
    if run.error is not None:
        error = error_for(code=run.error.code, status=None, message=run.error.message)
        if not lines or error.code in (2001,):
            raise error
    state: dict[str, Any] | None = None
    if not run.assembler.texts and run.outcome in ("ok", "dropped"):
        state = await ctx.backend.state()
        after = draft.parse(state.get("draft"))
        changes = draft.diff(before, after, ctx.lang)
        if changes:
            lines.append(ctx.t("changes_intro") + "\n" + "\n".join(f"・{c}" for c in changes))
        else:
            lines.append(ctx.t("run_done_no_change"))
    lines.extend(await _gui_extras(ctx, run, state))
    body = _join(lines)
    if gui.GuiAction.EXPORT in run.actions:
        try:
            await export.start(ctx, preface=body)  # the answer and "exporting" in one call
        except Exception:
            if body:  # the export was refused: the answer itself must not be lost
                await ctx.say(body, m.after_draft(ctx.lang))
            raise
    elif body:
        await ctx.say(body, m.after_draft(ctx.lang))


async def _settle_after_drop(ctx: Ctx, run: _Run) -> None:
    """A dropped stream is never re-sent: watch the draft until it stops changing."""
    await asyncio.sleep(2)
    previous: Any = None
    waited = 0.0
    told = False
    while waited < DROP_SETTLE_MAX:
        try:
            current = (await ctx.backend.state()).get("draft")
        except NemoError:
            current = None
        if current is not None and current == previous:
            return
        previous = current
        if waited >= 30 and not told:
            await ctx.say(ctx.t("still_working"))
            told = True
        await asyncio.sleep(DROP_SETTLE_POLL)
        waited += DROP_SETTLE_POLL
    log.info("chat.drop_not_settled")


async def _gui_extras(ctx: Ctx, run: _Run, state: dict[str, Any] | None) -> list[str]:
    """What the bot shows instead of the GUI steps the backend mentioned."""
    extras: list[str] = []
    if gui.GuiAction.SHOW_TIMELINE in run.actions:
        state = state or await ctx.backend.state()
        current = draft.parse(state.get("draft"))
        if current.tracks:
            extras.append(draft.timeline_text(current, ctx.lang))
    if gui.GuiAction.SHOW_CREDITS in run.actions:
        credits = await ctx.backend.credits()
        extras.append(
            ctx.t(
                "credits",
                available=int(credits.available),
                frozen=int(credits.frozen),
                total=int(credits.total),
            )
        )
    if gui.GuiAction.SEND_EDIT_HINT in run.actions:
        extras.append(ctx.t("edit_hint"))
    return extras
