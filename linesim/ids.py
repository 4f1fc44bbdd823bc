"""Identifier generators shaped like LINE's (ULIDs, reply tokens, message ids)."""

from __future__ import annotations

import re
import secrets
import time
import uuid

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

USER_ID_RE = re.compile(r"^U[0-9a-f]{32}$")
GROUP_ID_RE = re.compile(r"^C[0-9a-f]{32}$")
ROOM_ID_RE = re.compile(r"^R[0-9a-f]{32}$")
CHAT_ID_RE = re.compile(r"^[UCR][0-9a-f]{32}$")
UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def new_ulid(ms: int | None = None) -> str:
    """A ULID: 48-bit millisecond time + 80 random bits, Crockford base32, 26 chars."""
    stamp = int(time.time() * 1000) if ms is None else ms
    value = (stamp & ((1 << 48) - 1)) << 80 | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def ulid_time_ms(ulid: str) -> int:
    """The millisecond timestamp encoded in a ULID."""
    value = 0
    for ch in ulid.upper():
        value = value * 32 + _CROCKFORD.index(ch)
    return value >> 80


def new_user_id() -> str:
    """A user id: 'U' + 32 lowercase hex digits."""
    return "U" + secrets.token_hex(16)


def new_group_id() -> str:
    """A group id: 'C' + 32 lowercase hex digits."""
    return "C" + secrets.token_hex(16)


def new_room_id() -> str:
    """A room id: 'R' + 32 lowercase hex digits."""
    return "R" + secrets.token_hex(16)


def new_reply_token() -> str:
    """A reply token: 32 hex digits, as LINE sends them."""
    return secrets.token_hex(16)


def new_message_id() -> str:
    """A message id: an 18-digit decimal string (LINE ids are numeric strings)."""
    return str(secrets.randbelow(9 * 10**17) + 10**17)


def new_quote_token() -> str:
    """An opaque quote/mark-as-read token (url-safe base64, like LINE's)."""
    return secrets.token_urlsafe(72)


def new_request_id() -> str:
    """A request id as in LINE's X-Line-Request-Id header."""
    return str(uuid.uuid4())


def chat_kind(chat_id: str) -> str:
    """'user', 'group', 'room' or '' for an id that is not shaped like any of them."""
    if USER_ID_RE.match(chat_id):
        return "user"
    if GROUP_ID_RE.match(chat_id):
        return "group"
    if ROOM_ID_RE.match(chat_id):
        return "room"
    return ""
