"""Settings, from the environment only.

A missing or malformed setting stops the process at start with one line naming it
(:func:`load_or_exit`); secrets are ``SecretStr`` so they never print.
"""

from __future__ import annotations

import sys
from functools import cached_property
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_URL_FIELDS = (
    "line_api_base_url",
    "line_data_api_base_url",
    "nemo_api_base_url",
    "nemo_web_url",
    "public_base_url",
)

PositiveSeconds = Annotated[float, Field(gt=0)]


class Settings(BaseSettings):
    """Every setting of the bot; names are the environment variables, upper-cased."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=True)

    line_channel_secret: SecretStr
    line_channel_access_token: SecretStr
    line_api_base_url: str = "https://api.line.me"
    line_data_api_base_url: str = "https://api-data.line.me"
    line_push_enabled: bool = True
    line_reply_window_seconds: PositiveSeconds = 50.0

    nemo_api_base_url: str = "https://mega-api-prod.nemovideo.ai"
    nemo_web_url: str = "https://nemovideo.com"
    nemo_token: SecretStr | None = None
    nemo_skill_version: str = "1.0.0"
    nemo_skill_platform: str = "unknown"
    nemo_render_poll_seconds: PositiveSeconds = 30.0
    nemo_retry_after_seconds: Annotated[float, Field(ge=0)] = 30.0
    nemo_sse_max_seconds: PositiveSeconds = 900.0
    nemo_render_max_seconds: PositiveSeconds = 1800.0
    still_working_seconds: PositiveSeconds = 120.0
    fair_use_runs_per_day: Annotated[int, Field(ge=0)] = 50

    redis_url: str = "redis://127.0.0.1:6379/0"
    public_base_url: str | None = None
    token_encryption_key: SecretStr | None = None

    worker_concurrency: Annotated[int, Field(ge=1, le=1000)] = 32
    worker_metrics_port: Annotated[int, Field(ge=0, le=65535)] = 0
    webhook_max_body_bytes: Annotated[int, Field(ge=1024)] = 1_000_000
    log_level: str = "INFO"
    log_json: bool = True

    @field_validator(*_URL_FIELDS)
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("line_channel_secret", "line_channel_access_token")
    @classmethod
    def _not_blank(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("must not be empty")
        return value

    @cached_property
    def uses_operator_token(self) -> bool:
        """True when all users share the operator's NEMO_TOKEN (then fair use applies)."""
        return self.nemo_token is not None and bool(self.nemo_token.get_secret_value())


def setting_problem(error: ValidationError) -> str:
    """The first bad setting and what is wrong with it, e.g. ``REDIS_URL is required…``."""
    first = error.errors()[0]
    name = str(first["loc"][0]).upper() if first.get("loc") else "settings"
    if first.get("type") == "missing":
        return f"{name} is required but not set"
    return f"{name} {first.get('msg', 'is invalid')}"


def describe_error(error: ValidationError) -> str:
    """One line naming the first bad setting."""
    return f"configuration error: {setting_problem(error)}"


def load_or_exit() -> Settings:
    """The settings, or exit(2) with one clear line naming what is wrong."""
    try:
        return Settings()  # type: ignore[call-arg]  # values come from the environment
    except ValidationError as error:
        print(describe_error(error), file=sys.stderr)
        raise SystemExit(2) from None
