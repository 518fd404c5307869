"""An apostrophe the ink shows after a one-letter prefix and the reading lacks.

The Ê-đê and Gia-rai names and places write a one-letter prefix before an apostrophe: H'Bia, H'Điêu,
Ea H'Leo, Cư M'gar. An engine trained on Vietnamese text drops the apostrophe and reads two words
("H Bia"), and "H Bia" may also be how a book wrote it, so only the page can tell. An apostrophe is a small
stroke of its own in the gap after the letter, hanging from the top of the letters and ending above their
middle. Only after a one-letter word is it looked for: after a longer word such a stroke may be a tone
mark that drifted off its vowel (a typewriter strikes marks apart).
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.engine import Word
from ocr.words import box_of, next_on_line

#: The stroke's shape, in letter heights: at least this tall, at most this wide, its top at most TOP_SLACK
#: below the letters' top and its bottom above LOW_END of their height.
MIN_HEIGHT, MAX_WIDTH, TOP_SLACK, LOW_END = 0.15, 0.3, 0.25, 0.65
#: Letter bodies are pieces at least this share of the letter's height; the window reaches this far (in
#: letter heights) into the word after, to its first letter.
BODY_HEIGHT, FIRST_LETTER = 0.45, 0.6
#: Pieces smaller than this (in pixels) are specks of the scan, not strokes.
MIN_AREA = 4


def with_seen_apostrophes(clean: np.ndarray, words: list[Word]) -> list[Word]:
    """``words`` (page coordinates; ``clean``: ink > 0) with each capital letter read alone joined to the
    word after it by the apostrophe its ink shows between them ("H", "Bia" → "H'Bia")."""
    result: list[Word] = []
    skip: set[int] = set()
    for index, word in enumerate(words):
        if index in skip:
            continue
        after = next_on_line(words, index)
        if (after is not None and len(word.text) == 1 and word.text.isupper()
                and words[after].text[:1].isalpha() and _apostrophe_between(clean, word, words[after])):
            other = words[after]
            choices = word.choices + ("",) + other.choices if word.choices and other.choices else ()
            word = Word(word.text + "'" + other.text, min(word.conf, other.conf), box_of([word, other]),
                        word.line, choices)
            skip.add(after)
        result.append(word)
    return result


def _apostrophe_between(clean: np.ndarray, letter: Word, following: Word) -> bool:
    x, _, w, _ = letter.bbox
    y, h = _letter_height(clean, letter.bbox)
    # The engine's box of the word after may start at the apostrophe it did not read: look on to the
    # first letter of that word.
    left, right = x + w, min(clean.shape[1], following.bbox[0] + int(FIRST_LETTER * h))
    top = max(0, y - int(TOP_SLACK * h))
    crop = (clean[top:y + h, left:right] > 0).astype(np.uint8)
    if crop.size == 0:
        return False
    count, _, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
    pieces = [tuple(int(v) for v in stats[i, :4]) for i in range(1, count) if stats[i, 4] >= MIN_AREA]
    # Pieces on the window's left edge belong to the letter (a serif past its box); those its right edge
    # cuts, to the next word's letters.
    pieces = [p for p in pieces if p[0] > 0 and p[0] + p[2] < crop.shape[1]]
    first_body = min((p[0] for p in pieces if p[3] >= BODY_HEIGHT * h), default=crop.shape[1])
    # Begun before the first letter: a slanting hand's letter reaches back under it, a hat sits over it.
    strokes = [p for p in pieces if p[0] < first_body and p[3] < BODY_HEIGHT * h]
    if len(strokes) != 1:
        return False
    px, py, pw, ph = strokes[0]
    return (MIN_HEIGHT * h <= ph and pw <= MAX_WIDTH * h and top + py <= y + TOP_SLACK * h
            and top + py + ph <= y + LOW_END * h)


def _letter_height(clean: np.ndarray, box: tuple[int, int, int, int]) -> tuple[int, int]:
    """The top and height of the letter's own ink (its tallest piece in its box): an engine's box may reach
    far under the letter."""
    x, y, w, h = box
    crop = (clean[y:y + h, x:x + w] > 0).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
    if count < 2:
        return y, h
    tallest = max(range(1, count), key=lambda i: stats[i, 3])
    return y + int(stats[tallest, 1]), int(stats[tallest, 3])
