"""Dotted leaders under a written value: which of their dots are erased, which kept, which read both ways."""

from __future__ import annotations

import numpy as np

from ocr.image import erase_leaders

DPI = 300


def _leader_under_letters(dot_below_at: int | None = None) -> np.ndarray:
    """A leader of 3×3-pixel dots every 13 pixels on row 100, letters (bars) standing on the first half;
    ``dot_below_at``: the x of a dot below that touches the leader dot under it."""
    image = np.zeros((160, 400), np.uint8)
    for x in range(20, 380, 13):
        image[100:103, x:x + 3] = 255
    for x in range(20, 180, 26):
        image[70:96, x:x + 10] = 255  # a letter whose foot stands 4 pixels above the dots
    if dot_below_at is not None:
        image[97:100, dot_below_at:dot_below_at + 4] = 255  # the dot below, merged with the leader's dot
    return image


def test_leader_dots_in_the_open_are_erased_and_those_under_letters_are_kept_and_doubted():
    doubts: list = []
    out = erase_leaders(_leader_under_letters(), DPI, doubts=doubts)
    assert not out[100:103, 200:380].any(), "the leader past the value is gone"
    assert out[100:103, 20:23].any(), "a dot under a letter is kept"
    assert doubts and all(x < 190 for x, *_ in doubts), "and reported, to be read both ways"


def test_a_dot_below_touching_a_leader_dot_is_the_letters_own_and_not_doubted():
    doubts: list = []
    image = _leader_under_letters(dot_below_at=72)
    out = erase_leaders(image, DPI, doubts=doubts)
    assert out[97:103, 72:75].any(), "kept"
    assert not any(x <= 73 < x + w for x, _, w, _ in doubts), "taller than the leader's dots: not a leader dot"


def test_dots_far_along_a_leader_whose_pitch_is_no_whole_number_of_pixels_are_still_on_it():
    """A printed pitch of 10.4 pixels: the steps between dots are 10 or 11, and a phase counted from the
    first dot with a whole-pixel step drifts off the leader within a few dozen dots."""
    image = np.zeros((160, 700), np.uint8)
    xs = [20 + round(k * 10.4) for k in range(64)]
    for x in xs:
        image[100:102, x:x + 3] = 255
    under = [x for x in xs if x >= 400][:20]
    for x in under[::2]:
        image[70:97, x - 2:x + 6] = 255  # letters standing on the leader, far from its start
    doubts: list = []
    erase_leaders(image, DPI, doubts=doubts)
    doubted = {x for x, *_ in doubts}
    assert all(x in doubted for x in under[::2]), "each dot under a letter may be the leader's"
