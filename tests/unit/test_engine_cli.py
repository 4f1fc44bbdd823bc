"""The CLI's progress bar and error paths (no rendering)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from studio.engine import IngestError
from studio.engine.cli import ProgressBar, main, render_command


def test_progress_bar_logs_every_tenth_when_not_a_terminal() -> None:
    out = io.StringIO()
    bar = ProgressBar(out, width=10)
    for pct in (0, 3, 12, 38, 41, 41, 77, 100):
        bar(pct / 100)
    lines = out.getvalue().splitlines()
    assert [ln.split("|")[2].split("%")[0].strip() for ln in lines] == [
        "0",
        "12",
        "38",
        "41",
        "77",
        "100",
    ]
    assert lines[-1].count("█") == 10


def test_image_is_not_a_script(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (64, 64)).save(tmp_path / "a.png")
    with pytest.raises(IngestError) as err:
        render_command(tmp_path / "a.png", tmp_path / "o.mp4", "9:16")
    assert err.value.code == 4001


def test_main_reports_ingest_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.exe").write_bytes(b"MZ")
    assert main([str(tmp_path / "x.exe"), "--out", str(tmp_path / "o.mp4")]) == 2
    assert "対応" in capsys.readouterr().err
