"""Every sentence the bot says to a user, in Japanese and English.

Kept as data so wording is reviewed in one place and tests can check that no
message leaks technical words (token, session, JSON ...) or Markdown.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["ja", "en"]

ACCEPTED_FORMATS_JA = (
    "TXT・DOCX・PDF・SRT、画像（JPG・PNG・GIF・WEBP）、"
    "動画（MP4・MOV・AVI・WEBM・MKV）、音声（MP3・WAV・M4A・AAC）"
)
ACCEPTED_FORMATS_EN = (
    "TXT, DOCX, PDF, SRT; images (JPG, PNG, GIF, WEBP); "
    "videos (MP4, MOV, AVI, WEBM, MKV); audio (MP3, WAV, M4A, AAC)"
)

_CATALOG: dict[str, tuple[str, str]] = {
    "greeting": (
        "はじめまして！日本語の文章から、宣伝用のショート動画をお作りします🎬\n"
        "商品やお店の紹介文を送るか、テキストファイル（TXT・Word・PDF・SRT）を送ってください。\n"
        "写真や動画を一緒に送ると、背景に使います。",
        "Hello! I turn Japanese text into short promotional videos🎬\n"
        "Send me a product or shop description, or a text file (TXT, Word, PDF, SRT).\n"
        "Photos and clips you send become the backgrounds.",
    ),
    "help": (
        "使い方\n"
        "1. 紹介文を送るか、ファイル（TXT・Word・PDF・SRT）を送ります。\n"
        "2.「動画を作って」と送ると、下書きを作ります。\n"
        "3.「BGMを変えて」「タイトルを〇〇に」などで調整できます。\n"
        "4.「書き出し」で完成した動画をお送りします。\n"
        "「状態」でタイムライン、「残高」でクレジットを確認できます。",
        "How it works\n"
        "1. Send a description, or a file (TXT, Word, PDF, SRT).\n"
        '2. Say "make a video" and I will make a first version.\n'
        '3. Refine it: "change the music", "set the title to ...".\n'
        '4. Say "export" and I will send you the finished video.\n'
        '"status" shows the timeline, "credits" your balance.',
    ),
    "working_ack": (
        "承知しました。動画の構成を作っています…",
        "Got it. I'm working on your video…",
    ),
    "still_working": (
        "⏳ まだ作業中です。もう少しお待ちください。",
        "⏳ Still working. Thank you for waiting.",
    ),
    "run_done_no_change": (
        "作業が終わりました。「状態」で現在のタイムラインを確認できます。",
        'Done. Send "status" to see the current timeline.',
    ),
    "changes_intro": ("次のとおり変更しました。", "Here is what changed:"),
    "run_timeout": (
        "時間がかかりすぎたため、いったん作業の確認を止めました。"
        "「状態」で現在の内容を確認できます。",
        'This is taking too long, so I stopped waiting. Send "status" to see where things stand.',
    ),
    "run_interrupted": (
        "前回の作業の途中で接続が切れました。現在の内容をお知らせします。",
        "The previous request was interrupted. Here is where things stand.",
    ),
    "edit_hint": (
        "並べ替えや削除も、「シーン3を最初に」のようにメッセージで送ってください。",
        'To reorder or remove scenes, just say so, e.g. "move scene 3 to the start".',
    ),
    # credits and status
    "credits": (
        "クレジット残高：{available}（利用可能）／ 予約中 {frozen} ／ 合計 {total}",
        "Credits: {available} available / {frozen} reserved / {total} total",
    ),
    "status_empty": (
        "まだ動画の下書きがありません。紹介文を送って「動画を作って」と送ってください。",
        'There is no video yet. Send your text and say "make a video".',
    ),
    # export
    "export_started": (
        "動画を書き出しています（30秒ほどかかります）。できあがったらお送りします。",
        "Exporting your video (about 30 seconds). I'll send it when it's ready.",
    ),
    "export_started_collect": (
        "動画を書き出しています（30秒ほどかかります）。"
        "できあがったら、下の「動画を受け取る」を押してください。",
        'Exporting your video (about 30 seconds). When it\'s ready, tap "Get my video" below.',
    ),
    "export_already_running": (
        "いま書き出し中です。できあがったらお送りしますので、少しお待ちください。",
        "Your video is already being exported. I'll send it when it's ready.",
    ),
    "export_nothing": (
        "まだ書き出せる動画がありません。先に動画を作りましょう。",
        "There's nothing to export yet. Let's make the video first.",
    ),
    "export_ready": (
        "動画ができました✅ 保存はこちらから：{url}",
        "Your video is ready✅ Save it here: {url}",
    ),
    "export_task_page": (
        "ブラウザで続きを編集：{url}",
        "Keep editing in your browser: {url}",
    ),
    "export_failed": (
        "申し訳ありません、動画の書き出しに失敗しました。もう一度「書き出し」と送ってください。",
        'Sorry, the export failed. Please send "export" again.',
    ),
    "export_timeout": (
        "申し訳ありません、書き出しに時間がかかりすぎています。しばらくしてからもう一度お試しください。",
        "Sorry, the export is taking too long. Please try again later.",
    ),
    "collect_nothing": (
        "お渡しできるものはまだありません。できあがるまで少しお待ちください。",
        "Nothing is ready yet. Please wait a little longer.",
    ),
    "collect_pending": (
        "まだ作業中です。もう少ししてから、もう一度ボタンを押してください。",
        "Still working. Please tap the button again in a moment.",
    ),
    # uploads
    "upload_received_doc": (
        "「{name}」を受け取りました。この内容で動画を作りますか？",
        'I got "{name}". Shall I make a video from it?',
    ),
    "upload_received_image": (
        "写真を受け取りました。動画の背景に使います。",
        "Got your photo. I'll use it as a background.",
    ),
    "upload_received_video": (
        "動画を受け取りました。シーンの素材に使います。",
        "Got your clip. I'll use it in the scenes.",
    ),
    "upload_received_audio": (
        "音声を受け取りました。動画に使えます。",
        "Got your audio. It can be used in the video.",
    ),
    "upload_received_url": (
        "リンク先のファイルを受け取りました。",
        "I got the file from that link.",
    ),
    "upload_how": (
        "ファイルはこのトークにそのまま送ってください。\n対応形式：{formats}",
        "Just send the file in this chat.\nAccepted formats: {formats}",
    ),
    "upload_unsupported": (
        "申し訳ありません、このファイル形式には対応していません。\n対応形式：{formats}",
        "Sorry, that file type isn't supported.\nAccepted formats: {formats}",
    ),
    "upload_too_large": (
        "ファイルが大きすぎます（上限200MB）。動画を短くするか、圧縮してから送ってください。",
        "That file is too large (limit 200 MB). Please trim or compress it and send it again.",
    ),
    "upload_gone": (
        "ファイルを受け取れませんでした（送信が取り消されたか、期限が切れています）。"
        "もう一度送ってください。",
        "I couldn't get that file (it was unsent or has expired). Please send it again.",
    ),
    "upload_not_ready": (
        "ファイルの準備に時間がかかっています。少ししてからもう一度送ってください。",
        "That file is still being prepared. Please send it again in a moment.",
    ),
    "upload_external": (
        "LINEの外にあるファイルは受け取れません。ファイルを直接送ってください。",
        "I can't fetch files stored outside LINE. Please send the file directly.",
    ),
    # other message types
    "sticker": (
        "スタンプありがとうございます！動画にしたい文章を送ってくださいね。",
        "Thanks for the sticker! Send me the text you'd like to turn into a video.",
    ),
    "location": (
        "位置情報ありがとうございます。お店の紹介文を送っていただければ、動画にします。",
        "Thanks for the location. Send me a description of the place and I'll make a video.",
    ),
    "unsupported_message": (
        "この種類のメッセージには対応していません。文章かファイルを送ってください。",
        "I can't handle that kind of message. Please send text or a file.",
    ),
    # errors
    "err_out_of_credits_anon": (
        "無料クレジットを使い切りました。こちらから登録すると続けて使えます：{url}",
        "You've used all your free credits. Register here to keep going: {url}",
    ),
    "err_out_of_credits": (
        "クレジットが不足しています。こちらからチャージしてください：{url}",
        "You're out of credits. Top up here: {url}",
    ),
    "err_export_blocked": (
        "無料プランでは書き出しができません。登録すると書き出せるようになります：{url}",
        "Export isn't available on the free plan. Registering unlocks it: {url}",
    ),
    "err_backend_down": (
        "ただいま動画サーバーにつながりにくくなっています。少し時間をおいてもう一度お試しください。",
        "The video server is hard to reach right now. Please try again in a little while.",
    ),
    "err_busy": (
        "ただいま混み合っています。少し時間をおいてもう一度お試しください。",
        "It's busy right now. Please try again in a little while.",
    ),
    "err_no_free_start": (
        "ただいま新しい方の受付が混み合っています。しばらくしてからもう一度お試しください。",
        "Too many new users right now. Please try again later.",
    ),
    "err_service_config": (
        "申し訳ありません、ただいまサービスを利用できません。運営者に確認しています。",
        "Sorry, the service is unavailable right now. The operator has been notified.",
    ),
    "err_unexpected": (
        "申し訳ありません、うまく処理できませんでした。もう一度お試しください。",
        "Sorry, something went wrong. Please try again.",
    ),
    "err_fair_use": (
        "本日の利用上限（{limit}回）に達しました。明日またお試しください。",
        "You've reached today's limit ({limit} requests). Please try again tomorrow.",
    ),
    # quick-reply labels (at most 20 characters)
    "qr_make": ("動画を作る", "Make a video"),
    "qr_make_text": (
        "日本語のテキストからプロモーション動画を作成してください",
        "日本語のテキストからプロモーション動画を作成してください",
    ),
    "qr_help": ("使い方", "How it works"),
    "qr_credits": ("クレジット残高", "Credits"),
    "qr_credits_text": ("残高", "credits"),
    "qr_export": ("書き出し", "Export"),
    "qr_export_text": ("書き出し", "export"),
    "qr_timeline": ("タイムラインを見る", "Show timeline"),
    "qr_timeline_text": ("タイムライン", "status"),
    "qr_bgm": ("BGMを変える", "Change music"),
    "qr_bgm_text": ("BGMを落ち着いた曲に変えて", "Change the music to something calm"),
    "qr_aspect": ("縦横比を変える", "Change aspect"),
    "qr_aspect_text": ("横長（16:9）にして", "Make it 16:9"),
    "qr_use_doc": ("この原稿で作る", "Make it from this"),
    "qr_add_photo": ("写真も追加する", "Add photos"),
    "qr_collect": ("動画を受け取る", "Get my video"),
    "qr_collect_results": ("結果を受け取る", "Get results"),
}


def text(lang: Lang, key: str, **values: object) -> str:
    """The sentence `key` in `lang`, with `values` filled in."""
    ja, en = _CATALOG[key]
    template = en if lang == "en" else ja
    return template.format(**values) if values else template


def all_keys() -> list[str]:
    """All catalogue keys (for tests that check every sentence)."""
    return list(_CATALOG)


def accepted_formats(lang: Lang) -> str:
    """The accepted upload formats, as the user reads them."""
    return ACCEPTED_FORMATS_EN if lang == "en" else ACCEPTED_FORMATS_JA


def lang_of(code: str | None) -> Lang:
    """Map a LINE profile language (``en``, ``ja``, ``en-US`` ...) to ours; Japanese by default."""
    return "en" if code and code.lower().startswith("en") else "ja"
