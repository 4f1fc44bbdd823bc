"""A real browser on linesim's chat page: a Japanese prompt in, a playable video out.

Playwright drives Debian's Chromium (installed through apt, started by its path: no
browser download). Screenshots are saved under tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from harness import Bot

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
# Flags from the machine notes: no background networking (the network is closed).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCRIPT = (
    "春の新作「さくらラテ」が登場しました。"
    "北海道産のミルクに、桜の花びらの香りをそっと重ねました。"
    "ほんのり甘く、やさしい味わいです。"
    "4月末までの期間限定でお待ちしています。"
)
PROMPT = f"{SCRIPT}\nこの文章から日本語のプロモーション動画を作成してください"


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_chat_page_produces_a_playable_video(studio_bot: Bot) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844}, locale="ja-JP")
            page.goto(f"{studio_bot.sim_url}/")
            page.fill("#text", PROMPT)
            page.click("#send")
            # The backend's answer describes the storyboard in Japanese.
            page.wait_for_selector(".row.bot .bubble:has-text('タイトル')", timeout=90_000)
            page.screenshot(path=str(ARTIFACTS / "chat-1-draft.png"), full_page=True)
            page.fill("#text", "書き出し")
            page.click("#send")
            video = page.wait_for_selector(".row.bot video", timeout=240_000)
            assert video is not None
            src = video.get_attribute("src") or ""
            poster = video.get_attribute("poster") or ""
            assert src.endswith(".mp4") and poster
            duration = page.evaluate(
                """v => new Promise(done => {
                    v.preload = 'metadata';
                    v.onloadedmetadata = () => done(v.duration);
                    v.onerror = () => done(-1);
                    v.load();
                })""",
                video,
            )
            video.scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "chat-2-video.png"), full_page=True)
            texts = page.locator(".row.bot .bubble").all_inner_texts()
        finally:
            browser.close()
    assert duration > 1, "the browser could not load the video's metadata"
    assert any("動画ができました" in t for t in texts)
    mp4 = ARTIFACTS / "chat-video.mp4"
    mp4.write_bytes(httpx.get(src, timeout=60).content)
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height",
         "-show_entries", "format=duration", "-of", "json", str(mp4)],
        capture_output=True, text=True, check=True,
    )
    info = json.loads(probe.stdout)
    codecs = {s["codec_name"] for s in info["streams"]}
    assert {"h264", "aac"} <= codecs
    assert float(info["format"]["duration"]) > 1
