"""Secrets stay out of logs and Redis; previews have the video's shape."""

from __future__ import annotations

import io

from PIL import Image

from bot.logging import redact
from bot.preview import aspect_size, placeholder
from bot.store.crypto import TokenCipher


def test_log_redaction() -> None:
    event = {
        "event": "x",
        "token": "nmv_usr_secretvalue",
        "headers": "Authorization: Bearer abc.def",
        "note": "got nmv_usr_abcdefghijkl from backend",
    }
    out = redact(None, "info", event)
    assert out["token"] == "***"
    assert "abc.def" not in out["headers"]
    assert "abcdefghijkl" not in out["note"] and "nmv_usr_" in out["note"]


def test_token_cipher_roundtrip_and_key_change() -> None:
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    sealed = TokenCipher(key).seal("nmv_usr_x")
    assert "nmv_usr_x" not in sealed
    assert TokenCipher(key).open(sealed) == "nmv_usr_x"
    assert TokenCipher(Fernet.generate_key().decode()).open(sealed) is None
    assert TokenCipher(None).open(sealed) is None
    assert TokenCipher(None).seal("plain") == "plain"


def test_placeholder_preview_matches_aspect() -> None:
    for aspect, expected in (("9:16", (540, 960)), ("16:9", (960, 540)), ("1:1", (960, 960))):
        assert aspect_size(aspect) == expected
        image = Image.open(io.BytesIO(placeholder(aspect)))
        assert image.format == "JPEG" and image.size == expected
    assert aspect_size("garbage") == (540, 960)
