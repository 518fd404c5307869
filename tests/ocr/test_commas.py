"""A comma the ink shows after a word, where the reading lacks it, is given back; no other ink makes one."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.commas import with_seen_commas
from ocr.engine import Word

FONTS = "/usr/share/fonts/truetype"
FACES = [f"{FONTS}/noto/NotoSans-Italic.ttf", f"{FONTS}/dejavu/DejaVuSerif.ttf", f"{FONTS}/dejavu/DejaVuSans.ttf"]


def _line(text: str, face: str) -> np.ndarray:
    """A line of writing as the readers see it: ink > 0 on a black page."""
    image = Image.new("L", (1100, 120), 0)
    ImageDraw.Draw(image).text((20, 80), text, font=ImageFont.truetype(face, 40), fill=255, anchor="ls")
    return np.asarray(image)


def _without_commas(words: list[Word]) -> list[Word]:
    """The engine's words as an engine that dropped every comma would give them."""
    return [Word(w.text.rstrip(","), w.conf, w.bbox, w.line) for w in words if w.text.rstrip(",")]


@pytest.mark.parametrize("face", FACES)
def test_a_dropped_comma_is_given_back_from_the_ink(engine, face):
    clean = _line("huyện Tân Lạc, tỉnh Hòa Bình", face)
    words = engine.recognize_words(255 - clean, 300, psm=7)
    given = [w.text for w in with_seen_commas(clean, _without_commas(words))]
    assert "tỉnh" in given and given[given.index("tỉnh") - 1].endswith(","), given
    assert sum(text.endswith(",") for text in given) == 1, given


@pytest.mark.parametrize("face", FACES)
def test_dots_below_periods_and_descenders_make_no_comma(engine, face):
    clean = _line("Trạm y tế xã Phù Linh tỉnh Long An. Thị", face)
    words = engine.recognize_words(255 - clean, 300, psm=7)
    assert not any(w.text.endswith(",") for w in with_seen_commas(clean, _without_commas(words)))


def test_the_next_words_first_letter_cut_by_its_box_makes_no_comma(engine):
    """A hand writes each word on a baseline of its own, and an italic L starts left of the box the engine
    gives its word: the window cut at that box holds the L's foot, lower than the word before, with a
    comma's place and size, but cut by the window's edge."""
    font = ImageFont.truetype(FACES[0], 40)
    image = Image.new("L", (700, 140), 0)
    draw = ImageDraw.Draw(image)
    draw.text((20, 80), "huyện tỉnh", font=font, fill=255, anchor="ls")
    right = int(draw.textlength("huyện tỉnh ", font=font)) + 20
    draw.text((right, 88), "Long An", font=font, fill=255, anchor="ls")  # written 8 px lower
    clean = np.asarray(image)
    words = engine.recognize_words(255 - clean, 300, psm=7)
    shifted = []
    for word in words:
        x, y, w, h = word.bbox
        if word.text.startswith("L"):
            x, w = x + h // 4, w - h // 4  # the box starts a little into the letter
        shifted.append(Word(word.text, word.conf, (x, y, w, h), word.line))
    assert any(w.text.startswith("L") for w in shifted), [w.text for w in words]
    assert not any(w.text.endswith(",") for w in with_seen_commas(clean, shifted))


@pytest.mark.parametrize("face", FACES[1:])  # upright: a slanting hand's comma may tuck under the tail
def test_a_comma_standing_clear_after_a_descender_is_given_back(engine, face):
    """Typed clear of a word's last g, p or y, a comma is the book's: "xã Phú Thượng, huyện"."""
    clean = _line("xã Phú Thượng, huyện Phú Vang", face)
    words = engine.recognize_words(255 - clean, 300, psm=7)
    given = [w.text for w in with_seen_commas(clean, _without_commas(words))]
    assert given[given.index("huyện") - 1].endswith(","), given


@pytest.mark.parametrize("face", FACES)
@pytest.mark.parametrize("word", ["Làng", "Thủy", "Hiệp"])
def test_a_descenders_tail_broken_off_makes_no_comma(engine, face, word):
    """A g, y or p whose stroke a worn scan broke just above the baseline leaves its tail a piece of its
    own, of a comma's size and place, but starting under the letter."""
    font = ImageFont.truetype(face, 40)
    image = Image.new("L", (700, 120), 0)
    draw = ImageDraw.Draw(image)
    draw.text((20, 80), f"Thôn {word} xã Tả Van", font=font, fill=255, anchor="ls")
    clean = np.asarray(image).copy()
    left = 20 + int(draw.textlength(f"Thôn {word[:-1]}", font=font))
    right = 20 + int(draw.textlength(f"Thôn {word}", font=font))
    clean[74:77, left:right] = 0  # a cut across the last letter just above the baseline
    words = engine.recognize_words(255 - clean, 300, psm=7)
    assert not any(w.text.endswith(",") for w in with_seen_commas(clean, _without_commas(words))), \
        [w.text for w in words]
