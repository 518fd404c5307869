"""The case of letters whose capital is their small letter enlarged (c, o, s, u, v, w, x, z), told by size.
So is an i with a tone mark above: the mark takes the dot's place, and an engine reads a capital I under
a mark as one ("ín" for Ín). A hand's y and Y differ in one thing an engine may miss: the small letter's
tail reaches under the line, so a y standing on it is a capital ("Trung tâm y tế" read for the book's Y tế).

An engine guesses the case of "xã" or "Xã": the shapes are the same. The page itself tells: a capital stands
as tall as the line's capitals, a small letter as tall as its x-height letters (a, e, m, n…). Where a word's
letters can be matched one to one with its pieces of ink, its first letter's height is compared with the
x-height of the other words of the same cell; where the two are not clearly apart, the engine's guess stays.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from statistics import median

import cv2
import numpy as np

from ocr.engine import Word

SAME_SHAPE = frozenset("cosvwxz")  # u and ư: the horn of ư changes the height, and "U" is rarely unclear
#: Tone marks above a letter: an i carrying one has no dot to tell it from a capital I.
MARKS_ABOVE = frozenset("\u0300\u0301\u0303\u0309")
X_HEIGHT_LETTERS = frozenset("acemnorsuvwxz")
#: A first letter this many x-heights tall or more is a capital; this many or fewer a small letter.
CAPITAL_RATIO = 1.22
SMALL_RATIO = 1.10
#: At least this many x-height letters measured in the cell.
MIN_SAMPLES = 2
#: Letters told by their tail: one reaching at most STANDS_ON x-heights under the line's baseline is no
#: small letter. Rendered in four faces at two sizes a capital Y ends 0.0 under it and a small y 0.36-0.46;
#: a hand's words ride up and down, and a small y beside them measured 0.08.
TAILED = frozenset("y")
STANDS_ON = 0.05


def _bare(char: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))


def _same_shape(char: str) -> bool:
    """Whether ``char``'s capital is told from it by size alone."""
    bare = _bare(char).lower()
    return bare in SAME_SHAPE or bare == "i" and bool(MARKS_ABOVE & set(unicodedata.normalize("NFD", char)))


def _tailed(char: str) -> bool:
    return _bare(char).lower() in TAILED


def sized_case(clean: np.ndarray, words: list[Word]) -> list[Word]:
    """``words`` (page coordinates, ``clean`` = ink > 0) with the first letter of each same-shape word in the
    case its size says."""
    targets = [i for i, w in enumerate(words) if w.text and (_same_shape(w.text[0]) or _tailed(w.text[0]))]
    if not targets:
        return words
    x0 = min(w.bbox[0] for w in words)
    y0 = min(w.bbox[1] for w in words)
    x1 = max(w.bbox[0] + w.bbox[2] for w in words)
    y1 = max(w.bbox[1] + w.bbox[3] for w in words)
    ink = (clean[max(0, y0):y1, max(0, x0):x1] > 0).astype(np.uint8)
    if ink.size == 0:
        return words
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    pieces = [(int(s[0]) + max(0, x0), int(s[1]) + max(0, y0), int(s[2]), int(s[3])) for s in stats[1:count]]
    letters_of = {i: _matched(word, pieces) for i, word in enumerate(words)}
    heights = [piece[3] for i, matched in letters_of.items() if matched for k, (char, piece) in enumerate(matched)
               if (k > 0 or i not in targets) and char in X_HEIGHT_LETTERS]
    if len(heights) < MIN_SAMPLES:
        return words
    x_height = median(heights)
    result = list(words)
    for i in targets:
        matched = letters_of[i]
        text = words[i].text
        if _tailed(text[0]):
            if len(text) != 1:
                continue  # the first letter's ink is told from the next one's only for a letter read alone
            first = _case_by_tail(text[0], _lowest_ink(words[i], pieces), _baseline(words[i], words, letters_of,
                                                                                   targets), x_height)
        elif not matched:
            continue
        else:
            ratio = matched[0][1][3] / x_height
            first = text[0].upper() if ratio >= CAPITAL_RATIO else text[0].lower() if ratio <= SMALL_RATIO else text[0]
        if first != text[0]:
            result[i] = replace(words[i], text=first + text[1:])  # the same letters: their choices stand
    return result


def _baseline(word: Word, words: list[Word], letters_of: dict, targets: list[int]) -> float | None:
    """The baseline of ``word``'s line: the median bottom of the x-height letters of the words beside it
    (whose middle is level with the word: a y's box reaches down to the next line's words)."""
    top, bottom = word.bbox[1], word.bbox[1] + word.bbox[3]
    bottoms = [piece[1] + piece[3] for i, other in enumerate(words) if letters_of[i]
               and top <= other.center[1] <= bottom
               for k, (char, piece) in enumerate(letters_of[i])
               if (k > 0 or i not in targets) and char in X_HEIGHT_LETTERS]
    return float(median(bottoms)) if len(bottoms) >= MIN_SAMPLES else None


def _lowest_ink(word: Word, pieces: list[tuple[int, int, int, int]]) -> int | None:
    """The bottom of the lowest ink under a letter read alone: every piece its box overlaps, so that a tail
    broken off its letter in a scan still counts."""
    wx, wy, ww, wh = word.bbox
    under = [p[1] + p[3] for p in pieces
             if p[0] < wx + ww and p[0] + p[2] > wx and p[1] < wy + wh and p[1] + p[3] > wy]
    return max(under, default=None)


def _case_by_tail(char: str, bottom: int | None, baseline: float | None, x_height: float) -> str:
    if baseline is None or bottom is None:
        return char
    # One way only: a small y always reaches under the line, but a hand's capital Y may loop under it too.
    return char.upper() if (bottom - baseline) / x_height <= STANDS_ON else char


def _matched(word: Word, pieces: list[tuple[int, int, int, int]]) -> list[tuple[str, tuple]] | None:
    """(bare small letter, its piece of ink) for each letter of the word, when the word's letter bodies (its
    pieces at least a third of its height, marks and dots aside) are exactly as many as its letters."""
    letters = [_bare(ch).lower() for ch in unicodedata.normalize("NFC", word.text) if ch.isalpha()]
    if len(letters) != len(unicodedata.normalize("NFC", word.text)):
        return None  # punctuation in the word: no one-to-one match
    wx, wy, ww, wh = word.bbox
    bodies = sorted((p for p in pieces if wx <= p[0] + p[2] / 2 <= wx + ww and wy <= p[1] + p[3] / 2 <= wy + wh
                     and p[3] >= wh / 3), key=lambda p: p[0])
    if len(bodies) != len(letters):
        return None
    return list(zip(letters, bodies))
