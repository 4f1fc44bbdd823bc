"""``python -m studio``: ``serve`` the NemoVideo-compatible backend, or ``render`` one file."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Annotated

import typer

from studio.config import StudioConfig, default_data_dir

__all__ = ["app"]

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="studio: serve the NemoVideo-compatible backend, or render one text file to MP4.",
)


class _QuietDrops(logging.Filter):
    """The ``drop`` test mode ends streams on purpose; uvicorn need not call it an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "returned without completing response" not in record.getMessage()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8800,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Where tokens, sessions, uploads and renders are kept."),
    ] = None,
    public_url: Annotated[
        str | None,
        typer.Option(help="Base URL of served files (default http://HOST:PORT)."),
    ] = None,
    anon_per_ip: Annotated[
        int, typer.Option(help="Anonymous tokens per IP address per 7 days (0 = unlimited).")
    ] = 10,
    operator_token: Annotated[
        str | None,
        typer.Option(
            envvar="STUDIO_OPERATOR_TOKEN",
            help="Also accept this never-expiring token (like a registered NEMO_TOKEN).",
        ),
    ] = None,
    log_level: Annotated[str, typer.Option(help="Log level.")] = "info",
) -> None:
    """Run the NemoVideo-compatible server."""
    import uvicorn

    from studio.app import create_app

    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("uvicorn.error").addFilter(_QuietDrops())
    url = public_url or f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    config = StudioConfig(
        data_dir=(data_dir or default_data_dir()).resolve(),
        public_url=url.rstrip("/"),
        anon_per_ip=anon_per_ip,
        operator_token=operator_token,
        ping_seconds=float(os.environ.get("STUDIO_PING_SECONDS", "1.0")),
    )
    # Open event streams must not hold a restart up for long: runs are cut after 5 s.
    uvicorn.run(
        create_app(config),
        host=host,
        port=port,
        log_level=log_level.lower(),
        timeout_graceful_shutdown=5,
    )


@app.command()
def render(
    input: Annotated[Path, typer.Argument(help="A text file (TXT, DOCX, PDF, SRT).")],
    out: Annotated[Path, typer.Option("--out", help="The MP4 to write.")],
    aspect: Annotated[str, typer.Option(help="9:16, 16:9 or 1:1.")] = "9:16",
) -> None:
    """Render one video from a text file, without the server."""
    from studio.engine import EngineError, IngestError
    from studio.engine.cli import render_command

    try:
        render_command(input, out, aspect)
    except IngestError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(1) from None
    except EngineError as exc:
        typer.echo(f"render failed: {exc}", err=True)
        raise typer.Exit(1) from None
