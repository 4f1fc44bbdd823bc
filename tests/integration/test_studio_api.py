"""studio as a real process (``python -m studio serve``) on a loopback port, real engine.

The contract flow (token → session → SSE generation → state → export → MP4 that ffprobe
reads) and every ``/_studio`` switch.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from linesim.testing import free_port

ROOT = Path(__file__).resolve().parents[2]
HEADERS = {
    "X-Skill-Source": "text-to-video-ai-japanese",
    "X-Skill-Version": "1.0.0",
    "X-Skill-Platform": "unknown",
}
GENERATE = "日本語のテキストからプロモーション動画を作成してください"
SCRIPT = "さくらカフェラテ、新登場。春限定の桜フレーバーです。"

pytestmark = pytest.mark.skipif(shutil.which("ffprobe") is None, reason="needs ffmpeg/ffprobe")


class Studio:
    """A ``python -m studio serve`` child process."""

    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir = data_dir
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = data_dir.parent / f"studio-{port}.log"

    def start(self) -> None:
        env = {**os.environ, "STUDIO_PING_SECONDS": "0.2"}
        cmd = [sys.executable, "-m", "studio", "serve", "--host", "127.0.0.1"]
        cmd += ["--port", str(self.port), "--data-dir", str(self.data_dir), "--anon-per-ip", "0"]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            assert self.proc.poll() is None, self.log.read_text()
            time.sleep(0.1)
        raise AssertionError("studio did not start:\n" + self.log.read_text())

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    server = Studio(tmp_path_factory.mktemp("studio") / "data", free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def api(studio: Studio) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=studio.url, timeout=30) as client:
        assert client.post("/_studio/reset").json() == {"ok": True}
        yield client


# -- helpers -------------------------------------------------------------------------------------


def new_token(api: httpx.Client, client_id: str = "client-1") -> dict[str, str]:
    r = api.post("/api/auth/anonymous-token", headers={"X-Client-Id": client_id})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["credits"] == 100
    return {"Authorization": f"Bearer {data['token']}"}


def new_session(api: httpx.Client, auth: dict[str, str]) -> str:
    r = api.post(
        "/api/tasks/me/with-session/nemo_agent",
        json={"task_name": "project", "language": "ja"},
        headers=auth,
    )
    return str(r.json()["data"]["session_id"])


def run_body(sid: str, text: str) -> dict[str, Any]:
    return {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": sid,
        "new_message": {"parts": [{"text": text}]},
    }


class Stream:
    """What one ``/run_sse`` answer carried."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.ids: list[str] = []
        self.pings = 0
        self.times: list[float] = []
        self.dropped = False

    @property
    def final_text(self) -> str | None:
        finals = [
            p["text"]
            for e in self.events
            if e.get("partial") is False
            for p in e.get("content", {}).get("parts", [])
            if "text" in p
        ]
        return finals[-1] if finals else None

    @property
    def partial_text(self) -> str:
        return "".join(
            p["text"]
            for e in self.events
            if e.get("partial") is True
            for p in e["content"]["parts"]
            if "text" in p
        )

    def calls(self) -> list[str]:
        return [
            p["functionCall"]["name"]
            for e in self.events
            for p in e.get("content", {}).get("parts", [])
            if "functionCall" in p
        ]


def run_sse(
    api: httpx.Client,
    auth: dict[str, str],
    sid: str,
    text: str,
    last_event_id: str | None = None,
) -> Stream:
    headers = {**auth, "Accept": "text/event-stream"}
    if last_event_id:
        headers["Last-Event-ID"] = last_event_id
    out = Stream()
    try:
        with api.stream("POST", "/run_sse", json=run_body(sid, text), headers=headers) as r:
            assert r.headers["content-type"].startswith("text/event-stream")
            for line in r.iter_lines():
                if line.startswith(": ping"):
                    out.pings += 1
                elif line.startswith("id: "):
                    out.ids.append(line[4:])
                elif line.startswith("data: "):
                    out.events.append(json.loads(line[6:]))
                    out.times.append(time.monotonic())
    except httpx.RemoteProtocolError:
        out.dropped = True
    return out


def get_state(api: httpx.Client, auth: dict[str, str], sid: str) -> dict[str, Any]:
    body = api.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=auth).json()
    assert body["code"] == 0, body
    return dict(body["data"])


def roles(state: dict[str, Any]) -> list[str]:
    return [t["m"]["role"] for t in state["state"]["draft"]["t"]]


def export(api: httpx.Client, auth: dict[str, str], sid: str, rid: str) -> httpx.Response:
    draft = get_state(api, auth, sid)["state"]["draft"]
    body = {
        "id": rid,
        "sessionId": sid,
        "draft": draft,
        "output": {"format": "mp4", "quality": "high"},
    }
    return api.post("/api/render/proxy/lambda", json=body, headers={**auth, **HEADERS})


def poll(
    api: httpx.Client, auth: dict[str, str], rid: str, seconds: float = 120
) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        data = api.get(f"/api/render/proxy/lambda/{rid}", headers=auth).json()["data"]
        seen.append(data)
        if data["status"] in ("completed", "failed"):
            return seen
        time.sleep(0.25)
    raise AssertionError(f"render {rid} still {seen[-1]}")


def ready_session(api: httpx.Client) -> tuple[dict[str, str], str]:
    auth = new_token(api)
    sid = new_session(api, auth)
    stream = run_sse(api, auth, sid, f"{GENERATE}\n{SCRIPT}")
    assert stream.final_text is not None
    return auth, sid


# -- the contract flow ---------------------------------------------------------------------------


def test_generate_edit_export_download(api: httpx.Client, tmp_path: Path) -> None:
    auth = new_token(api)
    sid = new_session(api, auth)
    stream = run_sse(api, auth, sid, f"{GENERATE}\n{SCRIPT}")
    assert stream.pings >= 1
    assert stream.calls() == ["generate_storyboard", "add_music_and_title"]
    assert stream.final_text == stream.partial_text
    assert stream.final_text is not None and stream.final_text.startswith("下書きができました。")
    assert "・BGM：明るいポップス（音量35%）" in stream.final_text
    assert all(e["author"] == "nemo_agent" for e in stream.events)
    assert stream.ids == [e["id"] for e in stream.events]
    state = get_state(api, auth, sid)
    assert roles(state) == ["scene", "narration", "bgm", "title", "subtitle"]
    assert state["state"]["canvas_config"]["aspect"] == "9:16"
    assert api.get("/api/credits/balance/simple", headers=auth).json()["data"] == {
        "available": 95,
        "frozen": 0,
        "total": 95,
    }

    edit = run_sse(api, auth, sid, "タイトルを「春の新作」に")
    assert edit.final_text == "タイトルを「春の新作」に変更しました。"
    draft = get_state(api, auth, sid)["state"]["draft"]
    assert draft["t"][3]["sg"][0]["m"]["text"] == "春の新作"

    body = {"id": "render_1", "sessionId": sid, "draft": draft, "output": {"format": "mp4"}}
    for missing in HEADERS:
        partial = {k: v for k, v in HEADERS.items() if k != missing}
        r = api.post("/api/render/proxy/lambda", json=body, headers={**auth, **partial})
        assert r.status_code == 402
    r = export(api, auth, sid, "render_1")
    assert r.json()["data"]["status"] in ("queued", "processing")
    seen = poll(api, auth, "render_1")
    done = seen[-1]
    assert done["status"] == "completed", done
    output = done["output"]
    assert output["url"].startswith(api.base_url.__str__().rstrip("/") + "/files/")
    video = tmp_path / "out.mp4"
    video.write_bytes(httpx.get(output["url"]).content)
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_type,width,height",
         "-of", "json", str(video)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    streams = json.loads(probe.stdout)["streams"]
    assert {s["codec_type"] for s in streams} == {"video", "audio"}
    assert [(s["width"], s["height"]) for s in streams if s["codec_type"] == "video"] == [
        (1080, 1920)
    ]
    poster = httpx.get(output["poster_url"])
    assert poster.content[:3] == b"\xff\xd8\xff" and len(poster.content) < 1_000_000
    ranged = httpx.get(output["url"], headers={"Range": "bytes=0-99"})
    assert ranged.status_code == 206 and len(ranged.content) == 100
    fallback = api.get("/api/render/proxy/render_1/download")
    assert fallback.status_code == 200 and fallback.content == video.read_bytes()


def test_undo_goes_back_one_change_at_a_time(api: httpx.Client) -> None:
    auth, sid = ready_session(api)
    title = get_state(api, auth, sid)["state"]["draft"]["t"][3]["sg"][0]["m"]["text"]
    run_sse(api, auth, sid, "タイトルを「春の新作」に")
    run_sse(api, auth, sid, "横長にして")
    assert get_state(api, auth, sid)["state"]["canvas_config"]["aspect"] == "16:9"
    back = run_sse(api, auth, sid, "やっぱり元に戻して")
    assert back.calls() == ["undo"]
    assert back.final_text is not None and back.final_text.startswith(
        "ひとつ前の状態に戻しました。"
    )
    state = get_state(api, auth, sid)["state"]
    assert state["canvas_config"]["aspect"] == "9:16"
    assert state["draft"]["t"][3]["sg"][0]["m"]["text"] == "春の新作"
    run_sse(api, auth, sid, "元に戻して")
    assert get_state(api, auth, sid)["state"]["draft"]["t"][3]["sg"][0]["m"]["text"] == title
    last = run_sse(api, auth, sid, "元に戻して")  # the storyboard itself is kept
    assert last.final_text == "戻せる変更がありません。"
    assert roles(get_state(api, auth, sid)) == ["scene", "narration", "bgm", "title", "subtitle"]


def test_upload_by_url_and_multipart(api: httpx.Client, tmp_path: Path) -> None:
    (tmp_path / "原稿.txt").write_text(SCRIPT, encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        auth = new_token(api)
        sid = new_session(api, auth)
        url = f"http://127.0.0.1:{server.server_address[1]}/%E5%8E%9F%E7%A8%BF.txt"
        r = api.post(
            f"/api/upload-video/nemo_agent/me/{sid}",
            json={"urls": [url], "source_type": "url"},
            headers=auth,
        ).json()
        assert r["code"] == 0 and r["data"]["files"][0]["name"] == "原稿.txt"
    finally:
        server.shutdown()
    png = subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=red:s=64x64", "-frames:v", "1",
         "-f", "image2pipe", "-vcodec", "png", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    files = [("files", ("shop.png", png, "image/png")), ("files", ("a.txt", b"x", "text/plain"))]
    r = api.post(f"/api/upload-video/nemo_agent/me/{sid}", files=files, headers=auth).json()
    assert r["code"] == 0 and [f["kind"] for f in r["data"]["files"]] == ["image", "text"]
    state = get_state(api, auth, sid)["state"]
    [photo] = state["video_infos"]
    assert (photo["kind"], photo["width"], photo["height"]) == ("image", 64, 64)
    assert httpx.get(photo["url"]).content == png
    stream = run_sse(api, auth, sid, "日本語のテキストからプロモーション動画を作成してください")
    assert stream.final_text is not None
    scenes = get_state(api, auth, sid)["state"]["draft"]["t"][0]["sg"]
    assert {s["m"]["source"] for s in scenes} == {photo["id"]}
    exe = [("files", ("setup.exe", b"MZ" + b"\0" * 64, "application/octet-stream"))]
    r = api.post(f"/api/upload-video/nemo_agent/me/{sid}", files=exe, headers=auth).json()
    assert r["code"] == 4001


def test_contract_errors(api: httpx.Client) -> None:
    assert api.post("/api/auth/anonymous-token").status_code == 400
    auth = new_token(api, "same")
    assert api.post("/api/auth/anonymous-token", headers={"X-Client-Id": "same"}).status_code == 429
    bad = {"Authorization": "Bearer nmv_usr_unknown"}
    assert api.get("/api/credits/balance/simple", headers=bad).json()["code"] == 1001
    r = api.post("/run_sse", json=run_body("sess_nope", "hi"), headers=auth)
    assert r.json()["code"] == 1002


# -- the switches --------------------------------------------------------------------------------

FAULT_CALLS = {
    "token": ("POST", "/api/auth/anonymous-token"),
    "session": ("POST", "/api/tasks/me/with-session/nemo_agent"),
    "run_sse": ("POST", "/run_sse"),
    "upload": ("POST", "/api/upload-video/nemo_agent/me/SID"),
    "credits": ("GET", "/api/credits/balance/simple"),
    "state": ("GET", "/api/state/nemo_agent/me/SID/latest"),
    "render": ("POST", "/api/render/proxy/lambda"),
    "render_poll": ("GET", "/api/render/proxy/lambda/render_x"),
}


@pytest.mark.parametrize("endpoint", sorted(FAULT_CALLS))
def test_fault_switch_per_endpoint(api: httpx.Client, endpoint: str) -> None:
    auth = new_token(api)
    sid = new_session(api, auth)
    method, path = FAULT_CALLS[endpoint]
    path = path.replace("SID", sid)
    headers = {**auth, **HEADERS, "X-Client-Id": "other"}
    api.post("/_studio/faults", json={"endpoint": endpoint, "code": 2001, "times": 1})
    api.post("/_studio/faults", json={"endpoint": endpoint, "http": 503, "times": 1})
    first = api.request(method, path, headers=headers, json=run_body(sid, "hi"))
    assert (first.status_code, first.json()["code"]) == (200, 2001)
    second = api.request(method, path, headers=headers, json=run_body(sid, "hi"))
    assert second.status_code == 503
    third = api.request(method, path, headers=headers, json=run_body(sid, "hi"))
    assert third.status_code != 503  # both faults are used up
    if third.headers["content-type"].startswith("application/json"):
        assert third.json()["code"] != 2001


@pytest.mark.parametrize("code", [1001, 1002, 4001, 4002])
def test_fault_codes_with_http_status(api: httpx.Client, code: int) -> None:
    auth = new_token(api)
    api.post("/_studio/faults", json={"endpoint": "any", "code": code, "http": 429})
    r = api.get("/api/credits/balance/simple", headers=auth)
    assert (r.status_code, r.json()["code"]) == (429, code)
    after = api.get("/api/credits/balance/simple", headers=auth).json()["code"]
    # An injected 1001 means what the real one does: that token is dead from now on.
    assert after == (1001 if code == 1001 else 0)


def test_injected_1001_lets_the_client_get_a_new_token(api: httpx.Client) -> None:
    old = new_token(api, "renewing-client")
    api.post("/_studio/faults", json={"endpoint": "credits", "code": 1001})
    assert api.get("/api/credits/balance/simple", headers=old).json()["code"] == 1001
    fresh = new_token(api, "renewing-client")  # allowed: the earlier one is invalidated
    assert fresh != old
    assert api.get("/api/credits/balance/simple", headers=fresh).json()["code"] == 0


def test_sse_silent(api: httpx.Client) -> None:
    auth, sid = ready_session(api)
    before = get_state(api, auth, sid)
    api.post("/_studio/sse", json={"mode": "silent"})
    stream = run_sse(api, auth, sid, "タイトルを「静かな変更」に")
    assert stream.final_text is None and stream.calls() == ["edit_timeline"]
    after = get_state(api, auth, sid)
    assert after["version"] == before["version"] + 1
    assert after["state"]["draft"]["t"][3]["sg"][0]["m"]["text"] == "静かな変更"


def test_sse_heartbeats(api: httpx.Client) -> None:
    auth, sid = ready_session(api)
    api.post("/_studio/sse", json={"mode": "heartbeats", "seconds": 1.2})
    started = time.monotonic()
    stream = run_sse(api, auth, sid, "字幕を大きく")
    assert stream.pings >= 4  # one at once, then every 0.2 s
    assert stream.times[0] - started >= 1.1
    assert stream.final_text == "字幕を大きくしました。"


def test_sse_slow(api: httpx.Client) -> None:
    auth, sid = ready_session(api)
    api.post("/_studio/sse", json={"mode": "slow", "seconds": 0.3})
    stream = run_sse(api, auth, sid, "字幕を大きく")
    gaps = [b - a for a, b in zip(stream.times, stream.times[1:], strict=False)]
    assert gaps and min(gaps) >= 0.25
    assert stream.final_text == "字幕を大きくしました。"


def test_sse_drop_then_resume_with_last_event_id(api: httpx.Client) -> None:
    auth, sid = ready_session(api)
    api.post("/_studio/sse", json={"mode": "drop"})
    stream = run_sse(api, auth, sid, "タイトルを「途中で切断」に")
    assert stream.dropped and stream.final_text is None
    assert stream.partial_text  # the first text arrived before the cut
    time.sleep(0.5)
    # The work went on: the draft changed and nothing was charged twice.
    state = get_state(api, auth, sid)
    assert state["state"]["draft"]["t"][3]["sg"][0]["m"]["text"] == "途中で切断"
    rest = run_sse(api, auth, sid, "タイトルを「途中で切断」に", last_event_id=stream.ids[-1])
    assert rest.final_text == "タイトルを「途中で切断」に変更しました。"
    assert rest.calls() == []
    balance = api.get("/api/credits/balance/simple", headers=auth).json()["data"]
    assert balance["available"] == 100 - 5 - 1


def test_sse_error_refunds(api: httpx.Client) -> None:
    auth, sid = ready_session(api)
    api.post("/_studio/sse", json={"mode": "error"})
    stream = run_sse(api, auth, sid, "字幕を大きく")
    assert [e["error"] for e in stream.events if "error" in e]
    assert stream.final_text is None
    assert api.get("/api/credits/balance/simple", headers=auth).json()["data"]["available"] == 95


def test_render_switch_fail_and_hold(api: httpx.Client) -> None:
    auth, sid = ready_session(api)
    api.post("/_studio/render", json={"fail_times": 1, "seconds": 1.5})
    export(api, auth, sid, "render_fail")
    seen = poll(api, auth, "render_fail")
    assert seen[-1]["status"] == "failed" and seen[-1]["error"]
    assert any(s["status"] == "processing" for s in seen)
    api.post("/_studio/render", json={"fail_times": 0, "seconds": 2})
    export(api, auth, sid, "render_ok")
    assert export(api, auth, sid, "render_other").status_code == 429  # one at a time
    seen = poll(api, auth, "render_ok")
    assert seen[-1]["status"] == "completed"
    progress = [s["progress"] for s in seen if s["status"] == "processing"]
    assert progress == sorted(progress) and any(0 < p < 100 for p in progress)


def test_tokens_expire_sessions_drop_credits(api: httpx.Client) -> None:
    auth, sid = ready_session(api)
    token = auth["Authorization"][7:]
    r = api.post("/_studio/credits", json={"token": token, "available": 0}).json()
    assert r["balances"][token] == {"available": 0, "frozen": 0, "total": 0}
    r = api.post("/run_sse", json=run_body(sid, "字幕を大きく"), headers=auth)
    assert r.json()["code"] == 2001
    api.post("/_studio/sessions/drop", json={"session_id": sid})
    assert api.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=auth).json()["code"] == 1002
    api.post("/_studio/tokens/expire", json={"token": token})
    assert api.get("/api/credits/balance/simple", headers=auth).json()["code"] == 1001
    assert new_token(api)  # the expired token's client id may ask again


def test_requests_log_and_reset(api: httpx.Client) -> None:
    auth = new_token(api)
    new_session(api, auth)
    log = api.get("/_studio/requests").json()
    assert [(e["method"], e["path"]) for e in log] == [
        ("POST", "/api/auth/anonymous-token"),
        ("POST", "/api/tasks/me/with-session/nemo_agent"),
    ]
    assert log[1]["json"] == {"task_name": "project", "language": "ja"}
    assert log[1]["headers"]["authorization"].startswith("Bearer ****")
    assert auth["Authorization"][7:] not in json.dumps(log)
    api.post("/_studio/reset")
    assert api.get("/_studio/requests").json() == []
    assert api.get("/api/credits/balance/simple", headers=auth).json()["code"] == 1001


def test_restart_keeps_state_and_restarts_render(tmp_path: Path) -> None:
    server = Studio(tmp_path / "data", free_port())
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as api:
            auth, sid = ready_session(api)
            api.post("/_studio/render", json={"seconds": 30})
            export(api, auth, sid, "render_restart")
            poll_until = time.monotonic() + 10
            while (
                api.get("/api/render/proxy/lambda/render_restart", headers=auth).json()["data"][
                    "status"
                ]
                != "processing"
            ):
                assert time.monotonic() < poll_until
                time.sleep(0.1)
            draft = get_state(api, auth, sid)["state"]["draft"]
        server.stop()
        server.start()
        with httpx.Client(base_url=server.url, timeout=30) as api:
            assert get_state(api, auth, sid)["state"]["draft"] == draft
            assert poll(api, auth, "render_restart")[-1]["status"] == "completed"
    finally:
        server.stop()
