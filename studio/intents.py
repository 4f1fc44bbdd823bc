"""Understanding a chat message (Japanese or English): what the user asks for (pure).

:func:`parse` returns one :data:`Intent`. Edits are found by a table of rules (one per
kind of edit, see ``EDIT_RULES``); each rule needs its subject word (BGM, 字幕, シーン…)
so that a pasted product description is not mistaken for instructions. A few short
requests without one (「もっと短く」「15秒」「もっとゆっくり」) count only as the whole
message (``_alone``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from studio.edits import (
    Edit,
    MoveScene,
    RemoveBgm,
    RemoveScene,
    SetAspect,
    SetBgm,
    SetLength,
    SetNarration,
    SetSpeed,
    SetSubtitles,
    SetSubtitleSize,
    SetTheme,
    SetTitle,
    SetVolume,
    SwapScenes,
    UseMedia,
)

__all__ = [
    "AskAspect",
    "CreditsRequest",
    "EditRequest",
    "ExportRequest",
    "Generate",
    "Help",
    "Intent",
    "Leave",
    "StatusRequest",
    "Thanks",
    "Undo",
    "normalize",
    "parse",
    "parse_edits",
]


@dataclass(frozen=True)
class Generate:
    """Make a storyboard: from ``script`` when the message carries one, else the uploads."""

    script: str | None = None
    edits: tuple[Edit, ...] = ()


@dataclass(frozen=True)
class EditRequest:
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Help:
    """List what the agent can do (``apologize``: the message asked for something else)."""

    apologize: bool = False


@dataclass(frozen=True)
class Thanks:
    """「ありがとう」「いい感じ！」: nothing to change."""


@dataclass(frozen=True)
class Undo:
    """「やっぱり元に戻して」: back to the draft before the last change."""


@dataclass(frozen=True)
class Leave:
    """「字幕は消さないで」「BGMはそのままで」 and nothing else: keep it as it is."""


@dataclass(frozen=True)
class AskAspect:
    """「縦横比を変える」 without saying which one."""


@dataclass(frozen=True)
class ExportRequest:
    """「書き出し」 sent as chat (the real backend points at its Export button)."""


@dataclass(frozen=True)
class StatusRequest:
    """「タイムラインを見る」 sent as chat."""


@dataclass(frozen=True)
class CreditsRequest:
    """「残高」 sent as chat (the real backend points at the billing page)."""


Intent = (
    Generate
    | EditRequest
    | Help
    | Thanks
    | Undo
    | Leave
    | AskAspect
    | ExportRequest
    | StatusRequest
    | CreditsRequest
)

_KANJI_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


_KANJI_NUMBER = re.compile(
    r"(?:[一二三四五六七八九]?百)?(?:[一二三四五六七八九]?十)?[一二三四五六七八九]?"
)


def _kanji_number(match: re.Match[str]) -> str:
    text = match.group(0)
    if not text or (text == "十" and match.string[match.end() : match.end() + 1] == "分"):
        return text  # 十分 on its own is "enough", not ten minutes
    value = 0
    for unit, size in (("百", 100), ("十", 10)):
        if unit in text:
            head, text = text.split(unit, 1)
            value += (_KANJI_DIGITS[head] if head else 1) * size
    return str(value + (_KANJI_DIGITS[text] if text else 0))


def normalize(message: str) -> str:
    """NFKC (full-width digits, ％, ：), lower case, びょう as 秒, kanji numerals 1–999 as
    digits."""
    text = unicodedata.normalize("NFKC", message).lower().replace("びょう", "秒")
    return _KANJI_NUMBER.sub(_kanji_number, text)


# -- rules: each takes the normalized text and returns the edits it finds ------------------

_OFF = (
    r"(消|けして|けす|削除|なし|無し|無く|なくし|外|オフ|off|不要|いらな|要らな|非表示|表示しな|"
    r"止め|やめ)"
)
_ON = r"(付け|つけ|入れ|オン|\bon\b|表示|あり|追加|加え|欲し|ほし)"
_EN_OFF = r"\b(remove|delete|drop|disable|hide|no|without|turn off|switch off)\b"
_EN_ON = r"\b(add|enable|show|turn on|switch on|include|with)\b"

_BGM = r"(bgm|音楽|曲|ミュージック|music|song)"
_MOODS: tuple[tuple[str, str], ...] = (
    ("lofi", r"(ローファイ|lo-?fi|チル|chill)"),
    ("corporate", r"(コーポレート|ビジネス|企業|corporate|business)"),
    (
        "calm",
        r"(落ち着|おちつ|しっとり|穏やか|おだやか|ピアノ|静か|やさし|優し|リラックス|"
        r"calm|piano|relax|gentle|soft|quiet)",
    ),
    ("upbeat", r"(明る|あかる|ポップ|元気|アップテンポ|楽し|upbeat|pop|happy|energetic|cheerful)"),
)
_LOUDER = r"(大きく|大きめ|上げ|あげ|強く|louder|increase|turn up|raise|higher)"
_QUIETER = r"(小さく|小さめ|下げ|さげ|控えめ|弱く|quieter|softer|lower|decrease|turn down|reduce)"


def _title(t: str) -> list[Edit]:
    quoted = re.search(
        r"(タイトル|題名|title)[^「『\"“”']{0,12}[「『\"“”']([^」』\"“”']+)[」』\"“”']", t, re.I
    )
    if quoted:
        return [SetTitle(quoted.group(2).strip())]
    bare = re.search(
        r"(?:タイトル|題名)(?:を|は)\s*(.+?)\s*(?:に(?:して|変更|変え|する)|で(?:お願い|す))", t
    )
    if bare:
        return [SetTitle(bare.group(1))]
    en = re.search(r"\b(?:change|set|rename)\s+the\s+title\s+(?:to|as)\s+(.+?)[.!]?$", t, re.I)
    if en:
        return [SetTitle(en.group(1).strip())]
    return []


def _bgm(t: str) -> list[Edit]:
    if not re.search(_BGM, t):
        return []
    if re.search(r"(アップロード|送った|uploaded|\bmy\b).{0,8}" + _BGM, t):
        return [UseMedia(("audio",))]
    if re.search(_BGM + r".{0,6}" + _OFF, t) or re.search(_EN_OFF + r".{0,12}(bgm|music)", t):
        return [RemoveBgm()]
    for mood, pattern in _MOODS:
        if re.search(pattern, t):
            return [SetBgm(mood)]
    if re.search(r"(変え|変更|かえ|替え|別の|違う|change|switch|different|another)", t):
        return [SetBgm(None)]
    if re.search(r"(付け|つけ|入れ|追加|加え|add|put)", t):
        return [SetBgm("upbeat")]
    return []


def _volume(t: str) -> list[Edit]:
    if not re.search(r"(音量|ボリューム|volume|" + _BGM + ")", t):
        return []
    if re.search(r"(ナレーション|声|ボイス|narration|voice)の?\s*(音量|ボリューム|volume)", t):
        return []  # the narration's loudness is not the music's, and not adjustable
    percent = re.search(r"(\d{1,3})\s*(%|パーセント|percent)", t)
    if percent:
        # "10%下げて" lowers by 10 points; "20%に" sets 20 %.
        after = t[percent.end() : percent.end() + 8]
        if re.match(r"\s*(に|まで|to\b)", after):
            return [SetVolume(percent=int(percent.group(1)))]
        if re.search(_QUIETER, after):
            return [SetVolume(delta=-int(percent.group(1)))]
        if re.search(_LOUDER, after):
            return [SetVolume(delta=int(percent.group(1)))]
        return [SetVolume(percent=int(percent.group(1)))]
    if re.search(r"(音量|ボリューム|volume|bgm|音楽|music)", t):
        if re.search(_LOUDER, t):
            return [SetVolume(delta=15)]
        if re.search(_QUIETER + r"|うるさ|大きすぎ|too loud|turn\b.{0,20}\bdown\b", t):
            return [SetVolume(delta=-15)]
    return []


def _aspect(t: str) -> list[Edit]:
    if re.search(
        r"9\s*[:：x×/]\s*16|縦長|縦型|縦向き|縦動画|ティックトック|リール|"
        r"vertical|portrait|shorts|tiktok|reels",
        t,
    ):
        return [SetAspect("9:16")]
    if re.search(r"16\s*[:：x×/]\s*9|横長|横型|横向き|横動画|landscape|horizontal|widescreen", t):
        return [SetAspect("16:9")]
    if re.search(r"\b1\s*[:：x×/]\s*1\b|正方形|スクエア|square", t):
        return [SetAspect("1:1")]
    return []


def _length(t: str) -> list[Edit]:
    ja = re.search(
        r"(?:(\d{1,2})\s*分\s*(半|(\d{1,2})\s*秒)?|(\d{1,3})\s*秒)\s*"
        r"(?:に|で|くらい|ぐらい|程度|以内|前後|ほど|の動画|の長さ|まで)",
        t,
    )
    by = re.search(
        r"(?P<n>\d{1,3})\s*秒\s*(だけ|ほど|くらい|ぐらい)?\s*"
        r"(?P<way>短く|縮め|みじかく|長く|伸ば|ながく)\s*(して|する|ください|下さい)",
        t,
    ) or re.search(r"(?P<n>\d{1,3})\s*(?:s|sec|secs|seconds)\s+(?P<way>shorter|longer)\b", t)
    if by:
        n = int(by.group("n"))
        return [SetLength(delta=-n if re.match(r"短|縮|みじか|shorter", by.group("way")) else n)]
    if ja:
        minutes, half, extra, plain = ja.groups()
        if minutes is None:
            return [SetLength(seconds=int(plain))]
        return [SetLength(seconds=int(minutes) * 60 + (30 if half == "半" else int(extra or 0)))]
    if re.search(r"(長さ|尺|length)", t) and re.search(
        r"(半分|half\s+(the\s+)?(length|as long))", t
    ):
        return [SetLength(factor=0.5)]
    times = re.search(r"(\d(?:\.\d+)?)?\s*倍の(長さ|尺)に|(長さ|尺)を(\d(?:\.\d+)?)?\s*倍に", t)
    if times:
        return [SetLength(factor=float(times.group(1) or times.group(4) or 2))]
    if re.search(r"twice as long|double the length", t):
        return [SetLength(factor=2.0)]
    en = re.search(r"(\d{1,3})\s*(s|sec|secs|seconds|min|mins|minutes?)\b", t)
    if en and re.search(r"\b(make|to|under|about|around|within|long|length|cut|trim|shorten)\b", t):
        n = int(en.group(1))
        return [SetLength(seconds=n * 60 if en.group(2).startswith("min") else n)]
    if re.search(r"(動画|全体|尺|長さ|全部)", t):
        if re.search(r"短く|短め|縮め|みじかく", t):
            return [SetLength(factor=0.75)]
        if re.search(r"長く|長め|伸ば|ながく", t):
            return [SetLength(factor=1.25)]
    if re.search(r"\b(shorter|shorten)\b", t):
        return [SetLength(factor=0.75)]
    if re.search(r"\blonger\b", t):
        return [SetLength(factor=1.25)]
    return []


def _subtitles(t: str) -> list[Edit]:
    # "text"/"font" are common words: only in "make the text bigger" (文字: see _alone).
    sized = (
        r"\b(make|set)\b.{0,20}\b(text|font)\b.{0,10}\b(bigger|smaller|larger|big|small|large)\b"
    )
    if not re.search(r"(字幕|じまく|テロップ|subtitle|caption)", t) and not re.search(sized, t):
        return []
    if re.search(r"(大きすぎ|でかすぎ|too big|too large)", t):
        return [SetSubtitleSize("s")]
    if re.search(r"(小さすぎ|too small)", t):
        return [SetSubtitleSize("l")]
    if re.search(r"(大きく|大きめ|大きな|おおきく|でかく|larger|bigger|\blarge\b|big)", t):
        return [SetSubtitleSize("l")]
    if re.search(r"(小さく|小さめ|小さな|ちいさく|smaller|\bsmall\b)", t):
        return [SetSubtitleSize("s")]
    if re.search(r"(普通|標準|中くらい|medium|normal|default)", t):
        return [SetSubtitleSize("m")]
    if re.search(_OFF, t) or re.search(_EN_OFF, t):
        return [SetSubtitles(False)]
    if re.search(_ON, t) or re.search(_EN_ON, t):
        return [SetSubtitles(True)]
    return []


_THEMES: tuple[tuple[str, str], ...] = (
    ("mono", r"(白黒|モノクロ|モノトーン|mono|black and white|grayscale|greyscale)"),
    ("sakura", r"(桜|さくら|サクラ|ピンク|pink|sakura)"),
    ("ocean", r"(青|ブルー|海|オーシャン|水色|blue|ocean)"),
    ("forest", r"(緑|グリーン|抹茶|森|フォレスト|green|forest|matcha)"),
    ("sunset", r"(オレンジ|夕焼け|夕日|サンセット|暖色|orange|sunset|warm)"),
    ("cafe", r"(カフェ|茶色|ブラウン|コーヒー|brown|cafe|coffee)"),
    ("fresh", r"(フレッシュ|爽やか|さわやか|ミント|fresh|mint)"),
    ("pop", r"(ポップ|カラフル|黄色|イエロー|colou?rful|yellow|\bpop\b)"),
    ("corporate", r"(コーポレート|ビジネス|corporate|business)"),
    ("night", r"(黒|ダーク|夜|ナイト|dark|night|black)"),
)


def _theme(t: str) -> list[Edit]:
    if not re.search(r"(テーマ|色|カラー|配色|theme|colou?r)", t):
        return []
    if re.search(r"(字幕|テロップ|文字|フォント|タイトル|subtitle|caption|text|font|title)", t):
        return []  # the colour of the text is not the theme (and not adjustable)
    for theme, pattern in _THEMES:
        if re.search(pattern, t):
            return [SetTheme(theme)]
    return []


_VOICE = (
    r"(ナレーション|ナレ|読み上げ|音声ガイド|ボイス|声|話す|話して|しゃべ|喋|"
    r"narration|narrator|voice|speak|talk)"
)


def _narration(t: str) -> list[Edit]:
    if not re.search(_VOICE, t):
        return []
    speed = re.search(r"(\d+(?:\.\d+)?)\s*(倍速|倍|x)", t)
    if speed:
        return [SetSpeed(speed=float(speed.group(1)))]
    if re.search(r"(速すぎ|早すぎ|はやすぎ|too fast)", t):
        return [SetSpeed(delta=-0.25)]
    if re.search(r"(遅すぎ|おそすぎ|too slow)", t):
        return [SetSpeed(delta=0.25)]
    if re.search(r"(ゆっくり|遅く|おそく|スロー|slower|slow down|more slowly)", t):
        return [SetSpeed(delta=-0.25)]
    if re.search(r"(速く|早く|はやく|速め|早め|早口|テンポよく|faster|speed up|quicker)", t):
        return [SetSpeed(delta=0.25)]
    if re.search(_OFF, t) or re.search(_EN_OFF, t):
        return [SetNarration(False)]
    if re.search(_ON, t) or re.search(_EN_ON, t):
        return [SetNarration(True)]
    return []


_SCENE = r"(?:シーン|scene)\s*(\d+)"
_SCENE_ALT = r"(\d+)\s*(?:番目|つ目|個目)の?\s*シーン|(\d+)\s*シーン目"
_SCENE_EN = r"(\d+)(?:st|nd|rd|th)\s+scene"
#: "the first / last scene": scene 1, or -1 for the last one.
_SCENE_WORD = r"(最初|はじめ|先頭|最後|ラスト|first|last)の?\s*(?:シーン|scene)"


def _scene_number(t: str) -> tuple[int, int] | None:
    """(scene number, where the mention ends), the last scene being -1."""
    hit = re.search(_SCENE, t) or re.search(_SCENE_ALT, t) or re.search(_SCENE_EN, t)
    if hit:
        return int(next(g for g in hit.groups() if g)), hit.end()
    word = re.search(_SCENE_WORD, t)
    if word:
        return (-1 if word.group(1) in ("最後", "ラスト", "last") else 1), word.end()
    return None


def _scenes(t: str) -> list[Edit]:
    swap = (
        re.search(r"シーン\s*(\d+)\s*と\s*(?:シーン)?\s*(\d+)", t)
        or re.search(r"(\d+)\s*(?:番目|つ目)\s*と\s*(\d+)\s*(?:番目|つ目)", t)
        or re.search(r"\bswap\s+scenes?\s*(\d+)\s*(?:and|&|with)\s*(?:scene\s*)?(\d+)", t)
    )
    if swap and re.search(r"(入れ替|いれか|交換|逆|swap)", t):
        return [SwapScenes(int(swap.group(1)), int(swap.group(2)))]
    found = _scene_number(t)
    if found is None:
        return []
    index, end = found
    rest = t[end:]
    if re.search(r"^.{0,6}(削除|消|カット|なくし|外|取り除|いらな|不要)", rest) or re.search(
        r"\b(remove|delete|cut|drop)\b", t
    ):
        return [RemoveScene(index)]
    if re.search(r"^.{0,4}?1番(後|うし)", rest):  # 一番後ろ (kanji numerals are digits here)
        return [MoveScene(index, -1)]
    to = re.search(r"^.{0,4}?(\d+)\s*(番目|つ目|番)", rest) or re.search(r"\bposition\s*(\d+)", t)
    if to:
        return [MoveScene(index, int(to.group(1)))]
    if re.search(
        r"(最初|先頭|一番前|はじめ|始め|冒頭|\bstart\b|beginning|front|\bfirst\b|top)", rest
    ):
        return [MoveScene(index, 1)]
    if re.search(r"(最後|末尾|一番後|終わり|ラスト|\bend\b|\blast\b|\bback\b)", rest):
        return [MoveScene(index, -1)]
    return []


def _media(t: str) -> list[Edit]:
    photos = re.search(r"(写真|画像|フォト|photo|image|picture|pic)", t)
    clips = re.search(r"(動画|映像|クリップ|clip|video|footage)", t)
    either = re.search(r"(素材|アップロード|送った|upload)", t)
    if not (photos or clips or either):
        return []
    if not re.search(r"(背景|使|background|\buse\b)", t):
        return []
    if photos and not clips:
        return [UseMedia(("image",))]
    if clips and not photos and not either:
        return [UseMedia(("video",))]
    return [UseMedia(("image", "video"))]


#: The edit rules, in the order their edits are applied.
EDIT_RULES: tuple[Callable[[str], list[Edit]], ...] = (
    _scenes,
    _aspect,
    _bgm,
    _volume,
    _subtitles,
    _theme,
    _narration,
    _length,
    _media,
)


#: Where one instruction ends and the next begins: punctuation; して, ずに, ないで, なしで,
#: ままで or めで chaining requests without a comma (「BGMを消して字幕を大きく」
#: 「ナレーションなしで字幕はあり」; other te-forms are not split: 「BGMを下げて字幕を大きく」
#: stays one clause); or "and"/"but" before a verb ("black and white" stays whole).
_CLAUSE_END = (
    r"[、。,，;；\n!！?？]+|(?<=して)|(?<=なしで)|(?<=無しで)|(?<=ままで)|(?<=ないで)(?!す)|(?<=ずに)|"
    r"(?<=めで)|\s+(?:and|but|then)\s+(?=(?:make|turn|set|change|add|remove|use|put|"
    r"keep|leave|don'?t|do not|please|also)\b)"
)
#: "Not X but Y": only Y is asked for (about X's subject: 「BGMを消すんじゃなくて小さく」).
_NOT_THIS = r"(んじゃなくて|のではなくて|のではなく|じゃなくて|ではなくて|じゃなく|ではなく)"
_SUBJECT = r"(bgm|音楽|曲|音量|字幕|テロップ|ナレーション|声|タイトル|シーン\s*\d*|動画)"
#: A negated adding verb asks for none ("BGMは入れないで", "don't add music").
_DONT_ADD = (
    r"(入れ|いれ|付け|つけ|追加し|加え|表示し|流さ|使わ)ないで(ください|下さい)?|"
    r"\b(?:don'?t|do not)\s+(?:add|show|include|use|put|play)\b"
)
#: Any other negated verb, or "keep it", asks for no change ("字幕は消さないで").
_LEAVE = (
    r"(ないで(?!す)|なくて(も)?(いい|良い|大丈夫)|ずに|そのまま|このまま|のまま|ままで|"
    r"\bdon'?t\b|\bdo not\b|\bnever\b|\bkeep\b|\bleave\b|\bas it is\b)"
)


#: Short requests that name no subject, understood only as a whole message: inside a
#: description the same words are content (「長く愛される」「3分で完成」「ゆっくりお過ごし」).
_ALONE: tuple[tuple[str, Callable[[re.Match[str]], Edit]], ...] = (
    (
        r"(もっと|もう少し|もうすこし|少し|すこし|ちょっと)?(短く|短め|みじかく)(して)?",
        lambda m: SetLength(factor=0.75),
    ),
    (
        r"(もっと|もう少し|もうすこし|少し|すこし|ちょっと)?(長く|長め|ながく)(して)?",
        lambda m: SetLength(factor=1.25),
    ),
    (r"半分(に(して)?)?", lambda m: SetLength(factor=0.5)),
    (r"(\d{1,3})\s*秒(に|で)?", lambda m: SetLength(seconds=int(m.group(1)))),
    (
        r"(\d{1,2})\s*分(半)?(に|で)?",
        lambda m: SetLength(seconds=int(m.group(1)) * 60 + (30 if m.group(2) else 0)),
    ),
    (
        r"(\d{1,3})\s*秒\s*(だけ)?\s*(短く|縮め|みじかく)(して)?",
        lambda m: SetLength(delta=-int(m.group(1))),
    ),
    (
        r"(\d{1,3})\s*秒\s*(だけ)?\s*(長く|伸ば|ながく)(して)?",
        lambda m: SetLength(delta=int(m.group(1))),
    ),
    (
        r"(もっと|もう少し|少し|すこし)?(ゆっくり|遅く|おそく)(して|に|で)?",
        lambda m: SetSpeed(delta=-0.25),
    ),
    (
        r"(もっと|もう少し|少し|すこし)?(速く|早く|はやく)(して|に|で)?",
        lambda m: SetSpeed(delta=0.25),
    ),
    (
        r"(文字|フォント)(を|は)?(もっと|少し)?(大きく|おおきく)(して)?",
        lambda m: SetSubtitleSize("l"),
    ),
    (
        r"(文字|フォント)(を|は)?(もっと|少し)?(小さく|ちいさく)(して)?",
        lambda m: SetSubtitleSize("s"),
    ),
)
#: Politeness ending a request (or making up a whole clause: 「…ないで」+「ください」).
_POLITE_END = r"\s*(ください|下さい|お願い(します|いたします)?|please)?(ね|よ)?[\s。.!！~〜]*$"


def _alone(norm: str) -> list[Edit]:
    """The edit a whole short message asks for without naming its subject."""
    request = re.sub(_POLITE_END, "", norm.strip())
    for pattern, make in _ALONE:
        if hit := re.fullmatch(pattern, request):
            return [make(hit)]
    return []


def _clause_edits(clause: str) -> list[Edit]:
    if (parts := re.split(_NOT_THIS, clause, maxsplit=1)) and len(parts) == 3:
        before, _, after = parts
        subject = re.search(_SUBJECT, before)
        clause = (
            subject.group(0) + " " if subject and not re.search(_SUBJECT, after) else ""
        ) + after
    clause = re.sub(r"\binstead of\b.*$", " ", clause)
    if re.search(_DONT_ADD, clause):
        clause = re.sub(_DONT_ADD, " なし without ", clause)
    elif re.search(_LEAVE, clause):
        return []
    return [edit for rule in EDIT_RULES for edit in rule(clause)]


def parse_edits(text: str) -> list[Edit]:
    """Every edit ``text`` asks for, clause by clause (one edit per kind, the first wins).

    Clauses keep one instruction's words from triggering another's rule ("字幕を大きく、
    BGMを消して" is no louder BGM); a clause that says not to change something changes
    nothing, except that a negated adding verb asks for none (「BGMは入れないで」). Quoted
    words are content (a new title), so only the title rule sees them. A message that
    finds no edit this way may still be one of the short subject-less requests (_alone).
    """
    found: list[Edit] = list(_title(_title_text(text)))
    plain = re.sub(_QUOTED, " ", normalize(text))
    if not found and (alone := _alone(plain)):
        return alone
    for clause in re.split(_CLAUSE_END, plain):
        if not clause or not clause.strip():
            continue
        for edit in _clause_edits(clause):
            if type(edit) not in {type(e) for e in found}:
                found.append(edit)
    return found


_QUOTED = r"「[^」]*」|『[^』]*』|\"[^\"]*\"|“[^”]*”"


def _title_text(text: str) -> str:
    # Keep the user's title as written (only width-normalized), not lower-cased.
    return unicodedata.normalize("NFKC", text)


# -- the message as a whole ------------------------------------------------------------------

_GENERATE = (
    r"(動画|ビデオ|ムービー|ショート|プロモ|pv|cm)(を|で)?.{0,6}?(作|つく|生成|制作)",
    r"(動画|ビデオ|ムービー)(に|化)(して|する|お願い)",
    r"(作成|生成|制作)して",
    r"この(原稿|文章|テキスト|内容|文)で",
    r"作り直|やり直",
    r"\b(generate|create|make|produce|build)\s+(me\s+)?(a|an|my|new|another)\s+"
    r"(new\s+)?(short\s+)?(promo(tional)?\s+)?(video|movie|clip|draft|storyboard)",
    r"\bgenerate\b",
)
_HELP = (
    r"(使い方|何ができ|なにができ|できること|ヘルプ|こんにちは|はじめまして|"
    r"help|what can you|hello|\bhi\b)"
)
#: 「元に戻して」 as the whole message (「BGMを元に戻して」 is about the BGM, and
#: 「ご予約の取り消し」 in a description is content).
_UNDO = (
    r"(やっぱり|やはり|さっきの|今の|いまの|直前の)?\s*(変更|編集)?(を|は)?\s*"
    r"(元に戻|もとに戻|もとにもど|ひとつ前に戻|1つ前に戻|前の(状態|版|バージョン)に戻|取り消|とりけ|"
    r"やっぱりやめ)(して|す|したい|しといて)?|"
    r"(please\s+)?(undo|revert|go back|change it back)(\s+(that|it|the last change))?(\s+please)?"
)
#: Thanks and praise opening a short message (「お疲れの体に…」 is a description).
_THANKS = (
    r"^(本当に|ほんとに|どうも|わー|おお)?\s*(ありがと|有難う|有り難う|助かり|お疲れ様|お疲れさま|"
    r"おつかれさま|いい感じ|完璧(です|!|！|$)|ばっちり|よろしく|thanks?\b|thank you|"
    r"(great|perfect|awesome|looks good)[.!]*$)"
)
_EXPORT = r"^(書き出し|書き出して|エクスポート|導出|导出|export|download|ダウンロード)"
_STATUS = (
    r"^(状態|状态|タイムライン(を見る)?|ステータス|status|show tracks|timeline)|"
    r"(今|いま)何秒|(今|いま)の(長さ|尺)|(長さ|尺)は[?]|何秒[?]|何秒(ある|です)[か?]|"
    r"(bgm|音楽|曲)(は|って)?(何|なに)(使|の曲|[?])|current length|how long is (it|the video)"
)
_CREDITS = r"^(クレジット|残高|积分|余额|credits?|balance)"
_SENTENCE_END = re.compile(r"[。！？!?]")
_REQUEST_END = (
    r"(ください|下さい|して|しろ|(ほしい|欲しい|たい)(です)?|お願い(します)?|ますか|ですか|"
    r"ませんか|でしょうか|かな|"
    r"please|can you|could you|[?？])[。.!！\s]*$"
)


def _is_generate(line: str) -> bool:
    norm = normalize(line)
    return any(re.search(p, norm) for p in _GENERATE)


def _script_from(message: str) -> tuple[str | None, str]:
    """Split a generation request into (script, instruction).

    The script is what is not the instruction: other lines, text after a colon, or a long
    quotation.
    """
    lines = [ln.strip() for ln in message.strip().splitlines() if ln.strip()]
    if len(lines) > 1:
        instruction = [ln for ln in lines if _is_generate(ln) and len(ln) <= 60]
        if instruction:
            script = "\n".join(ln for ln in lines if ln not in instruction)
            return (script or None), "\n".join(instruction)
    text = message.strip()
    colon = re.search(r"(?<!\d)[:：]\s*(?!\d)", text)
    if colon and len(text) - colon.end() >= 10:
        return text[colon.end() :].strip(), text[: colon.start()]
    quote = re.search(r"[「『\"“]([^」』\"”]{15,})[」』\"”]", text)
    if quote:
        return quote.group(1).strip(), text[: quote.start()] + text[quote.end() :]
    return None, text


def _looks_like_script(message: str) -> bool:
    """A pasted description (long, several sentences) rather than an instruction."""
    text = message.strip()
    return len(text) >= 80 and len(_SENTENCE_END.findall(text)) >= 2


def _ends_with_request(message: str) -> bool:
    """The message ends the way a request does (…してください, …にして, …？)."""
    return bool(re.search(_REQUEST_END, message.strip()))


def parse(message: str) -> Intent:
    """What ``message`` asks for."""
    text = message.strip()
    norm = normalize(text)
    if not text:
        return Help()
    if any(_is_generate(ln) for ln in text.splitlines()):
        script, instruction = _script_from(text)
        if script is None and len(text) >= 40 and len(_SENTENCE_END.findall(text)) >= 2:
            return Generate(text)  # a description that happens to mention making videos
        return Generate(script, tuple(parse_edits(instruction)))
    if re.fullmatch(_UNDO, re.sub(_POLITE_END, "", norm)):
        return Undo()
    edits = parse_edits(text)
    if _looks_like_script(text) and not (edits and _ends_with_request(text)):
        return Generate(text)
    if edits:
        return EditRequest(tuple(edits))
    if re.search(r"(縦横比|アスペクト|aspect|画面の形)", norm):
        return AskAspect()
    if re.search(_EXPORT, norm):
        return ExportRequest()
    if re.search(_STATUS, norm):
        return StatusRequest()
    if re.search(_CREDITS, norm):
        return CreditsRequest()
    if re.search(_HELP, norm):
        return Help()
    if re.search(_THANKS, norm) and len(text) <= 30:
        return Thanks()
    clauses = [c.strip() for c in re.split(_CLAUSE_END, norm) if c and c.strip()]
    said = [c for c in clauses if re.sub(_POLITE_END, "", c)]
    # 「〜をそのまま活かした…です。」 is a description, not "leave it".
    asked = re.search(r"ないで|ずに|don'?t|do not", norm) or _ends_with_request(text)
    short = len(text) <= 30 and (asked or not _SENTENCE_END.search(text))
    if said and short and all(re.search(_LEAVE, c) for c in said):
        return Leave()
    sentences = len(_SENTENCE_END.findall(text))
    if (sentences >= 2 and len(text) >= 30) or (
        sentences and len(text) >= 20 and not _ends_with_request(text)
    ):
        return Generate(text)  # a short description: "ぜひお試しください。" ends many
    return Help(apologize=True)
