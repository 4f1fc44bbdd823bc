"""Backend tokens at rest: encrypted with Fernet when TOKEN_ENCRYPTION_KEY is set."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken

_MARK = "f1:"


class TokenCipher:
    """Encrypts tokens before they reach Redis; a no-op without a key."""

    def __init__(self, key: str | None) -> None:
        self._fernet = Fernet(key.encode()) if key else None

    def seal(self, token: str) -> str:
        if self._fernet is None:
            return token
        return _MARK + self._fernet.encrypt(token.encode()).decode()

    def open(self, stored: str) -> str | None:
        """The token, or None when it cannot be read (key changed): then get a new one."""
        if not stored.startswith(_MARK):
            return stored if self._fernet is None else None
        if self._fernet is None:
            return None
        try:
            return self._fernet.decrypt(stored[len(_MARK) :].encode()).decode()
        except InvalidToken:
            return None
