"""Whether the spaces of a reading stand over blank paper.

An engine may drop a hyphen and read a space ("Khơ me" where the book has "Khơ-me"). Where the book itself
has a space ("Ê đê" beside "Ê-đê", both accepted spellings of one ethnic group), only the page can tell the
two apart: a hyphen leaves a short flat stroke between the words, a space leaves nothing.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.engine import Word

#: A dash is at least this many times as wide as it is tall.
DASH_ASPECT = 1.5
#: A dash is at most this share of the line's height tall.
DASH_HEIGHT = 0.2
#: Where a dash's centre may stand, as shares of the line's height from its top: below the marks above the
#: letters, above the baseline.
DASH_BAND = (0.33, 0.9)
#: A gap between two word boxes narrower than this (pixels) is too tight to tell anything by.
MIN_GAP = 2


def spaces_on_blank_paper(clean: np.ndarray, words: list[Word]) -> bool:
    """Whether every space read between two words side by side on one line stands over blank paper: no ink
    between their boxes, and no dash-like stroke between the words' middles (an engine may count a dropped
    hyphen into a word's box). False when the reading has no such space. ``clean``: ink > 0, in the words'
    coordinates."""
    pairs = [(a, b) for a, b in zip(words, words[1:]) if a.line == b.line]
    return bool(pairs) and all(_blank_between(clean, a, b) for a, b in pairs)


def _blank_between(clean: np.ndarray, left: Word, right: Word) -> bool:
    lx, ly, lw, lh = left.bbox
    rx, ry, rw, rh = right.bbox
    top, bottom = max(0, min(ly, ry)), max(ly + lh, ry + rh)
    start, end = lx + lw, rx
    if end - start < MIN_GAP or bottom <= top:
        return False
    if clean[top:bottom, start:end].any():
        return False
    # A dash counted into a word's box stands between the two words' middles.
    span_left, span_right = max(0, lx + lw // 2), rx + rw // 2
    region = (clean[top:bottom, span_left:span_right] > 0).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
    height = bottom - top
    for x, y, w, h, _ in stats[1:count]:
        centre = (y + h / 2) / height
        if w >= DASH_ASPECT * h and h <= DASH_HEIGHT * height and DASH_BAND[0] <= centre <= DASH_BAND[1]:
            return False
    return True
