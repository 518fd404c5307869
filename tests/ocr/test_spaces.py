"""A space read between two words is seen over blank paper, or not: a hyphen the engine dropped is ink."""

from __future__ import annotations

import numpy as np

from ocr.engine import Word
from ocr.spaces import spaces_on_blank_paper


def _two_words(hyphen: bool = False) -> tuple[np.ndarray, list[Word]]:
    """ "Ê đê": an E of 30×40 pixels under its hat, a space, two letters of x-height; ``hyphen``: a flat
    stroke at mid x-height between them."""
    image = np.zeros((80, 200), np.uint8)
    image[20:60, 10:40] = 255  # Ê's body
    image[10:14, 18:32] = 255  # its hat, a flat piece well above the letters' middle
    image[35:60, 70:95] = 255  # đ
    image[35:60, 100:125] = 255  # ê
    if hyphen:
        image[44:48, 50:62] = 255
    return image, [Word("Ê", 0.7, (10, 10, 30, 50), 0), Word("đê", 0.9, (70, 35, 55, 25), 0)]


def test_a_blank_space_is_seen_blank_and_a_dropped_hyphen_is_not():
    image, words = _two_words()
    assert spaces_on_blank_paper(image, words), "the hat above the E is no hyphen"
    image, words = _two_words(hyphen=True)
    assert not spaces_on_blank_paper(image, words)


def test_a_hyphen_counted_into_a_words_box_still_is_one():
    image, (left, right) = _two_words(hyphen=True)
    wider = Word(left.text, left.conf, (10, 10, 53, 50), 0)  # the box reaches over the hyphen
    assert not spaces_on_blank_paper(image, [wider, right])


def test_no_space_to_judge_is_no_blank_space():
    image, (left, _) = _two_words()
    assert not spaces_on_blank_paper(image, [left])
    image, (left, right) = _two_words()
    assert not spaces_on_blank_paper(image, [left, Word(right.text, right.conf, right.bbox, 1)]), "another line"
