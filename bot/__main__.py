"""``python -m bot``: the command line (web, worker)."""

from bot.cli import app

app()
