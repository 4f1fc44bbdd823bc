"""Backend phrases that assume a GUI, turned into what a LINE chat can do.

The backend was written for a web app ("click the Export button", "preview in the
timeline"). A LINE user has no such buttons, so each such sentence is removed and
replaced by an action the bot performs itself (the contract's translation table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class GuiAction(StrEnum):
    """What the bot does instead of the GUI step."""

    EXPORT = "export"  # "Export button" / 导出: run the export workflow
    SHOW_TIMELINE = "show_timeline"  # "preview in timeline", "open [panel]": show the tracks
    SHOW_CREDITS = "show_credits"  # "check account/billing"
    SEND_EDIT_HINT = "send_edit_hint"  # "drag/drop": tell the user to say the edit


@dataclass(frozen=True)
class Translated:
    """The text with GUI sentences removed, and the actions they stood for."""

    text: str
    actions: tuple[GuiAction, ...]


# First matching row wins for a sentence; order matters (export before generic clicks).
_RULES: tuple[tuple[re.Pattern[str], GuiAction | None], ...] = (
    (
        re.compile(
            r"export[\"'」]?\s+button|click\s+(on\s+)?(the\s+)?export|导出|"
            r"(エクスポート|書き出し|ダウンロード)[」』\"]?ボタン",
            re.I,
        ),
        GuiAction.EXPORT,
    ),
    (
        re.compile(
            r"preview\s+(it\s+)?in\s+(the\s+)?timeline|timeline\s+preview|"
            r"タイムライン(上)?で(プレビュー|確認)|在时间线",
            re.I,
        ),
        GuiAction.SHOW_TIMELINE,
    ),
    (
        re.compile(
            r"check\s+(your\s+)?(account|billing)|账户|アカウント(画面)?で(残高|確認)|"
            r"請求",
            re.I,
        ),
        GuiAction.SHOW_CREDITS,
    ),
    (
        re.compile(r"\bopen\s+(the\s+)?[\w\s]{0,30}panel|打开|パネルを開", re.I),
        GuiAction.SHOW_TIMELINE,
    ),
    (
        re.compile(r"drag|drop\s+(it|the|your|files?)|拖拽|ドラッグ|ドロップ", re.I),
        GuiAction.SEND_EDIT_HINT,
    ),
    # A generic click on some button: the bot executes it through the API, so the
    # sentence simply goes.
    (re.compile(r"\bclick\b|点击|クリック|ボタンを(押|タップ)", re.I), None),
)

# A sentence ends at Japanese or Latin end marks; a "." only before a space, so
# URLs and file names stay whole.
_SENTENCE_RE = re.compile(r"[^\n。！？!?]*?(?:[。！？!?]+|\.(?=\s)|\.$|\n|$)")


def translate(text: str) -> Translated:
    """Remove GUI instructions from `text`; return what remains and the actions to run."""
    kept: list[str] = []
    actions: list[GuiAction] = []
    for sentence in _SENTENCE_RE.findall(text):
        if not sentence:
            continue
        action_found = False
        for pattern, action in _RULES:
            if pattern.search(sentence):
                action_found = True
                if action is not None and action not in actions:
                    actions.append(action)
                break
        if not action_found:
            kept.append(sentence)
        elif sentence.endswith("\n"):
            kept.append("\n")
    cleaned = re.sub(r"\n{3,}", "\n\n", "".join(kept)).strip()
    return Translated(cleaned, tuple(actions))
