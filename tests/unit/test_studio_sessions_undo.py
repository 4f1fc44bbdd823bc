"""replace_draft: the session's earlier drafts for 「元に戻して」."""

from __future__ import annotations

from studio.sessions import UNDO_DEPTH, replace_draft, session_view
from studio.store import SessionRecord


def _draft(n: int) -> dict[str, object]:
    return {"d": n, "m": {}, "t": [{"id": "trk", "sg": []}]}


def test_changes_keep_earlier_drafts_and_undo_walks_back() -> None:
    rec = SessionRecord(session_id="s", task_id="t", created_at=0, updated_at=0)
    for n in (1, 2, 3):
        replace_draft(rec, _draft(n), undo=False)
    # The empty draft before the first storyboard is not kept: nothing to go back to.
    assert rec.history == [_draft(1), _draft(2)]
    assert session_view(rec, None).previous == _draft(2)
    replace_draft(rec, _draft(3), undo=False)  # an edit that changed nothing
    assert rec.history == [_draft(1), _draft(2)]
    replace_draft(rec, _draft(2), undo=True)
    assert rec.draft == _draft(2) and rec.history == [_draft(1)]


def test_history_is_capped() -> None:
    rec = SessionRecord(session_id="s", task_id="t", created_at=0, updated_at=0)
    for n in range(UNDO_DEPTH + 5):
        replace_draft(rec, _draft(n), undo=False)
    assert len(rec.history) == UNDO_DEPTH
    assert rec.history[-1] == _draft(UNDO_DEPTH + 3)
    assert session_view(SessionRecord(session_id="x", task_id="y", created_at=0, updated_at=0),
                        None).previous is None  # fmt: skip
