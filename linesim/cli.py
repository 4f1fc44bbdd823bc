"""Command line: `python -m linesim serve ...` (options also read LINESIM_* variables)."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from linesim.app import create_app
from linesim.ids import USER_ID_RE, new_user_id
from linesim.settings import Settings

cli = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="linesim: a LINE Messaging API emulator.")


@cli.callback()
def main() -> None:
    """linesim: a LINE Messaging API emulator."""


@cli.command()
def serve(
    host: Annotated[str, typer.Option(envvar="LINESIM_HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="LINESIM_PORT")] = 8090,
    webhook_url: Annotated[str, typer.Option(envvar="LINESIM_WEBHOOK_URL",
                                             help="The bot's webhook (POST)")] =
        "http://127.0.0.1:8000/callback",
    channel_secret: Annotated[str, typer.Option(envvar="LINESIM_CHANNEL_SECRET")] =
        "linesim-channel-secret",
    channel_token: Annotated[str, typer.Option(envvar="LINESIM_CHANNEL_TOKEN")] =
        "linesim-channel-token",
    allow_http_media: Annotated[bool, typer.Option(
        "--allow-http-media", envvar="LINESIM_ALLOW_HTTP_MEDIA",
        help="Accept http://127.x and localhost media URLs")] = False,
    bot_user_id: Annotated[str | None, typer.Option(envvar="LINESIM_BOT_USER_ID",
                                                    help="'U' + 32 hex")] = None,
    reply_token_ttl: Annotated[float, typer.Option(envvar="LINESIM_REPLY_TOKEN_TTL")] = 60.0,
    log_level: Annotated[str, typer.Option(envvar="LINESIM_LOG_LEVEL")] = "warning",
) -> None:
    """Serve the Messaging API, the data API, /_sim/* and the chat page."""
    if bot_user_id is not None and not USER_ID_RE.match(bot_user_id):
        raise typer.BadParameter("must be 'U' followed by 32 lowercase hex digits",
                                 param_hint="--bot-user-id")
    settings = Settings(webhook_url=webhook_url, channel_secret=channel_secret,
                        channel_token=channel_token, allow_http_media=allow_http_media,
                        bot_user_id=bot_user_id or new_user_id(),
                        reply_token_ttl=reply_token_ttl)
    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level)


@cli.command("demo-bot")
def demo_bot(
    port: Annotated[int, typer.Option()] = 8000,
    linesim_url: Annotated[str, typer.Option(envvar="LINESIM_URL")] = "http://127.0.0.1:8090",
    channel_secret: Annotated[str, typer.Option(envvar="LINESIM_CHANNEL_SECRET")] =
        "linesim-channel-secret",
    channel_token: Annotated[str, typer.Option(envvar="LINESIM_CHANNEL_TOKEN")] =
        "linesim-channel-token",
) -> None:
    """A tiny stand-in bot on 127.0.0.1:PORT/callback, for trying the chat page."""
    from linesim.demo import create_demo_app

    app = create_demo_app(linesim_url, channel_secret, channel_token, f"http://127.0.0.1:{port}")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
