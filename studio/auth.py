"""Bearer tokens and credits: issuing anonymous tokens, checking them, charging runs (pure)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from studio.envelope import NO_CREDITS, TOKEN_INVALID, ApiError
from studio.store import TokenRecord

__all__ = [
    "ANON_CREDITS",
    "ANON_TTL_S",
    "authenticate",
    "balance",
    "bearer",
    "is_live",
    "issue_anonymous",
    "refund",
    "reserve",
    "settle",
]

ANON_CREDITS = 100
ANON_TTL_S = 7 * 24 * 3600
#: The window of both anonymous-token limits (per client id, per IP address).
LIMIT_WINDOW_S = 7 * 24 * 3600


def is_live(rec: TokenRecord, now: float) -> bool:
    """True while the token may be used."""
    return rec.expires_at is None or rec.expires_at > now


def new_token() -> str:
    return "nmv_usr_" + secrets.token_hex(16)


def issue_anonymous(
    existing: Iterable[TokenRecord], client_id: str, ip: str | None, now: float, per_ip: int
) -> TokenRecord:
    """A fresh anonymous token, or HTTP 429 when a limit says no.

    One live token per client id (an expired or invalidated one may be replaced), and at
    most ``per_ip`` tokens per address in 7 days (0 = no limit).
    """
    recent_from_ip = 0
    for rec in existing:
        if not rec.anonymous:
            continue
        if rec.client_id == client_id and is_live(rec, now):
            raise ApiError(
                429, "an anonymous token was already issued to this client id", status=429
            )
        if ip is not None and rec.ip == ip and now - rec.created_at < LIMIT_WINDOW_S:
            recent_from_ip += 1
    if per_ip and recent_from_ip >= per_ip:
        raise ApiError(429, "too many anonymous tokens from this address", status=429)
    return TokenRecord(
        token=new_token(),
        client_id=client_id,
        ip=ip,
        anonymous=True,
        created_at=now,
        expires_at=now + ANON_TTL_S,
        available=ANON_CREDITS,
    )


def bearer(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header (tolerating a bare token)."""
    if not authorization:
        return None
    value = authorization.strip()
    if value.lower().startswith("bearer "):
        value = value[7:].strip()
    return value or None


def authenticate(
    tokens: dict[str, TokenRecord], authorization: str | None, now: float
) -> TokenRecord:
    """The token record behind the header, or code 1001."""
    token = bearer(authorization)
    rec = tokens.get(token) if token else None
    if rec is None or not is_live(rec, now):
        raise ApiError(TOKEN_INVALID)
    return rec


def reserve(rec: TokenRecord, cost: int) -> None:
    """Freeze ``cost`` credits for a run, or code 2001 when there are not enough."""
    if cost > 0 and rec.available < cost:
        raise ApiError(NO_CREDITS, data=balance(rec))
    rec.available -= cost
    rec.frozen += cost


def settle(rec: TokenRecord, cost: int) -> None:
    """The run finished: the frozen credits are spent."""
    rec.frozen = max(0, rec.frozen - cost)


def refund(rec: TokenRecord, cost: int) -> None:
    """The run failed: give the frozen credits back."""
    back = min(cost, rec.frozen)
    rec.frozen -= back
    rec.available += back


def balance(rec: TokenRecord) -> dict[str, int]:
    """``available`` to spend, ``frozen`` by running work, ``total`` of both."""
    return {"available": rec.available, "frozen": rec.frozen, "total": rec.available + rec.frozen}
