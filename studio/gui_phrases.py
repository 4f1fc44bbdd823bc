"""Phrases that assume the web app's GUI, as the real NemoVideo backend says them.

The real agent was written for a browser editor, so some of its replies point at buttons
and panels ("タイムラインでプレビューできます", "click the Export button"). A chat client
must translate these into actions (docs/nemovideo-api.md, "Backend phrases that assume a
GUI"). Studio says them on purpose, in a fixed set of replies listed here, so the bot's
translation can be tested against it.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["GUI_BY_EDIT", "GUI_BY_REPLY", "LOW_CREDITS", "PHRASES", "gui_lines"]

#: phrase id → language → text. Each names the GUI action the contract's table lists.
PHRASES: dict[str, dict[str, str]] = {
    # "preview in timeline" → the bot shows the track summary
    "preview_in_timeline": {
        "ja": "タイムラインでプレビューできます。",
        "en": "You can preview it in the timeline.",
    },
    # "Export button" / "click [button]" → the bot runs the export workflow
    "click_export": {
        "ja": "仕上がったら「エクスポート」ボタンをクリックしてください。",
        "en": "When you are happy with it, click the Export button.",
    },
    # "drag/drop" → the bot sends the edit as a message
    "drag_drop": {
        "ja": "タイムライン上でシーンをドラッグ＆ドロップして並べ替えることもできます。",
        "en": "You can also drag and drop scenes on the timeline to reorder them.",
    },
    # "open [panel]" → the bot queries the session state
    "open_panel": {
        "ja": "素材パネルを開くと、アップロードした素材を確認できます。",
        "en": "Open the media panel to see your uploads.",
    },
    # "check account/billing" → the bot shows the credits
    "check_billing": {
        "ja": "残りのクレジットはアカウントの請求ページで確認してください。",
        "en": "Check your account billing page for your remaining credits.",
    },
}

#: Reply kind → the GUI phrases that end it (every time: the choice is deterministic).
GUI_BY_REPLY: dict[str, tuple[str, ...]] = {
    "generated": ("preview_in_timeline", "click_export"),
    "status": ("preview_in_timeline",),
    "export": ("click_export",),
    "credits": ("check_billing",),
}

#: A successful edit op → the GUI phrase its (non-silent) reply ends with.
GUI_BY_EDIT: dict[str, tuple[str, ...]] = {
    "remove_scene": ("drag_drop",),
    "move_scene": ("drag_drop",),
    "swap_scenes": ("drag_drop",),
    "use_media": ("open_panel",),
}

#: A reply that leaves fewer credits than this adds "check_billing".
LOW_CREDITS = 20


def gui_lines(
    reply_kind: str, edit_ops: Iterable[str], lang: str, credits_left: int | None
) -> list[str]:
    """The GUI phrases a reply of ``reply_kind`` (with these successful edits) ends with."""
    ids: list[str] = list(GUI_BY_REPLY.get(reply_kind, ()))
    for op in edit_ops:
        ids.extend(GUI_BY_EDIT.get(op, ()))
    if credits_left is not None and credits_left < LOW_CREDITS:
        ids.append("check_billing")
    seen: list[str] = []
    for phrase in ids:
        if phrase not in seen:
            seen.append(phrase)
    return [PHRASES[p]["en" if lang == "en" else "ja"] for p in seen]
