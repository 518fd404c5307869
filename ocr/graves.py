"""A grave (dấu huyền) that the reading took for a hook above (dấu hỏi).

In a slanting hand an engine reads "Giàng" as "Giảng" and "Thiềng" as "Thiểng": the short stroke of the
grave, leaning into the letter, passes for the hook's curl. The ink settles it one way only. A grave is a
straight stroke falling to the right; a hook curls back and is never that straight. (The other way round it
does not hold: a blurred or broken grave can look like a hook, and a hook can look like an acute or a tilde
often enough that neither is taken from shape.)

A word is checked only where its marks can be told apart: every piece of ink above its small letters is
accounted for by the reading (the dots of i and j, the hats and breves of â ê ô ă, and the tone marks), so
the piece over the hooked vowel is known by its order. A hook beside a hat, a capital's mark, a mark of
small type and words with an apostrophe are left as read. Rendered in the installed faces (regular and
italic, 26-48 px, blurred, noisy, JPEG-compressed; three draws), this told 637-655 of 2,280 graves read as
hooks and took none of 3 x 2,040 hooks for a grave.
"""

from __future__ import annotations

import unicodedata
from statistics import median

import cv2
import numpy as np

from ocr.engine import Word
from ocr.mark_shapes import DOT_BELOW, GRAVE, HOOK, classify_mark

#: Letter bodies are pieces at least this share of the word's height; marks at most MARK_HEIGHT of it and
#: MARK_AREA of a body's area.
BODY_HEIGHT, MARK_HEIGHT, MARK_AREA = 0.45, 0.4, 0.4
#: How far above the word's box (in word heights) its marks are looked for.
ABOVE_REACH = 0.3
#: How far beside the word's box (in word heights) the ink is taken in, so that a mark its box only
#: touches is seen whole.
SIDE_REACH = 0.2
#: A mark smaller than this (in word heights) is a few pixels that any stroke may look like.
MIN_MARK_SIZE = 0.15
#: ... and smaller than this many pixels (of a page at 300 dpi: small type) is too few to tell a curl.
MIN_MARK_PIXELS = 7
_HATTED = frozenset("âêôă")
_DOTTED = frozenset("ij")
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


def with_seen_graves(clean: np.ndarray, words: list[Word]) -> list[Word]:
    """``words`` (page coordinates; ``clean``: ink > 0), each hook above its ink shows to be a grave made one."""
    return [_checked(clean, word) for word in words]


def _checked(clean: np.ndarray, word: Word) -> Word:
    text = unicodedata.normalize("NFC", word.text)
    hooked = [i for i, ch in enumerate(text) if HOOK in unicodedata.normalize("NFD", ch)]
    expected = _pieces_above(text)
    if len(hooked) != 1 or expected is None:
        return word
    pieces = _small_pieces_above(clean, word.bbox)
    if pieces is None or len(pieces) != len(expected):
        return word
    ordered = sorted(pieces, key=lambda p: p[0][0] + p[0][2] / 2)
    for position, (kind, index) in enumerate(expected):
        if kind != "tone" or index != hooked[0]:
            continue
        if position > 0 and expected[position - 1] == ("hat", index):
            return word  # squeezed beside a hat, a mark is a few pixels, and a font sets it left or right
        mark = ordered[position]
        if max(mark[0][2], mark[0][3]) >= max(MIN_MARK_PIXELS, MIN_MARK_SIZE * word.bbox[3]) and \
                classify_mark(mark[1], below=False) == GRAVE:
            letters = list(text)
            base = unicodedata.normalize("NFD", letters[index]).replace(HOOK, "")
            letters[index] = unicodedata.normalize("NFC", base + GRAVE)
            return Word("".join(letters), word.conf, word.bbox, word.line)
    return word


def _pieces_above(text: str) -> list[tuple[str, int]] | None:
    """What the reading puts above its small letters, left to right, as (kind, letter index): "dot", "hat"
    or "tone"; None for a word whose marks cannot be told apart by order (a capital with a mark or hat, an
    apostrophe, a tilde stacked over a hat)."""
    expected = []
    for index, char in enumerate(text):
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
        tone = next((c for c in decomposed if c in _TONES and c != DOT_BELOW), None)
        if not char.isalpha():
            if char in ",.;:":
                continue
            return None
        if char.isupper():
            if tone or base in "ÂÊÔĂ":
                return None
            continue
        if base in _DOTTED:
            expected.append(("tone" if tone else "dot", index))
        elif base in _HATTED:
            if tone == "\u0303":
                return None  # a tilde stacks over the hat: which piece is which is not a matter of order
            expected.append(("hat", index))
            if tone:
                expected.append(("tone", index))
        elif tone:
            expected.append(("tone", index))
    return expected


def _small_pieces_above(clean: np.ndarray, bbox: tuple[int, int, int, int]
                        ) -> list[tuple[tuple[int, int, int, int], np.ndarray]] | None:
    """The small pieces of ink over the word's small letters, with their masks; None without letters."""
    x, y, w, h = bbox
    top, margin = max(0, y - int(ABOVE_REACH * h)), int(SIDE_REACH * h)
    left = max(0, x - margin)
    crop = (clean[top:y + h, left:x + w + margin] > 0).astype(np.uint8)
    if crop.size == 0:
        return None
    word_left, word_right = x - left, x - left + w
    count, labels, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
    pieces = [(tuple(int(v) for v in stats[i, :4]), i) for i in range(1, count)]
    bodies = [p for p, _ in pieces if p[3] >= BODY_HEIGHT * h]
    if len(bodies) < 2:
        return None
    x_line = sorted(p[1] for p in bodies)[len(bodies) * 3 // 4]  # most letters are small letters
    body_area = median(p[2] * p[3] for p in bodies)
    height, width = crop.shape
    small = []
    for box, label in pieces:
        px, py, pw, ph = box
        if box in bodies or pw * ph > MARK_AREA * body_area or ph > MARK_HEIGHT * h:
            continue
        if py + ph > x_line + 0.1 * h or not word_left <= px + pw / 2 < word_right or py + ph <= y - top:
            continue  # on or under the letters (a comma, a dot below, a speck), beside the word or over it
        if px == 0 or px + pw >= width or py == 0:
            return None  # cut by the window: part of something the reading cannot account for
        small.append((box, labels[py:py + ph, px:px + pw] == label))
    return small
