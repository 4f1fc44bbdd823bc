"""Links into NemoVideo's web app that the bot gives users."""

from __future__ import annotations

from urllib.parse import urlencode

SKILL_SOURCE = "text-to-video-ai-japanese"


def task_page(web: str, task_id: str, session_id: str, version: str, platform: str) -> str:
    """The task's page in the web app (continue editing in a browser)."""
    query = urlencode(
        {
            "task": task_id,
            "session": session_id,
            "skill_name": SKILL_SOURCE,
            "skill_version": version,
            "skill_source": platform,
        }
    )
    return f"{web}/workspace/claim?{query}"


def registration(web: str, client_id: str) -> str:
    """Registration that keeps the anonymous user's work (``?bind=<client id>``)."""
    return f"{web}/?{urlencode({'bind': client_id})}"


def top_up(web: str) -> str:
    """Where registered users buy credits."""
    return f"{web}/"
