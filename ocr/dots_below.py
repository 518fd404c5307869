"""A dot below that a reading claims and the ink does not have.

An engine's language model knows "Định" better than the surname "Đinh" and reads the one for the other,
confidently, in clear type. The page settles it: a dot below (nặng) is a small piece of ink under the
baseline. Words are checked only where nothing else can be taken for it: no letter hangs below the line
(g, p, q, y, j) and none reaches under it.

(Marks above cannot be checked so: at the sizes books are scanned, an i's dot and a small hook are the same
few pixels; tried on tuning books, a real "tỉnh" lost its hook. Nor over a capital vowel, where they are
larger: rendered in the installed serif and italic faces at 30-44 px, shape told hat and tone right for
184 of 864 capitals.)
"""

from __future__ import annotations

import unicodedata
from statistics import median

import cv2
import numpy as np

from ocr.engine import Word
from ocr.mark_shapes import DOT_BELOW

DESCENDERS = frozenset("gpqyjGPQYJ,;")
#: How far under the baseline (in word heights) a dot below is looked for.
BELOW_DEPTH = 0.45
#: How far past the word's right edge (in its letter widths) a dot below is looked for.
RIGHT_REACH = 1.5
#: A piece this small beside a letter's body (area share, height share of the word) is a mark, not a letter.
MARK_AREA, MARK_HEIGHT = 0.4, 0.4


def without_unseen_dots(clean: np.ndarray, words: list[Word]) -> list[Word]:
    """``words`` (page coordinates; ``clean``: ink > 0) with the dots below that their ink does not show
    taken off."""
    return [_checked(clean, word) for word in words]


def _checked(clean: np.ndarray, word: Word) -> Word:
    text = unicodedata.normalize("NFD", word.text)
    if DOT_BELOW not in text or any(c in DESCENDERS for c in text):
        return word
    marks, baseline, height, bleeding = _pieces(clean, word)
    if baseline is None or bleeding or any(p[1] >= baseline - 0.05 * height for p in marks):
        return word
    if _swallowed_under_dotted_letter(clean, word):
        return word
    return Word(unicodedata.normalize("NFC", text.replace(DOT_BELOW, "")), word.conf, word.bbox, word.line)


#: How far (in word heights, and at least SWALLOW_PIXELS) a dotted letter's ink may reach under the line
#: before its dot may have run into it: on a heavy scan a dot below bleeds into the stem of an i or u.
SWALLOW_DEPTH, SWALLOW_PIXELS = 0.05, 2


def _swallowed_under_dotted_letter(clean: np.ndarray, word: Word) -> bool:
    """Whether the ink of one of the letters read with a dot below reaches under the line the word's other
    columns of ink end on: the dot may be there, run into its letter. The letter is placed by its share of
    the word's width; the line is where most columns end (letters run together on a heavy scan, so the
    letters' own pieces may be too few to show it)."""
    x, y, w, h = word.bbox
    box = clean[max(0, y):min(clean.shape[0], int(y + h + BELOW_DEPTH * h)), max(0, x):x + w] > 0
    inked = box.any(axis=0)
    bottoms = np.where(inked, box.shape[0] - 1 - np.argmax(box[::-1], axis=0), -1)
    standing = bottoms >= 0.6 * h  # columns of letters on the line, not of a T's bar or a mark above
    if standing.sum() < 3:
        return False
    line = float(np.median(bottoms[standing]))
    letters = unicodedata.normalize("NFC", word.text)
    reach = max(SWALLOW_PIXELS, SWALLOW_DEPTH * h)
    for index, letter in enumerate(letters):
        if DOT_BELOW not in unicodedata.normalize("NFD", letter):
            continue
        left = max(0, int(index * w / len(letters)))
        right = min(w, int((index + 1) * w / len(letters)))
        if right > left and bottoms[left:right].max() > line + reach:
            return True
    return False


def _pieces(clean: np.ndarray, word: Word):
    """The small pieces of ink (marks) of the word's box and just below it, as (x, y, w, area, h), with the
    baseline of its letters, its height, and whether a letter reaches under the line; page coordinates."""
    x, y, w, h = word.bbox
    bottom = min(clean.shape[0], int(y + h + BELOW_DEPTH * h))
    # A typewriter strikes its marks apart, up to a letter or more to the right: look that far past the word.
    reach = int(RIGHT_REACH * w / max(1, len(word.text)))
    crop = (clean[max(0, y):bottom, max(0, x):x + w + reach] > 0).astype(np.uint8)
    if crop.size == 0:
        return [], None, h, True
    count, _, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
    pieces = [(int(s[0]) + x, int(s[1]) + y, int(s[2]), int(s[4]), int(s[3])) for s in stats[1:count]]
    bodies = [p for p in pieces if p[4] >= 0.45 * h and p[1] < y + h]
    if len(bodies) < 2:
        return [], None, h, True
    body_area = median(p[3] for p in bodies)
    marks = [p for p in pieces if p not in bodies and p[3] <= MARK_AREA * body_area and p[4] <= MARK_HEIGHT * h]
    baseline = median(p[1] + p[4] for p in bodies)
    # A letter reaching under the line in a word without descenders may have swallowed its dot below.
    bleeding = any(p[1] + p[4] > baseline + 0.12 * h for p in bodies)
    return marks, baseline, h, bleeding
