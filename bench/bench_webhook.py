"""Webhook benchmark: signed LINE events against the real web process and Redis.

    .venv/bin/python bench/bench_webhook.py [--rates 500,1000,1500,2000] [--duration 20]
        [--runs 3] [--connections 32] [--client raw|httpx] [--quiet-wait SECONDS]
        [--write-results] [--profile web.svg]

The benchmark starts its own ``redis-server`` (free loopback port, temp dir) and
``python -m bot web``; no worker runs, so every accepted event stays in Redis where it
can be counted. A separate load-generator process (this file in ``--load`` mode) posts
one signed event per request at a fixed open-loop rate over keep-alive connections.
Latency is measured from each request's *scheduled* send time to its response, so a
server (or generator) that falls behind shows up in the tail instead of slowing the
schedule down (no coordinated omission).

After each run the events are counted in Redis: every unique event that
``bot.intents.lane`` does not drop must have its ``lpv:evt:`` mark and be queued exactly
once (ordered: the chat's inbox plus a ``drain_chat`` job; immediate: a ``handle_event``
job). The figures printed are the medians over the runs at each rate.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import datetime as dt
import gc
import json
import os
import platform
import random
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

import httpx
import redis
from results import RESULTS, write_section

from linesim.testing import free_port, stop

REPO = Path(__file__).resolve().parents[1]
SECRET = "bench-channel-secret"
TOKEN = "bench-channel-token"
DESTINATION = "U" + "d" * 32
BOT_USER_ID = "U" + "b" * 32
GOAL_P99_MS = 20.0
GOAL_RATE = 500
REQUEST_TIMEOUT_S = 10.0
HEADING = "## Webhook"

# What 1:1 users type: mostly scripts for the backend, some commands.
TEXTS: tuple[tuple[str, int], ...] = (
    ("日本語のテキストから30秒のプロモーション動画を作ってください。"
     "駅前のカフェの春限定メニューです。", 30),
    ("日本語のテキストから縦型の動画をお願いします："
     "新商品「さくらラテ」、四月末まで期間限定。", 15),
    ("BGMをもう少し明るくして、最後にロゴを3秒入れて", 10),
    ("タイムラインの2番目を消して", 5),
    ("書き出し", 12),
    ("書き出してください", 5),
    ("残高", 10),
    ("クレジット残高を教えて", 3),
    ("ステータス", 5),
    ("使い方", 2),
)  # fmt: skip
GROUP_TEXTS = (
    "このチラシの文章で動画を作って：週末限定セール、全品20%オフ",
    "書き出し",
    "残高",
    "今日のランチどうする？",
    "了解です！",
)
FILES = (("メニュー2025春.pdf", 183_422), ("原稿.docx", 24_118), ("script.txt", 1_204))

# Share of requests by kind (duplicates come on top, see DUPLICATE_SHARE).
MIX: tuple[tuple[str, float], ...] = (
    ("user_text", 0.66),
    ("user_file", 0.08),
    ("user_image", 0.03),
    ("user_sticker", 0.03),
    ("group_mention", 0.10),
    ("group_plain", 0.10),
)
DUPLICATE_SHARE = 0.02
USERS = 5_000
GROUPS = 200


# -- the load generator (a separate process) ------------------------------------------------


class Expected(TypedDict):
    id: str
    lane: str
    chat: str


class LoadReport(TypedDict):
    rate: float
    requests: int
    duplicates: int
    kinds: dict[str, int]
    latency_ms: list[float]  # response time - scheduled send time, per request
    lag_ms: list[float]  # actual send time - scheduled send time (all connections busy, or
    # the generator itself late)
    status: list[int]  # 0: no response (timeout, connection error)
    elapsed_s: float  # first scheduled send -> last response
    cpu_window_s: float  # the span the CPU figures cover
    cpu_s: dict[str, float]  # CPU seconds during the measured phase, per watched process
    # (and "<name>_wait": seconds it was ready to run but waited for a CPU)
    machine_busy_s: float  # CPU seconds of the whole machine during the measured phase
    server_ack: dict[str, float]  # the web's own lpv_webhook_ack_seconds buckets, this run
    expected: list[Expected]


@dataclass
class Request:
    body: bytes
    signature: str


@dataclass
class Plan:
    requests: list[Request]
    expected: list[Expected]
    duplicates: int
    kinds: Counter[str] = field(default_factory=Counter)


def _ulid(rng: random.Random, ms: int) -> str:
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    value = (ms & ((1 << 48) - 1)) << 80 | rng.getrandbits(80)
    return "".join(alphabet[(value >> (5 * i)) & 31] for i in reversed(range(26)))


def _event(kind: str, rng: random.Random, users: list[str], groups: list[str]) -> dict[str, Any]:
    from linesim.signer import file_event, image_event, sticker_event, text_event

    user = rng.choice(users)
    extra: dict[str, Any] = {"webhook_event_id": _ulid(rng, int(time.time() * 1000))}
    if kind == "user_text":
        texts, weights = zip(*TEXTS, strict=True)
        return text_event(user, rng.choices(texts, weights)[0], **extra)
    if kind == "user_file":
        name, size = rng.choice(FILES)
        return file_event(user, str(rng.randrange(10**17, 10**18)), name, size, **extra)
    if kind == "user_image":
        return image_event(user, str(rng.randrange(10**17, 10**18)), **extra)
    if kind == "user_sticker":
        return sticker_event(user, **extra)
    group = rng.choice(groups)
    text = rng.choice(GROUP_TEXTS)
    if kind == "group_mention":
        return text_event(user, text, group_id=group, mention_self_of=BOT_USER_ID, **extra)
    return text_event(user, text, group_id=group, **extra)


def build_plan(count: int, seed: int) -> Plan:
    """`count` signed requests of one event each; ~2% resend an earlier event."""
    from bot.events import parse_event
    from bot.intents import lane
    from linesim.signer import signed_body

    rng = random.Random(seed)
    users = [f"U{rng.getrandbits(128):032x}" for _ in range(USERS)]
    groups = [f"C{rng.getrandbits(128):032x}" for _ in range(GROUPS)]
    kinds, weights = zip(*MIX, strict=True)
    plan = Plan(requests=[], expected=[], duplicates=0)
    originals: list[dict[str, Any]] = []
    for i in range(count):
        if i >= 20 and rng.random() < DUPLICATE_SHARE:
            # LINE resends the same webhookEventId: sometimes as a redelivery, sometimes
            # not (the same event can arrive twice without one).
            raw = rng.choice(originals[-500:])
            if rng.random() < 0.5:
                raw = {**raw, "deliveryContext": {"isRedelivery": True}}
            plan.duplicates += 1
            plan.kinds["duplicate"] += 1
        else:
            kind = rng.choices(kinds, weights)[0]
            raw = _event(kind, rng, users, groups)
            originals.append(raw)
            plan.kinds[kind] += 1
            event = parse_event(raw)
            route = lane(event)
            if route != "drop" and event.chat is not None:
                plan.expected.append({"id": event.event_id, "lane": route, "chat": event.chat.key})
        body, signature = signed_body(SECRET, [raw], DESTINATION)
        plan.requests.append(Request(body, signature))
    return plan


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy_seconds() -> float:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _run_queue_seconds(pid: int) -> float:
    """How long the process's threads were ready to run but waited for a CPU (schedstat)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += int((task / "schedstat").read_text().split()[1])
    return total / 1e9


def _cpu_snapshot(pids: dict[str, int]) -> dict[str, float]:
    snap = {name: _cpu_seconds(pid) for name, pid in pids.items()}
    snap["loadgen"] = time.process_time()
    snap.update({f"{name}_wait": _run_queue_seconds(pid) for name, pid in pids.items()})
    snap["loadgen_wait"] = _run_queue_seconds(os.getpid())
    return snap


class RawConnection:
    """One keep-alive HTTP/1.1 connection, just enough for POST /callback.

    ~0.08 ms of CPU a request where httpx spends ~1 ms: on two cores httpx alone cannot
    send 500 requests/s beside the server (``--client httpx`` to see it).
    """

    def __init__(self, url: str) -> None:
        parts = httpx.URL(url)
        self._host, self._port, self._path = parts.host, parts.port or 80, parts.raw_path
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def post(self, request: Request) -> int:
        head = (
            f"POST {self._path.decode()} HTTP/1.1\r\nhost: {self._host}:{self._port}\r\n"
            f"content-type: application/json\r\nx-line-signature: {request.signature}\r\n"
            f"content-length: {len(request.body)}\r\n\r\n"
        ).encode()
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT_S):
                if self._reader is None or self._writer is None:
                    self._reader, self._writer = await asyncio.open_connection(
                        self._host, self._port
                    )
                self._writer.write(head + request.body)
                response = await self._reader.readuntil(b"\r\n\r\n")
                status = int(response.split(b" ", 2)[1])
                length, close = 0, False
                for line in response.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    name = name.strip().lower()
                    if name == b"content-length":
                        length = int(value)
                    elif name == b"connection" and value.strip().lower() == b"close":
                        close = True
                await self._reader.readexactly(length)
        except (OSError, TimeoutError, ValueError, IndexError, asyncio.IncompleteReadError,
                asyncio.LimitOverrunError):  # fmt: skip
            await self.aclose()
            return 0
        if close:
            await self.aclose()
        return status

    async def aclose(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


class HttpxSender:
    """httpx's AsyncClient (one shared pool of `connections` keep-alive connections)."""

    def __init__(self, client: httpx.AsyncClient, url: str) -> None:
        self._client, self._url = client, url

    async def post(self, request: Request) -> int:
        headers = {"content-type": "application/json", "x-line-signature": request.signature}
        try:
            response = await self._client.post(self._url, content=request.body, headers=headers)
        except httpx.HTTPError:
            return 0
        return response.status_code

    async def aclose(self) -> None:
        pass


async def _ack_buckets(client: httpx.AsyncClient, url: str) -> dict[str, float]:
    """The web's cumulative ack-time histogram: {upper bound in seconds: count}."""
    text = (await client.get(url)).text
    found = re.findall(r'^lpv_webhook_ack_seconds_bucket\{le="([^"]+)"\} (\S+)$', text, re.M)
    return {le: float(count) for le, count in found}


def server_p99_ms(buckets: dict[str, float]) -> float:
    """The upper bound (ms) of the bucket holding the 99th percentile of the web's ack times."""
    total = buckets.get("+Inf", 0.0)
    for le, count in sorted(buckets.items(), key=lambda kv: float(kv[0])):
        if total and count >= 0.99 * total:
            return float(le) * 1000
    return 0.0


async def drive(url: str, plan: Plan, rate: float, connections: int, client_kind: str,
                pids: dict[str, int]) -> LoadReport:  # fmt: skip
    """Send the plan open-loop at `rate` requests/s; latency counts from the scheduled time."""
    n = len(plan.requests)
    latency = [REQUEST_TIMEOUT_S] * n  # a request never answered counts as a timeout
    lag = [0.0] * n
    status = [0] * n
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(REQUEST_TIMEOUT_S)) as hx:
        senders: list[RawConnection | HttpxSender] = [
            HttpxSender(hx, url) if client_kind == "httpx" else RawConnection(url)
            for _ in range(connections)
        ]
        # Open every keep-alive connection first with connectivity checks (no Redis work).
        from linesim.signer import signed_body

        check = Request(*signed_body(SECRET, [], DESTINATION))
        for _ in range(3):
            await asyncio.gather(*(sender.post(check) for sender in senders))

        # One sender per connection takes the next request in schedule order and sends it
        # at its scheduled time, or at once when it is already late (every sender was
        # busy): that wait counts in the latency, the schedule never slows down. (Tasks
        # queueing inside httpx's pool instead cost O(waiting) each and melt the client.)
        metrics_url = str(httpx.URL(url).copy_with(path="/metrics"))
        ack0 = await _ack_buckets(hx, metrics_url)
        # The plan is a big heap: a full collection mid-run would stall every sender for
        # tens of ms and show up as the server's latency. Freeze it and collect afterwards.
        gc.collect()
        gc.freeze()
        gc.disable()
        cpu0 = _cpu_snapshot(pids)
        busy0 = _machine_busy_seconds()
        start = time.perf_counter() + 0.05
        order = iter(enumerate(plan.requests))

        async def send_in_order(sender: RawConnection | HttpxSender) -> None:
            for i, request in order:
                scheduled = start + i / rate
                delay = scheduled - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                lag[i] = time.perf_counter() - scheduled
                status[i] = await sender.post(request)
                latency[i] = time.perf_counter() - scheduled

        tasks = [asyncio.create_task(send_in_order(sender)) for sender in senders]
        await asyncio.wait(tasks, timeout=n / rate + REQUEST_TIMEOUT_S + 30)
        for task in tasks:
            task.cancel()
        elapsed = time.perf_counter() - start
        cpu1 = _cpu_snapshot(pids)
        busy1 = _machine_busy_seconds()
        gc.enable()
        ack1 = await _ack_buckets(hx, metrics_url)
        for sender in senders:
            await sender.aclose()
    last = max((start + i / rate + latency[i] for i in range(n) if status[i]), default=start)
    return {
        "rate": rate,
        "requests": n,
        "duplicates": plan.duplicates,
        "kinds": dict(plan.kinds),
        "latency_ms": [v * 1000 for v in latency],
        "lag_ms": [v * 1000 for v in lag],
        "status": status,
        "elapsed_s": min(elapsed, last - start),
        "cpu_window_s": elapsed,
        "cpu_s": {k: cpu1[k] - cpu0[k] for k in cpu0},
        "machine_busy_s": busy1 - busy0,
        "server_ack": {le: ack1[le] - ack0.get(le, 0.0) for le in ack1},
        "expected": plan.expected,
    }


def load_main(args: argparse.Namespace) -> None:
    """``--load OUT``: build the plan, send it, write the raw measurements as JSON."""
    count = round(args.rate * args.duration)
    plan = build_plan(count, args.seed)
    pids = {name: int(pid) for name, pid in (p.split("=") for p in args.watch if p)}
    runner: Any = asyncio.run
    with contextlib.suppress(ImportError):
        import uvloop

        runner = uvloop.run
    report = runner(drive(args.url, plan, float(args.rate), args.connections, args.client, pids))
    Path(args.load).write_text(json.dumps(report))


# -- the processes under test ---------------------------------------------------------------


def _die_with_parent() -> None:
    # Children get SIGTERM if this process dies (even by SIGKILL): nothing outlives the bench.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Stack:
    redis_port: int
    web_url: str
    web_pid: int
    redis_pid: int
    logs: Path


def _wait(check: Any, proc: subprocess.Popen[bytes], what: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.1)
    raise SystemExit(f"{what} not ready after 30 s:\n{log.read_text()[-3000:]}")


def web_environment(redis_url: str) -> dict[str, str]:
    """The web process's environment: this one without any bot setting, plus the bench's."""
    from bot.settings import Settings

    names = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k not in names}
    unused = f"http://127.0.0.1:{free_port()}"  # nothing listens: the web never calls out
    env.update(
        LINE_CHANNEL_SECRET=SECRET,
        LINE_CHANNEL_ACCESS_TOKEN=TOKEN,
        REDIS_URL=redis_url,
        LINE_API_BASE_URL=unused,
        LINE_DATA_API_BASE_URL=unused,
        NEMO_API_BASE_URL=unused,
        NEMO_WEB_URL=unused,
        LOG_JSON="true",
        LOG_LEVEL="WARNING",
    )
    return env


@contextlib.contextmanager
def stack(tmp: Path) -> Iterator[Stack]:
    """redis-server and ``python -m bot web`` on free loopback ports, stopped at exit."""
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    redis_port, web_port = free_port(), free_port()
    redis_log, web_log = tmp / "redis.log", tmp / "web.log"
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with redis_log.open("wb") as out:
            rds = subprocess.Popen(
                [server, "--bind", "127.0.0.1", "--port", str(redis_port), "--dir", str(tmp),
                 "--save", "", "--appendonly", "no", "--protected-mode", "yes"],
                stdout=out, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent,
            )  # fmt: skip
        procs.append(rds)
        client = redis.Redis(port=redis_port)
        _wait(client.ping, rds, "redis-server", redis_log)
        client.close()
        env = web_environment(f"redis://127.0.0.1:{redis_port}/0")
        with web_log.open("wb") as out:
            web = subprocess.Popen(
                [sys.executable, "-m", "bot", "web",
                 "--host", "127.0.0.1", "--port", str(web_port)],
                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )  # fmt: skip
        procs.append(web)
        url = f"http://127.0.0.1:{web_port}"
        _wait(lambda: httpx.get(f"{url}/healthz").status_code == 200, web, "web", web_log)
        yield Stack(redis_port, f"{url}/callback", web.pid, rds.pid, tmp)
    finally:
        for proc in reversed(procs):
            stop(proc)


# -- one run ---------------------------------------------------------------------------------


@dataclass
class Count:
    expected: int = 0
    lost: int = 0  # expected somewhere and not there
    extra: int = 0  # there but not expected (a duplicate queued twice, a dropped event kept)


def _s(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def verify(redis_port: int, expected: Sequence[Expected]) -> Count:
    """Every unique, non-dropped event marked once and queued exactly once, nothing more."""
    client = redis.Redis(port=redis_port)
    try:
        marks = {_s(k)[len("lpv:evt:") :] for k in client.scan_iter("lpv:evt:*", count=5000)}
        inbox: Counter[str] = Counter()
        for key in client.scan_iter("lpv:inbox:*", count=5000):
            for entry in client.lrange(key, 0, -1):
                inbox[json.loads(entry)["webhookEventId"]] += 1
        immediate: Counter[str] = Counter()
        drains: Counter[str] = Counter()
        queued = [_s(job) for job in client.lrange("saq:lpv:queued", 0, -1)]
        prefix = "saq:job:lpv:evt:"
        for job_id in queued:
            if job_id.startswith(prefix):
                immediate[job_id[len(prefix) :]] += 1
        drain_ids = [job_id for job_id in queued if not job_id.startswith(prefix)]
        for start in range(0, len(drain_ids), 1000):
            for raw in client.mget(drain_ids[start : start + 1000]):
                job = json.loads(raw) if raw else {}
                if job.get("function") == "drain_chat":
                    drains[job["kwargs"]["chat"]] += 1
    finally:
        client.close()
    ids = {e["id"] for e in expected}
    want_inbox = Counter(e["id"] for e in expected if e["lane"] == "ordered")
    want_immediate = Counter(e["id"] for e in expected if e["lane"] == "immediate")
    want_drains = Counter(e["chat"] for e in expected if e["lane"] == "ordered")
    missing = (ids - marks) | set(want_inbox - inbox) | set(want_immediate - immediate)
    missing_drains = sum((want_drains - drains).values())
    extra = (
        len(marks - ids)
        + sum((inbox - want_inbox).values())
        + sum((immediate - want_immediate).values())
        + sum((drains - want_drains).values())
        + len(drain_ids) - sum(drains.values())
    )  # fmt: skip
    return Count(expected=len(ids), lost=len(missing) + missing_drains, extra=extra)


FIGURES: tuple[tuple[str, str], ...] = (
    ("achieved", "achieved ev/s"),
    ("p50", "p50 ms"),
    ("p90", "p90 ms"),
    ("p99", "p99 ms"),
    ("max", "max ms"),
    ("non200", "non-200"),
    ("lost", "lost"),
    ("extra", "queued twice"),
)
DIAGNOSTICS: tuple[tuple[str, str], ...] = (
    ("lag99", "send delay p99 ms"),
    ("server_p99", "web's own p99 ms (bucket ≤)"),
    ("server_over20", "web's own acks > 20 ms"),
    ("web_ms_per_event", "web CPU ms/event"),
    ("web_cpu", "web CPU %"),
    ("web_wait", "web waiting for a CPU %"),
    ("redis_cpu", "redis CPU %"),
    ("loadgen_cpu", "generator CPU %"),
    ("other_cpu", "other processes CPU %"),
)


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def wait_for_quiet(limit_s: float, cores: float = 0.25) -> float:
    """Wait, at most `limit_s`, until the machine (our stack idle) is busy under `cores`.

    On a shared machine other people's work steals the CPU the web needs; the busy CPU of
    the whole machine is sampled over 2 s windows. Returns the last sample, in cores.
    """
    deadline = time.monotonic() + limit_s
    while True:
        before = _machine_busy_seconds()
        time.sleep(2.0)
        busy = (_machine_busy_seconds() - before) / 2.0
        if busy < cores or time.monotonic() >= deadline:
            return busy


def one_run(st: Stack, rate: int, duration: float, connections: int, client_kind: str, seed: int,
            tmp: Path, profile: str | None = None) -> dict[str, float]:  # fmt: skip
    """FLUSHALL, one load-generator process, then count what reached Redis."""
    client = redis.Redis(port=st.redis_port)
    client.flushall()
    client.close()
    out = tmp / f"load-{rate}-{seed}.json"
    argv = [
        sys.executable, __file__, "--load", str(out), "--url", st.web_url, "--rate", str(rate),
        "--duration", str(duration), "--connections", str(connections), "--client", client_kind,
        "--seed", str(seed),
        "--watch", f"web={st.web_pid}", f"redis={st.redis_pid}",
    ]  # fmt: skip
    spy: subprocess.Popen[bytes] | None = None
    if profile:
        spy = start_profile(st.web_pid, profile, duration + 15)
    try:
        subprocess.run(argv, check=True, timeout=duration + 300, preexec_fn=_die_with_parent)
    finally:
        if spy is not None:
            spy.send_signal(signal.SIGINT)  # py-spy writes its output on SIGINT
            spy.wait(timeout=60)
    report: LoadReport = json.loads(out.read_text())
    out.unlink()
    count = verify(st.redis_port, report["expected"])
    lat = report["latency_ms"]
    ok = sum(1 for s in report["status"] if s == 200)
    window = report["elapsed_s"]
    cpu = report["cpu_s"]
    span = report["cpu_window_s"]
    ack = report["server_ack"]
    ours = sum(v for k, v in cpu.items() if not k.endswith("_wait"))
    return {
        "achieved": ok / window,
        "p50": percentile(lat, 50),
        "p90": percentile(lat, 90),
        "p99": percentile(lat, 99),
        "max": max(lat),
        "non200": float(len(lat) - ok),
        "lost": float(count.lost),
        "extra": float(count.extra),
        "lag99": percentile(report["lag_ms"], 99),
        "server_p99": server_p99_ms(ack),
        "server_over20": ack.get("+Inf", 0.0) - ack.get("0.02", 0.0),
        "web_ms_per_event": 1000 * cpu.get("web", 0.0) / max(ok, 1),
        "web_cpu": 100 * cpu.get("web", 0.0) / span,
        "web_wait": 100 * cpu.get("web_wait", 0.0) / span,
        "redis_cpu": 100 * cpu.get("redis", 0.0) / span,
        "loadgen_cpu": 100 * cpu.get("loadgen", 0.0) / span,
        "other_cpu": max(0.0, 100 * (report["machine_busy_s"] - ours) / span),
        "requests": float(report["requests"]),
        "duplicates": float(report["duplicates"]),
        "expected": float(count.expected),
    }


def start_profile(pid: int, path: str, seconds: float) -> subprocess.Popen[bytes]:
    """py-spy on the web process; .svg: flame graph, .json: speedscope, else raw stacks."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        raise SystemExit("--profile needs py-spy: .venv/bin/pip install py-spy")
    fmt = {".svg": "flamegraph", ".json": "speedscope"}.get(Path(path).suffix, "raw")
    argv = [spy, "record", "--pid", str(pid), "--rate", "250", "--format", fmt,
            "--output", path, "--duration", str(int(seconds))]  # fmt: skip
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # let it attach before the load starts
    return proc


# -- report ---------------------------------------------------------------------------------


def machine() -> str:
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    return (f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {model}, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}; "
            f"load average at the end {load}")  # fmt: skip


def _fmt(key: str, value: float) -> str:
    if key in ("non200", "lost", "extra", "server_over20"):
        return f"{value:.0f}"
    if key == "achieved" or key.endswith(("_cpu", "_wait")):
        return f"{value:.0f}"
    if key == "web_ms_per_event":
        return f"{value:.2f}"
    return f"{value:g}" if key == "server_p99" else f"{value:.1f}"


def meets_goal(med: dict[str, float], rate: int) -> bool:
    return (
        med["p99"] < GOAL_P99_MS
        and med["lost"] == 0
        and med["non200"] == 0
        and med["achieved"] >= 0.98 * rate
    )


def _median(key: str, values: Sequence[float]) -> float:
    # A histogram bucket bound stays a bucket bound.
    return statistics.median_high(values) if key == "server_p99" else statistics.median(values)


def _table(columns: Sequence[tuple[str, str]], results: dict[int, list[dict[str, float]]],
           ranges: bool) -> list[str]:  # fmt: skip
    lines = [
        "| target ev/s | " + " | ".join(label for _, label in columns) + " |",
        "|---" * (len(columns) + 1) + "|",
    ]
    for rate, runs in sorted(results.items()):
        cells = []
        for key, _ in columns:
            values = [run[key] for run in runs]
            cell = _fmt(key, _median(key, values))
            if ranges and key in ("p50", "p90", "p99", "max") and len(runs) > 1:
                cell += f" ({_fmt(key, min(values))}–{_fmt(key, max(values))})"
            cells.append(cell)
        lines.append(f"| {rate} | " + " | ".join(cells) + " |")
    return lines


def knee(medians: dict[int, dict[str, float]]) -> str:
    """Where the p99 goal stops holding, and where the web stops keeping up at all."""
    rates = sorted(medians)

    def first_rate(ok: Callable[[int], bool]) -> str:
        failing = [rate for rate in rates if not ok(rate)]
        if not failing:
            return f"above {rates[-1]} ev/s"
        below = [rate for rate in rates if rate < failing[0]]
        return f"between {below[-1]} and {failing[0]} ev/s" if below else f"below {failing[0]} ev/s"

    goal = first_rate(lambda rate: meets_goal(medians[rate], rate))
    saturated = first_rate(
        lambda rate: medians[rate]["achieved"] >= 0.98 * rate and medians[rate]["p50"] < GOAL_P99_MS
    )
    return (
        f"the p99 goal stops holding {goal}; the web stops keeping up (a queue builds: "
        f"p50 ≥ {GOAL_P99_MS:g} ms or under 98% of the rate achieved) {saturated}"
    )


def report(results: dict[int, list[dict[str, float]]], args: argparse.Namespace) -> str:
    medians = {
        rate: {k: _median(k, [r[k] for r in runs]) for k in runs[0]}
        for rate, runs in results.items()
    }
    client = (
        "httpx.AsyncClient"
        if args.client == "httpx"
        else "a minimal asyncio HTTP/1.1 client (httpx costs ~1 ms of CPU a request: "
        "`--client httpx`)"
    )
    first = medians[min(medians)]
    lines = [
        HEADING,
        "",
        f"`{args.command}` — {dt.date.today().isoformat()}",
        "",
        f"Machine: {machine()}.",
        "",
        "Web: `python -m bot web` (uvicorn with uvloop and httptools, one process) and a "
        "fresh redis-server (no persistence) on loopback; no worker, so every accepted event "
        "stays in Redis and is counted after the run. Load: a separate process, "
        f"{client} over {args.connections} keep-alive connections, one signed event per "
        f"request, open loop for {args.duration:g} s per run; latency runs from each "
        "request's scheduled send time to its response (a late generator or a stalled "
        "server both count). Mix: "
        + ", ".join(f"{kind} {share:.0%}" for kind, share in MIX)
        + f", plus {DUPLICATE_SHARE:.0%} resent webhookEventIds; per run at "
        f"{min(medians)} ev/s {first['requests']:.0f} requests, {first['duplicates']:.0f} "
        f"of them duplicates, {first['expected']:.0f} events to queue (the rest are not "
        f"addressed to the bot). Medians of {args.runs} runs (min–max in brackets); "
        "lost: unique, addressed events missing from Redis (mark, inbox, job).",
        "",
        *_table(FIGURES, results, ranges=True),
        "",
        "Where the time goes (medians; CPU in % of one core over the run):",
        "",
        *_table(DIAGNOSTICS, results, ranges=False),
        "",
    ]
    goal = medians.get(GOAL_RATE)
    if goal is not None:
        lines.append(
            f"Goal (p99 < {GOAL_P99_MS:g} ms at {GOAL_RATE} ev/s, no event lost): "
            + ("**met**" if meets_goal(goal, GOAL_RATE) else "**not met**")
            + f" (p99 {goal['p99']:.1f} ms, lost {goal['lost']:.0f}, non-200 "
            f"{goal['non200']:.0f})."
        )
    lines.append(f"Knee: {knee(medians)}.")
    per_run = "; ".join(
        f"{rate}: " + ", ".join(f"{r['p99']:.1f} ({r['other_cpu']:.0f}%)" for r in runs)
        for rate, runs in sorted(results.items())
    )
    lines += [
        "",
        f"p99 ms of each run, with other processes' CPU during it: {per_run}. Other people's "
        "work on a shared machine takes the CPU the web needs and lengthens the tail well "
        "below the web's own limit.",
    ]
    return "\n".join(lines) + "\n"


# -- command line ---------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rates", default="500,1000,1500,2000",
                        help="target events/s, comma-separated")  # fmt: skip
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per run")
    parser.add_argument("--runs", type=int, default=3, help="runs per rate (median reported)")
    parser.add_argument("--connections", type=int, default=32, help="keep-alive pool size")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw",
                        help="load generator HTTP client (httpx: ~1 ms CPU a request)")  # fmt: skip
    parser.add_argument("--quiet-wait", type=float, default=0.0, metavar="SECONDS",
                        help="before each run, wait up to SECONDS for the machine to be idle "
                             "(a shared machine's other work skews the tail)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1, help="event mix seed (run i: seed+i)")
    parser.add_argument("--write-results", action="store_true",
                        help="write the '## Webhook' section of bench/RESULTS.md")  # fmt: skip
    parser.add_argument("--profile", metavar="FILE",
                        help="py-spy the web process during the first run at the first rate "
                             "(.svg flame graph, .json speedscope, else raw stacks)")  # fmt: skip
    # The load-generator process.
    parser.add_argument("--load", metavar="OUT", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--rate", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--watch", nargs="*", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 1 or args.duration <= 0 or args.connections < 1:
        parser.error("--runs, --duration and --connections must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.load:
        load_main(args)
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up the children
    rates = [int(r) for r in args.rates.split(",") if r.strip()]
    args.command = shlex.join(
        [".venv/bin/python", "bench/bench_webhook.py", *(sys.argv[1:] if argv is None else argv)]
    )
    results: dict[int, list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-webhook-") as tmp_name:
        tmp = Path(tmp_name)
        with stack(tmp) as st:
            # Warm-up: imports, the Lua scripts, connection pools (then flushed away).
            one_run(st, 200, 2.0, args.connections, args.client, 0, tmp)
            for rate in rates:
                for i in range(args.runs):
                    profile = args.profile if (rate == rates[0] and i == 0) else None
                    if args.quiet_wait > 0:
                        busy = wait_for_quiet(args.quiet_wait)
                        print(f"machine busy {busy:.2f} cores before the run", file=sys.stderr)
                    run = one_run(st, rate, args.duration, args.connections, args.client,
                                  args.seed + i, tmp, profile)  # fmt: skip
                    results.setdefault(rate, []).append(run)
                    print(
                        f"{rate} ev/s run {i + 1}: {run['achieved']:.0f} ev/s, p50 "
                        f"{run['p50']:.1f} ms, p99 {run['p99']:.1f} ms, max {run['max']:.1f} ms, "
                        f"non-200 {run['non200']:.0f}, lost {run['lost']:.0f}, extra "
                        f"{run['extra']:.0f}, web CPU {run['web_cpu']:.0f}%, other CPU "
                        f"{run['other_cpu']:.0f}%",
                        file=sys.stderr,
                        flush=True,
                    )
    section = report(results, args)
    print(section)
    if args.write_results:
        write_section(HEADING, section)
        print(f"wrote the webhook section of {RESULTS.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
