"""studio.app in process: contract answers, persistence across restarts, switches.

The engine is replaced by stand-ins (studio.testing, a fake renderer) so these run in
milliseconds; tests/integration/test_studio_api.py runs the real thing.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from studio.app import create_app
from studio.config import StudioConfig
from studio.renders import Cancelled
from studio.testing import SCRIPT, TOOLS

HEADERS = {
    "X-Skill-Source": "text-to-video-ai-japanese",
    "X-Skill-Version": "1.0.0",
    "X-Skill-Platform": "unknown",
}


def fake_runner(
    draft: dict[str, Any],
    media: Mapping[str, Path],
    out_dir: Path,
    progress: Callable[[float], None],
    stop: threading.Event,
) -> dict[str, Any]:
    out_dir.mkdir(parents=True, exist_ok=True)
    progress(0.5)
    (out_dir / "video.mp4").write_bytes(b"\x00" * 2048)
    (out_dir / "poster.jpg").write_bytes(b"\xff\xd8\xff")
    return {
        "video": str(out_dir / "video.mp4"),
        "poster": str(out_dir / "poster.jpg"),
        "duration_ms": draft["d"],
        "width": 1080,
        "height": 1920,
    }


def blocking_runner(
    draft: dict[str, Any],
    media: Mapping[str, Path],
    out_dir: Path,
    progress: Callable[[float], None],
    stop: threading.Event,
) -> dict[str, Any]:
    stop.wait(30)
    raise Cancelled


def make_client(tmp_path: Path, runner: Any = fake_runner, **kw: Any) -> TestClient:
    config = StudioConfig(
        data_dir=tmp_path, public_url="http://studio.test", ping_seconds=0.05, **kw
    )
    return TestClient(create_app(config, tools=TOOLS, runner=runner), base_url="http://studio.test")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path) as c:
        yield c


def token(c: TestClient, client_id: str = "client-1") -> dict[str, str]:
    r = c.post("/api/auth/anonymous-token", headers={"X-Client-Id": client_id})
    assert r.status_code == 200, r.text
    return {"Authorization": "Bearer " + r.json()["data"]["token"]}


def session(c: TestClient, auth: dict[str, str], language: str = "ja") -> str:
    r = c.post(
        "/api/tasks/me/with-session/nemo_agent",
        json={"task_name": "project", "language": language},
        headers=auth,
    )
    body = r.json()
    assert body["code"] == 0 and body["data"]["task_id"].startswith("task_")
    return str(body["data"]["session_id"])


def run(c: TestClient, auth: dict[str, str], sid: str, text: str) -> list[dict[str, Any]]:
    body = {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": sid,
        "new_message": {"parts": [{"text": text}]},
    }
    r = c.post("/run_sse", json=body, headers={**auth, "Accept": "text/event-stream"})
    assert r.headers["content-type"].startswith("text/event-stream"), r.text
    return [json.loads(line[6:]) for line in r.text.splitlines() if line.startswith("data: ")]


def state(c: TestClient, auth: dict[str, str], sid: str) -> dict[str, Any]:
    body = c.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=auth).json()
    assert body["code"] == 0, body
    return dict(body["data"]["state"])


def wait_render(c: TestClient, auth: dict[str, str], rid: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        data = c.get(f"/api/render/proxy/lambda/{rid}", headers=auth).json()["data"]
        if data["status"] in ("completed", "failed"):
            return dict(data)
        time.sleep(0.05)
    raise AssertionError("render did not finish")


def test_generate_then_state_then_credits(client: TestClient) -> None:
    auth = token(client)
    sid = session(client, auth)
    events = run(
        client, auth, sid, f"日本語のテキストからプロモーション動画を作成してください\n{SCRIPT}"
    )
    finals = [e for e in events if e.get("partial") is False and "text" in e["content"]["parts"][0]]
    partial = "".join(e["content"]["parts"][0]["text"] for e in events if e.get("partial") is True)
    assert len(finals) == 1 and finals[0]["content"]["parts"][0]["text"] == partial
    assert finals[0]["content"]["parts"][0]["text"].startswith("下書きができました。")
    st = state(client, auth, sid)
    assert [t["m"]["role"] for t in st["draft"]["t"]] == [
        "scene",
        "narration",
        "bgm",
        "title",
        "subtitle",
    ]
    assert st["canvas_config"] == {"aspect": "9:16", "width": 1080, "height": 1920}
    assert [g["kind"] for g in st["generated_media"]] == ["narration", "music"]
    credits = client.get("/api/credits/balance/simple", headers=auth).json()["data"]
    assert credits == {"available": 95, "frozen": 0, "total": 95}


def test_silent_edit_changes_state_without_text(client: TestClient) -> None:
    auth = token(client)
    sid = session(client, auth)
    run(client, auth, sid, SCRIPT)
    events = run(client, auth, sid, "BGMをもっと落ち着いた曲にして")
    assert not any("text" in p for e in events for p in e.get("content", {}).get("parts", []))
    bgm = [t for t in state(client, auth, sid)["draft"]["t"] if t["m"]["role"] == "bgm"]
    assert bgm[0]["sg"][0]["m"]["mood"] == "calm"


def test_errors_of_the_contract(client: TestClient) -> None:
    assert client.post("/api/auth/anonymous-token").status_code == 400
    auth = token(client)
    again = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "client-1"})
    assert again.status_code == 429
    bad = {"Authorization": "Bearer nope"}
    assert client.get("/api/credits/balance/simple", headers=bad).json()["code"] == 1001
    r = client.get("/api/state/nemo_agent/me/sess_nope/latest", headers=auth)
    assert (r.status_code, r.json()["code"]) == (200, 1002)
    sid = session(client, auth)
    client.post("/_studio/credits", json={"available": 0})
    body = {"session_id": sid, "new_message": {"parts": [{"text": "こんにちは"}]}}
    assert client.post("/run_sse", json=body, headers=auth).json()["code"] == 2001


def test_render_contract(client: TestClient) -> None:
    auth = token(client)
    sid = session(client, auth)
    run(client, auth, sid, SCRIPT)
    draft = state(client, auth, sid)["draft"]
    body = {"id": "render_1", "sessionId": sid, "draft": draft, "output": {"format": "mp4"}}
    r = client.post("/api/render/proxy/lambda", json=body, headers=auth)
    assert r.status_code == 402
    client.post("/_studio/render", json={"fail_times": 0, "seconds": 0.5})
    r = client.post("/api/render/proxy/lambda", json=body, headers={**auth, **HEADERS})
    assert r.json()["data"]["status"] in ("queued", "processing")
    # The same request again is the same job; another id for the session must wait its turn.
    assert (
        client.post("/api/render/proxy/lambda", json=body, headers={**auth, **HEADERS}).json()[
            "data"
        ]["id"]
        == "render_1"
    )
    other = client.post(
        "/api/render/proxy/lambda", json={**body, "id": "render_2"}, headers={**auth, **HEADERS}
    )
    assert other.status_code == 429
    done = wait_render(client, auth, "render_1")
    assert done["status"] == "completed" and done["progress"] == 100
    assert done["output"]["url"] == "http://studio.test/files/renders/render_1/video.mp4"
    assert done["output"]["poster_url"].endswith("/poster.jpg")
    assert client.get("/files/renders/render_1/video.mp4").content == b"\x00" * 2048
    assert client.get("/api/render/proxy/render_1/download").status_code == 200
    # Nothing to export: a clear refusal.
    empty = {**body, "id": "render_3", "draft": {"d": 0, "m": {}, "t": []}}
    assert (
        client.post("/api/render/proxy/lambda", json=empty, headers={**auth, **HEADERS}).status_code
        == 400
    )


def test_render_failure_switch(client: TestClient) -> None:
    auth = token(client)
    sid = session(client, auth)
    run(client, auth, sid, SCRIPT)
    draft = state(client, auth, sid)["draft"]
    client.post("/_studio/render", json={"fail_times": 1})
    body = {"id": "render_f", "sessionId": sid, "draft": draft}
    client.post("/api/render/proxy/lambda", json=body, headers={**auth, **HEADERS})
    failed = wait_render(client, auth, "render_f")
    assert failed["status"] == "failed" and failed["error"]
    client.post(
        "/api/render/proxy/lambda", json={**body, "id": "render_g"}, headers={**auth, **HEADERS}
    )
    assert wait_render(client, auth, "render_g")["status"] == "completed"


def test_faults_requests_log_and_reset(client: TestClient) -> None:
    auth = token(client)
    client.post("/_studio/faults", json={"endpoint": "credits", "code": 2001, "times": 1})
    client.post("/_studio/faults", json={"endpoint": "any", "http": 503, "times": 1})
    first = client.get("/api/credits/balance/simple", headers=auth)
    assert (first.status_code, first.json()["code"]) == (200, 2001)
    assert client.get("/api/credits/balance/simple", headers=auth).status_code == 503
    assert client.get("/api/credits/balance/simple", headers=auth).json()["code"] == 0
    log = client.get("/_studio/requests").json()
    assert log[0]["path"] == "/api/auth/anonymous-token"
    assert all(auth["Authorization"][7:] not in json.dumps(e) for e in log)
    assert log[-1]["headers"]["authorization"].startswith("Bearer ****")
    client.post("/_studio/reset")
    assert client.get("/_studio/requests").json() == []
    assert client.get("/api/credits/balance/simple", headers=auth).json()["code"] == 1001


def test_expire_and_drop_switches(client: TestClient) -> None:
    auth = token(client)
    sid = session(client, auth)
    client.post("/_studio/sessions/drop", json={"session_id": sid})
    assert client.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=auth).json()["code"] == 1002
    client.post("/_studio/tokens/expire", json={})
    assert client.get("/api/credits/balance/simple", headers=auth).json()["code"] == 1001
    # An expired token frees its client id for a new one.
    token(client)


def test_state_survives_restart_and_renders_resume(tmp_path: Path) -> None:
    with make_client(tmp_path, runner=blocking_runner) as c:
        auth = token(c)
        sid = session(c, auth)
        run(c, auth, sid, SCRIPT)
        draft = state(c, auth, sid)["draft"]
        body = {"id": "render_r", "sessionId": sid, "draft": draft}
        c.post("/api/render/proxy/lambda", json=body, headers={**auth, **HEADERS})
        deadline = time.monotonic() + 5
        while (
            c.get("/api/render/proxy/lambda/render_r", headers=auth).json()["data"]["status"]
            != "processing"
        ):
            assert time.monotonic() < deadline
            time.sleep(0.02)
    # studio stopped mid-render; a new one picks the job up again.
    with make_client(tmp_path) as c:
        assert state(c, auth, sid)["draft"] == draft
        assert wait_render(c, auth, "render_r")["status"] == "completed"
        assert c.get("/api/credits/balance/simple", headers=auth).json()["data"]["available"] == 95


def test_upload_text_file_then_generate(client: TestClient) -> None:
    auth = token(client)
    sid = session(client, auth)
    files = [("files", ("原稿.txt", SCRIPT.encode(), "text/plain"))]
    r = client.post(f"/api/upload-video/nemo_agent/me/{sid}", files=files, headers=auth).json()
    assert r["code"] == 0
    [info] = r["data"]["files"]
    assert info["kind"] == "text" and info["name"] == "原稿.txt" and info["chars"] == len(SCRIPT)
    assert state(client, auth, sid)["documents"][0]["text"] == SCRIPT
    events = run(client, auth, sid, "この原稿で作る")
    calls = [
        p["functionCall"] for e in events for p in e.get("content", {}).get("parts", [])
        if "functionCall" in p
    ]  # fmt: skip
    assert calls[0]["args"]["document"] == "原稿.txt"
    bad = [("files", ("setup.exe", b"MZ\x90\x00" * 10, "application/octet-stream"))]
    r = client.post(f"/api/upload-video/nemo_agent/me/{sid}", files=bad, headers=auth).json()
    assert r["code"] == 4001


def test_english_session(client: TestClient) -> None:
    auth = token(client)
    sid = session(client, auth, language="en")
    events = run(client, auth, sid, "空を飛ばして")
    final = [e for e in events if e.get("partial") is False][-1]
    assert final["content"]["parts"][0]["text"].startswith("Sorry, I can't do that yet.")
