"""The rule-based agent: one chat message in, one :class:`Turn` out (pure).

A turn carries the tool calls the agent "made" (shown as functionCall/functionResponse
events), the new draft, and the reply text, or ``silent`` when the real backend would
close the stream without a word (about 30 % of edits: every edit that only touches the
music or the colours, see ``SILENT_OPS``). The engine is passed in as :class:`Tools`, so
tests can use stand-ins.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from studio import replies
from studio.drafts import Draft, find_track, has_content, meta, scene_segments, segments
from studio.edits import (
    Change,
    Edit,
    EditContext,
    Measure,
    MediaRef,
    SetAspect,
    UseMedia,
    apply_edits,
    edit_args,
)
from studio.gui_phrases import gui_lines
from studio.intents import (
    AskAspect,
    CreditsRequest,
    EditRequest,
    ExportRequest,
    Generate,
    Help,
    Intent,
    Leave,
    StatusRequest,
    Thanks,
    Undo,
    parse,
)

__all__ = [
    "GENERATE_COST",
    "SILENT_OPS",
    "TEXT_COST",
    "UNDONE",
    "Document",
    "SessionView",
    "ToolCall",
    "Tools",
    "Turn",
    "cost_of",
    "language_of",
    "respond",
]

#: Credits a run costs: generating a video, or anything else (an edit, a question).
GENERATE_COST = 5
TEXT_COST = 1

#: Edits whose run closes with no text (the real backend does this for ~30 % of edits).
SILENT_OPS = frozenset({"set_bgm", "remove_bgm", "set_volume", "set_theme"})

Cues = Sequence[tuple[int, int, str]]
#: ``storyboard(script, aspect, cues)``: the engine's ``draft_from_script`` (its plates are
#: drawn meanwhile).
Storyboard = Callable[[str, str, Cues], Draft]


@dataclass(frozen=True)
class Document:
    """Uploaded text (TXT, DOCX, PDF, SRT)."""

    id: str
    name: str
    text: str
    cues: tuple[tuple[int, int, str], ...] = ()


@dataclass(frozen=True)
class SessionView:
    """What the agent may look at in the session."""

    language: str
    draft: Draft
    documents: tuple[Document, ...] = ()
    media: tuple[MediaRef, ...] = ()
    credits_left: int | None = None
    previous: Draft | None = None  # the draft before the last change, for 「元に戻して」


@dataclass(frozen=True)
class Tools:
    storyboard: Storyboard
    measure: Measure


@dataclass(frozen=True)
class ToolCall:
    name: str
    args: dict[str, Any]
    response: dict[str, Any]


@dataclass(frozen=True)
class Turn:
    """The agent's answer to one message."""

    kind: str
    text: str
    draft: Draft | None = None
    calls: tuple[ToolCall, ...] = ()
    silent: bool = False
    changes: tuple[Change, ...] = field(default=())


#: The kind of turn that restores the previous draft (the session pops it, not pushes).
UNDONE = "undone"


def language_of(language: str | None) -> str:
    """``en`` for English sessions, else ``ja``."""
    return "en" if (language or "").lower().startswith("en") else "ja"


def cost_of(intent: Intent) -> int:
    return GENERATE_COST if isinstance(intent, Generate) else TEXT_COST


def respond(message: str, view: SessionView, tools: Tools, intent: Intent | None = None) -> Turn:
    """The agent's turn for ``message`` (``intent`` when the caller already parsed it)."""
    intent = intent if intent is not None else parse(message)
    lang = language_of(view.language)
    match intent:
        case Generate():
            return _generate(intent, view, tools, lang)
        case EditRequest():
            return _edit(intent.edits, view, tools, lang)
        case StatusRequest():
            return _status(view, lang)
        case ExportRequest():
            if not has_content(view.draft):
                return Turn("needs_draft", replies.needs_draft(lang))
            return _with_gui(Turn("export", ""), lang, view, ())
        case CreditsRequest():
            return _with_gui(Turn("credits", ""), lang, view, ())
        case AskAspect():
            return Turn("ask_aspect", replies.ask_aspect(lang))
        case Help():
            kind = "unsupported" if intent.apologize else "help"
            return Turn(kind, replies.capabilities(lang, intent.apologize))
        case Thanks():
            return Turn("thanks", replies.thanks(lang))
        case Undo():
            if view.previous is None:
                return Turn("nothing_to_undo", replies.nothing_to_undo(lang))
            lines = [replies.undone(lang), *replies.timeline_lines(view.previous, lang)]
            call = ToolCall("undo", {}, {"status": "success", "version": "previous"})
            return Turn(UNDONE, "\n".join(lines), view.previous, (call,))
        case Leave():
            return Turn("leave", replies.leave(lang))
    raise AssertionError(intent)  # pragma: no cover - the match is exhaustive


def _with_gui(turn: Turn, lang: str, view: SessionView, ops: Sequence[str]) -> Turn:
    lines = gui_lines(turn.kind, ops, lang, view.credits_left)
    text = "\n".join([turn.text, *lines]).strip() if lines else turn.text
    return Turn(turn.kind, text, turn.draft, turn.calls, turn.silent, turn.changes)


def _script(intent: Generate, view: SessionView) -> tuple[str, Cues, str | None] | None:
    """(script, cues, document name) to build from: the message's own text, else the latest
    uploaded document."""
    if intent.script and intent.script.strip():
        return intent.script.strip(), (), None
    for doc in reversed(view.documents):
        if doc.text.strip():
            return doc.text.strip(), doc.cues, doc.name
    return None


def _generate(intent: Generate, view: SessionView, tools: Tools, lang: str) -> Turn:
    found = _script(intent, view)
    if found is None and intent.edits and has_content(view.draft):
        return _edit(intent.edits, view, tools, lang)  # 「90秒の動画にして」 with a draft
    if found is None:
        return Turn("ask_text", replies.ask_text(lang))
    script, cues, doc_name = found
    aspect = next((e.aspect for e in intent.edits if isinstance(e, SetAspect)), None)
    if aspect is None and has_content(view.draft):
        aspect = str(meta(view.draft).get("aspect") or "9:16")
    aspect = aspect or "9:16"
    draft = tools.storyboard(script, aspect, cues)
    if not has_content(draft):
        return Turn("ask_text", replies.no_sentences(lang))
    meta(draft).setdefault("aspect", aspect)
    scenes = scene_segments(draft)
    first_call = ToolCall(
        "generate_storyboard",
        {
            "source": "document" if doc_name else "message",
            "document": doc_name,
            "chars": len(script),
            "aspect": aspect,
        },
        {"status": "success", "scenes": len(scenes), "duration_ms": draft.get("d", 0)},
    )
    # Uploads are used without being asked: photos and clips as backgrounds, audio as music.
    auto: list[Edit] = []
    if any(m.kind in ("image", "video") for m in view.media):
        auto.append(UseMedia(("image", "video")))
    if any(m.kind == "audio" for m in view.media):
        auto.append(UseMedia(("audio",)))
    edits = [*auto, *(e for e in intent.edits if not isinstance(e, SetAspect))]
    changes: list[Change] = []
    if edits:
        draft, changes = apply_edits(draft, edits, EditContext(tools.measure, view.media))
    bgm = segments(find_track(draft, "bgm"))
    title = segments(find_track(draft, "title"))
    second_call = ToolCall(
        "add_music_and_title",
        {
            "mood": meta(bgm[0]).get("mood") if bgm else None,
            "volume": meta(bgm[0]).get("volume") if bgm else None,
            "title": meta(title[0]).get("text") if title else None,
        },
        {"status": "success", "tracks": len(draft.get("t", []))},
    )
    head = "Your draft is ready." if lang == "en" else "下書きができました。"
    lines = [head, *replies.timeline_lines(draft, lang)]
    lines += [replies.change_line(c, lang) for c in changes if not c.ok]
    turn = Turn(
        "generated", "\n".join(lines), draft, (first_call, second_call), False, tuple(changes)
    )
    return _with_gui(turn, lang, view, ())


def _edit(edits: Sequence[Edit], view: SessionView, tools: Tools, lang: str) -> Turn:
    if not has_content(view.draft):
        return Turn("needs_draft", replies.needs_draft(lang))
    draft, changes = apply_edits(view.draft, edits, EditContext(tools.measure, view.media))
    ok = [c for c in changes if c.ok]
    status = "success" if len(ok) == len(changes) else "partial" if ok else "failed"
    call = ToolCall(
        "edit_timeline",
        {"operations": [edit_args(e) for e in edits]},
        {
            "status": status,
            "changes": [{"op": c.op, "ok": c.ok, "reason": c.reason} for c in changes],
            "duration_ms": draft.get("d", 0),
        },
    )
    silent = status == "success" and all(c.op in SILENT_OPS for c in changes)
    text = "" if silent else "\n".join(replies.change_line(c, lang) for c in changes)
    turn = Turn("edited", text, draft if ok else None, (call,), silent, tuple(changes))
    return turn if silent else _with_gui(turn, lang, view, [c.op for c in ok])


def _status(view: SessionView, lang: str) -> Turn:
    if not has_content(view.draft):
        return Turn("needs_draft", replies.needs_draft(lang))
    lines = replies.timeline_lines(view.draft, lang)
    head = "Current timeline:" if lang == "en" else "現在のタイムライン："
    call = ToolCall("get_timeline", {}, {"tracks": len(view.draft.get("t", []))})
    return _with_gui(Turn("status", "\n".join([head, *lines]), None, (call,)), lang, view, ())
