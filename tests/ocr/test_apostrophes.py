"""The apostrophe of a one-letter prefix (H'Bia) that the reading dropped is given back from the ink; no
other ink between a letter and the word after makes one."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.apostrophes import with_seen_apostrophes
from ocr.engine import Word

FONTS = "/usr/share/fonts/truetype"
FACES = [f"{FONTS}/noto/NotoSerif-Regular.ttf", f"{FONTS}/noto/NotoSans-Italic.ttf",
         f"{FONTS}/dejavu/DejaVuSans.ttf"]


def _written(parts: list[str], face: str, box_from: int = 0) -> tuple[np.ndarray, list[Word]]:
    """``parts`` written one after the other (ink > 0 on black) and the words an engine that read each part
    but the apostrophes would give: a part holding "'" is a mark read as nothing. ``box_from``: the word
    after a dropped apostrophe gets a box starting that many pixels before its first letter, as the
    engine's box may start at the mark."""
    font = ImageFont.truetype(face, 40)
    image = Image.new("L", (900, 120), 0)
    draw = ImageDraw.Draw(image)
    x, words = 20, []
    for part in parts:
        draw.text((x, 80), part, font=font, fill=255, anchor="ls")
        left, top, right, bottom = draw.textbbox((x, 80), part, font=font, anchor="ls")
        if part.strip() and part != "'":
            words.append(Word(part.strip(), 0.9, (left, top, right - left, bottom - top), (1, 1, 1)))
        x += int(draw.textlength(part, font=font))
    if box_from:
        words = [Word(w.text, w.conf, (w.bbox[0] - box_from, w.bbox[1], w.bbox[2] + box_from, w.bbox[3]), w.line)
                 if i and parts[parts.index(w.text) - 1] == "'" else w for i, w in enumerate(words)]
    return np.asarray(image), words


@pytest.mark.parametrize("face", FACES)
@pytest.mark.parametrize("box_from", [0, 8])
def test_a_dropped_apostrophe_after_a_one_letter_prefix_is_given_back(face, box_from):
    clean, words = _written(["H", "'", "Điêu", " ", "Niê"], face, box_from)
    assert [w.text for w in with_seen_apostrophes(clean, words)] == ["H'Điêu", "Niê"]
    clean, words = _written(["Ea", " ", "H", "'", "Leo"], face, box_from)
    assert [w.text for w in with_seen_apostrophes(clean, words)] == ["Ea", "H'Leo"]


@pytest.mark.parametrize("face", FACES)
def test_no_apostrophe_comes_from_a_space_a_mark_or_a_longer_word(face):
    for parts in (["Y", " ", "Bhin", " ", "Hwing"], ["H", " ", "Ấn"], ["A", " ", "Páo"],
                  ["Hoà", "'", "Bình"]):  # after a longer word a stroke may be a drifted tone mark
        clean, words = _written(parts, face)
        assert [w.text for w in with_seen_apostrophes(clean, words)] == [p for p in parts if p.strip(" '")]


@pytest.mark.parametrize("face", FACES)
def test_the_letters_own_ink_measures_the_stroke_not_its_box(face):
    """An engine's box for a slanting capital may reach far under it (a "Y" read 66 px tall for 45 px of
    ink): measured on that box, the next word's first letter was short enough to pass for a stroke, and
    "Trung tâm Y tế" became "Y'tế". The letter's own ink is the measure."""
    clean, words = _written(["H", "'", "Điêu", " ", "Niê"], face)
    x, y, w, h = words[0].bbox
    tall = Word("H", 0.9, (x, y, w, int(2.3 * h)), words[0].line)
    assert [w.text for w in with_seen_apostrophes(clean, [tall, *words[1:]])] == ["H'Điêu", "Niê"]
