"""A dot below that the reading claims and the ink does not have is taken off; a real one stays."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.dots_below import without_unseen_dots
from ocr.engine import Word

FACES = ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"]


def _cell(text: str, face: str) -> np.ndarray:
    """A line of type as the readers see it: ink > 0 on a black page."""
    image = Image.new("L", (900, 120), 0)
    ImageDraw.Draw(image).text((20, 80), text, font=ImageFont.truetype(face, 44), fill=255, anchor="ls")
    return np.asarray(image)


def _swap(words: list[Word], read: dict[str, str]) -> list[Word]:
    return [Word(read.get(w.text, w.text), w.conf, w.bbox, w.line) for w in words]


@pytest.mark.parametrize("face", FACES)
def test_a_dot_below_the_ink_lacks_goes_and_a_real_one_stays(engine, face):
    clean = _cell("Đinh Thị Lụa", face)
    words = engine.recognize_words(255 - clean, 300, psm=7)
    assert [w.text for w in words][1:] == ["Thị", "Lụa"], [w.text for w in words]
    # What a language model prefers: the common word "Định" for the surname, a dot under "Lua" kept.
    claimed = _swap(words, {words[0].text: "Định"})
    assert [w.text for w in without_unseen_dots(clean, claimed)] == ["Đinh", "Thị", "Lụa"]


def test_words_with_a_descender_are_left_as_read(engine):
    clean = _cell("Nguyễn Quang", FACES[0])
    words = engine.recognize_words(255 - clean, 300, psm=7)
    claimed = _swap(words, {w.text: w.text.replace("a", "ạ") for w in words})
    assert without_unseen_dots(clean, claimed) == claimed


def test_a_dot_below_run_into_its_letter_on_a_heavy_scan_stays(engine):
    """Ink bleeds on a heavy scan: the dot under the i of "Thị" runs into its stem, and T and h run
    together, so neither a loose dot nor enough separate letters are left to see the line by. The i
    reaching under the line the word's other columns end on is the dot."""
    words = engine.recognize_words(255 - _cell("Đinh Thị Lụa", FACES[1]), 300, psm=7)
    thi = next(w for w in words if w.text == "Thị")
    x, y, w, h = thi.bbox

    def bled(dot_top: float) -> np.ndarray:
        clean = _cell("Đinh Thi Lụa", FACES[1]).copy()
        word = clean[y:y + int(1.45 * h), x:x + w]
        stem = [c for c in range(int(0.7 * w), w) if word[int(0.6 * h), c]]  # the i's, mid-height
        word[int(0.45 * h):int(0.5 * h), :min(stem) - 3] = 255  # T and h one piece
        word[int(dot_top * h):int(dot_top * h) + 5, min(stem):max(stem) + 1] = 255  # the dot, in the stem
        return clean

    assert [w.text for w in without_unseen_dots(bled(0.78), [thi])] == ["Thị"], "4 pixels under the line"
    assert [w.text for w in without_unseen_dots(bled(0.70), [thi])] == ["Thi"], "no ink under the line"
