"""Helpers for tests (and benchmarks) that run real processes, linesim above all, on
loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def stop(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """SIGTERM, then SIGKILL if ``proc`` has not exited after ``grace`` seconds."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_ready(base_url: str, proc: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    """Block until linesim answers /_sim/config (or the process died)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(f"{base_url}/_sim/config", timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            if proc.poll() is not None:
                raise RuntimeError(f"linesim exited with {proc.returncode}") from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@contextmanager
def run_linesim(webhook_url: str, *, channel_secret: str | None = "linesim-channel-secret",
                channel_token: str = "linesim-channel-token", bot_user_id: str | None = None,
                allow_http_media: bool = True, extra: list[str] | None = None) -> Iterator[str]:
    """Start `python -m linesim serve` on a free loopback port; yield its base URL.

    `channel_secret=None` leaves the secret to LINESIM_CHANNEL_SECRET (or the default).
    """
    port = free_port()
    args = [sys.executable, "-m", "linesim", "serve", "--host", "127.0.0.1", "--port", str(port),
            "--webhook-url", webhook_url, "--channel-token", channel_token]
    if channel_secret is not None:
        args += ["--channel-secret", channel_secret]
    if bot_user_id is not None:
        args += ["--bot-user-id", bot_user_id]
    if allow_http_media:
        args.append("--allow-http-media")
    proc = subprocess.Popen(args + (extra or []))
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base_url, proc)
        yield base_url
    finally:
        stop(proc)
