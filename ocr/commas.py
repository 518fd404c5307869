"""A comma the ink shows after a word and the reading lacks.

An engine drops a comma written close after a word ("huyện Tân Lạc tỉnh Hòa Bình" where the book has
"Tân Lạc, tỉnh"), most of all in a slanting hand, where the comma leans into the letter before it. The page
settles it: a comma is a small stroke of its own right after the word's last letter, starting on the
letters' baseline and reaching under it. A dot below (ạ) lies wholly under the baseline, a period on it,
and a letter's descender (g, y) is part of a letter's body: none of them is taken for a comma.
"""

from __future__ import annotations

from statistics import median

import cv2
import numpy as np

from ocr.engine import Word
from ocr.words import next_on_line

#: Letter bodies are pieces at least this share of the word's height.
BODY_HEIGHT = 0.45
#: How far past the word's right edge (in word heights) its comma is looked for.
REACH = 0.5
#: A comma's shape, in word heights: at most this tall and wide, starting at least RISE above the baseline
#: and reaching at least DROP under it.
MAX_HEIGHT, MAX_WIDTH, RISE, DROP = 0.6, 0.35, 0.04, 0.08
_PUNCTUATION = ",.;:)-/"
#: Letters whose tail, broken off in a scan, is a comma's shape: after them a comma must stand clear of the
#: letter (it cannot tuck under a tail), where a broken tail starts under it.
DESCENDERS = frozenset("gpqyjGPQYJ")


def with_seen_commas(clean: np.ndarray, words: list[Word]) -> list[Word]:
    """``words`` (page coordinates; ``clean``: ink > 0), each with the comma its ink shows after it."""
    result = []
    for index, word in enumerate(words):
        after = next_on_line(words, index)
        following = None if after is None else words[after]
        if (word.text and word.text[-1] not in _PUNCTUATION
                and _comma_after(clean, word, following, clear=word.text[-1] in DESCENDERS)):
            word = Word(word.text + ",", word.conf, word.bbox, word.line)
        result.append(word)
    return result


def _comma_after(clean: np.ndarray, word: Word, following: Word | None, clear: bool = False) -> bool:
    x, y, w, h = word.bbox
    right = x + w + int(REACH * h)
    if following is not None:
        right = min(right, following.bbox[0])
    crop = (clean[max(0, y):min(clean.shape[0], y + h + h // 2), max(0, x):right] > 0).astype(np.uint8)
    if crop.size == 0:
        return False
    count, _, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
    pieces = [tuple(int(v) for v in stats[i, :4]) for i in range(1, count)]
    bodies = [p for p in pieces if p[3] >= BODY_HEIGHT * h and p[1] < h]
    if not bodies:
        return False
    baseline = median(p[1] + p[3] for p in bodies)
    last_letter = max(p[0] + p[2] for p in bodies)
    # In a slanting hand the comma's head tucks under the last letter: its tail reaches past it. A piece
    # the window's edge cuts is part of something larger (the next word's first letter).
    height, width = crop.shape
    commas = [p for p in pieces if p not in bodies and p[0] + p[2] > last_letter
              and p[0] + p[2] < width and p[1] + p[3] < height
              and p[3] <= MAX_HEIGHT * h and p[2] <= MAX_WIDTH * h
              and p[1] <= baseline - RISE * h and p[1] + p[3] >= baseline + DROP * h]
    if clear:  # past every other piece of ink over the baseline: not a tail broken off under its letter
        commas = [p for p in commas if all(p[0] >= q[0] + q[2] for q in pieces if q != p and q[1] < baseline)]
    return len(commas) == 1

