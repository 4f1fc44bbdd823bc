"""linesim's settings: command-line options, with LINESIM_* environment equivalents."""

from __future__ import annotations

from dataclasses import dataclass, field

from linesim.ids import new_user_id


@dataclass
class Settings:
    """Everything the server needs to know at start-up."""

    webhook_url: str = "http://127.0.0.1:8000/callback"
    channel_secret: str = "linesim-channel-secret"
    channel_token: str = "linesim-channel-token"
    allow_http_media: bool = False
    bot_user_id: str = field(default_factory=new_user_id)
    bot_display_name: str = "プロモ動画メーカー"
    reply_token_ttl: float = 60.0
    webhook_timeout: float = 10.0
