"""studio.intents: which chat phrases become which intents and edits."""

from __future__ import annotations

import pytest

from studio.edits import (
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
from studio.intents import (
    AskAspect,
    CreditsRequest,
    EditRequest,
    ExportRequest,
    Generate,
    Help,
    Leave,
    StatusRequest,
    Thanks,
    Undo,
    parse,
    parse_edits,
)

EDIT_PHRASES = [
    ("タイトルを「春の新作、登場」に", [SetTitle("春の新作、登場")]),
    ("タイトルを「30秒で完成」にして", [SetTitle("30秒で完成")]),
    ('change the title to "Urban Dreams"', [SetTitle("Urban Dreams")]),
    ("BGMをもっと落ち着いた曲にして", [SetBgm("calm")]),
    ("BGMを明るい曲に", [SetBgm("upbeat")]),
    ("BGMをコーポレートに", [SetBgm("corporate")]),
    ("BGMをローファイにして音量を20%に", [SetBgm("lofi"), SetVolume(percent=20)]),
    ("BGMを変える", [SetBgm(None)]),
    ("add calm music", [SetBgm("calm")]),
    ("BGMを消して", [RemoveBgm()]),
    ("音楽なしで", [RemoveBgm()]),
    ("remove the music", [RemoveBgm()]),
    ("音量を20%に", [SetVolume(percent=20)]),
    ("ＢＧＭの音量を２０％にしてください", [SetVolume(percent=20)]),
    ("BGMを小さく", [SetVolume(delta=-15)]),
    ("音量を大きく", [SetVolume(delta=15)]),
    ("make the music louder", [SetVolume(delta=15)]),
    ("縦長にして", [SetAspect("9:16")]),
    ("１６：９にして", [SetAspect("16:9")]),
    ("横長で", [SetAspect("16:9")]),
    ("正方形にしてください", [SetAspect("1:1")]),
    ("make it square", [SetAspect("1:1")]),
    ("30秒にして", [SetLength(seconds=30)]),
    ("1分くらいで", [SetLength(seconds=60)]),
    ("動画の長さを15秒に", [SetLength(seconds=15)]),
    ("動画を短くして", [SetLength(factor=0.75)]),
    ("make the video 30 seconds", [SetLength(seconds=30)]),
    ("字幕を大きく", [SetSubtitleSize("l")]),
    ("字幕を小さくして", [SetSubtitleSize("s")]),
    ("字幕を消して", [SetSubtitles(False)]),
    ("字幕を付けて", [SetSubtitles(True)]),
    ("no subtitles", [SetSubtitles(False)]),
    ("色を青に", [SetTheme("ocean")]),
    ("テーマを桜にして", [SetTheme("sakura")]),
    ("カラーをモノクロに", [SetTheme("mono")]),
    ("ナレーションなしで", [SetNarration(False)]),
    ("ナレーションを付けて", [SetNarration(True)]),
    ("ナレーションをゆっくりに", [SetSpeed(delta=-0.25)]),
    ("もっと速く話して", [SetSpeed(delta=0.25)]),
    ("もっとゆっくり", [SetSpeed(delta=-0.25)]),
    ("1.5倍速で読み上げて", [SetSpeed(speed=1.5)]),
    ("speak slower", [SetSpeed(delta=-0.25)]),
    ("シーン2を削除", [RemoveScene(2)]),
    ("シーン二を削除して", [RemoveScene(2)]),
    ("2番目のシーンを消して", [RemoveScene(2)]),
    ("remove scene 2", [RemoveScene(2)]),
    ("シーン3を最初に", [MoveScene(3, 1)]),
    ("シーン１を最後にして", [MoveScene(1, -1)]),
    ("シーン1を3番目に", [MoveScene(1, 3)]),
    ("move scene 3 to the start", [MoveScene(3, 1)]),
    ("シーン1とシーン2を入れ替えて", [SwapScenes(1, 2)]),
    ("swap scenes 1 and 2", [SwapScenes(1, 2)]),
    ("アップロードした写真を背景に使って", [UseMedia(("image",))]),
    ("動画を背景に使って", [UseMedia(("video",))]),
    ("アップロードした素材を背景にして", [UseMedia(("image", "video"))]),
    ("アップロードした音楽をBGMにして", [UseMedia(("audio",))]),
]

#: Found by sending ~145 messages a shop owner might type (docs/notes.md, 2026-11-29).
PHONE_PHRASES = [
    # Negated: only what is not negated is done.
    ("BGMは消さないで、音量だけ下げて", [SetVolume(delta=-15)]),
    ("BGMはそのままで字幕を大きく", [SetSubtitleSize("l")]),
    ("音楽は明るいままで字幕だけ大きく", [SetSubtitleSize("l")]),
    ("縦長じゃなくて横長に", [SetAspect("16:9")]),
    ("ナレーションなしで字幕はあり", [SetNarration(False), SetSubtitles(True)]),
    ("BGM少し小さめで字幕は消して", [SetVolume(delta=-15), SetSubtitles(False)]),
    ("BGMは入れないでください", [RemoveBgm()]),
    ("don't add music", [RemoveBgm()]),
    ("字幕いらないです", [SetSubtitles(False)]),
    # Chained without commas.
    ("BGMを消して字幕を大きく", [RemoveBgm(), SetSubtitleSize("l")]),
    (
        "turn the music down a bit and make the captions bigger",
        [SetVolume(delta=-15), SetSubtitleSize("l")],
    ),
    # Numbers.
    ("百二十秒で", [SetLength(seconds=120)]),
    ("1分30秒で", [SetLength(seconds=90)]),
    ("1分半くらいで", [SetLength(seconds=90)]),
    ("１５秒", [SetLength(seconds=15)]),
    ("30びょう", [SetLength(seconds=30)]),
    ("音量を10%下げて", [SetVolume(delta=-10)]),
    ("BGMを２０％小さく", [SetVolume(delta=-20)]),
    ("ナレーション10倍速", [SetSpeed(speed=10.0)]),
    # Length without naming the video.
    ("もっと短く", [SetLength(factor=0.75)]),
    ("もうすこしみじかく", [SetLength(factor=0.75)]),
    ("半分の長さ", [SetLength(factor=0.5)]),
    ("尺を半分に", [SetLength(factor=0.5)]),
    ("倍の長さにして", [SetLength(factor=2.0)]),
    ("20秒短くして", [SetLength(delta=-20)]),
    ("5秒だけ長くして", [SetLength(delta=5)]),
    ("make it 10 seconds shorter", [SetLength(delta=-10)]),
    ("動画を30秒から20秒に短くして", [SetLength(seconds=20)]),
    # Scenes by position.
    ("最初のシーンを最後に", [MoveScene(1, -1)]),
    ("最後のシーンを最初に持ってきて", [MoveScene(-1, 1)]),
    ("最後のシーンを消して", [RemoveScene(-1)]),
    ("３シーン目を消して", [RemoveScene(3)]),
    ("2番目と3番目のシーンを入れ替えて", [SwapScenes(2, 3)]),
    ("シーン3を一番後ろに", [MoveScene(3, -1)]),
    # Complaints.
    ("BGMうるさい", [SetVolume(delta=-15)]),
    ("BGM大きすぎ", [SetVolume(delta=-15)]),
    ("字幕でかすぎ", [SetSubtitleSize("s")]),
    ("字幕小さすぎる", [SetSubtitleSize("l")]),
    ("ナレーション速すぎ", [SetSpeed(delta=-0.25)]),
    ("もっとはやく", [SetSpeed(delta=0.25)]),
    # Other words for the captions.
    ("じまくおおきく", [SetSubtitleSize("l")]),
    ("文字を大きく", [SetSubtitleSize("l")]),
    ("make the text bigger", [SetSubtitleSize("l")]),
    ("ＢＧＭけして", [RemoveBgm()]),
    ("ティックトック用", [SetAspect("9:16")]),
]


@pytest.mark.parametrize(("message", "edits"), PHONE_PHRASES)
def test_phone_phrases(message: str, edits: list[object]) -> None:
    assert parse(message) == EditRequest(tuple(edits))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "message",
    [
        "字幕は消さないで",
        "ナレーションは消さないでください",
        "シーン2を消さないで",
        "BGMは変えないで",
        "字幕は小さくしないで",
        "BGMはそのままでお願いします",
        "字幕は消さないでね",
        "don't remove the subtitles",
    ],
)
def test_asking_to_keep_something_changes_nothing(message: str) -> None:
    assert parse(message) == Leave()


@pytest.mark.parametrize(
    "message", ["今何秒？", "今の長さは？", "BGMなに使ってる？", "what's the current length?"]
)
def test_questions_about_the_video_show_the_timeline(message: str) -> None:
    assert parse(message) == StatusRequest()


@pytest.mark.parametrize(
    "message",
    ["やっぱり元に戻して", "元に戻して", "さっきの変更を取り消して", "undo", "change it back"],
)
def test_undo(message: str) -> None:
    assert parse(message) == Undo()


@pytest.mark.parametrize(
    "message",
    ["ありがとうございます！", "ありがと〜助かります", "いい感じ！", "お疲れさまです", "thanks!"],
)
def test_thanks_is_not_an_unsupported_request(message: str) -> None:
    assert parse(message) == Thanks()


@pytest.mark.parametrize(
    "message",
    [
        "当店の看板は、長く愛されるクロワッサンです。ぜひお試しください。",
        "手書きの大きな文字のメニューが目印です。ぜひお越しください。",
        "半分のお値段でご提供します。ぜひどうぞ。",
    ],
)
def test_length_and_size_words_in_a_description_are_content(message: str) -> None:
    assert parse(message) == Generate(message)


#: Short descriptions that look like the new phrases (review, 2026-11-29): still scripts.
DESCRIPTIONS = [
    "ご予約の取り消しは前日まで無料です。お気軽にどうぞ。",
    "洗うだけで元通りのツヤが戻るシャンプー。駅前薬局で販売中です。",
    "電子レンジで3分、すぐに食べられるカレーです。",
    "森の中の静かな温泉宿です。リラックスしてゆっくりお過ごしいただけます。",
    "スマホで注文して早く受け取れる、便利なお弁当屋さんです。",
    "伸びた前髪もカットして短く、軽やかに仕上げます。",
    "文字が大きくて読みやすい、シニア向けスマホです。",
    "通常の2倍の長さのロングソーセージが新登場！",
    "いつもより10秒長く蒸らした、香り高い紅茶です。",
    "お疲れの体に温かいスープを。毎日11時から営業中。",
    "完璧な仕上がりのクリーニング。駅前店で受付中です。",
    "日頃の感謝を込めて、全品10%オフのセール開催中です。",
    "Great food, great people! Come visit us!",
    "素材の味をそのまま活かした無添加ジャムです。",
    "Keep warm this winter with our wool socks!",
    "髪の長さは問いません。カットは一律1000円です。",
    "音楽何でもOK！カラオケ歌い放題のお店です。",
]


@pytest.mark.parametrize("message", DESCRIPTIONS)
def test_descriptions_using_request_words_are_still_scripts(message: str) -> None:
    assert parse(message) == Generate(message)


@pytest.mark.parametrize(
    ("message", "edits"),
    [
        ("音量を20%まで下げて", [SetVolume(percent=20)]),
        ("声が聞こえにくいので音量を下げて", [SetVolume(delta=-15)]),
        ("BGMを消すんじゃなくて小さくして", [SetVolume(delta=-15)]),
        ("字幕を消すんじゃなくて小さくして", [SetSubtitleSize("s")]),
        ("BGMを消さずに音量を下げて", [SetVolume(delta=-15)]),
        ("3倍の長さにして", [SetLength(factor=3.0)]),
        ("元に戻して、字幕も大きく", [SetSubtitleSize("l")]),
    ],
)
def test_edit_requests_the_review_found(message: str, edits: list[object]) -> None:
    assert parse(message) == EditRequest(tuple(edits))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "message",
    [
        "ナレーションの音量を下げて",  # not the music's volume
        "字幕を黄色にして",  # not the whole theme
        "BGMの音量を半分に",  # not the video's length
        "かわいい感じ",  # a style, not praise
        "もう十分です",  # "enough", not ten minutes
        "背景を青っぽく",  # 背景 is too common in descriptions to mean the theme
    ],
)
def test_no_edit_nobody_asked_for(message: str) -> None:
    assert parse(message) == Help(apologize=True)


@pytest.mark.parametrize(("message", "edits"), EDIT_PHRASES)
def test_edit_phrases(message: str, edits: list[object]) -> None:
    intent = parse(message)
    assert intent == EditRequest(tuple(edits))  # type: ignore[arg-type]


def test_generate_request_without_script_uses_uploads() -> None:
    assert parse("日本語のテキストからプロモーション動画を作成してください") == Generate(None, ())


def test_generate_with_script_on_following_lines() -> None:
    intent = parse(
        "日本語のテキストからプロモーション動画を作成してください\nさくらカフェラテ、新登場。春限定です。"
    )
    assert intent == Generate("さくらカフェラテ、新登場。春限定です。", ())


def test_generate_with_script_after_colon_and_options() -> None:
    intent = parse("横長で動画を作って：さくらカフェラテ、新登場。春限定です。")
    assert intent == Generate("さくらカフェラテ、新登場。春限定です。", (SetAspect("16:9"),))


def test_ratio_colon_is_not_a_script_separator() -> None:
    assert parse("9:16で動画を作って") == Generate(None, (SetAspect("9:16"),))


def test_pasted_description_is_a_script() -> None:
    text = "さくらカフェラテが新登場。春だけの特別な味わいです。"
    assert parse(text) == Generate(text)


def test_long_description_mentioning_videos_is_a_script() -> None:
    text = (
        "当店ではオリジナル動画を制作しています。駅から徒歩3分、明るい店内でゆっくり"
        "お過ごしいただけます。ぜひ一度お越しください。"
    )
    assert parse(text) == Generate(text)


@pytest.mark.parametrize(
    "message", ["make a video", "generate my Japanese text prompts", "この原稿で作る", "動画を作る"]
)
def test_generate_phrases(message: str) -> None:
    assert isinstance(parse(message), Generate)


def test_other_intents() -> None:
    assert parse("縦横比を変える") == AskAspect()
    assert parse("書き出し") == ExportRequest()
    assert parse("タイムラインを見る") == StatusRequest()
    assert parse("クレジット残高") == CreditsRequest()
    assert parse("导出") == ExportRequest()
    assert parse("使い方") == Help(apologize=False)
    assert parse("空を飛ばして") == Help(apologize=True)
    assert parse("動画の雰囲気をもっとかっこよくしてほしいです。") == Help(apologize=True)


def test_script_words_do_not_become_edits() -> None:
    # A description mentioning bright shops and slow mornings is content, not a BGM or speed edit.
    assert parse_edits("「明るい店内でゆっくり」") == []


def test_several_edits_in_one_message_in_clause_order() -> None:
    edits = parse_edits("縦長にして、字幕を大きく、BGMを消して")
    assert edits == [SetAspect("9:16"), SetSubtitleSize("l"), RemoveBgm()]
