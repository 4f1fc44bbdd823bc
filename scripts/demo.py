"""Run the whole product locally: Redis, studio, linesim's chat page, the bot's web and worker.

``make demo`` calls this. It prints the chat page's address; Ctrl-C stops everything and
leaves no process behind. Data (Redis AOF, studio's projects and videos) lives in ./var.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
PY = sys.executable

SECRET = "demo-channel-secret"
TOKEN = "demo-channel-access-token"


def free_port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as s:
            # As the servers do: a port that only has closed connections waiting is free.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise RuntimeError("no free port")


def wait_for_port(
    port: int, name: str, process: subprocess.Popen[bytes], limit: float = 60
) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped at start; see {VAR / 'logs' / (name + '.log')}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{name} did not start within {limit:.0f} s")


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    logs = VAR / "logs"
    for folder in (logs, VAR / "redis", VAR / "studio"):
        folder.mkdir(parents=True, exist_ok=True)
    ports = {
        "redis": free_port(6379),
        "studio": free_port(8092),
        "linesim": free_port(8090),
        "web": free_port(8000),
    }
    env = {
        **os.environ,
        "LINE_CHANNEL_SECRET": SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_API_BASE_URL": f"http://127.0.0.1:{ports['linesim']}",
        "LINE_DATA_API_BASE_URL": f"http://127.0.0.1:{ports['linesim']}",
        "NEMO_API_BASE_URL": f"http://127.0.0.1:{ports['studio']}",
        "REDIS_URL": f"redis://127.0.0.1:{ports['redis']}/0",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{ports['web']}",
        "NEMO_RENDER_POLL_SECONDS": "2",
        "STILL_WORKING_SECONDS": "30",
        "LOG_JSON": "true",
    }
    commands: list[tuple[str, int, list[str]]] = [
        (
            "redis",
            ports["redis"],
            [
                "redis-server",
                "--port",
                str(ports["redis"]),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(VAR / "redis"),
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
                "--save",
                "",
            ],
        ),
        (
            "studio",
            ports["studio"],
            [
                PY,
                "-m",
                "studio",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(ports["studio"]),
                "--data-dir",
                str(VAR / "studio"),
            ],
        ),
        (
            "linesim",
            ports["linesim"],
            [
                PY,
                "-m",
                "linesim",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(ports["linesim"]),
                "--webhook-url",
                f"http://127.0.0.1:{ports['web']}/callback",
                "--channel-secret",
                SECRET,
                "--channel-token",
                TOKEN,
                "--allow-http-media",
            ],
        ),
        (
            "web",
            ports["web"],
            [PY, "-m", "bot", "web", "--host", "127.0.0.1", "--port", str(ports["web"])],
        ),
        ("worker", 0, [PY, "-m", "bot", "worker"]),
    ]
    processes: list[subprocess.Popen[bytes]] = []

    def stop(*_: object) -> None:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 10
        for process in processes:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    # Explicitly, since a shell that starts us in the background leaves SIGINT ignored.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        for name, port, command in commands:
            log = (logs / f"{name}.log").open("ab")
            # Each child in its own session: Ctrl-C reaches only us, and we stop them in order.
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            processes.append(process)
            if port:
                wait_for_port(port, name, process)
        print()
        print("  LINE 動画ボットのデモが起動しました / the demo is running")
        print(f"  チャット画面 (chat page): http://127.0.0.1:{ports['linesim']}/")
        print(f"  ログ (logs): {logs}")
        print("  Ctrl-C で終了します / Ctrl-C stops everything")
        print()
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        dead = [
            name
            for (name, _, _), p in zip(commands, processes, strict=False)
            if p.poll() is not None
        ]
        print(f"stopped unexpectedly: {', '.join(dead)}; see {logs}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping…")
        return 0
    except RuntimeError as error:
        print(f"demo failed: {error}", file=sys.stderr)
        return 1
    finally:
        stop()


if __name__ == "__main__":
    raise SystemExit(main())
