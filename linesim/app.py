"""Wiring: the FastAPI app with the Messaging API, the control API and the chat page."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from linesim import api, chat, control
from linesim.recorder import Recorder
from linesim.settings import Settings
from linesim.store import Store


def create_app(settings: Settings | None = None) -> Any:
    """The ASGI app (FastAPI wrapped in the /v2 request recorder)."""
    settings = settings or Settings()
    store = Store(settings)
    app = FastAPI(title="linesim", docs_url="/_sim/docs", openapi_url="/_sim/openapi.json",
                  redoc_url=None)
    app.state.settings = settings
    app.state.store = store
    app.include_router(api.router)
    app.include_router(control.router)
    app.include_router(chat.router)
    return Recorder(app, store)
