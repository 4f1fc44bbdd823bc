"""The bot's commands: ``web`` serves the webhook, ``worker`` runs jobs."""

from __future__ import annotations

import typer

from bot.settings import load_or_exit

app = typer.Typer(add_completion=False, no_args_is_help=True, help="LINE promo video bot")


@app.command()
def web(
    host: str = typer.Option("0.0.0.0", help="address to listen on"),
    port: int = typer.Option(8000, help="port to listen on"),
) -> None:
    """Serve the webhook (POST /callback), /healthz, /metrics and preview images."""
    from bot import web as web_app

    web_app.run(load_or_exit(), host, port)


@app.command()
def worker() -> None:
    """Run a job worker (run as many as you like, on any machine sharing Redis)."""
    from bot import worker as worker_app

    worker_app.run(load_or_exit())


@app.command()
def doctor() -> None:
    """Check every setting, Redis, the LINE token and webhook, and the video backend."""
    from bot.doctor import run

    raise typer.Exit(run())
