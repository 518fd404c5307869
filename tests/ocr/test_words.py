"""Word boxes fitted to the ink each word owns (ocr.words.fit_to_ink)."""

from __future__ import annotations

import numpy as np

from ocr.engine import Word
from ocr.words import fit_to_ink, strip_leaders


def _page_with_letters(*spans: tuple[int, int]) -> np.ndarray:
    """A binary strip (ink > 0) with one solid letter per (left, right) span, rows 10..40."""
    page = np.zeros((50, 400), dtype=np.uint8)
    for left, right in spans:
        page[10:40, left:right] = 255
    return page


def test_a_label_boxed_over_the_first_letter_of_its_value_ends_at_its_own_ink():
    page = _page_with_letters((20, 40), (45, 70), (100, 125), (128, 150))  # "trú:" = 20..70, "Thôn" = 100..150
    label = Word("trú:", 0.9, (20, 10, 88, 30))  # reaches over the left of the T, whose centre lies outside
    value = Word("Thôn", 0.9, (108, 10, 42, 30))  # starts after the T's left edge
    fitted_label, fitted_value = fit_to_ink(page, [label, value], (0, 0, 400, 50))
    assert fitted_label.bbox == (20, 10, 50, 30)
    assert fitted_value.bbox == (108, 10, 42, 30)  # edges only move in


def test_a_box_over_its_neighbours_ends_where_the_next_word_begins():
    page = _page_with_letters((10, 30), (34, 60), (80, 100), (130, 150), (153, 200))
    wide = Word("thường", 0.9, (10, 10, 135, 30))  # over "trú:" and the T of "Thôn" (centre 140)
    words = [wide, Word("trú:", 0.9, (80, 10, 20, 30)), Word("Thôn", 0.9, (150, 10, 50, 30))]
    fitted = fit_to_ink(page, words, (0, 0, 400, 50))
    assert [w.bbox for w in fitted] == [(10, 10, 50, 30), (80, 10, 20, 30), (153, 10, 47, 30)]
    assert [w.text for w in fitted] == ["thường", "trú:", "Thôn"]


def test_a_rule_through_a_word_does_not_stretch_it_and_a_box_without_ink_stays():
    page = _page_with_letters((100, 120))
    page[38:40, 0:400] = 255  # a rule under the letters, touching them: one piece as wide as the page
    word, empty = Word("Ba", 0.9, (95, 10, 30, 30)), Word("x", 0.9, (300, 0, 10, 8))
    fitted = fit_to_ink(page, [word, empty], (0, 0, 400, 50))
    assert fitted == [word, empty]  # the letter touches the rule: one piece, no letter


def test_a_second_box_of_the_same_ink_does_not_cut_a_word_short():
    page = _page_with_letters((100, 120), (124, 140), (144, 160), (164, 180))  # "26-07-2016", one word
    date = Word("26-07-2016", 0.9, (100, 10, 80, 30))
    echo = Word("6-07-2016", 0.4, (106, 10, 74, 30))  # the engine boxed most of it again
    speck = Word("n", 0.1, (150, 36, 6, 4))  # a leader's dots under it, read as a word
    assert fit_to_ink(page, [date, echo, speck], (0, 0, 400, 50))[0].bbox == (100, 10, 80, 30)


# --- strip_leaders: what is left of a dotted leader under a value is no word -------------------------
# The boxes below are the engine's own, from a form page whose leader dots sat under the values.

def test_a_row_of_leader_dots_read_as_letters_is_dropped():
    words = [Word("Mường", 0.96, (949, 1020, 141, 44), (16, 1, 1)), Word("h", 0.0, (976, 1061, 69, 3), (17, 1, 1))]
    assert [w.text for w in strip_leaders(words)] == ["Mường"]


def test_ink_under_a_line_read_again_on_a_line_of_its_own_is_dropped():
    line = [Word("Hoằng", 0.95, (3479, 2055, 137, 48), (44, 1, 1)), Word("Hóa,", 0.96, (3636, 2059, 92, 44), (44, 1, 1))]
    fragment = Word("TT", 0.06, (3001, 2084, 69, 28), (46, 1, 1))  # middle in the lower part of the line
    assert [w.text for w in strip_leaders([*line, fragment])] == ["Hoằng", "Hóa,"]


def test_a_second_line_of_a_value_stays_however_unsure():
    first = [Word("Thôn", 0.95, (100, 100, 90, 44), (1, 1, 1)), Word("10,", 0.96, (200, 100, 60, 44), (1, 1, 1))]
    wrapped = Word("tỉnh", 0.1, (100, 160, 80, 44), (2, 1, 1))  # below the first line, not inside it
    same_row = Word("Bình", 0.1, (300, 102, 80, 44), (3, 1, 1))  # beside it, on the engine's other line
    assert [w.text for w in strip_leaders([*first, wrapped, same_row])] == ["Thôn", "10,", "tỉnh", "Bình"]
