#!/usr/bin/env python3
"""The image's HEALTHCHECK: one script for web, worker and studio.

The image runs three roles. Instead of a role variable that could disagree with the
command actually started, this looks at the container's own processes (``/proc/*/cmdline``)
and checks what is really running:

* ``python -m bot web [--port N]``       GET http://127.0.0.1:N/healthz (200 = up and Redis answers)
* ``python -m studio serve [--port N]``  GET http://127.0.0.1:N/healthz
* ``python -m bot worker``                GET /metrics on WORKER_METRICS_PORT when it is set,
                                          otherwise healthy while the process runs (it has no
                                          HTTP port; SAQ's heartbeats in Redis are its real check)
* anything else (``bot doctor``, a shell)  healthy: nothing to check

``HEALTHCHECK_URL`` overrides all of this. Standard library only (no import of the app),
so a check costs a few milliseconds of CPU. Exit 0 = healthy, 1 = unhealthy.
Kubernetes ignores Docker's HEALTHCHECK and uses the probes in deploy/k8s/ instead.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

TIMEOUT_SECONDS = 4.0
#: The default ports of the commands (bot/cli.py, studio/cli.py).
DEFAULT_PORTS = {"web": 8000, "studio": 8800}


def _option(argv: list[str], name: str) -> str | None:
    """The value of ``--name VALUE`` or ``--name=VALUE`` in argv."""
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def role_of(argv: list[str]) -> str | None:
    """``web``, ``worker``, ``studio`` or None, from one process's argv."""
    try:
        module = argv[argv.index("-m") + 1]
    except (ValueError, IndexError):
        return None
    rest = argv[argv.index("-m") + 2 :]
    command = rest[0] if rest else ""
    if module == "bot" and command in ("web", "worker"):
        return command
    if module == "studio" and command == "serve":
        return "studio"
    return None


def _processes(proc: Path = Path("/proc")) -> list[list[str]]:
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            raw = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if raw:
            found.append([part.decode(errors="replace") for part in raw.rstrip(b"\0").split(b"\0")])
    return found


def url_for(argv: list[str]) -> str | None:
    """The URL to check for a process, or None when there is nothing to ask."""
    role = role_of(argv)
    if role in ("web", "studio"):
        port = _option(argv, "--port") or str(DEFAULT_PORTS[role])
        host = _option(argv, "--host") or "127.0.0.1"
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}/healthz"
    if role == "worker":
        metrics = os.environ.get("WORKER_METRICS_PORT", "0").strip() or "0"
        if metrics != "0":
            return f"http://127.0.0.1:{metrics}/metrics"
    return None


def check(url: str) -> tuple[bool, str]:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            return 200 <= response.status < 300, f"{url}: {response.status}"
    except urllib.error.HTTPError as error:
        return False, f"{url}: {error.code}"
    except (OSError, ValueError) as error:
        return False, f"{url}: {error}"


def main(proc: Path = Path("/proc")) -> int:
    override = os.environ.get("HEALTHCHECK_URL", "").strip()
    if override:
        urls = [override]
    else:
        urls = sorted({u for argv in _processes(proc) if (u := url_for(argv)) is not None})
    healthy = True
    for url in urls:
        ok, line = check(url)
        print(("ok " if ok else "FAIL ") + line)
        healthy = healthy and ok
    if not urls:
        print("ok: no web or studio process here; nothing to check")
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
