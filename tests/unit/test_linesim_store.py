"""linesim.store, linesim.chat's pure helpers and the recorder's masking."""

from __future__ import annotations

import time

import pytest

from linesim.chat import event_kind, mention_bot
from linesim.recorder import masked_headers
from linesim.settings import Settings
from linesim.store import Store, iso_now

GROUP = "C" + "0" * 32


@pytest.fixture()
def store() -> Store:
    return Store(Settings(reply_token_ttl=60))


def test_reply_tokens_single_use_and_expiry(store: Store) -> None:
    store.issue_token("t1", "U1")
    entry = store.usable_token("t1")
    assert entry is not None and entry.chat_id == "U1"
    entry.used = True
    assert store.usable_token("t1") is None
    store.rearm_token("t1")  # a used token stays used, even when redelivered
    assert store.usable_token("t1") is None
    store.reply_token_ttl = 0
    store.issue_token("t2", "U1")
    time.sleep(0.01)
    assert store.usable_token("t2") is None
    store.reply_token_ttl = 60
    store.rearm_token("t2")
    assert store.usable_token("t2") is not None
    assert store.usable_token("unknown") is None


def test_faults_count_down(store: Store) -> None:
    from linesim.store import Fault

    store.faults["push"] = Fault(503, "", 2)
    assert store.take_fault("push") is not None
    assert store.take_fault("push") is not None
    assert store.take_fault("push") is None
    assert store.take_fault("reply") is None


def test_recipients_per_member(store: Store) -> None:
    store.groups[GROUP] = ["U1", "U2", "U3", "U4", "U5"]
    assert store.recipients(GROUP) == 5
    assert store.recipients("U" + "1" * 32) == 1


def test_reset_forgets_everything_but_settings(store: Store) -> None:
    store.add_user(None, "山田")
    store.issue_token("t", "U")
    store.quota_limit = 3
    store.reply_token_ttl = 1
    store.record_sent("push", "U", [{"type": "text", "text": "x"}], None, [{"id": "1"}])
    store.reset()
    assert (store.users, store.tokens, store.sent, store.feed) == ({}, {}, [], [])
    assert store.quota_limit is None and store.reply_token_ttl == 60


def test_record_sent_clears_loading_and_feeds_page(store: Store) -> None:
    store.loading["U"] = time.time() + 30
    store.record_sent("reply", "U", [{"type": "text", "text": "x"}], None, [{"id": "9"}])
    assert "U" not in store.loading
    assert store.feed[-1]["side"] == "bot" and store.feed[-1]["ids"] == ["9"]
    assert store.sent[-1] == {"kind": "reply", "to": "U",
                              "messages": [{"type": "text", "text": "x"}],
                              "retry_key": None, "at": store.sent[-1]["at"]}


def test_iso_now_format() -> None:
    assert iso_now(0) == "1970-01-01T00:00:00.000Z"


def test_masked_headers_hide_the_token() -> None:
    headers = masked_headers([(b"Authorization", b"Bearer secret-token"), (b"X-A", b"1")])
    assert headers == {"authorization": "Bearer ****", "x-a": "1"}


@pytest.mark.parametrize(
    ("content_type", "name", "as_file", "kind"),
    [
        ("text/plain", "原稿.txt", False, "file"),
        ("application/pdf", "a.pdf", False, "file"),
        ("image/jpeg", "a.jpg", False, "image"),
        ("", "a.webp", False, "image"),
        ("video/quicktime", "a.mov", False, "video"),
        ("", "a.mkv", False, "video"),
        ("video/mp4", "a.mp4", True, "file"),
        ("audio/mpeg", "a.mp3", False, "audio"),
        ("application/x-msdownload", "setup.exe", False, "file"),
    ],
)
def test_event_kind(content_type: str, name: str, as_file: bool, kind: str) -> None:
    assert event_kind(content_type, name, as_file) == kind


def test_mention_bot_counts_utf16() -> None:
    mention = mention_bot("😀 @ボット 作って", "ボット", "Ub")
    assert mention == {"mentionees": [{"index": 3, "length": 4, "type": "user", "userId": "Ub",
                                       "isSelf": True}]}
    assert mention_bot("作って", "ボット", "Ub") is None
