"""A tiny demo bot for trying the chat page without the real bot (`python -m linesim demo-bot`).

It answers the way the real bot is meant to feel (see shared/docs/conversation.md), using only
the public Messaging API on linesim, and sends one message LINE would refuse on request
("エラー") so the page's red notes can be seen.
"""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response
from PIL import Image, ImageDraw

from linesim.signer import verify

QUICK = {"items": [
    {"type": "action", "action": {"type": "message", "label": "書き出し", "text": "書き出し"}},
    {"type": "action", "action": {"type": "message", "label": "使い方", "text": "使い方"}},
    {"type": "action", "action": {"type": "postback", "label": "BGMを変える",
                                  "data": "action=bgm", "displayText": "BGMを変える"}},
    {"type": "action", "action": {"type": "cameraRoll", "label": "写真を追加"}},
]}


def poster_png() -> bytes:
    """A 9:16 poster image (the real bot uses studio's poster_url)."""
    img = Image.new("RGB", (360, 640), (250, 200, 215))
    draw = ImageDraw.Draw(img)
    draw.rectangle((20, 250, 340, 390), fill=(255, 255, 255))
    draw.text((60, 305), "SAKURA CAFE LATTE", fill=(200, 60, 110))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def create_demo_app(linesim_url: str, secret: str, token: str, public_url: str) -> FastAPI:
    """The demo bot's app: POST /callback and GET /media/*."""
    app = FastAPI()
    auth = {"Authorization": f"Bearer {token}"}
    poster = poster_png()
    tasks: set[asyncio.Task[None]] = set()

    async def call(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> int:
        response = await client.post(f"{linesim_url}{path}", json=body, headers=auth)
        return response.status_code

    async def reply(client: httpx.AsyncClient, token_: str, *messages: dict[str, Any]) -> int:
        return await call(client, "/v2/bot/message/reply",
                          {"replyToken": token_, "messages": list(messages)})

    async def handle(event: dict[str, Any]) -> None:
        src = event.get("source", {})
        kind = event.get("type")
        token_ = event.get("replyToken", "")
        async with httpx.AsyncClient(timeout=10) as client:
            if kind == "follow":
                await reply(client, token_, {"type": "text", "quickReply": QUICK, "text":
                            "はじめまして！日本語の文章から、宣伝用のショート動画をお作りします🎬\n"
                            "商品やお店の紹介文を送ってください。"})
            elif kind == "postback":
                if "get" in event["postback"]["data"]:
                    await reply(client, token_, {
                        "type": "video", "originalContentUrl": f"{public_url}/media/demo.mp4",
                        "previewImageUrl": f"{public_url}/media/poster.png"},
                        {"type": "text", "text": "動画ができました✅"})
                else:
                    await reply(client, token_, {"type": "text", "text":
                                "BGMを「ローファイ（落ち着いた曲）」に変更しました。"})
            elif kind == "message":
                await on_message(client, event, src, token_)

    async def on_message(client: httpx.AsyncClient, event: dict[str, Any], src: dict[str, Any],
                         token_: str) -> None:
        message = event["message"]
        if src.get("type") != "user":
            mentioned = any(m.get("isSelf") for m in
                            (message.get("mention") or {}).get("mentionees", []))
            if not mentioned and "quotedMessageId" not in message:
                return  # in a group, act only when addressed
        if message["type"] in ("file", "image", "video", "audio"):
            size = await fetch_size(client, message["id"])
            name = message.get("fileName") or {"image": "写真", "video": "動画",
                                               "audio": "音声"}[message["type"]]
            await reply(client, token_, {"type": "text", "quickReply": QUICK,
                                         "text": f"「{name}」を受け取りました（{size:,}バイト）。"})
            return
        text = message.get("text", "")
        if src.get("type") == "user":
            await call(client, "/v2/bot/chat/loading/start",
                       {"chatId": src["userId"], "loadingSeconds": 5})
            await asyncio.sleep(1.5)
        if "エラー" in text:
            # LINE refuses this (text over 5,000 UTF-16 units); the token survives, so retry.
            await reply(client, token_, {"type": "text", "text": "あ" * 5001})
            await reply(client, token_, {"type": "text",
                                         "text": "長すぎるメッセージは送れませんでした。"})
        elif "書き出し" in text:
            await reply(client, token_, {
                "type": "template", "altText": "動画ができあがりました", "template": {
                    "type": "buttons",
                    "text": "動画ができあがりました。下のボタンを押すと受け取れます。",
                    "actions": [{"type": "postback", "label": "動画を受け取る",
                                 "data": "action=get", "displayText": "動画を受け取る"}]}})
        else:
            await reply(client, token_, {"type": "text", "quickReply": QUICK, "text":
                        "下書きができました。\n・タイトル「さくらカフェラテ、新登場」（0〜3秒）\n"
                        "・シーン5つ（合計32秒、ナレーション付き）\n"
                        "変更したい点があれば、そのまま送ってください。"})

    async def fetch_size(client: httpx.AsyncClient, message_id: str) -> int:
        url = f"{linesim_url}/v2/bot/message/{message_id}/content"
        for _ in range(30):
            response = await client.get(url, headers=auth)
            if response.status_code != 202:  # 202: LINE is still preparing the media
                return len(response.content)
            await asyncio.sleep(0.5)
        return 0

    @app.post("/callback")
    async def callback(request: Request) -> Response:
        raw = await request.body()
        if not verify(secret, raw, request.headers.get("x-line-signature", "")):
            return Response(status_code=400)
        for event in json.loads(raw).get("events", []):
            # Answer 200 at once (LINE's 2 s limit); work in the background.
            task = asyncio.create_task(handle(event))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        return Response(status_code=200)

    @app.get("/media/poster.png")
    async def poster_file() -> Response:
        return Response(poster, media_type="image/png")

    return app
