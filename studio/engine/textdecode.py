"""Decode Japanese text files whatever their encoding (pure)."""

from __future__ import annotations

import codecs
import unicodedata

__all__ = ["decode_japanese", "japanese_score"]

# Tried in order; a tie on score keeps the earlier one (UTF-8 is unambiguous when it decodes).
_CANDIDATES = ("utf-8", "cp932", "euc_jp", "iso2022_jp", "utf-16")


def japanese_score(text: str) -> float:
    """Share of characters that look like ordinary Japanese prose (kana, kanji, ASCII)."""
    if not text:
        return 0.0
    good = 0
    for ch in text:
        code = ord(ch)
        if (
            0x3040 <= code <= 0x30FF  # hiragana, katakana
            or 0x4E00 <= code <= 0x9FFF  # common CJK ideographs
            or 0x3000 <= code <= 0x303F  # CJK punctuation
            or 0xFF01 <= code <= 0xFF5E  # full-width ASCII
            or 0x20 <= code < 0x7F
            or ch in "\n\r\t"
        ):
            good += 1
        elif unicodedata.category(ch).startswith("C"):
            good -= 2  # control characters mean a wrong guess
    return good / len(text)


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.lstrip("\ufeff")


def decode_japanese(data: bytes) -> str:
    """Decode ``data`` as UTF-8 (with or without BOM), Shift_JIS/CP932, EUC-JP or JIS.

    Raises ``ValueError`` when no candidate decodes it as text.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _clean(data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _clean(data.decode("utf-16", errors="replace"))
    if b"\x00" in data:
        raise ValueError("binary data")
    if b"\x1b$B" in data or b"\x1b$@" in data:
        # JIS (ISO-2022-JP) is 7-bit, so it would also "decode" as UTF-8: check it first.
        for enc in ("iso2022_jp_ext", "iso2022_jp_2004"):
            try:
                return _clean(data.decode(enc))
            except UnicodeDecodeError:
                continue
    best: tuple[float, str] | None = None
    for enc in _CANDIDATES:
        if enc == "utf-16":
            continue  # only with a BOM (handled above)
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if enc == "utf-8":
            return _clean(text)  # strict UTF-8 success is practically never a false positive
        score = japanese_score(text)
        if best is None or score > best[0]:
            best = (score, text)
    if best is None or best[0] < 0.6:
        raise ValueError("not Japanese text")
    return _clean(best[1])
