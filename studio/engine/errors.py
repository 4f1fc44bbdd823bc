"""Errors raised by the render engine."""

from __future__ import annotations

__all__ = ["EngineError", "IngestError", "RenderError"]

#: Contract codes (docs/nemovideo-api.md): 4001 unsupported or corrupt, 4002 too large.
UNSUPPORTED = 4001
TOO_LARGE = 4002


class EngineError(Exception):
    """Base class of every engine error."""


class IngestError(EngineError):
    """An upload that cannot be used; ``message`` is friendly Japanese for the user."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class RenderError(EngineError):
    """A draft that could not be rendered."""
