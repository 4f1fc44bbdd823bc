"""``python -m bot doctor``: check every setting and every dependency, one line each.

Each check says what is wrong and how to fix it. The channel secret is checked the
only way it can be: LINE's "verify webhook" call sends a test event signed with the
channel's real secret to the webhook, and the bot's web answers 401 if its
LINE_CHANNEL_SECRET differs.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx
from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.nemo.errors import NemoError, TokenInvalid, unwrap
from bot.nemo.urls import SKILL_SOURCE
from bot.settings import Settings, setting_problem


@dataclass(frozen=True)
class Finding:
    """One check's result."""

    name: str
    ok: bool
    detail: str
    warning: bool = False

    def line(self) -> str:
        mark = "✓" if self.ok else ("!" if self.warning else "✗")
        return f"{mark} {self.name}: {self.detail}"


def safe_url(url: str) -> str:
    """A URL without its password, for printing."""
    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username or ''}:***@{parts.hostname}"
        if parts.port:
            netloc += f":{parts.port}"
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


async def check_redis(settings: Settings) -> list[Finding]:
    redis = Redis.from_url(settings.redis_url, socket_connect_timeout=3, socket_timeout=3)
    where = safe_url(settings.redis_url)
    try:
        await redis.ping()
        findings = [Finding("redis", True, f"reachable at {where}")]
        try:
            aof = (await redis.config_get("appendonly")).get("appendonly")
            policy = (await redis.config_get("maxmemory-policy")).get("maxmemory-policy")
        except RedisError:
            return findings  # CONFIG is often disabled on managed Redis: nothing to say
        if aof != "yes":
            findings.append(
                Finding(
                    "redis persistence",
                    False,
                    "AOF is off: set appendonly yes (see deploy/redis.conf)",
                    warning=True,
                )
            )
        if policy != "noeviction":
            findings.append(
                Finding(
                    "redis eviction",
                    False,
                    f"maxmemory-policy is {policy}: set noeviction",
                    warning=True,
                )
            )
        return findings
    except (RedisError, OSError) as error:
        return [
            Finding(
                "redis",
                False,
                f"cannot reach {where} ({type(error).__name__}): start Redis or fix REDIS_URL",
            )
        ]
    finally:
        await redis.aclose()


async def check_line(settings: Settings, http: httpx.AsyncClient) -> list[Finding]:
    base = settings.line_api_base_url
    auth = {"Authorization": f"Bearer {settings.line_channel_access_token.get_secret_value()}"}
    try:
        info = await http.get(f"{base}/v2/bot/info", headers=auth)
    except httpx.HTTPError as error:
        return [
            Finding(
                "LINE API",
                False,
                f"cannot reach {base} ({type(error).__name__}): "
                "check LINE_API_BASE_URL and the network",
            )
        ]
    if info.status_code == 401:
        return [
            Finding(
                "LINE access token",
                False,
                "refused by LINE (401): issue a new "
                "channel access token and set LINE_CHANNEL_ACCESS_TOKEN",
            )
        ]
    if info.status_code != 200:
        return [Finding("LINE API", False, f"bot info answered {info.status_code}")]
    name = info.json().get("displayName", "?")
    findings = [Finding("LINE access token", True, f"valid (bot: {name})")]
    try:
        endpoint = await http.get(f"{base}/v2/bot/channel/webhook/endpoint", headers=auth)
        test = await http.post(f"{base}/v2/bot/channel/webhook/test", headers=auth, json={})
    except httpx.HTTPError as error:
        findings.append(Finding("webhook", False, f"could not ask LINE ({type(error).__name__})"))
        return findings
    url = endpoint.json().get("endpoint", "") if endpoint.status_code == 200 else ""
    if url and not url.endswith("/callback"):
        findings.append(
            Finding("webhook URL", False, f"{url} should end with /callback", warning=True)
        )
    result = test.json() if test.status_code == 200 else {}
    status = result.get("statusCode")
    if result.get("success"):
        findings.append(Finding("webhook", True, f"{url or 'endpoint'} answers LINE's test"))
        findings.append(Finding("channel secret", True, "matches the channel"))
    elif status == 401:
        findings.append(
            Finding(
                "channel secret",
                False,
                "the webhook refused LINE's signed test (401): "
                "LINE_CHANNEL_SECRET does not match the channel's secret",
            )
        )
    elif status == 0 or result.get("reason") in ("COULD_NOT_CONNECT", "REQUEST_TIMEOUT"):
        findings.append(
            Finding(
                "webhook",
                False,
                f"LINE cannot reach {url or 'the webhook'} "
                f"({result.get('reason', 'no answer')}): is `bot web` running "
                "and reachable over HTTPS?",
            )
        )
    else:
        findings.append(Finding("webhook", False, f"LINE's test got {status} from {url}"))
    return findings


async def check_backend(settings: Settings, http: httpx.AsyncClient) -> list[Finding]:
    base = settings.nemo_api_base_url
    headers = {
        "X-Skill-Source": SKILL_SOURCE,
        "X-Skill-Version": settings.nemo_skill_version,
        "X-Skill-Platform": settings.nemo_skill_platform,
    }
    token = settings.nemo_token.get_secret_value() if settings.nemo_token else ""
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        response = await http.get(f"{base}/api/credits/balance/simple", headers=headers)
    except httpx.HTTPError as error:
        return [
            Finding(
                "video backend",
                False,
                f"cannot reach {base} ({type(error).__name__}): "
                "check NEMO_API_BASE_URL, or start studio",
            )
        ]
    if response.status_code >= 500:
        return [Finding("video backend", False, f"{base} answers {response.status_code}")]
    if not token:
        return [
            Finding(
                "video backend",
                True,
                f"reachable at {base} (anonymous tokens: set NEMO_TOKEN for production)",
            )
        ]
    try:
        data = unwrap(response.status_code, response.json())
    except TokenInvalid:
        return [Finding("NEMO_TOKEN", False, f"refused by {base}: set a valid token")]
    except (NemoError, ValueError) as error:
        return [Finding("video backend", False, f"credits check failed ({error})")]
    return [
        Finding(
            "video backend",
            True,
            f"reachable at {base}; credits available: {data.get('available', '?')}",
        )
    ]


def check_local(settings: Settings) -> list[Finding]:
    findings: list[Finding] = []
    public = settings.public_base_url
    if not public:
        findings.append(
            Finding(
                "PUBLIC_BASE_URL",
                False,
                "unset: videos without a backend preview image will be sent as links only",
                warning=True,
            )
        )
    elif not public.startswith("https://"):
        findings.append(
            Finding(
                "PUBLIC_BASE_URL",
                False,
                "not HTTPS: LINE only shows preview images served over HTTPS",
                warning=True,
            )
        )
    if shutil.which("ffmpeg") is None:
        findings.append(
            Finding(
                "ffmpeg",
                False,
                "not installed: preview images will be plain posters instead of frames",
                warning=True,
            )
        )
    return findings


async def diagnose(settings: Settings) -> list[Finding]:
    """Every check, in a stable order."""
    async with httpx.AsyncClient(timeout=10) as http:
        checks: list[Callable[[], Awaitable[list[Finding]]]] = [
            lambda: check_redis(settings),
            lambda: check_line(settings, http),
            lambda: check_backend(settings, http),
        ]
        results = await asyncio.gather(*(c() for c in checks))
    findings = [Finding("settings", True, "all present and well-formed")]
    for group in results:
        findings.extend(group)
    return findings + check_local(settings)


def run() -> int:
    """Print one line per check; exit status 1 when something must be fixed."""
    try:
        settings = Settings()  # type: ignore[call-arg]  # from the environment
    except ValidationError as error:
        print(f"✗ settings: {setting_problem(error)}")
        return 1
    findings = asyncio.run(diagnose(settings))
    for finding in findings:
        print(finding.line())
    return 0 if all(f.ok or f.warning for f in findings) else 1
