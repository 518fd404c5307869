"""The case of same-shape letters (x/X, c/C, s/S…) is told by their size on the page, not guessed."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.engine import Word
from ocr.letter_case import sized_case
from tests.ocr.render import FONT


def _cell(text: str) -> np.ndarray:
    """A line of type as the readers see it: ink > 0 on a black page."""
    font = ImageFont.truetype(FONT, 44)
    image = Image.new("L", (1400, 120), 0)
    ImageDraw.Draw(image).text((20, 90), text, font=font, fill=255, anchor="ls")
    return np.asarray(image)


def _swap_first(words: list[Word]) -> list[Word]:
    first = words[0]
    return [Word(first.text[0].swapcase() + first.text[1:], first.conf, first.bbox, first.line), *words[1:]]


def test_the_first_letter_takes_the_case_its_size_says(engine):
    for text in ("xã Tân Phú, huyện Củ Chi", "Xã Tân Phú, huyện Củ Chi", "sông Cầu, xã Tân Phú"):
        clean = _cell(text)
        words = engine.recognize_words(255 - clean, 300, psm=6)
        assert words and words[0].text[0].lower() == text[0].lower(), [w.text for w in words]
        # Whatever the engine guessed, the size decides.
        fixed = sized_case(clean, _swap_first(words))
        assert fixed[0].text[0] == text[0], (text, [w.text for w in fixed])


def test_letters_of_other_shapes_are_left_as_read():
    clean = _cell("huyện Đa khoa")
    words = [Word("Huyện", 0.9, (20, 50, 160, 60), (1, 1, 1))]
    assert sized_case(clean, words) == words


def test_an_i_under_a_tone_mark_takes_the_case_its_size_says(engine):
    """A mark takes the place of an i's dot, so a capital I under one reads as "í" ("Cầm Thị ín" for Ín,
    a Thái name); its height tells."""
    for text in ("Cầm Thị Ín", "Lò Văn ít"):
        clean = _cell(text)
        words = engine.recognize_words(255 - clean, 300, psm=6)
        assert len(words) == 3 and words[2].text.lower() == text.split()[2].lower(), [w.text for w in words]
        swapped = [*words[:2], *_swap_first(words[2:])]
        assert sized_case(clean, swapped)[2].text == text.split()[2], text


def test_a_y_standing_on_the_line_is_a_capital(engine):
    """A capital Y stands on the line; a small y's tail reaches under it. In a slanting hand the two are
    alike enough for an engine to read "Trung tâm y tế" for the book's "Y tế"."""
    for face in (FONT, "/usr/share/fonts/truetype/noto/NotoSans-Italic.ttf"):
        for text, index in (("Trung tâm Y tế huyện", 2), ("Trạm y tế xã", 1)):
            font = ImageFont.truetype(face, 44)
            image = Image.new("L", (1400, 120), 0)
            ImageDraw.Draw(image).text((20, 80), text, font=font, fill=255, anchor="ls")
            clean = np.asarray(image)
            words = engine.recognize_words(255 - clean, 300, psm=6)
            assert [w.text.lower() for w in words] == text.lower().split(), [w.text for w in words]
            # A y standing on the line is a capital; a capital read as such stays one.
            small = [*words[:index], Word(words[index].text.lower(), 0.9, words[index].bbox), *words[index + 1:]]
            assert sized_case(clean, small)[index].text == text.split()[index], (face, text)
            assert sized_case(clean, words)[index].text == text.split()[index], (face, text)


def test_a_y_whose_tail_a_scan_broke_off_stays_small(engine):
    """A worn scan cut a small y's stroke just above the line: what is left on the line ends there, but the
    tail under it is still the letter's."""
    for face in (FONT, "/usr/share/fonts/truetype/noto/NotoSans-Italic.ttf"):
        font = ImageFont.truetype(face, 44)
        image = Image.new("L", (1400, 120), 0)
        draw = ImageDraw.Draw(image)
        draw.text((20, 80), "Trạm y tế xã", font=font, fill=255, anchor="ls")
        clean = np.asarray(image).copy()
        words = engine.recognize_words(255 - clean, 300, psm=6)
        assert [w.text for w in words] == ["Trạm", "y", "tế", "xã"], [w.text for w in words]
        left = 20 + int(draw.textlength("Trạm ", font=font))
        clean[78:81, left:left + int(draw.textlength("y", font=font)) + 4] = 0  # cut just above the baseline
        assert sized_case(clean, words)[1].text == "y", face


def test_a_small_y_over_a_close_line_stays_small(engine):
    """Its tail reaches down among the next line's letters: the line it stands on is the one level with it,
    not the one its box reaches."""
    font = ImageFont.truetype(FONT, 44)
    image = Image.new("L", (900, 160), 0)
    draw = ImageDraw.Draw(image)
    draw.text((20, 60), "Trạm y tế xã", font=font, fill=255, anchor="ls")
    draw.text((20, 106), "huyện Diễn Châu", font=font, fill=255, anchor="ls")
    clean = np.asarray(image)
    words = engine.recognize_words(255 - clean, 300, psm=6)
    assert [w.text for w in words][:2] == ["Trạm", "y"], [w.text for w in words]
    assert sized_case(clean, words)[1].text == "y"


def test_a_small_y_written_above_its_neighbours_stays_small(engine):
    """A hand's words ride up and down: a small y written higher than the words beside it ends little
    under their line, far less than a y's tail, yet still under it."""
    font = ImageFont.truetype(FONT, 44)
    image = Image.new("L", (900, 120), 0)
    draw = ImageDraw.Draw(image)
    draw.text((20, 80), "Trạm", font=font, fill=255, anchor="ls")
    left = 20 + int(draw.textlength("Trạm ", font=font))
    draw.text((left, 73), "y", font=font, fill=255, anchor="ls")  # 7 px higher: 2 px of tail under the line
    left += int(draw.textlength("y ", font=font))
    draw.text((left, 80), "tế xã", font=font, fill=255, anchor="ls")
    clean = np.asarray(image)
    words = engine.recognize_words(255 - clean, 300, psm=6)
    assert len(words) == 4, [w.text for w in words]
    read_small = [words[0], Word("y", 0.9, words[1].bbox, words[1].line), *words[2:]]
    assert sized_case(clean, read_small)[1].text == "y"
