"""Text images: a real CJK font, tight crops, readable contrast on any background."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio.engine.fonts import find_font, load_font
from studio.engine.placement import optical_shift
from studio.engine.textimage import draw_caption, draw_title


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDIO_ENGINE_CACHE", str(tmp_path_factory.getbasetemp() / "engine-cache"))


def luminance(rgb: np.ndarray) -> np.ndarray:
    c = rgb / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return np.asarray(lin @ np.array([0.2126, 0.7152, 0.0722]))


def test_os_cjk_font_is_found() -> None:
    face = find_font(bold=True)
    assert face is not None and Path(face.path).exists()
    font = load_font(60)
    # Real glyphs: kana and kanji have different shapes (not one .notdef box).
    assert len({font.getmask(ch).getbbox() for ch in "あ漢カ。"}) == 4


def test_caption_is_tight_and_readable_on_white_and_black() -> None:
    img = draw_caption(["春の新作ラテが、", "ついに登場！"], 60)
    assert img.path.exists() and img.height < 60 * 4.2 and img.width < 60 * 10
    with Image.open(img.path) as im:
        assert im.mode == "RGBA"
        rgba = np.asarray(im).astype(float)
    for bg in (255.0, 0.0):
        alpha = rgba[..., 3:] / 255
        over = rgba[..., :3] * alpha + bg * (1 - alpha)
        lum = luminance(over)
        text = lum[(rgba[..., :3].min(axis=2) > 250) & (rgba[..., 3] > 250)]
        box = lum[(rgba[..., :3].max(axis=2) < 40) & (rgba[..., 3] > 100)]
        ratio = (text.mean() + 0.05) / (box.mean() + 0.05)
        assert ratio > 4.5, (bg, ratio)  # WCAG AA for body text, even on white


def test_same_text_is_drawn_once() -> None:
    a = draw_caption(["キャッシュ"], 50)
    mtime = a.path.stat().st_mtime_ns
    b = draw_caption(["キャッシュ"], 50)
    assert a == b and b.path.stat().st_mtime_ns == mtime
    assert draw_caption(["キャッシュ"], 70).path != a.path


def test_title_uses_the_accent_colour() -> None:
    img = draw_title(["さくらラテ"], 90, (214, 51, 108))
    with Image.open(img.path) as im:
        px = np.asarray(im.convert("RGBA"))[img.height // 2, 30]
    assert abs(int(px[0]) - 214) < 4 and abs(int(px[1]) - 51) < 4


def test_optical_centring() -> None:
    assert optical_shift("登場しました。", 80) == 20
    assert optical_shift("「さくら」", 80) == 0  # both ends cancel
    assert optical_shift("春です", 80) == 0
