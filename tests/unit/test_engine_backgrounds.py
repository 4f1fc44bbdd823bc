"""Gradient plates: one picture per variant, whatever scene asks for it first."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.engine.backgrounds import PLATE_VARIANTS, gradient_plate, plate_size
from studio.engine.themes import theme_for


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDIO_ENGINE_CACHE", str(tmp_path))


def test_a_scene_past_the_last_variant_gets_the_same_picture_as_its_twin() -> None:
    theme = theme_for("ocean")
    late = gradient_plate(theme, 90, 160, PLATE_VARIANTS)  # drawn first, by scene 8
    picture = late.read_bytes()
    late.unlink()
    early = gradient_plate(theme, 90, 160, 0)
    assert early == late and early.read_bytes() == picture


def test_variants_differ_and_fill_the_plate() -> None:
    from PIL import Image

    theme = theme_for("sakura")
    paths = {gradient_plate(theme, 90, 160, v) for v in range(PLATE_VARIANTS)}
    assert len(paths) == PLATE_VARIANTS
    assert len({p.read_bytes() for p in paths}) == PLATE_VARIANTS
    with Image.open(next(iter(paths))) as im:
        assert im.size == plate_size(90, 160)
