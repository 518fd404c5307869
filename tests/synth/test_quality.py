"""Scan quality: clean, mixed (page by page) and heavy (dark borders, show-through, faded ink, JPEG 30-45,
up to 5° skew); the old names clean/light/degraded keep working."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from synth import generate_book
from synth.scan import degrade, jpeg_quality


def make(tmp_path: Path, quality: str, *, pages: int = 1, name: str = "book", **kwargs):
    return generate_book(tmp_path / name, layout="form", pages=pages, seed=70, quality=quality, dpi=80,
                         image_format="png", style="classic", upside_down_pages=0, **kwargs)


def darkness(image: Image.Image) -> np.ndarray:
    return 1.0 - np.asarray(image.convert("L"), dtype=np.float32) / 255.0


def test_heavy_book_is_recorded_and_compressed_hard(tmp_path):
    files = make(tmp_path, "heavy", pages=2)
    assert files.book["quality"] == files.book["degradation"] == "heavy"
    assert files.book["page_quality"] == ["heavy", "heavy"]
    assert 30 <= files.book["jpeg_quality"] <= 45
    for quality in ("heavy",) * 20:
        assert 30 <= jpeg_quality(quality, np.random.default_rng(len(quality))) <= 45


def test_heavy_page_has_dark_scanner_borders(tmp_path):
    heavy = darkness(Image.open(make(tmp_path, "heavy", name="heavy").scans[0]))
    light = darkness(Image.open(make(tmp_path, "light", name="light").scans[0]))
    frame = lambda d: np.concatenate([d[:3].ravel(), d[-3:].ravel(), d[:, :3].ravel(), d[:, -3:].ravel()])  # noqa: E731
    assert frame(heavy).mean() > 0.5
    assert frame(light).mean() < 0.3


def _page_with_block(size=(400, 300), left=True) -> Image.Image:
    page = Image.new("RGB", size, "white")
    x0 = 20 if left else size[0] - 120
    ImageDraw.Draw(page).rectangle([x0, 100, x0 + 100, 200], fill="black")
    return page


def test_show_through_is_the_mirrored_other_side():
    from synth.scan import _show_through

    blank = np.ones((300, 400, 3), np.float32)
    seen = 1.0 - _show_through(blank, _page_with_block(left=True), np.random.default_rng(1)).mean(axis=2)
    # The back's block at the left shows through at the right, mirrored, faintly.
    assert 0.05 < seen[120:180, 300:360].mean() < 0.3
    assert seen[120:180, 40:100].max() < 0.01
    # And a heavy page scanned with a back differs from one without.
    page = Image.new("RGB", (400, 300), "white")
    with_back = degrade(page, "heavy", np.random.default_rng(1), back=_page_with_block())
    assert np.asarray(with_back).tobytes() != np.asarray(degrade(page, "heavy", np.random.default_rng(1))).tobytes()


def test_heavy_ink_is_faded():
    page = _page_with_block()
    heavy = darkness(degrade(page, "heavy", np.random.default_rng(2)))
    degraded = darkness(degrade(page, "degraded", np.random.default_rng(2)))
    assert heavy[130:170, 50:90].mean() < degraded[130:170, 50:90].mean() - 0.15


def test_mixed_book_mixes_page_qualities(tmp_path):
    files = make(tmp_path, "mixed", pages=8)
    assert files.book["quality"] == "mixed"
    assert len(set(files.book["page_quality"])) >= 2
    assert set(files.book["page_quality"]) <= {"clean", "light", "degraded"}


@pytest.mark.parametrize("degradation", ("clean", "light", "degraded"))
def test_old_degradation_names_still_work(degradation, tmp_path):
    files = generate_book(tmp_path, layout="table", pages=1, seed=71, degradation=degradation, dpi=80,
                          image_format="png", upside_down_pages=0)
    assert files.book["degradation"] == files.book["quality"] == degradation


def test_unknown_quality_is_refused(tmp_path):
    with pytest.raises(ValueError, match="quality"):
        make(tmp_path, "awful")
