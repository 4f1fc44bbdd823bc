"""Pure text helpers for scripts: sentences, a title, a theme guess."""

from __future__ import annotations

import re
import unicodedata

from .layout import phrases

__all__ = ["guess_theme", "guess_title", "normalise_script", "sentences"]

_END = "。！？!?‼"
_CLOSE = "」』）)】〕”’"
_OPEN = "「『（(【〔“‘"
_PARTICLES = ("の", "が", "は", "を", "に", "で", "と", "も", "へ", "や", "、", "，", ",")
_THEME_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sakura", ("桜", "さくら", "サクラ", "春", "花見")),
    ("cafe", ("カフェ", "コーヒー", "珈琲", "ラテ", "喫茶", "パン", "ベーカリー", "スイーツ")),
    ("ocean", ("海", "ビーチ", "マリン", "水族館", "夏祭り", "プール")),
    ("forest", ("森", "緑", "自然", "キャンプ", "山", "農園", "野菜", "オーガニック")),
    ("sunset", ("夕日", "夕焼け", "秋", "紅葉", "温泉")),
    ("night", ("夜", "ナイト", "バー", "ライブ", "イルミネーション")),
    ("corporate", ("会社", "企業", "ビジネス", "サービス", "ソリューション", "採用", "導入", "DX")),
    ("pop", ("セール", "キャンペーン", "割引", "限定", "お得", "イベント")),
    ("fresh", ("新生活", "フレッシュ", "健康", "ジム", "フィットネス", "クリニック")),
)


def normalise_script(text: str) -> str:
    """NFKC-normalised ASCII and half-width kana, full-width punctuation kept, tidy spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for ch in text:
        code = ord(ch)
        # Full-width letters/digits and half-width kana are normalised; Japanese
        # punctuation (！？「」、。) stays full-width, as Japanese typesetting expects.
        alnum = 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A
        out.append(unicodedata.normalize("NFKC", ch) if alnum or 0xFF61 <= code <= 0xFF9F else ch)
    text = unicodedata.normalize("NFC", "".join(out))
    text = re.sub(r"[ \t\u3000]+", " ", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def sentences(text: str) -> list[str]:
    """Sentences of ``text``: split after 。！？ (with closing brackets) and at line ends.

    Punctuation inside 「quotes」 or (brackets) does not end a sentence:
    「春です！」と言った。 is one sentence.
    """
    found: list[str] = []
    for line in normalise_script(text).split("\n"):
        depth = 0
        current = ""
        for i, ch in enumerate(line):
            current += ch
            if ch in _OPEN:
                depth += 1
            elif ch in _CLOSE and depth > 0:
                depth -= 1
            nxt = line[i + 1] if i + 1 < len(line) else ""
            if depth == 0 and ch in _END + _CLOSE and current.rstrip(_CLOSE)[-1:] in set(_END):
                if nxt and (nxt in _END or nxt in _CLOSE):
                    continue  # keep runs like ！？ or 。」 together
                if ch in _CLOSE and "\u3040" <= nxt <= "\u309f":
                    continue  # 「…！」と言った: the quote is part of a longer sentence
                if current.strip():
                    found.append(current.strip())
                current = ""
        if current.strip():
            found.append(current.strip())
    return found


def _heading(first_line: str) -> bool:
    """A short first line without sentence punctuation reads as a heading."""
    return 0 < len(first_line) <= 30 and not any(ch in first_line for ch in _END + "、")


def guess_title(text: str) -> tuple[str, str]:
    """(title, body): a short first line is a heading; otherwise a name from the text.

    Prefers a 「quoted」 name from the opening sentences, then the first phrases.
    """
    clean = normalise_script(text)
    lines = [ln for ln in clean.split("\n") if ln.strip()]
    if not lines:
        return "", ""
    if len(lines) > 1 and _heading(lines[0]):
        title = lines[0].strip("#*＃ 【】■●◆")
        return title or lines[0], "\n".join(lines[1:])
    opening = "".join(sentences(clean)[:2])
    quoted = re.search(r"[「『]([^」』]{2,20})[」』]", opening)
    if quoted:
        return quoted.group(1), clean
    first = sentences(clean)[0]
    if len(first) <= 18:
        return first.rstrip(_END + "、"), clean
    title = ""
    for ph in phrases(first):
        if len(title) + len(ph) > 18 and title:
            break
        title += ph
    head, comma, _rest = title.partition("、")
    if comma and len(head) >= 4:
        title = head
    title = title.rstrip(_END + "、")
    while title and title.endswith(_PARTICLES) and len(title) > 4:
        title = title[:-1]
    return title, clean


def guess_theme(text: str) -> str:
    """A background theme matching the script's words (sakura when nothing matches)."""
    best, score = "sakura", 0
    for theme, words in _THEME_WORDS:
        hits = sum(text.count(w) for w in words)
        if hits > score:
            best, score = theme, hits
    return best
