"""Preprocessing: skew recovered, upside-down pages turned, blank pages refused."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from ocr.errors import BlankPageError
from ocr.ingest import PageImage
from ocr.preprocess import prepare_page, write_prepared_image

from .render import rotated, ruled_page, save


def _page(tmp_path, image: Image.Image, dpi: int = 300) -> PageImage:
    path = save(image, tmp_path / "page.png", dpi)
    return PageImage(path, 1, path, dpi)


@pytest.mark.parametrize("degrees", [2.3, -4.6, 0.7])
def test_skew_of_a_ruled_page_is_recovered(tmp_path, degrees):
    prepared = prepare_page(_page(tmp_path, rotated(ruled_page(), degrees)))
    assert abs(prepared.skew_degrees - degrees) <= 0.3
    assert not prepared.rotated_180


@pytest.mark.parametrize("degrees", [1.8, -3.1])
def test_skew_of_text_without_frame_is_recovered(tmp_path, degrees):
    prepared = prepare_page(_page(tmp_path, rotated(ruled_page(dpi=200, frame=False), degrees), dpi=200))
    assert abs(prepared.skew_degrees - degrees) <= 0.3


def test_a_frame_with_a_shadow_grown_onto_it_is_not_trusted_for_the_skew_and_the_text_lines_give_it():
    """A dark blob touching the frame (a scanner shadow) makes its outline no longer a rectangle's, and on
    a heavy scan it turned the frame's rectangle by 1.7°: the text lines give the skew instead."""
    from PIL import ImageDraw

    from ocr.preprocess import estimate_skew, flatten, frame_skew, otsu

    page = ruled_page()
    ImageDraw.Draw(page).ellipse((2800, 1750, 3400, 2250), fill=40)  # over the frame's bottom-right corner
    binary = otsu(flatten(np.array(rotated(page, 2.4)), 300))
    assert frame_skew(binary) is None
    assert abs(estimate_skew(binary, 300) - 2.4) <= 0.3


def test_straightened_page_has_horizontal_rules(tmp_path):
    prepared = prepare_page(_page(tmp_path, rotated(ruled_page(), 3.0)))
    # A straight rule is a row that is almost all ink across the table width.
    row_ink = (prepared.binary > 0).mean(axis=1)
    assert (row_ink > 0.6).sum() >= 11


def test_upside_down_page_is_detected_and_turned(tmp_path):
    upright = ruled_page()
    prepared = prepare_page(_page(tmp_path, rotated(upright, 181.2)))
    assert prepared.rotated_180
    assert abs(prepared.skew_degrees - 1.2) <= 0.3
    # Turned back: the text block starts near the top as on the original page, not near the bottom.
    ink_rows = np.flatnonzero((prepared.binary > 0).mean(axis=1) > 0.01)
    assert ink_rows[0] < prepared.binary.shape[0] * 0.2

    straight = prepare_page(_page(tmp_path, upright))
    assert not straight.rotated_180


def test_blank_noisy_page_raises_naming_file_and_page(tmp_path):
    rng = np.random.default_rng(0)
    blank = np.clip(rng.normal(245, 4, size=(2480, 3508)), 0, 255).astype(np.uint8)
    path = save(Image.fromarray(blank), tmp_path / "06-blank.png")
    with pytest.raises(BlankPageError) as caught:
        prepare_page(PageImage(path, 3, path, 300))
    assert "06-blank.png" in str(caught.value) and "page 3" in str(caught.value)


def test_uneven_lighting_is_flattened(tmp_path):
    page = np.asarray(ruled_page(), dtype=np.float32)
    gradient = np.linspace(0.45, 1.0, page.shape[1], dtype=np.float32)[None, :]
    dark_left = Image.fromarray((page * gradient).astype(np.uint8))
    prepared = prepare_page(_page(tmp_path, dark_left))
    paper = prepared.gray[prepared.binary == 0]
    left, right = prepared.gray[:, :300], prepared.gray[:, -300:]
    assert np.median(left) >= 240 and np.median(right) >= 240
    assert paper.mean() > 235
    # The ink of the dark side is still ink after binarization, the paper there is not.
    assert (prepared.binary[:, :300] > 0).mean() < 0.05


def test_prepared_image_is_written_with_its_dpi(tmp_path):
    prepared = prepare_page(_page(tmp_path, ruled_page()))
    out = write_prepared_image(prepared, tmp_path / "prepared.png")
    with Image.open(out) as image:
        assert image.size == (prepared.gray.shape[1], prepared.gray.shape[0])
        assert round(image.info["dpi"][0]) == 300
