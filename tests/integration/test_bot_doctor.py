"""``python -m bot doctor`` against the real parts: a healthy deployment, then a wrong
channel secret, an unreachable Redis and an unreachable backend, each in one clear line."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from harness import CHANNEL_TOKEN, PYTHON, REPO, Bot, Infra, separate_bot

from linesim.testing import free_port


def doctor(env: dict[str, str]) -> tuple[int, list[str]]:
    """Exit status and printed lines of one doctor run."""
    proc = subprocess.run(
        [PYTHON, "-m", "bot", "doctor"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert CHANNEL_TOKEN not in output, "doctor printed the channel access token"
    assert "Traceback" not in output, output
    return proc.returncode, proc.stdout.splitlines()


def problems(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("✗")]


@pytest.fixture(scope="module")
def wrong_secret_bot(infra: Infra) -> Iterator[Bot]:
    """A web process whose LINE_CHANNEL_SECRET is not the channel's (linesim signs with the
    real one)."""
    env = {"LINE_CHANNEL_SECRET": "not-the-channel-secret"}
    with separate_bot(infra, "wrongsecret", redis_db=2, env=env, workers=0) as bot:
        yield bot


def test_healthy_deployment_passes(studio_bot: Bot) -> None:
    code, lines = doctor(studio_bot.env)
    assert code == 0, lines
    assert problems(lines) == []
    assert "✓ channel secret: matches the channel" in lines
    assert any(line.startswith("✓ redis: reachable at") for line in lines), lines
    assert any(line.startswith("✓ video backend: reachable at") for line in lines), lines
    assert any(line.startswith("✓ LINE access token: valid") for line in lines), lines


def test_wrong_channel_secret(wrong_secret_bot: Bot) -> None:
    code, lines = doctor(wrong_secret_bot.env)
    assert code == 1
    assert problems(lines) == [
        "✗ channel secret: the webhook refused LINE's signed test (401): "
        "LINE_CHANNEL_SECRET does not match the channel's secret"
    ]


def test_unreachable_redis(bot: Bot) -> None:
    port = free_port()
    code, lines = doctor({**bot.env, "REDIS_URL": f"redis://127.0.0.1:{port}/0"})
    assert code == 1
    [line] = problems(lines)
    assert line.startswith(f"✗ redis: cannot reach redis://127.0.0.1:{port}/0 ")
    assert line.endswith("start Redis or fix REDIS_URL")


def test_unreachable_backend(bot: Bot) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    code, lines = doctor({**bot.env, "NEMO_API_BASE_URL": url})
    assert code == 1
    [line] = problems(lines)
    assert line.startswith(f"✗ video backend: cannot reach {url} ")
    assert line.endswith("check NEMO_API_BASE_URL, or start studio")


def test_missing_setting_is_one_line(bot: Bot) -> None:
    env = {k: v for k, v in bot.env.items() if k != "LINE_CHANNEL_SECRET"}
    code, lines = doctor(env)
    assert code == 1
    assert lines == ["✗ settings: LINE_CHANNEL_SECRET is required but not set"]
