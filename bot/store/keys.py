"""Every Redis key the bot writes, with its lifetime. One place to audit memory use.

| key | what | TTL |
|---|---|---|
| ``lpv:evt:<webhookEventId>`` | an accepted event (de-duplication) | 24 h |
| ``lpv:inbox:<chat>`` | ordered events waiting for the chat's worker | 24 h, renewed |
| ``lpv:proc:<chat>`` | the event being handled (crash recovery) | 24 h |
| ``lpv:pending`` | chats whose inbox may hold work | members removed when drained |
| ``lpv:lease:<chat>`` | which worker handles the chat now | 30 s, renewed while working |
| ``lpv:inflight:<chat>`` | whether the running event already reached the backend | 1 h |
| ``lpv:inflight:<chat>`` | whether the running event reached the backend | 1 h |
| ``lpv:render:<id>`` | a render being exported, until delivered | 7 days |
| ``lpv:renders:due`` | render ids by next poll time | members removed when done |
| ``lpv:render_active:<chat>`` | the chat's export in progress | render time limit |
| ``lpv:outbox:<chat>`` | messages push could not deliver, for the next reply | 7 days |
| ``lpv:push_blocked`` | push refused: month's quota spent | until next month (JST) |
| ``lpv:usage:<chat>:<yyyymmdd>`` | runs today (fair use on a shared token) | 2 days |
| ``lpv:botmsg:<chat id>`` | ids of the bot's messages (replies to them address the bot) | 7 days |
| ``lpv:preview:<id>`` | a preview image the bot made | 30 days |
"""

from __future__ import annotations

PREFIX = "lpv:"
DAY = 86_400

EVENT_TTL = DAY
INBOX_TTL = DAY
LEASE_MS = 30_000
INFLIGHT_TTL = 3_600
USER_TTL = 180 * DAY
RENDER_TTL = 7 * DAY
OUTBOX_TTL = 7 * DAY
USAGE_TTL = 2 * DAY
BOTMSG_TTL = 7 * DAY
PREVIEW_TTL = 30 * DAY


def event(event_id: str) -> str:
    return f"{PREFIX}evt:{event_id}"


def inbox(chat: str) -> str:
    return f"{PREFIX}inbox:{chat}"


def processing(chat: str) -> str:
    return f"{PREFIX}proc:{chat}"


PENDING = f"{PREFIX}pending"


def lease(chat: str) -> str:
    return f"{PREFIX}lease:{chat}"


def inflight(chat: str) -> str:
    return f"{PREFIX}inflight:{chat}"


def user(chat: str) -> str:
    return f"{PREFIX}user:{chat}"


def render(render_id: str) -> str:
    return f"{PREFIX}render:{render_id}"


RENDERS_DUE = f"{PREFIX}renders:due"


def render_active(chat: str) -> str:
    return f"{PREFIX}render_active:{chat}"


def outbox(chat: str) -> str:
    return f"{PREFIX}outbox:{chat}"


PUSH_BLOCKED = f"{PREFIX}push_blocked"


def usage(chat: str, day: str) -> str:
    return f"{PREFIX}usage:{chat}:{day}"


def bot_messages(chat_id: str) -> str:
    return f"{PREFIX}botmsg:{chat_id}"


def preview(render_id: str) -> str:
    return f"{PREFIX}preview:{render_id}"
