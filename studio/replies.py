"""What the agent says, in Japanese (default) or English: short lines for a phone (pure)."""

from __future__ import annotations

from studio.drafts import (
    ASPECTS,
    Draft,
    aspect_of,
    find_track,
    meta,
    scene_segments,
    seg_duration,
    seg_end,
    seg_start,
    segments,
)
from studio.edits import THEMES, Change

__all__ = [
    "ask_aspect",
    "ask_text",
    "capabilities",
    "change_line",
    "leave",
    "needs_draft",
    "no_sentences",
    "nothing_to_undo",
    "thanks",
    "timeline_lines",
    "undone",
]

_ASPECT_JA = {"9:16": "縦長（9:16）", "16:9": "横長（16:9）", "1:1": "正方形（1:1）"}
_ASPECT_EN = {"9:16": "vertical (9:16)", "16:9": "landscape (16:9)", "1:1": "square (1:1)"}
_MOOD_EN = {"upbeat": "Upbeat pop", "calm": "Calm piano", "corporate": "Corporate", "lofi": "Lo-fi"}
_SIZE_JA = {"s": "小", "m": "中", "l": "大"}
_SIZE_EN = {"s": "small", "m": "medium", "l": "large"}
_THEME_EN = {
    "sakura": "Sakura",
    "ocean": "Ocean",
    "forest": "Forest",
    "sunset": "Sunset",
    "mono": "Monochrome",
    "night": "Night",
    "cafe": "Cafe",
    "fresh": "Fresh",
    "pop": "Pop",
    "corporate": "Corporate",
}


def _s(ms: int) -> int:
    return round(ms / 1000)


def _bgm_name(seg_meta: dict[str, object], lang: str) -> str:
    mood = str(seg_meta.get("mood") or "")
    if lang == "en":
        return _MOOD_EN.get(mood, str(seg_meta.get("name") or "BGM"))
    return str(seg_meta.get("name") or "BGM")


def timeline_lines(draft: Draft, lang: str) -> list[str]:
    """The draft as short lines: title, scenes, music, subtitles, aspect ratio."""
    en = lang == "en"
    lines: list[str] = []
    title = segments(find_track(draft, "title"))
    if title:
        seg = title[0]
        text = str(meta(seg).get("text") or "")
        a, b = _s(seg_start(seg)), _s(seg_end(seg))
        lines.append(
            f'- Title "{text}" ({a}-{b}s)' if en else f"・タイトル「{text}」（{a}〜{b}秒）"
        )
    scenes = scene_segments(draft)
    if scenes:
        total = _s(sum(seg_duration(s) for s in scenes))
        narrated = find_track(draft, "narration") is not None
        if en:
            extra = ", with narration" if narrated else ""
            lines.append(f"- {len(scenes)} scenes ({total}s total{extra})")
        else:
            extra = "、ナレーション付き" if narrated else ""
            lines.append(f"・シーン{len(scenes)}つ（合計{total}秒{extra}）")
        backgrounds = {meta(s).get("source") for s in scenes} - {None, ""}
        if backgrounds:
            n = len(backgrounds)
            lines.append(
                f"- Backgrounds: {n} of your uploads"
                if en
                else f"・背景：アップロードした素材{n}点"
            )
    for role in ("bgm", "audio"):
        segs = segments(find_track(draft, role))
        if segs:
            m = meta(segs[0])
            vol = m.get("volume", 35)
            name = _bgm_name(m, lang) if role == "bgm" else f"「{m.get('name')}」"
            if en:
                lines.append(f"- {'BGM' if role == 'bgm' else 'Music'}: {name} ({vol}% volume)")
            else:
                lines.append(f"・{'BGM' if role == 'bgm' else '音楽'}：{name}（音量{vol}%）")
    subtitle = find_track(draft, "subtitle")
    sub_meta = meta(draft).get("subtitles")
    size = str(sub_meta.get("size") or "m") if isinstance(sub_meta, dict) else "m"
    if en:
        lines.append(
            f"- Subtitles: {'on (' + _SIZE_EN.get(size, size) + ')' if subtitle else 'off'}"
        )
        lines.append(f"- Aspect ratio: {_ASPECT_EN[aspect_of(draft)]}")
    else:
        on = f"あり（大きさ：{_SIZE_JA.get(size, size)}）" if subtitle else "なし"
        lines.append(f"・字幕：{on}")
        lines.append(f"・縦横比：{_ASPECT_JA[aspect_of(draft)]}")
    return lines


def ask_text(lang: str) -> str:
    if lang == "en":
        return (
            "Please send the text for your video: paste a product or shop description, "
            "or upload a TXT, DOCX, PDF or SRT file."
        )
    return (
        "動画にする文章を送ってください。\n"
        "商品やお店の紹介文を貼り付けるか、テキストファイル（TXT・DOCX・PDF・SRT）をアップロードしてください。"
    )


def no_sentences(lang: str) -> str:
    if lang == "en":
        return "I could not find any sentences to narrate. Please send the text as sentences."
    return "動画にできる文章が見つかりませんでした。\n紹介文を文章の形で送ってください。"


def needs_draft(lang: str) -> str:
    if lang == "en":
        return "There is no draft yet. Send your text first and I will make a video from it."
    return "まだ下書きがありません。\n先に紹介文を送っていただければ、動画を作成します。"


def ask_aspect(lang: str) -> str:
    if lang == "en":
        return (
            "Which aspect ratio would you like: vertical (9:16), landscape (16:9) or square (1:1)?"
        )
    return "縦横比はどれにしますか？\n縦長（9:16）・横長（16:9）・正方形（1:1）から選んでください。"


_CAN_JA = (
    "・テキストや原稿ファイルから動画を作成",
    "・タイトルの変更（例：タイトルを「春の新作」に）",
    "・BGMの追加・変更・削除と音量（明るい・落ち着いた・コーポレート・ローファイ）",
    "・縦横比（縦長・横長・正方形）",
    "・動画の長さ（例：30秒にして）",
    "・字幕のオン・オフと大きさ",
    "・色のテーマ（さくら・オーシャン・フォレスト・サンセット・カフェ・ポップなど）",
    "・ナレーションのオン・オフと話す速さ",
    "・シーンの削除・並べ替え（例：シーン2を削除、シーン3を最初に）",
    "・アップロードした写真や動画を背景に使う",
    "・ひとつ前の状態に戻す（例：元に戻して）",
)
_CAN_EN = (
    "- make a video from your text or document",
    '- change the title (e.g. title to "Spring special")',
    "- add, change or remove BGM, and its volume (upbeat, calm, corporate, lo-fi)",
    "- aspect ratio (vertical, landscape, square)",
    "- target length (e.g. make it 30 seconds)",
    "- subtitles on/off and their size",
    "- colour theme (sakura, ocean, forest, sunset, cafe, pop, ...)",
    "- narration on/off and voice speed",
    "- remove or reorder scenes (e.g. remove scene 2, move scene 3 to the start)",
    "- use your uploaded photos or clips as backgrounds",
    '- go back to before the last change ("undo")',
)


def thanks(lang: str) -> str:
    """The answer to thanks and praise: nothing changes, say what can come next."""
    if lang == "en":
        return (
            "You're welcome! Tell me anything else you'd like to change, "
            'or send "export" to get the video.'
        )
    return (
        "どういたしまして！ほかに変えたいところがあれば、そのまま送ってください。"
        "「書き出し」で動画をお送りします。"
    )


def undone(lang: str) -> str:
    """The head of the answer to 「元に戻して」."""
    if lang == "en":
        return "Done: back to how it was before the last change."
    return "ひとつ前の状態に戻しました。"


def nothing_to_undo(lang: str) -> str:
    """「元に戻して」 with no earlier version."""
    if lang == "en":
        return "There is no earlier version to go back to."
    return "戻せる変更がありません。"


def leave(lang: str) -> str:
    """The answer to 「〜は変えないで」 on its own."""
    if lang == "en":
        return "All right, I'll leave it as it is."
    return "承知しました。そのままにしておきます。"


def capabilities(lang: str, apologize: bool) -> str:
    """What the agent can do; ``apologize`` when it was asked something else."""
    if lang == "en":
        head = "Sorry, I can't do that yet. " if apologize else ""
        return head + "Here is what I can do:\n" + "\n".join(_CAN_EN)
    head = "申し訳ありません、その操作にはまだ対応していません。\n" if apologize else ""
    return head + "できること：\n" + "\n".join(_CAN_JA)


def _aspect_name(aspect: object, lang: str) -> str:
    table = _ASPECT_EN if lang == "en" else _ASPECT_JA
    return table.get(str(aspect), str(aspect))


def change_line(change: Change, lang: str) -> str:
    """One line saying what an edit did, or why it could not."""
    d = change.detail
    en = lang == "en"
    if not change.ok:
        return _refusal(change, lang)
    match change.op:
        case "set_title":
            return (
                f'Changed the title to "{d["text"]}".'
                if en
                else f"タイトルを「{d['text']}」に変更しました。"
            )
        case "set_bgm":
            name = _MOOD_EN.get(d["mood"], d["name"]) if en else d["name"]
            if d["added"]:
                return (
                    f"Added BGM: {name} ({d['volume']}% volume)."
                    if en
                    else f"BGM「{name}」を追加しました（音量{d['volume']}%）。"
                )
            return (
                f"Changed the BGM to {name} (volume stays at {d['volume']}%)."
                if en
                else f"BGMを「{name}」に変更しました（音量{d['volume']}%）。"
            )
        case "remove_bgm":
            return "Removed the BGM." if en else "BGMを削除しました。"
        case "set_volume":
            return (
                f"Set the music volume to {d['volume']}%."
                if en
                else f"BGMの音量を{d['volume']}%にしました。"
            )
        case "set_aspect":
            name = _aspect_name(d["aspect"], lang)
            return (
                f"Changed the aspect ratio to {name}." if en else f"縦横比を{name}に変更しました。"
            )
        case "set_length":
            if en:
                line = f"Adjusted the video to about {d['total_s']}s (target {d['target_s']}s)."
                return line + (f" The voice now runs at {d['speed']}x." if d["sped_up"] else "")
            line = f"動画の長さを約{d['total_s']}秒に調整しました（目標{d['target_s']}秒）。"
            return line + (f"ナレーションを{d['speed']}倍速にしました。" if d["sped_up"] else "")
        case "set_subtitles":
            if en:
                return "Subtitles are on." if d["on"] else "Subtitles are off."
            return "字幕を表示するようにしました。" if d["on"] else "字幕を消しました。"
        case "set_subtitle_size":
            if en:
                return f"Subtitles are now {_SIZE_EN[d['size']]}."
            word = {"l": "大きく", "s": "小さく", "m": "標準の大きさに"}[d["size"]]
            return f"字幕を{word}しました。"
        case "set_theme":
            if en:
                return f"Changed the colour theme to {_THEME_EN[d['theme']]}."
            return f"色のテーマを「{THEMES[d['theme']]}」に変更しました。"
        case "set_narration":
            if en:
                return (
                    f"Narration is on ({d['total_s']}s total)."
                    if d["on"]
                    else "Removed the narration."
                )
            return (
                f"ナレーションを付けました（合計{d['total_s']}秒）。"
                if d["on"]
                else "ナレーションをなくしました。"
            )
        case "set_speed":
            if en:
                line = f"Voice speed is now {d['speed']}x"
                return line + (
                    f" ({d['total_s']}s total)." if d["narration"] else " (narration is off)."
                )
            line = f"ナレーションの速さを{d['speed']}倍にしました"
            return line + (
                f"（合計{d['total_s']}秒）。"
                if d["narration"]
                else "（ナレーションは今オフです）。"
            )
        case "remove_scene":
            if en:
                return f"Removed scene {d['index']} ({d['count']} scenes, {d['total_s']}s total)."
            rest = f"残り{d['count']}シーン、合計{d['total_s']}秒"
            return f"シーン{d['index']}を削除しました（{rest}）。"
        case "move_scene":
            if en:
                where = (
                    "the start"
                    if d["to"] == 1
                    else "the end"
                    if d["last"]
                    else f"position {d['to']}"
                )
                return f"Moved scene {d['index']} to {where}."
            where = "最初" if d["to"] == 1 else "最後" if d["last"] else f"{d['to']}番目"
            return f"シーン{d['index']}を{where}に移動しました。"
        case "swap_scenes":
            if en:
                return f"Swapped scenes {d['a']} and {d['b']}."
            return f"シーン{d['a']}とシーン{d['b']}を入れ替えました。"
        case "use_media":
            parts_en: list[str] = []
            parts_ja: list[str] = []
            if d["images"] or d["videos"]:
                parts_en.append(f"your uploads are now the backgrounds of {d['scenes']} scenes")
                parts_ja.append(
                    f"アップロードした素材（写真{d['images']}枚・動画{d['videos']}本）を"
                    f"{d['scenes']}シーンの背景にしました"
                )
            if d["music"]:
                parts_en.append(f'"{d["music"]}" is now the music')
                parts_ja.append(f"「{d['music']}」を音楽に使いました")
            if en:
                return "Done: " + "; ".join(parts_en) + "."
            return "、".join(parts_ja) + "。"
    return "Done." if en else "変更しました。"


def _refusal(change: Change, lang: str) -> str:
    d = change.detail
    en = lang == "en"
    match change.reason:
        case "no_scene":
            if en:
                return f"There is no scene {d['index']} (the video has {d['count']} scenes)."
            return f"シーン{d['index']}はありません（シーンは{d['count']}つです）。"
        case "last_scene":
            return "I can't remove the only scene." if en else "最後の1シーンは削除できません。"
        case "no_bgm":
            return "There is no BGM yet." if en else "BGMはまだありません。"
        case "no_media":
            if en:
                return "Nothing suitable has been uploaded yet. Send photos, clips or music first."
            return "使える素材がまだありません。先に写真・動画・音楽を送ってください。"
        case "length_range":
            if en:
                return f"The length must be between {d['min']} and {d['max']} seconds."
            return f"動画の長さは{d['min']}〜{d['max']}秒の間で指定してください。"
        case "empty":
            return "The title can't be empty." if en else "タイトルが空です。"
        case _:
            return "I couldn't make that change." if en else "その変更はできませんでした。"


def aspect_label(aspect: str, lang: str) -> str:
    return _aspect_name(aspect if aspect in ASPECTS else "9:16", lang)
