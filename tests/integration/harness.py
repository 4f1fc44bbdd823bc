"""The bot's integration harness: every process real, on loopback, nothing mocked.

redis-server, studio (the NemoVideo-compatible backend), linesim (the LINE emulator), the
bot's web process and its workers run as subprocesses, configured only by their command
lines and environment, exactly as deployed. Each process writes stdout and stderr to a
file under the session's temp dir; a wait that times out fails with the tail of every log,
so a failure explains itself.

Tests talk to the bot the way LINE does (through linesim's ``/_sim/webhook``) and assert on
what linesim recorded (``/_sim/sent``, ``/_sim/requests``) and on studio's request log
(``/_studio/requests``).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from bot.texts import Lang, text
from linesim.ids import new_group_id, new_user_id
from linesim.signer import (
    file_event,
    follow_event,
    image_event,
    postback_event,
    text_event,
    unfollow_event,
)
from linesim.testing import free_port

PYTHON = sys.executable
REPO = Path(__file__).resolve().parents[2]

CHANNEL_SECRET = "itest-channel-secret"
CHANNEL_TOKEN = "itest-channel-token"
NEMO_WEB_URL = "https://nemovideo.com"
SKILL_VERSION = "9.8.7"
SKILL_PLATFORM = "itest"
STILL_WORKING_SECONDS = 3

Record = dict[str, Any]
Message = dict[str, Any]


# -- processes --------------------------------------------------------------------------------


class Proc:
    """One subprocess with its log file; can be killed -9 and started again."""

    def __init__(
        self,
        name: str,
        argv: list[str],
        logdir: Path,
        *,
        env: dict[str, str] | None = None,
        ready: Callable[[Proc], bool] | None = None,
        ready_timeout: float = 30.0,
    ) -> None:
        self.name = name
        self.argv = argv
        self.env = env
        self.log_path = logdir / f"{name}.log"
        self.ready = ready
        self.ready_timeout = ready_timeout
        self.popen: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def start(self) -> None:
        assert not self.alive, f"{self.name} is already running"
        self.starts += 1
        with self.log_path.open("ab") as log:
            banner = f"\n===== start #{self.starts} of {self.name} at {time.time():.3f}\n"
            log.write(banner.encode())
            log.flush()
            self.popen = subprocess.Popen(
                self.argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                cwd=REPO,
                start_new_session=True,  # its own process group: its children die with it
            )
        if self.ready is None:
            return
        deadline = time.monotonic() + self.ready_timeout
        while True:
            if not self.alive:
                raise RuntimeError(
                    f"{self.name} exited with {self.popen.returncode} while starting:\n"
                    + self.tail()
                )
            with contextlib.suppress(Exception):
                if self.ready(self):
                    return
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"{self.name} did not become ready:\n{self.tail()}")
            time.sleep(0.1)

    def kill(self) -> None:
        """kill -9 (the whole process group: ffmpeg children too)."""
        if self.popen is None:
            return
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM, then kill -9 after `grace` seconds."""
        if self.popen is None or self.popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.kill()

    def restart(self) -> None:
        """kill -9 and start again (same command, same environment, same port)."""
        self.kill()
        self.start()


def http_ok(url: str) -> Callable[[Proc], bool]:
    def check(_: Proc) -> bool:
        return httpx.get(url, timeout=1).status_code == 200

    return check


def log_count(marker: str) -> Callable[[Proc], bool]:
    """Ready when the log shows `marker` once more than before this start."""

    def check(proc: Proc) -> bool:
        return proc.log_text().count(marker) >= proc.starts

    return check


# -- the infrastructure: redis and studio -------------------------------------------------


@dataclass
class Infra:
    """redis-server and studio, shared by every bot of the session."""

    tmp: Path
    redis: Proc
    redis_port: int
    studio: Proc | None
    studio_url: str
    studio_error: str = ""

    @classmethod
    def start(cls, tmp: Path) -> Infra:
        logs = tmp / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        redis_dir = tmp / "redis"
        redis_dir.mkdir(exist_ok=True)
        redis_port = free_port()
        redis_proc = Proc(
            "redis",
            [
                "/usr/bin/redis-server",
                "--port", str(redis_port),
                "--bind", "127.0.0.1",
                "--dir", str(redis_dir),
                "--save", "",
                "--appendonly", "yes",
                "--appendfsync", "everysec",
            ],
            logs,
            ready=lambda _: bool(redis.Redis(port=redis_port, socket_timeout=1).ping()),
        )
        redis_proc.start()
        studio_port = free_port()
        studio_url = f"http://127.0.0.1:{studio_port}"
        studio = Proc(
            "studio",
            [
                PYTHON, "-m", "studio", "serve",
                "--host", "127.0.0.1",
                "--port", str(studio_port),
                "--data-dir", str(tmp / "studio-data"),
                "--public-url", studio_url,
                "--anon-per-ip", "0",  # every test user is a new client from 127.0.0.1
            ],
            logs,
            env=_child_env(),
            ready=http_ok(f"{studio_url}/_studio/requests"),
            ready_timeout=60,
        )
        infra = cls(tmp, redis_proc, redis_port, None, studio_url)
        try:
            studio.start()
            infra.studio = studio
        except RuntimeError as error:  # studio not finished yet: linesim-only tests still run
            infra.studio_error = str(error)[-2000:]
        return infra

    def redis_url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/{db}"

    def procs(self) -> list[Proc]:
        return [p for p in (self.redis, self.studio) if p is not None]

    def stop(self) -> None:
        if self.studio is not None:
            self.studio.stop()
        self.redis.kill()


def _child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The parent's environment minus anything that would configure the bot by accident."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LINE_", "NEMO_", "REDIS_", "LINESIM_", "STUDIO_", "PYTEST_"))
    }
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


# -- one bot deployment: linesim + web + workers -------------------------------------------


@dataclass
class Bot:
    """linesim, the bot's web process and its workers, on their own ports."""

    name: str
    infra: Infra
    linesim: Proc
    sim_url: str
    web: Proc
    web_url: str
    workers: list[Proc]
    env: dict[str, str]
    bot_user_id: str
    sim: httpx.Client
    studio: httpx.Client
    r: redis.Redis
    users: list[str] = field(default_factory=list)

    @classmethod
    def start(
        cls,
        infra: Infra,
        name: str = "bot",
        *,
        workers: int = 2,
        redis_db: int = 0,
        env: dict[str, str] | None = None,
    ) -> Bot:
        logs = infra.tmp / "logs"
        web_port = free_port()
        sim_port = free_port()
        web_url = f"http://127.0.0.1:{web_port}"
        sim_url = f"http://127.0.0.1:{sim_port}"
        bot_env = _child_env(
            {
                "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
                "LINE_CHANNEL_ACCESS_TOKEN": CHANNEL_TOKEN,
                "LINE_API_BASE_URL": sim_url,
                "LINE_DATA_API_BASE_URL": sim_url,
                "NEMO_API_BASE_URL": infra.studio_url,
                "NEMO_WEB_URL": NEMO_WEB_URL,
                "NEMO_SKILL_VERSION": SKILL_VERSION,
                "NEMO_SKILL_PLATFORM": SKILL_PLATFORM,
                "NEMO_RENDER_POLL_SECONDS": "1",
                "NEMO_RETRY_AFTER_SECONDS": "1",
                "NEMO_SSE_MAX_SECONDS": "120",
                "NEMO_RENDER_MAX_SECONDS": "240",
                "STILL_WORKING_SECONDS": str(STILL_WORKING_SECONDS),
                "REDIS_URL": infra.redis_url(redis_db),
                "PUBLIC_BASE_URL": web_url,
                "FAIR_USE_RUNS_PER_DAY": "50",
                "LINE_PUSH_ENABLED": "true",
                "LINE_REPLY_WINDOW_SECONDS": "50",
                "WORKER_CONCURRENCY": "8",
                "LOG_JSON": "true",
                "LOG_LEVEL": "INFO",
            }
        )
        bot_env.update(env or {})
        linesim = Proc(
            f"{name}-linesim",
            [
                PYTHON, "-m", "linesim", "serve",
                "--host", "127.0.0.1",
                "--port", str(sim_port),
                "--webhook-url", f"{web_url}/callback",
                "--channel-secret", CHANNEL_SECRET,
                "--channel-token", CHANNEL_TOKEN,
                "--allow-http-media",
            ],
            logs,
            env=_child_env(),
            ready=http_ok(f"{sim_url}/_sim/config"),
        )
        web = Proc(
            f"{name}-web",
            [PYTHON, "-m", "bot", "web", "--host", "127.0.0.1", "--port", str(web_port)],
            logs,
            env=bot_env,
            ready=http_ok(f"{web_url}/healthz"),
        )
        worker_procs = [
            Proc(
                f"{name}-worker{i + 1}",
                [PYTHON, "-m", "bot", "worker"],
                logs,
                env=bot_env,
                ready=log_count('"worker.started"'),
            )
            for i in range(workers)
        ]
        linesim.start()
        web.start()
        for w in worker_procs:
            w.start()
        sim = httpx.Client(base_url=sim_url, timeout=30)
        bot_user_id = sim.get("/_sim/config").json()["bot_user_id"]
        return cls(
            name=name,
            infra=infra,
            linesim=linesim,
            sim_url=sim_url,
            web=web,
            web_url=web_url,
            workers=worker_procs,
            env=bot_env,
            bot_user_id=bot_user_id,
            sim=sim,
            studio=httpx.Client(base_url=infra.studio_url, timeout=30),
            r=redis.Redis(port=infra.redis_port, db=redis_db, socket_timeout=10),
        )

    # -- lifecycle --------------------------------------------------------------------------

    def procs(self) -> list[Proc]:
        return [*self.infra.procs(), self.linesim, self.web, *self.workers]

    def stop(self) -> None:
        for w in self.workers:
            w.stop()
        self.web.stop()
        self.linesim.stop()
        self.sim.close()
        self.studio.close()
        self.r.close()

    def kill_workers(self) -> None:
        for w in self.workers:
            w.kill()

    def start_workers(self) -> None:
        for w in self.workers:
            if not w.alive:
                w.start()

    def ensure_running(self) -> None:
        """Start again whatever a failed test left stopped."""
        for proc in self.infra.procs():
            if not proc.alive:
                proc.start()
        for proc in (self.linesim, self.web, *self.workers):
            if not proc.alive:
                proc.start()

    def logs(self, lines: int = 30) -> str:
        parts = []
        for proc in self.procs():
            state = "running" if proc.alive else "stopped"
            parts.append(f"----- {proc.name} ({state}), {proc.log_path}\n{proc.tail(lines)}")
        return "\n".join(parts)

    def fail(self, message: str) -> None:
        pytest.fail(f"{message}\n\n===== process logs (tails)\n{self.logs()}", pytrace=False)

    # -- linesim ------------------------------------------------------------------------------

    def deliver(
        self, *events: dict[str, Any], redeliver_of: Iterable[str] = (), status: int = 200
    ) -> list[dict[str, Any]]:
        """Send events through linesim (signed, completed); returns the completed events."""
        body: dict[str, Any] = {"events": list(events)}
        ids = list(redeliver_of)
        if ids:
            body["redeliver_of"] = ids
        answer = self.sim.post("/_sim/webhook", json=body)
        answer.raise_for_status()
        result = answer.json()
        if result.get("status") != status:
            self.fail(f"webhook answered {result.get('status')} (wanted {status}): {result}")
        return list(result["events"])

    def sent(self, to: str) -> list[Record]:
        answer = self.sim.get("/_sim/sent", params={"to": to})
        answer.raise_for_status()
        return list(answer.json())

    def sim_requests(self) -> list[dict[str, Any]]:
        return list(self.sim.get("/_sim/requests").json())

    def wait_sent(
        self,
        to: str,
        until: Callable[[list[Record]], bool],
        *,
        timeout: float = 30.0,
        what: str = "messages",
    ) -> list[Record]:
        """Poll ``/_sim/sent?to=`` until `until(records)`; fail with the logs on timeout."""
        deadline = time.monotonic() + timeout
        records: list[Record] = []
        while time.monotonic() < deadline:
            records = self.sent(to)
            if until(records):
                return records
            time.sleep(0.2)
        self.fail(
            f"timed out after {timeout:.0f}s waiting for {what} to {to}; linesim recorded:\n"
            + describe(records)
        )
        raise AssertionError("unreachable")

    def wait_count(self, to: str, count: int, *, timeout: float = 30.0) -> list[Record]:
        """At least `count` accepted replies/pushes to `to`."""
        return self.wait_sent(
            to, lambda rs: len(rs) >= count, timeout=timeout, what=f"{count} record(s)"
        )

    def wait_text(
        self, to: str, needle: str | Callable[[str], bool], *, timeout: float = 30.0
    ) -> list[Record]:
        """Until some text message to `to` contains `needle` (or satisfies it)."""

        def has(records: list[Record]) -> bool:
            return any(_matches(t, needle) for t in texts_of(records))

        return self.wait_sent(to, has, timeout=timeout, what=f"a text matching {needle!r}")

    def quiet(self, to: str, count: int, seconds: float) -> list[Record]:
        """Assert that `to` gets no more than `count` records during `seconds`."""
        deadline = time.monotonic() + seconds
        records = self.sent(to)
        while time.monotonic() < deadline:
            records = self.sent(to)
            if len(records) > count:
                self.fail(f"expected only {count} record(s) to {to}, got:\n{describe(records)}")
            time.sleep(0.25)
        return records

    def wait_redis(
        self, check: Callable[[], bool], *, timeout: float = 15.0, what: str = "redis state"
    ) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.25)
        self.fail(f"timed out waiting for {what}")

    def add_user(self, user_id: str, language: str = "ja", name: str = "テスト太郎") -> None:
        self.sim.post(
            "/_sim/users", json={"userId": user_id, "displayName": name, "language": language}
        ).raise_for_status()

    def put_content(self, message_id: str, data: bytes, content_type: str) -> None:
        self.sim.post(
            f"/_sim/content/{message_id}",
            content=data,
            params={"content_type": content_type},
        ).raise_for_status()

    def sim_fault(self, endpoint: str, status: int, times: int = 1, message: str = "") -> None:
        body: dict[str, Any] = {"endpoint": endpoint, "status": status, "times": times}
        if message:
            body["message"] = message
        self.sim.post("/_sim/faults", json=body).raise_for_status()

    # -- studio -------------------------------------------------------------------------------

    def studio_log(self, path: str | None = None) -> list[dict[str, Any]]:
        """Studio's request log; `path` (a prefix) is filtered by studio itself, so the
        answer stays small (the whole log, drafts included, grows to megabytes)."""
        answer = self.studio.get("/_studio/requests", params={"path": path} if path else None)
        answer.raise_for_status()
        return list(answer.json())

    def studio_fault(self, endpoint: str, *, code: int | None = None,
                     http: int | None = None, times: int = 1) -> None:
        body: dict[str, Any] = {"endpoint": endpoint, "times": times}
        if code is not None:
            body["code"] = code
        if http is not None:
            body["http"] = http
        answer = self.studio.post("/_studio/faults", json=body)
        assert answer.status_code == 200, answer.text

    def studio_sse(self, mode: str, *, seconds: float | None = None, times: int = 1) -> None:
        body: dict[str, Any] = {"mode": mode, "times": times}
        if seconds is not None:
            body["seconds"] = seconds
        answer = self.studio.post("/_studio/sse", json=body)
        assert answer.status_code == 200, answer.text

    def studio_render(self, *, fail_times: int = 0, seconds: float = 0.0) -> None:
        answer = self.studio.post(
            "/_studio/render", json={"fail_times": fail_times, "seconds": seconds}
        )
        assert answer.status_code == 200, answer.text

    def drain_studio_switches(self) -> list[str]:
        """Use up injected faults and SSE modes a test left pending (they would hit the next
        test); returns what was left. Render switches are simply turned off."""
        self.studio.post("/_studio/render", json={"fail_times": 0, "seconds": 0})
        pending = self.studio.get("/_studio/faults").json()
        left = [f"fault {f['endpoint']} x{f['times']}" for f in pending["faults"]]
        left += [f"sse {m['mode']} x{m['times']}" for m in pending["sse"]]
        for fault in pending["faults"]:
            method, path = _FAULT_PROBES[fault["endpoint"]]
            for _ in range(fault["times"]):
                self.studio.request(method, path, headers={"X-Client-Id": "drain"})
        if pending["sse"]:
            grant = self.studio.post("/api/auth/anonymous-token",
                                     headers={"X-Client-Id": new_user_id()}).json()["data"]
            auth = {"Authorization": f"Bearer {grant['token']}"}
            sid = self.studio.post("/api/tasks/me/with-session/nemo_agent", headers=auth,
                                   json={"task_name": "drain", "language": "ja"}
                                   ).json()["data"]["session_id"]
            for mode in pending["sse"]:
                for _ in range(mode["times"]):
                    with contextlib.suppress(httpx.HTTPError):
                        self.studio.post("/run_sse", headers=auth, timeout=60, json={
                            "app_name": "nemo_agent", "user_id": "me", "session_id": sid,
                            "new_message": {"parts": [{"text": "こんにちは"}]}})
        return left

    # -- the bot's redis ----------------------------------------------------------------------

    def identity(self, user_id: str) -> dict[str, str]:
        """What the bot remembers about a 1:1 user (``lpv:user:u:<id>``)."""
        raw = self.r.hgetall(f"lpv:user:u:{user_id}")
        return {k.decode(): v.decode() for k, v in raw.items()}  # type: ignore[union-attr]

    def studio_state(self, user_id: str) -> dict[str, Any]:
        """The user's session state, read from studio with the user's own token."""
        ident = self.identity(user_id)
        answer = self.studio.get(
            f"/api/state/nemo_agent/me/{ident['session_id']}/latest",
            headers={
                "Authorization": f"Bearer {ident['token']}",
                "X-Skill-Source": "text-to-video-ai-japanese",
                "X-Skill-Version": SKILL_VERSION,
                "X-Skill-Platform": SKILL_PLATFORM,
            },
        )
        answer.raise_for_status()
        body = answer.json()
        data = body.get("data", body)
        state = data.get("state", data)
        assert isinstance(state, dict)
        return state


#: A request that uses up one injected studio fault of each endpoint kind.
_FAULT_PROBES: dict[str, tuple[str, str]] = {
    "token": ("POST", "/api/auth/anonymous-token"),
    "session": ("POST", "/api/tasks/me/with-session/nemo_agent"),
    "run_sse": ("POST", "/run_sse"),
    "upload": ("POST", "/api/upload-video/nemo_agent/me/drain"),
    "credits": ("GET", "/api/credits/balance/simple"),
    "state": ("GET", "/api/state/nemo_agent/me/drain/latest"),
    "render": ("POST", "/api/render/proxy/lambda"),
    "render_poll": ("GET", "/api/render/proxy/lambda/drain"),
    "any": ("GET", "/api/credits/balance/simple"),
}


# -- chats ------------------------------------------------------------------------------------


class Chat:
    """One LINE chat with the bot (a fresh user, or a group) and what was sent to it."""

    def __init__(self, bot: Bot, user_id: str | None = None, *, group_id: str | None = None,
                 lang: Lang = "ja") -> None:
        self.bot = bot
        self.user_id = user_id or new_user_id()
        self.group_id = group_id
        self.lang = lang
        bot.users.append(self.chat_id)

    @classmethod
    def group(cls, bot: Bot, members: int = 2) -> Chat:
        group_id = new_group_id()
        member_ids = [new_user_id() for _ in range(members)]
        bot.sim.post(
            "/_sim/groups", json={"groupId": group_id, "memberIds": member_ids}
        ).raise_for_status()
        return cls(bot, member_ids[0], group_id=group_id)

    @property
    def chat_id(self) -> str:
        return self.group_id or self.user_id

    def t(self, key: str, **values: object) -> str:
        return text(self.lang, key, **values)

    # sending --------------------------------------------------------------------------------

    def send(self, event: dict[str, Any], **kw: Any) -> dict[str, Any]:
        return self.bot.deliver(event, **kw)[-1]

    def say(self, message: str, *, mention: bool = False, **extra: Any) -> dict[str, Any]:
        return self.send(
            text_event(
                self.user_id,
                message,
                group_id=self.group_id,
                mention_self_of=self.bot.bot_user_id if mention else None,
                **extra,
            )
        )

    def postback(self, data: str) -> dict[str, Any]:
        return self.send(postback_event(self.user_id, data, group_id=self.group_id))

    def follow(self) -> dict[str, Any]:
        return self.send(follow_event(self.user_id))

    def unfollow(self) -> dict[str, Any]:
        return self.send(unfollow_event(self.user_id))

    def file(self, name: str, data: bytes | None, content_type: str = "application/octet-stream",
             *, size: int | None = None) -> dict[str, Any]:
        from linesim.ids import new_message_id

        message_id = new_message_id()
        if data is not None:
            self.bot.put_content(message_id, data, content_type)
        return self.send(
            file_event(self.user_id, message_id, name, len(data or b"") if size is None else size,
                       group_id=self.group_id)
        )

    def image(self, data: bytes) -> dict[str, Any]:
        from linesim.ids import new_message_id

        message_id = new_message_id()
        self.bot.put_content(message_id, data, "image/jpeg")
        return self.send(image_event(self.user_id, message_id, group_id=self.group_id))

    # reading --------------------------------------------------------------------------------

    def records(self) -> list[Record]:
        return self.bot.sent(self.chat_id)

    def wait(self, count: int, timeout: float = 30.0) -> list[Record]:
        return self.bot.wait_count(self.chat_id, count, timeout=timeout)

    def wait_text(self, needle: str | Callable[[str], bool], timeout: float = 30.0) -> list[Record]:
        return self.bot.wait_text(self.chat_id, needle, timeout=timeout)

    def wait_for(self, until: Callable[[list[Record]], bool], timeout: float = 30.0,
                 what: str = "messages") -> list[Record]:
        return self.bot.wait_sent(self.chat_id, until, timeout=timeout, what=what)

    def wait_answer(self, after: int = 0, timeout: float = 60.0) -> list[Record]:
        """Until a run's final answer: a message carrying the after-draft quick replies
        ("show timeline", ...), sent after the first `after` records."""
        label = text(self.lang, "qr_timeline")

        def done(records: list[Record]) -> bool:
            return any(label in quick_labels(r) for r in records[after:])

        return self.wait_for(done, timeout, what="the end of a run (after-draft quick replies)")

    @property
    def key(self) -> str:
        """The bot's identity key of this chat's user (``u:<id>`` or ``g:<group>:<id>``)."""
        if self.group_id:
            return f"g:{self.group_id}:{self.user_id}"
        return f"u:{self.user_id}"

    def wait_idle(self, timeout: float = 60.0) -> None:
        """Until the chat has no export in progress."""
        self.bot.wait_redis(lambda: not self.bot.r.exists(f"lpv:render_active:{self.key}"),
                            timeout=timeout, what="the export to finish")

    def quiet(self, count: int, seconds: float = 2.0) -> list[Record]:
        return self.bot.quiet(self.chat_id, count, seconds)

    def texts(self) -> list[str]:
        return texts_of(self.records())


# -- reading what linesim recorded ---------------------------------------------------------


def messages_of(records: Iterable[Record]) -> list[Message]:
    return [m for r in records for m in r["messages"]]


def texts_of(records: Iterable[Record]) -> list[str]:
    return [m["text"] for m in messages_of(records) if m.get("type") == "text"]


def quick_labels(record: Record) -> list[str]:
    """The quick-reply labels of the record's last message (LINE shows only those)."""
    if not record["messages"]:
        return []
    items = (record["messages"][-1].get("quickReply") or {}).get("items") or []
    return [i["action"]["label"] for i in items]


def quick_actions(record: Record) -> list[dict[str, Any]]:
    if not record["messages"]:
        return []
    items = (record["messages"][-1].get("quickReply") or {}).get("items") or []
    return [i["action"] for i in items]


def describe(records: list[Record]) -> str:
    lines = []
    for r in records:
        parts = []
        for m in r["messages"]:
            if m.get("type") == "text":
                parts.append(repr(m["text"][:300]))
            else:
                parts.append(f"<{m.get('type')}>")
        lines.append(f"  {r['kind']} at {r['at']}: " + " | ".join(parts))
    return "\n".join(lines) or "  (nothing)"


def _matches(value: str, needle: str | Callable[[str], bool]) -> bool:
    return needle(value) if callable(needle) else needle in value


_URL = re.compile(r"https?://\S+")
FORBIDDEN = ("Traceback", "token", "session", "SSE", "{", "}", "functionCall",
             "functionResponse", "nmv_", "Exception", "Error:")


def leaks(value: str) -> list[str]:
    """Technical words a user must never see (URLs set aside: links carry query strings)."""
    prose = _URL.sub(" ", value)
    return [w for w in FORBIDDEN if w.lower() in prose.lower()]


def assert_clean(records: list[Record]) -> None:
    for t in texts_of(records):
        bad = leaks(t)
        assert not bad, f"a message shows {bad}: {t!r}"


@contextlib.contextmanager
def separate_bot(infra: Infra, name: str, *, redis_db: int, env: dict[str, str],
                 workers: int = 1) -> Iterator[Bot]:
    """A separately configured bot (its own linesim, web, workers and Redis database)
    sharing redis-server and studio; stopped when the block ends."""
    if infra.studio is None:
        pytest.fail(f"studio did not start:\n{infra.studio_error}", pytrace=False)
    started = Bot.start(infra, name, workers=workers, redis_db=redis_db, env=env)
    try:
        yield started
    finally:
        started.stop()


@contextlib.contextmanager
def clean_chats(bot: Bot) -> Iterator[Bot]:
    """The bot with every process running; what it says to chats made in the block must
    hold no technical words."""
    bot.ensure_running()
    first = len(bot.users)
    yield bot
    for chat_id in bot.users[first:]:
        assert_clean(bot.sent(chat_id))


def studio_runs(log: list[dict[str, Any]], session_id: str | None = None) -> list[dict[str, Any]]:
    return [
        e for e in log
        if e["method"] == "POST" and e["path"] == "/run_sse"
        and (session_id is None or (e.get("json") or {}).get("session_id") == session_id)
    ]


def header(entry: dict[str, Any], name: str) -> str | None:
    headers = {k.lower(): v for k, v in (entry.get("headers") or {}).items()}
    value = headers.get(name.lower())
    return str(value) if value is not None else None


# -- common flows -------------------------------------------------------------------------------

#: A short script: two sentences make a short video (quick to render).
SCRIPT = "さくらカフェラテが新登場。春だけの限定メニューです。"
MAKE = "日本語のテキストからプロモーション動画を作成してください"


def has_video(records: list[Record]) -> bool:
    return any(m["type"] == "video" for m in messages_of(records))


def make_draft(chat: Chat, script: str = SCRIPT, timeout: float = 120.0) -> list[Record]:
    """Paste a script: the agent drafts a video from it and ends its answer with "click the
    Export button", which the bot turns into an export. Waits for that video too, so the
    chat is idle again; returns the records of the run (answer, export notice, video)."""
    before = len(chat.records())
    chat.say(script, mention=chat.group_id is not None)
    records = chat.wait_for(lambda rs: has_video(rs[before:]), timeout,
                            what="the draft and the video of the automatic export")
    chat.wait_idle()
    return records[before:]


def loading_calls(bot: Bot, chat_id: str) -> list[dict[str, Any]]:
    return [
        r for r in bot.sim_requests()
        if r["path"] == "/v2/bot/chat/loading/start" and (r.get("json") or {}).get("chatId")
        == chat_id
    ]


def content_gets(bot: Bot, message_id: str) -> list[dict[str, Any]]:
    return [
        r for r in bot.sim_requests()
        if r["method"] == "GET" and r["path"].startswith(f"/v2/bot/message/{message_id}/content")
    ]


def now_mark() -> str:
    """A timestamp in the format of studio's request log, to select what came after it."""
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def studio_entries(bot: Bot, since: str, path: str, method: str | None = None
                   ) -> list[dict[str, Any]]:
    """Studio's recorded requests to paths starting with `path`, at or after `since`
    (see :func:`now_mark`)."""
    return [
        e for e in bot.studio_log(path)
        if e["at"] >= since and e["path"].startswith(path)
        and (method is None or e["method"] == method)
    ]


def studio_runs_since(bot: Bot, since: str, session_id: str | None = None
                      ) -> list[dict[str, Any]]:
    """The ``POST /run_sse`` requests since `since` (of one session, if given)."""
    return studio_runs(studio_entries(bot, since, "/run_sse"), session_id)
